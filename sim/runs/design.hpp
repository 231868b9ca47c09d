// Sampling designs: a SweepSpec -> the list of points, built before anything
// runs; the scenario of a point; the order runs are executed in.
//
// A design is held in the unit cube: point i has one coordinate u in [0, 1]
// per varied parameter, and param_value() maps a coordinate to the
// parameter's value. Keeping the coordinates (not only the values) lets the
// sensitivity analysis see the design exactly as drawn (Morris steps are
// exact multiples of delta even where an integer parameter rounds), and a
// point costs D doubles however its values are typed.
//
// Every design is a pure function of the spec: same spec (seed included),
// same points, on any machine. Randomness comes from counter-based Philox
// streams keyed by the sweep seed (rng.hpp), one stream per design.
//
// Point order (the `point` column of every output):
//   factorial  the cartesian product, last parameter varying fastest (as an
//              odometer), in sweep-file order of the parameters;
//   lhs        N points; each parameter's N strata each hit once;
//   random     N independent points; point i does not depend on N, so a
//              larger sample extends a smaller one with the same seed;
//   sobol      N base rows of D + 2 points each (Saltelli 2010): row j is
//              A_j, AB_j^(1), ..., AB_j^(D), B_j, where A_j and B_j are the
//              first and last D coordinates of point j of a 2D-dimensional
//              Sobol sequence and AB_j^(i) is A_j with coordinate i from B_j;
//   morris     r trajectories of D + 1 points each (Morris 1991): each
//              trajectory starts on the p-level grid and moves one parameter
//              at a time by +-delta, delta = p / (2 (p - 1)).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/scenario.hpp"
#include "input/scenario_loader.hpp"
#include "input/sweep_spec.hpp"

namespace ds {

struct Design {
  DesignKind kind = DesignKind::Factorial;
  std::size_t points = 0;
  std::size_t dims = 0;  // varied parameters, in spec order
  // Points that belong together for the analysis: a Sobol base row (D + 2)
  // or a Morris trajectory (D + 1); 1 for the other designs. Points of a
  // group are consecutive, and run orders keep groups together.
  std::size_t group_size = 1;
  std::vector<double> unit;  // points x dims, row-major, each in [0, 1]

  double u(std::size_t point, std::size_t dim) const { return unit[point * dims + dim]; }
  const double* row(std::size_t point) const { return unit.data() + point * dims; }
  std::size_t groups() const { return group_size ? points / group_size : 0; }
};

// Generates the points of a design. Throws std::invalid_argument when the
// settings are impossible (load_sweep refuses those first).
Design make_design(const DesignSettings& settings, const std::vector<SweepParam>& params);
inline Design make_design(const SweepSpec& spec) { return make_design(spec.design, spec.params); }

// The value of `p` at unit coordinate u (encoded as in SweepParam):
//   binned range (weights): u is first moved to the same cumulative share
//               of the piecewise-uniform distribution, then mapped as a range;
//   Real range  min + u (max - min), kept within [min, max];
//   Int range   min + floor(u (max - min + 1)), at most max: the integers of
//               the range each get an equal share of [0, 1) (plain rounding
//               of a real would give the two end values half a share);
//   a list      values[floor(u k)], at most the last: equal shares;
//   weighted    the value whose cumulative weight share first exceeds u.
double param_value(const SweepParam& p, double u);

// The values of every varied parameter at `point`, in spec order.
std::vector<double> point_values(const std::vector<SweepParam>& params, const Design& d,
                                 std::size_t point);

// The base scenario with the point's values written in (requires resolved
// SweepParam::ref, as load_sweep gives). check_point returns check_scenario's
// diagnostics for it; point_scenario throws std::runtime_error naming the
// point and the first problem if there is any.
std::vector<Diagnostic> check_point(const SweepSpec& spec, const Design& d, std::size_t point);
Scenario point_scenario(const SweepSpec& spec, const Design& d, std::size_t point);

// ------------------------------------------------------------------ runs

// A run is (point, replication). Replication r runs with the same seed at
// every point, run_seed(spec, r) = replication_seed(spec seed, r): the same
// seeds as `districtsim run` with that seed, and common random numbers
// across the points of the sweep.
struct RunId {
  std::size_t point = 0;
  std::size_t replication = 0;
  bool operator==(const RunId&) const = default;
};

std::uint64_t run_seed(const SweepSpec& spec, std::size_t replication);

// The output order, point-major: index = point x replications + replication.
inline std::size_t output_index(RunId r, std::size_t replications) {
  return r.point * replications + r.replication;
}

// The execution order of a sweep's runs, chosen so that a sweep stopped at
// any moment has covered the space evenly:
//   - replication-major: every point's replication 0, then every point's
//     replication 1, ...; a partial sweep has (almost) every point, with
//     one replication fewer at some;
//   - within a replication, groups of points (Sobol rows, Morris
//     trajectories) stay together and in design order: a prefix of a
//     Sobol sequence is itself evenly spread, and lhs, random and morris
//     points are in random order already;
//   - factorial points go in a "diagonal" mixed-radix order: with the
//     parameters sorted by number of levels (most first; k_1 >= k_2 ...),
//     the n-th run has digits a_1 (fastest), a_2, ... of n in radices
//     k_1, k_2, ..., and parameter j takes level (a_1 + ... + a_j) mod k_j.
//     Every parameter moves at every step, and in any prefix whose length
//     is a multiple of k_1 each level of a parameter with k_1 levels (and
//     of any parameter whose level count divides k_1) appears equally often;
//     the odometer order would hold the first parameter at its first level
//     for the first 1/k of the sweep.
// Memory: one index per group (a permutation and its inverse).
class RunOrder {
 public:
  RunOrder() = default;
  // `group_order`: a permutation of 0..groups-1.
  RunOrder(std::vector<std::size_t> group_order, std::size_t group_size, std::size_t replications);

  std::size_t size() const { return points_ * replications_; }
  std::size_t points() const { return points_; }
  std::size_t replications() const { return replications_; }
  // The run at `position` in execution order (0 <= position < size()).
  RunId at(std::size_t position) const;
  // Where a run comes in execution order (the inverse of at()).
  std::size_t position(RunId run) const;
  const std::vector<std::size_t>& group_order() const { return order_; }

 private:
  std::vector<std::size_t> order_, inverse_;
  std::size_t group_size_ = 1;
  std::size_t points_ = 0;
  std::size_t replications_ = 0;
};

// The coverage order described above for a design of `params`.
RunOrder coverage_order(const std::vector<SweepParam>& params, const Design& d,
                        std::size_t replications);
inline RunOrder coverage_order(const SweepSpec& spec, const Design& d) {
  return coverage_order(spec.params, d, spec.replications);
}

// The permutation used for factorial designs: position n -> point index,
// for a cartesian product of lists with `levels[j]` values each (last
// varying fastest in point indices). Exposed for tests.
std::vector<std::size_t> diagonal_order(const std::vector<std::size_t>& levels);

}  // namespace ds
