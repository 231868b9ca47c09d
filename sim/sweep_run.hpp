// Running a sweep (`districtsim sweep`): every (point, replication) run of a
// design, in parallel, streamed to CSV files in output order.
//
// Files (all in `dir`, which the caller stages with OutputDir):
//   points.csv         point, then one column per varied parameter (dotted key)
//   runs.csv           point,replication,seed, the per-run outputs, then each
//                      yearly metric at years 3, 5, 10 (those before the
//                      horizon) and the horizon: <metric>_y3 ... <metric>_final
//   point_summary.csv  point,outcome,mean,sd,p05..p95 over replications, for
//                      every value column of runs.csv
//   trajectories.csv   point,replication,year,[month,]metrics; only when the
//                      base scenario has [output] trajectories = true
//   sensitivity.csv    sobol: outcome,parameter,index,value,ci_low,ci_high
//                      morris: outcome,parameter,mu,mu_star,sigma,
//                              mu_star_ci_low,mu_star_ci_high
// Rows are in (point, replication) order. This first version also executes
// runs in that order (point-major; the ensemble's ordered consumer streams
// rows), not in coverage_order: resume is not implemented yet.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "design.hpp"
#include "output.hpp"
#include "sweep_spec.hpp"

namespace ds {

struct SweepRunOptions {
  int threads = 1;
  const std::atomic<bool>* cancel = nullptr;
  std::function<void()> on_run;  // after each consumed run (progress)
  std::size_t bootstrap = 1000;  // resamples for sensitivity intervals
};

struct SweepRunResult {
  std::size_t points = 0;
  std::size_t runs = 0;
  std::uint64_t teacher_steps = 0;
  bool cancelled = false;
};

// The runs.csv value columns (after point,replication,seed): the outcomes of
// point_summary.csv and sensitivity.csv. `horizon` is scenario.years.
std::vector<std::string> sweep_outcome_names(int horizon);

// The years reported in runs.csv besides the horizon: 3, 5, 10, those < horizon.
std::vector<int> sweep_report_years(int horizon);

// Runs the sweep and writes its CSV files into `dir` (not the manifest).
SweepRunResult run_sweep(const SweepSpec& spec, const Design& design,
                         const std::filesystem::path& dir, const SweepRunOptions& opts);

// manifest.json of a sweep: kind "sweep", version, git commit, command line,
// sweep file, overrides, the sweep definition (canonical_text), design,
// points, replications, seeds, teacher_steps, threads, started_at,
// wall_seconds and the resolved base scenario.
void write_sweep_manifest(const std::filesystem::path& file, const SweepSpec& spec,
                          std::size_t points, const RunManifest& m);

}  // namespace ds
