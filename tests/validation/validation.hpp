// Helpers for pattern-oriented validation: run a scenario file's
// replications in parallel, pair two scenarios replication by replication
// (common random numbers: replication r has the same seed in both), and
// give the mean paired difference with its 95% t-interval.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "output/output.hpp"
#include "input/scenario_loader.hpp"
#include "engine/schedule.hpp"

namespace validation {

inline constexpr int kReplications = 80;

// Replications for the claims whose effect is small against the spread
// between runs (MODEL.md 7 asks for "enough replications that the 95%
// interval of the paired difference excludes zero"): four times kReplications
// halves the interval. The family's small-effect claims (test_contexts.cpp),
// P6's equity gap in the reference (claims.hpp) and the mid-size grant
// archetype (test_archetypes.cpp) run at it; docs/model.md 1.2 gives the
// measurements over several base seeds behind each.
inline constexpr int kSmallEffect = 320;

// A validation scenario by name (scenarios/validation/NAME.toml), or a shipped
// one by its path under scenarios/ without ".toml" ("archetypes/x" style: any
// name with a '/', e.g. "./reference").
inline std::string scenario_path(const std::string& name) {
  const std::string dir = std::string(DISTRICTSIM_SOURCE_DIR) + "/scenarios/";
  return name.find('/') == std::string::npos ? dir + "validation/" + name + ".toml" : dir + name + ".toml";
}

// The base seed of every validation scenario: the scenario file's, unless
// DISTRICTSIM_VALIDATION_SEED is set (scripts/validation-report --seed), to
// check that a claim does not hang on one stream of random numbers.
inline std::uint64_t base_seed(const ds::Scenario& sc) {
  const char* s = std::getenv("DISTRICTSIM_VALIDATION_SEED");
  return s && *s ? std::stoull(s) : sc.meta.seed;
}

// A scenario by name (see scenario_path), validated.
inline ds::Scenario load(const std::string& name) {
  const ds::LoadResult loaded = ds::load_scenario(scenario_path(name));
  if (!loaded.ok()) throw std::runtime_error(name + ": " + loaded.diagnostics.front().to_string());
  return *loaded.scenario;
}

// Replications first .. first + n - 1 of a scenario (common random numbers:
// the same base seed for every scenario, so replication r of two scenarios
// shares its seed, whatever the number run).
inline std::vector<ds::RunResult> run(const ds::Scenario& sc, int n = kReplications, int first = 0) {
  std::vector<ds::RunResult> out(static_cast<std::size_t>(n));
  tbb::parallel_for(0, n, [&](int r) {
    const auto index = static_cast<std::uint64_t>(first + r);
    out[static_cast<std::size_t>(r)] = ds::run_one(sc, ds::replication_seed(base_seed(sc), index));
  });
  return out;
}

inline std::vector<ds::RunResult> run(const std::string& name, int n = kReplications) { return run(load(name), n); }

// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom
// (Cornish-Fisher expansion around the normal; error < 0.002 for df >= 10).
inline double t975(double df) {
  const double z = 1.959963984540054;
  const double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

// An interval that cannot be formed (fewer than two values, or a ratio with
// nothing in its denominator) is empty: NaN throughout, which holds nothing.
struct Interval {
  double mean = ds::kEmpty, low = ds::kEmpty, high = ds::kEmpty;
  int n = 0;
  bool above_zero() const { return n >= 2 && low > 0; }
  std::string str() const {
    return "mean " + std::to_string(mean) + " [" + std::to_string(low) + ", " + std::to_string(high) +
           "] n=" + std::to_string(n);
  }
};

// 95% interval of the mean of `d` (pairs with an empty value are skipped).
inline Interval interval(const std::vector<double>& d) {
  Interval iv;
  double s = 0, s2 = 0;
  for (double x : d)
    if (!std::isnan(x)) s += x, s2 += x * x, ++iv.n;
  if (iv.n < 2) return iv;
  iv.mean = s / iv.n;
  const double sd = std::sqrt(std::max(0.0, (s2 - iv.n * iv.mean * iv.mean) / (iv.n - 1)));
  const double hw = t975(iv.n - 1) * sd / std::sqrt(static_cast<double>(iv.n));
  iv.low = iv.mean - hw;
  iv.high = iv.mean + hw;
  return iv;
}

using Value = std::function<double(const ds::RunResult&)>;

inline Value metric(ds::Metric m, int year) {
  return [m, year](const ds::RunResult& r) { return r.metrics.at(r.metrics.year_end_row(year), m); };
}
inline Value abs_metric(ds::Metric m, int year) {
  return [m, year](const ds::RunResult& r) { return std::abs(r.metrics.at(r.metrics.year_end_row(year), m)); };
}
inline Value output(ds::RunOutput o) {
  return [o](const ds::RunResult& r) { return r.per_run[static_cast<int>(o)]; };
}

// Years from launch to full implementation in a school (NIRN), per run: the
// median over the schools launched in years 1-15 that got there (ten years or
// more to do it); empty when none did.
inline double median_years_to_full_implementation(const ds::RunResult& r) {
  std::vector<double> y;
  for (const ds::SchoolOutcome& s : r.schools)
    if (s.launch_year >= 1 && s.launch_year <= 15 && s.months_to_full_implementation > 0)
      y.push_back(s.months_to_full_implementation / 12.0);
  std::sort(y.begin(), y.end());
  return ds::quantile_type7(y, 0.5);  // empty when none
}

// Paired difference value(a) - k * value(b), replication by replication.
inline Interval paired(const std::vector<ds::RunResult>& a, const std::vector<ds::RunResult>& b,
                       const Value& value, double k = 1.0) {
  std::vector<double> d;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) d.push_back(value(a[i]) - k * value(b[i]));
  return interval(d);
}

// The value of one run (e.g. a difference of two of its own metrics), for
// claims about a single scenario.
inline Interval each(const std::vector<ds::RunResult>& a, const Value& value) {
  std::vector<double> d;
  for (const auto& r : a) d.push_back(value(r));
  return interval(d);
}

// Percentile bootstrap 95% interval of statistic(indices) over `resamples`
// resamples of the indices 0..n-1 with replacement, the estimate being the
// statistic of all n; a fixed generator, so that the interval is reproducible.
template <class Statistic>
Interval bootstrap(std::size_t n, const Statistic& statistic, int resamples = 4000) {
  Interval iv;
  iv.n = static_cast<int>(n);
  if (n == 0) return iv;
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = i;
  iv.mean = statistic(idx);
  std::mt19937_64 gen(20261123);
  std::uniform_int_distribution<std::size_t> pick(0, n - 1);
  std::vector<double> est(static_cast<std::size_t>(resamples));
  for (auto& e : est) {
    for (auto& i : idx) i = pick(gen);
    e = statistic(idx);
    // A resample whose statistic cannot be formed (0/0) leaves the interval
    // empty: its quantiles would be undefined.
    if (std::isnan(e)) return Interval{iv.mean, ds::kEmpty, ds::kEmpty, iv.n};
  }
  std::sort(est.begin(), est.end());
  iv.low = est[static_cast<std::size_t>(0.025 * (resamples - 1))];
  iv.high = est[static_cast<std::size_t>(0.975 * (resamples - 1))];
  return iv;
}

// Bootstrap interval of the median of `x` (no empty values).
inline Interval bootstrap_median(const std::vector<double>& x) {
  return bootstrap(x.size(), [&x](const std::vector<std::size_t>& idx) {
    std::vector<double> v(idx.size());
    for (std::size_t k = 0; k < idx.size(); ++k) v[k] = x[idx[k]];
    std::sort(v.begin(), v.end());
    return ds::quantile_type7(v, 0.5);
  });
}

// combine(R(a), R(b)) with R(x) = sum of num / sum of den over x's
// replications, and its percentile bootstrap interval: the bootstrap
// resamples replications in pairs, which keeps the common random numbers.
template <class Combine>
Interval ratio_of_means(const std::vector<ds::RunResult>& a, const std::vector<ds::RunResult>& b, const Value& num,
                        const Value& den, const Combine& combine) {
  const std::size_t n = std::min(a.size(), b.size());
  std::vector<double> na(n), da(n), nb(n), db(n);
  for (std::size_t i = 0; i < n; ++i) na[i] = num(a[i]), da[i] = den(a[i]), nb[i] = num(b[i]), db[i] = den(b[i]);
  return bootstrap(n, [&](const std::vector<std::size_t>& idx) {
    double sna = 0, sda = 0, snb = 0, sdb = 0;
    for (std::size_t i : idx) sna += na[i], sda += da[i], snb += nb[i], sdb += db[i];
    return combine(sna / sda, snb / sdb);
  });
}

// R(a) - k R(b): the cost-effectiveness estimator, which stays finite when
// some runs have almost nothing in the denominator (the mean of per-run
// ratios does not; Stinnett & Paltiel 1997).
inline Interval ratio_of_means_difference(const std::vector<ds::RunResult>& a, const std::vector<ds::RunResult>& b,
                                          const Value& num, const Value& den, double k = 1.0) {
  return ratio_of_means(a, b, num, den, [k](double ra, double rb) { return ra - k * rb; });
}

// log(R(a) / R(b)): the same sign as R(a) - R(b), on a scale that stays
// readable when an arm has almost no one in the denominator (the difference
// then runs to millions; the assumption screen uses this).
inline Interval ratio_of_means_log_ratio(const std::vector<ds::RunResult>& a, const std::vector<ds::RunResult>& b,
                                         const Value& num, const Value& den) {
  return ratio_of_means(a, b, num, den, [](double ra, double rb) { return std::log(ra / rb); });
}

// Machine-readable results for scripts/validation-report: when the
// environment variable DISTRICTSIM_VALIDATION_OUT names a file, every checked
// claim appends one tab-separated line to it:
//   kind  group  claim  estimate  low  high  n  target  pass
// (kind: pattern, calibration or dominance). The report formats these lines;
// it computes nothing itself.
inline void record(const std::string& kind, const std::string& group, const std::string& claim,
                   const Interval& iv, const std::string& target, bool pass) {
  const char* path = std::getenv("DISTRICTSIM_VALIDATION_OUT");
  if (!path || !*path) return;
  static std::mutex mu;
  const std::lock_guard<std::mutex> lock(mu);
  std::ofstream out(path, std::ios::app);
  out.precision(6);
  out << kind << '\t' << group << '\t' << claim << '\t' << iv.mean << '\t' << iv.low << '\t' << iv.high << '\t'
      << iv.n << '\t' << target << '\t' << (pass ? 1 : 0) << '\n';
}

}  // namespace validation
