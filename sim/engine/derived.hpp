// What a run's state implies, read by the stages, the initial state
// (population.cpp), the schedule and the observer alike: the Routine
// threshold and levels of use (docs/model.md 2.6), the per-school means,
// roles and scope, and the recurring budget's posts. Nothing here is a stage:
// the stages (engine/stages/stages.hpp) include this file, not the other way.
#pragma once

#include "engine/state.hpp"
#include "model/scenario.hpp"

namespace ds {

inline double clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

// The skill of Routine use in the precision skills are stored in (float), so
// that every rule compares a skill with it alike.
inline float routine_threshold(const Scenario& sc) { return static_cast<float>(sc.model.routine_skill); }
// Is teacher i at Routine use or above (the capacity threshold)?
inline bool at_routine(const Scenario& sc, const State& st, TeacherId i) {
  return practising(st.schools.phase[st.teachers.school[i]]) &&
         st.teachers.skill[i] >= routine_threshold(sc) &&
         st.teachers.months_practice[i] >= sc.model.routine_min_months;
}
// CBAM Level of Use of teacher i, derived, never stored (docs/model.md 2.6).
LevelOfUse level_of_use(const Scenario& sc, const State& st, TeacherId i);

// Per-school means (commitment, fatigue, leader skill, routine share, depth)
// and counts of coaches and teacher-leaders, from the teacher columns.
void update_school_aggregates(const Scenario& sc, State& st);

int count_role(const State& st, Role r);
// Teachers of the initiative's scope: schools launched or still to launch.
double scope_teachers(const State& st);

// Direct-support share at which one coach FTE serves teachers_per_coach
// teachers at full dose; other shares scale that caseload.
inline constexpr double kNominalDirectTime = 0.7;

// The year's recurring budget for the initiative: budget per teacher, scaled
// by cuts, the superintendent's priority and momentum (0 once it has ended).
double recurring_budget(const Scenario& sc, const State& st);
// A program office that grows with the district, for what is built, and the
// teacher-leaders' stipends.
double fixed_costs(const Scenario& sc, const State& st);
// Recurring licences and collaboration time of `teachers` practising.
double tools_cost(const Scenario& sc, const State& st, double teachers);
// Internal coach FTE the recurring budget could pay with every partner gone,
// after the fixed costs and the tools of the whole scope.
double recurring_payable_fte(const Scenario& sc, const State& st);

}  // namespace ds
