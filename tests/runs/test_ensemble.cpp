#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "runs/ensemble.hpp"
#include "model/params.hpp"

using namespace ds;

namespace {

// A stand-in for run_one whose duration varies by replication, so that runs
// finish out of order: early replications are the slow ones.
RunResult fake_run(const RunPlan& p, std::size_t count) {
  const auto ms = static_cast<int>((count - p.replication) % 7) * 2;
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  RunResult r;
  r.seed = p.seed;
  r.teacher_steps = p.replication;
  return r;
}

}  // namespace

TEST_CASE("run plans are built before running: replication index and derived seed", "[ensemble]") {
  const auto plans = plan_replications(5, 42);
  REQUIRE(plans.size() == 5);
  for (std::size_t r = 0; r < plans.size(); ++r) {
    CHECK(plans[r].replication == r);
    CHECK(plans[r].seed == replication_seed(42, r));
  }
  CHECK(plans[0].seed != plans[1].seed);
  CHECK(plan_replications(0, 42).empty());
}

TEST_CASE("results reach the consumer in replication order", "[ensemble]") {
  for (int threads : {1, 2, 4, 8}) {
    const std::size_t n = 40;
    const auto plans = plan_replications(n, 7);
    std::vector<std::size_t> order;
    std::vector<std::uint64_t> seeds;
    EnsembleOptions opts;
    opts.threads = threads;
    const EnsembleStats stats = run_ensemble(
        plans, [n](const RunPlan& p) { return fake_run(p, n); },
        [&](const RunPlan& p, RunResult&& r) {
          CHECK(r.teacher_steps == p.replication);  // the result belongs to its plan
          order.push_back(p.replication);
          seeds.push_back(r.seed);
        },
        opts);
    CHECK(stats.runs_consumed == n);
    CHECK_FALSE(stats.cancelled);
    REQUIRE(order.size() == n);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(order[i] == i);
      CHECK(seeds[i] == plans[i].seed);
    }
  }
}

TEST_CASE("the reorder buffer is bounded", "[ensemble]") {
  // Replication 0 is very slow; everything after it finishes first and has
  // to wait. The waiting results never exceed the live-run cap, whatever
  // the number of replications.
  const std::size_t n = 200;
  const auto plans = plan_replications(n, 1);
  std::atomic<int> running{0}, peak_running{0};
  EnsembleOptions opts;
  opts.threads = 4;
  opts.max_in_flight = 6;
  std::size_t consumed = 0;
  const EnsembleStats stats = run_ensemble(
      plans,
      [&](const RunPlan& p) {
        const int now = ++running;
        int seen = peak_running.load();
        while (now > seen && !peak_running.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(p.replication % 50 == 0 ? 40 : 1));
        --running;
        return RunResult{};
      },
      [&](const RunPlan&, RunResult&&) { ++consumed; }, opts);
  CHECK(consumed == n);
  CHECK(stats.max_in_flight == 6);
  CHECK(stats.max_waiting <= 6);
  CHECK(stats.max_waiting >= 1);
  CHECK(peak_running.load() <= 4);

  // The default cap is threads x 4.
  EnsembleOptions defaults;
  defaults.threads = 3;
  const EnsembleStats d = run_ensemble(
      plan_replications(10, 1), [](const RunPlan&) { return RunResult{}; },
      [](const RunPlan&, RunResult&&) {}, defaults);
  CHECK(d.max_in_flight == 12);
  CHECK(d.max_waiting <= 12);
}

TEST_CASE("a failing run stops the ensemble and names the replication", "[ensemble]") {
  const std::size_t n = 100;
  const auto plans = plan_replications(n, 3);
  std::vector<std::size_t> order;
  std::atomic<std::size_t> started{0};
  EnsembleOptions opts;
  opts.threads = 2;
  opts.max_in_flight = 4;
  try {
    run_ensemble(
        plans,
        [&](const RunPlan& p) {
          ++started;
          if (p.replication == 10) throw std::runtime_error("boom");
          return RunResult{};
        },
        [&](const RunPlan& p, RunResult&&) { order.push_back(p.replication); }, opts);
    FAIL("expected a RunError");
  } catch (const RunError& e) {
    CHECK(e.plan.replication == 10);
    CHECK(std::string(e.what()).find("replication 10") != std::string::npos);
    CHECK(std::string(e.what()).find("boom") != std::string::npos);
  }
  // Consumed results are a prefix in order, stopping before the failure; no
  // run started far beyond the failure.
  CHECK(order.size() <= 10);
  for (std::size_t i = 0; i < order.size(); ++i) CHECK(order[i] == i);
  CHECK(started.load() < n);
}

TEST_CASE("a failing consumer stops the ensemble too", "[ensemble]") {
  const auto plans = plan_replications(50, 3);
  EnsembleOptions opts;
  opts.threads = 2;
  std::size_t consumed = 0;
  CHECK_THROWS_WITH(run_ensemble(
                        plans, [](const RunPlan&) { return RunResult{}; },
                        [&](const RunPlan& p, RunResult&&) {
                          if (p.replication == 5) throw std::runtime_error("disk full");
                          ++consumed;
                        },
                        opts),
                    "disk full");
  CHECK(consumed == 5);
}

TEST_CASE("cancelling stops starting runs and keeps the consumed prefix", "[ensemble]") {
  const auto plans = plan_replications(100, 3);
  std::atomic<bool> cancel{false};
  EnsembleOptions opts;
  opts.threads = 2;
  opts.max_in_flight = 4;
  opts.cancel = &cancel;
  std::vector<std::size_t> order;
  const EnsembleStats stats = run_ensemble(
      plans, [](const RunPlan&) { return RunResult{}; },
      [&](const RunPlan& p, RunResult&&) {
        order.push_back(p.replication);
        if (p.replication == 9) cancel = true;
      },
      opts);
  CHECK(stats.cancelled);
  CHECK(order.size() >= 10);
  CHECK(order.size() <= 10 + 4);
  for (std::size_t i = 0; i < order.size(); ++i) CHECK(order[i] == i);
}

TEST_CASE("ensemble results do not depend on the thread count", "[ensemble]") {
  Scenario s;
  s.meta.years = 6;
  s.district.schools = 6;
  s.district.teachers_per_school = 10;
  s.partners.push_back(default_partner());
  const auto plans = plan_replications(6, 99);
  auto collect = [&](int threads) {
    std::vector<double> values;
    EnsembleOptions opts;
    opts.threads = threads;
    run_ensemble(
        plans, [&](const RunPlan& p) { return run_one(s, p.seed); },
        [&](const RunPlan&, RunResult&& r) {
          values.insert(values.end(), r.metrics.values.begin(), r.metrics.values.end());
        },
        opts);
    return values;
  };
  const auto one = collect(1);
  const auto four = collect(4);
  REQUIRE(one.size() == four.size());
  for (std::size_t i = 0; i < one.size(); ++i)
    CHECK((one[i] == four[i] || (std::isnan(one[i]) && std::isnan(four[i]))));
}
