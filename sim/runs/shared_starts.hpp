// Start states shared by the runs of a sweep that varies only the strategy.
//
// A run's initial state (engine/population.cpp: the schools, the teachers,
// the advice network) depends on the district, the model, the partners and
// the seed, and not on the strategy, which it only copies. In a sweep of the
// dials every point's replication r has the same seed (common random
// numbers) and so the same start: SharedStarts builds it once and each run
// starts from a copy (run_from), byte for byte the run run_one would do.
// In the seven-dial factorial the start was about 5% of a run.
//
// The sweep runs replication-major (runs/design.hpp, the coverage order), so
// the runs in flight share one or two seeds: the cache keeps the last few
// starts and builds a missing one outside its lock (two threads that miss
// the same seed both build it, the same state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>

#include "engine/schedule.hpp"
#include "input/sweep_spec.hpp"

namespace ds {

// Whether every parameter of the sweep sets a field of the strategy, so that
// its points differ from its base scenario in the strategy only.
bool varies_strategy_only(const SweepSpec& spec);

class SharedStarts {
 public:
  // `base`: the scenario whose initial states are shared (the sweep's base);
  // it must outlive this object. `keep`: the starts kept at once.
  explicit SharedStarts(const Scenario& base, std::size_t keep = 8) : base_(base), keep_(keep) {}

  // run_one(scenario, seed), for a scenario that differs from the base at
  // most in its strategy.
  RunResult run(const Scenario& scenario, std::uint64_t seed);
  // Builds the start of `seed` if it is not kept already (a dry run builds
  // the starts of the runs it times first, as a sweep's many points share
  // them).
  void prepare(std::uint64_t seed) { (void)start(seed); }

 private:
  std::shared_ptr<const State> start(std::uint64_t seed);

  const Scenario& base_;
  std::size_t keep_;
  std::mutex mutex_;
  std::deque<std::pair<std::uint64_t, std::shared_ptr<const State>>> kept_;  // oldest first
};

}  // namespace ds
