#include "input/scenario_export.hpp"

#include <sstream>

#include "input/loader_support.hpp"
#include "input/scenario_loader.hpp"
#include "input/text.hpp"
#include "model/params.hpp"

namespace ds {
namespace {

namespace fs = std::filesystem;

// A value as TOML writes it (format_value's text), as a node.
toml::node_view<toml::node> parsed_value(const std::string& text, toml::table& holder) {
  holder = toml::parse("v = " + text);
  return holder["v"];
}

// The entries of a [[partners]] or [[events]] list as the scenario has them
// (inherited from a base, or the default partner the loader adds), written
// out whole: the file's own list replaces an inherited one, so an override
// of one entry must come with the others.
template <class T>
toml::array entries_of(const std::vector<T>& entries, const std::vector<FieldSpec<T>>& fields) {
  toml::array out;
  for (const T& e : entries) {
    toml::table t;
    T copy = e;
    for (const FieldSpec<T>& f : fields) {
      toml::table holder;
      t.insert_or_assign(f.key, *parsed_value(format_value(f.ref(copy)), holder).node());
    }
    out.push_back(std::move(t));
  }
  return out;
}

// The node an override's key names in `root`, created if missing: a dotted
// key ("strategy.pace") names a table's value, "partners[2].fit" a field of
// the second [[partners]] entry (the list written whole from `s` if the file
// does not hold it itself).
toml::table* table_for(toml::table& root, const Scenario& s, const std::string& key, std::string& leaf) {
  const std::size_t dot = key.rfind('.');
  if (dot == std::string::npos) return nullptr;
  leaf = key.substr(dot + 1);
  const std::string path = key.substr(0, dot);
  const std::size_t open = path.find('[');
  if (open != std::string::npos) {
    const std::string name = path.substr(0, open);
    const std::size_t index = std::stoul(path.substr(open + 1));  // 1-based, checked by the loader first
    if (!root[name].as_array())
      root.insert_or_assign(name, name == "partners" ? entries_of(s.partners, partner_fields())
                                                     : entries_of(s.events, event_fields()));
    toml::array* entries = root[name].as_array();
    if (index < 1 || index > entries->size()) return nullptr;
    return (*entries)[index - 1].as_table();
  }
  toml::table* t = &root;
  std::size_t from = 0;
  while (true) {
    const std::size_t next = path.find('.', from);
    const std::string part = path.substr(from, next == std::string::npos ? std::string::npos : next - from);
    if (!t->get(part)) t->insert(part, toml::table{});
    t = t->get(part)->as_table();
    if (!t) return nullptr;
    if (next == std::string::npos) return t;
    from = next + 1;
  }
}

// A path in the file, made absolute (relative to the file's folder).
void absolute_path(toml::table& root, const char* section, const char* key, const fs::path& dir) {
  toml::table* t = root[section].as_table();
  if (!t) return;
  if (const auto* v = t->get_as<std::string>(key)) {
    const fs::path p(v->get());
    if (p.is_relative()) t->insert_or_assign(key, (dir / p).lexically_normal().string());
  }
}

// Whether the loader takes the value of `key` as text when it is not quoted
// (strings and choices, as --set reads them).
bool takes_text(const std::string& key) {
  ParamType type = ParamType::Real;
  const std::size_t close = key.find("].");
  if (close != std::string::npos) {
    const std::string field = key.substr(close + 2);
    if (key.rfind("partners[", 0) == 0) {
      for (const auto& f : partner_fields())
        if (f.key == field) type = f.type;
    } else {
      for (const auto& f : event_fields())
        if (f.key == field) type = f.type;
    }
  } else if (const ParamSpec* p = find_param(key)) {
    type = p->type;
  }
  return type == ParamType::String || type == ParamType::Choice;
}

}  // namespace

ExportResult export_scenario(const std::string& text, const fs::path& file, const std::vector<std::string>& overrides,
                             const std::string& header) {
  ExportResult r;
  const fs::path dir = fs::absolute(file).parent_path();
  // The scenario with its overrides must load: the loader's messages if not.
  const LoadResult loaded = load_scenario_text(text, file.string(), dir, overrides);
  if (!loaded.ok()) {
    r.diagnostics = loaded.diagnostics;
    return r;
  }
  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const std::exception& e) {
    r.diagnostics.push_back({file.string(), 0, 0, "", std::string("cannot be read again: ") + e.what(), ""});
    return r;
  }
  absolute_path(root, "scenario", "base", dir);
  absolute_path(root, "district", "schools_file", dir);
  for (const std::string& o : overrides) {
    const std::size_t eq = o.find('=');
    const std::string key = loader::trim(std::string_view(o).substr(0, eq));
    const std::string value = loader::trim(std::string_view(o).substr(eq + 1));
    std::string leaf;
    toml::table* t = table_for(root, *loaded.scenario, key, leaf);
    if (!t) continue;  // cannot happen: the loader accepted the key
    toml::table holder;
    // A value as --set reads it: text as it stands for strings and choices,
    // else TOML value syntax.
    if (loader::parse_set_value(value, takes_text(key), holder)) holder.insert_or_assign("v", value);
    t->insert_or_assign(leaf, *holder.get("v"));
    if (key == "district.schools_file") absolute_path(root, "district", "schools_file", fs::current_path());
  }
  std::ostringstream out;
  std::istringstream lines(header);
  for (std::string line; std::getline(lines, line);) out << (line.empty() ? "#" : "# " + line) << '\n';
  out << '\n' << toml::toml_formatter(root) << '\n';
  // Loaded back as the file it will be: it must load as the original did.
  const LoadResult back = load_scenario_text(out.str(), file.filename().string(), dir);
  if (!back.ok()) {
    r.diagnostics = back.diagnostics;
    return r;
  }
  r.toml = out.str();
  return r;
}

}  // namespace ds
