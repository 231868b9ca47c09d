// Stage-level checks: each stage group alone, and realized rates against the
// parameters they come from.
#include <catch2/catch.hpp>

#include <algorithm>

#include "params.hpp"
#include "population.hpp"
#include "stages/stages.hpp"

using namespace ds;

namespace {

Scenario two_need_district(int schools_each, int teachers) {
  Scenario sc;
  sc.partners.push_back(default_partner());
  for (int i = 0; i < 2 * schools_each; ++i)
  {
    std::string name = std::to_string(i);  // (not "s" + ...: GCC 12 -Wrestrict false positive)
    sc.district.school_list.push_back({name, teachers, i < schools_each ? 0.0 : 1.0, 0.5});
  }
  sc.district.schools = 2 * schools_each;
  return sc;
}

void launch_all(const Scenario& sc, State& st) {
  for (SchoolId s = 0; s < st.schools.size(); ++s) {
    st.schools.phase[s] = Phase::Implementing;
    st.schools.launch_year[s] = 1;
    st.schools.components[s] = (1u << sc.model.components) - 1;
    st.schools.fit[s] = 0.6;
  }
}

}  // namespace

TEST_CASE("teacher turnover matches the configured rates by school need", "[stages][calibration]") {
  Scenario sc = two_need_district(25, 80);
  State st = initial_state(sc, Rng{11});
  double leavers[2] = {0, 0}, at_start[2] = {0, 0};
  for (int year = 1; year <= 6; ++year) {
    st.clock.year = year;
    std::fill(st.teachers.fatigue.begin(), st.teachers.fatigue.end(), 0.1f);  // no fatigue effect
    // Mark every slot; a changed tenure of 0 means a new person in the slot.
    std::vector<std::uint8_t> before = st.teachers.tenure;
    std::vector<float> skill = st.teachers.skill;
    teacher_turnover(sc, st, Rng{11});
    for (TeacherId i = 0; i < st.teachers.size(); ++i) {
      const int g = st.schools.need[st.teachers.school[i]] > 0.5 ? 1 : 0;
      at_start[g] += 1;
      const bool replaced = st.teachers.tenure[i] != std::min(255, before[i] + 1) || st.teachers.skill[i] != skill[i];
      leavers[g] += replaced;
    }
  }
  // 12,000 teacher-years per group: the standard error is about 0.0033.
  CHECK(leavers[0] / at_start[0] == Approx(sc.district.teacher_turnover_low_need).margin(0.012));
  CHECK(leavers[1] / at_start[1] == Approx(sc.district.teacher_turnover_high_need).margin(0.012));
}

TEST_CASE("principal and superintendent turnover match their parameters", "[stages][calibration]") {
  Scenario sc;
  sc.partners.push_back(default_partner());
  sc.district.schools = 500;
  sc.district.teachers_per_school = 5;
  State st = initial_state(sc, Rng{5});
  double changes = 0, supers = 0;
  const int years = 20;
  for (int y = 1; y <= years; ++y) {
    st.clock.year = y;
    std::fill(st.schools.setback_months.begin(), st.schools.setback_months.end(), 0.0);
    const double before = st.district.superintendent_years;
    leadership_turnover(sc, st, Rng{5});
    for (double m : st.schools.setback_months) changes += m > 0;
    supers += st.district.superintendent_years < before + 1 ? 1 : 0;
  }
  CHECK(changes / (years * 500.0) == Approx(sc.district.principal_turnover).margin(0.015));
  // The superintendent: one draw a year, so count over many districts. The
  // hazard runs from year 2 (the launching superintendent is in office in
  // year 1, docs/model.md 6.2).
  double total = 0, first_year = 0;
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    State s2 = initial_state(sc, Rng{seed});
    for (int y = 1; y <= 6; ++y) {
      s2.clock.year = y;
      const double before = s2.district.superintendent_years;
      leadership_turnover(sc, s2, Rng{seed});
      const double changed = s2.district.superintendent_years < before + 1 ? 1 : 0;
      (y == 1 ? first_year : total) += changed;
    }
  }
  CHECK(first_year == 0);
  CHECK(total / 2000.0 == Approx(1.0 / sc.district.superintendent_tenure_years).margin(0.025));
}

TEST_CASE("coaching carries most of the learning (Joyce & Showers)", "[stages][calibration]") {
  Scenario sc = two_need_district(10, 40);
  State st = initial_state(sc, Rng{2});
  launch_all(sc, st);
  for (SchoolId s = 0; s < st.schools.size(); ++s) {
    st.schools.dose[s] = s % 2 == 0 ? 1.0 : 0.0;
    st.schools.quality[s] = 0.75;
  }
  const std::vector<float> start = st.teachers.skill;
  for (int m = 0; m < 12; ++m) learning(sc, st, Rng{2});
  double gain[2] = {0, 0};
  for (TeacherId i = 0; i < st.teachers.size(); ++i)
    gain[st.teachers.school[i] % 2] += st.teachers.skill[i] - start[i];
  CHECK(gain[0] > 0);
  // Without coaching, transfer is a small fraction of what it is with it.
  CHECK(gain[1] < 0.25 * gain[0]);
}

TEST_CASE("pace sets how many schools launch", "[stages]") {
  Scenario sc;
  sc.partners.push_back(default_partner());
  sc.district.schools = 200;
  sc.district.teachers_per_school = 5;
  sc.strategy.centralization = 1.0;  // mandate: every school eligible
  auto launched = [&](double pace) {
    Scenario s = sc;
    s.strategy.pace = pace;
    State st = initial_state(s, Rng{4});
    st.clock.year = 2;
    launch_schools(s, st, Rng{4});
    return std::count(st.schools.phase.begin(), st.schools.phase.end(), Phase::Launching);
  };
  const auto slow = launched(0.0), fast = launched(1.0);
  CHECK(slow == Approx(200 * sc.model.launch_rate_min * 1.0).margin(3));
  CHECK(fast == Approx(200 * sc.model.launch_rate_max * 1.0).margin(3));
}

TEST_CASE("need-first launches needier schools than readiness-first", "[stages]") {
  Scenario sc;
  sc.partners.push_back(default_partner());
  sc.district.schools = 200;
  sc.district.teachers_per_school = 5;
  sc.strategy.centralization = 1.0;
  auto mean_need = [&](double np) {
    Scenario s = sc;
    s.strategy.need_priority = np;
    State st = initial_state(s, Rng{8});
    st.clock.year = 1;
    launch_schools(s, st, Rng{8});
    double need = 0, n = 0;
    for (SchoolId i = 0; i < st.schools.size(); ++i)
      if (st.schools.phase[i] == Phase::Launching) need += st.schools.need[i], n += 1;
    return need / n;
  };
  CHECK(mean_need(1.0) > mean_need(0.0) + 0.1);
}

TEST_CASE("the grant pays first, and events change the district", "[stages]") {
  Scenario sc;
  sc.partners.push_back(default_partner());
  sc.district.schools = 10;
  sc.district.grant_per_year = 1e7;
  sc.district.grant_years = 2;
  sc.events.push_back({1, EventKind::BudgetCut, 0.5, ""});
  sc.events.push_back({1, EventKind::PartnerExit, 0, ""});
  State st = initial_state(sc, Rng{1});
  st.clock.year = 1;
  apply_events(sc, st, Rng{1});
  CHECK(st.district.budget_factor == Approx(0.5));
  CHECK(st.partners.exited[0] == 1);
  budget_and_contracts(sc, st, Rng{1});
  CHECK(st.district.spend.recurring == 0);
  CHECK(st.district.spend.grant > 0);
  // No partner to buy from: nothing is contracted.
  CHECK(st.partners.fte[0] == 0);
  st.clock.year = 3;  // past the grant
  budget_and_contracts(sc, st, Rng{1});
  CHECK(st.district.grant_budget == 0);
}

TEST_CASE("program size dilutes the coaching effect (Kraft et al. 2018)", "[stages][calibration]") {
  Scenario sc;
  CHECK(program_size_factor(sc, 0) == Approx(1.0));
  CHECK(program_size_factor(sc, 100) < 0.6);
  CHECK(program_size_factor(sc, 100) > 0.5);
  CHECK(program_size_factor(sc, 20) > 0.75);
}

TEST_CASE("levels of use follow skill, practice and the school's phase", "[stages]") {
  Scenario sc = two_need_district(1, 10);
  State st = initial_state(sc, Rng{1});
  st.teachers.skill[0] = 0.9f;
  CHECK(level_of_use(sc, st, 0) == LevelOfUse::Orientation);
  launch_all(sc, st);
  st.teachers.months_practice[0] = 1;
  CHECK(level_of_use(sc, st, 0) == LevelOfUse::Preparation);
  st.teachers.months_practice[0] = 24;
  CHECK(level_of_use(sc, st, 0) >= LevelOfUse::Routine);
  st.teachers.skill[0] = 0.3f;
  CHECK(level_of_use(sc, st, 0) == LevelOfUse::Mechanical);
}

TEST_CASE("a district building internally recruits its early adopters into the coach pipeline",
          "[stages]") {
  Scenario sc;
  sc.partners.push_back(default_partner());
  sc.district.schools = 20;
  sc.strategy.external_sourcing = 0.0;
  State st = initial_state(sc, Rng{6});
  st.clock.year = 1;
  budget_and_contracts(sc, st, Rng{6});
  REQUIRE(st.district.internal_pool > sc.model.internal_coach_cost);
  promote_leaders(sc, st, Rng{6});
  int training = 0;
  for (TeacherId i = 0; i < st.teachers.size(); ++i)
    if (st.teachers.training_left[i] > 0) {
      ++training;
      CHECK(st.teachers.skill[i] >= sc.model.routine_skill);
    }
  CHECK(training > 0);
  CHECK(training <= static_cast<int>(st.district.internal_pool / sc.model.internal_coach_cost));
}
