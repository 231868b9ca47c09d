// Helpers for pattern-oriented validation: run a scenario file's
// replications in parallel, pair two scenarios replication by replication
// (common random numbers: replication r has the same seed in both), and
// give the mean paired difference with its 95% t-interval.
#pragma once

#include <tbb/parallel_for.h>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenario_loader.hpp"
#include "schedule.hpp"

namespace validation {

inline constexpr int kReplications = 40;

inline std::string scenario_path(const std::string& name) {
  return std::string(DISTRICTSIM_SOURCE_DIR) + "/scenarios/validation/" + name + ".toml";
}

// All replications of a validation scenario, with the reference's seed.
inline std::vector<ds::RunResult> run(const std::string& name, int n = kReplications) {
  const ds::LoadResult loaded = ds::load_scenario(scenario_path(name));
  if (!loaded.ok()) throw std::runtime_error(name + ": " + loaded.diagnostics.front().to_string());
  const ds::Scenario& sc = *loaded.scenario;
  std::vector<ds::RunResult> out(static_cast<std::size_t>(n));
  tbb::parallel_for(0, n, [&](int r) {
    out[static_cast<std::size_t>(r)] = ds::run_one(sc, ds::replication_seed(sc.meta.seed, static_cast<std::uint64_t>(r)));
  });
  return out;
}

// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom
// (Cornish-Fisher expansion around the normal; error < 0.002 for df >= 10).
inline double t975(double df) {
  const double z = 1.959963984540054;
  const double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

struct Interval {
  double mean = 0, low = 0, high = 0;
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

// Paired difference value(a) - k * value(b), replication by replication.
inline Interval paired(const std::vector<ds::RunResult>& a, const std::vector<ds::RunResult>& b,
                       const Value& value, double k = 1.0) {
  std::vector<double> d;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) d.push_back(value(a[i]) - k * value(b[i]));
  return interval(d);
}

}  // namespace validation
