// `districtsim compare`: scenarios on common random numbers against the first.
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "runs/compare.hpp"
#include "runs/ensemble.hpp"

namespace ds::cli {

int cmd_compare(const CompareArgs& a, const std::vector<std::string>& argv) {
  const Started started;

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
    const ds::SampleAt sample_at = [&](std::size_t i) {
      return ds::TimedRun{&scenarios[i % scenarios.size()], plans[i / scenarios.size()].seed};
    };
    std::cout << scenarios.size() << " scenarios, " << replications << " replications each (" << total
              << " runs), " << scenarios[0].meta.years << " years, seed " << seed << '\n';
    return print_dry_run(sample_at, total, a.threads, ds::estimate_compare(scenarios, a.threads));
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
    const ds::RunManifest m = make_manifest(argv, a.sets, c.seeds, a.threads, c.teacher_steps, started);
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

}  // namespace ds::cli
