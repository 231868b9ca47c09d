#include "runs/ensemble.hpp"

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

// Debian's libtbb is not built with ThreadSanitizer, so TSan cannot see how
// TBB hands tokens from one stage (and thread) to the next, and would report
// every handoff, and everything a consumer does, as a data race. So each
// handoff the pipeline relies on also goes through an atomic here, with the
// acquire/release ordering TBB's own already implies: no behaviour changes,
// and the cost is a few uncontended atomic operations per run. Tokens are
// plain indices, which TBB passes by value; a result reaches the consumer
// through its slot.
//   - `g_started`: what the caller did before the pipeline (the stages'
//     closures included, which TBB copies into its filters), for every stage.
//     It is a namespace-scope atomic, not a local: a stage must acquire it
//     before it reads anything through its closure, and a local would itself
//     be reached through the closure (TSan reported that read when a worker
//     thread reused from an earlier ensemble ran a stage of the next);
//   - `next` and `consumed`: one serial call of a stage to the next;
//   - a slot's `full` flag: a run's result to its consumer, and the consumer's
//     release of the slot to the run that reuses it;
//   - `handoffs`: every stage call's exit (exceptions included) to the caller
//     after the pipeline.
// tests/tsan.supp then only needs to cover accesses inside TBB itself.

std::atomic<std::uint64_t> g_started{0};

// A finished run waiting for the consumer. Live tokens are at most
// max_in_flight and the consumer takes them in order, so plan index modulo
// max_in_flight never puts two live runs in one slot.
struct Slot {
  RunResult result;
  std::atomic<bool> full{false};
};

// Releases `handoffs` when a stage call ends, however it ends.
struct Publish {
  std::atomic<std::uint64_t>& handoffs;
  ~Publish() { handoffs.fetch_add(1, std::memory_order_release); }
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
  const std::size_t slot_count = stats.max_in_flight;

  std::vector<Slot> slots(slot_count);
  std::atomic<std::size_t> next{0};      // the serial input stage's position
  std::atomic<std::size_t> consumed{0};  // the serial consumer's count
  std::atomic<std::uint64_t> handoffs{0};
  std::atomic<std::size_t> waiting{0};  // finished, not yet consumed
  std::atomic<std::size_t> peak_waiting{0};
  std::atomic<bool> cancelled{false};

  auto source = [&](tbb::flow_control& fc) -> std::size_t {
    (void)g_started.load(std::memory_order_acquire);
    const Publish publish{handoffs};
    const std::size_t index = next.load(std::memory_order_acquire);
    if (index == plans.size()) {
      fc.stop();
      return 0;
    }
    if (opts.cancel != nullptr && opts.cancel->load(std::memory_order_relaxed)) {
      cancelled.store(true, std::memory_order_relaxed);
      fc.stop();
      return 0;
    }
    next.store(index + 1, std::memory_order_release);
    return index;
  };
  auto work = [&](std::size_t index) -> std::size_t {
    (void)g_started.load(std::memory_order_acquire);
    const Publish publish{handoffs};
    const RunPlan& plan = plans[index];
    Slot& slot = slots[index % slot_count];
    (void)slot.full.load(std::memory_order_acquire);  // empty: its last consumer is done
    try {
      slot.result = run(plan);
    } catch (const std::exception& e) {
      throw RunError(plan, e.what());
    } catch (...) {
      throw RunError(plan, "unknown exception");
    }
    raise_peak(peak_waiting, waiting.fetch_add(1, std::memory_order_relaxed) + 1);
    slot.full.store(true, std::memory_order_release);
    return index;
  };
  auto sink = [&](std::size_t index) {
    (void)g_started.load(std::memory_order_acquire);
    const Publish publish{handoffs};
    const std::size_t done = consumed.load(std::memory_order_acquire);
    Slot& slot = slots[index % slot_count];
    (void)slot.full.load(std::memory_order_acquire);  // the run's result is there
    waiting.fetch_sub(1, std::memory_order_relaxed);
    RunResult result = std::move(slot.result);
    slot.result = RunResult{};
    slot.full.store(false, std::memory_order_release);
    consume(plans[index], std::move(result));
    consumed.store(done + 1, std::memory_order_release);
  };

  // Allow more workers than cores when asked for (oversubscription is the
  // user's call); the arena then caps this ensemble at `threads`, the calling
  // thread included.
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  try {
    arena.execute([&] {
      auto filters =
          tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, source) &
          tbb::make_filter<std::size_t, std::size_t>(tbb::filter_mode::parallel, work) &
          tbb::make_filter<std::size_t, void>(tbb::filter_mode::serial_in_order, sink);
      g_started.fetch_add(1, std::memory_order_release);
      tbb::parallel_pipeline(stats.max_in_flight, filters);
    });
  } catch (...) {
    (void)handoffs.load(std::memory_order_acquire);  // the exception, and what the stages did
    throw;
  }
  (void)handoffs.load(std::memory_order_acquire);

  stats.runs_consumed = consumed.load(std::memory_order_acquire);
  stats.max_waiting = peak_waiting.load();
  stats.cancelled = cancelled.load();
  stats.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace ds
