// What-if comparisons: several scenarios run with the same replication seeds
// (common random numbers, see rng.hpp), their outputs written side by side,
// and the paired difference of every scenario from the first (the baseline).
//
// Plans and memory: the runs are (replication, scenario) pairs ordered by
// replication, so the ensemble's in-order consumer sees every scenario of
// replication r together and pairs them on the fly: it keeps the baseline's
// metric table of the current replication and folds each other scenario's
// difference into a running mean and variance (Welford). No run is held
// beyond its own replication.
//
// Row order: the CSV files are ordered by scenario (file order), then as
// `run` orders them, while runs arrive replication-major. Each scenario gets
// its own RunWriter writing into a hidden subdirectory of the output's
// staging directory; at the end the per-scenario files are concatenated, a
// `scenario` column put in front, and the subdirectories removed. So memory
// stays flat; disk use peaks at twice the trajectories for a moment.
//
// Paired differences (differences.csv, run_differences.csv): for each
// replication, other - baseline; pairs where either value is empty are
// skipped. mean and a 95% Student t interval, mean +- t(0.975, n-1) sd/sqrt n,
// with sd the sample standard deviation of the n differences. The interval is
// empty when n < 2; mean is empty when n = 0.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "output/manifest.hpp"
#include "output/output.hpp"
#include "model/scenario.hpp"

namespace ds {

// ---------------------------------------------------------------- statistics

// Quantile p (0 < p < 1) of Student's t distribution with df > 0 degrees of
// freedom (Boost.Math: exact to double precision, not a table).
double student_t_quantile(double p, double df);

// Paired difference statistics of one quantity over replications.
struct PairedStats {
  std::size_t n = 0;       // pairs with both values present
  double mean = kEmpty;    // kEmpty when n = 0
  double sd = kEmpty;      // sample sd of the differences; kEmpty when n < 2
  double ci_low = kEmpty;  // 95% t interval for the mean; kEmpty when n < 2
  double ci_high = kEmpty;
  // The interval exists and does not contain 0.
  bool excludes_zero() const { return n >= 2 && (ci_low > 0 || ci_high < 0); }
};

// Mean and variance of other - baseline, accumulated one pair at a time;
// pairs with an empty value are skipped. The mean is the plain sum over n
// (so differences of 0/1 indicators carry no rounding residue and identical
// scenarios give exactly 0); the variance is Welford's (1962) running sum of
// squares, accurate however large the values. Both sum in the order of
// add(), so results do not depend on thread count when the caller adds in
// replication order.
class PairedDifference {
 public:
  void add(double baseline, double other);
  PairedStats stats() const;

 private:
  std::size_t n_ = 0;
  double sum_ = 0;
  double mean_ = 0;  // Welford's running mean, for m2_
  double m2_ = 0;
};

// ---------------------------------------------------------------- comparison

// Why these scenarios cannot be compared ("" each when they can): different
// `scenario.years` (the pairing is by year), different `output.frequency`
// (the pairing is by output row), or a repeated `scenario.name` (the name is
// the key in every output). `files` names each scenario in the messages.
std::vector<std::string> comparison_problems(const std::vector<Scenario>& scenarios,
                                             const std::vector<std::string>& files);

struct CompareOptions {
  int threads = 1;                            // worker threads (>= 1)
  const std::atomic<bool>* cancel = nullptr;  // as EnsembleOptions::cancel
  std::function<void()> on_run;               // after each run is consumed (progress)
  // SummaryAccumulator budget for all scenarios together (values).
  std::size_t summary_budget = SummaryAccumulator::kDefaultBudget;
};

// What a comparison keeps for the terminal and the manifest.
struct Comparison {
  std::vector<std::string> names;  // per scenario
  std::vector<Summary> summaries;  // per scenario
  std::vector<int> year, month;    // output rows (as MetricTable)
  // differences[s][row * kMetricCount + metric], s >= 1 (differences[0] is
  // empty): scenario s minus scenario 0.
  std::vector<std::vector<PairedStats>> differences;
  // run_differences[s][output], s >= 1: the per-run outputs.
  std::vector<std::vector<PairedStats>> run_differences;
  std::vector<std::uint64_t> seeds;  // per replication, shared by all scenarios
  std::uint64_t teacher_steps = 0;
  bool cancelled = false;  // stopped by opts.cancel; files incomplete
};

// Runs scenarios[0].meta.replications replications of every scenario with
// the seeds replication_seed(scenarios[0].meta.seed, r) and writes into
// `dir`: trajectories.csv, summary.csv, runs.csv, schools.csv (as `run`, with
// a leading `scenario` column), differences.csv
// (`scenario,year,[month,]metric,mean,ci_low,ci_high`) and run_differences.csv
// (`scenario,output,mean,ci_low,ci_high,n`). The scenarios must pass
// comparison_problems(). Throws on a failed run or an I/O error (RunError
// names the replication; the message names the scenario).
Comparison run_comparison(const std::vector<Scenario>& scenarios, const std::filesystem::path& dir,
                          const CompareOptions& opts);

// manifest.json of a comparison: like run's, with "kind": "compare",
// "scenario_files" and "scenarios" (each resolved scenario as run writes
// one, with the common seed and replications), and "baseline".
void write_compare_manifest(const std::filesystem::path& file,
                            const std::vector<Scenario>& scenarios, const RunManifest& m);

// The key outcomes side by side for the terminal, one block per year (3, 5,
// 10 and the horizon, those that exist): per scenario the median, and for
// each scenario after the first the mean paired difference with its 95%
// interval, marked `*` when the interval excludes zero. Lines stay within
// `width` columns: scenarios that do not fit continue in another block.
std::string comparison_table(const Comparison& c, int horizon, std::size_t width = 100);

}  // namespace ds
