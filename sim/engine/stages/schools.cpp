// School aggregates, implementation depth, phase changes and abandonment.
#include <algorithm>
#include <cmath>

#include "engine/stages/stages.hpp"

namespace ds {

void abandon_school(State& st, SchoolId i) {
  Schools& s = st.schools;
  s.phase[i] = Phase::Abandoned;
  if (s.abandon_year[i] < 0) s.abandon_year[i] = st.clock.year;  // the first time
  s.last_abandon_year[i] = st.clock.year;
  s.depth[i] = 0;
  for (const TeacherId k : s.slots(i)) st.teachers.months_practice[k] = 0;
}

void school_phases(const Scenario& sc, State& st, const Rng& rng) {
  Schools& s = st.schools;
  DistrictState& d = st.district;
  const ModelParams& m = sc.model;
  update_school_aggregates(sc, st);
  d.abandoned_now = 0;
  const double base = std::log(m.abandon_base / (1.0 - m.abandon_base));
  for (const SchoolId i : s.ids()) {
    if (s.setback_months[i] > 0) s.setback_months[i] -= 1;
    if (!practising(s.phase[i])) continue;
    if (s.months_launched[i] < 65535) ++s.months_launched[i];
    if (s.phase[i] == Phase::Launching && s.months_launched[i] >= m.installation_months)
      s.phase[i] = Phase::Implementing;
    if (s.phase[i] == Phase::Implementing && s.routine_share[i] >= m.full_implementation_share) {
      s.phase[i] = Phase::Sustaining;
      if (s.months_to_full[i] < 0) s.months_to_full[i] = s.months_launched[i];
      if (s.full_year[i] < 0) s.full_year[i] = st.clock.year;
    } else if (s.phase[i] == Phase::Sustaining && s.routine_share[i] < m.full_implementation_share - 0.15)
      s.phase[i] = Phase::Implementing;
    // Abandonment: tired, unconvinced, unsupported, poorly fitting schools
    // give up; depth, readiness and lessons from others' failures hold them.
    double z = base + 3.0 * (s.fatigue[i] - 0.3) + 3.0 * (0.5 - s.commitment[i]) +
               2.0 * std::max(0.0, 0.4 - s.dose[i]) + 2.0 * s.load[i] * (1.0 - s.fit[i]) +
               (s.setback_months[i] > 0 ? 0.8 : 0.0) - 3.0 * s.depth[i] - 1.5 * d.kb_process -
               1.5 * (s.readiness[i] - 0.5) + (d.initiative_active ? 0.0 : 1.0);
    double yearly = 1.0 / (1.0 + std::exp(-z));
    if (s.phase[i] == Phase::Sustaining) yearly *= 0.3;
    // Held tight: a school the district mandates needs its consent to stop
    // (compliance rather than exit; 6.11), while the initiative lasts.
    const double c = d.strategy.centralization;
    if (d.initiative_active && c >= s.opt_in_threshold[i]) yearly *= 1.0 - m.mandate_hold * c;
    const double monthly = 1.0 - std::pow(1.0 - yearly, 1.0 / 12.0);
    if (rng.uniform(streams::kAbandon, st.clock.step(), i) < monthly) {
      abandon_school(st, i);
      d.abandoned_now += 1;
    }
  }
}

}  // namespace ds
