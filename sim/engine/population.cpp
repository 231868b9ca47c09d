#include "engine/population.hpp"

#include <algorithm>
#include <cmath>

#include "engine/derived.hpp"

namespace ds {
namespace {

void init_schools(const Scenario& sc, State& st, const Rng& rng) {
  const District& d = sc.district;
  Schools& s = st.schools;
  const bool from_file = !d.school_list.empty();
  const std::size_t n = from_file ? d.school_list.size() : static_cast<std::size_t>(d.schools);
  const int K = sc.model.components;
  s.name.resize(n);
  s.need.resize(n);
  s.readiness.resize(n);
  s.first.resize(n);
  s.count.resize(n);
  TeacherId next(0);
  for (const SchoolId i : ids<SchoolId>(n)) {
    if (from_file) {
      const SchoolSpec& f = d.school_list[i.index()];
      s.name[i] = f.name;
      s.need[i] = f.need;
      s.readiness[i] = f.readiness;
      s.count[i] = static_cast<std::uint32_t>(f.teachers);
    } else {
      s.name[i] = "school-" + std::to_string(i.index() + 1);
      Draws need = rng.draws(streams::kSchoolNeed, 0, i);
      s.need[i] = need.beta_mean_sd(d.low_income_share, d.need_spread);
      // High-need schools start less ready (principal turnover, infrastructure).
      const double mean_ready = clamp01(d.readiness - sc.model.need_readiness_slope *
                                                          (s.need[i] - d.low_income_share));
      Draws ready = rng.draws(streams::kSchoolReadiness, 0, i);
      s.readiness[i] = ready.beta_mean_sd(std::clamp(mean_ready, 0.01, 0.99), d.readiness_spread);
      s.count[i] = static_cast<std::uint32_t>(d.teachers_per_school);
    }
    s.first[i] = next;
    next = next + s.count[i];
  }
  s.opt_in_threshold.resize(n);
  s.component_fit.resize(n * static_cast<std::size_t>(K));
  s.principal_support.resize(n);
  for (const SchoolId i : s.ids()) {
    // The centralization a mandate needs to reach this school: the least
    // ready schools are the last a loose district reaches.
    Draws m = rng.draws(streams::kMandate, 0, i);
    s.opt_in_threshold[i] = clamp01(0.5 * m.uniform() + 0.5 * (1.0 - s.readiness[i]));
    Draws f = rng.draws(streams::kComponentFit, 0, i);
    for (int k = 0; k < K; ++k)
      s.component_fit[i.index() * static_cast<std::size_t>(K) + static_cast<std::size_t>(k)] =
          clamp01(f.normal(0.6 + 0.2 * (s.readiness[i] - 0.5), sc.model.component_fit_sd));
    Draws p = rng.draws(streams::kPrincipal, 0, i);
    s.principal_support[i] = p.beta_mean_sd(std::clamp(s.readiness[i], 0.05, 0.95), 0.1);
  }
  const std::size_t P = sc.partners.size();
  s.partner_fit.resize(n * P);
  for (const SchoolId i : s.ids()) {
    Draws f = rng.draws(streams::kPartnerFit, 0, i);
    for (const PartnerId p : ids<PartnerId>(P))  // the partner table is not built yet
      s.partner_fit[i.index() * P + p.index()] = clamp01(f.normal(sc.partner(p).fit, 0.15));
  }
  auto zeros = [n](auto& v, auto value) { v.assign(n, value); };
  zeros(s.opted_in, std::uint8_t{0});
  zeros(s.launch_year, -1);
  zeros(s.abandon_year, -1);
  zeros(s.last_abandon_year, -1);
  zeros(s.months_to_full, -1);
  zeros(s.full_year, -1);
  zeros(s.relaunches, 0u);
  zeros(s.leavers, 0u);
  zeros(s.principal_changes, 0u);
  zeros(s.components, 0u);
  zeros(s.setback_months, 0.0);
  zeros(s.phase, Phase::Waiting);
  zeros(s.months_launched, std::uint16_t{0});
  zeros(s.load, 0.0);
  zeros(s.fit, 0.0);
  zeros(s.dose, 0.0);
  zeros(s.quality, 0.0);
  zeros(s.external_share, 0.0);
  zeros(s.trust, 0.3);
  zeros(s.routine_share, 0.0);
  zeros(s.depth, 0.0);
  zeros(s.commitment, 0.0);
  zeros(s.fatigue, 0.0);
  zeros(s.leader_skill, 0.0);
  zeros(s.coaches, 0.0);
  zeros(s.coach_skill, 0.0);
  zeros(s.leaders, 0.0);
  zeros(s.upkeep, 1.0);
  zeros(s.partner_held, 0.0);
}

void init_teachers(const Scenario& sc, State& st, const Rng& rng) {
  const Schools& s = st.schools;
  std::size_t total = 0;
  for (auto c : s.count) total += c;
  Teachers& t = st.teachers;
  t.skill.resize(total);
  t.commitment.resize(total);
  t.fatigue.resize(total);
  t.learn_rate.resize(total);
  t.months_practice.assign(total, 0);
  t.school.resize(total);
  t.extra_tie.assign(2 * total, TeacherId::none());
  t.tenure.resize(total);
  t.role.assign(total, Role::Teacher);
  t.training_left.assign(total, 0);
  const double mean_turnover =
      0.5 * (sc.district.teacher_turnover_low_need + sc.district.teacher_turnover_high_need);
  for (const SchoolId sid : s.ids()) {
    for (const TeacherId i : s.slots(sid)) {
      t.school[i] = sid;
      Draws d = rng.draws(streams::kTeacherInit, 0, i);
      // A few early adopters already practise well (Bass innovators).
      const bool adopter = d.uniform() < sc.model.bass_p;
      t.skill[i] = static_cast<float>(adopter ? d.beta_mean_sd(0.6, 0.1)
                                              : d.beta_mean_sd(sc.model.initial_skill_mean,
                                                               sc.model.initial_skill_sd));
      t.commitment[i] = static_cast<float>(clamp01(d.normal(0.4 + 0.2 * s.readiness[sid], 0.1)));
      t.fatigue[i] = static_cast<float>(clamp01(d.normal(0.1, 0.05)));
      t.learn_rate[i] = static_cast<float>(std::exp(d.normal(0.0, 0.25)));
      // Tenure from the stationary distribution of a constant leaving rate.
      const double u = std::max(d.uniform(), 1e-12);
      t.tenure[i] = static_cast<std::uint8_t>(std::min(40.0, -std::log(u) / mean_turnover));
    }
  }
}

void init_partners(const Scenario& sc, State& st) {
  const std::size_t P = sc.partners.size();
  PartnerState& p = st.partners;
  p.fte.assign(P, 0.0);
  p.contract_left.assign(P, 0);
  p.contracts.assign(P, 0);
  p.relationship.assign(P, 0.1);
  p.exited.assign(P, 0);
  p.caseload.assign(P, 0.0);
}

}  // namespace

State initial_state(const Scenario& sc, const Rng& rng) {
  State st;
  init_schools(sc, st, rng);
  init_teachers(sc, st, rng);
  init_partners(sc, st);
  NetworkSpec spec;
  for (const SchoolId i : st.schools.ids()) {
    spec.school_first.push_back(st.schools.first[i].value());
    spec.school_count.push_back(st.schools.count[i]);
  }
  spec.ties_per_teacher = sc.model.advice_ties;
  spec.rewiring = sc.model.rewiring;
  spec.cross_ties = sc.model.cross_school_ties;
  st.network = build_advice_network(spec, rng);
  DistrictState& d = st.district;
  d.strategy = sc.strategy;
  Draws sup = rng.draws(streams::kSuperintendent, 0, 0);
  d.superintendent_years = sup.uniform() * sc.district.superintendent_tenure_years;
  update_school_aggregates(sc, st);
  return st;
}

void hire_teacher(const Scenario& sc, State& st, const Rng& rng, TeacherId i, std::uint32_t step,
                  double experienced_share) {
  Teachers& t = st.teachers;
  Draws d = rng.draws(streams::kHire, step, i);
  const bool experienced = d.uniform() < experienced_share;
  t.skill[i] = static_cast<float>(experienced ? d.beta_mean_sd(sc.model.experienced_hire_skill, 0.12)
                                              : d.beta_mean_sd(sc.model.initial_skill_mean * 0.8,
                                                               sc.model.initial_skill_sd));
  t.commitment[i] = static_cast<float>(clamp01(d.normal(0.5, 0.1)));
  t.fatigue[i] = 0.1f;
  t.learn_rate[i] = static_cast<float>(std::exp(d.normal(0.0, 0.25)));
  t.months_practice[i] = 0;
  t.tenure[i] = 0;
  t.role[i] = Role::Teacher;
  t.training_left[i] = 0;
  t.tie(i, 0) = TeacherId::none();
  t.tie(i, 1) = TeacherId::none();
}

}  // namespace ds
