// Observation: the metrics of the current state, written into a table row.
#pragma once

#include "model/metrics.hpp"
#include "model/scenario.hpp"
#include "engine/state.hpp"

namespace ds {

// Fills every metric of `row` except retained_capacity (the probe's).
void observe(const Scenario& sc, const State& st, double* row);

// capacity_index alone (the withdrawal probe needs only this).
double capacity_index(const Scenario& sc, const State& st);

// self_sufficiency: the internal coaching capacity the district has trained
// and can pay from its recurring budget, over what carrying the initiative's
// whole scope needs (docs/model.md 7.1).
double self_sufficiency(const Scenario& sc, const State& st);

}  // namespace ds
