// `districtsim run`: a scenario's replications, written all or nothing.
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "engine/schedule.hpp"
#include "runs/ensemble.hpp"

namespace ds::cli {

int cmd_run(const RunArgs& a, const std::vector<std::string>& argv) {
  const Started started;

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
    const ds::SampleAt sample_at = [&](std::size_t i) { return ds::TimedRun{&s, all[i].seed}; };
    std::cout << s.meta.name << ": " << s.meta.replications << " replications, " << s.meta.years
              << " years, seed " << s.meta.seed << '\n';
    return print_dry_run(sample_at, all.size(), a.threads, ds::estimate_run(s, a.threads));
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

    std::vector<std::uint64_t> seeds;
    for (const auto& p : plans) seeds.push_back(p.seed);
    const ds::RunManifest m = make_manifest(argv, a.sets, std::move(seeds), a.threads, teacher_steps, started);
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

}  // namespace ds::cli
