// One run of the model: Scenario + seed -> RunResult. The order of stages is
// one explicit list in schedule.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "model/scenario.hpp"

namespace ds {

struct State;  // engine/state.hpp: needed only by run_from's callers

// Final-year outputs of one school (MODEL.md 5, per school).
struct SchoolOutcome {
  std::string name;
  double need = 0;
  double readiness = 0;
  int launch_year = -1;     // -1: never launched (written empty)
  std::string phase;        // waiting, launching, implementing, sustaining, abandoned
  double depth = 0;
  int teachers_routine = 0;
  int abandon_year = -1;              // -1: never abandoned (written empty)
  int full_implementation_year = -1;  // first year at full implementation; -1: never
  int months_to_full_implementation = -1;  // months from launch (the launch month is 1); -1: never
  int teachers = 0;       // slots
  int teachers_left = 0;  // teachers who left the school over the run (movers included)
  int principal_changes = 0;  // new principals over the run
};

struct RunResult {
  std::uint64_t seed = 0;
  MetricTable metrics;  // yearly rows 0..years, or monthly rows when asked
  std::array<double, kRunOutputCount> per_run{};  // kEmpty where undefined
  std::vector<SchoolOutcome> schools;
  std::uint64_t teacher_steps = 0;  // teachers x monthly steps, probes included
};

// The seed of replication `r` of a scenario with base seed `base`: a
// SplitMix64 mix, so neighbouring replications are unrelated streams.
std::uint64_t replication_seed(std::uint64_t base, std::uint64_t r);

// Runs one replication. Pure: same scenario and seed, same result, on any
// thread. Throws only on internal errors (never on a validated scenario).
RunResult run_one(const Scenario& scenario, std::uint64_t seed);

// The same run from `start`, which must be initial_state(s, Rng{seed})
// (engine/population.hpp) of a scenario `s` that differs from `scenario` at
// most in its strategy: the initial state reads the strategy only to copy
// it, which this replaces, so the result is run_one's byte for byte. A
// sweep of the dials builds each replication's start once
// (runs/shared_starts.hpp).
RunResult run_from(const Scenario& scenario, std::uint64_t seed, State start);

}  // namespace ds
