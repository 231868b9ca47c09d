#include "stats/quantiles.hpp"

#include <algorithm>
#include <cmath>

namespace ds {

double quantile_type7(const std::vector<double>& sorted, double p) {
  const std::size_t n = sorted.size();
  if (n == 0) return kEmpty;
  const double h = static_cast<double>(n - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= n) return sorted[n - 1];
  const double frac = h - static_cast<double>(lo);
  const double a = sorted[lo], b = sorted[lo + 1];
  // a + frac(b - a), but exact when a == b (no rounding noise from ties).
  return a == b ? a : a + frac * (b - a);
}

CellStats cell_stats(std::vector<double>& values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return is_empty(v); }),
               values.end());
  CellStats s;
  s.n = values.size();
  s.q.fill(kEmpty);
  if (s.n == 0) return s;
  // Sum in the given (replication) order, so the result does not depend on
  // anything but the values; two-pass variance for accuracy.
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(s.n);
  if (s.n >= 2) {
    double ss = 0;
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.sd = std::sqrt(ss / static_cast<double>(s.n - 1));
  }
  std::sort(values.begin(), values.end());
  for (std::size_t i = 0; i < kQuantiles.size(); ++i)
    s.q[i] = quantile_type7(values, kQuantiles[i]);
  return s;
}

}  // namespace ds
