#include "cli/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "runs/ensemble.hpp"
#include "engine/schedule.hpp"
#include "runs/shared_starts.hpp"

namespace ds {

std::string duration_text(double seconds) {
  if (!(seconds >= 0) || seconds > 1e9) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[64];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%llds", s);
  return buf;
}

bool stderr_is_terminal() { return isatty(2) != 0; }

namespace {
double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

Progress::Progress(std::size_t total, Options options) : total_(total), o_(std::move(options)) {
  if (!o_.out) o_.out = &std::cerr;
  if (!o_.clock) o_.clock = steady_seconds;
  start_ = last_ = now();
}

double Progress::now() const { return o_.clock(); }

void Progress::step() {
  ++done_;
  if (!o_.enabled) return;
  const double t = now();
  const double elapsed = t - start_;
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total_ - std::min(done_, total_)) / rate : -1;
  std::ostream& out = *o_.out;
  // A long command says so once the first warm units tell the rate.
  const std::size_t warm = std::max<std::size_t>(2, static_cast<std::size_t>(std::max(1, o_.threads)));
  if (!warned_ && done_ >= warm && done_ < total_) {
    warned_ = true;
    if (left > kLongSeconds) {
      if (drawn_) out << "\r\033[K";
      out << o_.command << ": about " << duration_text(left) << " to go for " << total_ << ' ' << o_.unit
          << " on " << o_.threads << (o_.threads == 1 ? " thread" : " threads")
          << (o_.on_stop.empty() ? "" : "; " + o_.on_stop) << '\n'
          << std::flush;
      drawn_ = false;
    }
  }
  const double interval = o_.terminal ? 0.25 : 5.0;
  if (t - last_ < interval && !(o_.terminal && done_ == total_)) return;
  last_ = t;
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s: %zu/%zu %s (%.0f%%), %.3g/s, %s left", o_.command.c_str(), done_, total_,
                o_.unit.c_str(), 100.0 * static_cast<double>(done_) / static_cast<double>(std::max<std::size_t>(1, total_)),
                rate, left >= 0 ? duration_text(left).c_str() : "?");
  if (o_.terminal) {
    // A bar of 24 cells before the figures.
    const auto filled = static_cast<std::size_t>(24 * std::min(done_, total_) / std::max<std::size_t>(1, total_));
    out << "\r[" << std::string(filled, '#') << std::string(24 - filled, '.') << "] " << buf << "\033[K" << std::flush;
    drawn_ = true;
  } else {
    out << buf << '\n' << std::flush;
  }
}

Progress::~Progress() {
  if (o_.enabled && drawn_) *o_.out << "\r\033[K" << std::flush;
}

std::size_t calibration_runs(std::size_t total, int threads) {
  return std::min(total, std::max<std::size_t>(6, 3 * static_cast<std::size_t>(std::max(1, threads))));
}

DurationEstimate estimate_duration(const SampleAt& sample_at, std::size_t total, int threads,
                                   double budget_seconds, std::size_t starts_to_build) {
  DurationEstimate e;
  if (total == 0) return e;
  using Clock = std::chrono::steady_clock;
  const auto seconds_since = [](Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  // A shared start is built before its run is timed, and its build timed
  // apart: a sweep builds one a replication, not one a run.
  double build_seconds = 0;
  std::size_t builds = 0;
  const auto prepare = [&](const TimedRun& t) {
    if (!t.starts) return;
    const auto t0 = Clock::now();
    if (!t.starts->prepare(t.seed)) return;  // kept already
    build_seconds += seconds_since(t0);
    builds += 1;
  };
  const auto run = [](const TimedRun& t) {
    return t.starts ? t.starts->run(*t.scenario, t.seed) : run_one(*t.scenario, t.seed);
  };
  {
    const TimedRun warm = sample_at(0);
    prepare(warm);
    (void)run(warm);  // warm-up: allocations, caches
  }
  EnsembleOptions opts;
  opts.threads = std::max(1, threads);
  std::size_t batch = calibration_runs(total, threads);
  while (e.sampled < total) {
    const std::size_t n = std::min(batch, total - e.sampled);
    std::vector<TimedRun> runs;
    std::vector<RunPlan> plans;
    for (std::size_t i = 0; i < n; ++i) {
      runs.push_back(sample_at(e.sampled + i));
      plans.push_back({i, runs.back().seed});
      prepare(runs.back());
    }
    const auto t0 = Clock::now();
    run_ensemble(
        plans, [&](const RunPlan& p) { return run(runs[p.replication]); },
        [](const RunPlan&, RunResult&&) {}, opts);
    e.sample_seconds += seconds_since(t0);
    e.sampled += n;
    if (e.sample_seconds >= budget_seconds) break;
    batch *= 2;
  }
  e.seconds = e.sample_seconds * static_cast<double>(total) / static_cast<double>(e.sampled);
  if (builds > 0)
    e.seconds += build_seconds / static_cast<double>(builds) * static_cast<double>(starts_to_build) /
                 static_cast<double>(opts.threads);
  return e;
}

}  // namespace ds
