// Every stage of the model. Each is `stage(const Scenario&, State&, const Rng&)`
// and each can be run and tested alone; schedule.cpp holds their order.
#pragma once

#include "engine/rng.hpp"
#include "model/scenario.hpp"
#include "engine/state.hpp"

namespace ds {

// ---- yearly, month 0 (leadership.cpp, resources.cpp, rollout.cpp) ----
// Scenario events of this year: superintendent change, partner exit, grant end,
// budget cut, turnover spike.
void apply_events(const Scenario& sc, State& st, const Rng& rng);
// Superintendent and principal turnover; the initiative's survival check.
void leadership_turnover(const Scenario& sc, State& st, const Rng& rng);
// Adaptivity: the district reads lagged, noisy indicators and moves dials.
void strategy_review(const Scenario& sc, State& st, const Rng& rng);
// The year's budget and its split: contracts with partners, internal coaches.
void budget_and_contracts(const Scenario& sc, State& st, const Rng& rng);
// Launch of this year's schools; a-la-carte schools add components.
void launch_schools(const Scenario& sc, State& st, const Rng& rng);
// Teacher-leaders, the coach pipeline, convening ties.
void promote_leaders(const Scenario& sc, State& st, const Rng& rng);

// ---- monthly ----
void allocate_support(const Scenario& sc, State& st, const Rng& rng);    // resources.cpp
void learning(const Scenario& sc, State& st, const Rng& rng);            // learning.cpp
void commitment_fatigue(const Scenario& sc, State& st, const Rng& rng);  // learning.cpp
void knowledge_sharing(const Scenario& sc, State& st, const Rng& rng);   // knowledge.cpp
void school_phases(const Scenario& sc, State& st, const Rng& rng);       // schools.cpp
void partner_transfer(const Scenario& sc, State& st, const Rng& rng);    // resources.cpp

// ---- yearly, month 11 ----
void teacher_turnover(const Scenario& sc, State& st, const Rng& rng);    // turnover.cpp
void contract_ends(const Scenario& sc, State& st, const Rng& rng);       // resources.cpp

// ---- helpers shared by stages ----
// The skill of Routine use in the precision skills are stored in (float), so
// that every rule compares a skill with it alike.
inline float routine_threshold(const Scenario& sc) { return static_cast<float>(sc.model.routine_skill); }
// Is teacher i at Routine use or above (the capacity threshold)?
inline bool at_routine(const Scenario& sc, const State& st, TeacherId i) {
  return practising(st.schools.phase[st.teachers.school[i]]) &&
         st.teachers.skill[i] >= routine_threshold(sc) &&
         st.teachers.months_practice[i] >= sc.model.routine_min_months;
}
LevelOfUse level_of_use(const Scenario& sc, const State& st, TeacherId i);
// A school stops practising (abandonment, or a new principal withdrawing it).
void abandon_school(State& st, SchoolId i);
// Per-school means (commitment, fatigue, leader skill, routine share, depth).
void update_school_aggregates(const Scenario& sc, State& st);
// Coaching effect of a program serving `caseload` teachers (Kraft et al.
// 2018); one district-wide model keeps fidelity at scale (centralization).
double program_size_factor(const Scenario& sc, double caseload, double centralization = 0.5);
// Teachers of the initiative's scope: schools launched or still to launch.
double scope_teachers(const State& st);
// Internal coach FTE the recurring budget could pay with every partner gone,
// after the fixed costs and the tools of the whole scope.
double recurring_payable_fte(const Scenario& sc, const State& st);
int count_role(const State& st, Role r);

// Direct-support share at which one coach FTE serves teachers_per_coach
// teachers at full dose; other shares scale that caseload.
inline constexpr double kNominalDirectTime = 0.7;

inline double clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }

}  // namespace ds
