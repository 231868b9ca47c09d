// Scenario + seed -> the initial State (year 0).
#pragma once

#include "engine/rng.hpp"
#include "model/scenario.hpp"
#include "engine/state.hpp"

namespace ds {

State initial_state(const Scenario& sc, const Rng& rng);

// Draws a new teacher into slot i (a hire): novice, or experienced with
// probability `experienced_share`. `step` keys the draws.
void hire_teacher(const Scenario& sc, State& st, const Rng& rng, TeacherId i,
                  std::uint32_t step, double experienced_share);

}  // namespace ds
