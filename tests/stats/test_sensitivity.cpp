// Unit tests of the sensitivity measures (sim/stats/sensitivity.cpp) on functions
// with known answers: the Ishigami function (Ishigami & Homma 1990; analytic
// indices in Saltelli et al. 2008, Global Sensitivity Analysis: The Primer),
// a linear model, and a function with an inert parameter for Morris.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <vector>

#include "runs/design.hpp"
#include "stats/sensitivity.hpp"

using namespace ds;

namespace {

constexpr double kPi = 3.14159265358979323846;

SweepParam range(double min, double max) {
  SweepParam p;
  p.key = std::string("x");  // (not = "x": GCC 12 -Wrestrict false positive, PR 105329)
  p.type = ParamType::Real;
  p.kind = DomainKind::Range;
  p.min = min;
  p.max = max;
  return p;
}

using Model = std::function<double(const std::vector<double>&)>;

std::vector<double> evaluate(const std::vector<SweepParam>& params, const Design& d,
                             const Model& f) {
  std::vector<double> y(d.points);
  for (std::size_t i = 0; i < d.points; ++i) y[i] = f(point_values(params, d, i));
  return y;
}

double ishigami(const std::vector<double>& x) {
  const double a = 7, b = 0.1;
  return std::sin(x[0]) + a * std::sin(x[1]) * std::sin(x[1]) +
         b * std::pow(x[2], 4) * std::sin(x[0]);
}

Design sobol_design(const std::vector<SweepParam>& params, std::size_t n) {
  DesignSettings s;
  s.kind = DesignKind::Sobol;
  s.samples = n;
  return make_design(s, params);
}

}  // namespace

TEST_CASE("Sobol indices of the Ishigami function match the analytic values", "[sensitivity]") {
  // Analytic values for a = 7, b = 0.1 on [-pi, pi]^3.
  const double a = 7, b = 0.1;
  const double pi4 = std::pow(kPi, 4), pi8 = std::pow(kPi, 8);
  const double v1 = 0.5 * std::pow(1 + b * pi4 / 5, 2);
  const double v2 = a * a / 8;
  const double v13 = b * b * pi8 * (1.0 / 18 - 1.0 / 50);
  const double v = v1 + v2 + v13;
  const double s1[] = {v1 / v, v2 / v, 0};
  const double st[] = {(v1 + v13) / v, v2 / v, v13 / v};
  CHECK(s1[0] == Approx(0.3139).margin(1e-4));
  CHECK(st[2] == Approx(0.2437).margin(1e-4));

  const std::vector<SweepParam> params(3, range(-kPi, kPi));
  const Design d = sobol_design(params, 4096);
  const std::vector<double> y = evaluate(params, d, ishigami);
  BootstrapOptions opts;
  opts.samples = 500;
  const SobolResult r = sobol_indices(y, 3, opts);
  CHECK(r.rows == 4096);
  CHECK(r.rows_dropped == 0);
  CHECK(r.variance == Approx(v).epsilon(0.03));
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("x" << i + 1 << ": S1 " << r.params[i].first << " [" << r.params[i].first_ci.low << ", "
             << r.params[i].first_ci.high << "], ST " << r.params[i].total << " ["
             << r.params[i].total_ci.low << ", " << r.params[i].total_ci.high << "]");
    CHECK(r.params[i].first == Approx(s1[i]).margin(0.03));
    CHECK(r.params[i].total == Approx(st[i]).margin(0.03));
    // The intervals hold the estimate and (nearly) the truth.
    CHECK(r.params[i].first_ci.low <= r.params[i].first);
    CHECK(r.params[i].first_ci.high >= r.params[i].first);
    CHECK(r.params[i].total_ci.low <= r.params[i].total);
    CHECK(r.params[i].total_ci.high >= r.params[i].total);
    CHECK(r.params[i].first_ci.low - 0.01 <= s1[i]);
    CHECK(r.params[i].first_ci.high + 0.01 >= s1[i]);
    CHECK(r.params[i].total_ci.low - 0.01 <= st[i]);
    CHECK(r.params[i].total_ci.high + 0.01 >= st[i]);
    CHECK(r.params[i].total_ci.high - r.params[i].total_ci.low < 0.1);
  }
}

TEST_CASE("Sobol indices of a linear model are its variance shares", "[sensitivity]") {
  // y = 10 + x1 + 2 x2 + 0 x3, x uniform on [0, 1]: shares 1/5, 4/5, 0; no
  // interactions, so total equals first order.
  const std::vector<SweepParam> params(3, range(0, 1));
  const Design d = sobol_design(params, 1024);
  const std::vector<double> y =
      evaluate(params, d, [](const std::vector<double>& x) { return 10 + x[0] + 2 * x[1]; });
  const SobolResult r = sobol_indices(y, 3);
  CHECK(r.mean == Approx(11.5).epsilon(0.01));
  CHECK(r.params[0].first == Approx(0.2).margin(0.02));
  CHECK(r.params[1].first == Approx(0.8).margin(0.02));
  CHECK(r.params[0].total == Approx(0.2).margin(0.02));
  CHECK(r.params[1].total == Approx(0.8).margin(0.02));
  // An inert parameter: f(AB_3) = f(A) exactly, so both indices are 0.
  CHECK(r.params[2].first == 0);
  CHECK(r.params[2].total == 0);
  CHECK(r.params[2].total_ci.high == 0);
}

TEST_CASE("Sobol bootstrap intervals are reproducible from the seed", "[sensitivity]") {
  const std::vector<SweepParam> params(3, range(-kPi, kPi));
  const Design d = sobol_design(params, 256);
  const std::vector<double> y = evaluate(params, d, ishigami);
  BootstrapOptions opts;
  opts.samples = 200;
  opts.seed = 3;
  const SobolResult a = sobol_indices(y, 3, opts);
  const SobolResult b = sobol_indices(y, 3, opts);
  opts.seed = 4;
  const SobolResult c = sobol_indices(y, 3, opts);
  CHECK(a.params[0].first_ci.low == b.params[0].first_ci.low);
  CHECK(a.params[1].total_ci.high == b.params[1].total_ci.high);
  CHECK(a.params[0].first_ci.low != c.params[0].first_ci.low);
  CHECK(a.params[0].first == c.params[0].first);
  opts.samples = 0;
  const SobolResult none = sobol_indices(y, 3, opts);
  CHECK(is_empty(none.params[0].first_ci.low));
  CHECK(none.params[0].first == a.params[0].first);
}

TEST_CASE("Sobol: rows with an empty value are left out, a constant has no indices",
          "[sensitivity]") {
  const std::vector<SweepParam> params(2, range(0, 1));
  const Design d = sobol_design(params, 512);
  std::vector<double> y =
      evaluate(params, d, [](const std::vector<double>& x) { return x[0] + x[1]; });
  y[3] = kEmpty;      // row 0's B
  y[4 * 5] = kEmpty;  // row 5's A
  const SobolResult r = sobol_indices(y, 2);
  CHECK(r.rows == 510);
  CHECK(r.rows_dropped == 2);
  CHECK(r.params[0].first == Approx(0.5).margin(0.05));

  const std::vector<double> flat(d.points, 3.0);
  const SobolResult c = sobol_indices(flat, 2);
  CHECK(c.variance == 0);
  CHECK(is_empty(c.params[0].first));
  CHECK(is_empty(c.params[1].total));
  CHECK_THROWS_AS(sobol_indices(std::vector<double>(7, 1.0), 2), std::invalid_argument);
}

TEST_CASE("Morris: an inert parameter has mu* = 0, effects are per unit range", "[sensitivity]") {
  // y = x1 + 2 x2^2 + 0 x3 with x1 in 0..5, x2 in 0..1, x3 in 0..10.
  const std::vector<SweepParam> params = {range(0, 5), range(0, 1), range(0, 10)};
  DesignSettings s;
  s.kind = DesignKind::Morris;
  s.trajectories = 30;
  s.levels = 4;
  s.seed = 12;
  const Design d = make_design(s, params);
  const std::vector<double> y = evaluate(
      params, d, [](const std::vector<double>& x) { return x[0] + 2 * x[1] * x[1] + 0 * x[2]; });
  BootstrapOptions opts;
  opts.samples = 300;
  const MorrisResult r = morris_indices(d, y, opts);
  REQUIRE(r.params.size() == 3);
  // Linear in x1: every effect is the change over the whole range, 5.
  CHECK(r.params[0].mu == Approx(5));
  CHECK(r.params[0].mu_star == Approx(5));
  CHECK(r.params[0].sigma == Approx(0).margin(1e-9));
  CHECK(r.params[0].effects == 30);
  // Quadratic in x2: effects 2 (u + u') with steps of 2/3: between 4/3 and 8/3.
  CHECK(r.params[1].mu_star > 1.3);
  CHECK(r.params[1].mu_star < 2.7);
  CHECK(r.params[1].sigma > 0);
  CHECK(r.params[1].mu_star_ci.low <= r.params[1].mu_star);
  CHECK(r.params[1].mu_star_ci.high >= r.params[1].mu_star);
  // Inert.
  CHECK(r.params[2].mu_star == 0);
  CHECK(r.params[2].mu == 0);
  CHECK(r.params[2].sigma == 0);
  CHECK(r.params[2].mu_star_ci.high == 0);
}

TEST_CASE("Morris: mu* sees effects that cancel in mu", "[sensitivity]") {
  // y = (x1 - 0.5)^2 on a 4-level grid: effects of +-1/3 ... that average
  // near zero while |effects| do not.
  const std::vector<SweepParam> params = {range(0, 1), range(0, 1)};
  DesignSettings s;
  s.kind = DesignKind::Morris;
  s.trajectories = 50;
  s.levels = 4;
  s.seed = 2;
  const Design d = make_design(s, params);
  std::vector<double> y =
      evaluate(params, d, [](const std::vector<double>& x) { return (x[0] - 0.5) * (x[0] - 0.5); });
  const MorrisResult r = morris_indices(d, y);
  CHECK(std::fabs(r.params[0].mu) < 0.1);
  CHECK(r.params[0].mu_star > 0.3);
  // An empty value drops the two effects it takes part in.
  y[1] = kEmpty;
  const MorrisResult e = morris_indices(d, y);
  CHECK(e.params[0].effects + e.params[1].effects == 98);
  CHECK_THROWS_AS(morris_indices(d, std::vector<double>(5, 0.0)), std::invalid_argument);
}
