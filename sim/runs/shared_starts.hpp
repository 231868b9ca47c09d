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
// while a replication has more points left in this invocation than runs in
// flight (ensemble.hpp: 4 a thread), the runs in flight share one or two
// seeds, and a few starts kept are enough. A small design, a thin shard or
// many threads spread the runs in flight over more seeds than are kept: the
// starts are then built again (the results are the same; the time saved is
// lost). A missing start is built outside the lock (two threads that miss
// the same seed both build it, the same state, and one is kept).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <utility>

#include "engine/schedule.hpp"
#include "engine/state.hpp"
#include "input/sweep_spec.hpp"

namespace ds {

// Whether every parameter of the sweep sets a field of the strategy, so that
// its points differ from its base scenario in the strategy only.
bool varies_strategy_only(const SweepSpec& spec);

class SharedStarts {
 public:
  // Starts kept at once (each about the memory of a run in progress; the
  // resource guard counts them, cli/resource_guard.cpp).
  static constexpr std::size_t kKeep = 4;

  // `base`: the scenario whose initial states are shared (the sweep's base);
  // it must outlive this object.
  explicit SharedStarts(const Scenario& base, std::size_t keep = kKeep) : base_(base), keep_(keep) {}

  // run_one(scenario, seed), for a scenario that differs from the base at
  // most in its strategy.
  RunResult run(const Scenario& scenario, std::uint64_t seed);
  // Builds the start of `seed` unless it is kept; whether it built one (a
  // dry run times the builds apart from the runs).
  bool prepare(std::uint64_t seed);

 private:
  // The start of `seed`, and whether this call built it.
  std::pair<std::shared_ptr<const State>, bool> start(std::uint64_t seed);

  const Scenario& base_;
  std::size_t keep_;
  std::mutex mutex_;
  std::deque<std::pair<std::uint64_t, std::shared_ptr<const State>>> kept_;  // oldest first
};

}  // namespace ds
