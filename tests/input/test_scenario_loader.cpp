// Unit tests of the scenario loader (sim/input/scenario_loader.cpp): defaults,
// values, base inheritance, schools files, --set, each class of error, limits.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "input/scenario_loader.hpp"
#include "input/sweep_spec.hpp"

namespace fs = std::filesystem;
using namespace ds;

namespace {

// A fresh directory per test, removed afterwards. ctest runs test cases in
// parallel processes, hence the pid in the name.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("districtsim-loader-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  fs::path path_;
};

LoadResult load_text(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return load_scenario_text(text, "t.toml", fs::path(), overrides);
}

std::vector<std::string> messages(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics) out.push_back(d.to_string());
  return out;
}

// The one diagnostic a load produced (fails the test if there is not exactly one).
Diagnostic only(const LoadResult& r) {
  INFO(Catch::Detail::stringify(messages(r)));
  REQUIRE(r.diagnostics.size() == 1);
  return r.diagnostics.front();
}

// The resolved value of every scenario parameter, as text.
std::vector<std::string> resolved(const Scenario& s) {
  Scenario copy = s;
  std::vector<std::string> out;
  for (const auto& p : scenario_params()) out.push_back(p.key + "=" + format_value(p.ref(copy)));
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

// ---------------------------------------------------------------------------
// The declaration itself

TEST_CASE("every parameter default lies within its declared range", "[loader][params]") {
  Scenario s;
  for (const auto& p : scenario_params()) {
    INFO(p.key);
    const ParamRef ref = p.ref(s);
    if (p.type == ParamType::Int) {
      const int v = *std::get<int*>(ref);
      CHECK(v >= p.min);
      CHECK(v <= p.max);
    } else if (p.type == ParamType::Real) {
      const double v = *std::get<double*>(ref);
      CHECK(v >= p.min);
      CHECK(v <= p.max);
    } else if (p.type == ParamType::IntList) {
      for (int v : *std::get<std::vector<int>*>(ref)) {
        CHECK(v >= p.min);
        CHECK(v <= p.max);
      }
    }
  }
  Partner partner = default_partner();
  for (const auto& f : partner_fields()) {
    INFO("partner field " << f.key);
    if (f.type == ParamType::Real) {
      CHECK(*std::get<double*>(f.ref(partner)) >= f.min);
      CHECK(*std::get<double*>(f.ref(partner)) <= f.max);
    } else if (f.type == ParamType::Int) {
      CHECK(*std::get<int*>(f.ref(partner)) >= f.min);
      CHECK(*std::get<int*>(f.ref(partner)) <= f.max);
    }
  }
  CHECK(check_scenario(
            [] {
              Scenario d;
              d.partners.push_back(default_partner());
              return d;
            }(),
            "defaults")
            .empty());
}

TEST_CASE("every parameter points at a field of its declared type", "[loader][params]") {
  // The loader stores through these pointers by declared type; a mismatch
  // would throw at load time, so pin it here.
  auto matches = [](ParamType t, const ParamRef& r) {
    switch (t) {
      case ParamType::Int:
        return std::holds_alternative<int*>(r);
      case ParamType::Real:
        return std::holds_alternative<double*>(r);
      case ParamType::Bool:
        return std::holds_alternative<bool*>(r);
      case ParamType::String:
        return std::holds_alternative<std::string*>(r);
      case ParamType::Seed:
        return std::holds_alternative<std::uint64_t*>(r);
      case ParamType::IntList:
        return std::holds_alternative<std::vector<int>*>(r);
      case ParamType::Choice:
        return std::holds_alternative<Frequency*>(r) || std::holds_alternative<PartnerKind*>(r) ||
               std::holds_alternative<EventKind*>(r);
    }
    return false;
  };
  Scenario s;
  for (const auto& p : scenario_params()) {
    INFO(p.key);
    CHECK(matches(p.type, p.ref(s)));
    CHECK(p.key.find('.') != std::string::npos);
    if (p.type == ParamType::Choice) CHECK_FALSE(p.choices.empty());
  }
  Partner partner;
  for (const auto& f : partner_fields()) CHECK(matches(f.type, f.ref(partner)));
  Event event;
  for (const auto& f : event_fields()) CHECK(matches(f.type, f.ref(event)));
}

// ---------------------------------------------------------------------------
// Reading values

TEST_CASE("an empty file gives the documented defaults and the default partner", "[loader]") {
  const LoadResult r = load_text("");
  REQUIRE(r.ok());
  CHECK(resolved(*r.scenario) == resolved(Scenario{}));
  REQUIRE(r.scenario->partners.size() == 1);
  CHECK(r.scenario->partners[0].name == default_partner().name);
  CHECK(r.scenario->output.withdrawal_probe_years == std::vector<int>{5, 10});
  CHECK(r.scenario->meta.source_file == "t.toml");
}

TEST_CASE("values of every type are read into the scenario", "[loader]") {
  const LoadResult r = load_text(R"(
[scenario]
name = "x"
years = 12
seed = 12345678901
[district]
schools = 7
budget_per_teacher = 1200   # an integer is fine where a real is expected
readiness = 0.25
[strategy]
pace = 0.8
[output]
frequency = "month"
withdrawal_probe_years = [3, 6]
trajectories = true
[[partners]]
name = "A"
kind = "university"
coaches = 3
renewal = false
[[events]]
year = 4
kind = "budget_cut"
magnitude = 0.2
[[events]]
year = 5
kind = "partner_exit"
partner = "A"
)");
  INFO(Catch::Detail::stringify(messages(r)));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.meta.name == "x");
  CHECK(s.meta.years == 12);
  CHECK(s.meta.seed == 12345678901ull);
  CHECK(s.district.schools == 7);
  CHECK(s.district.budget_per_teacher == 1200.0);
  CHECK(s.district.readiness == 0.25);
  CHECK(s.strategy.pace == 0.8);
  CHECK(s.output.frequency == Frequency::Month);
  CHECK(s.output.withdrawal_probe_years == std::vector<int>{3, 6});
  CHECK(s.output.trajectories);
  REQUIRE(s.partners.size() == 1);  // a listed partner replaces the default
  CHECK(s.partners[0].name == "A");
  CHECK(s.partners[0].kind == PartnerKind::University);
  CHECK(s.partners[0].coaches == 3.0);
  CHECK_FALSE(s.partners[0].renewal);
  CHECK(s.partners[0].quality == Partner{}.quality);  // unset fields keep defaults
  REQUIRE(s.events.size() == 2);
  CHECK(s.events[0].kind == EventKind::BudgetCut);
  CHECK(s.events[0].magnitude == 0.2);
  CHECK(s.events[1].partner == "A");
}

TEST_CASE("default probe years past a short horizon are dropped, written ones are errors",
          "[loader]") {
  const LoadResult short_run = load_text("[scenario]\nyears = 8\n");
  REQUIRE(short_run.ok());
  CHECK(short_run.scenario->output.withdrawal_probe_years == std::vector<int>{5});

  const Diagnostic d =
      only(load_text("[scenario]\nyears = 8\n[output]\nwithdrawal_probe_years = [5, 9]\n"));
  CHECK(d.to_string() ==
        "t.toml:4:26: output.withdrawal_probe_years[2]: probe year 9 is past the horizon "
        "(expected a year in 1..scenario.years = 1..8; the probe itself may run past it)");
}

// ---------------------------------------------------------------------------
// Each class of error

TEST_CASE("unknown keys and tables get a suggestion", "[loader][errors]") {
  CHECK(only(load_text("[district]\nschoolz = 3\n")).to_string() ==
        "t.toml:2:1: district.schoolz: unknown key; did you mean `schools`?");
  CHECK(only(load_text("[stratgy]\npace = 0.2\n")).to_string() ==
        "t.toml:1:2: stratgy: unknown table; did you mean `strategy`?");
  CHECK(only(load_text("years = 3\n")).to_string() ==
        "t.toml:1:1: years: key outside any table; did you mean `scenario.years`? "
        "(expected it under its table header [scenario])");
  CHECK(only(load_text("[[partners]]\nname = \"a\"\nqualty = 0.5\n")).to_string() ==
        "t.toml:3:1: partners[1].qualty: unknown key; did you mean `quality`?");
  // Without a close match the valid keys are listed.
  CHECK(only(load_text("[strategy]\nzzzzzzzz = 1\n")).to_string() ==
        "t.toml:2:1: strategy.zzzzzzzz: unknown key (expected one of the keys of [strategy]: "
        "centralization, "
        "pace, need_priority, external_sourcing, adaptivity, bundling, failure_sharing)");
}

TEST_CASE("wrong types are refused, an integer passes for a real, not the reverse",
          "[loader][errors]") {
  CHECK(only(load_text("[scenario]\nyears = \"ten\"\n")).to_string() ==
        "t.toml:2:9: scenario.years: wrong type: string \"ten\" (expected an integer in 1..50)");
  CHECK(only(load_text("[district]\nschools = 12.0\n")).to_string() ==
        "t.toml:2:11: district.schools: wrong type: floating-point 12.0 (expected an integer in "
        "1..2000)");
  CHECK(load_text("[strategy]\npace = 1\n").ok());
  CHECK(only(load_text("[output]\ntrajectories = 1\n")).to_string() ==
        "t.toml:2:16: output.trajectories: wrong type: integer 1 (expected true or false)");
  CHECK(only(load_text("strategy = 0.5\n")).to_string() ==
        "t.toml:1:12: strategy: wrong type: floating-point 0.5 (expected a table [strategy])");
  CHECK(only(load_text("[partners]\nname = \"a\"\n")).to_string() ==
        "t.toml:1:1: partners: wrong type: table (expected an array of tables, written "
        "[[partners]])");
  CHECK(only(load_text("[output]\nwithdrawal_probe_years = [5, \"x\"]\n")).to_string() ==
        "t.toml:2:30: output.withdrawal_probe_years[2]: wrong type: string \"x\" (expected an "
        "integer in 1..50)");
}

TEST_CASE("out-of-range, NaN and infinite values are refused", "[loader][errors]") {
  CHECK(only(load_text("[strategy]\npace = 1.4\n")).to_string() ==
        "t.toml:2:8: strategy.pace: value 1.4 is out of range (expected a number in 0..1)");
  CHECK(only(load_text("[strategy]\npace = nan\n")).to_string() ==
        "t.toml:2:8: strategy.pace: value nan is not a finite number (expected a number in 0..1)");
  CHECK(only(load_text("[district]\nbudget_per_teacher = inf\n")).to_string() ==
        "t.toml:2:22: district.budget_per_teacher: value inf is not a finite number "
        "(expected a number in 0..50000)");
  CHECK(only(load_text("[district]\nbudget_per_teacher = -inf\n")).problem ==
        "value -inf is not a finite number");
  CHECK(only(load_text("[scenario]\nseed = -1\n")).to_string() ==
        "t.toml:2:8: scenario.seed: value -1 is out of range (expected an integer >= 0)");
  CHECK(only(load_text("[district]\nschools = 0\n")).problem == "value 0 is out of range");
}

TEST_CASE("unknown choices list the valid ones", "[loader][errors]") {
  // No follow-on complaint that magnitude does not apply to the default kind.
  CHECK(only(load_text("[[events]]\nyear = 2\nkind = \"budgetcut\"\nmagnitude = 0.1\n"))
            .to_string() ==
        "t.toml:3:8: events[1].kind: unknown value \"budgetcut\"; did you mean `budget_cut`? "
        "(expected one of: "
        "superintendent_change, partner_exit, grant_end, budget_cut, turnover_spike)");
  CHECK(only(load_text("[[partners]]\nname = \"a\"\nkind = \"consultant\"\n")).to_string() ==
        "t.toml:3:8: partners[1].kind: unknown value \"consultant\" (expected one of: coaching, "
        "platform, "
        "university)");
  CHECK(only(load_text("[output]\nfrequency = \"weekly\"\n")).to_string() ==
        "t.toml:2:13: output.frequency: unknown value \"weekly\" (expected one of: year, month)");
}

TEST_CASE("required entry fields are reported missing at the entry", "[loader][errors]") {
  CHECK(only(load_text("[[partners]]\ncoaches = 3\n")).to_string() ==
        "t.toml:1:1: partners[1].name: required field is missing (expected a string)");
  const LoadResult r = load_text("[[events]]\nmagnitude = 0.1\n");
  CHECK(messages(r) ==
        std::vector<std::string>{
            "t.toml:1:1: events[1].year: required field is missing (expected an integer in 1..50)",
            "t.toml:1:1: events[1].kind: required field is missing (expected one of: "
            "superintendent_change, partner_exit, grant_end, budget_cut, turnover_spike)"});
  // Without a kind, nothing more is said about the magnitude (no cascade).
  CHECK(only(load_text("[[events]]\nyear = 3\nkind = \"turnover_spike\"\n")).to_string() ==
        "t.toml:1:1: events[1].magnitude: required for turnover_spike (expected a number in 0..1)");
}

TEST_CASE("cross-field rules: partners, events, horizon", "[loader][errors]") {
  CHECK(only(load_text("[[partners]]\nname = \"a\"\n[[partners]]\nname = \"a\"\n")).to_string() ==
        "t.toml:4:8: partners[2].name: duplicate partner name \"a\" (expected unique names; "
        "partners[1] has it "
        "already)");
  CHECK(only(load_text(
                 "[[partners]]\nname = \"Acme\"\n[[events]]\nyear = 2\nkind = \"partner_exit\"\n"
                 "partner = \"acme\"\n"))
            .to_string() ==
        "t.toml:6:11: events[1].partner: no partner named \"acme\"; did you mean `Acme`? (expected "
        "one of "
        "\"Acme\", or no `partner` for all)");
  CHECK(only(load_text("[scenario]\nyears = 10\n[[events]]\nyear = 11\nkind = \"grant_end\"\n"))
            .to_string() ==
        "t.toml:4:8: events[1].year: year 11 is past the horizon (expected a year in "
        "1..scenario.years = 1..10)");
  CHECK(only(load_text("[[events]]\nyear = 2\nkind = \"grant_end\"\npartner = \"x\"\n"))
            .to_string() ==
        "t.toml:4:11: events[1].partner: does not apply to grant_end (expected partner only for "
        "partner_exit)");
  // partner_exit without a partner means every partner.
  CHECK(load_text("[[events]]\nyear = 2\nkind = \"partner_exit\"\n").ok());
}

TEST_CASE("every problem is reported at once, in file order", "[loader][errors]") {
  const LoadResult r = load_text(R"([scenario]
years = 0
[district]
schools = "many"
readines = 0.5
[strategy]
pace = 2
[[partners]]
name = "p"
kind = "coach"
)");
  CHECK_FALSE(r.ok());
  CHECK(messages(r) ==
        std::vector<std::string>{
            "t.toml:2:9: scenario.years: value 0 is out of range (expected an integer in 1..50)",
            "t.toml:4:11: district.schools: wrong type: string \"many\" (expected an integer in "
            "1..2000)",
            "t.toml:5:1: district.readines: unknown key; did you mean `readiness`?",
            "t.toml:7:8: strategy.pace: value 2 is out of range (expected a number in 0..1)",
            "t.toml:10:8: partners[1].kind: unknown value \"coach\"; did you mean `coaching`? "
            "(expected one of: "
            "coaching, platform, university)"});
}

TEST_CASE("syntax errors are reported at their position", "[loader][errors]") {
  CHECK(only(load_text("[strategy]\npace = = 0.5\n"))
            .to_string()
            .rfind("t.toml:2:8: syntax error while parsing", 0) == 0);
  const Diagnostic d = only(load_text("[scenario]\nyears = 5\nyears = 6\n"));
  CHECK(d.line == 3);
  CHECK(contains(d.problem, "syntax error"));
  CHECK(contains(d.problem, "years"));
}

TEST_CASE("an unquoted word where a value belongs is text that needs quotes", "[loader][errors]") {
  CHECK(only(load_text("[scenario]\nname = build\n")).expected == "text in double quotes: \"build\"");
  // The rest of the line, to a comment; after other text on the line (columns count code points).
  CHECK(only(load_text("[scenario]\nname = my district  # the pilot\n")).expected ==
        "text in double quotes: \"my district\"");
  CHECK(only(load_text("partners = [{ name = \"Caf\u00e9 \u00e0 la carte\", kind = coaching }]\n")).expected ==
        "text in double quotes: \"coaching\"");
  // Not a word: no guess.
  CHECK(only(load_text("[strategy]\npace = = 0.5\n")).expected.empty());
  CHECK(only(load_text("[strategy]\npace = .5\n")).expected.empty());
  // The same in a sweep file.
  const ds::SweepLoadResult sweep = ds::load_sweep_text("[sweep]\nscenario = base\n", "s.toml", ".");
  REQUIRE(sweep.diagnostics.size() == 1);
  CHECK(sweep.diagnostics[0].expected == "text in double quotes: \"base\"");
}

// ---------------------------------------------------------------------------
// Limits

TEST_CASE("files over 1 MiB are refused before parsing", "[loader][limits]") {
  TempDir dir;
  // Valid TOML (all comment), so only the size can be the reason.
  std::string big = "# " + std::string(kMaxScenarioBytes, 'x') + "\n";
  const fs::path p = dir.write("big.toml", big);
  const Diagnostic d = only(load_scenario(p));
  CHECK(d.line == 0);
  CHECK(contains(d.problem, "over the limit of 1048576 bytes"));
  CHECK(contains(d.problem, "refused before parsing"));
  CHECK(contains(only(load_text(big)).problem, "refused before parsing"));
  // Exactly at the limit is fine.
  std::string at_limit = "# " + std::string(kMaxScenarioBytes - 3, 'x') + "\n";
  REQUIRE(at_limit.size() == kMaxScenarioBytes);
  CHECK(load_scenario(dir.write("limit.toml", at_limit)).ok());
}

TEST_CASE("deep nesting is refused before toml++ sees it", "[loader][limits]") {
  const std::string deep = "[output]\nx = " + std::string(100, '[') + std::string(100, ']') + "\n";
  CHECK(
      only(load_text(deep)).to_string() ==
      "t.toml:2:69: arrays or inline tables nested deeper than 64 levels; refused before parsing");
  std::string inline_tables = "[output]\nx = ";
  for (int i = 0; i < 70; ++i) inline_tables += "{a=";
  inline_tables += "1" + std::string(70, '}') + "\n";
  CHECK(contains(only(load_text(inline_tables)).problem, "nested deeper than 64"));
  // Brackets in strings and comments do not count.
  const std::string quoted = "[scenario]\ndescription = \"" + std::string(100, '[') + "\"  # " +
                             std::string(100, '{') + "\nname = '''" + std::string(100, '[') +
                             "'''\n";
  CHECK(load_text(quoted).ok());
  // A hundred thousand levels, which would overflow the stack of an unguarded parser.
  CHECK_FALSE(load_text("a = " + std::string(100000, '[')).ok());
}

TEST_CASE("dotted keys and table headers count towards the nesting limit", "[loader][limits]") {
  // Debian's toml++ 3.3 builds one table per dot and overflows its stack on a
  // few hundred thousand (found while fuzzing): refused before parsing.
  auto dotted = [](int dots) {
    std::string k = "a";
    for (int i = 0; i < dots; ++i) k += ".a";
    return k;
  };
  const std::string refused = "dotted keys, arrays or inline tables nested deeper than 64 levels";
  CHECK(only(load_text("[model]\n" + dotted(300000) + " = 1\n")).to_string() ==
        "t.toml:2:130: " + refused + "; refused before parsing");
  CHECK(contains(only(load_text("[" + dotted(300000) + "]\n")).problem, refused));
  CHECK(contains(only(load_text("[[" + dotted(300000) + "]]\n")).problem, refused));
  CHECK(contains(only(load_text("x = {" + dotted(300000) + " = 1}\n")).problem, refused));
  CHECK(contains(only(load_text("x = [{" + dotted(300000) + " = 1}]\n")).problem, refused));
  // Levels add up: the header's dots, the key's dots and the brackets.
  CHECK(
      contains(only(load_text("[" + dotted(30) + "]\n" + dotted(30) + " = [[[[[1]]]]]\n")).problem,
               refused));
  CHECK(contains(only(load_text("x = {" + dotted(40) + " = {" + dotted(40) + " = 1}}\n")).problem,
                 refused));
  // At the limit the text reaches toml++ and is judged as TOML (an unknown key).
  CHECK(contains(only(load_text("[model]\n" + dotted(64) + " = 1\n")).problem, "unknown key"));
  CHECK(contains(only(load_text("[" + dotted(64) + "]\n")).problem, "unknown table"));
  // Dots in values, quoted keys, strings and comments do not count.
  std::string many_reals = "[output]\nwithdrawal_probe_years = [";
  for (int i = 0; i < 100; ++i) many_reals += "1.5, ";
  many_reals += "]\n";
  CHECK(contains(load_text(many_reals).diagnostics.at(0).problem, "wrong type"));
  const std::string quoted_dots = "[scenario]\nname = \"" + dotted(100) + "\" # " + dotted(100) +
                                  "\n\"" + dotted(100) + "\" = 1\n";
  CHECK(contains(only(load_text(quoted_dots)).problem, "unknown key"));
}

TEST_CASE("non-ASCII text outside strings is refused before toml++ sees it", "[loader][limits]") {
  // toml++ 3.3 asks whether such a character is whitespace with a function
  // that reaches __builtin_unreachable for many code points: undefined
  // behaviour, found by fuzzing (fuzz/). The first input is the fuzzer's.
  const std::string found("\xEF\xBB\x9F\x54\x60\x29\x01\x20\x66\x22\x0A", 11);
  CHECK(only(load_text(found)).to_string() ==
        "t.toml:1:1: non-ASCII character outside a string or comment; refused before parsing "
        "(expected non-ASCII text only inside quotes or after #)");
  CHECK(only(load_text("\xCC\xAA")).line == 1);
  CHECK(only(load_text("[scenario]\nyears = 12\xC2\xA7\n")).to_string() ==
        "t.toml:2:11: non-ASCII character outside a string or comment; refused before parsing "
        "(expected non-ASCII text only inside quotes or after #)");
  for (const char* text :
       {"x = [\xC2\xA7]\n", "x = {\xC2\xA7}\n", "[\xC2\xA7]\n", "a\xC2\xA7 = 1\n",
        "a = \"x\"\xC2\xA7\n", "a = 1979-05-27\xC2\xA7\n", "a = 0x\xC2\xA7\n"}) {
    INFO(text);
    CHECK(contains(only(load_text(text)).problem, "non-ASCII character outside a string"));
  }
  // ... and after the start of a bare value, up to what ends it: toml++ looks
  // ahead through it, quotes and all (the --set input is the fuzzer's).
  CHECK(only(load_text("[scenario]\nseed = 1.base=\"x\xC2\xA7\"\n")).to_string() ==
        "t.toml:2:17: non-ASCII character outside a string or comment; refused before parsing "
        "(expected non-ASCII text only inside quotes or after #)");
  CHECK(contains(only(load_text("a = 1979-05-27 07\"\xC2\xA7\"\n")).problem, "non-ASCII"));
  const std::string fuzzed_file("#et_]] 1 \nd= 3\"\0\xEF\xB4\xBF\0se_se_de", 28);
  CHECK(only(load_text(fuzzed_file)).to_string() ==
        "t.toml:2:7: non-ASCII character outside a string or comment; refused before parsing "
        "(expected non-ASCII text only inside quotes or after #)");
  const std::string fuzzed_set("scenario.seed=1.base=\"x.t\x02\0s\xCB\x81", 30);
  CHECK(only(load_text("", {fuzzed_set})).problem.rfind("cannot read \"1.base=", 0) == 0);
  // ... and right after a line-ending backslash in a multi-line basic string.
  const std::string after = "non-ASCII character right after a line-ending backslash";
  for (const char* text : {"[scenario]\ndescription = \"\"\"a\\\n\xC2\xA7\"\"\"\n",
                           "[scenario]\nname = \"\"\"\\\xC2\xA7\"\"\"\n",
                           "[scenario]\nname = \"\"\"\\  \r\n\n\t\xC2\xA7\"\"\"\n",
                           "[scenario]\nname = \"\"\"\\\n\\\n\xC2\xA7\"\"\"\n"}) {
    INFO(text);
    CHECK(contains(only(load_text(text)).problem, after));
  }
  // Columns count characters, as toml++'s do.
  CHECK(only(load_text("[scenario]\nname = \"\xC3\xA9\xC3\xA9\" \xC2\xA7\n")).column == 13);
  // Non-ASCII text where TOML allows it still loads: strings, comments, a
  // byte order mark, an escaped backslash before non-ASCII text.
  const std::string fine =
      "\xEF\xBB\xBF# \xC3\xA9t\xC3\xA9 \xC2\xA7\n[scenario]\nname = \"\xC3\xA9\"\n"
      "description = \"\"\"\xC2\xA7 \\\\\xC2\xA7 \\u00e9\xC2\xA7 a\\\n  b "
      "\xC2\xA7\"\"\"\n[[partners]]\nname = '\xC2\xA7'\n[[events]]\nyear = 2\n"
      "kind = \"partner_exit\"\npartner = '''\xC2\xA7'''\n"
      "[output]\nwithdrawal_probe_years = [1, 2,\n  3] # \xC2\xA7\n"
      "[model]\nadvice_ties = 4 # \xC2\xA7\n";
  const LoadResult r = load_text(fine);
  INFO(Catch::Detail::stringify(messages(r)));
  REQUIRE(r.ok());
  CHECK(r.scenario->meta.name == "\xC3\xA9");
  CHECK(r.scenario->partners.at(0).name == "\xC2\xA7");
  // --set values go through the same scan.
  CHECK(load_text("", {"scenario.name=\"\xC2\xA7\""}).ok());
  CHECK(only(load_text("", {"strategy.pace=0.5\xC2\xA7"})).problem ==
        "cannot read \"0.5\xC2\xA7\" as a TOML value");
  CHECK(only(load_text("", {"output.withdrawal_probe_years=[" + std::string(100, '[') + "]"}))
            .problem == "value nested deeper than 64 levels");
}

TEST_CASE("crafted files cannot make the checks quadratic or their messages huge",
          "[loader][limits]") {
  using Clock = std::chrono::steady_clock;
  // Each took minutes or gigabytes before: a search of the list so far for
  // each probe year; every partner name listed, and compared, for each event.
  const auto start = Clock::now();
  std::string probes = "[scenario]\nyears = 50\n[output]\nwithdrawal_probe_years = [";
  while (probes.size() < 400000) probes += "7,";
  probes += "7]\n";
  const LoadResult dup = load_text(probes);
  CHECK(dup.diagnostics.size() > 100000);
  CHECK(dup.diagnostics.back().problem == "duplicate probe year 7");

  std::string crowd = "[scenario]\nyears = 10\n";
  for (int i = 0; i < 2000; ++i)
    crowd += "[[partners]]\nname = \"partner number " + std::to_string(i) + "\"\n";
  for (int i = 0; i < 3000; ++i)
    crowd += "[[events]]\nyear = 2\nkind = \"partner_exit\"\npartner = \"partner numbr " +
             std::to_string(i) + "\"\n";
  const LoadResult r = load_text(crowd);
  REQUIRE(r.diagnostics.size() == 3000);  // no event names a partner that exists
  for (const auto& d : r.diagnostics) {
    CHECK(d.expected.size() < 400);
    CHECK(contains(d.expected, "... (2000 partners)"));
  }
  // Long unknown keys get no suggestion, and no time is spent looking for one.
  const std::string long_key(100000, 'p');
  CHECK(only(load_text("[strategy]\n" + long_key + " = 1\n")).problem == "unknown key");
  CHECK(std::chrono::duration<double>(Clock::now() - start).count() < 60);
}

TEST_CASE("suggestions still find close keys after the bounds", "[loader][errors]") {
  CHECK(only(load_text("[strategy]\npase = 1\n")).problem == "unknown key; did you mean `pace`?");
  CHECK(only(load_text("[strategy]\ncentralisation = 1\n")).problem ==
        "unknown key; did you mean `centralization`?");
  CHECK(only(load_text("[strategy]\nfailuresharing = 1\n")).problem ==
        "unknown key; did you mean `failure_sharing`?");
  CHECK(only(load_text("[strategy]\nzzzzzzzzzzzzzzzzzzzz = 1\n")).problem == "unknown key");
}

// ---------------------------------------------------------------------------
// Files, base inheritance, schools_file

TEST_CASE("missing and unreadable files are diagnosed", "[loader][files]") {
  TempDir dir;
  const Diagnostic d = only(load_scenario(dir.path() / "nope.toml"));
  CHECK(d.file == (dir.path() / "nope.toml").string());
  CHECK(d.problem == "cannot read file: no such file or directory");
  CHECK(only(load_scenario(dir.path())).problem == "cannot read file: is a directory");
}

TEST_CASE("a base file is inherited key by key, relative to the including file", "[loader][base]") {
  TempDir dir;
  dir.write("lib/root.toml", R"([scenario]
name = "root"
years = 20
[district]
schools = 50
[strategy]
pace = 0.1
[[partners]]
name = "root partner"
[[events]]
year = 3
kind = "superintendent_change"
)");
  dir.write("lib/mid.toml", R"([scenario]
base = "root.toml"
name = "mid"
[strategy]
pace = 0.2
bundling = 0.9
)");
  const fs::path child = dir.write("child.toml", R"([scenario]
base = "lib/mid.toml"
name = "child"
[district]
readiness = 0.7
[[partners]]
name = "child partner"
)");
  const LoadResult r = load_scenario(child);
  INFO(Catch::Detail::stringify(messages(r)));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.meta.name == "child");
  CHECK(s.meta.base == "lib/mid.toml");
  CHECK(s.meta.source_file == child.string());
  CHECK(s.meta.years == 20);           // from root, through mid
  CHECK(s.district.schools == 50);     // from root
  CHECK(s.district.readiness == 0.7);  // child's own
  CHECK(s.strategy.pace == 0.2);       // mid overrides root
  CHECK(s.strategy.bundling == 0.9);   // from mid
  // The child's [[partners]] replace the inherited list wholesale...
  REQUIRE(s.partners.size() == 1);
  CHECK(s.partners[0].name == "child partner");
  // ...while [[events]], which the child does not list, are inherited.
  REQUIRE(s.events.size() == 1);
  CHECK(s.events[0].kind == EventKind::SuperintendentChange);
}

TEST_CASE("an empty array in a child clears the inherited list", "[loader][base]") {
  TempDir dir;
  dir.write("base.toml",
            "[[partners]]\nname = \"b\"\n[[events]]\nyear = 2\nkind = \"grant_end\"\n");
  const LoadResult r = load_scenario(
      dir.write("child.toml", "events = []\npartners = []\n[scenario]\nbase = \"base.toml\"\n"));
  INFO(Catch::Detail::stringify(messages(r)));
  REQUIRE(r.ok());
  CHECK(r.scenario->events.empty());
  REQUIRE(r.scenario->partners.size() == 1);
  CHECK(r.scenario->partners[0].name == default_partner().name);
}

TEST_CASE("base problems: missing file, cycles, errors inside the base", "[loader][base]") {
  TempDir dir;
  const std::string root = dir.path().string() + "/";
  SECTION("missing base is reported where it is named") {
    const LoadResult r = load_scenario(dir.write("a.toml", "[scenario]\nbase = \"gone.toml\"\n"));
    CHECK(only(r).to_string() ==
          root + "a.toml:2:8: scenario.base: cannot read \"" + root +
              "gone.toml\": no such file or directory (expected a readable scenario file)");
  }
  SECTION("a cycle is reported with its path") {
    dir.write("x.toml", "[scenario]\nbase = \"sub/y.toml\"\n");
    dir.write("sub/y.toml", "[scenario]\nbase = \"../x.toml\"\n");
    const LoadResult r = load_scenario(dir.path() / "x.toml");
    CHECK(only(r).to_string() ==
          root + "sub/y.toml:2:8: scenario.base: inheritance cycle: " + root + "x.toml -> " + root +
              "sub/y.toml -> " + root + "x.toml (expected a chain of base files that ends)");
  }
  SECTION("a file naming itself is a cycle") {
    const LoadResult r =
        load_scenario(dir.write("self.toml", "[scenario]\nbase = \"self.toml\"\n"));
    CHECK(contains(only(r).problem, "inheritance cycle"));
  }
  SECTION("errors in the base are reported in the base, with the child's") {
    dir.write("b.toml", "[strategy]\npace = 3\n");
    const LoadResult r = load_scenario(
        dir.write("c.toml", "[scenario]\nbase = \"b.toml\"\n[district]\nschools = -1\n"));
    CHECK(
        messages(r) ==
        std::vector<std::string>{
            root + "c.toml:4:11: district.schools: value -1 is out of range (expected an integer "
                   "in 1..2000)",
            root +
                "b.toml:2:8: strategy.pace: value 3 is out of range (expected a number in 0..1)"});
  }
  SECTION("a cross-field problem points at the file that set the value") {
    dir.write("long.toml", "[[events]]\nyear = 20\nkind = \"grant_end\"\n");
    const LoadResult r =
        load_scenario(dir.write("short.toml", "[scenario]\nbase = \"long.toml\"\nyears = 10\n"));
    CHECK(only(r).to_string() ==
          root +
              "long.toml:2:8: events[1].year: year 20 is past the horizon (expected a "
              "year in 1..scenario.years = 1..10)");
  }
}

TEST_CASE("a schools file sets the school list and the school count", "[loader][schools]") {
  TempDir dir;
  dir.write("data/schools.csv",
            "\xEF\xBB\xBFname,teachers,need,readiness\r\nA,30,0.5,0.5\r\n\"B, "
            "North\",12,0.9,0.2\r\n\r\n");
  dir.write("base.toml", "[district]\nschools = 100\nschools_file = \"data/schools.csv\"\n");
  const LoadResult r =
      load_scenario(dir.write("sub/child.toml", "[scenario]\nbase = \"../base.toml\"\n"));
  INFO(Catch::Detail::stringify(messages(r)));
  REQUIRE(r.ok());
  const District& d = r.scenario->district;
  CHECK(d.schools == 2);  // the rows, not the base's 100
  CHECK(d.schools_file == "data/schools.csv");
  REQUIRE(d.school_list.size() == 2);
  CHECK(d.school_list[1].name == "B, North");
  CHECK(d.school_list[1].teachers == 12);
  CHECK(d.school_list[1].need == 0.9);
  CHECK(d.school_list[1].readiness == 0.2);

  // A child can drop an inherited schools file.
  const LoadResult dropped = load_scenario(dir.write(
      "drop.toml", "[scenario]\nbase = \"base.toml\"\n[district]\nschools_file = \"\"\n"));
  REQUIRE(dropped.ok());
  CHECK(dropped.scenario->district.school_list.empty());
  CHECK(dropped.scenario->district.schools == 100);
}

TEST_CASE("bad schools files are reported at the CSV line and column", "[loader][schools]") {
  TempDir dir;
  const std::string root = dir.path().string() + "/";
  auto load_with = [&](const std::string& csv) {
    dir.write("s.csv", csv);
    return load_scenario(dir.write("x.toml", "[district]\nschools_file = \"s.csv\"\n"));
  };
  CHECK(
      messages(load_with("name,teachers,need,readiness\nA,3,0.5,0.5\nB,40,1.5,x\nA,40,0.5\n")) ==
      std::vector<std::string>{
          root + "s.csv:2:3: teachers: value 3 is out of range (expected an integer in 5..300)",
          root + "s.csv:3:6: need: value 1.5 is out of range (expected a number in 0..1)",
          root + "s.csv:3:10: readiness: not a number: \"x\" (expected a number in 0..1)",
          root + "s.csv:4:1: row has 3 fields (expected 4 fields: name,teachers,need,readiness)"});
  CHECK(only(load_with("name,teachers,need\nA,30,0.5\n")).to_string() ==
        root +
            "s.csv:1:1: wrong header \"name,teachers,need\" (expected the header "
            "name,teachers,need,readiness)");
  CHECK(only(load_with("")).to_string() ==
        root +
            "s.csv: file is empty (expected a header line name,teachers,need,readiness and one row "
            "per school)");
  CHECK(only(load_with("name,teachers,need,readiness\n")).problem == "file lists no schools");
  CHECK(only(load_with("name,teachers,need,readiness\nA,30,0.5,0.5\nA,31,0.5,0.5\n")).to_string() ==
        root +
            "s.csv:3:1: name: duplicate school name \"A\" (expected unique names; first listed on "
            "line 2)");
  CHECK(
      messages(load_with("name,teachers,need,readiness\nA,30.5,nan,0.5\n")) ==
      std::vector<std::string>{
          root + "s.csv:2:3: teachers: not an integer: \"30.5\" (expected an integer in 5..300)",
          root + "s.csv:2:8: need: value nan is not a finite number (expected a number in 0..1)"});
  CHECK(only(load_with("name,teachers,need,readiness\n\"A,30,0.5,0.5\n")).problem ==
        "unbalanced double quote");
  CHECK(only(load_scenario(dir.write("y.toml", "[district]\nschools_file = \"none.csv\"\n")))
            .to_string() == root + "y.toml:2:16: district.schools_file: cannot read \"" + root +
                                "none.csv\": no such file or directory (expected a CSV file with "
                                "header name,teachers,need,readiness)");
}

TEST_CASE("a schools file that is not UTF-8 text is refused at its first bad byte, never echoed raw",
          "[loader][schools][encoding]") {
  TempDir dir;
  const std::string root = dir.path().string() + "/";
  auto load_with = [&](const std::string& csv) {
    dir.write("s.csv", csv);
    return load_scenario(dir.write("x.toml", "[district]\nschools_file = \"s.csv\"\n"));
  };
  const std::string save = " (expected UTF-8 text; save the file as UTF-8)";
  // Latin-1 (a spreadsheet's "CSV" on some systems): was accepted, and its
  // byte reached manifest.json, which was then not UTF-8.
  CHECK(only(load_with("name,teachers,need,readiness\nJos\xe9,30,0.5,0.5\n")).to_string() ==
        root + "s.csv:2:4: byte 0xE9 is not UTF-8" + save);
  // UTF-16 (with its byte-order mark, and without): was "wrong header" with
  // the raw bytes in it.
  const std::string header = "name,teachers,need,readiness\n";
  std::string utf16 = "\xFF\xFE";
  for (char c : header) utf16 += std::string{c, '\0'};
  CHECK(only(load_with(utf16)).to_string() == root + "s.csv:1:1: the file is UTF-16 text" + save);
  CHECK(only(load_with(utf16.substr(2))).to_string() ==
        root + "s.csv:1:2: a NUL byte (a binary file, or UTF-16 text without a byte-order mark)" + save);
  // Old Mac line endings: was one "wrong header" line with the carriage returns in it.
  CHECK(only(load_with("name,teachers,need,readiness\rA,30,0.5,0.5\r")).to_string() ==
        root +
            "s.csv:1:29: a line ends in a lone carriage return (old Mac line endings) (expected "
            "lines ending in LF or CR LF)");
  // Windows line endings, a UTF-8 byte-order mark and accented names are fine.
  const LoadResult fine = load_with("\xEF\xBB\xBFname,teachers,need,readiness\r\nJos\xc3\xa9,30,0.5,0.5\r\n");
  INFO(Catch::Detail::stringify(messages(fine)));
  REQUIRE(fine.ok());
  CHECK(fine.scenario->district.school_list.at(0).name == "Jos\xc3\xa9");
  // Nor through --set, where an unquoted word is taken as it stands.
  CHECK(messages(load_text("", {"scenario.description=caf\xe9"})) ==
        std::vector<std::string>{"--set: scenario.description: character 4: byte 0xE9 is not UTF-8 "
                                 "(expected UTF-8 text)"});
  // A control byte inside an otherwise valid header is shown as an escape.
  CHECK(only(load_with("name,teachers,need,ready\x1b[2Jness\nA,30,0.5,0.5\n")).to_string() ==
        root + "s.csv:1:1: wrong header \"name,teachers,need,ready\\x1B[2Jness\" (expected the header "
               "name,teachers,need,readiness)");
}

// ---------------------------------------------------------------------------
// --set overrides

TEST_CASE("overrides (--set) take TOML values and are validated like file values",
          "[loader][set]") {
  const LoadResult r =
      load_text("[strategy]\npace = 0.3\n",
                {"strategy.pace=0.8", "scenario.name=\"quoted name\"", "output.frequency=month",
                 "output.withdrawal_probe_years=[3, 6]", " district.schools = 7 ",
                 "scenario.description=bare words, kept as written", "partners[1].coaches=5"});
  INFO(Catch::Detail::stringify(messages(r)));
  REQUIRE(r.ok());
  const Scenario& s = *r.scenario;
  CHECK(s.strategy.pace == 0.8);
  CHECK(s.meta.name == "quoted name");
  CHECK(s.output.frequency == Frequency::Month);
  CHECK(s.output.withdrawal_probe_years == std::vector<int>{3, 6});
  CHECK(s.district.schools == 7);
  CHECK(s.meta.description == "bare words, kept as written");
  CHECK(s.partners[0].coaches == 5.0);  // the default partner, since none is listed
}

TEST_CASE("override (--set) problems are reported under the name --set", "[loader][set]") {
  CHECK(messages(load_text(
            "", {"strategy.pace=1.5", "strategy.pase=0.5", "pace=0.5", "nonsense",
                 "strategy.pace=abc", "scenario.years=2.5", "partners[3].fit=0.5",
                 "events[1].year=2", "scenario.base=\"x.toml\"", "partners[1].fitt=0.5"})) ==
        std::vector<std::string>{
            "--set: strategy.pace: value 1.5 is out of range (expected a number in 0..1)",
            "--set: strategy.pase: unknown key; did you mean `strategy.pace`?",
            "--set: pace: unknown key; did you mean `strategy.pace`?",
            "--set: nonsense: missing `=` (expected key=value, e.g. strategy.pace=0.8)",
            "--set: strategy.pace: cannot read \"abc\" as a TOML value (expected a number in 0..1)",
            "--set: scenario.years: wrong type: floating-point 2.5 (expected an integer in 1..50)",
            "--set: partners[3].fit: no such entry: partners has 1 entry (expected "
            "partners[1]..partners[1])",
            "--set: events[1].year: no such entry: events has 0 entries (expected an entry listed "
            "in the scenario "
            "file)",
            "--set: scenario.base: cannot be set from the command line (the base is read before "
            "the file's values) "
            "(expected `base = \"...\"` in the scenario file)",
            "--set: partners[1].fitt: unknown key; did you mean `fit`?"});
  // A --set value that makes a cross-field rule fail is located at --set.
  CHECK(only(load_text("[[events]]\nyear = 8\nkind = \"grant_end\"\n", {"scenario.years=5"}))
            .to_string() ==
        "t.toml:2:8: events[1].year: year 8 is past the horizon (expected a year in "
        "1..scenario.years = 1..5)");
  CHECK(only(load_text("", {"output.withdrawal_probe_years=[30]"})).file == "--set");
}

TEST_CASE("override (--set) values cannot smuggle extra keys", "[loader][set]") {
  CHECK_FALSE(load_text("", {"strategy.pace=0.5\nstrategy.bundling=0.9"}).ok());
  CHECK_FALSE(load_text("", {"strategy.pace=0.5, x = 1"}).ok());
}

// ---------------------------------------------------------------------------
// Formatting, determinism, check_scenario on its own

TEST_CASE("Diagnostic::to_string formats every part", "[loader]") {
  CHECK(Diagnostic{"f.toml", 3, 7, "strategy.pace", "value 1.4 is out of range", "a number in 0..1"}
            .to_string() ==
        "f.toml:3:7: strategy.pace: value 1.4 is out of range (expected a number in 0..1)");
  CHECK(Diagnostic{"f.toml", 0, 0, "", "cannot read file", ""}.to_string() ==
        "f.toml: cannot read file");
}

TEST_CASE("loading is deterministic", "[loader]") {
  const std::string text =
      "[district]\nschoolz = 1\nreadiness = 3\n[model]\nfoo = 1\n[strategy]\npace = nan\n";
  const LoadResult a = load_text(text), b = load_text(text);
  CHECK(messages(a) == messages(b));
  CHECK(messages(a).size() == 4);
  const LoadResult c = load_text("[strategy]\npace = 0.7\n"),
                   d = load_text("[strategy]\npace = 0.7\n");
  REQUIRE(c.ok());
  REQUIRE(d.ok());
  CHECK(resolved(*c.scenario) == resolved(*d.scenario));
}

TEST_CASE("check_scenario validates scenarios built in code", "[loader]") {
  Scenario s;
  s.partners.push_back(default_partner());
  s.strategy.pace = 1.5;
  s.meta.years = 8;  // the default probe year 10 is now past the horizon
  Event e;
  e.year = 9;
  e.kind = EventKind::PartnerExit;
  e.partner = "nobody";
  s.events.push_back(e);
  std::vector<std::string> out;
  for (const auto& d : check_scenario(s, "sweep")) out.push_back(d.to_string());
  CHECK(out == std::vector<std::string>{
                   "sweep: strategy.pace: value 1.5 is out of range (expected a number in 0..1)",
                   "sweep: events[1].year: year 9 is past the horizon (expected a year in "
                   "1..scenario.years = 1..8)",
                   "sweep: events[1].partner: no partner named \"nobody\" (expected one of "
                   "\"default coaching "
                   "provider\", or no `partner` for all)",
                   "sweep: output.withdrawal_probe_years[2]: probe year 10 is past the horizon "
                   "(expected a year in "
                   "1..scenario.years = 1..8; the probe itself may run past it)"});
}

TEST_CASE("a base chain longer than the limit is refused", "[loader][base]") {
  TempDir dir;
  // Names built with += : GCC 12 warns falsely (-Wrestrict) on "f" + to_string(i).
  auto file = [](int i) {
    std::string name = "f";
    name += std::to_string(i);
    name += ".toml";
    return name;
  };
  for (int i = 0; i < 40; ++i) dir.write(file(i), "[scenario]\nbase = \"" + file(i + 1) + "\"\n");
  dir.write("f40.toml", "[strategy]\npace = 0.9\n");
  const LoadResult r = load_scenario(dir.path() / "f0.toml");
  CHECK(contains(only(r).problem, "chain of base files longer than 32"));
  // A chain within the limit is fine.
  const LoadResult near = load_scenario(dir.path() / "f20.toml");
  REQUIRE(near.ok());
  CHECK(near.scenario->strategy.pace == 0.9);
}

TEST_CASE("[model] keys are checked like any other", "[loader][errors]") {
  const std::string key = scenario_params().back().key;  // whatever the last model key is
  REQUIRE(key.rfind("model.", 0) == 0);
  std::string typo = key.substr(6);
  std::swap(typo[1], typo[2]);
  CHECK(only(load_text("[model]\n" + typo + " = 1\n")).to_string() ==
        "t.toml:2:1: model." + typo + ": unknown key; did you mean `" + key.substr(6) + "`?");
  CHECK(only(load_text("[model]\nzzzzzzzzzzzzzzzzz = 1\n")).to_string() ==
        "t.toml:2:1: model.zzzzzzzzzzzzzzzzz: unknown key (expected a key of [model]; `districtsim "
        "params` lists them)");
}
