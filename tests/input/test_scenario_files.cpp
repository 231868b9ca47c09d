// Every scenario shipped under scenarios/ loads without a diagnostic, and each
// opens with comments saying what it represents.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "input/scenario_loader.hpp"

namespace fs = std::filesystem;

namespace {

// Sweep files live in scenarios/sweeps/ and are checked as sweeps
// (test_sweep_spec.cpp).
std::vector<fs::path> shipped_scenarios() {
  const fs::path root = fs::path(DISTRICTSIM_SOURCE_DIR) / "scenarios";
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".toml" &&
        e.path().lexically_relative(root).begin()->string() != "sweeps")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every shipped scenario loads without diagnostics", "[loader][scenarios]") {
  const auto files = shipped_scenarios();
  REQUIRE(files.size() >= 7);
  for (const auto& f : files) {
    INFO(f.string());
    const ds::LoadResult r = ds::load_scenario(f);
    for (const auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
    CHECK(r.ok());
  }
}

TEST_CASE("every shipped scenario opens with a comment", "[loader][scenarios]") {
  for (const auto& f : shipped_scenarios()) {
    INFO(f.string());
    std::ifstream in(f);
    std::string first;
    std::getline(in, first);
    CHECK(first.rfind("# ", 0) == 0);
  }
}

TEST_CASE("the named scenarios of the issue exist and say what they are", "[loader][scenarios]") {
  const fs::path dir = fs::path(DISTRICTSIM_SOURCE_DIR) / "scenarios";
  const auto ref = ds::load_scenario(dir / "reference.toml");
  REQUIRE(ref.ok());
  CHECK(ref.scenario->district.schools == 100);
  CHECK(ref.scenario->district.teachers_per_school == 40);
  CHECK(ref.scenario->meta.years == 25);
  CHECK(ref.scenario->district.grant_years == 0);
  for (int i = 0; i < ds::kDialCount; ++i) CHECK(ds::dial(ref.scenario->strategy, i) == 0.5);

  const auto own = ds::load_scenario(dir / "examples" / "own_district.toml");
  REQUIRE(own.ok());
  CHECK(own.scenario->district.school_list.size() == 12);
  CHECK(own.scenario->district.schools == 12);

  const auto grant = ds::load_scenario(dir / "midsize_grant.toml");
  REQUIRE(grant.ok());
  CHECK(grant.scenario->district.grant_years == 5);
  CHECK(grant.scenario->district.grant_per_year > 0);
}

TEST_CASE("a shorter horizon from the command line drops the default probe years",
          "[loader][scenarios]") {
  const fs::path dir = fs::path(DISTRICTSIM_SOURCE_DIR) / "scenarios";
  const auto r = ds::load_scenario(dir / "reference.toml", {"scenario.years=8"});
  for (const auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
  REQUIRE(r.ok());
  CHECK(r.scenario->meta.years == 8);
  CHECK(r.scenario->output.withdrawal_probe_years == std::vector<int>{5});
}

TEST_CASE("a schools file can be given from the command line", "[loader][scenarios]") {
  const fs::path dir = fs::path(DISTRICTSIM_SOURCE_DIR) / "scenarios";
  const std::string csv = (dir / "examples" / "schools.csv").string();
  const auto r = ds::load_scenario(dir / "reference.toml", {"district.schools_file=" + csv});
  for (const auto& d : r.diagnostics) UNSCOPED_INFO(d.to_string());
  REQUIRE(r.ok());
  CHECK(r.scenario->district.schools == 12);
  CHECK(r.scenario->district.school_list.front().name == "Adams Elementary");
}
