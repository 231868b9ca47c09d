// TOML scenario files -> validated Scenario. The only code that sees toml++.
//
// A load goes through these steps (Loader::run):
//   1. read the file, refusing files over kMaxScenarioBytes before parsing;
//   2. refuse what Debian's toml++ 3.3 cannot survive (prescan, in
//      loader_support.cpp, shared with the sweep loader): nesting deeper
//      than kMaxNesting (toml++ recurses once per level, and a crafted file
//      could exhaust the stack) and non-ASCII characters where toml++ would
//      classify them with undefined behaviour;
//   3. parse with toml++ (a syntax error ends that file: toml++ stops there);
//   4. follow `scenario.base` first, so that this file's values land on top of
//      its base's, key by key;
//   5. copy every value into the Scenario through the parameter declaration
//      (params.hpp), reporting unknown keys, wrong types and out-of-range values,
//      and remembering where each key was set;
//   6. add the default partner if none is listed, apply `--set` overrides,
//      resolve `district.schools_file`;
//   7. run check_scenario (cross-field rules) and place each of its diagnostics
//      where the offending key was set.
// A value that fails validation is never stored, so the cross-field checks only
// ever see valid values, and one mistake is not reported twice.
//
// Merge rules for `scenario.base` (documented in README and scenarios/):
//   - scalar keys: the child's value replaces the base's, key by key;
//   - `[[partners]]` and `[[events]]`: if the child lists any entry (or writes
//     `partners = []`), its list replaces the base's list wholesale. Merging
//     entries by position would silently mix two files' partners;
//   - `district.schools_file` resolves relative to the file that set it; a child
//     can drop an inherited one with `schools_file = ""`.
#include "input/scenario_loader.hpp"
#include "input/text.hpp"

#include "input/loader_support.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <type_traits>

#include "model/params.hpp"

namespace ds {

namespace {

namespace fs = std::filesystem;

// A base chain longer than this is almost surely generated; stop before the
// diagnostics become unreadable.
constexpr std::size_t kMaxBaseChain = 32;
// Diagnostics about --set values carry this in place of a file name.
constexpr const char* kSetName = "--set";

// Shared helpers (positions, diagnostics, text, values, files) live in
// loader_support.*.
using namespace loader;

// ---------------------------------------------------------------------------
// Positions and diagnostics

// One TOML document being applied: how diagnostics name it, and the folder its
// relative paths (base, schools_file) resolve against.
struct Source {
  std::string name;
  fs::path dir;
  bool has_positions = true;  // --set values: positions inside "v = ..." mean nothing

  Where at(const toml::source_region& r) const {
    if (!has_positions) return {name, 0, 0};
    return {name, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
  }
};


// Reads one TOML value into the field `ref` points at, if it is valid for
// `rule`; otherwise reports why and leaves the field alone.
class ValueReader {
 public:
  ValueReader(const Source& src, std::vector<Diagnostic>& diags) : src_(src), diags_(diags) {}

  bool read(const toml::node& n, const Rule& r, const ParamRef& ref, const std::string& key) {
    switch (r.type) {
      case ParamType::Int:
        return read_int(n, r, ref, key);
      case ParamType::Real:
        return read_real(n, r, ref, key);
      case ParamType::Bool:
        return read_bool(n, r, ref, key);
      case ParamType::String:
        return read_string(n, r, ref, key);
      case ParamType::Seed:
        return read_seed(n, r, ref, key);
      case ParamType::IntList:
        return read_int_list(n, r, ref, key);
      case ParamType::Choice:
        return read_choice(n, r, ref, key);
    }
    return false;
  }

 private:
  bool fail(const toml::node& n, const std::string& key, std::string problem, const Rule& r) {
    add(diags_, src_.at(n.source()), key, std::move(problem), expected_text(r));
    return false;
  }
  bool wrong_type(const toml::node& n, const std::string& key, const Rule& r) {
    return fail(n, key, "wrong type: " + describe(n), r);
  }

  bool read_int(const toml::node& n, const Rule& r, const ParamRef& ref, const std::string& key) {
    // A real is refused even when whole (12.0): TOML tells the two apart, and
    // accepting one would hide a value that was meant as a fraction.
    const auto* v = n.as_integer();
    if (!v) return wrong_type(n, key, r);
    if (auto p = int_problem(v->get(), r); !p.empty()) return fail(n, key, p, r);
    store<int>(ref, static_cast<int>(v->get()));
    return true;
  }

  bool read_real(const toml::node& n, const Rule& r, const ParamRef& ref, const std::string& key) {
    // An integer is a fine real: `budget_per_teacher = 800` should just work.
    double x = 0;
    std::string shown;
    if (const auto* i = n.as_integer()) {
      x = static_cast<double>(i->get());
      shown = std::to_string(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      x = f->get();
    } else {
      return wrong_type(n, key, r);
    }
    if (auto p = real_problem(x, r, shown); !p.empty()) return fail(n, key, p, r);
    store<double>(ref, x);
    return true;
  }

  bool read_bool(const toml::node& n, const Rule& r, const ParamRef& ref, const std::string& key) {
    const auto* v = n.as_boolean();
    if (!v) return wrong_type(n, key, r);
    store<bool>(ref, v->get());
    return true;
  }

  bool read_string(const toml::node& n, const Rule& r, const ParamRef& ref,
                   const std::string& key) {
    const auto* v = n.as_string();
    if (!v) return wrong_type(n, key, r);
    store<std::string>(ref, v->get());
    return true;
  }

  bool read_seed(const toml::node& n, const Rule& r, const ParamRef& ref, const std::string& key) {
    const auto* v = n.as_integer();
    if (!v) return wrong_type(n, key, r);
    if (v->get() < 0)
      return fail(n, key, "value " + std::to_string(v->get()) + " is out of range", r);
    store<std::uint64_t>(ref, static_cast<std::uint64_t>(v->get()));
    return true;
  }

  bool read_int_list(const toml::node& n, const Rule& r, const ParamRef& ref,
                     const std::string& key) {
    const auto* arr = n.as_array();
    if (!arr) return wrong_type(n, key, r);
    std::vector<int> out;
    bool ok = true;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::node& e = *arr->get(i);
      const std::string ekey = key + "[" + std::to_string(i + 1) + "]";
      const Rule element{ParamType::Int, r.min, r.max, nullptr};
      const auto* v = e.as_integer();
      if (!v) {
        ok = wrong_type(e, ekey, element);
        continue;
      }
      if (auto p = int_problem(v->get(), element); !p.empty()) {
        ok = fail(e, ekey, p, element);
        continue;
      }
      out.push_back(static_cast<int>(v->get()));
    }
    if (ok) store<std::vector<int>>(ref, std::move(out));
    return ok;
  }

  bool read_choice(const toml::node& n, const Rule& r, const ParamRef& ref,
                   const std::string& key) {
    const auto* v = n.as_string();
    if (!v) return wrong_type(n, key, r);
    const auto& names = *r.choices;
    const auto it = std::find(names.begin(), names.end(), v->get());
    if (it == names.end())
      return fail(n, key,
                  "unknown value " + quoted(v->get()) + did_you_mean(closest(v->get(), names)), r);
    store_choice(ref, static_cast<int>(it - names.begin()));
    return true;
  }

  const Source& src_;
  std::vector<Diagnostic>& diags_;
};

// ---------------------------------------------------------------------------
// schools_file: one row per real school, `name,teachers,need,readiness`

const std::vector<std::string> kSchoolColumns = {"name", "teachers", "need", "readiness"};

// The valid range of a CSV column is that of the district parameter it stands
// in for, so the two can never disagree.
Rule district_rule(const char* key) {
  const ParamSpec* p = find_param(key);
  if (!p) throw std::logic_error(std::string("params: schools_file needs parameter ") + key);
  return rule_of(*p);
}

struct CsvField {
  std::string text;
  int column = 1;  // 1-based byte column of the field's first non-blank character
};

// Splits one line; fields may be double-quoted ("Lincoln, North") with ""
// for a quote. Returns the column of a malformed quote, or 0 when fine.
int split_csv_line(std::string_view line, std::vector<CsvField>& out) {
  out.clear();
  std::size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    CsvField f;
    f.column = static_cast<int>(i) + 1;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          f.text += '"';
          i += 2;
        } else if (line[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          f.text += line[i++];
        }
      }
      if (!closed) return f.column;
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i < line.size() && line[i] != ',') return static_cast<int>(i) + 1;
    } else {
      const std::size_t end = std::min(line.find(',', i), line.size());
      f.text = trim(line.substr(i, end - i));
      i = end;
    }
    out.push_back(std::move(f));
    if (i >= line.size()) return 0;
    ++i;  // the comma
  }
}

class SchoolsCsv {
 public:
  SchoolsCsv(std::string name, std::vector<Diagnostic>& diags)
      : name_(std::move(name)), diags_(diags) {}

  // The schools listed in `text`; empty when anything is wrong.
  std::vector<SchoolSpec> parse(std::string_view text) {
    if (const auto bad = check_text(text)) {
      add(diags_, {name_, bad->line, bad->column}, "", bad->problem, bad->expected);
      return {};
    }
    constexpr std::string_view kBom = "\xEF\xBB\xBF";  // spreadsheets write one
    if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
    const std::string header_hint =
        "a header line " + join(kSchoolColumns, ",") + " and one row per school";
    if (trim(text).empty()) {
      add(diags_, {name_, 0, 0}, "", "file is empty", header_hint);
      return {};
    }
    std::vector<SchoolSpec> schools;
    std::map<std::string, int> first_line;  // school name -> line
    bool header_seen = false, ok = true;
    int line_no = 0;
    std::size_t pos = 0;
    std::vector<CsvField> fields;
    while (pos < text.size()) {
      std::size_t end = std::min(text.find('\n', pos), text.size());
      std::string_view line = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (trim(line).empty()) continue;
      if (const int bad = split_csv_line(line, fields); bad != 0) {
        ok = error(line_no, bad, "", "unbalanced double quote",
                   "a field in double quotes, \"\" for a quote");
        continue;
      }
      if (!header_seen) {
        header_seen = true;
        ok = check_header(line_no, fields) && ok;
        if (!ok) return {};  // the rows cannot be read against a wrong header
        continue;
      }
      SchoolSpec s;
      if (read_row(line_no, fields, s, first_line))
        schools.push_back(std::move(s));
      else
        ok = false;
    }
    const Rule count = district_rule("district.schools");
    if (ok && schools.empty()) {
      add(diags_, {name_, 0, 0}, "", "file lists no schools", header_hint);
      ok = false;
    } else if (static_cast<double>(schools.size()) > count.max) {
      add(diags_, {name_, 0, 0}, "", "file lists " + std::to_string(schools.size()) + " schools",
          "at most " + format_bound(count.max));
      ok = false;
    }
    if (!ok) schools.clear();
    return schools;
  }

 private:
  bool error(int line, int col, std::string key, std::string problem, std::string expected) {
    add(diags_, {name_, line, col}, std::move(key), std::move(problem), std::move(expected));
    return false;
  }

  bool check_header(int line, const std::vector<CsvField>& fields) {
    std::vector<std::string> names;
    for (const auto& f : fields) names.push_back(f.text);
    if (names == kSchoolColumns) return true;
    return error(line, 1, "", "wrong header " + quoted(join(names, ",")),
                 "the header " + join(kSchoolColumns, ","));
  }

  bool read_row(int line, const std::vector<CsvField>& f, SchoolSpec& s,
                std::map<std::string, int>& seen) {
    if (f.size() != kSchoolColumns.size())
      return error(line, 1, "", "row has " + std::to_string(f.size()) + " fields",
                   std::to_string(kSchoolColumns.size()) + " fields: " + join(kSchoolColumns, ","));
    bool ok = true;
    s.name = f[0].text;
    if (s.name.empty()) {
      ok = error(line, f[0].column, "name", "empty school name", "a name");
    } else if (auto [it, inserted] = seen.emplace(s.name, line); !inserted) {
      ok = error(line, f[0].column, "name", "duplicate school name " + quoted(s.name),
                 "unique names; first listed on line " + std::to_string(it->second));
    }
    ok = read_int(line, f[1], "teachers", district_rule("district.teachers_per_school"),
                  s.teachers) &&
         ok;
    ok = read_real(line, f[2], "need", district_rule("district.low_income_share"), s.need) && ok;
    ok = read_real(line, f[3], "readiness", district_rule("district.readiness"), s.readiness) && ok;
    return ok;
  }

  bool read_int(int line, const CsvField& f, const char* col, const Rule& r, int& out) {
    long long v = 0;
    const char* b = f.text.data();
    const char* e = b + f.text.size();
    const auto res = std::from_chars(b, e, v);
    if (f.text.empty() || res.ec != std::errc() || res.ptr != e)
      return error(line, f.column, col, "not an integer: " + quoted(f.text), expected_text(r));
    if (auto p = int_problem(v, r); !p.empty())
      return error(line, f.column, col, p, expected_text(r));
    out = static_cast<int>(v);
    return true;
  }

  bool read_real(int line, const CsvField& f, const char* col, const Rule& r, double& out) {
    double v = 0;
    const char* b = f.text.data();
    const char* e = b + f.text.size();
    const auto res = std::from_chars(b, e, v);
    if (f.text.empty() || res.ec != std::errc() || res.ptr != e)
      return error(line, f.column, col, "not a number: " + quoted(f.text), expected_text(r));
    if (auto p = real_problem(v, r); !p.empty())
      return error(line, f.column, col, p, expected_text(r));
    out = v;
    return true;
  }

  std::string name_;
  std::vector<Diagnostic>& diags_;
};

// ---------------------------------------------------------------------------
// The loader

template <class T>
const FieldSpec<T>* find_field(const std::vector<FieldSpec<T>>& fields, std::string_view key) {
  for (const auto& f : fields)
    if (f.key == key) return &f;
  return nullptr;
}

template <class T>
std::vector<std::string> field_keys(const std::vector<FieldSpec<T>>& fields) {
  std::vector<std::string> keys;
  for (const auto& f : fields) keys.push_back(f.key);
  return keys;
}

// Keys of one [table], without the table prefix ("pace" for "strategy.pace").
std::vector<std::string> table_keys(const std::string& table) {
  std::vector<std::string> keys;
  const std::string prefix = table + ".";
  for (const auto& p : scenario_params())
    if (p.key.rfind(prefix, 0) == 0) keys.push_back(p.key.substr(prefix.size()));
  return keys;
}

std::vector<std::string> all_param_keys() {
  std::vector<std::string> keys;
  for (const auto& p : scenario_params()) keys.push_back(p.key);
  return keys;
}

bool is_entry_table(const std::string& name) { return name == "partners" || name == "events"; }

bool needs_magnitude(EventKind k) {
  return k == EventKind::BudgetCut || k == EventKind::TurnoverSpike;
}

class Loader {
 public:
  explicit Loader(const std::vector<std::string>& overrides) : overrides_(overrides) {}

  LoadResult load_file(const fs::path& file) {
    top_name_ = file.string();
    scenario_.meta.source_file = top_name_;
    apply_file(file, top_name_, std::nullopt);
    return finish();
  }

  LoadResult load_text(std::string_view text, const std::string& name, const fs::path& dir) {
    top_name_ = name;
    scenario_.meta.source_file = name;
    register_file(name);
    Source src{name, dir, true};
    enter(name, dir / name);
    apply_text(text, src);
    chain_.pop_back();
    return finish();
  }

 private:
  // The same file reached through ../ or a symbolic link must compare equal,
  // or a cycle could go unnoticed until the chain limit.
  static fs::path identity(const fs::path& path) {
    std::error_code ec;
    fs::path canon = fs::weakly_canonical(path, ec);
    return ec ? fs::absolute(path, ec).lexically_normal() : canon;
  }

  void enter(const std::string& name, const fs::path& path) {
    chain_.push_back({identity(path), name});
    register_file(name);
  }

  // Files rank in the order they were first met: the named file, its bases,
  // schools files, then --set. Diagnostics are sorted by rank, line, column.
  void register_file(const std::string& file) {
    file_rank_.emplace(file, static_cast<int>(file_rank_.size()));
  }

  // `requested_at`: where a base file was asked for, so that a missing one is
  // reported there; nullopt for the file named on the command line.
  void apply_file(const fs::path& path, const std::string& name,
                  const std::optional<Where>& requested_at) {
    std::string text, error;
    if (!read_limited(path, kMaxScenarioBytes, text, error)) {
      if (requested_at)
        add(diags_, *requested_at, "scenario.base",
            "cannot read " + quoted_path(name) + ": " + error, "a readable scenario file");
      else
        add(diags_, {name, 0, 0}, "", "cannot read file: " + error);
      return;
    }
    enter(name, path);
    apply_text(text, Source{name, path.parent_path(), true});
    chain_.pop_back();
  }

  void apply_text(std::string_view text, const Source& src) {
    const std::optional<toml::table> doc = parse_document(text, src.name, diags_);
    if (!doc) return;
    follow_base(*doc, src);
    apply_document(*doc, src);
  }

  // Applies the base file (recursively) before this file's own values.
  void follow_base(const toml::table& doc, const Source& src) {
    const toml::table* meta = doc.get_as<toml::table>("scenario");
    const toml::node* node = meta ? meta->get("base") : nullptr;
    const toml::value<std::string>* base = node ? node->as_string() : nullptr;
    if (!base || base->get().empty()) return;  // a wrong type is reported with the other values
    const Where at = src.at(node->source());
    const fs::path path = src.dir / base->get();
    const std::string name = path.lexically_normal().string();
    const fs::path id = identity(path);
    for (std::size_t i = 0; i < chain_.size(); ++i) {
      if (chain_[i].path == id) {
        std::vector<std::string> names;
        for (std::size_t j = i; j < chain_.size(); ++j) names.push_back(chain_[j].name);
        names.push_back(name);
        add(diags_, at, "scenario.base", "inheritance cycle: " + join(names, " -> "),
            "a chain of base files that ends");
        return;
      }
    }
    if (chain_.size() >= kMaxBaseChain) {
      add(diags_, at, "scenario.base",
          "chain of base files longer than " + std::to_string(kMaxBaseChain), "a shorter chain");
      return;
    }
    apply_file(path, name, at);
  }

  void apply_document(const toml::table& doc, const Source& src) {
    for (auto&& [k, node] : doc) {
      const std::string name(k.str());
      const auto& tables = scenario_tables();
      if (std::find(tables.begin(), tables.end(), name) == tables.end()) {
        unknown_top_level(name, node, src.at(k.source()));
      } else if (name == "partners") {
        apply_entries(node, "partners", partner_fields(), scenario_.partners, src);
      } else if (name == "events") {
        apply_entries(node, "events", event_fields(), scenario_.events, src);
      } else if (const toml::table* t = node.as_table()) {
        apply_params_table(name, *t, src);
      } else {
        add(diags_, src.at(node.source()), name, "wrong type: " + describe(node),
            "a table [" + name + "]");
      }
    }
  }

  void unknown_top_level(const std::string& name, const toml::node& node, const Where& at) {
    std::vector<std::string> headers;
    for (const auto& t : scenario_tables())
      headers.push_back(is_entry_table(t) ? "[[" + t + "]]" : "[" + t + "]");
    if (node.is_table() || node.is_array()) {
      const auto guess = closest(name, scenario_tables());
      add(diags_, at, name, "unknown table" + did_you_mean(guess),
          guess ? "" : "one of " + join(headers, ", "));
      return;
    }
    // A bare key above every table header: most likely a value whose table
    // header was forgotten, so point at the table it belongs to.
    for (const auto& p : scenario_params()) {
      if (p.key.substr(p.key.find('.') + 1) == name) {
        add(diags_, at, name, "key outside any table; did you mean `" + p.key + "`?",
            "it under its table header [" + p.key.substr(0, p.key.find('.')) + "]");
        return;
      }
    }
    add(diags_, at, name, "unknown key outside any table",
        "keys inside one of " + join(headers, ", "));
  }

  void apply_params_table(const std::string& table, const toml::table& t, const Source& src) {
    ValueReader reader(src, diags_);
    for (auto&& [k, node] : t) {
      const std::string key = table + "." + std::string(k.str());
      const ParamSpec* spec = find_param(key);
      if (!spec) {
        unknown_key(key, std::string(k.str()), table_keys(table), "[" + table + "]",
                    src.at(k.source()));
        continue;
      }
      if (!reader.read(node, rule_of(*spec), spec->ref(scenario_), key)) continue;
      origin_[key] = src.at(node.source());
      // Relative to the file that named it, not to whichever file inherits it.
      if (key == "district.schools_file") schools_dir_ = src.dir;
    }
  }

  void unknown_key(const std::string& key, const std::string& leaf,
                   const std::vector<std::string>& valid, const std::string& where,
                   const Where& at) {
    const auto guess = closest(leaf, valid);
    // With a plausible guess the list of every key is noise; without one, the
    // list is the help. [model] has too many keys to list in one line.
    if (guess) {
      add(diags_, at, key, "unknown key" + did_you_mean(guess));
    } else if (valid.size() <= 12) {
      add(diags_, at, key, "unknown key", "one of the keys of " + where + ": " + join(valid, ", "));
    } else {
      add(diags_, at, key, "unknown key",
          "a key of " + where + "; `" + program_command() + " params` lists them");
    }
  }

  // [[partners]] / [[events]]: the file's list replaces what a base listed.
  template <class T>
  void apply_entries(const toml::node& node, const std::string& name,
                     const std::vector<FieldSpec<T>>& fields, std::vector<T>& out,
                     const Source& src) {
    const toml::array* arr = node.as_array();
    if (!arr) {
      add(diags_, src.at(node.source()), name, "wrong type: " + describe(node),
          "an array of tables, written [[" + name + "]]");
      return;
    }
    forget_origins(name + "[");
    std::vector<T> list;
    ValueReader reader(src, diags_);
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::node& elem = *arr->get(i);
      const std::string ekey = name + "[" + std::to_string(i + 1) + "]";
      // Entries keep their index even when broken, so that keys in later
      // diagnostics (partners[3]) match the file.
      T entry{};
      origin_[ekey] = src.at(elem.source());
      if (const toml::table* t = elem.as_table()) {
        apply_entry(*t, ekey, fields, entry, reader, src);
      } else {
        add(diags_, src.at(elem.source()), ekey, "wrong type: " + describe(elem), "a table");
      }
      list.push_back(std::move(entry));
    }
    out = std::move(list);
  }

  template <class T>
  void apply_entry(const toml::table& t, const std::string& ekey,
                   const std::vector<FieldSpec<T>>& fields, T& entry, ValueReader& reader,
                   const Source& src) {
    for (auto&& [k, node] : t) {
      const std::string key = ekey + "." + std::string(k.str());
      const FieldSpec<T>* f = find_field(fields, k.str());
      if (!f) {
        unknown_key(key, std::string(k.str()), field_keys(fields), ekey, src.at(k.source()));
        continue;
      }
      if (reader.read(node, rule_of(*f), f->ref(entry), key)) origin_[key] = src.at(node.source());
    }
    for (const auto& f : fields)
      if (f.required && !t.contains(f.key))
        add(diags_, src.at(t.source()), ekey + "." + f.key, "required field is missing",
            expected_text(rule_of(f)));
  }

  void forget_origins(const std::string& prefix) {
    for (auto it = origin_.lower_bound(prefix);
         it != origin_.end() && it->first.rfind(prefix, 0) == 0;)
      it = origin_.erase(it);
  }

  // ----- --set overrides

  struct Target {
    Rule rule;
    ParamRef ref;
  };

  void apply_overrides() {
    if (!overrides_.empty()) register_file(kSetName);
    for (const auto& o : overrides_) apply_override(o);
  }

  void apply_override(const std::string& arg) {
    const Where at{kSetName, 0, 0};
    const std::size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      add(diags_, at, trim(arg), "missing `=`", "key=value, e.g. strategy.pace=0.8");
      return;
    }
    const std::string key = trim(std::string_view(arg).substr(0, eq));
    const std::string value = trim(std::string_view(arg).substr(eq + 1));
    const std::optional<Target> target = resolve_target(key, at);
    if (!target) return;
    toml::table holder;
    if (!parse_set_value(value, target->rule, key, at, holder)) return;
    const Source src{kSetName, fs::path(), false};
    ValueReader reader(src, diags_);
    if (!reader.read(*holder.get("v"), target->rule, target->ref, key)) return;
    origin_[key] = at;
    // Relative to where the command runs, as any command-line path.
    if (key == "district.schools_file") schools_dir_.clear();
  }

  std::optional<Target> resolve_target(const std::string& key, const Where& at) {
    if (key.rfind("partners[", 0) == 0)
      return entry_target(key, "partners", partner_fields(), scenario_.partners, at);
    if (key.rfind("events[", 0) == 0)
      return entry_target(key, "events", event_fields(), scenario_.events, at);
    if (key == "scenario.base") {
      add(diags_, at, key,
          "cannot be set from the command line (the base is read before the file's values)",
          "`base = \"...\"` in the scenario file");
      return std::nullopt;
    }
    if (const ParamSpec* spec = find_param(key))
      return Target{rule_of(*spec), spec->ref(scenario_)};
    // Try the full dotted keys first (strategy.pase), then a bare leaf (pace).
    std::optional<std::string> guess = closest(key, all_param_keys());
    if (!guess) {
      for (const auto& p : scenario_params())
        if (p.key.substr(p.key.find('.') + 1) == key) guess = p.key;
    }
    add(diags_, at, key, "unknown key" + did_you_mean(guess),
        guess ? "" : "a dotted key such as strategy.pace; `" + program_command() + " params` lists them");
    return std::nullopt;
  }

  // "partners[2].fit": 1-based, like the keys in diagnostics; only entries the
  // scenario has (the default partner counts when none is listed).
  template <class T>
  std::optional<Target> entry_target(const std::string& key, const std::string& name,
                                     const std::vector<FieldSpec<T>>& fields,
                                     std::vector<T>& entries, const Where& at) {
    const std::string form = name + "[N].field, N from 1";
    const std::size_t close = key.find(']');
    const std::size_t open = name.size() + 1;
    int index = 0;
    const char* b = key.data() + open;
    const char* e = key.data() + (close == std::string::npos ? key.size() : close);
    const auto res = std::from_chars(b, e, index);
    if (close == std::string::npos || res.ec != std::errc() || res.ptr != e ||
        key.size() < close + 2 || key[close + 1] != '.') {
      add(diags_, at, key, "malformed key", form);
      return std::nullopt;
    }
    if (index < 1 || static_cast<std::size_t>(index) > entries.size()) {
      const std::string count =
          std::to_string(entries.size()) + (entries.size() == 1 ? " entry" : " entries");
      add(diags_, at, key, "no such entry: " + name + " has " + count,
          entries.empty() ? "an entry listed in the scenario file"
                          : name + "[1].." + name + "[" + std::to_string(entries.size()) + "]");
      return std::nullopt;
    }
    const std::string field = key.substr(close + 2);
    const FieldSpec<T>* f = find_field(fields, field);
    if (!f) {
      const auto guess = closest(field, field_keys(fields));
      add(diags_, at, key, "unknown key" + did_you_mean(guess),
          guess ? "" : "one of the keys of " + name + ": " + join(field_keys(fields), ", "));
      return std::nullopt;
    }
    return Target{rule_of(*f), f->ref(entries[static_cast<std::size_t>(index) - 1])};
  }

  // A --set value is TOML value syntax (0.8, "x", [3, 6], true). For strings
  // and choices an unquoted value is taken as it stands, so that
  // `--set output.frequency=month` works without shell-quoting the quotes.
  bool parse_set_value(const std::string& value, const Rule& rule, const std::string& key,
                       const Where& at, toml::table& holder) {
    const bool bare_text = rule.type == ParamType::String || rule.type == ParamType::Choice;
    if (auto problem = loader::parse_set_value(value, bare_text, holder)) {
      add(diags_, at, key, std::move(problem->problem),
          problem->expected.empty() ? expected_text(rule) : std::move(problem->expected));
      return false;
    }
    return true;
  }

  // ----- after all sources

  // `district.schools` becomes the number of rows: a schools file describes
  // the whole district, so a separate count could only contradict it (and
  // `teachers_per_school` is unused: each row has its own count).
  void resolve_schools_file() {
    District& d = scenario_.district;
    d.school_list.clear();
    if (d.schools_file.empty()) return;
    const fs::path path = schools_dir_ / d.schools_file;
    const std::string name = path.lexically_normal().string();
    const Where at = locate("district.schools_file");
    std::string text, error;
    if (!read_limited(path, kMaxScenarioBytes, text, error)) {
      add(diags_, at, "district.schools_file", "cannot read " + quoted_path(name) + ": " + error,
          "a CSV file with header " + join(kSchoolColumns, ","));
      return;
    }
    register_file(name);
    std::vector<SchoolSpec> list = SchoolsCsv(name, diags_).parse(text);
    if (list.empty()) return;
    d.school_list = std::move(list);
    d.schools = static_cast<int>(d.school_list.size());
    origin_["district.schools"] = Where{name, 0, 0};
  }

  // The default probe years (5, 10) are a convenience; a short scenario that
  // never asked for them should not fail because of them. Probe years the user
  // did write must lie within the horizon (check_scenario).
  void drop_default_probes_past_horizon() {
    if (origin_.count("output.withdrawal_probe_years")) return;
    auto& probes = scenario_.output.withdrawal_probe_years;
    const int years = scenario_.meta.years;
    probes.erase(std::remove_if(probes.begin(), probes.end(), [years](int y) { return y > years; }),
                 probes.end());
  }

  // Presence rules check_scenario cannot see: a magnitude of 0 and a missing
  // one look alike in a Scenario.
  void check_required_magnitudes(std::vector<Diagnostic>& out) const {
    for (std::size_t i = 0; i < scenario_.events.size(); ++i) {
      const Event& e = scenario_.events[i];
      const std::string ekey = "events[" + std::to_string(i + 1) + "]";
      if (needs_magnitude(e.kind) && !origin_.count(ekey + ".magnitude")) {
        const EventFieldSpec* f = find_field(event_fields(), "magnitude");
        add(out, locate(ekey), ekey + ".magnitude",
            std::string("required for ") + to_string(e.kind), f ? expected_text(rule_of(*f)) : "");
      }
    }
  }

  // Cross-field rules judge stored values; in an entry where a value was
  // refused, the stored default would make them report nonsense (an event
  // whose kind was misspelt is not a superintendent_change that has a
  // magnitude). So they are skipped for entries that already have a problem.
  static std::string entry_of(const std::string& key) {
    if (key.rfind("partners[", 0) != 0 && key.rfind("events[", 0) != 0) return key;
    return key.substr(0, key.find(']') + 1);
  }

  void add_derived(std::vector<Diagnostic> derived) {
    std::set<std::string> flawed;
    for (const auto& d : diags_) flawed.insert(entry_of(d.key));
    for (auto& d : derived)
      if (!flawed.count(entry_of(d.key))) diags_.push_back(std::move(d));
  }

  // Where the value behind `key` was set; falls back to the enclosing entry or
  // table ("events[2].year" -> "events[2]"), then to the scenario file.
  Where locate(const std::string& key) const {
    std::string k = key;
    while (!k.empty()) {
      if (auto it = origin_.find(k); it != origin_.end()) return it->second;
      const std::size_t cut = k.find_last_of(".[");
      if (cut == std::string::npos || cut == 0) break;
      k.resize(cut);
    }
    return {top_name_, 0, 0};
  }

  LoadResult finish() {
    if (scenario_.partners.empty()) scenario_.partners.push_back(default_partner());
    apply_overrides();
    resolve_schools_file();
    drop_default_probes_past_horizon();
    std::vector<Diagnostic> derived;
    check_required_magnitudes(derived);
    for (Diagnostic d : check_scenario(scenario_, top_name_)) {
      const Where w = locate(d.key);
      d.file = w.file;
      d.line = w.line;
      d.column = w.column;
      derived.push_back(std::move(d));
    }
    add_derived(std::move(derived));
    std::stable_sort(diags_.begin(), diags_.end(),
                     [this](const Diagnostic& a, const Diagnostic& b) {
                       const int ra = file_rank(a.file), rb = file_rank(b.file);
                       if (ra != rb) return ra < rb;
                       if (a.line != b.line) return a.line < b.line;
                       return a.column < b.column;
                     });
    LoadResult result;
    result.diagnostics = std::move(diags_);
    if (result.diagnostics.empty()) result.scenario = std::move(scenario_);
    return result;
  }

  int file_rank(const std::string& file) const {
    auto it = file_rank_.find(file);
    return it == file_rank_.end() ? static_cast<int>(file_rank_.size()) : it->second;
  }

  struct ChainEntry {
    fs::path path;  // canonical when possible, to detect cycles through ../ or links
    std::string name;
  };

  const std::vector<std::string>& overrides_;
  Scenario scenario_;
  std::vector<Diagnostic> diags_;
  std::map<std::string, Where> origin_;  // dotted key -> where its value was last set
  std::vector<ChainEntry> chain_;        // files being applied, outermost first
  std::map<std::string, int> file_rank_;
  fs::path schools_dir_;
  std::string top_name_;
};

// ---------------------------------------------------------------------------
// check_scenario helpers

class Checker {
 public:
  explicit Checker(const std::string& file) : file_(file) {}

  void problem(std::string key, std::string problem, std::string expected = {}) {
    add(out_, {file_, 0, 0}, std::move(key), std::move(problem), std::move(expected));
  }

  // The declared range of every field, for scenarios built in code (sweeps):
  // the loader never stores an out-of-range value.
  void range(const Rule& r, const ParamRef& ref, const std::string& key) {
    switch (r.type) {
      case ParamType::Int: {
        if (auto p = int_problem(*std::get<int*>(ref), r); !p.empty())
          problem(key, p, expected_text(r));
        break;
      }
      case ParamType::Real: {
        if (auto p = real_problem(*std::get<double*>(ref), r); !p.empty())
          problem(key, p, expected_text(r));
        break;
      }
      case ParamType::IntList: {
        const auto& list = *std::get<std::vector<int>*>(ref);
        const Rule element{ParamType::Int, r.min, r.max, nullptr};
        for (std::size_t i = 0; i < list.size(); ++i)
          if (auto p = int_problem(list[i], element); !p.empty())
            problem(key + "[" + std::to_string(i + 1) + "]", p, expected_text(element));
        break;
      }
      case ParamType::Choice: {
        const int index = std::visit(
            [](auto* p) -> int {
              using T = std::remove_pointer_t<decltype(p)>;
              if constexpr (std::is_enum_v<T>)
                return static_cast<int>(*p);
              else
                return -1;
            },
            ref);
        if (index < 0 || index >= static_cast<int>(r.choices->size()))
          problem(key, "invalid choice " + std::to_string(index), expected_text(r));
        break;
      }
      case ParamType::Bool:
      case ParamType::String:
      case ParamType::Seed:
        break;
    }
  }

  std::vector<Diagnostic> take() { return std::move(out_); }

 private:
  std::string file_;
  std::vector<Diagnostic> out_;
};

template <class T>
void check_entry_ranges(Checker& c, const std::vector<FieldSpec<T>>& fields,
                        std::vector<T>& entries, const std::string& name) {
  for (std::size_t i = 0; i < entries.size(); ++i)
    for (const auto& f : fields)
      c.range(rule_of(f), f.ref(entries[i]), name + "[" + std::to_string(i + 1) + "]." + f.key);
}

std::string horizon_text(int years) {
  return "a year in 1..scenario.years = 1.." + std::to_string(years);
}

// At most this many partner names are listed in a diagnostic.
constexpr std::size_t kMaxNamesShown = 10;

void check_events(Checker& c, const Scenario& s) {
  std::vector<std::string> names;
  for (const auto& p : s.partners) names.push_back(p.name);
  const std::set<std::string> known(names.begin(), names.end());
  // Built once: with thousands of partners and events, a list per event grew
  // without bound.
  std::vector<std::string> shown;
  for (std::size_t i = 0; i < names.size() && i < kMaxNamesShown; ++i)
    shown.push_back(quoted(names[i]));
  if (names.size() > kMaxNamesShown)
    shown.push_back("... (" + std::to_string(names.size()) + " partners)");
  const std::string partner_choices = "one of " + join(shown, ", ") + ", or no `partner` for all";
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const Event& e = s.events[i];
    const std::string ekey = "events[" + std::to_string(i + 1) + "]";
    if (e.year > s.meta.years)
      c.problem(ekey + ".year", "year " + std::to_string(e.year) + " is past the horizon",
                horizon_text(s.meta.years));
    if (e.kind == EventKind::PartnerExit && !e.partner.empty() && !known.count(e.partner)) {
      c.problem(ekey + ".partner",
                "no partner named " + quoted(e.partner) + did_you_mean(closest(e.partner, names)),
                partner_choices);
    }
    if (!needs_magnitude(e.kind) && e.magnitude != 0)
      c.problem(ekey + ".magnitude", std::string("does not apply to ") + to_string(e.kind),
                "magnitude only for budget_cut and turnover_spike");
    if (e.kind != EventKind::PartnerExit && !e.partner.empty())
      c.problem(ekey + ".partner", std::string("does not apply to ") + to_string(e.kind),
                "partner only for partner_exit");
  }
}

void check_partners(Checker& c, const Scenario& s) {
  if (s.partners.empty())
    c.problem("partners", "no partner on offer",
              "at least one (the loader adds the default partner)");
  std::map<std::string, std::size_t> first;
  for (std::size_t i = 0; i < s.partners.size(); ++i) {
    const std::string key = "partners[" + std::to_string(i + 1) + "].name";
    const std::string& name = s.partners[i].name;
    if (name.empty()) {
      c.problem(key, "empty partner name", "a unique, non-empty name");
    } else if (auto [it, inserted] = first.emplace(name, i); !inserted) {
      c.problem(key, "duplicate partner name " + quoted(name),
                "unique names; partners[" + std::to_string(it->second + 1) + "] has it already");
    }
  }
}

void check_probes(Checker& c, const Scenario& s) {
  const auto& probes = s.output.withdrawal_probe_years;
  std::set<int> seen;  // a set, not a search of the prefix: a list can be 500,000 long
  for (std::size_t i = 0; i < probes.size(); ++i) {
    const std::string key = "output.withdrawal_probe_years[" + std::to_string(i + 1) + "]";
    if (probes[i] > s.meta.years)
      c.problem(key, "probe year " + std::to_string(probes[i]) + " is past the horizon",
                horizon_text(s.meta.years) + "; the probe itself may run past it");
    if (!seen.insert(probes[i]).second)
      c.problem(key, "duplicate probe year " + std::to_string(probes[i]), "each year at most once");
  }
}

void check_school_list(Checker& c, const Scenario& s) {
  const auto& list = s.district.school_list;
  if (list.empty()) return;
  if (static_cast<int>(list.size()) != s.district.schools)
    c.problem("district.schools",
              std::to_string(s.district.schools) + " schools but the school list has " +
                  std::to_string(list.size()),
              "district.schools equal to the number of listed schools");
  const Rule teachers = district_rule("district.teachers_per_school");
  const Rule share = district_rule("district.low_income_share");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = "district.school_list[" + std::to_string(i + 1) + "]";
    if (auto p = int_problem(list[i].teachers, teachers); !p.empty())
      c.problem(key + ".teachers", p, expected_text(teachers));
    if (auto p = real_problem(list[i].need, share); !p.empty())
      c.problem(key + ".need", p, expected_text(share));
    if (auto p = real_problem(list[i].readiness, share); !p.empty())
      c.problem(key + ".readiness", p, expected_text(share));
  }
}

}  // namespace

std::vector<Diagnostic> check_scenario(const Scenario& scenario, const std::string& file) {
  Checker c(file);
  // The declaration hands out mutable pointers; read through a copy.
  Scenario s = scenario;
  for (const auto& p : scenario_params()) c.range(rule_of(p), p.ref(s), p.key);
  check_entry_ranges(c, partner_fields(), s.partners, "partners");
  check_entry_ranges(c, event_fields(), s.events, "events");
  check_partners(c, s);
  check_events(c, s);
  check_probes(c, s);
  check_school_list(c, s);
  return c.take();
}

LoadResult load_scenario(const std::filesystem::path& file,
                         const std::vector<std::string>& overrides) {
  return Loader(overrides).load_file(file);
}

LoadResult load_scenario_text(std::string_view text, const std::string& name,
                              const std::filesystem::path& dir,
                              const std::vector<std::string>& overrides) {
  return Loader(overrides).load_text(text, name, dir);
}

}  // namespace ds
