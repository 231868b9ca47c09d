// The statistics of one cell over replications (sim/stats/quantiles.cpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "stats/quantiles.hpp"

using namespace ds;

TEST_CASE("type-7 quantiles match hand-computed values", "[stats]") {
  const std::vector<double> four = {1, 2, 3, 4};
  // h = (n-1)p: numpy.quantile / R quantile(type = 7) give the same.
  CHECK(quantile_type7(four, 0.05) == Approx(1.15));
  CHECK(quantile_type7(four, 0.10) == Approx(1.30));
  CHECK(quantile_type7(four, 0.25) == Approx(1.75));
  CHECK(quantile_type7(four, 0.50) == Approx(2.50));
  CHECK(quantile_type7(four, 0.75) == Approx(3.25));
  CHECK(quantile_type7(four, 0.95) == Approx(3.85));
  CHECK(quantile_type7(four, 0.0) == 1);
  CHECK(quantile_type7(four, 1.0) == 4);
  CHECK(quantile_type7({7}, 0.05) == 7);
  CHECK(quantile_type7({7}, 0.95) == 7);
  CHECK(is_empty(quantile_type7({}, 0.5)));
  // Ties give the tied value exactly.
  CHECK(quantile_type7({0.1, 0.1, 0.1}, 0.37) == 0.1);
}

TEST_CASE("cell statistics: mean, sample sd, quantiles, empty values ignored", "[stats]") {
  std::vector<double> v = {10, kEmpty, 0, 5, 20, kEmpty, 15};
  const CellStats s = cell_stats(v);
  CHECK(s.n == 5);
  CHECK(s.mean == Approx(10));
  CHECK(s.sd == Approx(std::sqrt(250.0 / 4.0)));
  // sorted 0 5 10 15 20; h = 4p
  CHECK(s.q[0] == Approx(1.0));   // p05: h 0.2
  CHECK(s.q[1] == Approx(2.0));   // p10: h 0.4
  CHECK(s.q[2] == Approx(5.0));   // p25: h 1
  CHECK(s.q[3] == Approx(10.0));  // p50
  CHECK(s.q[4] == Approx(15.0));  // p75
  CHECK(s.q[5] == Approx(18.0));  // p90: h 3.6
  CHECK(s.q[6] == Approx(19.0));  // p95: h 3.8

  std::vector<double> one = {kEmpty, 3};
  const CellStats o = cell_stats(one);
  CHECK(o.n == 1);
  CHECK(o.mean == 3);
  CHECK(is_empty(o.sd));
  CHECK(o.q[0] == 3);

  std::vector<double> none = {kEmpty, kEmpty};
  const CellStats e = cell_stats(none);
  CHECK(e.n == 0);
  CHECK(is_empty(e.mean));
  CHECK(is_empty(e.sd));
  for (double q : e.q) CHECK(is_empty(q));
}
