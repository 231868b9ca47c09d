// Sensitivity analysis of one outcome over a sweep's points: Sobol indices
// from a Saltelli design, Morris elementary-effect statistics from a Morris
// design. The input is one value per point, in the design's point order
// (design.hpp), usually the mean of the outcome over the point's
// replications; an empty value (kEmpty, NaN) marks an outcome that a point
// did not have.
//
// Estimators (docs/sweeps.md gives the formulas):
//   first-order S_i   Saltelli et al. (2010), Table 2 (b):
//                       V_i = 1/N sum_j f(B)_j (f(AB_i)_j - f(A)_j)
//   total ST_i        Jansen (1999), as in Saltelli et al. (2010), Table 2 (f):
//                       VT_i = 1/(2N) sum_j (f(A)_j - f(AB_i)_j)^2
//   both divided by V, the variance of the 2N values f(A) and f(B);
//   Morris mu, sigma  Morris (1991): mean and standard deviation of the
//                     elementary effects; mu* the mean of their absolute
//                     values (Campolongo, Cariboni & Saltelli 2007).
// Intervals are percentile bootstraps: resample the N base rows (Sobol) or
// the r effects of a parameter (Morris) with replacement, `samples` times,
// and take the type-7 quantiles at (1 - confidence)/2 and (1 + confidence)/2.
// Resamples draw from Philox streams keyed by `seed`, so intervals are
// reproducible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runs/design.hpp"
#include "model/metrics.hpp"

namespace ds {

struct BootstrapOptions {
  std::size_t samples = 1000;  // resamples; 0 for no intervals
  double confidence = 0.95;
  std::uint64_t seed = 1;  // the sweep seed, as a rule
};

struct Interval {
  double low = kEmpty;
  double high = kEmpty;
};

struct SobolIndex {
  double first = kEmpty;  // S_i
  double total = kEmpty;  // ST_i
  Interval first_ci;
  Interval total_ci;
};

struct SobolResult {
  std::size_t rows = 0;            // base rows used: those with every value present
  std::size_t rows_dropped = 0;    // base rows with an empty value anywhere
  double mean = kEmpty;            // of the f(A) and f(B) values used
  double variance = kEmpty;        // V: of the same values (denominator 2N)
  std::vector<SobolIndex> params;  // in spec order
};

// `y`: N x (D + 2) values in the Saltelli order of design.hpp (per base row:
// A, AB_1, ..., AB_D, B). A base row with any empty value is left out whole
// (its terms are paired). Indices are empty when fewer than 2 rows remain or
// the outcome does not vary (V = 0). Throws std::invalid_argument when
// y.size() is not a multiple of D + 2.
SobolResult sobol_indices(const std::vector<double>& y, std::size_t dims,
                          const BootstrapOptions& opts = {});

struct MorrisIndex {
  double mu = kEmpty;       // mean elementary effect (signed)
  double mu_star = kEmpty;  // mean absolute elementary effect
  double sigma = kEmpty;    // standard deviation of the effects (n - 1); empty when n < 2
  Interval mu_star_ci;
  std::size_t effects = 0;  // elementary effects used (steps with both values present)
};

struct MorrisResult {
  std::vector<MorrisIndex> params;  // in spec order
};

// `d`: the Morris design the points came from; `y`: one value per point.
// An elementary effect is (y after - y before) / (u after - u before) along
// the one coordinate that moved, u in the unit cube: the change of the
// outcome over the whole range of the parameter, so effects of parameters
// with different units compare directly. Steps with an empty value are
// skipped. Throws std::invalid_argument when y does not match the design or
// the design is not a Morris design.
MorrisResult morris_indices(const Design& d, const std::vector<double>& y,
                            const BootstrapOptions& opts = {});

}  // namespace ds
