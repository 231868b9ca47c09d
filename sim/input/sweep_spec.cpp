// Sweep files -> SweepSpec. With scenario_loader.cpp, the only code that sees
// toml++ (through loader_support.hpp, which both share).
//
// A load goes through these steps (SweepLoader::run):
//   1. read the file, refuse what toml++ 3.3 cannot survive (prescan, shared
//      with the scenario loader: size, nesting, non-ASCII), parse;
//   2. apply `sweep.*` --set overrides to the parsed document, remembering
//      which keys they set so problems with them are reported as "--set";
//   3. read the [sweep] settings (each checked for type and range);
//   4. load the base scenario with load_scenario (its problems are reported
//      in its own file, after the sweep file's);
//   5. read [sweep.parameters]: resolve each key against the parameter
//      declaration, read its list / range / weighted values, check that the
//      design can use that form;
//   6. check the design as a whole (required settings, sizes);
//   7. when all of that is clean, check that the scenarios at the corners of
//      the parameter space pass check_scenario (cross-field rules).
#include "input/sweep_spec.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "input/loader_support.hpp"
#include "input/text.hpp"

namespace ds {

namespace {

using namespace loader;
namespace fs = std::filesystem;

constexpr const char* kSetName = "--set";
// Largest number of corner scenarios checked jointly; above it each
// parameter's extremes are checked one at a time.
constexpr std::size_t kMaxCornerChecks = 4096;

const std::vector<std::string>& sweep_keys() {
  static const std::vector<std::string> k = {"scenario", "design",    "replications",
                                             "seed",     "samples",   "trajectories",
                                             "levels",   "parameters"};
  return k;
}
// The [sweep] keys that size a design or its grid (kDesigns' size_key, levels).
constexpr std::array<const char*, 3> kSizeKeys = {"samples", "trajectories", "levels"};

// Whether [sweep] key `leaf` (one of kSizeKeys) is a setting of the design.
bool applies(const DesignInfo& d, std::string_view leaf) {
  return (d.size_key && leaf == d.size_key) || (leaf == "levels" && d.takes_levels);
}

// "the morris design", "the lhs, sobol and random designs": the designs the
// predicate holds for, in kDesigns' order.
template <class Pred>
std::string designs_with(Pred pred) {
  std::vector<std::string> names;
  for (const DesignInfo& d : kDesigns)
    if (pred(d)) names.emplace_back(d.name);
  std::string text = "the ";
  for (std::size_t i = 0; i < names.size(); ++i)
    text += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  return text + (names.size() == 1 ? " design" : " designs");
}

const std::vector<std::string>& domain_keys() {
  static const std::vector<std::string> k = {"min", "max", "values", "weights"};
  return k;
}

const char* kDomainForms =
    "a list [a, b, ...], a range { min = .., max = .. [, weights = [..]] } or weighted values "
    "{ values = [..], weights = [..] }";

std::size_t saturating_mul(std::size_t a, std::size_t b) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a)
    return std::numeric_limits<std::size_t>::max();
  return a * b;
}

// 10000000 as "10,000,000".
std::string count_text(std::size_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
    s.push_back(digits[i]);
  }
  return s;
}

std::string real_text(double v) {
  if (!std::isfinite(v)) return format_real(v);
  if (v == 0) v = 0;  // no "-0.0"
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

bool is_variable_type(ParamType t) {
  return t == ParamType::Int || t == ParamType::Real || t == ParamType::Bool ||
         t == ParamType::Choice;
}

// Why a declared parameter cannot be varied, or "" when it can.
// `expected` receives the hint.
std::string not_variable(std::string_view key, ParamType type, std::string& expected) {
  if (key == "scenario.years") {
    expected = "the horizon in the base scenario; every point of a sweep has the same";
    return "cannot be varied in a sweep";
  }
  if (key == "scenario.replications" || key == "scenario.seed") {
    expected = std::string("`") + (key == "scenario.seed" ? "seed" : "replications") +
               "` in the [sweep] table";
    return "is set by the sweep itself";
  }
  if (key.rfind("output.", 0) == 0) {
    expected = "output settings in the base scenario; a sweep varies model parameters";
    return "cannot be varied in a sweep";
  }
  if (!is_variable_type(type)) {
    expected = "a number, true/false or choice parameter";
    return "cannot be varied in a sweep (a text or list parameter)";
  }
  return "";
}

// Every key a sweep may vary, for "did you mean" (top-level parameters only;
// partners[N]/events[N] keys depend on the base scenario).
const std::vector<std::string>& variable_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    std::string ignored;
    for (const auto& p : scenario_params())
      if (not_variable(p.key, p.type, ignored).empty()) k.push_back(p.key);
    return k;
  }();
  return keys;
}

bool is_table_prefix(std::string_view prefix) {
  const std::string with_dot = std::string(prefix) + ".";
  for (const auto& p : scenario_params())
    if (p.key.rfind(with_dot, 0) == 0) return true;
  return false;
}

// What a key resolves to.
struct Target {
  ParamType type = ParamType::Real;
  double min = 0, max = 0;
  std::vector<std::string> choices;
  std::string unit;
  std::function<ParamRef(Scenario&)> ref;
  Rule rule() const { return {type, min, max, &choices}; }
};

template <class T>
Target target_of(const FieldSpec<T>& f) {
  Target t;
  t.type = f.type;
  t.min = f.min;
  t.max = f.max;
  t.choices = f.choices;
  t.unit = f.unit;
  return t;
}

class SweepLoader {
 public:
  explicit SweepLoader(const std::vector<std::string>& overrides) {
    for (const auto& o : overrides) {
      const std::size_t eq = o.find('=');
      const std::string key = trim(std::string_view(o).substr(0, eq));
      if (key.rfind("sweep.", 0) == 0)
        sweep_overrides_.push_back(o);
      else
        scenario_overrides_.push_back(o);
    }
  }

  SweepLoadResult load_file(const fs::path& file) {
    name_ = file.string();
    dir_ = file.parent_path();
    std::string text, error;
    if (!read_limited(file, kMaxScenarioBytes, text, error)) {
      add({name_, 0, 0}, "", "cannot read file: " + error);
      return finish();
    }
    run(text);
    return finish();
  }

  SweepLoadResult load_text(std::string_view text, const std::string& name, const fs::path& dir) {
    name_ = name;
    dir_ = dir;
    run(text);
    return finish();
  }

 private:
  // ------------------------------------------------------------ diagnostics

  void add(const Where& w, std::string key, std::string problem, std::string expected = {}) {
    loader::add(diags_, w, std::move(key), std::move(problem), std::move(expected));
  }
  void warn(const Where& w, std::string key, std::string problem, std::string expected = {}) {
    loader::add(warnings_, w, std::move(key), std::move(problem), std::move(expected));
  }
  Where at(const toml::source_region& r) const {
    return {name_, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
  }
  Where at(const toml::node& n) const { return at(n.source()); }
  // A [sweep] value: "--set" when an override put it there.
  Where at_setting(const std::string& leaf, const toml::node& n) const {
    if (set_keys_.count(leaf)) return {kSetName, 0, 0};
    return at(n);
  }

  // ------------------------------------------------------------ the steps

  void run(std::string_view text) {
    // Size, nesting (dotted keys and headers included) and the non-ASCII
    // characters toml++ 3.3 classifies with undefined behaviour: refused
    // before toml++ sees the text, worded as for scenario files.
    std::optional<toml::table> parsed = parse_document(text, name_, diags_);
    if (!parsed) return;
    toml::table& doc = *parsed;
    check_top_level(doc);
    toml::table* sweep = doc.get_as<toml::table>("sweep");
    if (!sweep) {
      if (const toml::node* n = doc.get("sweep"))
        add(at(*n), "sweep", "wrong type: " + describe(*n), "a table [sweep]");
      else
        add({name_, 0, 0}, "", "no [sweep] table",
            "a [sweep] table with scenario, design and [sweep.parameters]");
      return;
    }
    sweep_at_ = at(*sweep);
    apply_sweep_overrides(*sweep);
    read_settings(*sweep);
    load_base();
    read_parameters(*sweep);
    check_design();
    if (diags_.empty() && base_ok_) check_corners();
  }

  void check_top_level(const toml::table& doc) {
    for (auto&& [k, node] : doc) {
      const std::string name(k.str());
      if (name == "sweep") continue;
      const auto& tables = scenario_tables();
      if (std::find(tables.begin(), tables.end(), name) != tables.end()) {
        add(at(k.source()), name, "a scenario table in a sweep file",
            "only [sweep] and [sweep.parameters]; scenario values belong in the base scenario "
            "named by `scenario`");
      } else if (node.is_table() || node.is_array()) {
        add(at(k.source()), name, "unknown table" + did_you_mean(closest(name, {"sweep"})),
            "only [sweep] and [sweep.parameters]");
      } else {
        const auto& keys = sweep_keys();
        const bool sweep_key = std::find(keys.begin(), keys.end(), name) != keys.end();
        add(at(k.source()), name,
            sweep_key ? "key outside any table; did you mean `sweep." + name + "`?"
                      : "unknown key outside any table",
            sweep_key ? "it under the table header [sweep]" : "keys inside [sweep]");
      }
    }
  }

  // `sweep.samples=64` and the like replace the file's values before they are
  // read, so they are validated exactly like file values.
  void apply_sweep_overrides(toml::table& sweep) {
    for (const auto& o : sweep_overrides_) {
      const std::size_t eq = o.find('=');
      const std::string key = trim(std::string_view(o).substr(0, std::min(eq, o.size())));
      const Where w{kSetName, 0, 0};
      if (eq == std::string::npos) {
        add(w, key, "missing `=`", "key=value, e.g. sweep.samples=64");
        continue;
      }
      const std::string leaf = key.substr(6);
      const std::string value = trim(std::string_view(o).substr(eq + 1));
      if (leaf == "parameters" || leaf.rfind("parameters.", 0) == 0) {
        add(w, key, "parameters cannot be set from the command line",
            "[sweep.parameters] in the sweep file");
        continue;
      }
      // The base scenario's path is relative to the sweep file, and the
      // canonical text keeps it that way; a command-line path would not be.
      if (leaf == "scenario") {
        add(w, key, "cannot be set from the command line",
            "`scenario` in the sweep file; other --set keys (district.schools=10) change the "
            "base scenario");
        continue;
      }
      const auto& keys = sweep_keys();
      if (std::find(keys.begin(), keys.end(), leaf) == keys.end()) {
        const auto guess = closest(leaf, keys);
        add(w, key, "unknown key" + did_you_mean(guess ? std::optional("sweep." + *guess) : guess),
            guess ? "" : "a key of [sweep]: " + join(keys, ", "));
        continue;
      }
      toml::table holder;
      // --set sweep.design=lhs: a choice, taken as it stands unquoted.
      if (auto problem = parse_set_value(value, leaf == "design", holder)) {
        add(w, key, std::move(problem->problem), std::move(problem->expected));
        continue;
      }
      const toml::node* v = holder.get("v");
      sweep.insert_or_assign(leaf, *v);
      set_keys_.insert(leaf);
    }
  }

  // ----- [sweep] settings

  std::optional<std::int64_t> read_integer(const toml::table& sweep, const std::string& leaf,
                                           std::int64_t min, std::int64_t max) {
    const toml::node* n = sweep.get(leaf);
    if (!n) return std::nullopt;
    const std::string key = "sweep." + leaf;
    const std::string expected =
        max == std::numeric_limits<std::int64_t>::max()
            ? "an integer >= " + std::to_string(min)
            : "an integer in " + std::to_string(min) + ".." + std::to_string(max);
    const auto* v = n->as_integer();
    if (!v) {
      add(at_setting(leaf, *n), key, "wrong type: " + describe(*n), expected);
      bad_settings_.insert(leaf);
      return std::nullopt;
    }
    if (v->get() < min || v->get() > max) {
      add(at_setting(leaf, *n), key, "value " + std::to_string(v->get()) + " is out of range",
          expected);
      bad_settings_.insert(leaf);
      return std::nullopt;
    }
    present_.insert(leaf);
    return v->get();
  }

  void read_settings(const toml::table& sweep) {
    for (auto&& [k, node] : sweep) {
      const std::string leaf(k.str());
      const auto& keys = sweep_keys();
      if (std::find(keys.begin(), keys.end(), leaf) == keys.end()) {
        const auto guess = closest(leaf, keys);
        add(at(k.source()), "sweep." + leaf, "unknown key" + did_you_mean(guess),
            guess ? "" : "one of the keys of [sweep]: " + join(keys, ", "));
      }
    }
    if (const toml::node* n = sweep.get("scenario")) {
      const auto* s = n->as_string();
      if (!s || s->get().empty()) {
        add(at_setting("scenario", *n), "sweep.scenario",
            s ? "empty path" : "wrong type: " + describe(*n),
            "the path of the base scenario file, relative to the sweep file");
      } else {
        spec_.scenario_path = s->get();
        scenario_at_ = at_setting("scenario", *n);
      }
    } else {
      add(sweep_at_, "sweep.scenario", "required key is missing",
          "the path of the base scenario file, relative to the sweep file");
    }
    if (const toml::node* n = sweep.get("design")) {
      const auto* s = n->as_string();
      const auto& names = design_names();
      const std::string expected = "one of: " + join(names, ", ");
      if (!s) {
        add(at_setting("design", *n), "sweep.design", "wrong type: " + describe(*n), expected);
      } else if (auto it = std::find(names.begin(), names.end(), s->get()); it == names.end()) {
        add(at_setting("design", *n), "sweep.design",
            "unknown design " + quoted(s->get()) + did_you_mean(closest(s->get(), names)),
            expected);
      } else {
        spec_.design.kind = static_cast<DesignKind>(it - names.begin());
        design_known_ = true;
      }
    } else {
      add(sweep_at_, "sweep.design", "required key is missing",
          "one of: " + join(design_names(), ", "));
    }
    replications_ = read_integer(sweep, "replications", 1, 100000);
    if (const toml::node* n = sweep.get("seed")) {
      if (const auto* v = n->as_integer(); v && v->get() >= 0) {
        seed_ = static_cast<std::uint64_t>(v->get());
      } else {
        add(at_setting("seed", *n), "sweep.seed",
            v ? "value " + std::to_string(v->get()) + " is out of range"
              : "wrong type: " + describe(*n),
            "an integer >= 0");
      }
    }
    const auto max_points = static_cast<std::int64_t>(kMaxSweepPoints);
    if (auto v = read_integer(sweep, "samples", 1, max_points))
      spec_.design.samples = static_cast<std::size_t>(*v);
    if (auto v = read_integer(sweep, "trajectories", 1, max_points))
      spec_.design.trajectories = static_cast<std::size_t>(*v);
    if (auto v = read_integer(sweep, "levels", 2, static_cast<std::int64_t>(kMaxMorrisLevels)))
      spec_.design.levels = static_cast<int>(*v);
    for (const char* leaf : kSizeKeys)
      if (const toml::node* n = sweep.get(leaf)) setting_at_[leaf] = at_setting(leaf, *n);
  }

  // ----- the base scenario

  void load_base() {
    if (spec_.scenario_path.empty()) return;
    const fs::path path = dir_ / spec_.scenario_path;
    spec_.scenario_file = path;
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    const std::string expected = "a scenario file, relative to the sweep file";
    if (st.type() == fs::file_type::not_found) {
      add(scenario_at_, "sweep.scenario",
          "cannot read " + quoted_path(path.lexically_normal().string()) +
              ": no such file or directory",
          expected);
      return;
    }
    if (st.type() == fs::file_type::directory) {
      add(scenario_at_, "sweep.scenario",
          "cannot read " + quoted_path(path.lexically_normal().string()) + ": is a directory",
          expected);
      return;
    }
    LoadResult r = load_scenario(path.lexically_normal(), scenario_overrides_);
    if (!r.ok()) {
      base_diags_ = std::move(r.diagnostics);
      return;
    }
    spec_.base = std::move(*r.scenario);
    base_ok_ = true;
  }

  // ----- [sweep.parameters]

  void read_parameters(const toml::table& sweep) {
    const toml::node* n = sweep.get("parameters");
    if (!n) {
      add(sweep_at_, "sweep.parameters", "no parameters to vary",
          "a table [sweep.parameters] with at least one parameter");
      return;
    }
    const toml::table* t = n->as_table();
    if (!t) {
      add(at(*n), "sweep.parameters", "wrong type: " + describe(*n), "a table [sweep.parameters]");
      return;
    }
    for (auto&& [k, node] : *t) walk(std::string(k.str()), k.source(), node);
    // toml++ keeps keys sorted; the file order is the one users think in
    // (factorial: the last parameter varies fastest).
    std::stable_sort(spec_.params.begin(), spec_.params.end(),
                     [](const SweepParam& a, const SweepParam& b) {
                       return a.line != b.line ? a.line < b.line : a.column < b.column;
                     });
    if (spec_.params.empty() && parameter_entries_ == 0)
      add(at(*t), "sweep.parameters", "no parameters to vary", "at least one parameter");
  }

  // `strategy.pace = [..]` without quotes is a nested table in TOML; follow
  // the nesting while the path is a table of the declaration.
  void walk(const std::string& key, const toml::source_region& key_at, const toml::node& node) {
    ++parameter_entries_;
    const ParamSpec* spec = find_param(key);
    if (!spec && key.find('[') == std::string::npos && is_table_prefix(key) && node.is_table() &&
        !looks_like_domain(*node.as_table())) {
      --parameter_entries_;
      for (auto&& [k, child] : *node.as_table())
        walk(key + "." + std::string(k.str()), k.source(), child);
      return;
    }
    std::optional<Target> target = resolve(key, at(key_at));
    if (!target) return;
    read_domain(key, at(key_at), node, *target);
  }

  static bool looks_like_domain(const toml::table& t) {
    for (auto&& [k, node] : t) {
      (void)node;
      const auto& keys = domain_keys();
      if (std::find(keys.begin(), keys.end(), std::string(k.str())) != keys.end()) return true;
    }
    return false;
  }

  std::optional<Target> resolve(const std::string& key, const Where& w) {
    if (key.rfind("partners[", 0) == 0)
      return resolve_entry(
          key, w, "partners", partner_fields(), spec_.base.partners,
          [](Scenario & s) -> auto& { return s.partners; });
    if (key.rfind("events[", 0) == 0)
      return resolve_entry(
          key, w, "events", event_fields(), spec_.base.events,
          [](Scenario & s) -> auto& { return s.events; });
    const ParamSpec* spec = find_param(key);
    if (!spec) {
      std::optional<std::string> guess = closest(key, variable_keys());
      if (!guess)
        for (const auto& k : variable_keys())
          if (k.substr(k.find('.') + 1) == key) guess = k;
      add(w, key, "unknown parameter" + did_you_mean(guess),
          guess ? "" : "a dotted key such as \"strategy.pace\"; `" + program_command() + " params` lists them");
      return std::nullopt;
    }
    std::string expected;
    if (std::string p = not_variable(key, spec->type, expected); !p.empty()) {
      add(w, key, p, expected);
      return std::nullopt;
    }
    Target t = target_of(*spec);
    t.ref = spec->ref;
    return t;
  }

  // "partners[2].quality": an entry the base scenario has, a field of it.
  template <class T, class Entries>
  std::optional<Target> resolve_entry(const std::string& key, const Where& w,
                                      const std::string& name,
                                      const std::vector<FieldSpec<T>>& fields,
                                      const std::vector<T>& entries, Entries entries_of) {
    const std::string form = name + "[N].field, N from 1";
    const std::size_t close = key.find(']');
    const std::size_t open = name.size() + 1;
    int index = 0;
    const char* b = key.data() + open;
    const char* e = key.data() + (close == std::string::npos ? key.size() : close);
    const auto res = std::from_chars(b, e, index);
    if (close == std::string::npos || res.ec != std::errc() || res.ptr != e ||
        key.size() < close + 2 || key[close + 1] != '.') {
      add(w, key, "malformed key", form);
      return std::nullopt;
    }
    const std::string field = key.substr(close + 2);
    const FieldSpec<T>* f = nullptr;
    for (const auto& x : fields)
      if (x.key == field) f = &x;
    if (!f) {
      std::vector<std::string> names;
      for (const auto& x : fields) names.push_back(x.key);
      const auto guess = closest(field, names);
      add(w, key, "unknown key" + did_you_mean(guess),
          guess ? "" : "one of the fields of " + name + ": " + join(names, ", "));
      return std::nullopt;
    }
    std::string expected;
    if (std::string p = not_variable(key, f->type, expected); !p.empty()) {
      add(w, key, p, expected);
      return std::nullopt;
    }
    if (!base_ok_) return std::nullopt;  // the base's own problems are reported
    if (index < 1 || static_cast<std::size_t>(index) > entries.size()) {
      const std::string count =
          std::to_string(entries.size()) + (entries.size() == 1 ? " entry" : " entries");
      add(w, key, "no such entry: the base scenario's " + name + " has " + count,
          entries.empty() ? "an entry listed in the base scenario"
          : entries.size() == 1
              ? name + "[1]"
              : name + "[1].." + name + "[" + std::to_string(entries.size()) + "]");
      return std::nullopt;
    }
    Target t = target_of(*f);
    const std::size_t i = static_cast<std::size_t>(index) - 1;
    t.ref = [f, i, entries_of](Scenario& s) { return f->ref(entries_of(s)[i]); };
    return t;
  }

  // ----- one parameter's values

  void read_domain(const std::string& key, const Where& key_at, const toml::node& node,
                   const Target& t) {
    SweepParam p;
    p.key = key;
    p.type = t.type;
    p.declared_min = t.min;
    p.declared_max = t.max;
    p.choices = t.choices;
    p.unit = t.unit;
    p.ref = t.ref;
    p.line = key_at.line;
    p.column = key_at.column;
    bool ok = true;
    if (const toml::array* arr = node.as_array()) {
      p.kind = DomainKind::Values;
      ok = read_values(key, *arr, t, p.values);
    } else if (const toml::table* tab = node.as_table()) {
      ok = read_table(key, *tab, t, p);
    } else {
      add(at(node), key, "a single value does not vary",
          std::string(kDomainForms) + "; a fixed value belongs in the base scenario");
      return;
    }
    if (ok) ok = check_form(key, node, p);
    if (ok) spec_.params.push_back(std::move(p));
  }

  bool read_values(const std::string& key, const toml::array& arr, const Target& t,
                   std::vector<double>& out) {
    if (arr.empty()) {
      add(at(arr), key, "empty list", "at least one value");
      return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const toml::node& e = *arr.get(i);
      const std::string ekey = key + "[" + std::to_string(i + 1) + "]";
      std::optional<double> v = read_value(ekey, e, t);
      if (!v) {
        ok = false;
        continue;
      }
      if (std::find(out.begin(), out.end(), *v) != out.end()) {
        const auto first = std::find(out.begin(), out.end(), *v) - out.begin();
        add(at(e), ekey, "duplicate value",
            "each value once; " + key + "[" + std::to_string(first + 1) + "] has it already");
        ok = false;
        continue;
      }
      out.push_back(*v);
    }
    return ok;
  }

  // One value, validated like a scenario file's value for the parameter.
  std::optional<double> read_value(const std::string& key, const toml::node& n, const Target& t) {
    const Rule r = t.rule();
    auto fail = [&](std::string problem) -> std::optional<double> {
      add(at(n), key, std::move(problem), expected_text(r));
      return std::nullopt;
    };
    switch (t.type) {
      case ParamType::Int: {
        const auto* v = n.as_integer();
        if (!v) return fail("wrong type: " + describe(n));
        if (auto p = int_problem(v->get(), r); !p.empty()) return fail(p);
        return static_cast<double>(v->get());
      }
      case ParamType::Real: {
        double x = 0;
        std::string shown;
        if (const auto* i = n.as_integer()) {
          x = static_cast<double>(i->get());
          shown = std::to_string(i->get());
        } else if (const auto* f = n.as_floating_point()) {
          x = f->get();
        } else {
          return fail("wrong type: " + describe(n));
        }
        if (auto p = real_problem(x, r, shown); !p.empty()) return fail(p);
        return x;
      }
      case ParamType::Bool: {
        const auto* v = n.as_boolean();
        if (!v) return fail("wrong type: " + describe(n));
        return v->get() ? 1.0 : 0.0;
      }
      case ParamType::Choice: {
        const auto* v = n.as_string();
        if (!v) return fail("wrong type: " + describe(n));
        const auto it = std::find(t.choices.begin(), t.choices.end(), v->get());
        if (it == t.choices.end())
          return fail("unknown value " + quoted(v->get()) +
                      did_you_mean(closest(v->get(), t.choices)));
        return static_cast<double>(it - t.choices.begin());
      }
      default:
        return fail("cannot be varied");
    }
  }

  bool read_table(const std::string& key, const toml::table& tab, const Target& t, SweepParam& p) {
    bool ok = true;
    for (auto&& [k, node] : tab) {
      (void)node;
      const std::string leaf(k.str());
      const auto& keys = domain_keys();
      if (std::find(keys.begin(), keys.end(), leaf) == keys.end()) {
        const auto guess = closest(leaf, keys);
        add(at(k.source()), key + "." + leaf, "unknown key" + did_you_mean(guess),
            guess ? "" : kDomainForms);
        ok = false;
      }
    }
    const bool has_range = tab.contains("min") || tab.contains("max");
    const bool has_values = tab.contains("values");
    if (has_range && has_values) {
      add(at(tab), key, "mixes a range (min, max) with values", kDomainForms);
      return false;
    }
    if (!ok) return false;
    if (has_values) return read_weighted(key, tab, t, p);
    if (has_range) {
      if (!read_range(key, tab, t, p)) return false;
      // { min, max, weights = [w1, .., wB] }: B equal-width bins of the range,
      // bin b drawn with probability w_b / sum(w), uniform inside it.
      const toml::node* wn = tab.get("weights");
      return !wn || read_weights(key, *wn, "one per equal-width bin of the range", p.weights);
    }
    if (tab.contains("weights")) {
      add(at(tab), key, "weights without values or a range", kDomainForms);
      return false;
    }
    add(at(tab), key, "empty table", kDomainForms);
    return false;
  }

  bool read_weights(const std::string& key, const toml::node& wn, const std::string& count,
                    std::vector<double>& out) {
    const toml::array* weights = wn.as_array();
    if (!weights || weights->empty()) {
      add(at(wn), key + ".weights", weights ? "empty list" : "wrong type: " + describe(wn),
          "an array of positive numbers, " + count);
      return false;
    }
    bool ok = true;
    for (std::size_t i = 0; i < weights->size(); ++i) {
      const toml::node& e = *weights->get(i);
      const std::string ekey = key + ".weights[" + std::to_string(i + 1) + "]";
      double w = 0;
      std::string shown;
      if (const auto* iv = e.as_integer()) {
        w = static_cast<double>(iv->get());
        shown = std::to_string(iv->get());
      } else if (const auto* fv = e.as_floating_point()) {
        w = fv->get();
      } else {
        add(at(e), ekey, "wrong type: " + describe(e), "a positive number");
        ok = false;
        continue;
      }
      if (!std::isfinite(w) || w <= 0) {
        add(at(e), ekey, "weight " + (shown.empty() ? format_real(w) : shown) + " is not positive",
            "a positive number");
        ok = false;
        continue;
      }
      out.push_back(w);
    }
    return ok;
  }

  bool read_range(const std::string& key, const toml::table& tab, const Target& t, SweepParam& p) {
    p.kind = DomainKind::Range;
    if (t.type != ParamType::Int && t.type != ParamType::Real) {
      add(at(tab), key, "a range needs a numeric parameter",
          t.type == ParamType::Bool ? "a list of values: [true, false]"
                                    : "a list of values, " + expected_text(t.rule()));
      return false;
    }
    bool ok = true;
    std::optional<double> bounds[2];
    const char* names[2] = {"min", "max"};
    for (int i = 0; i < 2; ++i) {
      const toml::node* n = tab.get(names[i]);
      if (!n) {
        add(at(tab), key + "." + names[i], "required key is missing",
            "both min and max, " + expected_text(t.rule()));
        ok = false;
        continue;
      }
      bounds[i] = read_value(key + "." + names[i], *n, t);
      ok = bounds[i].has_value() && ok;
    }
    if (!ok) return false;
    p.min = *bounds[0];
    p.max = *bounds[1];
    if (!(p.min < p.max)) {
      add(at(*tab.get("max")), key + ".max",
          "max " + value_text(p, p.max) + " is not above min " + value_text(p, p.min),
          "min < max; a fixed value belongs in the base scenario");
      return false;
    }
    return true;
  }

  bool read_weighted(const std::string& key, const toml::table& tab, const Target& t,
                     SweepParam& p) {
    p.kind = DomainKind::Weighted;
    const toml::node* vn = tab.get("values");  // present: read_table checked
    const toml::array* values = vn->as_array();
    if (!values) {
      add(at(*vn), key + ".values", "wrong type: " + describe(*vn), "an array of values");
      return false;
    }
    bool ok = read_values(key + ".values", *values, t, p.values);
    const toml::node* wn = tab.get("weights");
    if (!wn) {
      p.kind = DomainKind::Values;  // equal weights: a plain list
      return ok;
    }
    ok = read_weights(key, *wn, "one per value", p.weights) && ok;
    const toml::array* weights = wn->as_array();
    if (ok && weights->size() != values->size()) {
      add(at(*wn), key + ".weights",
          std::to_string(weights->size()) + " weights for " + std::to_string(values->size()) +
              " values",
          "one weight per value");
      ok = false;
    }
    return ok;
  }

  // Whether the design can use the form the parameter was given in.
  bool check_form(const std::string& key, const toml::node& node, const SweepParam& p) {
    if (!design_known_) return true;
    const DesignKind d = spec_.design.kind;
    const DesignInfo& row = design_info(d);
    const std::string design = std::string("the ") + row.name + " design";
    const bool range = p.kind == DomainKind::Range;
    if (range && !row.takes_ranges) {
      add(at(node), key, design + " needs a list of values, not a range",
          "a list such as [0.2, 0.5, 0.8]");
      return false;
    }
    if (!range && !row.takes_lists) {
      add(at(node), key, design + " needs a range", "{ min = .., max = .. } (a numeric parameter)");
      return false;
    }
    if ((p.kind == DomainKind::Weighted || !p.weights.empty()) && !row.takes_weights) {
      add(at(node), key,
          "weights apply only to " +
              designs_with([](const DesignInfo& i) { return i.takes_weights; }),
          range ? "a range without weights" : "a list of values");
      return false;
    }
    return true;
  }

  // ----- the design as a whole

  void check_design() {
    if (replications_)
      spec_.replications = static_cast<std::size_t>(*replications_);
    else if (base_ok_)
      spec_.replications = static_cast<std::size_t>(spec_.base.meta.replications);
    if (!design_known_) return;
    const DesignInfo& row = design_info(spec_.design.kind);
    const std::string design = std::string("the ") + row.name + " design";
    auto required = [&](const char* leaf, const std::string& expected) {
      if (!present_.count(leaf) && !bad_settings_.count(leaf)) {
        add(sweep_at_, std::string("sweep.") + leaf, "required for " + design, expected);
        return false;
      }
      return present_.count(leaf) > 0;
    };
    auto not_applicable = [&](const char* leaf) {
      if (!present_.count(leaf)) return;
      add(setting_at_.at(leaf), std::string("sweep.") + leaf, "does not apply to " + design,
          uses_text(leaf));
    };
    bool ok = true;
    if (row.size_key) ok = required(row.size_key, row.size_expected);
    for (const char* leaf : kSizeKeys)
      if (!applies(row, leaf)) not_applicable(leaf);
    const std::size_t size = row.size ? spec_.design.*row.size : 0;
    if (ok && row.size_key && size < row.min_size) {
      add(setting_at_.at(row.size_key), std::string("sweep.") + row.size_key,
          "value " + std::to_string(size) + " is too small for " + design, row.min_size_expected);
      ok = false;
    }
    if (ok && row.size_power_of_two && (size & (size - 1)) != 0)
      warn(setting_at_.at(row.size_key), std::string("sweep.") + row.size_key,
           std::to_string(size) +
               " is not a power of two; Sobol points are evenly spread only in blocks of "
               "powers of two",
           "e.g. " + std::to_string(std::size_t{1} << static_cast<int>(std::ceil(std::log2(
                                        static_cast<double>(size))))));
    if (row.takes_levels) {
      if (present_.count("levels") && spec_.design.levels % 2 != 0)
        warn(setting_at_.at("levels"), "sweep.levels",
             std::to_string(spec_.design.levels) +
                 " levels is odd: the grid's levels are then not drawn equally often",
             "an even number of levels, e.g. 4 or 6");
      for (const auto& p : spec_.params) {
        const std::size_t integers = p.levels();
        if (p.type == ParamType::Int && p.kind == DomainKind::Range &&
            integers < static_cast<std::size_t>(spec_.design.levels))
          warn({name_, p.line, p.column}, p.key,
               "a range of " + std::to_string(integers) + " integers on a grid of " +
                   std::to_string(spec_.design.levels) +
                   " levels: some steps leave the value unchanged (an effect of 0)",
               "at most as many levels as integers in the range");
      }
    }
    if (!ok || spec_.params.empty() || !diags_.empty()) return;
    if (row.max_params && spec_.params.size() > row.max_params) {
      add(sweep_at_, "sweep.parameters",
          std::to_string(spec_.params.size()) + " parameters are too many for " + design,
          "at most " + std::to_string(row.max_params));
      return;
    }
    const std::size_t points = design_points(spec_.design, spec_.params);
    const std::size_t runs = saturating_mul(points, spec_.replications);
    if (points > kMaxSweepPoints) {
      add(sweep_at_, "sweep", design + " has " + points_text(points) + " points",
          "at most " + count_text(kMaxSweepPoints) + " points");
    } else if (runs > kMaxSweepRuns) {
      add(sweep_at_, "sweep",
          count_text(points) + " points x " + count_text(spec_.replications) +
              " replications = " + count_text(runs) + " runs",
          "at most " + count_text(kMaxSweepRuns) + " runs");
    }
  }

  static std::string points_text(std::size_t n) {
    return n == std::numeric_limits<std::size_t>::max() ? "more than " + count_text(n)
                                                        : count_text(n);
  }

  static std::string uses_text(const std::string& leaf) {
    return leaf + " only for " +
           designs_with([&leaf](const DesignInfo& i) { return applies(i, leaf); });
  }

  // ----- corners

  // The scenario at every corner of the space (each parameter at each of its
  // extreme values: min and max of a range, every listed value) must pass
  // check_scenario. That catches cross-field rules the per-parameter checks
  // cannot see (an event's kind against its magnitude, a school count against
  // a schools file). The rules check_scenario has are bounds and comparisons,
  // which an interior point of a range satisfies when both ends do; apply_point
  // re-checks every point anyway.
  void check_corners() {
    std::vector<std::vector<double>> extremes;
    std::size_t combos = 1;
    for (const auto& p : spec_.params) {
      extremes.push_back(p.kind == DomainKind::Range ? std::vector<double>{p.min, p.max}
                                                     : p.values);
      combos = saturating_mul(combos, extremes.back().size());
    }
    std::vector<std::size_t> digit(extremes.size(), 0);
    auto check = [&]() {
      Scenario s = spec_.base;
      for (std::size_t j = 0; j < spec_.params.size(); ++j)
        set_param(spec_.params[j], extremes[j][digit[j]], s);
      std::vector<Diagnostic> d = check_scenario(s, name_);
      if (d.empty()) return true;
      std::vector<std::string> assignments;
      for (std::size_t j = 0; j < spec_.params.size(); ++j)
        assignments.push_back(spec_.params[j].key + " = " +
                              value_text(spec_.params[j], extremes[j][digit[j]]));
      // Report it at the parameter the rule names (or one of the same
      // partner or event entry), else at the first parameter.
      const std::string& bad = d.front().key;
      auto entry = [](const std::string& k) { return k.substr(0, k.find(']') + 1); };
      const SweepParam* where = &spec_.params.front();
      for (const auto& p : spec_.params)
        if (bad == p.key || bad.rfind(p.key + "[", 0) == 0 ||
            (bad.find(']') != std::string::npos && entry(bad) == entry(p.key)))
          where = &p;
      add({name_, where->line, where->column}, d.front().key,
          "the point " + join(assignments, ", ") +
              " makes an invalid scenario: " + d.front().problem,
          d.front().expected);
      return false;
    };
    if (combos <= kMaxCornerChecks) {
      for (std::size_t c = 0; c < combos; ++c) {
        std::size_t rest = c;
        for (std::size_t j = extremes.size(); j-- > 0;) {
          digit[j] = rest % extremes[j].size();
          rest /= extremes[j].size();
        }
        if (!check()) return;
      }
      return;
    }
    // Too many corners: vary one parameter at a time, the others at their
    // first extreme.
    for (std::size_t j = 0; j < extremes.size(); ++j) {
      std::fill(digit.begin(), digit.end(), 0);
      for (std::size_t v = 0; v < extremes[j].size(); ++v) {
        digit[j] = v;
        if (!check()) return;
      }
    }
  }

  // ------------------------------------------------------------ result

  SweepLoadResult finish() {
    std::stable_sort(diags_.begin(), diags_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      const bool sa = a.file == kSetName, sb = b.file == kSetName;
      if (sa != sb) return sb;  // the file's problems first, then --set's
      if (a.line != b.line) return a.line < b.line;
      return a.column < b.column;
    });
    SweepLoadResult r;
    r.diagnostics = std::move(diags_);
    for (auto& d : base_diags_) r.diagnostics.push_back(std::move(d));
    r.warnings = std::move(warnings_);
    if (!r.diagnostics.empty()) return r;
    spec_.file = name_;
    spec_.replications = replications_ ? static_cast<std::size_t>(*replications_)
                                       : static_cast<std::size_t>(spec_.base.meta.replications);
    spec_.design.seed = seed_ ? *seed_ : spec_.base.meta.seed;
    spec_.base.meta.replications = static_cast<int>(spec_.replications);
    spec_.base.meta.seed = spec_.design.seed;
    r.spec = std::move(spec_);
    return r;
  }

  std::vector<std::string> sweep_overrides_, scenario_overrides_;
  std::string name_;
  fs::path dir_;
  SweepSpec spec_;
  std::vector<Diagnostic> diags_, base_diags_, warnings_;
  std::set<std::string> set_keys_;      // [sweep] keys set by --set
  std::set<std::string> present_;       // integer settings read successfully
  std::set<std::string> bad_settings_;  // settings present but invalid
  std::map<std::string, Where> setting_at_;
  Where sweep_at_, scenario_at_;
  std::optional<std::int64_t> replications_;
  std::optional<std::uint64_t> seed_;
  bool design_known_ = false;
  bool base_ok_ = false;
  std::size_t parameter_entries_ = 0;
};

}  // namespace

const std::vector<std::string>& design_names() {
  static const std::vector<std::string> n = [] {
    std::vector<std::string> names;
    for (const DesignInfo& d : kDesigns) names.emplace_back(d.name);
    return names;
  }();
  return n;
}

std::size_t SweepParam::levels() const {
  if (kind != DomainKind::Range) return values.size();
  if (type == ParamType::Int) return static_cast<std::size_t>(max - min) + 1;
  return 0;
}

std::size_t design_points(const DesignSettings& d, const std::vector<SweepParam>& params) {
  const DesignInfo& row = design_info(d.kind);
  if (!row.size) {
    std::size_t n = 1;
    for (const auto& p : params) n = saturating_mul(n, p.values.size());
    return n;
  }
  return saturating_mul(d.*row.size, row.group.of(params.size()));
}

std::size_t sweep_runs(const SweepSpec& s) {
  return saturating_mul(design_points(s), s.replications);
}

void set_param(const SweepParam& p, double v, Scenario& s) {
  const ParamRef ref = p.ref(s);
  switch (p.type) {
    case ParamType::Int:
      store<int>(ref, static_cast<int>(std::lround(v)));
      break;
    case ParamType::Real:
      store<double>(ref, v);
      break;
    case ParamType::Bool:
      store<bool>(ref, v != 0);
      break;
    case ParamType::Choice:
      store_choice(ref, static_cast<int>(std::lround(v)));
      break;
    default:
      throw std::logic_error("sweep: parameter " + p.key + " cannot be varied");
  }
}

std::string value_text(const SweepParam& p, double v) {
  switch (p.type) {
    case ParamType::Int:
      return std::to_string(std::llround(v));
    case ParamType::Bool:
      return v != 0 ? "true" : "false";
    case ParamType::Choice: {
      const auto i = static_cast<std::size_t>(std::lround(v));
      std::string name = i < p.choices.size() ? p.choices[i] : std::to_string(i);
      return format_value(&name);
    }
    default:
      return real_text(v);
  }
}

std::string value_plain(const SweepParam& p, double v) {
  if (p.type == ParamType::Choice) {
    const auto i = static_cast<std::size_t>(std::lround(v));
    return i < p.choices.size() ? p.choices[i] : std::to_string(i);
  }
  return value_text(p, v);
}

std::string canonical_text(const SweepSpec& s) {
  std::string out = "[sweep]\n";
  std::string path = s.scenario_path;
  out += "scenario = " + format_value(&path) + "\n";
  out += std::string("design = \"") + to_string(s.design.kind) + "\"\n";
  out += "replications = " + std::to_string(s.replications) + "\n";
  out += "seed = " + std::to_string(s.design.seed) + "\n";
  const DesignInfo& row = design_info(s.design.kind);
  if (row.size_key)
    out += std::string(row.size_key) + " = " + std::to_string(s.design.*row.size) + "\n";
  if (row.takes_levels) out += "levels = " + std::to_string(s.design.levels) + "\n";
  out += "\n[sweep.parameters]\n";
  for (const auto& p : s.params) {
    std::string key = p.key;
    out += format_value(&key) + " = ";
    auto list = [&p](const std::vector<double>& values) {
      std::string l = "[";
      for (std::size_t i = 0; i < values.size(); ++i)
        l += (i ? ", " : "") + value_text(p, values[i]);
      return l + "]";
    };
    auto weights = [](const std::vector<double>& w) {
      std::string l = "[";
      for (std::size_t i = 0; i < w.size(); ++i) l += (i ? ", " : "") + real_text(w[i]);
      return l + "]";
    };
    switch (p.kind) {
      case DomainKind::Values:
        out += list(p.values);
        break;
      case DomainKind::Range:
        out += "{ min = " + value_text(p, p.min) + ", max = " + value_text(p, p.max);
        out += p.weights.empty() ? " }" : ", weights = " + weights(p.weights) + " }";
        break;
      case DomainKind::Weighted:
        out += "{ values = " + list(p.values) + ", weights = " + weights(p.weights) + " }";
        break;
    }
    out += "\n";
  }
  return out;
}

SweepLoadResult load_sweep(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides) {
  return SweepLoader(overrides).load_file(file);
}

SweepLoadResult load_sweep_text(std::string_view text, const std::string& name,
                                const std::filesystem::path& dir,
                                const std::vector<std::string>& overrides) {
  return SweepLoader(overrides).load_text(text, name, dir);
}

}  // namespace ds
