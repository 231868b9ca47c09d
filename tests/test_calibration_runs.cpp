// Calibration checks (MODEL.md section 6) measured on whole runs of the
// reference district or with the stages that carry them, recorded for
// scripts/validation-report. Stage-level versions with tighter designs are in
// tests/test_stages.cpp; these say what the model realizes as it runs.
#include <catch2/catch.hpp>

#include <algorithm>

#include "params.hpp"
#include "population.hpp"
#include "stages/stages.hpp"
#include "validation.hpp"

using ds::Metric;
using namespace validation;

namespace {
void expect_within(const char* claim, const Interval& iv, double lo, double hi, const std::string& target) {
  const bool ok = iv.n >= 2 && iv.low >= lo && iv.high <= hi;
  INFO(claim << ": " << iv.str() << " target " << target);
  record("calibration", "calibration", claim, iv, target, ok);
  CHECK(ok);
}
}  // namespace

TEST_CASE("calibration: realized rates", "[validation]") {
  // Teachers leaving their school per year, over the 25 years of the
  // reference (mean need 0.5), fatigue and novices included.
  const auto ref = run("p1_reference");
  expect_within("teachers leaving their school per year (reference, years 1-25)",
                each(ref,
                     [](const ds::RunResult& r) {
                       double s = 0;
                       for (int y = 1; y <= 25; ++y)
                         s += r.metrics.at(r.metrics.year_end_row(y), Metric::teacher_turnover_rate);
                       return s / 25;
                     }),
                0.118, 0.158, "13.8% overall (NCES SASS/TFS 2012-13), within 2 points");

  // Principals and superintendents: the leadership stage over many
  // district-years of the reference's rates.
  ds::Scenario sc;
  sc.partners.push_back(ds::default_partner());
  sc.district.schools = 500;
  sc.district.teachers_per_school = 5;
  std::vector<double> principal, superintendent;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    ds::State st = ds::initial_state(sc, ds::Rng{seed});
    double changes = 0, supers = 0;
    for (int y = 1; y <= 11; ++y) {
      st.clock.year = y;
      std::fill(st.schools.setback_months.begin(), st.schools.setback_months.end(), 0.0);
      const double before = st.district.superintendent_years;
      ds::leadership_turnover(sc, st, ds::Rng{seed});
      if (y == 1) continue;  // no superintendent hazard in year 1 (docs/model.md 6.2)
      for (double m : st.schools.setback_months) changes += m > 0;
      supers += st.district.superintendent_years < before + 1 ? 1 : 0;
    }
    principal.push_back(changes / (10 * 500.0));
    superintendent.push_back(supers / 10.0);
  }
  expect_within("principals leaving their school per year", interval(principal), 0.165, 0.195,
                "about 18% (NCES PFS 2016-17: 82% stayed), within 1.5 points");
  const Interval sup = interval(superintendent);
  expect_within("superintendent changes per year (mean tenure 6 years)", sup, 1.0 / 6 - 0.05, 1.0 / 6 + 0.05,
                "1/6 a year: tenure 6 years, between 5.1 and 8.6 (Broad Center 2018)");

  // Coaching effect in a program of 100+ teachers relative to a small one.
  ds::Scenario d;
  Interval k;
  k.n = 1;
  k.mean = k.low = k.high = ds::program_size_factor(d, 100) / ds::program_size_factor(d, 0);
  const bool ok = k.mean >= 0.4 && k.mean <= 0.65;
  record("calibration", "calibration", "coaching effect at 100 teachers relative to a small program", k,
         "about half (Kraft, Blazar & Hogan 2018), 0.4-0.65", ok);
  CHECK(ok);
}
