// Start states shared across a sweep of the dials (sim/runs/shared_starts.*):
// which sweeps may share them, and that a run from a shared start is
// run_one's run byte for byte, whatever the cache kept or evicted.
#include <catch2/catch.hpp>

#include <cstring>

#include "runs/design.hpp"
#include "runs/shared_starts.hpp"
#include "support.hpp"

using namespace ds::test;

namespace {

// A sweep file over `parameters` (lines of the [sweep.parameters] table) on
// a small base scenario with a partner and a grant, so that every part of
// the initial state is built.
ds::SweepSpec sweep_over(const TempDir& dir, const std::string& parameters) {
  write_file(dir / "base.toml",
             "[scenario]\nname = \"starts\"\nyears = 6\nreplications = 3\nseed = 4\n"
             "[district]\nschools = 7\nteachers_per_school = 12\ngrant_per_year = 100000\n"
             "grant_years = 3\n"
             "[[partners]]\nname = \"p\"\nkind = \"coaching\"\ncoaches = 3\n");
  write_file(dir / "sweep.toml", "[sweep]\nscenario = \"base.toml\"\ndesign = \"factorial\"\n"
                                 "replications = 3\nseed = 8\n[sweep.parameters]\n" +
                                     parameters);
  const ds::SweepLoadResult r = ds::load_sweep(dir / "sweep.toml");
  REQUIRE(r.diagnostics.empty());
  return *r.spec;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("shared starts: only a sweep of strategy fields shares them", "[sweep]") {
  TempDir dir;
  CHECK(ds::varies_strategy_only(sweep_over(dir, "\"strategy.pace\" = [0.1, 0.9]\n")));
  CHECK(ds::varies_strategy_only(
      sweep_over(dir, "\"strategy.centralization\" = [0.1, 0.9]\n\"strategy.failure_sharing\" = [0.0, 1.0]\n")));
  // Anything the initial state reads: the district, the model, a partner.
  CHECK_FALSE(ds::varies_strategy_only(sweep_over(dir, "\"district.schools\" = [6, 8]\n")));
  CHECK_FALSE(ds::varies_strategy_only(sweep_over(dir, "\"model.advice_ties\" = [4, 6]\n")));
  CHECK_FALSE(ds::varies_strategy_only(
      sweep_over(dir, "\"strategy.pace\" = [0.1, 0.9]\n\"district.readiness\" = [0.3, 0.7]\n")));
}

TEST_CASE("shared starts: a run from a shared start is run_one's, byte for byte", "[sweep]") {
  TempDir dir;
  const ds::SweepSpec spec = sweep_over(
      dir, "\"strategy.centralization\" = [0.0, 1.0]\n\"strategy.pace\" = [0.1, 0.9]\n"
           "\"strategy.external_sourcing\" = [0.0, 1.0]\n");
  REQUIRE(ds::varies_strategy_only(spec));
  const ds::Design design = ds::make_design(spec);
  // keep = 1: every change of seed evicts the start kept, so both a start
  // found and a start built again are exercised.
  for (const std::size_t keep : {std::size_t{1}, std::size_t{4}}) {
    ds::SharedStarts starts(spec.base, keep);
    for (std::size_t r = 0; r < spec.replications; ++r)
      for (std::size_t point = 0; point < design.points; ++point) {
        const ds::Scenario sc = ds::point_scenario(spec, design, point);
        const std::uint64_t seed = ds::run_seed(spec, (r + point) % spec.replications);
        const ds::RunResult shared = starts.run(sc, seed);
        const ds::RunResult own = ds::run_one(sc, seed);
        CAPTURE(keep, r, point);
        CHECK(same_bits(shared.metrics.values, own.metrics.values));
        CHECK(std::memcmp(shared.per_run.data(), own.per_run.data(), sizeof own.per_run) == 0);
        CHECK(shared.teacher_steps == own.teacher_steps);
        REQUIRE(shared.schools.size() == own.schools.size());
        for (std::size_t s = 0; s < own.schools.size(); ++s) {
          CHECK(shared.schools[s].launch_year == own.schools[s].launch_year);
          CHECK(shared.schools[s].teachers_left == own.schools[s].teachers_left);
          CHECK(shared.schools[s].depth == own.schools[s].depth);
        }
      }
  }
}
