// Every stage of the model. Each is `stage(const Scenario&, State&, const Rng&)`
// and each can be run and tested alone; schedule.cpp holds their order.
// What several stages read of the state is in engine/derived.hpp.
#pragma once

#include "engine/derived.hpp"
#include "engine/rng.hpp"
#include "engine/state.hpp"
#include "model/scenario.hpp"

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
// learning then commitment_fatigue, school by school (the schedule's).
void teacher_month(const Scenario& sc, State& st, const Rng& rng);       // learning.cpp
void knowledge_sharing(const Scenario& sc, State& st, const Rng& rng);   // knowledge.cpp
void school_phases(const Scenario& sc, State& st, const Rng& rng);       // schools.cpp
void partner_transfer(const Scenario& sc, State& st, const Rng& rng);    // resources.cpp

// ---- yearly, month 11 ----
void teacher_turnover(const Scenario& sc, State& st, const Rng& rng);    // turnover.cpp
void contract_ends(const Scenario& sc, State& st, const Rng& rng);       // resources.cpp

// ---- helpers shared by stages ----
// A school stops practising (abandonment, or a new principal withdrawing it).
void abandon_school(State& st, SchoolId i);
// Coaching effect of a program serving `caseload` teachers (Kraft et al.
// 2018); one district-wide model keeps fidelity at scale (centralization).
double program_size_factor(const Scenario& sc, double caseload, double centralization = 0.5);

}  // namespace ds
