// What a state implies (sim/engine/derived.cpp), on states set by hand:
// levels of use, the per-school means, roles and scope, and the recurring
// budget's posts, each against its definition in docs/model.md.
#include <catch2/catch.hpp>

#include <cmath>

#include "engine/derived.hpp"
#include "engine/population.hpp"
#include "model/params.hpp"

using namespace ds;

namespace {

// Two schools of `teachers` each, the first needy.
Scenario two_schools(int teachers) {
  Scenario sc;
  sc.partners.push_back(default_partner());
  sc.district.school_list.push_back({"a", teachers, 0.8, 0.5});
  sc.district.school_list.push_back({"b", teachers, 0.2, 0.5});
  sc.district.schools = 2;
  return sc;
}

}  // namespace

TEST_CASE("levels of use follow skill, practice and the school's phase (CBAM, docs/model.md 2.6)", "[derived]") {
  Scenario sc = two_schools(10);
  sc.model.routine_skill = 0.5;
  sc.model.routine_min_months = 3;
  State st = initial_state(sc, Rng{1});
  const TeacherId i(0);
  const SchoolId s = st.teachers.school[i];
  st.teachers.skill[i] = 0.1f;
  CHECK(level_of_use(sc, st, i) == LevelOfUse::NonUse);
  st.teachers.skill[i] = 0.9f;
  CHECK(level_of_use(sc, st, i) == LevelOfUse::Orientation);  // knows of it, school not practising
  CHECK_FALSE(at_routine(sc, st, i));
  st.schools.phase[s] = Phase::Implementing;
  st.teachers.months_practice[i] = 1;
  CHECK(level_of_use(sc, st, i) == LevelOfUse::Preparation);
  st.teachers.months_practice[i] = 2;
  CHECK(level_of_use(sc, st, i) == LevelOfUse::Mechanical);  // skilled, but under routine_min_months
  st.teachers.months_practice[i] = 3;
  CHECK(at_routine(sc, st, i));
  // Past Routine, the four upper levels split (skill - r) / (1 - r) in quarters.
  const std::pair<float, LevelOfUse> upper[] = {{0.55f, LevelOfUse::Routine},
                                                {0.70f, LevelOfUse::Refinement},
                                                {0.80f, LevelOfUse::Integration},
                                                {0.95f, LevelOfUse::Renewal}};
  for (const auto& [skill, level] : upper) {
    st.teachers.skill[i] = skill;
    CHECK(level_of_use(sc, st, i) == level);
  }
  st.teachers.skill[i] = 0.3f;
  CHECK(level_of_use(sc, st, i) == LevelOfUse::Mechanical);
  CHECK_FALSE(at_routine(sc, st, i));
  st.schools.phase[s] = Phase::Abandoned;
  st.teachers.skill[i] = 0.9f;
  CHECK(level_of_use(sc, st, i) == LevelOfUse::Orientation);
}

TEST_CASE("school means count Routine teachers in practising schools only, and depth rewards coverage (6.11)",
          "[derived]") {
  Scenario sc = two_schools(10);
  sc.model.routine_skill = 0.5;
  sc.model.routine_min_months = 3;
  sc.model.components = 4;
  sc.model.synergy = 0.4;
  State st = initial_state(sc, Rng{2});
  const SchoolId a(0), b(1);
  for (const SchoolId s : st.schools.ids()) {
    st.schools.components[s] = 0b0011;  // 2 of 4 components: coverage 0.5
    for (const TeacherId k : st.schools.slots(s)) {
      const auto j = k.index() - st.schools.first[s].index();
      st.teachers.skill[k] = j < 6 ? 0.8f : 0.2f;        // 6 skilled
      st.teachers.months_practice[k] = j < 4 ? 12 : 1;   // 4 of them long enough
      st.teachers.commitment[k] = 0.1f * static_cast<float>(j);
      st.teachers.role[k] = j == 0 ? Role::Coach : (j < 3 ? Role::Leader : Role::Teacher);
    }
  }
  st.schools.phase[a] = Phase::Implementing;
  st.schools.phase[b] = Phase::Waiting;
  update_school_aggregates(sc, st);
  CHECK(st.schools.routine_share[a] == Approx(0.4));
  CHECK(st.schools.routine_share[b] == 0.0);  // not practising: nobody is at Routine
  const double coverage = 0.5;
  CHECK(st.schools.depth[a] == Approx(0.4 * (coverage * (1 - 0.4) + 0.4 * coverage * coverage)));
  CHECK(st.schools.depth[b] == 0.0);
  for (const SchoolId s : st.schools.ids()) {
    CHECK(st.schools.commitment[s] == Approx(0.45).margin(1e-6));  // mean of 0.0 .. 0.9
    CHECK(st.schools.coaches[s] == 1);
    CHECK(st.schools.leaders[s] == 2);
    CHECK(st.schools.coach_skill[s] == Approx(0.8));
    CHECK(st.schools.leader_skill[s] == Approx(0.8));  // the coach and two leaders, all skilled
  }
  CHECK(count_role(st, Role::Coach) == 2);
  CHECK(count_role(st, Role::Leader) == 4);
}

TEST_CASE("the recurring budget pays the office, the stipends and the scope's tools before coaches (6.4)",
          "[derived]") {
  Scenario sc = two_schools(50);
  sc.district.budget_per_teacher = 2000;
  State st = initial_state(sc, Rng{3});
  const ModelParams& m = sc.model;
  st.district.strategy.external_sourcing = 0.25;
  st.district.strategy.centralization = 0.6;
  st.schools.phase[SchoolId(1)] = Phase::Abandoned;  // out of the scope
  for (const TeacherId k : st.teachers.ids()) st.teachers.role[k] = Role::Teacher;
  st.teachers.role[TeacherId(3)] = Role::Leader;
  CHECK(scope_teachers(st) == 50);
  const double N = 100;
  const double budget = 2000 * N;
  CHECK(recurring_budget(sc, st) == Approx(budget));
  const double office = m.build_fixed_base * std::pow(N / 4000.0, m.office_scale_exponent) + m.build_fixed_per_teacher * N;
  const double fixed = office * 0.75 + m.leader_stipend;
  CHECK(fixed_costs(sc, st) == Approx(fixed));
  const double tools = m.tools_cost_per_teacher * 50 * (1 - m.central_discount * 0.6);
  CHECK(tools_cost(sc, st, 50) == Approx(tools));
  CHECK(recurring_payable_fte(sc, st) == Approx(std::max(0.0, budget - fixed - tools) / m.internal_coach_cost));
  // Momentum below 0.5 and a cut shrink the budget; an ended initiative has none.
  st.district.momentum = 0.25;
  st.district.budget_factor = 0.5;
  CHECK(recurring_budget(sc, st) == Approx(budget * 0.5 * (1 - m.momentum_budget_sensitivity * 0.5)));
  st.district.initiative_active = false;
  CHECK(recurring_budget(sc, st) == 0);
  CHECK(recurring_payable_fte(sc, st) == 0);
}
