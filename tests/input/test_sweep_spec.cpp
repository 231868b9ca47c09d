// Unit tests of sweep files (sim/input/sweep_spec.cpp): the forms of a parameter,
// defaults taken from the base scenario, --set, canonical text, warnings, the
// shipped examples, and the corpus of invalid sweeps: each
// tests/sweeps/invalid/NAME.toml must give exactly NAME.expected (paths
// relative to that folder; base scenarios live in its parts/ folder).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support.hpp"
#include "input/sweep_spec.hpp"

namespace fs = std::filesystem;
using namespace ds;

namespace {

const fs::path kSource = fs::path(DISTRICTSIM_SOURCE_DIR);
const fs::path kCorpus = kSource / "tests" / "sweeps" / "invalid";

std::vector<std::string> messages(const std::vector<Diagnostic>& diags) {
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(d.to_string());
  return out;
}

// For INFO: every diagnostic on its own line.
std::string joined(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) out += d.to_string() + "\n";
  return out;
}

// A folder with a small base scenario, for sweeps written in the tests.
struct SweepDir {
  test::TempDir dir;
  SweepDir() {
    test::write_file(dir / "base.toml",
                     "[scenario]\nname = \"base\"\nyears = 6\nreplications = 3\nseed = 11\n"
                     "[district]\nschools = 8\nteachers_per_school = 10\n"
                     "[[partners]]\nname = \"coaches\"\n"
                     "[[events]]\nyear = 3\nkind = \"budget_cut\"\nmagnitude = 0.2\n");
  }
  SweepLoadResult load(const std::string& text, const std::vector<std::string>& overrides = {}) {
    test::write_file(dir / "s.toml", text);
    return load_sweep(dir / "s.toml", overrides);
  }
};

}  // namespace

TEST_CASE("invalid sweeps produce exactly their expected diagnostics", "[sweep][corpus]") {
  test::check_corpus(kCorpus, 26, [](const fs::path& f) { return load_sweep(f); });
}

TEST_CASE("a sweep file with every form of parameter", "[sweep]") {
  SweepDir d;
  const SweepLoadResult r = d.load(
      "[sweep]\n"
      "scenario = \"base.toml\"\n"
      "design = \"random\"\n"
      "samples = 50\n"
      "replications = 4\n"
      "seed = 99\n"
      "[sweep.parameters]\n"
      "\"strategy.pace\" = { min = 0.1, max = 0.9 }\n"
      "\"district.schools\" = [4, 8, 12]\n"
      "\"strategy.bundling\" = { values = [0.2, 0.8], weights = [3, 1] }\n"
      "\"partners[1].renewal\" = [true, false]\n"
      "\"partners[1].kind\" = [\"coaching\", \"platform\"]\n"
      "\"events[1].year\" = { min = 2, max = 6 }\n"
      "\"strategy.adaptivity\" = { min = 0.0, max = 1.0, weights = [67, 19, 14] }\n");
  INFO(joined(r.diagnostics));
  REQUIRE(r.ok());
  const SweepSpec& s = *r.spec;
  CHECK(s.design.kind == DesignKind::Random);
  CHECK(s.design.samples == 50);
  CHECK(s.design.seed == 99);
  CHECK(s.replications == 4);
  CHECK(s.base.meta.replications == 4);
  CHECK(s.base.meta.seed == 99);
  CHECK(s.base.meta.years == 6);
  REQUIRE(s.params.size() == 7);
  // File order, not toml++'s key order.
  CHECK(s.params[0].key == "strategy.pace");
  CHECK(s.params[5].key == "events[1].year");
  CHECK(s.params[0].kind == DomainKind::Range);
  CHECK(s.params[0].min == 0.1);
  CHECK(s.params[0].max == 0.9);
  CHECK(s.params[0].line == 8);
  CHECK(s.params[1].kind == DomainKind::Values);
  CHECK(s.params[1].type == ParamType::Int);
  CHECK(s.params[1].values == std::vector<double>{4, 8, 12});
  CHECK(s.params[2].kind == DomainKind::Weighted);
  CHECK(s.params[2].weights == std::vector<double>{3, 1});
  CHECK(s.params[3].values == std::vector<double>{1, 0});
  CHECK(s.params[4].values == std::vector<double>{0, 1});  // indices into the choices
  CHECK(s.params[4].choices == partner_kind_names());
  CHECK(s.params[5].type == ParamType::Int);
  CHECK(s.params[6].kind == DomainKind::Range);
  CHECK(s.params[6].weights == std::vector<double>{67, 19, 14});
  CHECK(design_points(s) == 50);
  CHECK(sweep_runs(s) == 200);

  // The resolved fields are the scenario's.
  Scenario sc = s.base;
  set_param(s.params[3], 0, sc);
  set_param(s.params[4], 1, sc);
  set_param(s.params[5], 5, sc);
  set_param(s.params[1], 12, sc);
  set_param(s.params[0], 0.25, sc);
  CHECK_FALSE(sc.partners[0].renewal);
  CHECK(sc.partners[0].kind == PartnerKind::Platform);
  CHECK(sc.events[0].year == 5);
  CHECK(sc.district.schools == 12);
  CHECK(sc.strategy.pace == 0.25);
  CHECK(s.base.strategy.pace == 0.5);  // the base is untouched
}

TEST_CASE("sweep defaults come from the base scenario", "[sweep]") {
  SweepDir d;
  const SweepLoadResult r = d.load(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"morris\"\ntrajectories = 5\n"
      "[sweep.parameters]\n\"strategy.pace\" = { min = 0.0, max = 1.0 }\n"
      "\"strategy.bundling\" = { min = 0.0, max = 1.0 }\n");
  REQUIRE(r.ok());
  CHECK(r.spec->replications == 3);
  CHECK(r.spec->design.seed == 11);
  CHECK(r.spec->design.levels == 4);
  CHECK(design_points(*r.spec) == 5 * 3);
  CHECK(r.warnings.empty());
}

TEST_CASE("unquoted dotted keys are read as the same parameters", "[sweep]") {
  SweepDir d;
  const SweepLoadResult r = d.load(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"factorial\"\n"
      "[sweep.parameters]\n"
      "strategy.pace = [0.2, 0.8]\n"
      "district = { readiness = [0.3, 0.6] }\n"
      "[sweep.parameters.model]\n"
      "routine_skill = [0.5, 0.7]\n");
  INFO(joined(r.diagnostics));
  REQUIRE(r.ok());
  REQUIRE(r.spec->params.size() == 3);
  CHECK(r.spec->params[0].key == "strategy.pace");
  CHECK(r.spec->params[1].key == "district.readiness");
  CHECK(r.spec->params[2].key == "model.routine_skill");
  CHECK(design_points(*r.spec) == 8);
}

TEST_CASE("command-line overrides reach the sweep table and the base scenario", "[sweep]") {
  SweepDir d;
  const std::string text =
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"lhs\"\nsamples = 64\nreplications = 5\n"
      "[sweep.parameters]\n\"strategy.pace\" = { min = 0.0, max = 1.0 }\n";
  SECTION("valid overrides") {
    const SweepLoadResult r =
        d.load(text, {"sweep.samples=8", "sweep.replications = 2", "district.schools=5"});
    INFO(joined(r.diagnostics));
    REQUIRE(r.ok());
    CHECK(r.spec->design.samples == 8);
    CHECK(r.spec->replications == 2);
    CHECK(r.spec->base.district.schools == 5);
  }
  SECTION("a design can be switched and is checked like the file's") {
    const SweepLoadResult r = d.load(text, {"sweep.design=factorial"});
    CHECK(messages(r.diagnostics) ==
          std::vector<std::string>{
              (d.dir / "s.toml").string() +
                  ":4:11: sweep.samples: does not apply to the factorial design (expected samples "
                  "only for the lhs, sobol and random designs)",
              (d.dir / "s.toml").string() +
                  ":7:19: strategy.pace: the factorial design needs a list of values, not a range "
                  "(expected a list such as [0.2, 0.5, 0.8])"});
  }
  SECTION("bad overrides are reported as --set") {
    const SweepLoadResult r =
        d.load(text, {"sweep.samples=0", "sweep.sampels=3", "sweep.parameters.x=1", "sweep.seed",
                      "sweep.scenario=other.toml", "district.schools=0"});
    CHECK(messages(r.diagnostics) ==
          std::vector<std::string>{
              "--set: sweep.sampels: unknown key; did you mean `sweep.samples`?",
              "--set: sweep.parameters.x: parameters cannot be set from the command line "
              "(expected [sweep.parameters] in the sweep file)",
              "--set: sweep.seed: missing `=` (expected key=value, e.g. sweep.samples=64)",
              "--set: sweep.scenario: cannot be set from the command line (expected `scenario` in "
              "the sweep file; other --set keys (district.schools=10) change the base scenario)",
              "--set: sweep.samples: value 0 is out of range (expected an integer in 1..1000000)",
              "--set: district.schools: value 0 is out of range (expected an integer in 1..2000)"});
  }
  SECTION("override values go through the same prescan as files") {
    // 70 nested arrays, and a non-ASCII character right after a bare value
    // (U+00A7: toml++ 3.3 classifies it with undefined behaviour).
    const std::string deep = std::string(70, '[') + "1" + std::string(70, ']');
    const SweepLoadResult r = d.load(text, {"sweep.samples=" + deep, "sweep.seed=7\xC2\xA7"});
    CHECK(messages(r.diagnostics) ==
          std::vector<std::string>{"--set: sweep.samples: value nested deeper than 64 levels",
                                   "--set: sweep.seed: cannot read \"7\xC2\xA7\" as a TOML value"});
  }
  SECTION("override values are one line of at most 64 KiB, as the scenario's are") {
    // One parser serves both loaders (loader::parse_set_value).
    std::string long_value(70002, 'x');  // (not "\"" + ...: GCC 12 -Wrestrict false positive)
    long_value.front() = long_value.back() = '"';
    const SweepLoadResult r = d.load(text, {"sweep.seed=7\n8", "sweep.design=" + long_value});
    CHECK(messages(r.diagnostics) ==
          std::vector<std::string>{"--set: sweep.seed: value must be one line of at most 64 KiB",
                                   "--set: sweep.design: value must be one line of at most 64 KiB"});
    // A design taken unquoted is checked as UTF-8 text.
    const SweepLoadResult bad = d.load(text, {"sweep.design=lh\xe9"});
    CHECK(messages(bad.diagnostics) ==
          std::vector<std::string>{"--set: sweep.design: character 3: byte 0xE9 is not UTF-8 (expected UTF-8 text)"});
  }
}

TEST_CASE("sweep text over 1 MiB is refused before parsing", "[sweep][limits]") {
  std::string text = "[sweep]\n# ";
  text.append(std::size_t{1} << 20, 'x');
  const SweepLoadResult r = load_sweep_text(text, "big.toml", ".");
  CHECK(messages(r.diagnostics) ==
        std::vector<std::string>{"big.toml: text is 1048586 bytes, over the limit of 1048576 "
                                 "bytes (1 MiB); refused before parsing"});
}

TEST_CASE("sweep warnings do not block the sweep", "[sweep]") {
  SweepDir d;
  const SweepLoadResult sobol = d.load(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"sobol\"\nsamples = 100\n"
      "[sweep.parameters]\n\"strategy.pace\" = { min = 0.0, max = 1.0 }\n");
  REQUIRE(sobol.ok());
  CHECK(design_points(*sobol.spec) == 300);
  REQUIRE(sobol.warnings.size() == 1);
  CHECK(sobol.warnings[0].key == "sweep.samples");
  CHECK(sobol.warnings[0].expected == "e.g. 128");
  const SweepLoadResult morris = d.load(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"morris\"\ntrajectories = 4\nlevels = 5\n"
      "[sweep.parameters]\n\"strategy.pace\" = { min = 0.0, max = 1.0 }\n");
  REQUIRE(morris.ok());
  REQUIRE(morris.warnings.size() == 1);
  CHECK(morris.warnings[0].key == "sweep.levels");
  CHECK(morris.warnings[0].line == 5);
  const SweepLoadResult coarse = d.load(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"morris\"\ntrajectories = 4\nlevels = 6\n"
      "[sweep.parameters]\n\"district.grant_years\" = { min = 0, max = 3 }\n");
  REQUIRE(coarse.ok());
  REQUIRE(coarse.warnings.size() == 1);
  CHECK(coarse.warnings[0].to_string() ==
        (d.dir / "s.toml").string() +
            ":7:1: district.grant_years: a range of 4 integers on a grid of 6 levels: some steps "
            "leave the value unchanged (an effect of 0) (expected at most as many levels as "
            "integers in the range)");
}

TEST_CASE("canonical text reads back as the same sweep", "[sweep]") {
  SweepDir d;
  const SweepLoadResult r = d.load(
      "# comments and key order do not matter\n"
      "[sweep]\nseed = 5\ndesign = \"lhs\"\nscenario = \"base.toml\"\nsamples = 20\n"
      "[sweep.parameters]\n"
      "\"strategy.pace\" = { max = 0.9, min = 0.1 }\n"
      "district.schools = [4, 8]\n"
      "\"strategy.bundling\" = { weights = [0.5, 1.5], values = [0.25, 0.75] }\n"
      "\"partners[1].kind\" = [\"platform\", \"coaching\"]\n"
      "\"strategy.failure_sharing\" = { min = 0, max = 1, weights = [2, 1] }\n");
  INFO(joined(r.diagnostics));
  REQUIRE(r.ok());
  const std::string canon = canonical_text(*r.spec);
  CHECK(canon ==
        "[sweep]\n"
        "scenario = \"base.toml\"\n"
        "design = \"lhs\"\n"
        "replications = 3\n"
        "seed = 5\n"
        "samples = 20\n"
        "\n"
        "[sweep.parameters]\n"
        "\"strategy.pace\" = { min = 0.1, max = 0.9 }\n"
        "\"district.schools\" = [4, 8]\n"
        "\"strategy.bundling\" = { values = [0.25, 0.75], weights = [0.5, 1.5] }\n"
        "\"partners[1].kind\" = [\"platform\", \"coaching\"]\n"
        "\"strategy.failure_sharing\" = { min = 0.0, max = 1.0, weights = [2.0, 1.0] }\n");
  const SweepLoadResult again = d.load(canon);
  REQUIRE(again.ok());
  CHECK(canonical_text(*again.spec) == canon);
}

TEST_CASE("value_text writes values as TOML", "[sweep]") {
  SweepParam real;
  real.type = ParamType::Real;
  CHECK(value_text(real, 0.1) == "0.1");
  CHECK(value_text(real, 1) == "1.0");
  CHECK(value_text(real, 1.0 / 3) == "0.3333333333333333");
  SweepParam integer;
  integer.type = ParamType::Int;
  CHECK(value_text(integer, 12) == "12");
  SweepParam flag;
  flag.type = ParamType::Bool;
  CHECK(value_text(flag, 0) == "false");
  SweepParam choice;
  choice.type = ParamType::Choice;
  choice.choices = {"year", "month"};
  CHECK(value_text(choice, 1) == "\"month\"");
  CHECK(value_plain(choice, 1) == "month");
  CHECK(value_plain(real, 0.25) == "0.25");
}

TEST_CASE("every shipped sweep validates and opens with a comment", "[sweep]") {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kSource / "scenarios" / "sweeps"))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 2);
  for (const auto& f : files) {
    INFO(f.string());
    const SweepLoadResult r = load_sweep(f);
    INFO(joined(r.diagnostics) + joined(r.warnings));
    CHECK(r.ok());
    CHECK(r.warnings.empty());
    std::ifstream in(f);
    std::string first;
    std::getline(in, first);
    CHECK(first.rfind("# ", 0) == 0);
  }
}

// The designs' table (sim/model/designs.hpp) against what the reader does
// with each design: its name reads as its kind, its size key sets the
// points, and it takes exactly the parameter forms its row declares.
TEST_CASE("every row of kDesigns reads as its kind, with its size key and forms", "[sweep][designs]") {
  SweepDir d;
  std::vector<std::string> names;
  for (const DesignInfo& row : kDesigns) {
    INFO(row.name);
    names.emplace_back(row.name);
    const SweepLoadResult r = d.load(test::sweep_text_for(row));
    INFO(joined(r.diagnostics));
    REQUIRE(r.ok());
    CHECK(r.spec->design.kind == row.kind);
    CHECK(std::string(to_string(r.spec->design.kind)) == row.name);
    // Two dials: 4 x the group size, or the 3 x 3 combinations of the lists.
    CHECK(design_points(*r.spec) == (row.size_key ? 4 * row.group.of(2) : 9));
    const std::string canonical = canonical_text(*r.spec);
    CHECK(test::contains(canonical, std::string("design = \"") + row.name + "\"\n"));
    if (row.size_key) CHECK(test::contains(canonical, std::string(row.size_key) + " = 4\n"));
    CHECK(test::contains(canonical, "\nlevels = ") == row.takes_levels);

    // One parameter in each form; the design takes it exactly when its row says so.
    const auto takes = [&](const std::string& value, std::size_t size = 4) {
      std::string text = std::string("[sweep]\nscenario = \"base.toml\"\ndesign = \"") + row.name +
                         "\"\n";
      if (row.size_key) text += std::string(row.size_key) + " = " + std::to_string(size) + "\n";
      return d.load(text + "[sweep.parameters]\n\"strategy.pace\" = " + value + "\n").ok();
    };
    CHECK(takes("{ min = 0.0, max = 1.0 }") == row.takes_ranges);
    CHECK(takes("[0.2, 0.8]") == row.takes_lists);
    CHECK(takes("{ values = [0.2, 0.8], weights = [3, 1] }") ==
          (row.takes_lists && row.takes_weights));
    CHECK(takes("{ min = 0.0, max = 1.0, weights = [1, 2] }") ==
          (row.takes_ranges && row.takes_weights));
    const char* form = row.takes_ranges ? "{ min = 0.0, max = 1.0 }" : "[0.2, 0.8]";
    if (row.size_key) {
      CHECK(takes(form, row.min_size));
      if (row.min_size > 1) CHECK_FALSE(takes(form, row.min_size - 1));
    }
    // levels = 6 applies only to a design with a grid.
    const std::string with_levels = test::sweep_text_for(row);
    const std::size_t at = with_levels.find("[sweep.parameters]");
    CHECK(d.load(with_levels.substr(0, at) + "levels = 6\n" + with_levels.substr(at)).ok() ==
          row.takes_levels);
  }
  // An unknown design lists the table's names, in its order.
  const SweepLoadResult bad = d.load(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"halton\"\n"
      "[sweep.parameters]\n\"strategy.pace\" = [0.2, 0.8]\n");
  REQUIRE(bad.diagnostics.size() == 1);
  std::string listed;
  for (const auto& n : names) listed += (listed.empty() ? "" : ", ") + n;
  CHECK(bad.diagnostics[0].expected == "one of: " + listed);
}
