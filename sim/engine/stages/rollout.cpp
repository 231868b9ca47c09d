// Which schools launch, with which components; teacher-leaders, the internal
// coach pipeline and convening ties.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/stages/stages.hpp"

namespace ds {
namespace {

// Components in order of fit for a school, best first.
std::vector<int> components_by_fit(const Scenario& sc, const State& st, SchoolId s) {
  const int K = sc.model.components;
  std::vector<int> order(static_cast<std::size_t>(K));
  std::iota(order.begin(), order.end(), 0);
  const double* fit = &st.schools.component_fit[s.index() * static_cast<std::size_t>(K)];
  std::stable_sort(order.begin(), order.end(), [fit](int a, int b) { return fit[a] > fit[b]; });
  return order;
}

int popcount(std::uint32_t x) { return __builtin_popcount(x); }

void start_school(const Scenario& sc, State& st, SchoolId s) {
  Schools& sch = st.schools;
  const int K = sc.model.components;
  const double b = st.district.strategy.bundling;
  // Prix fixe: the whole model at once. A-la-carte: the best-fitting module.
  const int n = std::clamp(static_cast<int>(std::lround(1.0 + b * (K - 1))), 1, K);
  const auto order = components_by_fit(sc, st, s);
  sch.components[s] = 0;
  for (int k = 0; k < n; ++k) sch.components[s] |= 1u << order[static_cast<std::size_t>(k)];
  // Entry load: how much changes at once, heavier for a complete model.
  sch.load[s] = static_cast<double>(n) / K * (1.0 + sc.model.bundle_entry_load * b);
  sch.phase[s] = Phase::Launching;
  if (sch.launch_year[s] < 0) sch.launch_year[s] = st.clock.year;  // the first launch
  sch.months_launched[s] = 0;
  Teachers& t = st.teachers;
  for (const TeacherId i : sch.slots(s)) {
    t.months_practice[i] = 0;
    // The implementation dip: first use is worse than the old way.
    t.skill[i] = std::max(0.0f, t.skill[i] - static_cast<float>(sc.model.dip_skill_loss * sch.load[s]));
  }
}

// Abandoned schools may try again after a while (6.5): they re-enter the
// queue as waiting schools, their teachers wary of another reform.
void relaunch_schools(const Scenario& sc, State& st, const Rng& rng) {
  Schools& s = st.schools;
  Teachers& t = st.teachers;
  const auto year = static_cast<std::uint32_t>(st.clock.year);
  const auto fatigue = static_cast<float>(sc.model.reform_fatigue);
  for (const SchoolId i : s.ids()) {
    if (s.phase[i] != Phase::Abandoned || st.clock.year - s.last_abandon_year[i] < sc.model.school_relaunch_wait)
      continue;
    if (rng.uniform(streams::kSchoolRelaunch, year, i) >= sc.model.school_relaunch) continue;
    s.phase[i] = Phase::Waiting;
    s.opted_in[i] = 0;
    s.relaunches[i] += 1;
    for (const TeacherId k : s.slots(i)) {
      t.commitment[k] = std::max(0.0f, t.commitment[k] - fatigue);
      t.fatigue[k] = std::min(1.0f, t.fatigue[k] + fatigue);
    }
  }
}

// Coach posts the year's money does not pay are cut (6.6): the least
// experienced coaches (the most recently trained: lowest skill first) go back
// to the classroom as teacher-leaders, taking their share of the corps'
// coaching experience with them. Money freed later becomes coaching only
// through the pipeline again.
std::vector<TeacherId> cut_unfunded_coaches(const Scenario& sc, State& st) {
  Teachers& t = st.teachers;
  DistrictState& d = st.district;
  const double posts = d.internal_pool / sc.model.internal_coach_cost;
  std::vector<std::pair<float, TeacherId>> coaches;
  for (const TeacherId i : t.ids())
    if (t.role[i] == Role::Coach) coaches.push_back({t.skill[i], i});
  const auto keep = static_cast<std::size_t>(std::ceil(posts - 1e-9));
  if (coaches.size() <= keep) return {};
  std::stable_sort(coaches.begin(), coaches.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<TeacherId> cut;
  for (std::size_t k = 0; k < coaches.size() - keep; ++k) {
    t.role[coaches[k].second] = Role::Leader;
    cut.push_back(coaches[k].second);
  }
  d.coaching_expertise *= static_cast<double>(keep) / static_cast<double>(coaches.size());
  std::sort(cut.begin(), cut.end());
  return cut;
}

}  // namespace

void launch_schools(const Scenario& sc, State& st, const Rng& rng) {
  DistrictState& d = st.district;
  Schools& s = st.schools;
  const auto year = static_cast<std::uint32_t>(st.clock.year);
  const Strategy& g = d.strategy;
  if (!d.initiative_active || d.paused) return;
  // A-la-carte schools that do well add their next best-fitting module.
  for (const SchoolId i : s.ids()) {
    if (!practising(s.phase[i]) || s.routine_share[i] < 0.4) continue;
    if (popcount(s.components[i]) >= sc.model.components) continue;
    for (int k : components_by_fit(sc, st, i))
      if (!(s.components[i] >> k & 1u)) {
        s.components[i] |= 1u << k;
        break;
      }
  }
  // Opt-in spreads like an innovation (Bass): ready schools first, faster
  // when neighbours succeed, best practices are showcased, and modules can
  // be taken one at a time.
  double launched = 0;
  for (const SchoolId i : s.ids()) launched += s.launch_year[i] >= 0 ? 1 : 0;
  const double launched_share = launched / static_cast<double>(s.size());
  const double entry = 1.0 + sc.model.alacarte_uptake * (1.0 - g.bundling);
  std::vector<std::pair<double, SchoolId>> eligible;
  for (const SchoolId i : s.ids()) {
    if (s.phase[i] != Phase::Waiting) continue;
    Draws u = rng.draws(streams::kOptIn, year, i);
    const double p = (sc.model.opt_in_base + sc.model.bass_q * launched_share) *
                     (0.5 + s.readiness[i]) * entry * (1.0 + d.kb_practice) * (0.5 + d.momentum);
    if (u.uniform() < p) s.opted_in[i] = 1;
    // A mandate reaches a school the district holds tightly enough.
    const bool mandated = g.centralization >= s.opt_in_threshold[i];
    if (!mandated && !s.opted_in[i]) continue;
    Draws noise = rng.draws(streams::kLaunchNoise, year, i);
    const double score = g.need_priority * s.need[i] + (1.0 - g.need_priority) * s.readiness[i] +
                         0.05 * noise.normal();
    eligible.push_back({score, i});
  }
  // Pace: the share of schools launched per year; low momentum slows it.
  const double rate = sc.model.launch_rate_min + g.pace * (sc.model.launch_rate_max - sc.model.launch_rate_min);
  const double target = rate * static_cast<double>(s.size()) * std::min(1.0, 0.5 + d.momentum);
  auto n = static_cast<std::size_t>(std::floor(target));
  Draws frac = rng.draws(streams::kLaunchNoise, year, kNoAgent);
  if (frac.uniform() < target - std::floor(target)) ++n;
  if (st.clock.year == 1) n = std::max<std::size_t>(n, 1);  // at least one pilot
  n = std::min(n, eligible.size());
  std::stable_sort(eligible.begin(), eligible.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  // District-wide training and materials buy volume (economies of scale).
  const double per_teacher = sc.model.launch_cost_per_teacher * (1.0 - sc.model.central_discount * g.centralization);
  for (std::size_t k = 0; k < n; ++k) {
    const SchoolId i = eligible[k].second;
    start_school(sc, st, i);
    // Materials and training, per module adopted.
    const double cost = per_teacher * s.count[i] * popcount(s.components[i]);
    const double from_grant = std::min(cost, std::max(0.0, d.grant_budget));
    d.grant_budget -= from_grant;
    d.recurring_budget -= cost - from_grant;
    d.spend.grant += from_grant;
    d.spend.recurring += cost - from_grant;
    d.cumulative_spend += cost;
  }
  // Abandoned schools that try again wait for next year's budget, which sets
  // their launch money aside.
  relaunch_schools(sc, st, rng);
}

void promote_leaders(const Scenario& sc, State& st, const Rng& rng) {
  Teachers& t = st.teachers;
  Schools& s = st.schools;
  DistrictState& d = st.district;
  // Coaches in training finish; coaches and leaders in schools that stopped remain.
  for (const TeacherId i : t.ids())
    if (t.training_left[i] > 0) {
      t.training_left[i] = static_cast<std::uint8_t>(std::max(0, t.training_left[i] - 12));
      if (t.training_left[i] == 0) t.role[i] = Role::Coach;
    }
  // All of them when the initiative has ended; a coach whose post was cut is
  // not put back into training the same year.
  const std::vector<TeacherId> cut = cut_unfunded_coaches(sc, st);
  if (!d.initiative_active) return;
  // Teacher-leaders: the most skilled, committed teachers of practising schools.
  std::vector<std::pair<float, TeacherId>> cand;  // one school's; reused
  for (const SchoolId sid : s.ids()) {
    if (!practising(s.phase[sid])) continue;
    const int target = static_cast<int>(std::ceil(static_cast<double>(s.count[sid]) / sc.model.teachers_per_leader));
    int have = 0;
    cand.clear();
    for (const TeacherId i : s.slots(sid)) {
      if (t.role[i] == Role::Leader) ++have;
      else if (t.role[i] == Role::Teacher && t.skill[i] >= sc.model.leader_skill && t.commitment[i] >= 0.5)
        cand.push_back({t.skill[i], i});
    }
    std::stable_sort(cand.begin(), cand.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; k < cand.size() && have < target; ++k, ++have) t.role[cand[k].second] = Role::Leader;
  }
  // The coach pipeline: train as many coaches as the internal budget will pay.
  double coaches = 0, training = 0;
  std::vector<std::pair<float, TeacherId>> leaders;
  for (const TeacherId i : t.ids()) {
    if (t.role[i] == Role::Coach) coaches += 1;
    else if (t.role[i] == Role::Leader) {
      if (t.training_left[i] > 0) training += 1;
      else if (!std::binary_search(cut.begin(), cut.end(), i)) leaders.push_back({t.skill[i], i});
    }
  }
  // Trainees graduate at the next year start, after the summer: the district
  // plans for the coaches it expects to lose by then (leaving the district, or
  // the role), so that the posts it pays for are filled when they graduate.
  const double tau = 0.5 * (sc.district.teacher_turnover_low_need + sc.district.teacher_turnover_high_need);
  const double coach_loss =
      sc.model.coach_training_months > 0 ? tau + (1.0 - tau) * sc.model.coach_role_exit : 0.0;
  const double wanted =
      d.internal_pool / sc.model.internal_coach_cost - coaches * (1.0 - coach_loss) - training;
  std::stable_sort(leaders.begin(), leaders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  // Training places: the district's experienced coaches (and co-delivering
  // partner coaches) mentor a few trainees each; a few more are trained
  // outside. A district without coaching experience grows its corps slowly.
  double mentors = d.coaching_expertise;
  for (const PartnerId p : st.partners.ids())
    mentors += st.partners.fte[p] * sc.partner(p).knowledge_transfer * st.partners.relationship[p];
  const double outside = std::max(1.0, sc.model.coach_training_per_1000 * static_cast<double>(t.size()) / 1000.0);
  const double places = outside + sc.model.trainees_per_mentor * mentors;
  const double admitted = d.paused ? 0.0 : std::min(wanted, places);
  // Too few teacher-leaders yet (early on, before schools practise): the
  // district recruits its most skilled teachers anywhere (the early adopters),
  // as many as it can train this year.
  if (static_cast<double>(leaders.size()) < admitted) {
    std::vector<std::pair<float, TeacherId>> recruits;
    for (const TeacherId i : t.ids())
      if (t.role[i] == Role::Teacher && t.skill[i] >= routine_threshold(sc)) recruits.push_back({t.skill[i], i});
    std::stable_sort(recruits.begin(), recruits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    recruits.resize(std::min(recruits.size(), static_cast<std::size_t>(admitted) - leaders.size()));
    for (const auto& r : recruits) t.role[r.second] = Role::Leader;
    leaders.insert(leaders.end(), recruits.begin(), recruits.end());
  }
  for (std::size_t k = 0; k < leaders.size() && static_cast<double>(k) + 1 <= admitted; ++k) {
    const TeacherId i = leaders[k].second;
    if (sc.model.coach_training_months == 0) t.role[i] = Role::Coach;
    else t.training_left[i] = static_cast<std::uint8_t>(std::min(255, sc.model.coach_training_months));
  }
  // District convenings add cross-school ties, mostly to demonstration sites.
  std::vector<TeacherId> hosts;
  for (const SchoolId sid : s.ids())
    if (s.phase[sid] == Phase::Sustaining || (practising(s.phase[sid]) && s.routine_share[sid] > 0.3))
      for (const TeacherId i : s.slots(sid))
        if (t.skill[i] >= routine_threshold(sc)) hosts.push_back(i);
  if (hosts.empty()) return;
  const double share = sc.model.convening_share * (0.3 + 0.7 * d.strategy.centralization);
  const auto year = static_cast<std::uint32_t>(st.clock.year);
  for (const TeacherId i : t.ids()) {
    Draws u = rng.draws(streams::kConvening, year, i);
    if (u.uniform() >= share) continue;
    const TeacherId h = hosts[u.below(static_cast<std::uint32_t>(hosts.size()))];
    if (t.school[h] != t.school[i]) t.tie(i, 1) = h;
  }
}

}  // namespace ds
