// districtsim: the command line. Parses flags and wires the loader, the
// ensemble runner and the writers; each subcommand is one small function.
//
// Exit status: 0 success; 1 a run failed (internal or I/O error); 2 bad input
// (flags, scenario, output directory); 130 interrupted (SIGINT), 143
// terminated (SIGTERM). On any failure nothing is left in the output
// directory's place; a sweep keeps its finished runs for --resume.
#include <oneapi/tbb/info.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "runs/compare.hpp"
#include "runs/ensemble.hpp"
#include "input/loader_support.hpp"
#include "output/output.hpp"
#include "cli/progress.hpp"
#include "cli/resource_guard.hpp"
#include "input/scenario_loader.hpp"
#include "engine/schedule.hpp"
#include "runs/sweep_run.hpp"

namespace {

enum Exit : int { kOk = 0, kFailure = 1, kBadInput = 2, kInterrupted = 130, kTerminated = 143 };

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig) {
  g_signal.store(sig);
  g_interrupted.store(true);
}

// 130 after SIGINT (Ctrl-C), 143 after SIGTERM, as shells report them.
int interrupted_exit() { return g_signal.load() == SIGTERM ? kTerminated : kInterrupted; }

// The results directory, or nullopt after printing why it cannot be used.
std::optional<ds::OutputDir> open_output(const std::string& dir, bool force,
                                         const ds::OutputLock* held = nullptr) {
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
int print_dry_run(const std::vector<ds::TimedRun>& sample, std::size_t total, int threads,
                  const ds::ResourceEstimate& need) {
  ds::DurationEstimate e;
  try {
    e = ds::estimate_duration(sample, total, threads);
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

// ---------------------------------------------------------------- run

struct RunArgs {
  std::string scenario;
  std::string out;
  int replications = 0;  // 0: the scenario's
  std::uint64_t seed = 0;
  bool seed_given = false;
  int threads = 0;
  std::vector<std::string> sets;
  bool quiet = false;
  bool force = false;
  bool report = false;  // build DIR/report.html at the end
  bool no_resource_check = false;
  bool dry_run = false;  // estimate, write nothing
};

// ---------------------------------------------------------------- report

// The report support (analysis/: report.py and its package): the folder
// DISTRICTSIM_ANALYSIS names; else, for an installed program, the one
// installed beside it (PREFIX/bin/districtsim and
// PREFIX/share/districtsim/analysis, scripts/install); else the source
// tree's, for the program in its build folder.
std::string analysis_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("DISTRICTSIM_ANALYSIS"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path installed = exe.parent_path().parent_path() / DISTRICTSIM_INSTALLED_ANALYSIS_DIR;
    if (fs::is_regular_file(installed / "report.py", ec)) return installed.string();
  }
  return DISTRICTSIM_ANALYSIS_DIR;
}

// The HTML report is built by analysis/report.py with Debian's Python (the
// one that has pandas and matplotlib).
int cmd_report(const std::string& dir, bool png, bool quiet,
               const std::vector<std::string>& heatmaps = {}, const std::string& outcome = {},
               const std::vector<std::string>& material = {}) {
  const std::string script = analysis_dir() + "/report.py";
  std::vector<std::string> args = {"/usr/bin/python3", script, dir};
  if (png) args.push_back("--png");
  if (quiet) args.push_back("--quiet");
  for (const auto& h : heatmaps) args.insert(args.end(), {"--heatmap", h});
  if (!outcome.empty()) args.insert(args.end(), {"--outcome", outcome});
  for (const auto& m : material) args.insert(args.end(), {"--material", m});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) {
    std::cerr << "districtsim: report: cannot start " << script << '\n';
    return kFailure;
  }
  if (pid == 0) {
    execv(argv[0], argv.data());
    std::cerr << "districtsim: report: cannot run /usr/bin/python3 " << script << " (scripts/setup installs it)\n";
    _exit(kFailure);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : kFailure;
}

int cmd_run(const RunArgs& a, const std::vector<std::string>& argv) {
  const std::string started_at = ds::utc_timestamp();
  const auto start = std::chrono::steady_clock::now();

  ds::LoadResult loaded = ds::load_scenario(a.scenario, a.sets);
  if (!loaded.ok()) {
    print_diagnostics(loaded.diagnostics);
    return kBadInput;
  }
  ds::Scenario s = std::move(*loaded.scenario);
  if (a.replications > 0) s.meta.replications = a.replications;
  if (a.seed_given) s.meta.seed = a.seed;
  if (a.dry_run) {
    if (!output_usable(a.out, a.force)) return kBadInput;
    const std::vector<ds::RunPlan> all =
        ds::plan_replications(static_cast<std::size_t>(s.meta.replications), s.meta.seed);
    std::vector<ds::TimedRun> sample;
    for (std::size_t i = 0; i < ds::calibration_runs(all.size(), a.threads); ++i) sample.push_back({&s, all[i].seed});
    std::cout << s.meta.name << ": " << s.meta.replications << " replications, " << s.meta.years
              << " years, seed " << s.meta.seed << '\n';
    return print_dry_run(sample, all.size(), a.threads, ds::estimate_run(s, a.threads));
  }
  if (!a.no_resource_check && !resources_fit(ds::estimate_run(s, a.threads), a.out, "run"))
    return kBadInput;
  install_signal_handlers();  // before the staging directory exists
  // The output directory is input too: refuse it before running anything.
  std::optional<ds::OutputDir> out = open_output(a.out, a.force);
  if (!out) return kBadInput;

  const std::vector<ds::RunPlan> plans =
      ds::plan_replications(static_cast<std::size_t>(s.meta.replications), s.meta.seed);
  ds::EnsembleOptions opts;
  opts.threads = a.threads;
  opts.cancel = &g_interrupted;

  try {
    ds::RunWriter writer(out->staging(), s);
    std::uint64_t teacher_steps = 0;
    ds::EnsembleStats stats;
    std::size_t done = 0;
    {
      ds::Progress progress(plans.size(),
                            progress_options("run", "replications", a.threads, a.quiet,
                                             "Ctrl-C stops it with nothing written"));
      stats = ds::run_ensemble(
          plans, [&s](const ds::RunPlan& p) { return ds::run_one(s, p.seed); },
          [&](const ds::RunPlan& p, ds::RunResult&& r) {
            teacher_steps += r.teacher_steps;
            writer.add(p.replication, r);
            progress.step();
          },
          opts);
      done = progress.done();
    }
    if (stats.cancelled) return interrupted_before_writing("run", done, plans.size(), "replications");
    const ds::Summary summary = writer.finish();

    ds::RunManifest m;
    m.argv = argv;
    m.overrides = a.sets;
    for (const auto& p : plans) m.seeds.push_back(p.seed);
    m.threads = a.threads;
    m.teacher_steps = teacher_steps;
    m.started_at = started_at;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.wall_seconds = std::round(wall * 1000) / 1000;
    ds::write_manifest(out->staging() / "manifest.json", s, m);
    out->commit();

    if (!a.quiet) {
      std::cout << s.meta.name << ": " << s.meta.replications << " replications, " << s.meta.years
                << " years, seed " << s.meta.seed << ", " << m.wall_seconds << " s on " << a.threads
                << (a.threads == 1 ? " thread\n\n" : " threads\n\n");
      std::cout << ds::key_outcomes_table(summary, s.meta.years) << '\n';
      std::cout << "results in " << a.out
                << ": trajectories.csv summary.csv runs.csv schools.csv manifest.json\n";
    }
    return kOk;
  } catch (const std::exception& e) {
    return failed("run", e, a.out);
  }
}

// ---------------------------------------------------------------- compare

struct CompareArgs : RunArgs {
  std::vector<std::string> scenarios;  // files, the first is the baseline
};

int cmd_compare(const CompareArgs& a, const std::vector<std::string>& argv) {
  const std::string started_at = ds::utc_timestamp();
  const auto start = std::chrono::steady_clock::now();

  // Every problem of every file at once, like `validate`.
  std::vector<ds::Scenario> scenarios;
  bool loaded_all = true;
  for (const auto& f : a.scenarios) {
    ds::LoadResult loaded = ds::load_scenario(f, a.sets);
    if (loaded.ok()) {
      scenarios.push_back(std::move(*loaded.scenario));
    } else {
      print_diagnostics(loaded.diagnostics);
      loaded_all = false;
    }
  }
  if (!loaded_all) return kBadInput;
  // Common random numbers: one set of replication seeds for every scenario.
  const int replications = a.replications > 0 ? a.replications : scenarios[0].meta.replications;
  const std::uint64_t seed = a.seed_given ? a.seed : scenarios[0].meta.seed;
  for (auto& s : scenarios) {
    s.meta.replications = replications;
    s.meta.seed = seed;
  }
  const std::vector<std::string> problems = ds::comparison_problems(scenarios, a.scenarios);
  for (const auto& p : problems) std::cerr << "districtsim: compare: " << p << '\n';
  if (!problems.empty()) return kBadInput;
  if (a.dry_run) {
    if (!output_usable(a.out, a.force)) return kBadInput;
    // Every scenario in turn, on the common replication seeds.
    const std::vector<ds::RunPlan> plans = ds::plan_replications(static_cast<std::size_t>(replications), seed);
    const std::size_t total = plans.size() * scenarios.size();
    std::vector<ds::TimedRun> sample;
    for (std::size_t i = 0; i < ds::calibration_runs(total, a.threads); ++i)
      sample.push_back({&scenarios[i % scenarios.size()], plans[i / scenarios.size()].seed});
    std::cout << scenarios.size() << " scenarios, " << replications << " replications each (" << total
              << " runs), " << scenarios[0].meta.years << " years, seed " << seed << '\n';
    return print_dry_run(sample, total, a.threads, ds::estimate_compare(scenarios, a.threads));
  }
  if (!a.no_resource_check &&
      !resources_fit(ds::estimate_compare(scenarios, a.threads), a.out, "compare"))
    return kBadInput;
  install_signal_handlers();  // before the staging directory exists
  std::optional<ds::OutputDir> out = open_output(a.out, a.force);
  if (!out) return kBadInput;

  try {
    ds::CompareOptions opts;
    opts.threads = a.threads;
    opts.cancel = &g_interrupted;
    ds::Comparison c;
    const std::size_t total = static_cast<std::size_t>(replications) * scenarios.size();
    std::size_t done = 0;
    {
      ds::Progress progress(total, progress_options("compare", "runs", a.threads, a.quiet,
                                                    "Ctrl-C stops it with nothing written"));
      opts.on_run = [&progress] { progress.step(); };
      c = ds::run_comparison(scenarios, out->staging(), opts);
      done = progress.done();
    }
    if (c.cancelled) return interrupted_before_writing("compare", done, total, "runs");
    ds::RunManifest m;
    m.argv = argv;
    m.overrides = a.sets;
    m.seeds = c.seeds;
    m.threads = a.threads;
    m.teacher_steps = c.teacher_steps;
    m.started_at = started_at;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.wall_seconds = std::round(wall * 1000) / 1000;
    ds::write_compare_manifest(out->staging() / "manifest.json", scenarios, m);
    out->commit();

    if (!a.quiet) {
      std::cout << scenarios.size() << " scenarios, " << replications << " replications each, "
                << scenarios[0].meta.years << " years, seed " << seed << ", " << m.wall_seconds
                << " s on " << a.threads << (a.threads == 1 ? " thread\n\n" : " threads\n\n");
      std::cout << ds::comparison_table(c, scenarios[0].meta.years) << '\n';
      std::cout << "results in " << a.out
                << ":\n  trajectories.csv summary.csv runs.csv schools.csv manifest.json\n"
                   "  differences.csv run_differences.csv\n";
    }
    return kOk;
  } catch (const std::exception& e) {
    return failed("compare", e, a.out);
  }
}

// ---------------------------------------------------------------- sweep

struct SweepArgs {
  std::string file;
  std::string out;
  int threads = 1;
  std::vector<std::string> sets;
  std::string shard;  // "K/N", empty for the whole sweep
  bool quiet = false;
  bool force = false;
  bool resume = false;
  bool dry_run = false;
  bool report = false;
  bool no_resource_check = false;
};

void print_warnings(const std::vector<ds::Diagnostic>& warnings) {
  for (const auto& w : warnings) std::cerr << "warning: " << w.to_string() << '\n';
}

// The sweep's manifest fields common to `sweep` and `merge`.
ds::RunManifest sweep_manifest(const ds::SweepSpec& spec, const std::vector<std::string>& argv,
                               const std::vector<std::string>& sets, int threads,
                               std::uint64_t teacher_steps, const std::string& started_at,
                               std::chrono::steady_clock::time_point start) {
  ds::RunManifest m;
  m.argv = argv;
  m.overrides = sets;
  for (std::size_t i = 0; i < spec.replications; ++i) m.seeds.push_back(ds::run_seed(spec, i));
  m.threads = threads;
  m.teacher_steps = teacher_steps;
  m.started_at = started_at;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.wall_seconds = std::round(wall * 1000) / 1000;
  return m;
}

void print_sweep_files(const std::string& out, const ds::SweepSpec& spec, const ds::Design& d) {
  std::cout << "results in " << out << ": points.csv runs.csv point_summary.csv manifest.json";
  if (spec.base.output.trajectories) std::cout << " trajectories.csv";
  if (ds::has_sensitivity_indices(d.kind)) std::cout << " sensitivity.csv";
  std::cout << '\n';
}

// The command that continues this sweep: DISTRICTSIM_RESUME_COMMAND where the
// sweep runs inside a job that is resumed by resubmitting it (the shard jobs of
// scripts/slurm-sweep set it to their own resume command), else the sweep's.
std::string resume_command(const SweepArgs& a) {
  if (const char* job = std::getenv("DISTRICTSIM_RESUME_COMMAND"); job != nullptr && *job != '\0') return job;
  std::string cmd = ds::program_command() + " sweep " + ds::shell_quote(a.file) + " --out " + ds::shell_quote(a.out);
  for (const std::string& s : a.sets) cmd += " --set " + ds::shell_quote(s);
  if (!a.shard.empty()) cmd += " --shard " + a.shard;
  return cmd + " --resume";
}

int cmd_sweep(const SweepArgs& a, const std::vector<std::string>& argv) {
  namespace fs = std::filesystem;
  const std::string started_at = ds::utc_timestamp();
  const auto start = std::chrono::steady_clock::now();
  ds::SweepLoadResult loaded = ds::load_sweep(a.file, a.sets);
  if (!loaded.ok()) {
    print_diagnostics(loaded.diagnostics);
    print_warnings(loaded.warnings);
    return kBadInput;
  }
  print_warnings(loaded.warnings);
  const ds::SweepSpec spec = std::move(*loaded.spec);
  ds::Design design;
  try {
    design = ds::make_design(spec);
  } catch (const std::exception& e) {
    std::cerr << "districtsim: sweep: " << e.what() << '\n';
    return kBadInput;
  }
  ds::SweepShard shard;
  if (!a.shard.empty()) {
    std::string problem;
    const std::optional<ds::SweepShard> parsed = ds::parse_shard(a.shard, problem);
    if (!parsed) {
      std::cerr << "districtsim: sweep: " << problem << '\n';
      return kBadInput;
    }
    shard = *parsed;
  }
  const std::size_t all_runs = design.points * spec.replications;
  const std::size_t runs = ds::shard_size(all_runs, shard);
  // Resuming a sweep that has finished: nothing is left to do.
  if (a.resume && !a.force && ds::sweep_is_complete(a.out, spec, shard)) {
    if (!a.quiet)
      std::cout << a.out << ": the sweep is complete (" << runs << " runs); nothing to resume\n";
    return kOk;
  }
  if (!output_usable(a.out, a.force)) return kBadInput;

  if (a.dry_run) {
    // Only what is left: a --resume counts the runs its journal has.
    std::size_t finished = 0;
    if (a.resume && !a.force) {
      try {
        finished = ds::sweep_runs_to_resume(ds::sweep_work_dir(a.out), spec, design, shard);
      } catch (const std::exception& e) {
        std::cerr << "districtsim: " << e.what() << '\n';
        return kBadInput;
      }
    }
    const std::size_t left = runs - std::min(finished, runs);
    // Calibration: runs at points spread across the design, on the sweep's threads.
    std::vector<ds::Scenario> points;
    std::vector<ds::TimedRun> sample;
    const std::size_t k = ds::calibration_runs(left, a.threads);
    try {
      points.reserve(k);
      for (std::size_t i = 0; i < k; ++i) {
        points.push_back(ds::point_scenario(spec, design, (2 * i + 1) * design.points / (2 * k)));
        sample.push_back({&points.back(), ds::run_seed(spec, i % spec.replications)});
      }
    } catch (const std::exception& e) {
      std::cerr << "districtsim: sweep: " << e.what() << '\n';
      return kBadInput;
    }
    std::cout << spec.file << ": " << ds::to_string(spec.design.kind) << " design, "
              << design.points << " points x " << spec.replications << " replications = "
              << all_runs << " runs";
    if (shard.sharded())
      std::cout << "; shard " << shard.index + 1 << "/" << shard.count << ": " << runs << " runs";
    if (finished > 0) std::cout << "; " << finished << " finished, " << left << " left to resume";
    std::cout << '\n';
    const ds::ResourceEstimate need = ds::estimate_sweep(spec, design.points, runs, shard.sharded(), a.threads);
    return print_dry_run(sample, left, a.threads, need);
  }

  if (!a.no_resource_check &&
      !resources_fit(ds::estimate_sweep(spec, design.points, runs, shard.sharded(), a.threads),
                     a.out, "sweep"))
    return kBadInput;
  install_signal_handlers();  // before the work directory exists
  // Held until the results are in place: a second sweep on this folder
  // (another shell, container or host) is told it is in use, instead of
  // seeing the first one's journal as an interrupted sweep to resume or
  // replace.
  std::optional<ds::OutputLock> lock;
  try {
    lock.emplace(a.out);
  } catch (const std::exception& e) {
    std::cerr << "districtsim: sweep: " << e.what() << '\n';
    return kBadInput;
  }
  const fs::path work_dir = ds::sweep_work_dir(a.out);
  ds::SweepWork work;
  try {
    const ds::SweepInvocation inv{fs::absolute(a.file).lexically_normal(), a.sets, ds::program_identity()};
    work = ds::prepare_sweep_work(work_dir, spec, design, shard, inv, a.resume, a.force);
  } catch (const ds::SweepInputError& e) {
    std::cerr << "districtsim: sweep: " << e.what() << '\n';
    return kBadInput;
  } catch (const std::exception& e) {
    std::cerr << "districtsim: sweep: " << e.what() << '\n';
    return kFailure;
  }
  if (!a.quiet && a.resume)
    std::cerr << (work.resumed ? "resuming: " + std::to_string(work.finished) + " of " +
                                     std::to_string(work.total) + " runs already finished\n"
                               : std::string("nothing to resume; starting the sweep\n"));

  ds::SweepRunResult r;
  try {
    ds::SweepRunOptions opts;
    opts.threads = a.threads;
    opts.cancel = &g_interrupted;
    opts.shard = shard;
    ds::Progress progress(work.total - work.finished,
                          progress_options("sweep", "runs", a.threads, a.quiet,
                                           "Ctrl-C keeps the finished runs for --resume"));
    opts.on_run = [&progress] { progress.step(); };
    r = ds::run_sweep(spec, design, work, opts);
  } catch (const std::exception& e) {
    std::cerr << "districtsim: sweep failed: " << e.what() << "\n(" << work.finished << " of "
              << work.total << " runs finished and kept in " << work_dir.string()
              << "; once the cause is fixed, continue with:\n  " << resume_command(a) << ")\n";
    return g_interrupted.load() ? interrupted_exit() : kFailure;
  }
  if (r.cancelled) {
    std::cerr << "districtsim: interrupted: " << work.finished << " of " << work.total
              << " runs finished and kept in " << work_dir.string() << "; continue with:\n  "
              << resume_command(a) << '\n';
    return interrupted_exit();
  }

  // Every run is in the journal: write the results, all or nothing.
  std::optional<ds::OutputDir> out = open_output(a.out, a.force, &*lock);
  if (!out) return kBadInput;
  try {
    ds::SweepManifestExtra extra;
    extra.resumed_runs = work.resumed ? work.finished - r.executed : 0;
    std::uint64_t teacher_steps = 0;
    if (shard.sharded()) {
      extra.shard = shard;
      teacher_steps = ds::write_shard_results(work, out->staging()).teacher_steps;
    } else {
      teacher_steps = ds::write_sweep_results(spec, design, {work.journal_file()}, out->staging(),
                                              1000, &g_interrupted)
                          .teacher_steps;
    }
    const ds::RunManifest m =
        sweep_manifest(spec, argv, a.sets, a.threads, teacher_steps, started_at, start);
    ds::write_sweep_manifest(out->staging() / "manifest.json", spec, design.points, m, extra);
    out->commit();
    std::error_code ec;
    fs::remove_all(work_dir, ec);
    if (!a.quiet) {
      std::cout << spec.file << ": " << ds::to_string(spec.design.kind) << " design, "
                << design.points << " points x " << spec.replications << " replications";
      if (shard.sharded())
        std::cout << ", shard " << shard.index + 1 << "/" << shard.count << " (" << work.total
                  << " runs)";
      std::cout << ", " << m.wall_seconds << " s on " << a.threads
                << (a.threads == 1 ? " thread\n" : " threads\n");
      if (shard.sharded())
        std::cout << "shard in " << a.out << "; join the shards with " << ds::program_command() << " merge\n";
      else
        print_sweep_files(a.out, spec, design);
    }
    return kOk;
  } catch (const std::exception& e) {
    std::cerr << "districtsim: sweep failed while writing results: " << e.what()
              << "\n(nothing written to " << a.out << "; the finished runs are kept in "
              << work_dir.string() << ": " << resume_command(a) << " writes them)\n";
    return g_interrupted.load() ? interrupted_exit() : kFailure;
  }
}

// ---------------------------------------------------------------- merge

struct MergeArgs {
  std::vector<std::string> shards;
  std::string out;
  bool quiet = false;
  bool force = false;
  bool report = false;
  bool no_resource_check = false;
};

int cmd_merge(const MergeArgs& a, const std::vector<std::string>& argv) {
  namespace fs = std::filesystem;
  const std::string started_at = ds::utc_timestamp();
  const auto start = std::chrono::steady_clock::now();
  const std::vector<fs::path> dirs(a.shards.begin(), a.shards.end());
  ds::SweepInvocation inv;
  try {
    inv = ds::shard_invocation(dirs);
  } catch (const std::exception& e) {
    std::cerr << "districtsim: merge: " << e.what() << '\n';
    return kBadInput;
  }
  // The sweep is loaded again from its file: its definition must still be
  // the one every shard ran.
  ds::SweepLoadResult loaded = ds::load_sweep(inv.file, inv.sets);
  if (!loaded.ok()) {
    std::cerr << "districtsim: merge: the shards' sweep file " << inv.file.string()
              << " no longer loads:\n";
    print_diagnostics(loaded.diagnostics);
    return kBadInput;
  }
  const ds::SweepSpec spec = std::move(*loaded.spec);
  ds::Design design;
  try {
    design = ds::make_design(spec);
  } catch (const std::exception& e) {
    std::cerr << "districtsim: merge: " << e.what() << '\n';
    return kBadInput;
  }
  ds::MergeShards shards;
  try {
    shards = ds::check_shards(dirs, spec, design);
  } catch (const ds::SweepInputError& e) {
    std::cerr << "districtsim: merge: " << e.what() << '\n';
    return kBadInput;
  }
  // The result files of the whole sweep, written from the journals (no runs).
  if (!a.no_resource_check &&
      !resources_fit(ds::estimate_sweep(spec, design.points, 0, false, 1), a.out, "merge"))
    return kBadInput;
  install_signal_handlers();
  std::optional<ds::OutputDir> out = open_output(a.out, a.force);
  if (!out) return kBadInput;
  try {
    const ds::SweepTotals t =
        ds::write_sweep_results(spec, design, shards.journals, out->staging(), 1000, &g_interrupted);
    ds::SweepManifestExtra extra;
    extra.merged_shards = shards.count;
    extra.resumed_runs = shards.resumed_runs;
    const ds::RunManifest m = sweep_manifest(spec, argv, inv.sets, 1, t.teacher_steps, started_at, start);
    ds::write_sweep_manifest(out->staging() / "manifest.json", spec, design.points, m, extra);
    out->commit();
    if (!a.quiet) {
      std::cout << shards.count << " shards of " << inv.file.string()
                << " merged: " << design.points << " points x " << spec.replications
                << " replications\n";
      print_sweep_files(a.out, spec, design);
    }
    return kOk;
  } catch (const std::exception& e) {
    return failed("merge", e, a.out);
  }
}

// ---------------------------------------------------------------- validate

// A sweep file has a [sweep] table: its first table header is `[sweep]` or
// `[sweep.…]` (comments and blank lines skipped). Anything else, and files
// that cannot be read, go to load_scenario, which reports them (a [sweep]
// table after other tables is then an unknown key there).
bool is_sweep_text(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    const std::string t = line.substr(b);
    if (t.rfind("[sweep]", 0) == 0 || t.rfind("[sweep.", 0) == 0 || t.rfind("[ sweep", 0) == 0)
      return true;
    if (t[0] == '[') return false;  // the first table is not [sweep]
  }
  return false;
}

// Each file is read once, with the loaders' own limits (so a pipe is not
// consumed by a first look, and /dev/zero is not read without end), and
// loaded by the same code as `run` and `sweep` load it: a regular file by
// name, anything else (a pipe, a process substitution) from what was read.
int cmd_validate(const std::vector<std::string>& files, const std::vector<std::string>& sets) {
  namespace fs = std::filesystem;
  bool all_ok = true;
  for (const auto& f : files) {
    std::string text, error;
    if (!ds::loader::read_limited(f, ds::kMaxScenarioBytes, text, error)) {
      print_diagnostics({ds::Diagnostic{f, 0, 0, "", "cannot read file: " + error, ""}});
      all_ok = false;
      continue;
    }
    std::error_code ec;
    const bool regular = fs::is_regular_file(f, ec);
    const fs::path dir = fs::path(f).parent_path();
    if (is_sweep_text(text)) {
      const ds::SweepLoadResult r = regular ? ds::load_sweep(f, sets) : ds::load_sweep_text(text, f, dir, sets);
      print_diagnostics(r.diagnostics);
      print_warnings(r.warnings);
      if (r.ok())
        std::cout << f << ": ok (sweep: " << ds::design_points(*r.spec) << " points, "
                  << ds::sweep_runs(*r.spec) << " runs)\n";
      else
        all_ok = false;
      continue;
    }
    const ds::LoadResult r = regular ? ds::load_scenario(f, sets) : ds::load_scenario_text(text, f, dir, sets);
    if (r.ok()) {
      std::cout << f << ": ok\n";
    } else {
      all_ok = false;
      print_diagnostics(r.diagnostics);
    }
  }
  return all_ok ? kOk : kBadInput;
}

// ---------------------------------------------------------------- params

int cmd_params(bool markdown) {
  std::cout << ds::params_listing(markdown);
  return kOk;
}

// The flags `run` and `compare` share; returns the --seed option (whether it
// was given is known only after parsing). `from` names where the defaults of
// --replications and --seed come from.
CLI::Option* add_ensemble_options(CLI::App* cmd, RunArgs& a, const std::string& from) {
  a.threads = std::max(1, tbb::info::default_concurrency());
  cmd->add_option("-o,--out", a.out, "Results directory (written all or nothing)")->required();
  cmd->add_option("-n,--replications", a.replications, "Replications (default: " + from + ")")
      ->check(CLI::Range(1, 100000));
  CLI::Option* seed =
      cmd->add_option("--seed", a.seed, "Base seed (default: " + from + ")")
          ->transform(CLI::Validator(
              [](std::string& v) -> std::string {
                // CLI11 would wrap "-5" into a huge unsigned seed, clamp one
                // above 2^64 - 1 silently, and read "010" as octal (8): the
                // seed is checked as decimal digits and passed on without
                // its leading zeros.
                const bool digits =
                    !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
                const std::string max = std::to_string(std::numeric_limits<std::uint64_t>::max());
                const std::size_t lead = std::min(v.find_first_not_of('0'), v.size());
                const std::string d = lead == v.size() ? "0" : v.substr(lead);
                const bool fits = d.size() < max.size() || (d.size() == max.size() && d <= max);
                if (!digits || !fits) return "must be an integer from 0 to " + max;
                v = d;
                return "";
              },
              "UINT64"));
  cmd->add_option("-j,--threads", a.threads, "Worker threads (default: all hardware threads)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--set", a.sets, "Override a parameter, e.g. strategy.pace=0.8 (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd->add_flag("-q,--quiet", a.quiet, "Print nothing but errors");
  cmd->add_flag("--dry-run", a.dry_run,
                "Time a few runs, print the estimated duration, memory and disk; write nothing");
  cmd->add_flag("-f,--force", a.force, "Replace an existing non-empty results directory");
  cmd->add_flag("--report", a.report, "Also build DIR/report.html (analysis/report.py)");
  cmd->add_flag("--no-resource-check", a.no_resource_check,
                "Run even if the estimated memory or output size exceeds what the machine has");
  return seed;
}

}  // namespace

// The parser's commands, as the command-line hints read them.
std::vector<ds::CommandInfo> describe_commands(CLI::App& app) {
  std::vector<ds::CommandInfo> commands;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    ds::CommandInfo c{sub->get_name(), sub->get_description(), {}, {}, 0};
    for (const CLI::Option* opt : sub->get_options()) {
      if (!opt->nonpositional()) {
        const int most = opt->get_items_expected_max();
        c.max_positionals = c.max_positionals < 0 || most >= CLI::detail::expected_max_vector_size
                                ? -1
                                : c.max_positionals + most;
        continue;
      }
      std::vector<std::string> spellings;
      for (const auto& n : opt->get_lnames()) spellings.push_back("--" + n);
      for (const auto& n : opt->get_snames()) spellings.push_back("-" + n);
      c.options.insert(c.options.end(), spellings.begin(), spellings.end());
      if (opt->get_type_size_max() > 0)
        c.value_options.insert(c.value_options.end(), spellings.begin(), spellings.end());
    }
    commands.push_back(std::move(c));
  }
  return commands;
}

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  // Past a file-size limit (ulimit -f), a write fails with EFBIG, which the
  // writers report, instead of the default SIGXFSZ killing the process
  // without a word.
  ::signal(SIGXFSZ, SIG_IGN);
  if (argc > 0) ds::set_program_command(argv[0]);

  CLI::App app{"districtsim: agent-based simulation of school districts scaling blended learning"};
  app.name("districtsim");
  app.set_version_flag("--version", std::string("districtsim ") + DISTRICTSIM_VERSION + " (git " +
                                        DISTRICTSIM_GIT_COMMIT + ")\nreport support: " + analysis_dir());
  app.require_subcommand(1);

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario's replications and write results");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (TOML)")->required();
  CLI::Option* run_seed = add_ensemble_options(run_cmd, run, "the scenario's");

  CompareArgs compare;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "Run scenarios with common random numbers and compare them with the first");
  compare_cmd
      ->add_option("scenarios", compare.scenarios,
                   "Scenario files (TOML); the first is the baseline")
      ->required()
      ->expected(-2);
  CLI::Option* compare_seed = add_ensemble_options(compare_cmd, compare, "the first scenario's");

  std::vector<std::string> files, validate_sets;
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "Check scenario files without running them");
  validate_cmd->add_option("files", files, "Scenario or sweep files (TOML)")->required();
  validate_cmd->add_option("--set", validate_sets, "Override a parameter (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);

  bool markdown = false;
  CLI::App* params_cmd = app.add_subcommand(
      "params", "List every parameter: key, default, range, unit, meaning, source");
  params_cmd->add_flag("--markdown", markdown, "Print a markdown table (for docs)");

  SweepArgs sweep;
  sweep.threads = std::max(1, tbb::info::default_concurrency());
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Run a parameter sweep (sweep file with a [sweep] table) and write its results");
  sweep_cmd->add_option("sweep", sweep.file, "Sweep file (TOML)")->required();
  sweep_cmd->add_option("-o,--out", sweep.out, "Results directory (written all or nothing)")
      ->required();
  sweep_cmd
      ->add_option("-j,--threads", sweep.threads, "Worker threads (default: all hardware threads)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  sweep_cmd
      ->add_option("--set", sweep.sets,
                   "Override a [sweep] value (sweep.samples=64) or a base scenario parameter")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  sweep_cmd->add_flag("-q,--quiet", sweep.quiet, "Print nothing but errors");
  sweep_cmd->add_flag("-f,--force", sweep.force,
                      "Replace an existing non-empty results directory, and discard the finished "
                      "runs of an interrupted sweep unless --resume");
  sweep_cmd->add_flag("--dry-run", sweep.dry_run,
                      "Print points, runs and an estimated duration; write nothing");
  sweep_cmd->add_flag("--resume", sweep.resume,
                      "Continue an interrupted sweep (finished runs are kept in OUT.partial)");
  sweep_cmd->add_option("--shard", sweep.shard, "Run only the K-th of N parts (join with merge)")
      ->type_name("K/N");
  sweep_cmd->add_flag("--report", sweep.report, "Also build DIR/report.html (analysis/report.py)");
  sweep_cmd->add_flag(
      "--no-resource-check", sweep.no_resource_check,
      "Run even if the estimated memory or output size exceeds what the machine has");

  MergeArgs merge;
  CLI::App* merge_cmd =
      app.add_subcommand("merge", "Join the shards of a sweep (sweep --shard K/N) into its results");
  merge_cmd->add_option("shards", merge.shards, "Shard results directories, all N")
      ->required()
      ->expected(-1);
  merge_cmd->add_option("-o,--out", merge.out, "Results directory (written all or nothing)")
      ->required();
  merge_cmd->add_flag("-q,--quiet", merge.quiet, "Print nothing but errors");
  merge_cmd->add_flag("-f,--force", merge.force, "Replace an existing non-empty results directory");
  merge_cmd->add_flag("--report", merge.report, "Also build DIR/report.html (analysis/report.py)");
  merge_cmd->add_flag(
      "--no-resource-check", merge.no_resource_check,
      "Merge even if the estimated output size exceeds the free space of its filesystem");

  std::string report_dir;
  bool report_png = false;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Turn a results directory (run, compare or sweep) into DIR/report.html");
  report_cmd->add_option("dir", report_dir, "Results directory")->required();
  report_cmd->add_flag("--png", report_png, "Also write each figure as a PNG in DIR/figures/");
  std::vector<std::string> report_heatmaps;
  std::string report_outcome;
  std::vector<std::string> report_material;
  report_cmd
      ->add_option(
          "--heatmap", report_heatmaps,
          "Sweeps: a heatmap over two varied parameters, e.g. strategy.pace,strategy.bundling")
      ->type_name("A,B")
      ->allow_extra_args(false);
  report_cmd->add_option(
      "--outcome", report_outcome,
      "Sweeps: the key outcome, a runs.csv column (default capacity_index_final)");
  report_cmd
      ->add_option("--material", report_material,
                   "Comparisons: the smallest clear difference the bottom line calls material, e.g. "
                   "capacity=0.03 or spending=0.1 (defaults: capacity 0.02, self_sufficiency 0.05, "
                   "equity 0.02, running 0.05, spending 0.05 of the baseline's)")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version; then what was meant, where it can be told (no
    // command, an unknown command or option, two files to `run`); else the
    // parser's own message.
    if (e.get_exit_code() != 0) {
      if (const std::string hint = ds::command_line_hint(args, describe_commands(app)); !hint.empty()) {
        std::cerr << hint << '\n';
        return kBadInput;
      }
    }
    const int code = app.exit(e);  // prints help, version, or the error
    return code == 0 ? kOk : kBadInput;
  }
  run.seed_given = run_seed->count() > 0;
  compare.seed_given = compare_seed->count() > 0;

  if (run_cmd->parsed()) {
    const int rc = cmd_run(run, args);
    return rc == kOk && run.report ? cmd_report(run.out, false, run.quiet) : rc;
  }
  if (compare_cmd->parsed()) {
    const int rc = cmd_compare(compare, args);
    return rc == kOk && compare.report ? cmd_report(compare.out, false, compare.quiet) : rc;
  }
  if (sweep_cmd->parsed()) {
    const int rc = cmd_sweep(sweep, args);
    const bool report = rc == kOk && sweep.report && sweep.shard.empty();
    return report ? cmd_report(sweep.out, false, sweep.quiet) : rc;
  }
  if (merge_cmd->parsed()) {
    const int rc = cmd_merge(merge, args);
    return rc == kOk && merge.report ? cmd_report(merge.out, false, merge.quiet) : rc;
  }
  if (report_cmd->parsed())
    return cmd_report(report_dir, report_png, false, report_heatmaps, report_outcome, report_material);
  if (validate_cmd->parsed()) return cmd_validate(files, validate_sets);
  if (params_cmd->parsed()) return cmd_params(markdown);
  return kBadInput;
}
