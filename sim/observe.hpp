// Observation: the metrics of the current state, written into a table row.
#pragma once

#include "metrics.hpp"
#include "scenario.hpp"
#include "state.hpp"

namespace ds {

// Fills every metric of `row` except retained_capacity (the probe's).
void observe(const Scenario& sc, const State& st, double* row);

// capacity_index alone (the withdrawal probe needs only this).
double capacity_index(const Scenario& sc, const State& st);

// self_sufficiency of a state whose capacity_index is `capacity`.
double self_sufficiency(const Scenario& sc, const State& st, double capacity);

}  // namespace ds
