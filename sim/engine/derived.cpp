// What a run's state implies: levels of use, the per-school means, the roles
// and the scope, and the budget's recurring posts. Read by the stages, the
// initial state, the schedule and the observer; changes no teacher.
#include "engine/derived.hpp"

#include <algorithm>
#include <cmath>

namespace ds {

LevelOfUse level_of_use(const Scenario& sc, const State& st, TeacherId i) {
  const float skill = st.teachers.skill[i];
  if (!practising(st.schools.phase[st.teachers.school[i]]))
    return skill >= 0.2f ? LevelOfUse::Orientation : LevelOfUse::NonUse;
  if (st.teachers.months_practice[i] < 2) return LevelOfUse::Preparation;
  if (!at_routine(sc, st, i)) return LevelOfUse::Mechanical;
  const double r = sc.model.routine_skill;
  const double above = (skill - r) / std::max(1e-9, 1.0 - r);  // 0..1 past Routine
  if (above < 0.25) return LevelOfUse::Routine;
  if (above < 0.5) return LevelOfUse::Refinement;
  if (above < 0.75) return LevelOfUse::Integration;
  return LevelOfUse::Renewal;
}

void update_school_aggregates(const Scenario& sc, State& st) {
  Schools& s = st.schools;
  const Teachers& t = st.teachers;
  const int K = sc.model.components;
  const float threshold = routine_threshold(sc);
  const int routine_months = sc.model.routine_min_months;
  for (const SchoolId i : s.ids()) {
    const std::size_t first = s.first[i].index(), count = s.count[i];
    const float* __restrict skill = t.skill.data() + first;
    const float* __restrict commitment_of = t.commitment.data() + first;
    const float* __restrict fatigue_of = t.fatigue.data() + first;
    const std::uint16_t* __restrict months = t.months_practice.data() + first;
    const Role* __restrict role = t.role.data() + first;
    const bool active = practising(s.phase[i]);
    // Counts as integers (exactly what adding ones in double gives), then
    // the sums in double in slot order, each without a branch (adding 0
    // where a teacher does not count: the same sums).
    std::int64_t routine = 0, leaders = 0, coaches = 0, teacher_leaders = 0;
    for (std::size_t k = 0; k < count; ++k) {
      routine += active & (skill[k] >= threshold) & (months[k] >= routine_months);
      leaders += role[k] != Role::Teacher;
      coaches += role[k] == Role::Coach;
      teacher_leaders += role[k] == Role::Leader;
    }
    double commitment = 0, fatigue = 0, lead = 0, coach_skill = 0;
    for (std::size_t k = 0; k < count; ++k) {
      commitment += commitment_of[k];
      fatigue += fatigue_of[k];
      lead += role[k] != Role::Teacher ? skill[k] : 0.0f;
      coach_skill += role[k] == Role::Coach ? skill[k] : 0.0f;
    }
    s.leaders[i] = static_cast<double>(teacher_leaders);
    s.coaches[i] = static_cast<double>(coaches);
    s.coach_skill[i] = coach_skill;
    const double n = std::max<double>(1.0, s.count[i]);
    s.routine_share[i] = static_cast<double>(routine) / n;
    s.commitment[i] = commitment / n;
    s.fatigue[i] = fatigue / n;
    s.leader_skill[i] = leaders > 0 ? lead / static_cast<double>(leaders) : 0.0;
    // Depth: routine use, weighted by coverage, with a synergy bonus when
    // the components form a coherent whole.
    const double coverage = static_cast<double>(__builtin_popcount(s.components[i])) / K;
    s.depth[i] = practising(s.phase[i])
                     ? s.routine_share[i] * (coverage * (1.0 - sc.model.synergy) + sc.model.synergy * coverage * coverage)
                     : 0.0;
  }
}

int count_role(const State& st, Role r) {
  return static_cast<int>(std::count(st.teachers.role.begin(), st.teachers.role.end(), r));
}

double scope_teachers(const State& st) {
  double n = 0;
  for (const SchoolId i : st.schools.ids())
    if (st.schools.phase[i] != Phase::Abandoned) n += st.schools.count[i];
  return n;
}

double recurring_budget(const Scenario& sc, const State& st) {
  const DistrictState& d = st.district;
  if (!d.initiative_active) return 0;
  const double momentum_factor =
      1.0 - sc.model.momentum_budget_sensitivity * std::max(0.0, 0.5 - d.momentum) / 0.5;
  return sc.district.budget_per_teacher * static_cast<double>(st.teachers.size()) *
         d.budget_factor * d.leader_budget_factor * momentum_factor;
}

// A program office that grows with the district, for what is built: its
// coordinating core less than in proportion to size (economies of scale: the
// base is the 4,000-teacher reference's), staff and in-house tools in
// proportion; stipends of the teacher-leaders.
double fixed_costs(const Scenario& sc, const State& st) {
  const double teachers = static_cast<double>(st.teachers.size());
  const double office = sc.model.build_fixed_base * std::pow(teachers / 4000.0, sc.model.office_scale_exponent) +
                        sc.model.build_fixed_per_teacher * teachers;
  return office * (1.0 - st.district.strategy.external_sourcing) +
         sc.model.leader_stipend * count_role(st, Role::Leader);
}

// Recurring licences and collaboration time of `teachers` practising; a
// district-wide licence buys volume, as a district-wide contract does.
double tools_cost(const Scenario& sc, const State& st, double teachers) {
  return sc.model.tools_cost_per_teacher * teachers *
         (1.0 - sc.model.central_discount * st.district.strategy.centralization);
}

double recurring_payable_fte(const Scenario& sc, const State& st) {
  const double tools = tools_cost(sc, st, scope_teachers(st));
  return std::max(0.0, recurring_budget(sc, st) - fixed_costs(sc, st) - tools) /
         sc.model.internal_coach_cost;
}

}  // namespace ds
