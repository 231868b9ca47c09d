// Statistics of one cell (a metric in one output row) over replications:
// the quantile definition and the summary every output and report uses.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "model/metrics.hpp"

namespace ds {

// The one quantile set used everywhere (summary.csv, reports).
inline constexpr std::array<double, 7> kQuantiles = {0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95};
inline constexpr std::array<const char*, 7> kQuantileNames = {"p05", "p10", "p25", "p50",
                                                              "p75", "p90", "p95"};

// Quantile of type 7 (Hyndman & Fan 1996; the default of R and numpy): with
// the n values sorted ascending as x[0..n-1], h = (n-1)p and the result is
// x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). kEmpty when n = 0.
double quantile_type7(const std::vector<double>& sorted, double p);

// Statistics of one metric in one output row, over replications; empty
// values are ignored. mean and quantiles are kEmpty when n = 0; sd is the
// sample standard deviation (n - 1 denominator), kEmpty when n < 2.
struct CellStats {
  std::size_t n = 0;
  double mean = kEmpty;
  double sd = kEmpty;
  std::array<double, kQuantiles.size()> q{};
};

// From unsorted values; sorts `values` in place, skips NaN.
CellStats cell_stats(std::vector<double>& values);

}  // namespace ds
