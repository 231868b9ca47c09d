// `districtsim merge`: the shards of a sweep joined into its results.
#include <filesystem>
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "runs/sweep_run.hpp"

namespace ds::cli {

int cmd_merge(const MergeArgs& a, const std::vector<std::string>& argv) {
  namespace fs = std::filesystem;
  const Started started;
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
    const ds::RunManifest m = make_manifest(argv, inv.sets, sweep_seeds(spec), 1, t.teacher_steps, started);
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

}  // namespace ds::cli
