// Knowledge sharing, trust and momentum.
#include <algorithm>
#include <cmath>

#include "engine/stages/stages.hpp"

namespace ds {

void knowledge_sharing(const Scenario& sc, State& st, const Rng&) {
  Schools& s = st.schools;
  DistrictState& d = st.district;
  const ModelParams& m = sc.model;
  const double fs = d.strategy.failure_sharing;
  const double c = d.strategy.centralization;
  double practising_teachers = 0, trust = 0, schools_practising = 0, struggling = 0;
  for (const SchoolId i : s.ids()) {
    if (!practising(s.phase[i])) continue;
    // Safety comes first: principals who model sharing their own mistakes.
    const double target = 0.2 + 0.6 * fs * s.principal_support[i] + 0.1 * (1.0 - c);
    s.trust[i] += m.trust_growth * (target - s.trust[i]);
    practising_teachers += s.count[i];
    schools_practising += 1;
    trust += s.trust[i];
    if (s.dose[i] < 0.3 && s.routine_share[i] < 0.3) struggling += 1;
  }
  const double n_schools = static_cast<double>(s.size());
  const double teachers = static_cast<double>(st.teachers.size());
  // Signals: teachers reaching Routine; schools abandoning or struggling.
  const double success = practising_teachers > 0 ? d.new_routine / practising_teachers : 0.0;
  const double failure = (d.abandoned_now + struggling / 12.0) / n_schools;
  const double mean_trust = schools_practising > 0 ? trust / schools_practising : 0.0;
  const double scale = 20.0;  // signals are monthly rates of a few percent
  d.kb_practice += m.knowledge_rate * (1.0 - fs) * std::min(1.0, scale * success) * (1.0 - d.kb_practice);
  d.kb_process += m.knowledge_rate * fs * mean_trust * std::min(1.0, scale * (success + 10.0 * failure)) *
                  (1.0 - d.kb_process);
  d.kb_practice *= 1.0 - m.knowledge_decay;
  d.kb_process *= 1.0 - m.knowledge_decay;
  // Momentum: visible success (louder when best practices are showcased),
  // visible failure (louder when failures are shared), fatigue and cost.
  double fatigue = 0;
  for (const SchoolId i : s.ids()) fatigue += s.fatigue[i] * s.count[i];
  fatigue /= std::max(1.0, teachers);
  const double budget = sc.district.budget_per_teacher * teachers;
  const double cost = budget > 0 ? d.spend.total() / budget : 0.0;
  double dm = 2.0 * (d.new_routine / std::max(1.0, teachers)) * (0.5 + 0.5 * (1.0 - fs));
  dm -= 0.5 * d.abandoned_now / n_schools;
  // Shared struggles: up to failure_momentum_cost a year when every
  // practising school's are public.
  dm -= m.failure_momentum_cost * fs * (d.abandoned_now + struggling / 12.0) / std::max(1.0, schools_practising);
  dm -= 0.01 * std::max(0.0, fatigue - 0.3);
  dm -= 0.002 * std::min(2.0, cost);
  dm += 0.005 * (0.5 - d.momentum);  // attention drifts back to normal
  d.momentum = clamp01(d.momentum + dm);
}

}  // namespace ds
