// Start states shared across a sweep of the dials (sim/runs/shared_starts.*):
// which sweeps may share them, and that a run from a shared start is
// run_one's run byte for byte, whatever the cache kept or evicted.
#include <catch2/catch.hpp>

#include <cstring>
#include <thread>
#include <vector>

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

namespace {

// The run's outputs that could tell a start apart: every metric, the per-run
// outputs, the teacher-steps and the schools' outcomes.
void check_same(const ds::RunResult& shared, const ds::RunResult& own) {
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

// All seven dials at two levels each: 128 points, so that a start that read
// any dial would differ from its own run somewhere.
const char* kAllDials =
    "\"strategy.centralization\" = [0.0, 1.0]\n\"strategy.pace\" = [0.1, 0.9]\n"
    "\"strategy.need_priority\" = [0.0, 1.0]\n\"strategy.external_sourcing\" = [0.0, 1.0]\n"
    "\"strategy.adaptivity\" = [0.0, 1.0]\n\"strategy.bundling\" = [0.0, 1.0]\n"
    "\"strategy.failure_sharing\" = [0.0, 1.0]\n";

}  // namespace

TEST_CASE("shared starts: a run from a shared start is run_one's, byte for byte", "[sweep]") {
  TempDir dir;
  const ds::SweepSpec spec = sweep_over(dir, kAllDials);
  REQUIRE(ds::varies_strategy_only(spec));
  const ds::Design design = ds::make_design(spec);
  REQUIRE(design.points == 128);
  SECTION("replication by replication, one start kept: found, then evicted at each new seed") {
    ds::SharedStarts starts(spec.base, 1);
    for (std::size_t r = 0; r < spec.replications; ++r) {
      CHECK(starts.prepare(ds::run_seed(spec, r)));        // a new seed: built
      CHECK_FALSE(starts.prepare(ds::run_seed(spec, r)));  // then kept
      for (std::size_t point = 0; point < design.points; ++point) {
        const ds::Scenario sc = ds::point_scenario(spec, design, point);
        const std::uint64_t seed = ds::run_seed(spec, r);
        CAPTURE(r, point);
        check_same(starts.run(sc, seed), ds::run_one(sc, seed));
      }
    }
  }
  SECTION("seeds interleaved, as many kept as there are") {
    ds::SharedStarts starts(spec.base, spec.replications);
    for (std::size_t point = 0; point < design.points; point += 5)
      for (std::size_t r = 0; r < spec.replications; ++r) {
        const ds::Scenario sc = ds::point_scenario(spec, design, point);
        const std::uint64_t seed = ds::run_seed(spec, (r + point) % spec.replications);
        CAPTURE(r, point);
        check_same(starts.run(sc, seed), ds::run_one(sc, seed));
      }
  }
}

TEST_CASE("shared starts: two threads share the starts", "[sweep]") {
  TempDir dir;
  const ds::SweepSpec spec = sweep_over(dir, kAllDials);
  const ds::Design design = ds::make_design(spec);
  ds::SharedStarts starts(spec.base, 2);
  // Each thread runs every 2nd point of every replication from the shared
  // starts; the main thread then checks each run against its own.
  std::vector<ds::RunResult> shared(design.points * spec.replications);
  auto work = [&](std::size_t parity) {
    for (std::size_t r = 0; r < spec.replications; ++r)
      for (std::size_t point = parity; point < design.points; point += 2)
        shared[r * design.points + point] =
            starts.run(ds::point_scenario(spec, design, point), ds::run_seed(spec, r));
  };
  std::thread a(work, 0), b(work, 1);
  a.join();
  b.join();
  for (std::size_t r = 0; r < spec.replications; ++r)
    for (std::size_t point = 0; point < design.points; point += 7) {
      const ds::Scenario sc = ds::point_scenario(spec, design, point);
      CAPTURE(r, point);
      check_same(shared[r * design.points + point], ds::run_one(sc, ds::run_seed(spec, r)));
    }
}
