// Stage-level checks of the model revision (docs/model.md, MODEL.md 8): each
// mechanism alone, on a small district built in code, against the parameters
// it comes from.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "engine/observe.hpp"
#include "model/params.hpp"
#include "engine/population.hpp"
#include "engine/schedule.hpp"
#include "engine/stages/stages.hpp"

using namespace ds;

namespace {

Scenario district(int schools, int teachers_per_school) {
  Scenario sc;
  sc.partners.push_back(default_partner());
  sc.district.schools = schools;
  sc.district.teachers_per_school = teachers_per_school;
  return sc;
}

// Every school practising (Implementing) the components of `mask`.
void practise(State& st, std::uint32_t mask) {
  for (const SchoolId s : st.schools.ids()) {
    st.schools.phase[s] = Phase::Implementing;
    st.schools.launch_year[s] = 1;
    st.schools.months_launched[s] = 12;
    st.schools.components[s] = mask;
    st.schools.fit[s] = 0.6;
  }
}

void set_skills(State& st, float skill) {
  std::fill(st.teachers.skill.begin(), st.teachers.skill.end(), skill);
  std::fill(st.teachers.months_practice.begin(), st.teachers.months_practice.end(), std::uint16_t{12});
}

int trainees(const State& st) {
  return static_cast<int>(std::count_if(st.teachers.training_left.begin(), st.teachers.training_left.end(),
                                        [](std::uint8_t m) { return m > 0; }));
}

int in_phase(const State& st, Phase p) {
  return static_cast<int>(std::count(st.schools.phase.begin(), st.schools.phase.end(), p));
}

double mean_turnover(const Scenario& sc) {
  return 0.5 * (sc.district.teacher_turnover_low_need + sc.district.teacher_turnover_high_need);
}

// Teacher-shares one internal coach FTE serves at full dose.
double per_coach(const Scenario& sc) {
  return sc.model.teachers_per_coach * sc.model.internal_coach_direct_time / kNominalDirectTime;
}

}  // namespace

TEST_CASE("routine practice drifts without upkeep, faster under weak leadership, slower in a coherent model",
          "[revision]") {
  Scenario sc = district(5, 8);
  ModelParams& m = sc.model;
  // No learning at all: the month's change is the drift alone.
  m.coach_learning_rate = 0;
  m.peer_learning_rate = 0;
  m.knowledge_learning_rate = 0;
  m.uncoached_transfer = 0;
  State st = initial_state(sc, Rng{1});
  practise(st, 1u);  // one component of K: coherence (1/K)^2
  set_skills(st, 0.8f);  // above routine
  Schools& s = st.schools;
  std::fill(s.upkeep.begin(), s.upkeep.end(), 0.0);
  std::fill(s.principal_support.begin(), s.principal_support.end(), 0.5);
  s.upkeep[SchoolId(1)] = 1.0;                           // fully upkept
  s.principal_support[SchoolId(2)] = 0.0;                // weak leadership
  s.components[SchoolId(3)] = (1u << m.components) - 1;  // the complete model: coherence 1
  s.upkeep[SchoolId(4)] = 0.5;                           // half upkept
  const auto before = st.teachers.skill;
  learning(sc, st, Rng{1});
  auto loss = [&](SchoolId i) {
    const TeacherId k = s.first[i] + (s.count[i] - 1);
    CHECK(st.teachers.skill[s.first[i]] == st.teachers.skill[k]);  // alike teachers drift alike
    return static_cast<double>(before[k]) - st.teachers.skill[k];
  };
  const double gap = 0.8f - static_cast<float>(m.initial_skill_mean);  // drift is towards the starting skill
  const double partial = 1.0 / (m.components * m.components);
  const double base = m.drift_rate * (1.5 - 0.5) * (1.0 - m.coherence_drift_protection * partial) * gap;
  CHECK(base > 0);
  CHECK(loss(SchoolId(0)) == Approx(base).margin(1e-6));
  CHECK(loss(SchoolId(1)) == 0.0);
  CHECK(loss(SchoolId(2)) == Approx(1.5 * base).margin(1e-6));
  CHECK(loss(SchoolId(3)) == Approx(m.drift_rate * (1.0 - m.coherence_drift_protection) * gap).margin(1e-6));
  CHECK(loss(SchoolId(3)) < loss(SchoolId(0)));
  CHECK(loss(SchoolId(4)) == Approx(0.5 * base).margin(1e-6));
}

TEST_CASE("upkeep is coaching and peer support per teacher against the upkeep dose, halved without tools",
          "[revision]") {
  Scenario sc;
  sc.partners.push_back(default_partner());
  // Schools of 20, 20 and 60 teachers.
  sc.district.school_list = {{"small", 20, 0.5, 0.5}, {"also small", 20, 0.5, 0.5}, {"large", 60, 0.5, 0.5}};
  sc.district.schools = 3;
  // Pinned (not the calibrated defaults): one leader is enough for 20 teachers, not for 60.
  sc.model.leader_coaching_fte = 0.15;
  sc.model.upkeep_dose = 0.1;
  const ModelParams& m = sc.model;
  State st = initial_state(sc, Rng{2});
  practise(st, 1u);
  // No coaches, no partners: support is the teacher-leaders' alone.
  st.teachers.role[st.schools.first[SchoolId(0)]] = Role::Leader;
  st.teachers.role[st.schools.first[SchoolId(2)]] = Role::Leader;
  update_school_aggregates(sc, st);
  REQUIRE(st.schools.leaders[SchoolId(0)] == 1);
  st.district.internal_pool = 0;
  const double one_leader = m.leader_coaching_fte * per_coach(sc);  // teacher-shares of support
  REQUIRE(one_leader / 20 >= m.upkeep_dose);  // enough for a school of 20
  REQUIRE(one_leader / 60 < m.upkeep_dose);   // not for one of 60
  st.district.tools_funded = 1.0;
  allocate_support(sc, st, Rng{2});
  CHECK(st.schools.upkeep[SchoolId(0)] == Approx(1.0));
  CHECK(st.schools.upkeep[SchoolId(1)] == 0.0);
  CHECK(st.schools.upkeep[SchoolId(2)] == Approx(one_leader / 60 / m.upkeep_dose));
  // Tools and time not paid: upkeep at half.
  st.district.tools_funded = 0.0;
  allocate_support(sc, st, Rng{2});
  CHECK(st.schools.upkeep[SchoolId(0)] == Approx(0.5));
  CHECK(st.schools.upkeep[SchoolId(1)] == 0.0);
  CHECK(st.schools.upkeep[SchoolId(2)] == Approx(0.5 * one_leader / 60 / m.upkeep_dose));

  // Coach time counts as upkeep too: 0.2 partner FTE serve 0.2 * 45 * 0.35 /
  // 0.7 = 4.5 teacher-shares, all to the one school of 100 that needs them.
  Scenario one = district(1, 100);
  State s1 = initial_state(one, Rng{2});
  practise(s1, 1u);
  update_school_aggregates(one, s1);
  REQUIRE(s1.schools.leaders[SchoolId(0)] == 0);
  s1.partners.fte[PartnerId(0)] = 0.2;
  allocate_support(one, s1, Rng{2});
  const double slots = 0.2 * m.teachers_per_coach * m.partner_coach_direct_time / kNominalDirectTime;
  CHECK(s1.schools.upkeep[SchoolId(0)] == Approx(slots / 100 / m.upkeep_dose));
}

TEST_CASE("tools are paid before coaching and cut when the money is short", "[revision]") {
  Scenario sc = district(10, 20);  // 200 teachers
  sc.strategy.external_sourcing = 0;  // the office in full, the pool all internal
  sc.strategy.centralization = 0.5;
  // Pinned (not the calibrated defaults), so that the premises below hold.
  sc.model.build_fixed_base = 100000;
  sc.model.office_scale_exponent = 0;  // a flat core, whatever the size
  sc.model.build_fixed_per_teacher = 50;
  sc.model.central_discount = 0.15;
  const ModelParams& m = sc.model;
  const double office = m.build_fixed_base * std::pow(200 / 4000.0, m.office_scale_exponent) + m.build_fixed_per_teacher * 200;
  auto year_one = [&](double budget, int practising_schools, double tools_per_teacher) {
    Scenario s = sc;
    s.district.budget_per_teacher = budget;
    s.model.tools_cost_per_teacher = tools_per_teacher;
    State st = initial_state(s, Rng{3});
    practise(st, 1u);
    for (const SchoolId i : st.schools.ids())
      if (i.index() >= static_cast<std::size_t>(practising_schools))
        st.schools.phase[i] = Phase::Abandoned;  // neither practising nor waiting (no launch money)
    st.clock.year = 1;
    budget_and_contracts(s, st, Rng{3});
    return st.district;
  };
  const double tools = 500 * 200 * (1.0 - m.central_discount * 0.5);  // practising teachers, discounted
  SECTION("ample money: tools in full, the pool is what is left") {
    const DistrictState d = year_one(2000, 10, 500);
    CHECK(d.tools_funded == 1.0);
    CHECK(d.spend.recurring == Approx(office + tools));
    CHECK(d.internal_pool == Approx(2000 * 200 - office - tools));
    CHECK(year_one(2000, 10, 0).internal_pool - d.internal_pool == Approx(tools));
    // Only practising teachers need tools.
    CHECK(year_one(2000, 5, 500).spend.recurring == Approx(office + tools / 2));
  }
  SECTION("short money: the tools get what is left after the office, coaching nothing") {
    const DistrictState d = year_one(1000, 10, 500);  // 200,000 - office 110,000 < tools 92,500
    REQUIRE(1000 * 200 - office < tools);
    CHECK(d.tools_funded == Approx((1000 * 200 - office) / tools));
    CHECK(d.internal_pool == 0.0);
  }
}

TEST_CASE("a contract the year's money cannot pay is cut to what it can, and no coaching goes unpaid",
          "[revision]") {
  Scenario sc = district(10, 20);  // 200 teachers, every school practising: no launch money
  sc.strategy.external_sourcing = 0.9;
  sc.strategy.centralization = 0.5;
  const Partner& partner = sc.partners[0];
  const double c = sc.strategy.centralization;
  const double price = partner.cost_per_coach_year * (1.0 - sc.model.central_discount * c) *
                       (1.0 + sc.model.coordination_cost * (1.0 - c));  // 6.4
  // A contract signed in a richer year: 3 coach FTE for 2 more years.
  auto year_with_contract = [&](double budget) {
    Scenario s = sc;
    s.district.budget_per_teacher = budget;
    State st = initial_state(s, Rng{3});
    practise(st, 1u);
    st.clock.year = 2;
    st.partners.fte[PartnerId(0)] = 3;
    st.partners.contract_left[PartnerId(0)] = 2;
    st.partners.contracts[PartnerId(0)] = 1;
    budget_and_contracts(s, st, Rng{3});
    const double pool = st.district.grant_budget + st.district.recurring_budget;  // what the office and tools left
    for (int month = 0; month < 12; ++month) {
      st.clock.month = month;
      partner_transfer(s, st, Rng{3});
    }
    return std::make_tuple(st.partners.fte[PartnerId(0)], pool, st.district.spend.external, st.partners.contract_left[PartnerId(0)]);
  };
  SECTION("short money: the contract shrinks to the pool, and every month of it is paid") {
    const auto [fte, pool, paid, left] = year_with_contract(1500);  // 300,000 a year
    REQUIRE(pool > 0);
    REQUIRE(pool < 3 * price);
    CHECK(fte == Approx(pool / price));
    CHECK(paid == Approx(fte * price));
    CHECK(left == 2);  // the contract runs on, smaller
  }
  SECTION("ample money: the contract is kept as signed") {
    const auto [fte, pool, paid, left] = year_with_contract(6000);
    REQUIRE(pool > 3 * price);
    CHECK(fte == 3.0);
    CHECK(paid == Approx(3 * price));
  }
}

TEST_CASE("a planned grant is partly set aside and spent over the glide years", "[revision]") {
  Scenario sc = district(4, 10);
  sc.district.grant_per_year = 1e6;
  sc.district.grant_years = 2;
  sc.district.grant_planning = 0.4;
  sc.model.glide_years = 3;
  // Nothing is paid from the grant here (no office, no practising school, no
  // contract paid yet): grant_budget is what the year's grant money is.
  sc.model.build_fixed_base = 0;
  sc.model.build_fixed_per_teacher = 0;
  sc.strategy.external_sourcing = 0;
  State st = initial_state(sc, Rng{4});
  auto year = [&](State& s, int y) {
    s.clock.year = y;
    budget_and_contracts(sc, s, Rng{4});
  };
  year(st, 1);
  CHECK(st.district.grant_budget == Approx(0.6e6));
  CHECK(st.district.reserve == Approx(0.4e6));
  year(st, 2);
  CHECK(st.district.grant_budget == Approx(0.6e6));
  CHECK(st.district.reserve == Approx(0.8e6));
  CHECK(st.district.reserve_peak == Approx(0.8e6));
  // A withdrawal probe removes the grant and its reserve: nothing is drawn.
  State probe = st;
  probe.probe = true;
  year(probe, 3);
  CHECK(probe.district.grant_budget == 0.0);
  CHECK(probe.district.reserve == Approx(0.8e6));
  // After the grant: a third of the peak a year, until it is gone.
  for (int y = 3; y <= 5; ++y) {
    year(st, y);
    CHECK(st.district.grant_budget == Approx(0.8e6 / 3));
    CHECK(st.district.reserve == Approx(0.8e6 * (5 - y) / 3).margin(1e-3));
  }
  year(st, 6);
  CHECK(st.district.grant_budget == Approx(0.0).margin(1e-3));
}

TEST_CASE("the program office and the coach training places scale with the district", "[revision]") {
  SECTION("fixed costs: office base and per teacher, less what is sourced outside, plus stipends") {
    auto fixed = [](int schools, double sourcing, int leaders) {
      Scenario sc = district(schools, 20);
      sc.district.budget_per_teacher = 1e5;  // everything can be paid
      sc.strategy.external_sourcing = sourcing;
      State st = initial_state(sc, Rng{5});  // nobody practising: no tools
      for (int k = 0; k < leaders; ++k) st.teachers.role[static_cast<TeacherId>(k)] = Role::Leader;
      st.clock.year = 1;
      budget_and_contracts(sc, st, Rng{5});
      return st.district.spend.recurring;
    };
    const ModelParams m;
    CHECK(fixed(10, 0.3, 0) ==
          Approx((m.build_fixed_base * std::pow(200 / 4000.0, m.office_scale_exponent) + m.build_fixed_per_teacher * 200) * 0.7));
    CHECK(fixed(20, 0.3, 3) ==
          Approx((m.build_fixed_base * std::pow(400 / 4000.0, m.office_scale_exponent) + m.build_fixed_per_teacher * 400) * 0.7 +
                 3 * m.leader_stipend));
  }
  SECTION("training places without mentors: coach_training_per_1000, at least one") {
    auto admitted = [](int schools, int teachers, double expertise) {
      Scenario sc = district(schools, teachers);
      sc.model.coach_training_per_1000 = 2.5;
      sc.model.trainees_per_mentor = 2;
      State st = initial_state(sc, Rng{5});
      set_skills(st, 0.9f);  // anyone can be recruited into the pipeline
      st.clock.year = 1;
      st.district.internal_pool = 1000 * sc.model.internal_coach_cost;  // money for many posts
      st.district.coaching_expertise = expertise;
      promote_leaders(sc, st, Rng{5});
      return trainees(st);
    };
    CHECK(admitted(50, 40, 0) == 5);    // 2,000 teachers x 2.5 per 1,000
    CHECK(admitted(100, 40, 0) == 10);  // twice the teachers, twice the trainees
    CHECK(admitted(2, 20, 0) == 1);     // 40 teachers: 0.1 places, rounded up to one
    CHECK(admitted(50, 40, 3) == 5 + 2 * 3);  // each experienced coach mentors trainees_per_mentor more
  }
}

TEST_CASE("unfunded coach posts are cut, and new money waits for the pipeline", "[revision]") {
  Scenario sc = district(10, 20);
  const double cost = sc.model.internal_coach_cost;
  SECTION("coaches beyond the paid posts go back as teacher-leaders, least skilled first") {
    State st = initial_state(sc, Rng{6});
    const float skills[] = {0.6f, 0.7f, 0.8f, 0.9f, 0.95f};
    for (const TeacherId k : ids<TeacherId>(5)) {
      st.teachers.role[TeacherId(20 * k.index())] = Role::Coach;
      st.teachers.skill[TeacherId(20 * k.index())] = skills[k.index()];
    }
    st.district.coaching_expertise = 4;
    st.district.internal_pool = 2.5 * cost;  // 2.5 posts: a part-paid post is kept, 3 coaches
    st.clock.year = 3;
    promote_leaders(sc, st, Rng{6});
    CHECK(count_role(st, Role::Coach) == 3);
    CHECK(st.teachers.role[TeacherId(0)] == Role::Leader);
    CHECK(st.teachers.role[TeacherId(20)] == Role::Leader);
    CHECK(st.teachers.role[TeacherId(40)] == Role::Coach);
    CHECK(st.teachers.role[TeacherId(80)] == Role::Coach);
    CHECK(st.district.coaching_expertise == Approx(4.0 * 3 / 5));  // the cut take their share
  }
  SECTION("money for ten posts and no coaches: trainees this year, coaches next year") {
    sc.model.coach_training_per_1000 = 50;  // 10 places for 200 teachers
    State st = initial_state(sc, Rng{6});
    set_skills(st, 0.9f);
    st.district.internal_pool = 10 * cost;
    st.clock.year = 1;
    promote_leaders(sc, st, Rng{6});
    CHECK(count_role(st, Role::Coach) == 0);
    CHECK(trainees(st) == 10);
    // All year, no coach is at work although the money is there.
    update_school_aggregates(sc, st);
    allocate_support(sc, st, Rng{6});
    CHECK(st.district.internal_fte == 0.0);
    // The next year start: training done (coach_training_months = 12).
    REQUIRE(sc.model.coach_training_months == 12);
    st.clock.year = 2;
    promote_leaders(sc, st, Rng{6});
    CHECK(count_role(st, Role::Coach) == 10);
  }
}

TEST_CASE("practice held by partners builds up while they coach and leaves with them", "[revision]") {
  Scenario sc = district(2, 10);
  const ModelParams& m = sc.model;
  sc.partners[0].knowledge_transfer = 0.2;
  State st = initial_state(sc, Rng{7});
  practise(st, 1u);
  update_school_aggregates(sc, st);
  st.partners.fte[PartnerId(0)] = 4;
  st.partners.relationship[PartnerId(0)] = 0.5;
  // Partners give all the coaching (no internal coaches): external share 1;
  // they co-deliver transfer x relationship = 0.1 of it.
  const double target = 1.0 * (1.0 - 0.2 * 0.5);
  allocate_support(sc, st, Rng{7});
  REQUIRE(st.schools.external_share[SchoolId(0)] == 1.0);
  const double after_one = target / m.partner_held_months;
  CHECK(st.schools.partner_held[SchoolId(0)] == Approx(after_one));
  allocate_support(sc, st, Rng{7});
  CHECK(st.schools.partner_held[SchoolId(0)] == Approx(after_one + (target - after_one) / m.partner_held_months));

  // Partner coaching falls from 4 to 1 FTE (g = 0.75).
  std::fill(st.schools.partner_held.begin(), st.schools.partner_held.end(), 0.6);
  set_skills(st, 0.8f);
  st.partners.fte[PartnerId(0)] = 1;
  allocate_support(sc, st, Rng{7});
  const auto loss = static_cast<float>(m.partner_held_loss * 0.6 * 0.75);
  const float expected = 0.8f - loss * (0.8f - static_cast<float>(m.initial_skill_mean));
  CHECK(st.teachers.skill[TeacherId(0)] == Approx(expected).margin(1e-6));
  CHECK(st.teachers.skill[TeacherId(19)] == Approx(expected).margin(1e-6));
  // What is held shrinks with the partner, then builds towards the target again.
  const double held = 0.6 * (1 - 0.75);
  CHECK(st.schools.partner_held[SchoolId(0)] == Approx(held + (target - held) / m.partner_held_months));

  SECTION("a partner that co-delivers everything leaves nothing behind to lose") {
    Scenario full = sc;
    full.partners[0].knowledge_transfer = 1.0;
    State s2 = initial_state(full, Rng{7});
    practise(s2, 1u);
    update_school_aggregates(full, s2);
    set_skills(s2, 0.8f);
    s2.partners.fte[PartnerId(0)] = 4;
    s2.partners.relationship[PartnerId(0)] = 1.0;
    for (int month = 0; month < 12; ++month) allocate_support(full, s2, Rng{7});
    CHECK(s2.schools.partner_held[SchoolId(0)] == 0.0);
    s2.partners.fte[PartnerId(0)] = 0;  // the partner leaves
    allocate_support(full, s2, Rng{7});
    CHECK(std::all_of(s2.teachers.skill.begin(), s2.teachers.skill.end(), [](float x) { return x == 0.8f; }));
  }
}

namespace {

// A new superintendent at the start of year 2, with the chances of each
// outcome given.
Scenario superintendent_scenario(double end, double cut, double pause) {
  Scenario sc = district(20, 5);
  sc.strategy.centralization = 1.0;
  sc.strategy.pace = 1.0;
  sc.model.initiative_drop_base = end;
  sc.model.leader_cut_chance = cut;
  sc.model.leader_pause_chance = pause;
  sc.model.leader_reprioritize_chance = 0;
  sc.model.initiative_relaunch = 0;
  sc.events.push_back({2, EventKind::SuperintendentChange, 0, ""});
  sc.events.push_back({3, EventKind::SuperintendentChange, 0, ""});
  return sc;
}

// Fully exposed: held tight (centralization 1) and not yet institutionalized
// (no history yet, no commitment, no momentum), so that each chance above is
// the outcome's probability: a chance of 1 is certain.
State exposed(const Scenario& sc) {
  State st = initial_state(sc, Rng{8});
  std::fill(st.schools.commitment.begin(), st.schools.commitment.end(), 0.0);
  st.district.momentum = 0;
  return st;
}

void new_superintendent(const Scenario& sc, State& st, int year) {
  st.clock.year = year;
  apply_events(sc, st, Rng{8});
}

}  // namespace

TEST_CASE("a new superintendent ends, cuts, pauses or keeps the initiative", "[revision]") {
  const Scenario keep = superintendent_scenario(0, 0, 0);
  SECTION("end") {
    const Scenario sc = superintendent_scenario(1, 0, 0);
    State st = exposed(sc);
    new_superintendent(sc, st, 2);
    CHECK_FALSE(st.district.initiative_active);
    CHECK(st.district.superintendent_changes == 1);
  }
  SECTION("cut: the budget falls by leader_cut_fraction for that superintendent's tenure") {
    const Scenario sc = superintendent_scenario(0, 1, 0);
    State st = exposed(sc);
    State uncut = st;
    new_superintendent(sc, st, 2);
    CHECK(st.district.initiative_active);
    CHECK(st.district.leader_budget_factor == Approx(1.0 - sc.model.leader_cut_fraction));
    // The year's recurring budget (what is left plus what was paid from it).
    auto recurring = [&](State s) {
      s.clock.year = 2;
      budget_and_contracts(sc, s, Rng{8});
      return s.district.recurring_budget + s.district.spend.recurring;
    };
    CHECK(recurring(st) == Approx((1.0 - sc.model.leader_cut_fraction) * recurring(uncut)));
    new_superintendent(keep, st, 3);  // the cut leaves with its superintendent
    CHECK(st.district.leader_budget_factor == 1.0);
  }
  SECTION("pause: a year without launches or trainees") {
    const Scenario sc = superintendent_scenario(0, 0, 1);
    State st = exposed(sc);
    new_superintendent(sc, st, 2);
    CHECK(st.district.initiative_active);
    CHECK(st.district.leader_budget_factor == 1.0);
    REQUIRE(st.district.paused);
    st.district.momentum = 0.5;  // (launching does not stall on momentum)
    set_skills(st, 0.9f);        // teachers to recruit
    st.district.internal_pool = 20 * sc.model.internal_coach_cost;
    State running = st;
    running.district.paused = false;
    for (State* s : {&st, &running}) {
      launch_schools(sc, *s, Rng{8});
      promote_leaders(sc, *s, Rng{8});
    }
    CHECK(in_phase(running, Phase::Launching) > 0);  // the same district, not paused
    CHECK(trainees(running) > 0);
    CHECK(in_phase(st, Phase::Launching) == 0);
    CHECK(trainees(st) == 0);
    new_superintendent(keep, st, 3);  // the pause lasts one year
    CHECK_FALSE(st.district.paused);
  }
  SECTION("keep: nothing changes but the superintendent") {
    State st = exposed(keep);
    st.district.momentum = 0.5;
    st.district.superintendent_years = 4;
    new_superintendent(keep, st, 2);
    CHECK(st.district.initiative_active);
    CHECK(st.district.leader_budget_factor == 1.0);
    CHECK_FALSE(st.district.paused);
    CHECK(st.district.momentum == 0.5);
    CHECK(st.district.superintendent_years == 0);
    CHECK(st.district.superintendent_changes == 1);
  }
}

TEST_CASE("a new superintendent may relaunch an ended initiative, to wary teachers", "[revision]") {
  Scenario sc = superintendent_scenario(0, 0, 0);
  State st = exposed(sc);
  st.district.initiative_active = false;
  std::fill(st.teachers.commitment.begin(), st.teachers.commitment.end(), 0.5f);
  std::fill(st.teachers.fatigue.begin(), st.teachers.fatigue.end(), 0.1f);
  State never = st;
  new_superintendent(sc, never, 2);  // initiative_relaunch 0: it stays ended
  CHECK_FALSE(never.district.initiative_active);
  sc.model.initiative_relaunch = 1;
  new_superintendent(sc, st, 2);
  CHECK(st.district.initiative_active);
  CHECK(st.district.relaunches == 1);
  CHECK(st.district.momentum == Approx(0.3));  // a fresh start, from at least 0.3
  CHECK(st.teachers.commitment[TeacherId(0)] == Approx(0.5 - sc.model.reform_fatigue).margin(1e-6));
  CHECK(st.teachers.fatigue[TeacherId(0)] == Approx(0.1 + sc.model.reform_fatigue).margin(1e-6));
}

TEST_CASE("a new principal withdraws an unmandated, shallow school", "[revision]") {
  Scenario sc = district(3, 10);
  sc.district.principal_turnover = 1;  // every school gets a new principal
  sc.model.principal_withdraw = 1;
  sc.strategy.centralization = 0.5;
  State st = initial_state(sc, Rng{9});
  practise(st, 1u);
  Schools& s = st.schools;
  s.opt_in_threshold = {0.9, 0.1, 0.9};  // school 1 is mandated (0.5 >= 0.1)
  s.depth = {0.0, 0.0, 0.5};             // school 2 is deep in the practice: never withdrawn
  st.clock.year = 1;                     // (no superintendent hazard in year 1)
  leadership_turnover(sc, st, Rng{9});
  REQUIRE(std::all_of(s.principal_changes.begin(), s.principal_changes.end(), [](std::uint32_t n) { return n == 1u; }));
  CHECK(s.phase[SchoolId(0)] == Phase::Abandoned);
  CHECK(s.abandon_year[SchoolId(0)] == 1);
  CHECK(s.last_abandon_year[SchoolId(0)] == 1);
  CHECK(s.phase[SchoolId(1)] == Phase::Implementing);
  CHECK(s.phase[SchoolId(2)] == Phase::Implementing);
}

TEST_CASE("an abandoned school re-enters the queue once the wait is over", "[revision]") {
  Scenario sc = district(3, 10);
  sc.strategy.centralization = 1.0;  // every waiting school mandated
  sc.strategy.pace = 1.0;
  sc.model.launch_rate_max = 1.0;    // at pace 1, every eligible school launches
  sc.model.school_relaunch = 1;      // certain once the wait is over
  sc.model.school_relaunch_wait = 2;
  Scenario hold = sc;  // nothing launches: the relaunched phase stays visible
  hold.model.launch_rate_min = hold.model.launch_rate_max = 0;
  State st = initial_state(sc, Rng{10});
  Schools& s = st.schools;
  for (const SchoolId i : ids<SchoolId>(3)) {
    s.phase[i] = Phase::Abandoned;
    s.launch_year[i] = 1;
    s.abandon_year[i] = 1;
    s.last_abandon_year[i] = 1;
  }
  s.last_abandon_year[SchoolId(2)] = 2;  // relaunched and abandoned again in year 2: its wait starts again
  std::fill(st.teachers.commitment.begin(), st.teachers.commitment.end(), 0.5f);
  st.clock.year = 2;
  launch_schools(hold, st, Rng{10});
  CHECK(in_phase(st, Phase::Abandoned) == 3);  // one year is not the wait
  st.clock.year = 3;
  launch_schools(hold, st, Rng{10});
  CHECK(s.phase[SchoolId(0)] == Phase::Waiting);
  CHECK(s.phase[SchoolId(1)] == Phase::Waiting);
  CHECK(s.phase[SchoolId(2)] == Phase::Abandoned);
  CHECK(s.relaunches[SchoolId(0)] == 1);
  CHECK(s.relaunches[SchoolId(2)] == 0);
  CHECK(st.teachers.commitment[s.first[SchoolId(0)]] == Approx(0.5 - sc.model.reform_fatigue).margin(1e-6));
  CHECK(st.teachers.commitment[s.first[SchoolId(2)]] == 0.5f);
  CHECK(st.district.relaunches == 0);  // the initiative's count, not the schools'
  // Launched again: launch_year keeps the first launch.
  st.clock.year = 4;
  launch_schools(sc, st, Rng{10});
  CHECK(s.phase[SchoolId(0)] == Phase::Launching);
  CHECK(s.launch_year[SchoolId(0)] == 1);
  CHECK(s.abandon_year[SchoolId(0)] == 1);
}

TEST_CASE("a mandate holds schools that would abandon", "[revision]") {
  Scenario sc = district(200, 5);
  sc.model.abandon_base = 0.99;  // every school close to giving up
  // Which schools abandon in one month, at centralization c with mandate_hold
  // h. A mandate reaches the even schools from c = 0.1, the odd ones from 0.9.
  auto abandoned = [&](double c, double h) {
    Scenario s = sc;
    s.strategy.centralization = c;
    s.model.mandate_hold = h;
    State st = initial_state(s, Rng{11});
    practise(st, 1u);
    for (const SchoolId i : st.schools.ids()) st.schools.opt_in_threshold[i] = i.index() % 2 == 0 ? 0.1 : 0.9;
    st.clock.year = 2;
    school_phases(s, st, Rng{11});
    std::vector<bool> out;
    for (Phase p : st.schools.phase) out.push_back(p == Phase::Abandoned);
    return out;
  };
  auto count = [](const std::vector<bool>& v) { return std::count(v.begin(), v.end(), true); };
  const auto loose = abandoned(0.0, 0.8);  // no school mandated
  const auto tight = abandoned(1.0, 0.8);  // every school mandated: hazard x (1 - 0.8)
  const auto half = abandoned(0.5, 0.8);   // the even schools mandated: hazard x (1 - 0.4)
  INFO("loose " << count(loose) << ", half " << count(half) << ", tight " << count(tight));
  CHECK(count(loose) > 40);
  CHECK(count(tight) < 0.3 * count(loose));
  for (std::size_t i = 0; i < loose.size(); ++i) {
    // Same draws, lower hazard: whoever leaves under a mandate leaves without it ...
    CHECK((!tight[i] || loose[i]));
    CHECK((!half[i] || loose[i]));
    // ... and a school the mandate does not reach is not held.
    if (i % 2 == 1) CHECK(half[i] == loose[i]);
  }
  CHECK(count(half) < count(loose));
  // Centralization changes abandonment only through the mandate's hold.
  CHECK(abandoned(1.0, 0.0) == loose);
}

TEST_CASE("self-sufficiency is the trained, payable support over what the whole scope needs", "[revision]") {
  Scenario sc = district(10, 20);  // 200 teachers
  sc.strategy.external_sourcing = 0;  // the office in full
  sc.strategy.centralization = 0;     // tools without the volume discount
  // Pinned (not the calibrated defaults), so that the premises below hold.
  sc.model.build_fixed_base = 100000;
  sc.model.office_scale_exponent = 0;  // a flat core, whatever the size
  sc.model.build_fixed_per_teacher = 50;
  sc.model.tools_cost_per_teacher = 500;
  sc.model.leader_stipend = 1000;
  sc.model.internal_coach_cost = 95000;
  sc.model.leader_coaching_fte = 0.15;
  sc.model.upkeep_dose = 0.1;
  const ModelParams& m = sc.model;
  SECTION("none at the start, whatever the capacity and the money") {
    sc.district.budget_per_teacher = 1e5;
    State st = initial_state(sc, Rng{12});
    practise(st, 1u);
    set_skills(st, 0.9f);
    REQUIRE(capacity_index(sc, st) == 1.0);
    CHECK(self_sufficiency(sc, st) == 0.0);
  }
  // 2 coaches and 4 teacher-leaders, at a year end.
  auto with_corps = [&](double budget, int abandoned) {
    Scenario s = sc;
    s.district.budget_per_teacher = budget;
    State st = initial_state(s, Rng{12});
    practise(st, 1u);
    for (const SchoolId i : ids<SchoolId>(static_cast<std::size_t>(abandoned))) st.schools.phase[i] = Phase::Abandoned;
    for (const TeacherId k : ids<TeacherId>(2)) st.teachers.role[k] = Role::Coach;
    for (const TeacherId k : ids<TeacherId>(6)) if (k.index() >= 2) st.teachers.role[k] = Role::Leader;
    st.clock.year = 2;
    st.clock.month = 11;
    return self_sufficiency(s, st);
  };
  const double peer = 4 * m.leader_coaching_fte;
  auto needed = [&](double scope) {
    return scope * (mean_turnover(sc) * m.replacement_coaching_years + m.upkeep_dose) / per_coach(sc);
  };
  auto posts = [&](double budget, double scope) {  // budget less office, stipends and tools of the scope
    const double fixed = m.build_fixed_base * std::pow(200 / 4000.0, m.office_scale_exponent) +
                        m.build_fixed_per_teacher * 200 + 4 * m.leader_stipend;
    return std::max(0.0, budget * 200 - fixed - m.tools_cost_per_teacher * scope) / m.internal_coach_cost;
  };
  REQUIRE((2 + peer) / needed(200) < 1);
  // Money for more posts than the district has trained: the trained corps counts.
  CHECK(with_corps(5000, 0) == Approx((2 + peer) / needed(200)));
  // Money for fewer: what can be paid counts.
  REQUIRE(posts(1500, 200) > 0);
  REQUIRE(posts(1500, 200) < 2);
  CHECK(with_corps(1500, 0) == Approx((posts(1500, 200) + peer) / needed(200)));
  // No money for any post after the recurring costs: nothing is sustainable.
  REQUIRE(posts(1000, 200) == 0);
  CHECK(with_corps(1000, 0) == 0.0);
  // Abandoned schools leave the scope: less is needed and fewer tools are paid.
  const double half = (posts(1200, 100) + peer) / needed(100);
  REQUIRE(half < 1);
  CHECK(with_corps(1200, 5) == Approx(half));
  CHECK(with_corps(1200, 5) > with_corps(1200, 0));
}

namespace {

// A small district that builds capacity within a few years.
Scenario probe_scenario(int years) {
  Scenario sc = district(6, 15);
  sc.meta.years = years;
  sc.district.budget_per_teacher = 6000;
  sc.strategy.pace = 1.0;
  sc.strategy.centralization = 1.0;
  sc.strategy.adaptivity = 0;           // dials fixed: external_sourcing stays as set
  sc.model.initiative_drop_base = 0;    // no superintendent ends the initiative
  return sc;
}

double retained(const RunResult& r, int year) {
  return r.metrics.at(r.metrics.year_end_row(year), Metric::retained_capacity);
}

double capacity(const RunResult& r, int year) {
  return r.metrics.at(r.metrics.year_end_row(year), Metric::capacity_index);
}

}  // namespace

TEST_CASE("retained capacity is the probe's capacity over the unprobed run's, three years on", "[revision]") {
  SECTION("by the definition: a run whose partners and grant go at the probe year") {
    // Partners and a grant; the probe at year 3 removes both. A second run
    // removes them with events at the start of year 4 (the probe's first
    // year): up to year 3 it is the same run, and from there it is the probe.
    Scenario sc = probe_scenario(8);
    sc.strategy.external_sourcing = 1.0;    // coaching bought ...
    sc.partners[0].knowledge_transfer = 0;  // ... and none of it co-delivered
    sc.district.grant_per_year = 3e5;
    sc.district.grant_years = 8;
    sc.output.withdrawal_probe_years = {3};
    Scenario cut = sc;
    cut.events.push_back({4, EventKind::PartnerExit, 0, ""});
    cut.events.push_back({4, EventKind::GrantEnd, 0, ""});
    const RunResult r = run_one(sc, 21);
    const RunResult w = run_one(cut, 21);
    REQUIRE(capacity(r, 6) > 0);
    CHECK(capacity(w, 3) == capacity(r, 3));
    CHECK(retained(r, 3) == Approx(capacity(w, 6) / capacity(r, 6)).epsilon(1e-12));
    CHECK(retained(r, 3) < 0.9);  // (the withdrawal matters here: the check is not 1 == 1)
  }
  SECTION("nothing to withdraw: all of it is retained, also for a probe past the horizon") {
    Scenario sc = probe_scenario(6);
    sc.strategy.external_sourcing = 0;  // no partner coaching, no grant
    sc.output.withdrawal_probe_years = {2, 5};  // 5 + 3 > 6: the unprobed run is forked too
    const RunResult r = run_one(sc, 22);
    REQUIRE(capacity(r, 5) > 0);
    CHECK(retained(r, 2) == Approx(1.0).epsilon(1e-12));
    CHECK(std::isfinite(retained(r, 5)));
    CHECK(retained(r, 5) == Approx(1.0).epsilon(1e-12));
  }
  SECTION("practice the partners hold leaves with them") {
    Scenario sc = probe_scenario(8);
    sc.strategy.external_sourcing = 1.0;  // all coaching bought
    sc.partners[0].knowledge_transfer = 0;  // none of it co-delivered
    sc.model.partner_held_loss = 1.0;
    sc.output.withdrawal_probe_years = {4};
    const RunResult r = run_one(sc, 23);
    REQUIRE(capacity(r, 7) > 0);
    CHECK(retained(r, 4) < 0.5);
    // Less of it lost with the partner (partner_held_loss 0): more retained;
    // the rest of the drop is the coaching the withdrawal removes.
    sc.model.partner_held_loss = 0;
    CHECK(retained(run_one(sc, 23), 4) > retained(r, 4) + 0.2);
  }
}
