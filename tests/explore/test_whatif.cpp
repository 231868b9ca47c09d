// explore/whatif.cpp: requests, what-ifs against a baseline with common random
// numbers, and the saved scenario that reproduces them.
#include <catch2/catch.hpp>

#include "engine/schedule.hpp"
#include "explore/whatif.hpp"
#include "input/scenario_loader.hpp"
#include "runs/ensemble.hpp"
#include "stats/quantiles.hpp"
#include "support.hpp"

using nlohmann::json;
namespace ex = ds::explore;

namespace {

// A small district: fast enough to run many times.
const char* kSmall = R"([scenario]
name = "small"
years = 6
replications = 6
seed = 7

[district]
schools = 6
teachers_per_school = 12
budget_per_teacher = 1200

[strategy]
pace = 0.5

[[partners]]
name = "coaching partner"
coaches = 4
quality = 0.7
cost_per_coach_year = 150000
knowledge_transfer = 0.3
)";

// The baseline file at `path`, read as the explorer reads it.
ex::Baseline baseline(const std::filesystem::path& path) {
  std::vector<std::string> errors;
  std::optional<ex::Baseline> b = ex::read_baseline(path, errors);
  INFO((errors.empty() ? "" : errors.front()));
  REQUIRE(b);
  return *b;
}

json without_timing(json b) {
  b.erase("seconds");
  b.erase("baseline_cached");
  return b;
}

}  // namespace

TEST_CASE("explore request: set, replications and years become --set overrides", "[explore]") {
  const ex::Request r = ex::parse_request(json::parse(
      R"({"set": {"strategy.pace": 0.8, "partners[1].quality": 0.6, "output.frequency": "year", "district.grant_years": 3},
          "replications": 40, "years": 12, "client": "abc"})"));
  CHECK(r.problems.empty());
  CHECK(r.overrides.size() == 6);
  CHECK(r.client == "abc");
  // replications and years come last, so they win over the set's.
  CHECK(r.overrides[4] == "scenario.replications=40");
  CHECK(r.overrides[5] == "scenario.years=12");
  CHECK(std::find(r.overrides.begin(), r.overrides.end(), "strategy.pace=0.8") != r.overrides.end());
  CHECK(std::find(r.overrides.begin(), r.overrides.end(), "partners[1].quality=0.6") != r.overrides.end());
  CHECK(std::find(r.overrides.begin(), r.overrides.end(), "output.frequency=year") != r.overrides.end());
  CHECK(std::find(r.overrides.begin(), r.overrides.end(), "scenario.replications=40") != r.overrides.end());
  CHECK(std::find(r.overrides.begin(), r.overrides.end(), "scenario.years=12") != r.overrides.end());
  CHECK(std::find(r.overrides.begin(), r.overrides.end(), "district.grant_years=3") != r.overrides.end());
}

TEST_CASE("explore request: malformed members are refused, each named", "[explore]") {
  CHECK_FALSE(ex::parse_request(json::array()).problems.empty());
  const ex::Request r = ex::parse_request(json::parse(
      R"({"set": {"strategy.pace": [1], "strategy.bundling": null}, "replications": 1, "years": "ten", "colour": 1})"));
  REQUIRE(r.problems.size() == 5);
  const auto has = [&](const std::string& start) {
    return std::any_of(r.problems.begin(), r.problems.end(),
                       [&](const std::string& p) { return p.rfind(start, 0) == 0; });
  };
  CHECK(has("strategy.pace: not a number"));
  CHECK(has("strategy.bundling: not a number"));
  CHECK(has("replications: 1 is out of range"));
  CHECK(has("years: not a whole number"));
  CHECK(has("colour: unknown member"));
  CHECK(ex::parse_request(json{{"seq", 7}, {"client", "p"}}).seq == 7);
  CHECK(ex::parse_request(json{{"seq", -1}}).problems.size() == 1);
  json many = json::object();
  for (std::size_t i = 0; i <= ex::kMaxOverrides; ++i) many["strategy.pace" + std::to_string(i)] = 0.5;
  CHECK(ex::parse_request(json{{"set", many}}).problems.size() == 1);
}

TEST_CASE("explore what-if: a bad value gets the validator's own message", "[explore]") {
  ds::test::TempDir dir;
  ds::test::write_file(dir / "small.toml", kSmall);
  const ex::Outcome out = ex::run_whatif(baseline(dir / "small.toml"), {"strategy.pace=1.8", "district.schools=0"}, 1);
  REQUIRE(out.status == ex::Outcome::Status::invalid);
  const ds::LoadResult cli =
      ds::load_scenario_text(kSmall, (dir / "small.toml").string(), dir.path(), {"strategy.pace=1.8", "district.schools=0"});
  REQUIRE(cli.diagnostics.size() == 2);
  REQUIRE(out.body["errors"].size() == 2);
  for (std::size_t i = 0; i < 2; ++i) CHECK(out.body["errors"][i] == ex::message(cli.diagnostics[i]));
  CHECK(out.body["errors"][0].get<std::string>().find("(expected ") != std::string::npos);
  // More replications than a page runs, through `set` too.
  const ex::Outcome many = ex::run_whatif(baseline(dir / "small.toml"), {"scenario.replications=5000"}, 1);
  REQUIRE(many.status == ex::Outcome::Status::invalid);
  CHECK(many.body["errors"][0].get<std::string>().rfind("scenario.replications: 5000 is not what a page runs", 0) == 0);
  // More work than a page runs.
  const ex::Outcome big =
      ex::run_whatif(baseline(dir / "small.toml"), {"district.schools=2000", "district.teachers_per_school=300", "scenario.replications=100"}, 1);
  REQUIRE(big.status == ex::Outcome::Status::invalid);
  CHECK(big.body["errors"][0].get<std::string>().find("million teacher-years") != std::string::npos);
  // An unknown key, as --set says it.
  const ex::Outcome unknown = ex::run_whatif(baseline(dir / "small.toml"), {"strategy.pase=0.5"}, 1);
  REQUIRE(unknown.status == ex::Outcome::Status::invalid);
  CHECK(unknown.body["errors"][0].get<std::string>().find("did you mean `strategy.pace`") != std::string::npos);
}

TEST_CASE("explore what-if: common random numbers, the same result on any thread count", "[explore]") {
  ds::test::TempDir dir;
  ds::test::write_file(dir / "small.toml", kSmall);
  // Nothing changed: every paired difference is exactly 0.
  const ex::Outcome same = ex::run_whatif(baseline(dir / "small.toml"), {}, 2);
  REQUIRE(same.status == ex::Outcome::Status::ok);
  for (const auto& [name, m] : same.body["metrics"].items()) {
    INFO(name);
    for (std::size_t y = 1; y < m["difference"]["mean"].size(); ++y) {
      if (m["difference"]["mean"][y].is_null()) continue;
      CHECK(m["difference"]["mean"][y].get<double>() == 0.0);
      CHECK(m["difference"]["low"][y].get<double>() == 0.0);
    }
    CHECK(m["baseline"] == m["whatif"]);
  }
  CHECK(same.body["bottom_line"].get<std::string>().rfind("The what-if is the baseline", 0) == 0);
  // A change, on 1 and on 2 threads, with and without the baseline cached.
  ex::BaselineCache cache;
  const std::vector<std::string> pace{"strategy.pace=0.9"};
  const ex::Outcome one = ex::run_whatif(baseline(dir / "small.toml"), pace, 1, nullptr, &cache);
  const ex::Outcome two = ex::run_whatif(baseline(dir / "small.toml"), pace, 2, nullptr, &cache);
  REQUIRE(one.status == ex::Outcome::Status::ok);
  CHECK_FALSE(one.body["baseline_cached"].get<bool>());
  CHECK(two.body["baseline_cached"].get<bool>());
  CHECK(without_timing(one.body) == without_timing(two.body));
  CHECK(one.body["metrics"]["capacity_index"]["baseline"] == same.body["metrics"]["capacity_index"]["baseline"]);
  CHECK(one.body["metrics"]["capacity_index"]["whatif"] != one.body["metrics"]["capacity_index"]["baseline"]);
  CHECK(one.body["bottom_line"].get<std::string>().rfind("By year 6, against the baseline: capacity ", 0) == 0);
}

TEST_CASE("explore what-if: cancelled before it starts, it runs nothing", "[explore]") {
  ds::test::TempDir dir;
  ds::test::write_file(dir / "small.toml", kSmall);
  std::atomic<bool> cancel{true};
  const ex::Outcome out = ex::run_whatif(baseline(dir / "small.toml"), {"strategy.pace=0.2"}, 1, &cancel);
  CHECK(out.status == ex::Outcome::Status::cancelled);
}

TEST_CASE("explore save: the saved scenario reproduces the what-if's numbers", "[explore]") {
  ds::test::TempDir dir;
  ds::test::write_file(dir / "small.toml", kSmall);
  const std::vector<std::string> set{"strategy.pace=0.85", "strategy.external_sourcing=0.2",
                                     "partners[1].quality=0.9", "district.readiness=0.65", "scenario.replications=8"};
  const ex::Outcome saved = ex::save_whatif(baseline(dir / "small.toml"), set);
  REQUIRE(saved.status == ex::Outcome::Status::ok);
  const std::string toml = saved.body["toml"];
  CHECK(toml.rfind("# A what-if saved by districtsim explore", 0) == 0);
  CHECK(toml.find("strategy.pace=0.85") != std::string::npos);  // listed in the header
  // Written elsewhere, it loads as it is and runs to the page's numbers.
  ds::test::TempDir other;
  ds::test::write_file(other / "whatif.toml", toml);
  const ds::LoadResult loaded = ds::load_scenario(other / "whatif.toml");
  REQUIRE(loaded.ok());
  const ds::Scenario& s = *loaded.scenario;
  CHECK(s.meta.replications == 8);
  CHECK(s.strategy.pace == 0.85);
  CHECK(s.partners.at(0).quality == 0.9);
  const ex::Outcome shown = ex::run_whatif(baseline(dir / "small.toml"), set, 2);
  REQUIRE(shown.status == ex::Outcome::Status::ok);
  std::vector<std::vector<double>> capacity(static_cast<std::size_t>(s.meta.years) + 1), active = capacity;
  for (const ds::RunPlan& p : ds::plan_replications(8, s.meta.seed)) {
    const ds::RunResult r = ds::run_one(s, p.seed);
    for (int y = 0; y <= s.meta.years; ++y) {
      capacity[static_cast<std::size_t>(y)].push_back(r.metrics.at(r.metrics.year_end_row(y), ds::Metric::capacity_index));
      active[static_cast<std::size_t>(y)].push_back(r.metrics.at(r.metrics.year_end_row(y), ds::Metric::initiative_active));
    }
  }
  for (int y = 0; y <= s.meta.years; ++y) {
    std::vector<double> xs;
    for (std::size_t r = 0; r < 8; ++r)
      if (active[static_cast<std::size_t>(y)][r] > 0.5) xs.push_back(capacity[static_cast<std::size_t>(y)][r]);
    std::sort(xs.begin(), xs.end());
    const json& median = shown.body["metrics"]["capacity_index"]["whatif"]["median"][static_cast<std::size_t>(y)];
    if (xs.empty()) CHECK(median.is_null());
    else CHECK(median.get<double>() == ds::quantile_type7(xs, 0.5));
  }
}

TEST_CASE("explore save: an invalid what-if is not saved", "[explore]") {
  ds::test::TempDir dir;
  ds::test::write_file(dir / "small.toml", kSmall);
  const ex::Outcome out = ex::save_whatif(baseline(dir / "small.toml"), {"district.readiness=2"});
  REQUIRE(out.status == ex::Outcome::Status::invalid);
  CHECK(out.body["errors"][0].get<std::string>().rfind("district.readiness: ", 0) == 0);
}

TEST_CASE("explore baseline: the district, partners and dials with both poles' words", "[explore]") {
  const json b = ex::describe_baseline(baseline(std::string(DISTRICTSIM_SOURCE_DIR) + "/scenarios/reference.toml"));
  CHECK(b["district"]["schools"] == 100);
  REQUIRE(b["dials"].size() == 7);
  CHECK(b["dials"][1]["low"] == "slow and steady");
  CHECK(b["dials"][1]["high"] == "fast and furious");
  CHECK(b["strategy"].size() == 7);
  CHECK_FALSE(b["partners"].empty());
  // The validator's ranges, for the page's controls.
  CHECK(b["ranges"]["strategy.pace"] == json{{"min", 0.0}, {"max", 1.0}});
  CHECK(b["ranges"]["scenario.years"]["max"] == 50.0);
  CHECK(b["ranges"]["partners[].quality"]["max"] == 1.0);
  std::vector<std::string> none;
  CHECK_FALSE(ex::read_baseline("/nonexistent/x.toml", none));
  CHECK_FALSE(none.empty());
}

TEST_CASE("explore baseline: read once, an edit of the file while exploring changes nothing shown", "[explore]") {
  ds::test::TempDir dir;
  ds::test::write_file(dir / "small.toml", kSmall);
  const ex::Baseline b = baseline(dir / "small.toml");
  ex::BaselineCache cache;
  const ex::Outcome before = ex::run_whatif(b, {"strategy.pace=0.9"}, 1, nullptr, &cache);
  std::string edited = kSmall;
  edited.replace(edited.find("pace = 0.5"), 10, "pace = 0.1");
  ds::test::write_file(dir / "small.toml", edited);
  const ex::Outcome after = ex::run_whatif(b, {"strategy.pace=0.9"}, 1);  // not cached
  CHECK(without_timing(before.body) == without_timing(after.body));
}

TEST_CASE("explore save: a baseline without partners of its own, a base chain, text values", "[explore]") {
  ds::test::TempDir dir;
  // No [[partners]]: the default partner, as the reference district has.
  ds::test::write_file(dir / "base.toml",
                       "[scenario]\nname = \"base\"\nyears = 5\nreplications = 3\n[district]\nschools = 4\n"
                       "teachers_per_school = 10\n[[events]]\nyear = 3\nkind = \"superintendent_change\"\n");
  std::filesystem::create_directories(dir / "sub");
  ds::test::write_file(dir / "sub" / "child.toml",
                       "[scenario]\nbase = \"../base.toml\"\nname = \"child\"\n[strategy]\nbundling = 0.8\n");
  for (const char* file : {"base.toml", "sub/child.toml"}) {
    INFO(file);
    const ex::Baseline b = baseline(dir / file);
    const std::vector<std::string> set{"partners[1].quality=0.6", "partners[1].cost_per_coach_year=120000",
                                       "events[1].year=4", "scenario.description=2024", "strategy.pace=0.7"};
    const ex::Outcome saved = ex::save_whatif(b, set);
    INFO(saved.body.dump());
    REQUIRE(saved.status == ex::Outcome::Status::ok);
    ds::test::TempDir other;
    ds::test::write_file(other / "w.toml", saved.body["toml"]);
    const ds::LoadResult back = ds::load_scenario(other / "w.toml");
    REQUIRE(back.ok());
    CHECK(back.scenario->partners.size() == 1);
    CHECK(back.scenario->partners[0].quality == 0.6);
    CHECK(back.scenario->partners[0].cost_per_coach_year == 120000);
    CHECK(back.scenario->partners[0].name == "default coaching provider");
    REQUIRE(back.scenario->events.size() == 1);
    CHECK(back.scenario->events[0].year == 4);
    CHECK(back.scenario->meta.description == "2024");
    CHECK(back.scenario->strategy.bundling == (std::string(file) == "base.toml" ? 0.5 : 0.8));
    // And it runs as the what-if does.
    const ds::LoadResult what = ds::load_scenario(dir / file, set);
    REQUIRE(what.ok());
    const ds::RunResult x = ds::run_one(*what.scenario, 11), y = ds::run_one(*back.scenario, 11);
    for (int yr = 0; yr <= 5; ++yr)
      CHECK(x.metrics.at(x.metrics.year_end_row(yr), ds::Metric::capacity_index) ==
            y.metrics.at(y.metrics.year_end_row(yr), ds::Metric::capacity_index));
  }
}
