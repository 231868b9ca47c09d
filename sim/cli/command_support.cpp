// What the commands share: the exit on a signal, the results folder, the
// resource guard's verdict, progress, dry-run estimates, diagnostics and
// the manifest's record of the command.
#include <signal.h>

#include <chrono>
#include <cmath>
#include <iostream>

#include "cli/commands.hpp"
#include "runs/sweep_run.hpp"

namespace ds::cli {


std::atomic<bool> g_interrupted{false};

namespace {
std::atomic<int> g_signal{0};
}  // namespace

extern "C" void on_signal(int sig) {
  g_signal.store(sig);
  g_interrupted.store(true);
}

// 130 after SIGINT (Ctrl-C), 143 after SIGTERM, as shells report them.
int interrupted_exit() { return g_signal.load() == SIGTERM ? kTerminated : kInterrupted; }

// The results directory, or nullopt after printing why it cannot be used.
std::optional<ds::OutputDir> open_output(const std::string& dir, bool force, const ds::OutputLock* held) {
  try {
    return std::optional<ds::OutputDir>(std::in_place, dir, force, held);
  } catch (const std::exception& e) {
    std::cerr << "districtsim: " << e.what() << '\n';
    return std::nullopt;
  }
}

// Whether results could be written to `dir` (ds::OutputDir::check), saying
// why not on stderr; for the commands that check before the work.
bool output_usable(const std::string& dir, bool force) {
  const std::string problem = ds::OutputDir::check(dir, force);
  if (!problem.empty()) std::cerr << "districtsim: " << problem << '\n';
  return problem.empty();
}

// The exit of a command that stopped with `e` and wrote nothing to `out`.
int failed(const char* command, const std::exception& e, const std::string& out) {
  if (g_interrupted.load()) {
    std::cerr << "districtsim: interrupted; nothing written\n";
    return interrupted_exit();
  }
  std::cerr << "districtsim: " << command << " failed: " << e.what() << "\n(nothing written to "
            << out << ")\n";
  return kFailure;
}

// The first SIGINT/SIGTERM asks the ensemble to stop starting runs (so the
// staging directory is cleaned up); a second one kills as usual.
void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void print_diagnostics(const std::vector<ds::Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) std::cerr << d.to_string() << '\n';
}

// The resource guard (resource_guard.hpp): false, with the reasons on
// stderr, when the command's estimated memory or output does not fit.
bool resources_fit(const ds::ResourceEstimate& e, const std::string& out, const char* command) {
  const std::vector<std::string> problems = ds::check_resources(e, out, command);
  for (const auto& p : problems) std::cerr << "districtsim: " << p << '\n';
  return problems.empty();
}

// Progress of a run, compare or sweep (progress.hpp).
ds::Progress::Options progress_options(const char* command, const char* unit, int threads, bool quiet,
                                       const char* on_stop) {
  ds::Progress::Options o;
  o.command = command;
  o.unit = unit;
  o.threads = threads;
  o.enabled = !quiet;
  o.on_stop = on_stop;
  o.terminal = ds::stderr_is_terminal();
  return o;
}

// What an interrupted run or compare lost, and how not to lose it.
int interrupted_before_writing(const char* command, std::size_t done, std::size_t total, const char* unit) {
  std::cerr << "districtsim: " << command << " interrupted after " << done << " of " << total << ' ' << unit
            << "; nothing written (its results are written all together or not at all). "
            << "To see how long it takes first: the same command with --dry-run; to keep finished runs "
               "through an interruption, run it as a sweep (docs/sweeps.md), which resumes\n";
  return interrupted_exit();
}

// The rest of a --dry-run: `sample` timed on `threads`, the duration of
// `total` runs estimated from it, and the resource guard's figures.
int print_dry_run(const ds::SampleAt& sample_at, std::size_t total, int threads,
                  const ds::ResourceEstimate& need, std::size_t starts_to_build) {
  ds::DurationEstimate e;
  try {
    e = ds::estimate_duration(sample_at, total, threads, ds::kCalibrationSeconds, starts_to_build);
  } catch (const ds::SweepInputError& ex) {
    std::cerr << "districtsim: sweep: " << ex.what() << '\n';
    return kBadInput;
  } catch (const std::exception& ex) {
    std::cerr << "districtsim: calibration run failed: " << ex.what() << '\n';
    return kFailure;
  }
  const char* on = threads == 1 ? " thread" : " threads";
  if (e.sampled > 0)
    std::cout << "calibration: " << e.sampled << " runs timed on " << threads << on << " in "
              << std::round(e.sample_seconds * 100) / 100 << " s, after one warm-up run\n";
  std::cout << "estimated duration on " << threads << on << ": " << ds::duration_text(e.seconds)
            << (e.seconds > ds::Progress::kLongSeconds ? " (over 10 minutes)" : "") << " (dry run: nothing written)\n"
            << "estimated peak memory " << ds::bytes_text(need.memory) << ", peak disk "
            << ds::bytes_text(need.disk) << " (the resource guard checks them before a run)\n";
  return kOk;
}

void print_warnings(const std::vector<ds::Diagnostic>& warnings) {
  for (const auto& w : warnings) std::cerr << "warning: " << w.to_string() << '\n';
}

// What every manifest records about the command that wrote it (the rest is
// the scenario's, the comparison's or the sweep's own).
ds::RunManifest make_manifest(const std::vector<std::string>& argv, const std::vector<std::string>& sets,
                              std::vector<std::uint64_t> seeds, int threads, std::uint64_t teacher_steps,
                              const Started& started) {
  ds::RunManifest m;
  m.argv = argv;
  m.overrides = sets;
  m.seeds = std::move(seeds);
  m.threads = threads;
  m.teacher_steps = teacher_steps;
  m.started_at = started.at;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started.clock).count();
  m.wall_seconds = std::round(wall * 1000) / 1000;
  return m;
}

// The seeds of a sweep's replications (the same at every point).
std::vector<std::uint64_t> sweep_seeds(const ds::SweepSpec& spec) {
  std::vector<std::uint64_t> seeds;
  for (std::size_t i = 0; i < spec.replications; ++i) seeds.push_back(ds::run_seed(spec, i));
  return seeds;
}

void print_sweep_files(const std::string& out, const ds::SweepSpec& spec, const ds::Design& d) {
  std::cout << "results in " << out << ": points.csv runs.csv point_summary.csv manifest.json";
  if (spec.base.output.trajectories) std::cout << " trajectories.csv";
  if (ds::has_sensitivity_indices(d.kind)) std::cout << " sensitivity.csv";
  std::cout << '\n';
}

}  // namespace ds::cli
