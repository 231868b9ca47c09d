#include <catch2/catch.hpp>

#include <cmath>

#include "model/params.hpp"
#include "engine/schedule.hpp"

using namespace ds;

namespace {
Scenario small() {
  Scenario sc;
  sc.partners.push_back(default_partner());
  sc.meta.years = 12;
  sc.district.schools = 12;
  sc.district.teachers_per_school = 20;
  return sc;
}
bool same(const RunResult& a, const RunResult& b) {
  if (a.metrics.values.size() != b.metrics.values.size()) return false;
  for (std::size_t i = 0; i < a.metrics.values.size(); ++i) {
    const double x = a.metrics.values[i], y = b.metrics.values[i];
    if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
  }
  return true;
}
}  // namespace

TEST_CASE("a run is a pure function of scenario and seed", "[schedule]") {
  const Scenario sc = small();
  CHECK(same(run_one(sc, 5), run_one(sc, 5)));
  CHECK_FALSE(same(run_one(sc, 5), run_one(sc, 6)));
}

TEST_CASE("yearly and monthly rows follow the time conventions", "[schedule]") {
  Scenario sc = small();
  const RunResult y = run_one(sc, 1);
  REQUIRE(y.metrics.rows() == static_cast<std::size_t>(sc.meta.years + 1));
  CHECK(y.metrics.year.front() == 0);
  CHECK(y.metrics.month.front() == -1);
  sc.output.frequency = Frequency::Month;
  const RunResult m = run_one(sc, 1);
  REQUIRE(m.metrics.rows() == static_cast<std::size_t>(1 + 12 * sc.meta.years));
  CHECK(m.metrics.month[12] == 11);
  // The month-11 row of a year is the yearly row of the same run.
  for (int yr = 0; yr <= sc.meta.years; ++yr)
    for (int k = 0; k < kMetricCount; ++k) {
      const double a = y.metrics.at(y.metrics.year_end_row(yr), static_cast<Metric>(k));
      const double b = m.metrics.at(m.metrics.year_end_row(yr), static_cast<Metric>(k));
      if (static_cast<Metric>(k) == Metric::internal_coach_fte || static_cast<Metric>(k) == Metric::partner_coach_fte)
        continue;
      CHECK((a == b || (std::isnan(a) && std::isnan(b))));
    }
}

TEST_CASE("the withdrawal probe reports only at probe years", "[schedule]") {
  Scenario sc = small();
  sc.output.withdrawal_probe_years = {4, 8};
  const RunResult r = run_one(sc, 3);
  for (int yr = 0; yr <= sc.meta.years; ++yr) {
    const double v = r.metrics.at(r.metrics.year_end_row(yr), Metric::retained_capacity);
    INFO("year " << yr);
    if (yr == 4 || yr == 8) {
      // A probe year with capacity to lose: a ratio, never empty.
      REQUIRE(r.metrics.at(r.metrics.year_end_row(yr), Metric::capacity_index) > 0);
      CHECK(std::isfinite(v));
      CHECK(v >= 0);
    } else {
      CHECK(std::isnan(v));
    }
  }
  // The probe's teacher-steps are counted: 3 more years at each probe.
  Scenario none = sc;
  none.output.withdrawal_probe_years.clear();
  CHECK(r.teacher_steps == run_one(none, 3).teacher_steps + 2u * 3u * 12u * 240u);
}

TEST_CASE("a fixed strategy keeps its dials, outputs stay in range", "[schedule]") {
  Scenario sc = small();
  // A distinct value for each dial, so that a dial written to another's
  // column shows.
  for (int k = 0; k < kDialCount; ++k) dial(sc.strategy, k) = 0.15 + 0.1 * k;
  sc.strategy.adaptivity = 0;
  const RunResult r = run_one(sc, 9);
  for (std::size_t row = 0; row < r.metrics.rows(); ++row) {
    for (int k = 0; k < kDialCount; ++k)
      CHECK(r.metrics.at(row, static_cast<Metric>(static_cast<int>(Metric::centralization) + k)) ==
            dial(sc.strategy, k));
    for (Metric m : {Metric::capacity_index, Metric::schools_launched_share, Metric::self_sufficiency,
                     Metric::momentum, Metric::commitment_mean, Metric::fatigue_mean}) {
      const double v = r.metrics.at(row, m);
      CHECK(v >= 0.0);
      CHECK(v <= 1.0);
    }
  }
  CHECK(r.schools.size() == 12);
}
