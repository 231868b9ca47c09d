// The metrics of a state (sim/engine/observe.cpp), each against its
// definition (docs/model.md 7, MODEL.md section 5), on a state set by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "engine/observe.hpp"
#include "engine/population.hpp"
#include "engine/stages/stages.hpp"
#include "model/dials.hpp"
#include "model/params.hpp"

using namespace ds;

namespace {

// Five schools of four teachers, needs 0.9, 0.1, 0.5, 0.3 and 0.7 (schools 0-4).
Scenario five_schools() {
  Scenario sc;
  sc.partners.push_back(default_partner());
  const double needs[] = {0.9, 0.1, 0.5, 0.3, 0.7};
  for (int i = 0; i < 5; ++i) {
    std::string name = std::to_string(i);  // (not "s" + ...: GCC 12 -Wrestrict false positive)
    sc.district.school_list.push_back({name, 4, needs[i], 0.5});
  }
  sc.district.schools = 5;
  return sc;
}

std::vector<double> observed(const Scenario& sc, const State& st) {
  std::vector<double> row(kMetricCount, kEmpty);
  observe(sc, st, row.data());
  return row;
}

double at(const std::vector<double>& row, Metric m) { return row[static_cast<std::size_t>(m)]; }

}  // namespace

TEST_CASE("observed metrics follow their definitions", "[observe]") {
  Scenario sc = five_schools();
  State st = initial_state(sc, Rng{2});
  REQUIRE(st.teachers.size() == 20);
  for (const TeacherId i : st.teachers.ids()) {
    st.teachers.skill[i] = 0.1f;
    st.teachers.months_practice[i] = 0;
    st.teachers.role[i] = Role::Teacher;
  }
  for (const SchoolId s : ids<SchoolId>(5)) {
    st.schools.phase[s] = Phase::Waiting;
    st.schools.launch_year[s] = -1;
  }

  SECTION("before any launch") {
    const auto row = observed(sc, st);
    CHECK(at(row, Metric::capacity_index) == 0);
    CHECK(at(row, Metric::teacher_skill_mean) == Approx(0.1));
    CHECK(std::isnan(at(row, Metric::skill_mean_reached)));  // empty before any launch
    CHECK(at(row, Metric::schools_launched_share) == 0);
    CHECK(std::isnan(at(row, Metric::depth_mean)));
    CHECK(std::isnan(at(row, Metric::spend_per_capable_teacher)));  // no capable teacher
    CHECK(at(row, Metric::equity_gap) == 0);
  }

  SECTION("capacity counts teachers at Routine in practising schools, with their months of use") {
    // School 0 implementing: three teachers past Routine with the months,
    // one past Routine without them. School 1 waiting, its teachers skilled.
    st.schools.phase[SchoolId(0)] = Phase::Implementing;
    st.schools.launch_year[SchoolId(0)] = 1;
    const TeacherId a = st.schools.first[SchoolId(0)];
    for (TeacherId k = a; k < a + 4; ++k) {
      st.teachers.skill[k] = 0.8f;
      st.teachers.months_practice[k] = static_cast<std::uint16_t>(sc.model.routine_min_months);
    }
    st.teachers.months_practice[a + 3] = 0;
    const TeacherId b = st.schools.first[SchoolId(1)];
    for (TeacherId k = b; k < b + 4; ++k) st.teachers.skill[k] = 0.9f, st.teachers.months_practice[k] = 60;
    st.teachers.role[a] = Role::Leader;
    st.district.cumulative_spend = 30000;
    update_school_aggregates(sc, st);
    const auto row = observed(sc, st);
    CHECK(at(row, Metric::capacity_index) == Approx(3.0 / 20));
    CHECK(capacity_index(sc, st) == Approx(3.0 / 20));
    CHECK(at(row, Metric::skill_mean_reached) == Approx(0.8));  // launched schools only
    CHECK(at(row, Metric::schools_launched_share) == Approx(0.2));
    // 3 of 4 at Routine: at least half, full implementation (NIRN).
    CHECK(at(row, Metric::schools_full_implementation_share) == Approx(0.2));
    CHECK(at(row, Metric::spend_per_capable_teacher) == Approx(10000));
    CHECK(at(row, Metric::teacher_leaders) == 1);
  }

  SECTION("depth over practising schools; the equity gap over all, by need halves") {
    // Needs 0.9 0.1 0.5 0.3 0.7 (schools 0-4); depths set directly. The
    // least-needy half is schools 1 and 3, the neediest 0 and 4; the median
    // school (2) is left out.
    const double depth[] = {0.2, 0.6, 0.9, 0.4, 0.0};
    const Phase phase[] = {Phase::Implementing, Phase::Sustaining, Phase::Implementing, Phase::Implementing,
                           Phase::Abandoned};
    for (const SchoolId s : ids<SchoolId>(5)) {
      st.schools.phase[s] = phase[s.index()];
      st.schools.launch_year[s] = 1;
      st.schools.depth[s] = depth[s.index()];
    }
    const auto row = observed(sc, st);
    CHECK(at(row, Metric::equity_gap) == Approx((0.6 + 0.4) / 2 - (0.2 + 0.0) / 2));
    // Launched and not abandoned: schools 0-3.
    const double mean = (0.2 + 0.6 + 0.9 + 0.4) / 4;
    CHECK(at(row, Metric::depth_mean) == Approx(mean));
    const double var = (0.04 + 0.36 + 0.81 + 0.16) / 4 - mean * mean;
    CHECK(at(row, Metric::depth_sd) == Approx(std::sqrt(var)));
    CHECK(at(row, Metric::schools_abandoned_share) == Approx(0.2));
    CHECK(at(row, Metric::schools_launched_share) == 1);
  }

  SECTION("self-sufficiency: trained internal coaching the budget can pay, over what the whole scope needs") {
    // One teacher-leader and no coach yet; every school in the scope (20
    // teachers need about a third of a coach).
    st.teachers.role[TeacherId(2)] = Role::Leader;
    st.clock.year = 3;
    sc.district.budget_per_teacher = 40000;  // a small district: enough for the office and a few posts
    const ModelParams& m = sc.model;
    const double tau = 0.5 * (sc.district.teacher_turnover_low_need + sc.district.teacher_turnover_high_need);
    const double per_coach = m.teachers_per_coach * m.internal_coach_direct_time / kNominalDirectTime;
    const double needed = 20 * (tau * m.replacement_coaching_years + m.upkeep_dose) / per_coach;
    const double peer = 1 * m.leader_coaching_fte;
    const double posts = recurring_payable_fte(sc, st);
    REQUIRE(posts > 0);
    const double expected = std::min(1.0, std::min(0 + peer, posts + peer) / needed);
    INFO("posts " << posts << ", peer " << peer << ", needed " << needed);
    REQUIRE(expected > 0);
    REQUIRE(expected < 1);  // the formula, not its cap, decides
    CHECK(self_sufficiency(sc, st) == Approx(expected));
    CHECK(at(observed(sc, st), Metric::self_sufficiency) == Approx(expected));
    // A trained coach fills the need.
    st.teachers.role[TeacherId(0)] = Role::Coach;
    CHECK(self_sufficiency(sc, st) == 1);
    // ... but only as far as the budget pays: with posts for less than the
    // need, the posts (and the peer support) decide.
    sc.district.budget_per_teacher = 0;
    const double no_posts = recurring_payable_fte(sc, st);
    REQUIRE(no_posts == 0);
    double budget = 0;
    for (double b = 1000; b < 40000; b += 250) {
      sc.district.budget_per_teacher = b;
      if (recurring_payable_fte(sc, st) > 0) { budget = b; break; }
    }
    REQUIRE(budget > 0);
    const double few = recurring_payable_fte(sc, st);
    INFO("posts " << few);
    REQUIRE(few + peer < needed);
    CHECK(self_sufficiency(sc, st) == Approx((few + peer) / needed));
    // Nothing the recurring budget pays: nothing is self-sufficient, whatever was trained.
    sc.district.budget_per_teacher = 0;
    CHECK(self_sufficiency(sc, st) == 0);
  }

  SECTION("the dials are the strategy's, in the table's order") {
    for (int k = 0; k < kDialCount; ++k) dial(st.district.strategy, k) = 0.05 + 0.1 * k;
    const auto row = observed(sc, st);
    for (int k = 0; k < kDialCount; ++k) CHECK(at(row, dial_metric(k)) == Approx(0.05 + 0.1 * k));
  }
}
