// How long a command takes: its progress on stderr while it runs, and an
// estimate of its duration before it runs (--dry-run), for run, compare and
// sweep alike.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "model/scenario.hpp"

namespace ds {

// "1h02m", "4m05s", "12s"; "?" for a value that is not a duration.
std::string duration_text(double seconds);

// Progress on stderr: units done of the total, their rate and the time left.
// On a terminal, a bar and those figures on one line, updated in place 4
// times a second; otherwise (a batch job's log) a plain line every 5 seconds.
// Once the first warm units (as many as the threads, at least 2) tell the
// rate, a command that will take over 10 minutes more says so, once, with
// what Ctrl-C would do (`on_stop`), whether or not the bar is shown.
// Disabled entirely by --quiet.
class Progress {
 public:
  struct Options {
    std::string command;      // "run", "compare", "sweep": the line's prefix
    std::string unit;         // "replications", "runs"
    int threads = 1;
    bool enabled = true;      // false with --quiet
    std::string on_stop;      // "Ctrl-C keeps the finished runs for --resume"
    bool terminal = false;    // a bar updated in place, or a line every 5 s
    std::ostream* out = nullptr;            // default std::cerr
    std::function<double()> clock;          // seconds; default steady_clock
  };
  Progress(std::size_t total, Options options);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();
  void step();
  std::size_t done() const { return done_; }

  static constexpr double kLongSeconds = 600;  // "over 10 minutes"

 private:
  double now() const;
  std::size_t total_, done_ = 0;
  Options o_;
  double start_, last_;
  bool warned_ = false, drawn_ = false;
};

// Whether stderr is a terminal (the bar) or not (a log).
bool stderr_is_terminal();

class SharedStarts;

// One run to time: a scenario and its seed, and the start states it shares
// with others (a sweep of the dials; runs/shared_starts.hpp), or none.
struct TimedRun {
  const Scenario* scenario = nullptr;
  std::uint64_t seed = 0;
  SharedStarts* starts = nullptr;
};

struct DurationEstimate {
  double seconds = 0;          // the estimated wall time of every run
  std::size_t sampled = 0;     // runs timed
  double sample_seconds = 0;   // their wall time, on the command's threads
};

// How many runs a dry run times first for `total` runs on `threads`:
// enough to keep every thread busy a few times over (3 per thread, at least
// 6), never more than there are. It then times more while its time budget
// lasts (estimate_duration).
std::size_t calibration_runs(std::size_t total, int threads);

// The dry run's time budget: batches of timed runs, each twice the last,
// until their wall time reaches it (or every run has been timed).
inline constexpr double kCalibrationSeconds = 2.0;

// The i-th run to time: a sequence spread over what will run (the
// replications in order, each scenario of a comparison in turn, points
// spread across a sweep's design), so that any first part of it is spread.
using SampleAt = std::function<TimedRun(std::size_t i)>;

// The duration of `total` runs on `threads`, from timing runs of
// `sample_at` on those threads after one untimed warm-up run: batches of
// calibration_runs, then each twice the last, until `budget_seconds` of
// timed wall time (or all `total`). The throughput measured includes the
// threads' contention for memory and the runs' differences in size, which
// one cold run does not; the doubling keeps the batches' tails (threads
// idle while the last runs finish, which a long command hardly has) a
// small part of the time measured. Runs that share start states have them
// built before their batch is timed, each build timed apart; the estimate
// adds `starts_to_build` builds at their mean time, spread over the threads.
DurationEstimate estimate_duration(const SampleAt& sample_at, std::size_t total, int threads,
                                   double budget_seconds = kCalibrationSeconds,
                                   std::size_t starts_to_build = 0);

}  // namespace ds
