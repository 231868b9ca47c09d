// `districtsim sweep`: a sweep file's points, journalled so that an
// interrupted sweep resumes; --shard runs a part of it.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <chrono>
#include <cmath>
#include <deque>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "runs/shared_starts.hpp"
#include "runs/sweep_run.hpp"

namespace ds::cli {

namespace {

// The radical inverse of i in base 2 (0.5, 0.25, 0.75, 0.125, ...): points
// that fill [0, 1) evenly however many are taken.
double van_der_corput(std::size_t i) {
  double x = 0, f = 0.5;
  for (; i > 0; i >>= 1, f *= 0.5)
    if (i & 1u) x += f;
  return x;
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

// --dry-run: the points and runs, what a --resume has left, and the time
// and resources it would take, from runs timed (about 2 seconds) at points spread
// across the design; nothing is written.
int sweep_dry_run(const SweepArgs& a, const ds::SweepSpec& spec, const ds::Design& design,
                  const ds::SweepShard& shard) {
  const std::size_t all_runs = design.points * spec.replications;
  const std::size_t runs = ds::shard_size(all_runs, shard);
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
  // Calibration: runs at points spread across the design (the i-th at the
  // i-th fraction of a van der Corput sequence, so that the first runs, and
  // any number after them, are spread), on the sweep's threads, each point
  // built when it is first timed: one that makes an invalid scenario is an
  // input error (print_dry_run).
  std::deque<ds::Scenario> points;
  // As the sweep shares start states (run_sweep), so do its timed runs:
  // their seeds are those of as many replications as are kept, each start
  // built (and timed) before its runs are, and the estimate adds a build for
  // each replication left (at most the runs left).
  std::optional<ds::SharedStarts> starts;
  if (ds::varies_strategy_only(spec)) starts.emplace(spec.base);
  const std::size_t seeds = starts ? std::min(spec.replications, ds::SharedStarts::kKeep) : spec.replications;
  const ds::SampleAt sample_at = [&](std::size_t i) {
    try {
      while (points.size() <= i) {
        const auto at = static_cast<std::size_t>(van_der_corput(points.size() + 1) *
                                                 static_cast<double>(design.points));
        points.push_back(ds::point_scenario(spec, design, at));
      }
    } catch (const std::exception& e) {
      throw ds::SweepInputError(e.what());
    }
    return ds::TimedRun{&points[i], ds::run_seed(spec, i % seeds), starts ? &*starts : nullptr};
  };
  std::cout << spec.file << ": " << ds::to_string(spec.design.kind) << " design, "
            << design.points << " points x " << spec.replications << " replications = "
            << all_runs << " runs";
  if (shard.sharded())
    std::cout << "; shard " << shard.index + 1 << "/" << shard.count << ": " << runs << " runs";
  if (finished > 0) std::cout << "; " << finished << " finished, " << left << " left to resume";
  std::cout << '\n';
  const ds::ResourceEstimate need = ds::estimate_sweep(spec, design.points, runs, shard.sharded(), a.threads);
  return print_dry_run(sample_at, left, a.threads, need, starts ? std::min(spec.replications, left) : 0);
}

// Every run is in the journal: the results written from it, all or
// nothing, and the journal removed once they are in place.
int write_sweep_output(const SweepArgs& a, const std::vector<std::string>& argv, const Started& started,
                       const ds::SweepSpec& spec, const ds::Design& design, const ds::SweepShard& shard,
                       const ds::SweepWork& work, std::size_t executed, const ds::OutputLock& lock) {
  namespace fs = std::filesystem;
  const fs::path work_dir = ds::sweep_work_dir(a.out);
  std::optional<ds::OutputDir> out = open_output(a.out, a.force, &lock);
  if (!out) return kBadInput;
  try {
    ds::SweepManifestExtra extra;
    extra.resumed_runs = work.resumed ? work.finished - executed : 0;
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
        make_manifest(argv, a.sets, sweep_seeds(spec), a.threads, teacher_steps, started);
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

}  // namespace

int cmd_sweep(const SweepArgs& a, const std::vector<std::string>& argv) {
  namespace fs = std::filesystem;
  const Started started;
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

  if (a.dry_run) return sweep_dry_run(a, spec, design, shard);

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

  return write_sweep_output(a, argv, started, spec, design, shard, work, r.executed, *lock);
}

}  // namespace ds::cli
