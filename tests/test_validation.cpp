// Pattern-oriented validation (MODEL.md section 7; Grimm et al. 2005): each
// pattern compares scenarios of scenarios/validation/ with common random
// numbers over kReplications replications, and asserts that the 95% interval
// of the paired difference excludes zero in the stated direction.
// Labelled `validation` in ctest. With DISTRICTSIM_VALIDATION_OUT set, every
// claim is also written out for scripts/validation-report (validation.hpp).
#include <catch2/catch.hpp>

#include "validation.hpp"

using ds::Metric;
using ds::RunOutput;
using namespace validation;

namespace {
std::string current_test() { return Catch::getResultCapture().getCurrentTestName(); }

void expect_positive(const char* claim, const Interval& iv) {
  INFO(claim << ": " << iv.str());
  record("pattern", current_test(), claim, iv, "95% interval above 0", iv.above_zero());
  CHECK(iv.above_zero());
}
}  // namespace

TEST_CASE("P1 long road", "[validation]") {
  const auto ref = run("p1_reference");
  const int years = 25;
  expect_positive("capacity_index at year 5 is under half its year-25 value (cap25 - 2 cap5)",
                  each(ref, [](const ds::RunResult& r) {
                    return r.metrics.at(r.metrics.year_end_row(25), Metric::capacity_index) -
                           2.0 * r.metrics.at(r.metrics.year_end_row(5), Metric::capacity_index);
                  }));
  // "Never" counts as beyond the horizon (years + 1).
  std::vector<double> yts;
  for (const auto& r : ref) {
    const double y = r.per_run[static_cast<int>(RunOutput::years_to_sustainability)];
    yts.push_back(std::isnan(y) ? years + 1.0 : y);
  }
  const Interval med = bootstrap_median(yts);
  const bool ok = med.low >= 10 && med.high <= 25;
  INFO("median years_to_sustainability (never = 26), bootstrap 95%: " << med.str());
  record("pattern", current_test(), "median years_to_sustainability (never counted as 26)", med,
         "bootstrap 95% interval of the median within [10, 25]", ok);
  CHECK(ok);
}

TEST_CASE("P2 buy fast, build last", "[validation]") {
  const auto buy = run("p2_buy"), build = run("p2_build");
  expect_positive("buying beats building on capacity at year 3",
                  paired(buy, build, metric(Metric::capacity_index, 3)));
  expect_positive("building beats buying on self_sufficiency at year 10",
                  paired(build, buy, metric(Metric::self_sufficiency, 10)));
  expect_positive("building beats buying on retained_capacity at year 10",
                  paired(build, buy, metric(Metric::retained_capacity, 10)));
}

TEST_CASE("P4 pace", "[validation]") {
  const auto fast = run("p4_fast"), slow = run("p4_slow");
  expect_positive("fast reaches more schools by year 3",
                  paired(fast, slow, metric(Metric::schools_launched_share, 3)));
  expect_positive("fast has lower skill_mean_reached at year 3",
                  paired(slow, fast, metric(Metric::skill_mean_reached, 3)));
  expect_positive("fast has more fatigue at year 3", paired(fast, slow, metric(Metric::fatigue_mean, 3)));
  expect_positive("slow has a higher depth_mean at year 3", paired(slow, fast, metric(Metric::depth_mean, 3)));
  // While the district scales up. By year 10 the fast district's schools have
  // caught up and slow is still launching shallow new schools, so the depths
  // converge (and later cross); docs/model.md 1.2 says so.
  expect_positive("slow has a higher depth_mean at year 5", paired(slow, fast, metric(Metric::depth_mean, 5)));
}

TEST_CASE("P5 targeting", "[validation]") {
  const auto need = run("p5_need_first"), ready = run("p5_readiness_first");
  expect_positive("need-first has the smaller (absolute) equity gap at year 10",
                  paired(ready, need, abs_metric(Metric::equity_gap, 10)));
  expect_positive("readiness-first has more capacity at year 3",
                  paired(ready, need, metric(Metric::capacity_index, 3)));
  expect_positive("readiness-first has a lower abandoned_share_early",
                  paired(need, ready, output(RunOutput::abandoned_share_early)));
}

TEST_CASE("P6 centralization", "[validation]") {
  const auto central = run("p6_centralized"), loose = run("p6_decentralized");
  expect_positive("centralized has a lower depth_sd at year 10",
                  paired(loose, central, metric(Metric::depth_sd, 10)));
  expect_positive("centralized has a smaller (absolute) equity gap at year 10",
                  paired(loose, central, abs_metric(Metric::equity_gap, 10)));
  expect_positive("decentralized has more commitment at year 10",
                  paired(loose, central, metric(Metric::commitment_mean, 10)));
  const auto central_change = run("p6_centralized_change"), loose_change = run("p6_decentralized_change");
  expect_positive("decentralized keeps the initiative through a superintendent change more often",
                  paired(loose_change, central_change, metric(Metric::initiative_active, 5)));
}

TEST_CASE("P8 bundling", "[validation]") {
  const auto fixe = run("p8_prix_fixe"), carte = run("p8_a_la_carte");
  expect_positive("prix fixe gives a higher depth_mean at year 10",
                  paired(fixe, carte, metric(Metric::depth_mean, 10)));
  expect_positive("prix fixe gives a higher schools_abandoned_share at year 10",
                  paired(fixe, carte, metric(Metric::schools_abandoned_share, 10)));
  const auto fixe_optin = run("p8_prix_fixe_optin"), carte_optin = run("p8_a_la_carte_optin");
  expect_positive("where schools opt in, a-la-carte launches more schools by year 5",
                  paired(carte_optin, fixe_optin, metric(Metric::schools_launched_share, 5)));
}

TEST_CASE("P9 sharing", "[validation]") {
  const auto failures = run("p9_share_failures"), best = run("p9_share_best");
  expect_positive("sharing failures lowers abandoned_share_later",
                  paired(best, failures, output(RunOutput::abandoned_share_later)));
  expect_positive("sharing failures raises capacity by year 10",
                  paired(failures, best, metric(Metric::capacity_index, 10)));
  expect_positive("sharing failures costs momentum in the short run (year 2)",
                  paired(best, failures, metric(Metric::momentum, 2)));
}

TEST_CASE("the t quantile used by the intervals", "[validation-helpers]") {
  CHECK(t975(10) == Approx(2.228).margin(0.003));
  CHECK(t975(39) == Approx(2.023).margin(0.002));
  CHECK(t975(1000) == Approx(1.962).margin(0.001));
}

// Cost per capable teacher as a ratio of means over the replications
// (spending summed over capable teachers summed), not the mean of per-run
// spend_per_capable_teacher: in a run whose initiative ended early a handful
// of capable teachers divide the whole spending, and such runs decided the
// mean of ratios (a paired difference of 294,000 next to a typical 5,500).
TEST_CASE("P10 scale economies", "[validation]") {
  const Value spend = metric(Metric::cumulative_spend, 10);
  const Value capable = [](const ds::RunResult& r) {  // spend / spend_per_capable_teacher, 0 if empty
    const std::size_t row = r.metrics.year_end_row(10);
    const double per = r.metrics.at(row, Metric::spend_per_capable_teacher);
    return std::isnan(per) ? 0.0 : r.metrics.at(row, Metric::cumulative_spend) / per;
  };
  const auto small_buy = run("p10_small_buy"), small_build = run("p10_small_build");
  expect_positive("with 8 schools, buying costs less per capable teacher at year 10 (ratio of means, build - buy)",
                  ratio_of_means_difference(small_build, small_buy, spend, capable));
  const auto large_buy = run("p10_large_buy"), large_build = run("p10_large_build");
  expect_positive("with 100 schools, building costs less per capable teacher at year 10 (ratio of means, buy - build)",
                  ratio_of_means_difference(large_buy, large_build, spend, capable));
}

// The ratio claim "at least twice" is tested as high - 2 x none > 0.
TEST_CASE("P3 transfer", "[validation]") {
  const auto high = run("p3_transfer_high"), none = run("p3_transfer_none");
  // The partner leaves at the start of year 5: year 7's row is the state
  // after three years without it.
  expect_positive("high transfer keeps at least twice the capacity 3 years after the partner leaves (high - 2 none, year 7)",
                  paired(high, none, metric(Metric::capacity_index, 7), 2.0));
}

TEST_CASE("P7 adaptivity", "[validation]") {
  const auto poor_adapt = run("p7_poor_adaptive"), poor_fixed = run("p7_poor_fixed");
  expect_positive("poor-fit start: adapting beats fixed on capacity at year 10",
                  paired(poor_adapt, poor_fixed, metric(Metric::capacity_index, 10)));
  // Non-inferiority: fixed - adaptive > -margin, margin 0.03 of capacity_index
  // (three teachers in a hundred), tested as fixed - adaptive + margin > 0.
  const double margin = 0.03;
  const auto good_adapt = run("p7_good_adaptive"), good_fixed = run("p7_good_fixed");
  Interval iv = paired(good_fixed, good_adapt, metric(Metric::capacity_index, 10));
  iv.mean += margin, iv.low += margin, iv.high += margin;
  expect_positive("good-fit start: fixed does at least as well as adapting at year 10 (fixed - adaptive + 0.03)", iv);
}
