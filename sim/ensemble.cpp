#include "ensemble.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <exception>

namespace ds {

std::vector<RunPlan> plan_replications(std::size_t count, std::uint64_t base_seed) {
  std::vector<RunPlan> plans(count);
  for (std::size_t r = 0; r < count; ++r) plans[r] = {r, replication_seed(base_seed, r)};
  return plans;
}

RunError::RunError(const RunPlan& p, const std::string& what)
    : std::runtime_error("replication " + std::to_string(p.replication) + " (seed " +
                         std::to_string(p.seed) + ") failed: " + what),
      plan(p) {}

namespace {

// A result travelling from the parallel stage to the consumer.
struct Finished {
  std::size_t index = 0;  // into plans
  RunResult result;
};

void raise_peak(std::atomic<std::size_t>& peak, std::size_t value) {
  std::size_t seen = peak.load(std::memory_order_relaxed);
  while (value > seen && !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

}  // namespace

EnsembleStats run_ensemble(const std::vector<RunPlan>& plans, const RunFunction& run,
                           const RunConsumer& consume, const EnsembleOptions& opts) {
  const auto start = std::chrono::steady_clock::now();
  const int threads = std::max(1, opts.threads);
  EnsembleStats stats;
  stats.max_in_flight =
      opts.max_in_flight > 0 ? opts.max_in_flight : static_cast<std::size_t>(threads) * 4;

  std::size_t next = 0;                 // touched only by the serial input stage
  std::atomic<std::size_t> waiting{0};  // finished, not yet consumed
  std::atomic<std::size_t> peak_waiting{0};
  std::atomic<bool> cancelled{false};

  auto source = [&](tbb::flow_control& fc) -> std::size_t {
    if (next == plans.size()) {
      fc.stop();
      return 0;
    }
    if (opts.cancel != nullptr && opts.cancel->load(std::memory_order_relaxed)) {
      cancelled.store(true, std::memory_order_relaxed);
      fc.stop();
      return 0;
    }
    return next++;
  };
  auto work = [&](std::size_t index) -> Finished {
    const RunPlan& plan = plans[index];
    Finished f;
    f.index = index;
    try {
      f.result = run(plan);
    } catch (const std::exception& e) {
      throw RunError(plan, e.what());
    } catch (...) {
      throw RunError(plan, "unknown exception");
    }
    raise_peak(peak_waiting, waiting.fetch_add(1, std::memory_order_relaxed) + 1);
    return f;
  };
  auto sink = [&](Finished f) {
    waiting.fetch_sub(1, std::memory_order_relaxed);
    consume(plans[f.index], std::move(f.result));
    ++stats.runs_consumed;
  };

  // Allow more workers than cores when asked for (oversubscription is the
  // user's call); the arena then caps this ensemble at `threads`, the calling
  // thread included.
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        stats.max_in_flight,
        tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, source) &
            tbb::make_filter<std::size_t, Finished>(tbb::filter_mode::parallel, work) &
            tbb::make_filter<Finished, void>(tbb::filter_mode::serial_in_order, sink));
  });

  stats.max_waiting = peak_waiting.load();
  stats.cancelled = cancelled.load();
  stats.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace ds
