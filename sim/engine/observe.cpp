#include "engine/observe.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/params.hpp"
#include "engine/derived.hpp"

namespace ds {

const char* to_string(Phase p) {
  static const char* names[] = {"waiting", "launching", "implementing", "sustaining", "abandoned"};
  return names[static_cast<int>(p)];
}

double capacity_index(const Scenario& sc, const State& st) {
  double n = 0;
  for (const TeacherId i : st.teachers.ids()) n += at_routine(sc, st, i) ? 1 : 0;
  return n / static_cast<double>(std::max<std::size_t>(1, st.teachers.size()));
}

namespace {

// Internal coach FTE needed to carry the whole scope: every teacher of the
// schools launched or still to launch brought to Routine (the replacements
// for a year's leavers, each needing replacement_coaching_years of coaching)
// and kept there (upkeep_dose of coaching each).
double coach_fte_needed(const Scenario& sc, double scope) {
  const double turnover =
      0.5 * (sc.district.teacher_turnover_low_need + sc.district.teacher_turnover_high_need);
  // In internal-coach FTE: an internal coach serves teachers_per_coach
  // teachers at full dose only at the nominal direct time.
  const double per_coach = sc.model.teachers_per_coach * sc.model.internal_coach_direct_time / kNominalDirectTime;
  return scope * (turnover * sc.model.replacement_coaching_years + sc.model.upkeep_dose) / per_coach;
}

// Mean depth of the least-needy half of schools minus the neediest half.
double equity_gap(const State& st) {
  const Schools& s = st.schools;
  const std::size_t n = s.size();
  if (n < 2) return 0;
  const IdRange<SchoolId> all = s.ids();
  std::vector<SchoolId> order(all.begin(), all.end());
  std::stable_sort(order.begin(), order.end(), [&](SchoolId a, SchoolId b) { return s.need[a] < s.need[b]; });
  const std::size_t half = n / 2;
  double low = 0, high = 0;
  for (std::size_t k = 0; k < half; ++k) {
    low += s.depth[order[k]];
    high += s.depth[order[n - 1 - k]];
  }
  return (low - high) / static_cast<double>(half);
}

}  // namespace

double self_sufficiency(const Scenario& sc, const State& st) {
  // Trained internal coaches: the Coaches, and the trainees whose training
  // is complete by now (training_left counts down only at a year start, so
  // at the year end a trainee who entered a 12-month course at the year start
  // has finished it; the role changes at the next year start). Teacher-leaders
  // add their peer support.
  const int done = st.clock.year > 0 ? st.clock.month + 1 : 0;
  double coaches = 0, leaders = 0;
  for (const TeacherId i : st.teachers.ids()) {
    const Role r = st.teachers.role[i];
    const int left = st.teachers.training_left[i];
    const bool trained = r == Role::Coach || (r == Role::Leader && left > 0 && left <= done);
    coaches += trained;
    leaders += r == Role::Leader && !trained;
  }
  const double peer = sc.model.leader_coaching_fte * leaders;
  const double posts = recurring_payable_fte(sc, st);
  const double payable = posts > 0 ? posts + peer : 0.0;  // stipends come before coach posts
  const double needed = coach_fte_needed(sc, scope_teachers(st));
  return needed > 0 ? std::min(1.0, std::min(coaches + peer, payable) / needed) : 0.0;
}

void observe(const Scenario& sc, const State& st, double* row) {
  const Teachers& t = st.teachers;
  const Schools& s = st.schools;
  const DistrictState& d = st.district;
  auto set = [row](Metric m, double v) { row[static_cast<int>(m)] = v; };
  const double N = static_cast<double>(t.size());
  double routine = 0, skill = 0, reached = 0, reached_n = 0, commitment = 0, fatigue = 0;
  double leaders = 0;
  for (const TeacherId i : t.ids()) {
    const bool r = at_routine(sc, st, i);
    routine += r;
    skill += t.skill[i];
    commitment += t.commitment[i];
    fatigue += t.fatigue[i];
    if (s.launch_year[t.school[i]] >= 0) reached += t.skill[i], reached_n += 1;
    if (t.role[i] == Role::Leader) leaders += 1;
  }
  double launched = 0, full = 0, abandoned = 0, depth = 0, depth2 = 0, dn = 0;
  for (const SchoolId i : s.ids()) {
    launched += s.launch_year[i] >= 0;
    abandoned += s.phase[i] == Phase::Abandoned;
    full += practising(s.phase[i]) && s.routine_share[i] >= sc.model.full_implementation_share;
    if (practising(s.phase[i])) depth += s.depth[i], depth2 += s.depth[i] * s.depth[i], dn += 1;
  }
  const double S = static_cast<double>(s.size());
  set(Metric::capacity_index, routine / N);
  set(Metric::teacher_skill_mean, skill / N);
  set(Metric::skill_mean_reached, reached_n > 0 ? reached / reached_n : kEmpty);
  set(Metric::schools_launched_share, launched / S);
  set(Metric::schools_full_implementation_share, full / S);
  set(Metric::schools_abandoned_share, abandoned / S);
  const double dmean = dn > 0 ? depth / dn : kEmpty;
  set(Metric::depth_mean, dmean);
  set(Metric::depth_sd, dn > 0 ? std::sqrt(std::max(0.0, depth2 / dn - dmean * dmean)) : kEmpty);
  set(Metric::self_sufficiency, self_sufficiency(sc, st));
  set(Metric::initiative_active, d.initiative_active ? 1.0 : 0.0);
  set(Metric::commitment_mean, commitment / N);
  set(Metric::fatigue_mean, fatigue / N);
  set(Metric::teacher_turnover_rate, d.teachers_at_start > 0 ? d.school_leavers / d.teachers_at_start : 0.0);
  set(Metric::equity_gap, equity_gap(st));
  const double spend = d.spend.total();
  set(Metric::spend_per_teacher, spend / N);
  set(Metric::cumulative_spend, d.cumulative_spend);
  set(Metric::spend_per_capable_teacher, routine > 0 ? d.cumulative_spend / routine : kEmpty);
  set(Metric::momentum, d.momentum);
  set(Metric::teacher_leaders, leaders);
  // Coach FTE at work, averaged over the months of the year so far.
  const double months = st.clock.year > 0 ? st.clock.month + 1.0 : 1.0;
  set(Metric::internal_coach_fte, d.internal_fte_months / months);
  set(Metric::partner_coach_fte, d.partner_fte_months / months);
  set(Metric::grant_share_of_spend, spend > 0 ? d.spend.grant / spend : 0.0);
  set(Metric::external_share_of_spend, spend > 0 ? d.spend.external / spend : 0.0);
  for (int k = 0; k < kDialCount; ++k)
    row[static_cast<int>(dial_metric(k))] = dial(d.strategy, k);
}

}  // namespace ds
