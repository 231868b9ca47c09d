// Unit tests of the sampling designs and run orders (sim/runs/design.cpp): sizes,
// structure of each design, determinism, value mapping, point scenarios and
// the coverage order.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runs/design.hpp"
#include "engine/schedule.hpp"
#include "support.hpp"

using namespace ds;

namespace {

SweepParam range(double min, double max, ParamType type = ParamType::Real) {
  SweepParam p;
  p.key = std::string("x");  // (not = "x": GCC 12 -Wrestrict false positive, PR 105329)
  p.type = type;
  p.kind = DomainKind::Range;
  p.min = min;
  p.max = max;
  return p;
}

SweepParam list(std::vector<double> values) {
  SweepParam p;
  p.key = std::string("x");  // (not = "x": GCC 12 -Wrestrict false positive, PR 105329)
  p.type = ParamType::Real;
  p.kind = DomainKind::Values;
  p.values = std::move(values);
  return p;
}

DesignSettings settings(DesignKind kind, std::size_t samples = 0, std::uint64_t seed = 1) {
  DesignSettings s;
  s.kind = kind;
  s.samples = samples;
  s.seed = seed;
  return s;
}

bool in_unit_cube(const Design& d) {
  return std::all_of(d.unit.begin(), d.unit.end(), [](double u) { return u >= 0 && u <= 1; });
}

}  // namespace

TEST_CASE("factorial: the cartesian product, last parameter fastest", "[design]") {
  const std::vector<SweepParam> params = {list({1, 2}), list({10, 20, 30}), list({0.5})};
  const Design d = make_design(settings(DesignKind::Factorial), params);
  REQUIRE(d.points == 6);
  CHECK(d.group_size == 1);
  CHECK(design_points(settings(DesignKind::Factorial), params) == 6);
  std::vector<std::vector<double>> got;
  for (std::size_t i = 0; i < d.points; ++i) got.push_back(point_values(params, d, i));
  CHECK(got ==
        std::vector<std::vector<double>>{
            {1, 10, 0.5}, {1, 20, 0.5}, {1, 30, 0.5}, {2, 10, 0.5}, {2, 20, 0.5}, {2, 30, 0.5}});
}

TEST_CASE("lhs: each parameter's N strata are each hit once", "[design]") {
  const std::size_t n = 97;
  const std::vector<SweepParam> params = {range(0, 1), range(-5, 5), range(0, 1), range(0, 1)};
  const Design d = make_design(settings(DesignKind::Lhs, n, 42), params);
  REQUIRE(d.points == n);
  REQUIRE(in_unit_cube(d));
  for (std::size_t j = 0; j < d.dims; ++j) {
    std::vector<int> hits(n, 0);
    for (std::size_t i = 0; i < n; ++i) ++hits[static_cast<std::size_t>(d.u(i, j) * n)];
    CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
  }
  // Dimensions are permuted independently: not all on the diagonal.
  std::size_t same = 0;
  for (std::size_t i = 0; i < n; ++i)
    same += static_cast<std::size_t>(d.u(i, 0) * n) == static_cast<std::size_t>(d.u(i, 2) * n);
  CHECK(same < 10);
}

TEST_CASE("lhs: a list is drawn in equal shares", "[design]") {
  std::vector<SweepParam> params = {list({1, 2, 3}), range(0, 1)};
  const Design d = make_design(settings(DesignKind::Lhs, 30, 3), params);
  std::map<double, int> count;
  for (std::size_t i = 0; i < d.points; ++i) ++count[param_value(params[0], d.u(i, 0))];
  CHECK(count == std::map<double, int>{{1, 10}, {2, 10}, {3, 10}});
}

TEST_CASE("designs are deterministic in the spec and change with the seed", "[design]") {
  const std::vector<SweepParam> params = {range(0, 1), range(0, 1), range(0, 1)};
  // Sobol too: its digital shift is keyed by the seed.
  for (DesignKind kind : {DesignKind::Lhs, DesignKind::Random, DesignKind::Morris, DesignKind::Sobol}) {
    INFO(to_string(kind));
    DesignSettings s = settings(kind, 16, 5);
    s.trajectories = 6;
    const Design a = make_design(s, params);
    const Design b = make_design(s, params);
    CHECK(a.unit == b.unit);
    s.seed = 6;
    CHECK(make_design(s, params).unit != a.unit);
  }
}

TEST_CASE("random: independent points, a larger sample extends a smaller one", "[design]") {
  const std::vector<SweepParam> params = {range(0, 1), range(0, 1)};
  const Design small = make_design(settings(DesignKind::Random, 10, 9), params);
  const Design large = make_design(settings(DesignKind::Random, 1000, 9), params);
  REQUIRE(in_unit_cube(large));
  CHECK(std::equal(small.unit.begin(), small.unit.end(), large.unit.begin()));
  double sum = 0;
  for (double u : large.unit) sum += u;
  CHECK(sum / static_cast<double>(large.unit.size()) == Approx(0.5).margin(0.02));
}

TEST_CASE("random: weighted values come up in proportion to their weights", "[design]") {
  SweepParam w = list({0.2, 0.5, 0.8});
  w.kind = DomainKind::Weighted;
  w.weights = {52, 26, 22};
  const std::vector<SweepParam> params = {w};
  const Design d = make_design(settings(DesignKind::Random, 20000, 4), params);
  std::map<double, int> count;
  for (std::size_t i = 0; i < d.points; ++i) ++count[param_value(w, d.u(i, 0))];
  CHECK(count[0.2] / 20000.0 == Approx(0.52).margin(0.015));
  CHECK(count[0.5] / 20000.0 == Approx(0.26).margin(0.015));
  CHECK(count[0.8] / 20000.0 == Approx(0.22).margin(0.015));
}

TEST_CASE("random: a binned range draws each bin in proportion, uniform inside", "[design]") {
  // "Leans build 52%, in between 26%, leans buy 22%": thirds of 0..1.
  SweepParam dial = range(0, 1);
  dial.weights = {52, 26, 22};
  const std::vector<SweepParam> params = {dial};
  const std::size_t n = 30000;
  const Design d = make_design(settings(DesignKind::Random, n, 6), params);
  std::vector<int> third(3, 0);
  std::vector<int> sixth(6, 0);
  bool inside = true;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = param_value(dial, d.u(i, 0));
    inside = inside && v >= 0 && v <= 1;
    ++third[std::min(2, static_cast<int>(v * 3))];
    ++sixth[std::min(5, static_cast<int>(v * 6))];
  }
  CHECK(inside);
  CHECK(third[0] / double(n) == Approx(0.52).margin(0.01));
  CHECK(third[1] / double(n) == Approx(0.26).margin(0.01));
  CHECK(third[2] / double(n) == Approx(0.22).margin(0.01));
  // Uniform inside a bin: both halves of each third equally often.
  for (int b = 0; b < 3; ++b) CHECK(sixth[2 * b] / double(third[b]) == Approx(0.5).margin(0.02));
  // The mapping at the bin edges.
  CHECK(param_value(dial, 0) == 0);
  CHECK(param_value(dial, 0.52) == Approx(1.0 / 3));
  CHECK(param_value(dial, 0.78) == Approx(2.0 / 3));
  CHECK(param_value(dial, 1) == 1);
  // Integers: bins of the integer grid, each integer of a bin equally likely.
  SweepParam count = range(1, 6, ParamType::Int);
  count.weights = {1, 3};  // 1..3 with a quarter, 4..6 with three quarters
  std::map<double, int> c;
  for (int i = 0; i < 1200; ++i) ++c[param_value(count, (i + 0.5) / 1200)];
  CHECK(c == std::map<double, int>{{1, 100}, {2, 100}, {3, 100}, {4, 300}, {5, 300}, {6, 300}});
}

TEST_CASE("sobol: N x (D + 2) points in Saltelli's row order", "[design]") {
  const std::size_t n = 64, dims = 3;
  const std::vector<SweepParam> params(dims, range(0, 1));
  const Design d = make_design(settings(DesignKind::Sobol, n), params);
  REQUIRE(d.points == n * (dims + 2));
  CHECK(d.group_size == dims + 2);
  CHECK(d.groups() == n);
  REQUIRE(in_unit_cube(d));
  // A and B never share a coordinate: the plain sequence's first point is
  // 0.5 everywhere (A = B) and its early points often tie across coordinates
  // j and D + j; skipping 64 points and the digital shift remove that.
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t j = 0; j < dims; ++j) CHECK(d.u(r * (dims + 2), j) != d.u(r * (dims + 2) + dims + 1, j));
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t a = r * (dims + 2), b = a + dims + 1;
    for (std::size_t i = 0; i < dims; ++i) {
      const std::size_t ab = a + 1 + i;
      for (std::size_t j = 0; j < dims; ++j) CHECK(d.u(ab, j) == (j == i ? d.u(b, j) : d.u(a, j)));
    }
  }
  // A and B come from a 2D-dimensional low-discrepancy sequence: points
  // 64..127 put one value per stratum of width 1/64 in every coordinate, and
  // the digital shift keeps that.
  for (std::size_t j = 0; j < dims; ++j) {
    std::set<int> a_strata, b_strata;
    for (std::size_t r = 0; r < n; ++r) {
      a_strata.insert(static_cast<int>(d.u(r * (dims + 2), j) * 64));
      b_strata.insert(static_cast<int>(d.u(r * (dims + 2) + dims + 1, j) * 64));
    }
    CHECK(a_strata.size() == 64);
    CHECK(b_strata.size() == 64);
  }
  // The shift is keyed by the seed: another seed, other points, same strata.
  DesignSettings other = settings(DesignKind::Sobol, n);
  other.seed += 1;
  CHECK(make_design(other, params).unit != d.unit);
}

TEST_CASE("morris: r trajectories of D + 1 points on the p-level grid", "[design]") {
  const std::size_t dims = 5, r = 40;
  for (int p : {4, 6, 5, 2}) {
    INFO("levels " << p);
    DesignSettings s = settings(DesignKind::Morris, 0, 8);
    s.trajectories = r;
    s.levels = p;
    const std::vector<SweepParam> params(dims, range(0, 1));
    const Design d = make_design(s, params);
    REQUIRE(d.points == r * (dims + 1));
    CHECK(d.group_size == dims + 1);
    const double delta = static_cast<double>(p / 2) / (p - 1);
    if (p % 2 == 0) CHECK(delta == Approx(p / (2.0 * (p - 1))));
    std::set<double> up_starts, down_starts;
    for (std::size_t t = 0; t < r; ++t) {
      std::vector<int> moved(dims, 0);
      for (std::size_t k = 0; k <= dims; ++k) {
        const std::size_t i = t * (dims + 1) + k;
        for (std::size_t j = 0; j < dims; ++j) {
          const double level = d.u(i, j) * (p - 1);
          CHECK(level == Approx(std::round(level)).margin(1e-12));  // on the grid
        }
        if (k == 0) continue;
        int changes = 0;
        for (std::size_t j = 0; j < dims; ++j) {
          const double step = d.u(i, j) - d.u(i - 1, j);
          if (step == 0) continue;
          ++changes;
          ++moved[j];
          CHECK(std::fabs(step) == Approx(delta));
          (step > 0 ? up_starts : down_starts).insert(d.u(i - 1, j));
        }
        CHECK(changes == 1);
      }
      CHECK(std::all_of(moved.begin(), moved.end(), [](int m) { return m == 1; }));
    }
    // Orientation is randomized: steps go both up and down.
    CHECK_FALSE(up_starts.empty());
    CHECK_FALSE(down_starts.empty());
  }
}

TEST_CASE("param_value maps the unit interval onto each kind of domain", "[design]") {
  const SweepParam real = range(2, 4);
  CHECK(param_value(real, 0) == 2);
  CHECK(param_value(real, 0.5) == 3);
  CHECK(param_value(real, 1) == 4);
  // Integers: each of 0..4 gets a fifth of [0, 1); 1 maps to the maximum.
  const SweepParam integer = range(0, 4, ParamType::Int);
  std::map<double, int> count;
  for (int i = 0; i < 1000; ++i) ++count[param_value(integer, (i + 0.5) / 1000)];
  CHECK(count == std::map<double, int>{{0, 200}, {1, 200}, {2, 200}, {3, 200}, {4, 200}});
  CHECK(param_value(integer, 1) == 4);
  // The Morris grid of 4 levels on 0..10: 0, 3, 7, 10.
  const SweepParam ten = range(0, 10, ParamType::Int);
  CHECK(param_value(ten, 0) == 0);
  CHECK(param_value(ten, 1.0 / 3) == 3);
  CHECK(param_value(ten, 2.0 / 3) == 7);
  CHECK(param_value(ten, 1) == 10);
  const SweepParam l = list({5, 6, 7});
  CHECK(param_value(l, 0.0) == 5);
  CHECK(param_value(l, 0.34) == 6);
  CHECK(param_value(l, 0.999) == 7);
  CHECK(param_value(l, 1.0) == 7);
  SweepParam w = list({1, 2});
  w.kind = DomainKind::Weighted;
  w.weights = {3, 1};
  CHECK(param_value(w, 0.74) == 1);
  CHECK(param_value(w, 0.76) == 2);
  CHECK(param_value(w, 1.0) == 2);
}

TEST_CASE("a point's scenario is the base with the point's values", "[design]") {
  test::TempDir dir;
  test::write_file(dir / "base.toml",
                   "[scenario]\nyears = 6\nreplications = 2\n[district]\nschools = 8\n"
                   "[[events]]\nyear = 3\nkind = \"budget_cut\"\nmagnitude = 0.2\n");
  test::write_file(dir / "s.toml",
                   "[sweep]\nscenario = \"base.toml\"\ndesign = \"factorial\"\n"
                   "[sweep.parameters]\n\"district.schools\" = [4, 12]\n"
                   "\"strategy.pace\" = [0.25, 0.75]\n\"events[1].magnitude\" = [0.1, 0.3]\n");
  const SweepLoadResult r = load_sweep(dir / "s.toml");
  REQUIRE(r.ok());
  const SweepSpec& spec = *r.spec;
  const Design d = make_design(spec);
  REQUIRE(d.points == 8);
  const Scenario s = point_scenario(spec, d, 5);  // (12, 0.25, 0.3)
  CHECK(s.district.schools == 12);
  CHECK(s.strategy.pace == 0.25);
  CHECK(s.events[0].magnitude == 0.3);
  CHECK(s.meta.years == 6);
  CHECK(check_point(spec, d, 5).empty());

  // A point that breaks a rule is refused when its scenario is built.
  SweepSpec broken = spec;
  broken.params[0].values = {4, 5000};
  CHECK_FALSE(check_point(broken, d, 5).empty());
  CHECK_THROWS_WITH(point_scenario(broken, d, 5),
                    Catch::Contains("sweep point 5 (district.schools = 5000, strategy.pace = 0.25, "
                                    "events[1].magnitude = 0.3) makes an invalid scenario"));
  CHECK_THROWS(point_scenario(spec, d, 8));
}

TEST_CASE("replication r uses the same seed at every point", "[design]") {
  SweepSpec spec;
  spec.design.seed = 77;
  for (std::size_t r = 0; r < 5; ++r) CHECK(run_seed(spec, r) == replication_seed(77, r));
  CHECK(run_seed(spec, 0) != run_seed(spec, 1));
}

TEST_CASE("the coverage order is a replication-major permutation of the runs", "[design]") {
  const std::size_t dims = 2, reps = 3;
  DesignSettings s = settings(DesignKind::Morris);
  s.trajectories = 4;
  const std::vector<SweepParam> params(dims, range(0, 1));
  const Design d = make_design(s, params);
  const RunOrder order = coverage_order(params, d, reps);
  REQUIRE(order.size() == d.points * reps);
  std::set<std::size_t> seen;
  for (std::size_t pos = 0; pos < order.size(); ++pos) {
    const RunId run = order.at(pos);
    CHECK(run.replication == pos / d.points);
    CHECK(order.position(run) == pos);
    seen.insert(output_index(run, reps));
  }
  CHECK(seen.size() == order.size());
  // Trajectories stay whole and in order.
  for (std::size_t pos = 0; pos < d.points; ++pos) CHECK(order.at(pos).point == pos);
}

TEST_CASE("factorial runs go in diagonal order: balanced prefixes", "[design]") {
  SECTION("3^4: every prefix of a multiple of 3 runs has each level equally often") {
    const std::vector<std::size_t> levels = {3, 3, 3, 3};
    const std::vector<std::size_t> order = diagonal_order(levels);
    REQUIRE(order.size() == 81);
    CHECK(std::set<std::size_t>(order.begin(), order.end()).size() == 81);
    for (std::size_t len = 3; len <= 81; len += 3) {
      for (std::size_t j = 0; j < 4; ++j) {
        std::vector<int> count(3, 0);
        for (std::size_t n = 0; n < len; ++n) {
          std::size_t p = order[n];
          for (std::size_t k = 3; k > j; --k) p /= 3;
          ++count[p % 3];
        }
        INFO("prefix " << len << ", parameter " << j);
        CHECK((count[0] == count[1] && count[1] == count[2]));
      }
    }
  }
  SECTION("2^3: the first half is a balanced half-fraction") {
    const std::vector<std::size_t> order = diagonal_order({2, 2, 2});
    std::vector<int> ones(3, 0);
    for (std::size_t n = 0; n < 4; ++n)
      for (std::size_t j = 0; j < 3; ++j) ones[j] += (order[n] >> (2 - j)) & 1;
    CHECK(ones == std::vector<int>{2, 2, 2});
  }
  SECTION("unequal levels: the parameter with most levels cycles fastest") {
    const std::vector<std::size_t> order = diagonal_order({2, 6});
    REQUIRE(order.size() == 12);
    CHECK(std::set<std::size_t>(order.begin(), order.end()).size() == 12);
    std::set<std::size_t> second;
    std::vector<int> first(2, 0);
    for (std::size_t n = 0; n < 6; ++n) {
      second.insert(order[n] % 6);
      ++first[order[n] / 6];
    }
    CHECK(second.size() == 6);
    CHECK(first == std::vector<int>{3, 3});
  }
  SECTION("the run order of a factorial design uses it") {
    const std::vector<SweepParam> params = {list({1, 2, 3}), list({1, 2, 3})};
    const Design d = make_design(settings(DesignKind::Factorial), params);
    const RunOrder order = coverage_order(params, d, 2);
    const std::vector<std::size_t> diag = diagonal_order({3, 3});
    for (std::size_t pos = 0; pos < 18; ++pos)
      CHECK(order.at(pos) == RunId{diag[pos % 9], pos / 9});
  }
}

TEST_CASE("a shipped sweep's points run through run_one", "[design]") {
  // Small versions: the base scenario shrunk with --set.
  const SweepLoadResult r =
      load_sweep(std::filesystem::path(DISTRICTSIM_SOURCE_DIR) / "scenarios" / "sweeps" /
                     "example_factorial.toml",
                 {"scenario.years=3", "district.schools=6", "district.teachers_per_school=10"});
  REQUIRE(r.ok());
  const SweepSpec& spec = *r.spec;
  const Design d = make_design(spec);
  REQUIRE(d.points == 9);
  const RunOrder order = coverage_order(spec, d);
  CHECK(order.size() == 9 * spec.replications);
  const RunId first = order.at(0);
  const RunId second = order.at(1);
  CHECK(first.replication == 0);
  CHECK(second.replication == 0);
  CHECK(first.point != second.point);
  const RunResult a = run_one(point_scenario(spec, d, first.point), run_seed(spec, 0));
  const RunResult b = run_one(point_scenario(spec, d, second.point), run_seed(spec, 0));
  CHECK(a.seed == b.seed);
  CHECK(a.metrics.rows() == 4);
  const RunResult again = run_one(point_scenario(spec, d, first.point), run_seed(spec, 0));
  // Same point, same seed, same run (bit for bit: empty values are NaN).
  REQUIRE(again.metrics.values.size() == a.metrics.values.size());
  CHECK(std::memcmp(again.metrics.values.data(), a.metrics.values.data(),
                    a.metrics.values.size() * sizeof(double)) == 0);
}

// The designs' table (sim/model/designs.hpp) against the generated designs:
// each row's group size is the one its generator makes, and the groups have
// the structure its sensitivity indices read (a Sobol base row A, AB^(1..D),
// B; a Morris trajectory moving one coordinate a step).
TEST_CASE("group sizes of kDesigns match the generated designs", "[design][designs]") {
  constexpr std::size_t kDims = 3, kSize = 4;
  for (const DesignInfo& row : kDesigns) {
    INFO(row.name);
    std::vector<SweepParam> params(kDims, row.takes_ranges ? range(0, 1) : list({0.2, 0.8}));
    DesignSettings s = settings(row.kind, kSize, 5);
    s.trajectories = kSize;
    const Design d = make_design(s, params);
    CHECK(d.kind == row.kind);
    CHECK(d.group_size == row.group.of(kDims));
    // ... and what each design's method needs, written out (Saltelli: A,
    // AB^(1..D), B; Morris: a start and one step a parameter; the rest
    // stand alone), so that a wrong row fails here, not only in agreement
    // with code that reads the same row.
    const std::string_view name = row.name;
    const std::size_t needed = name == "sobol" ? kDims + 2 : name == "morris" ? kDims + 1 : 1;
    CHECK(d.group_size == needed);
    if (row.size_key) {
      CHECK(d.points == kSize * d.group_size);
      CHECK(d.groups() == kSize);
    } else {
      CHECK(d.points == 8);  // 2 x 2 x 2 combinations
    }
    CHECK(design_points(s, params) == d.points);
    CHECK(d.points % d.group_size == 0);
    for (std::size_t g = 0; g < d.groups(); ++g) {
      const std::size_t first = g * d.group_size;
      if (row.indices == SensitivityIndices::Sobol) {
        const std::size_t b = first + d.group_size - 1;  // A first, B last
        for (std::size_t k = 1; k <= kDims; ++k)
          for (std::size_t j = 0; j < kDims; ++j)
            CHECK(d.u(first + k, j) == d.u(j == k - 1 ? b : first, j));
      } else if (row.indices == SensitivityIndices::Morris) {
        for (std::size_t k = 1; k < d.group_size; ++k) {
          std::size_t moved = 0;
          for (std::size_t j = 0; j < kDims; ++j) moved += d.u(first + k, j) != d.u(first + k - 1, j);
          CHECK(moved == 1);
        }
      }
    }
  }
}
