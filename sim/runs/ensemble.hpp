// An ensemble is data: the list of runs (replication index, seed) is built
// before anything runs, then executed in parallel with TBB. Finished runs are
// handed to a consumer one at a time, in replication order, so writers can
// stream rows to disk while later replications are still running and nothing
// holds every run in memory.
//
// Ordering and memory: the runner is a three-stage tbb::parallel_pipeline
// (serial in-order "next plan" -> parallel "run_one" -> serial in-order
// "consume"). TBB's in-order stage is the reorder buffer: a run that finishes
// early waits until every earlier replication has been consumed. The number
// of live tokens (plans started but not yet consumed) is capped at
// `max_in_flight` (default threads x 4), which bounds both the runs computing
// and the results waiting, so memory does not grow with the replication count.
//
// Error policy: stop at the first failure. An exception from a run (or from
// the consumer) cancels the pipeline: no new runs start, runs in flight are
// finished and dropped, and the exception reaches the caller, wrapped in
// RunError when it came from a run so the message names the replication.
// Results already consumed stay consumed; callers that need all-or-nothing
// output (the `run` command) discard them (see output.hpp, OutputDir).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/schedule.hpp"

namespace ds {

// One run of an ensemble.
struct RunPlan {
  std::size_t replication = 0;  // 0-based index, also the output order
  std::uint64_t seed = 0;       // replication_seed(base seed, replication)
};

// Replications 0..count-1 of a base seed.
std::vector<RunPlan> plan_replications(std::size_t count, std::uint64_t base_seed);

struct EnsembleOptions {
  int threads = 1;                // worker threads for this ensemble (>= 1)
  std::size_t max_in_flight = 0;  // live runs cap; 0 = threads x 4
  // When set and it becomes true, no further runs start; the runs already
  // started finish and are consumed, then run_ensemble returns with
  // `cancelled` set. (The CLI sets it from SIGINT.)
  const std::atomic<bool>* cancel = nullptr;
};

struct EnsembleStats {
  std::size_t runs_consumed = 0;
  std::size_t max_waiting = 0;    // peak number of finished runs not yet consumed
  std::size_t max_in_flight = 0;  // the cap that was applied
  double wall_seconds = 0;
  bool cancelled = false;
};

// A run failed; what() names the replication and the original message.
class RunError : public std::runtime_error {
 public:
  RunError(const RunPlan& plan, const std::string& what);
  RunPlan plan;
};

using RunFunction = std::function<RunResult(const RunPlan&)>;
using RunConsumer = std::function<void(const RunPlan&, RunResult&&)>;

// Runs every plan with `run` on opts.threads threads and calls `consume` for
// each result in the order of `plans`, never concurrently with itself. Both
// receive references to the elements of `plans`, so `&plan - plans.data()`
// is the plan's index (compare uses it to find the scenario).
EnsembleStats run_ensemble(const std::vector<RunPlan>& plans, const RunFunction& run,
                           const RunConsumer& consume, const EnsembleOptions& opts);

}  // namespace ds
