// Sampling designs and run orders (design.hpp).
#include "runs/design.hpp"

#include <algorithm>
#include <iterator>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "engine/rng.hpp"
#include "engine/schedule.hpp"

namespace ds {

namespace {

// The design streams. Names are part of the reproducibility contract: a
// renamed stream changes every lhs, random or morris design drawn with it.
namespace design_streams {
inline constexpr std::uint32_t kLhs = stream_id("sweep.lhs");
inline constexpr std::uint32_t kRandom = stream_id("sweep.random");
inline constexpr std::uint32_t kMorris = stream_id("sweep.morris");
inline constexpr std::uint32_t kSobolShift = stream_id("sweep.sobol_shift");
}  // namespace design_streams

std::uint32_t low32(std::size_t i) { return static_cast<std::uint32_t>(i); }

// Fisher-Yates with draws from `d`.
void shuffle(std::vector<std::size_t>& v, Draws& d) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = d.below(static_cast<std::uint32_t>(i));
    std::swap(v[i - 1], v[j]);
  }
}

void factorial(const DesignSettings&, const std::vector<SweepParam>& params, Design& d) {
  for (const auto& p : params)
    if (p.kind != DomainKind::Values)
      throw std::invalid_argument("design: factorial needs lists (" + p.key + ")");
  const std::size_t dims = params.size();
  for (std::size_t i = 0; i < d.points; ++i) {
    std::size_t rest = i;
    for (std::size_t j = dims; j-- > 0;) {
      const std::size_t k = params[j].values.size();
      const std::size_t level = rest % k;
      rest /= k;
      // The middle of the level's share, so param_value() maps it back.
      d.unit[i * dims + j] = (static_cast<double>(level) + 0.5) / static_cast<double>(k);
    }
  }
}

// Latin hypercube (McKay, Beckman & Conover 1979): per dimension, a random
// permutation assigns each point its own stratum [s/N, (s+1)/N), and a
// uniform draw places it inside. The jitter is scaled by (1 - 1e-9) so that
// rounding can never carry a point into the next stratum.
void lhs(const DesignSettings& s, const std::vector<SweepParam>&, Design& d) {
  const std::size_t n = d.points, dims = d.dims;
  std::vector<std::size_t> stratum(n);
  for (std::size_t j = 0; j < dims; ++j) {
    Draws draws(s.seed, design_streams::kLhs, low32(j), 0);
    std::iota(stratum.begin(), stratum.end(), std::size_t{0});
    shuffle(stratum, draws);
    for (std::size_t i = 0; i < n; ++i) {
      const double jitter = draws.uniform() * (1.0 - 1e-9);
      d.unit[i * dims + j] = (static_cast<double>(stratum[i]) + jitter) / static_cast<double>(n);
    }
  }
}

// Independent uniform coordinates; point i uses its own counter, so it does
// not depend on how many points there are.
void random(const DesignSettings& s, const std::vector<SweepParam>&, Design& d) {
  for (std::size_t i = 0; i < d.points; ++i) {
    Draws draws(s.seed, design_streams::kRandom, low32(i), low32(i >> 32));
    for (std::size_t j = 0; j < d.dims; ++j) d.unit[i * d.dims + j] = draws.uniform();
  }
}

// Saltelli (2010): A and B from one 2D-dimensional Sobol sequence (Joe & Kuo
// direction numbers, as Boost 1.74 ships them), coordinates the top 53 bits
// of Boost's 64. Two changes to the plain sequence keep A and B apart:
//  - its first `skip` points are skipped, skip the smallest power of two >= N
//    (as SALib does): the early points sit on coarse dyadic grids where
//    coordinate j and D + j often coincide (point 1 is 0.5 everywhere, so
//    A = B in that row), which zeroes those rows' elementary differences;
//  - a random digital shift keyed by the seed (each coordinate's 53 bits
//    XOR a mask; L'Ecuyer & Lemieux 2002): it keeps every dyadic
//    stratification of the sequence, so points skip..skip+N-1 still put one
//    value in each 1/N stratum of every coordinate, and makes an exact tie of
//    A_j and B_j (masks differ) a chance of 2^-53.
void sobol(const DesignSettings& s, const std::vector<SweepParam>&, Design& d) {
  if (s.samples < 2) throw std::invalid_argument("design: sobol needs samples >= 2");
  const std::size_t dims = d.dims, rows = s.samples, g = d.group_size;
  boost::random::sobol gen(2 * dims);
  std::size_t skip = 1;
  while (skip < rows) skip *= 2;
  // Boost's first point is point 1 of the sequence (the zero point is never produced).
  for (std::size_t i = 1; i < skip; ++i)
    for (std::size_t j = 0; j < 2 * dims; ++j) (void)gen();
  std::vector<std::uint64_t> mask(2 * dims);
  for (std::size_t j = 0; j < 2 * dims; ++j) {
    Draws draws(s.seed, design_streams::kSobolShift, low32(j), 0);
    mask[j] = static_cast<std::uint64_t>(draws.uniform() * 0x1.0p53);
  }
  std::vector<double> ab(2 * dims);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < 2 * dims; ++j)
      ab[j] = static_cast<double>((gen() >> 11) ^ mask[j]) * 0x1.0p-53;
    double* base = d.unit.data() + r * g * dims;
    for (std::size_t k = 0; k < g; ++k) {
      double* point = base + k * dims;
      // k = 0: A; k = 1..D: A with coordinate k-1 from B; k = D+1: B.
      for (std::size_t j = 0; j < dims; ++j) {
        const bool from_b = k == dims + 1 || k == j + 1;
        point[j] = ab[from_b ? dims + j : j];
      }
    }
  }
}

// Morris (1991) trajectories, in the randomized form of his B* matrix:
// a base point x* on the p-level grid {0, 1/(p-1), ..., 1} with x* + delta
// still on the grid, a random direction per coordinate (start at x* and step
// up, or start at x* + delta and step down), and a random order in which the
// coordinates move. delta = floor(p/2) / (p-1), which is Morris's
// p / (2 (p-1)) for even p and keeps odd p on the grid.
void morris(const DesignSettings& s, const std::vector<SweepParam>&, Design& d) {
  if (s.levels < 2) throw std::invalid_argument("design: morris needs levels >= 2");
  const std::size_t dims = d.dims;
  const int p = s.levels;
  const int step = p / 2;                                   // delta in grid levels
  const auto bases = static_cast<std::uint32_t>(p - step);  // levels l with l + step <= p - 1
  const double scale = 1.0 / static_cast<double>(p - 1);
  std::vector<int> low(dims);
  std::vector<bool> up(dims);
  std::vector<std::size_t> order(dims);
  std::vector<int> level(dims);
  for (std::size_t t = 0; t < s.trajectories; ++t) {
    Draws draws(s.seed, design_streams::kMorris, low32(t), low32(t >> 32));
    for (std::size_t j = 0; j < dims; ++j) {
      low[j] = static_cast<int>(draws.below(bases));
      up[j] = draws.bernoulli(0.5);
      level[j] = up[j] ? low[j] : low[j] + step;
    }
    std::iota(order.begin(), order.end(), std::size_t{0});
    shuffle(order, draws);
    double* base = d.unit.data() + t * (dims + 1) * dims;
    for (std::size_t k = 0; k <= dims; ++k) {
      if (k > 0) {
        const std::size_t j = order[k - 1];
        level[j] = up[j] ? low[j] + step : low[j];
      }
      for (std::size_t j = 0; j < dims; ++j)
        base[k * dims + j] = static_cast<double>(level[j]) * scale;
    }
  }
}

// Each design's generator, one per row of kDesigns (model/designs.hpp), in
// DesignKind order: fills d.unit, sized points x dims.
struct Generator {
  DesignKind kind;
  void (*make)(const DesignSettings&, const std::vector<SweepParam>&, Design&);
};
constexpr Generator kGenerators[] = {
    {DesignKind::Factorial, factorial}, {DesignKind::Lhs, lhs},       {DesignKind::Sobol, sobol},
    {DesignKind::Morris, morris},       {DesignKind::Random, random},
};
constexpr bool generators_in_order() {
  for (std::size_t i = 0; i < std::size(kGenerators); ++i)
    if (static_cast<std::size_t>(kGenerators[i].kind) != i || kGenerators[i].make == nullptr)
      return false;
  return true;
}
static_assert(std::size(kGenerators) == kDesignCount && generators_in_order(),
              "kGenerators: one generator a design, in DesignKind order");

}  // namespace

Design make_design(const DesignSettings& s, const std::vector<SweepParam>& params) {
  Design d;
  d.kind = s.kind;
  d.dims = params.size();
  if (d.dims == 0) throw std::invalid_argument("design: no parameters to vary");
  const std::size_t points = design_points(s, params);
  if (points == 0 || points > kMaxSweepPoints)
    throw std::invalid_argument("design: " + std::to_string(points) + " points");
  d.points = points;
  d.group_size = design_info(s.kind).group.of(d.dims);
  d.unit.assign(d.points * d.dims, 0.0);
  kGenerators[static_cast<std::size_t>(s.kind)].make(s, params, d);
  return d;
}

double param_value(const SweepParam& p, double u) {
  u = std::clamp(u, 0.0, 1.0);
  switch (p.kind) {
    case DomainKind::Range: {
      if (!p.weights.empty()) {
        // Piecewise uniform: find the bin by cumulative weight, then the
        // position inside it; u becomes the same position in a uniform range.
        double total = 0;
        for (double w : p.weights) total += w;
        const double target = u * total;
        const std::size_t bins = p.weights.size();
        double cum = 0;
        std::size_t b = 0;
        while (b + 1 < bins && target >= cum + p.weights[b]) cum += p.weights[b++];
        const double inside = std::clamp((target - cum) / p.weights[b], 0.0, 1.0);
        u = (static_cast<double>(b) + inside) / static_cast<double>(bins);
      }
      if (p.type == ParamType::Int) {
        const double span = p.max - p.min;  // whole number
        return p.min + std::min(std::floor(u * (span + 1)), span);
      }
      return std::clamp(p.min + u * (p.max - p.min), p.min, p.max);
    }
    case DomainKind::Values: {
      const std::size_t k = p.values.size();
      const auto i = static_cast<std::size_t>(u * static_cast<double>(k));
      return p.values[std::min(i, k - 1)];
    }
    case DomainKind::Weighted: {
      double total = 0;
      for (double w : p.weights) total += w;
      const double target = u * total;
      double cum = 0;
      for (std::size_t i = 0; i < p.values.size(); ++i) {
        cum += p.weights[i];
        if (target < cum) return p.values[i];
      }
      return p.values.back();
    }
  }
  return 0;
}

std::vector<double> point_values(const std::vector<SweepParam>& params, const Design& d,
                                 std::size_t point) {
  std::vector<double> v(d.dims);
  for (std::size_t j = 0; j < d.dims; ++j) v[j] = param_value(params[j], d.u(point, j));
  return v;
}

namespace {

Scenario build_point(const SweepSpec& spec, const Design& d, std::size_t point) {
  if (point >= d.points) throw std::out_of_range("sweep: no point " + std::to_string(point));
  Scenario s = spec.base;
  for (std::size_t j = 0; j < d.dims; ++j)
    set_param(spec.params[j], param_value(spec.params[j], d.u(point, j)), s);
  return s;
}

}  // namespace

std::vector<Diagnostic> check_point(const SweepSpec& spec, const Design& d, std::size_t point) {
  return check_scenario(build_point(spec, d, point), spec.file);
}

Scenario point_scenario(const SweepSpec& spec, const Design& d, std::size_t point) {
  Scenario s = build_point(spec, d, point);
  const std::vector<Diagnostic> diags = check_scenario(s, spec.file);
  if (!diags.empty()) {
    std::string values;
    for (std::size_t j = 0; j < d.dims; ++j)
      values += (j ? ", " : "") + spec.params[j].key + " = " +
                value_text(spec.params[j], param_value(spec.params[j], d.u(point, j)));
    throw std::runtime_error("sweep point " + std::to_string(point) + " (" + values +
                             ") makes an invalid scenario: " + diags.front().to_string());
  }
  return s;
}

std::uint64_t run_seed(const SweepSpec& spec, std::size_t replication) {
  return replication_seed(spec.design.seed, replication);
}

// ------------------------------------------------------------------ orders

RunOrder::RunOrder(std::vector<std::size_t> group_order, std::size_t group_size,
                   std::size_t replications)
    : order_(std::move(group_order)),
      group_size_(group_size),
      points_(order_.size() * group_size),
      replications_(replications) {
  if (group_size_ == 0) throw std::invalid_argument("RunOrder: group size 0");
  inverse_.assign(order_.size(), order_.size());
  for (std::size_t i = 0; i < order_.size(); ++i) {
    if (order_[i] >= order_.size() || inverse_[order_[i]] != order_.size())
      throw std::invalid_argument("RunOrder: not a permutation");
    inverse_[order_[i]] = i;
  }
}

RunId RunOrder::at(std::size_t position) const {
  const std::size_t within = position % points_;
  return {order_[within / group_size_] * group_size_ + within % group_size_, position / points_};
}

std::size_t RunOrder::position(RunId run) const {
  return run.replication * points_ + inverse_[run.point / group_size_] * group_size_ +
         run.point % group_size_;
}

std::vector<std::size_t> diagonal_order(const std::vector<std::size_t>& levels) {
  const std::size_t dims = levels.size();
  std::size_t total = 1;
  for (std::size_t k : levels) total *= k;
  // Point-index strides: last parameter fastest.
  std::vector<std::size_t> stride(dims, 1);
  for (std::size_t j = dims; j-- > 1;) stride[j - 1] = stride[j] * levels[j];
  // Digit order: most levels first (stable, so ties keep file order).
  std::vector<std::size_t> by_levels(dims);
  std::iota(by_levels.begin(), by_levels.end(), std::size_t{0});
  std::stable_sort(by_levels.begin(), by_levels.end(),
                   [&](std::size_t a, std::size_t b) { return levels[a] > levels[b]; });
  std::vector<std::size_t> order(total);
  for (std::size_t n = 0; n < total; ++n) {
    std::size_t rest = n, sum = 0, point = 0;
    for (std::size_t j : by_levels) {
      sum += rest % levels[j];
      rest /= levels[j];
      point += (sum % levels[j]) * stride[j];
    }
    order[n] = point;
  }
  return order;
}

RunOrder coverage_order(const std::vector<SweepParam>& params, const Design& d,
                        std::size_t replications) {
  std::vector<std::size_t> order;
  if (points_from_lists(d.kind)) {
    std::vector<std::size_t> levels;
    for (const auto& p : params) levels.push_back(p.values.size());
    order = diagonal_order(levels);
  } else {
    order.resize(d.groups());
    std::iota(order.begin(), order.end(), std::size_t{0});
  }
  return RunOrder(std::move(order), d.group_size, replications);
}

}  // namespace ds
