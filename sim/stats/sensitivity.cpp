// Sobol and Morris sensitivity measures (sensitivity.hpp).
#include "stats/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "stats/quantiles.hpp"
#include "engine/rng.hpp"

namespace ds {

namespace {

namespace sensitivity_streams {
inline constexpr std::uint32_t kSobolBootstrap = stream_id("sensitivity.sobol_bootstrap");
inline constexpr std::uint32_t kMorrisBootstrap = stream_id("sensitivity.morris_bootstrap");
}  // namespace sensitivity_streams

std::uint32_t low32(std::size_t i) { return static_cast<std::uint32_t>(i); }

Interval percentile_interval(std::vector<double>& values, double confidence) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return is_empty(v); }),
               values.end());
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  const double tail = (1.0 - confidence) / 2.0;
  return {quantile_type7(values, tail), quantile_type7(values, 1.0 - tail)};
}

// The complete base rows, centred: values are shifted by the mean of f(A)
// and f(B), which leaves every index unchanged in expectation and keeps the
// first-order estimator's products from carrying the outcome's level.
struct SaltelliRows {
  std::size_t dims = 0;
  std::vector<double> a, b;  // per row
  std::vector<double> ab;    // rows x dims
  std::size_t rows() const { return a.size(); }
};

// S_i and ST_i from the rows listed in `pick` (indices into rows, repeats
// allowed), written to first[i] and total[i].
void estimate(const SaltelliRows& r, const std::vector<std::size_t>& pick,
              std::vector<double>& first, std::vector<double>& total) {
  const std::size_t n = pick.size(), dims = r.dims;
  double sum = 0;
  for (std::size_t j : pick) sum += r.a[j] + r.b[j];
  const double mean = sum / static_cast<double>(2 * n);
  double ss = 0;
  for (std::size_t j : pick)
    ss += (r.a[j] - mean) * (r.a[j] - mean) + (r.b[j] - mean) * (r.b[j] - mean);
  const double var = ss / static_cast<double>(2 * n);
  first.assign(dims, kEmpty);
  total.assign(dims, kEmpty);
  if (!(var > 0)) return;
  for (std::size_t i = 0; i < dims; ++i) {
    double vi = 0, vt = 0;
    for (std::size_t j : pick) {
      const double abi = r.ab[j * dims + i];
      vi += r.b[j] * (abi - r.a[j]);
      vt += (r.a[j] - abi) * (r.a[j] - abi);
    }
    first[i] = vi / static_cast<double>(n) / var;
    total[i] = vt / static_cast<double>(2 * n) / var;
  }
}

}  // namespace

SobolResult sobol_indices(const std::vector<double>& y, std::size_t dims,
                          const BootstrapOptions& opts) {
  const std::size_t g = dims + 2;
  if (dims == 0 || y.size() % g != 0)
    throw std::invalid_argument("sobol_indices: " + std::to_string(y.size()) +
                                " values do not make rows of D + 2 = " + std::to_string(g));
  const std::size_t rows = y.size() / g;
  SobolResult result;
  result.params.assign(dims, SobolIndex{});
  SaltelliRows r;
  r.dims = dims;
  for (std::size_t j = 0; j < rows; ++j) {
    const double* row = y.data() + j * g;
    if (std::any_of(row, row + g, [](double v) { return is_empty(v); })) {
      ++result.rows_dropped;
      continue;
    }
    r.a.push_back(row[0]);
    r.b.push_back(row[dims + 1]);
    r.ab.insert(r.ab.end(), row + 1, row + 1 + dims);
  }
  result.rows = r.rows();
  if (result.rows == 0) return result;
  double sum = 0;
  for (std::size_t j = 0; j < r.rows(); ++j) sum += r.a[j] + r.b[j];
  const double mean = sum / static_cast<double>(2 * r.rows());
  double ss = 0;
  for (std::size_t j = 0; j < r.rows(); ++j)
    ss += (r.a[j] - mean) * (r.a[j] - mean) + (r.b[j] - mean) * (r.b[j] - mean);
  result.mean = mean;
  result.variance = ss / static_cast<double>(2 * r.rows());
  if (result.rows < 2) return result;
  for (double& v : r.a) v -= mean;
  for (double& v : r.b) v -= mean;
  for (double& v : r.ab) v -= mean;

  std::vector<std::size_t> pick(r.rows());
  for (std::size_t j = 0; j < pick.size(); ++j) pick[j] = j;
  std::vector<double> first, total;
  estimate(r, pick, first, total);
  for (std::size_t i = 0; i < dims; ++i) {
    result.params[i].first = first[i];
    result.params[i].total = total[i];
  }
  if (opts.samples == 0 || is_empty(first[0])) return result;

  // Bootstrap: resample b draws its N rows from its own counter.
  std::vector<std::vector<double>> boot_first(dims), boot_total(dims);
  for (auto& v : boot_first) v.reserve(opts.samples);
  for (auto& v : boot_total) v.reserve(opts.samples);
  const auto n = static_cast<std::uint32_t>(r.rows());
  for (std::size_t b = 0; b < opts.samples; ++b) {
    Draws draws(opts.seed, sensitivity_streams::kSobolBootstrap, low32(b), 0);
    for (auto& j : pick) j = draws.below(n);
    estimate(r, pick, first, total);
    for (std::size_t i = 0; i < dims; ++i) {
      boot_first[i].push_back(first[i]);
      boot_total[i].push_back(total[i]);
    }
  }
  for (std::size_t i = 0; i < dims; ++i) {
    result.params[i].first_ci = percentile_interval(boot_first[i], opts.confidence);
    result.params[i].total_ci = percentile_interval(boot_total[i], opts.confidence);
  }
  return result;
}

MorrisResult morris_indices(const Design& d, const std::vector<double>& y,
                            const BootstrapOptions& opts) {
  const DesignInfo& info = design_info(d.kind);
  if (info.indices != SensitivityIndices::Morris || d.group_size != info.group.of(d.dims))
    throw std::invalid_argument("morris_indices: not a Morris design");
  if (y.size() != d.points)
    throw std::invalid_argument("morris_indices: " + std::to_string(y.size()) + " values for " +
                                std::to_string(d.points) + " points");
  const std::size_t dims = d.dims;
  std::vector<std::vector<double>> effects(dims);
  for (std::size_t t = 0; t < d.groups(); ++t) {
    const std::size_t first = t * d.group_size;
    for (std::size_t k = 1; k <= dims; ++k) {
      const std::size_t before = first + k - 1, after = first + k;
      std::size_t moved = dims;
      for (std::size_t j = 0; j < dims; ++j) {
        if (d.u(after, j) != d.u(before, j)) {
          if (moved != dims)
            throw std::invalid_argument("morris_indices: a step moves two coordinates");
          moved = j;
        }
      }
      if (moved == dims) throw std::invalid_argument("morris_indices: a step moves nothing");
      if (is_empty(y[before]) || is_empty(y[after])) continue;
      effects[moved].push_back((y[after] - y[before]) / (d.u(after, moved) - d.u(before, moved)));
    }
  }
  MorrisResult result;
  result.params.assign(dims, MorrisIndex{});
  for (std::size_t j = 0; j < dims; ++j) {
    const std::vector<double>& e = effects[j];
    MorrisIndex& m = result.params[j];
    m.effects = e.size();
    if (e.empty()) continue;
    const auto n = static_cast<double>(e.size());
    double sum = 0, abs_sum = 0;
    for (double v : e) {
      sum += v;
      abs_sum += std::fabs(v);
    }
    m.mu = sum / n;
    m.mu_star = abs_sum / n;
    if (e.size() >= 2) {
      double ss = 0;
      for (double v : e) ss += (v - m.mu) * (v - m.mu);
      m.sigma = std::sqrt(ss / (n - 1));
    }
    if (opts.samples == 0) continue;
    std::vector<double> boot;
    boot.reserve(opts.samples);
    const auto count = static_cast<std::uint32_t>(e.size());
    for (std::size_t b = 0; b < opts.samples; ++b) {
      Draws draws(opts.seed, sensitivity_streams::kMorrisBootstrap, low32(b), low32(j));
      double s = 0;
      for (std::size_t i = 0; i < e.size(); ++i) s += std::fabs(e[draws.below(count)]);
      boot.push_back(s / n);
    }
    m.mu_star_ci = percentile_interval(boot, opts.confidence);
  }
  return result;
}

}  // namespace ds
