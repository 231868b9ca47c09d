// The monthly teacher loop: learning (coaching, peers, shared knowledge,
// decay), then commitment and fatigue. Runs over columns of teacher state,
// school by school, in float (the state's own precision); what a school's
// teachers share is computed once, in double, and rounded to float.
// docs/architecture.md ("The monthly loop and speed") says how the loops are
// written and why.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "engine/stages/stages.hpp"

namespace ds {

namespace {

// One school's learning (6.8): its slots' new skills into st.next_skill,
// from last month's skills of their ties in st.teachers.skill; counts its
// months of practice. Returns how many of its teachers reached Routine.
int learn_school(const Scenario& sc, State& st, SchoolId sid) {
  Teachers& t = st.teachers;
  const Schools& s = st.schools;
  const ModelParams& m = sc.model;
  const DistrictState& d = st.district;
  const AdviceNetwork& net = st.network;
  const float routine = routine_threshold(sc);
  std::vector<float>& scratch = st.school_scratch;
  const bool active = practising(s.phase[sid]);
  const double dose = s.dose[sid];
  // Learning without coaching: the transfer of the school's launch training
  // (Joyce & Showers), for as long as the school practises or, with
  // uncoached_transfer_months, only in the months after its launch.
  const bool trained =
      m.uncoached_transfer_months <= 0 || s.months_launched[sid] < m.uncoached_transfer_months;
  const double uncoached = trained ? m.uncoached_transfer : 0.0;
  const double coach =
      m.coach_learning_rate *
      (uncoached + (1.0 - m.uncoached_transfer) * dose * s.quality[sid] *
                       (s.setback_months[sid] > 0 ? m.setback_coaching_factor : 1.0));
  // A best practice transfers as far as the school's context resembles the
  // one it worked in (its fit); others' failures and processes are taken up
  // as far as the school feels safe to look at its own (its trust).
  const double alike = clamp01((s.fit[sid] - m.best_practice_fit) / (1.0 - m.best_practice_fit));
  const double transfer = m.best_practice_transfer + (1.0 - m.best_practice_transfer) * alike;
  const double push =
      coach + m.knowledge_learning_rate *
                  (transfer * d.kb_practice + std::min(1.0, s.trust[sid] / m.trust_needed) * d.kb_process);
  // Fit, and readiness (leadership, infrastructure, a culture of trying
  // things): both make the same support go further.
  // Coherence: the components run as one model (6.8; Newmann et al. 2001).
  const double coverage = static_cast<double>(__builtin_popcount(s.components[sid])) / m.components;
  const double coherence = coverage * coverage;
  const double fit = (m.fit_learning_floor + (1.0 - m.fit_learning_floor) * s.fit[sid]) *
                     (1.0 + m.readiness_learning * (s.readiness[sid] - 0.5)) *
                     (1.0 + m.coherence_learning * coherence);
  const double hub = s.leader_skill[sid];
  const double decay_support = std::max(0.0, 1.0 - dose / m.decay_support_dose);
  // Drift of routine practice without upkeep: faster under weak leadership,
  // slower in a coherent model.
  const double drift = m.drift_rate * (1.0 - s.upkeep[sid]) *
                       (m.drift_principal_base - s.principal_support[sid]) *
                       (1.0 - m.coherence_drift_protection * coherence);
  const float floor = static_cast<float>(m.initial_skill_mean);
  // Two passes over the school's slots: the ties (scattered reads), then
  // the update itself, one teacher at a time with no branch, which the
  // compiler runs several teachers to an instruction.
  const std::size_t first = s.first[sid].index(), count = s.count[sid];
  if (scratch.size() < 2 * count) scratch.resize(2 * count);
  float* __restrict sum = scratch.data();
  float* __restrict ties_n = scratch.data() + count;
  const float* __restrict skill_all = t.skill.data();
  for (std::size_t k = 0; k < count; ++k) {
    // Advice ties: the static network, in four partial sums (tie d into
    // sum d mod 4, added pairwise), four chains of additions that the
    // processor runs side by side instead of one; then a carried and a
    // convening tie.
    const TeacherId i(static_cast<std::uint32_t>(first + k));
    const auto ties = net.neighbours(i);
    const TeacherId* tie = ties.data();
    const std::size_t n_ties = ties.size();
    float p0 = 0.0f, p1 = 0.0f, p2 = 0.0f, p3 = 0.0f;  // four scalars: kept in registers
    std::size_t q = 0;  // the first tie of the current four
    for (; q + 4 <= n_ties; q += 4) {
      p0 += skill_all[tie[q].index()];
      p1 += skill_all[tie[q + 1].index()];
      p2 += skill_all[tie[q + 2].index()];
      p3 += skill_all[tie[q + 3].index()];
    }
    if (q < n_ties) p0 += skill_all[tie[q].index()];
    if (q + 1 < n_ties) p1 += skill_all[tie[q + 1].index()];
    if (q + 2 < n_ties) p2 += skill_all[tie[q + 2].index()];
    float peer = (p0 + p1) + (p2 + p3);
    auto n = static_cast<std::uint32_t>(ties.size());
    for (int e = 0; e < 2; ++e)
      if (const TeacherId j = t.tie(i, e); !j.is_none()) peer += skill_all[j.index()], ++n;
    sum[k] = peer;
    ties_n[k] = static_cast<float>(n);
  }
  const float* __restrict skill_in = t.skill.data() + first;
  const float* __restrict commitment = t.commitment.data() + first;
  const float* __restrict fatigue = t.fatigue.data() + first;
  const float* __restrict learn_rate = t.learn_rate.data() + first;
  float* __restrict skill_out = st.next_skill.data() + first;
  // The school's terms, rounded to float once.
  const auto f = [](double x) { return static_cast<float>(x); };
  const float hub_f = f(hub), hub_weight = f(m.hub_weight);
  const float commitment_weight = f(m.motivation_commitment_weight);
  const float fatigue_weight = f(m.motivation_fatigue_weight);
  const float fit_f = f(fit), push_f = f(push), peer_rate = f(m.peer_learning_rate);
  const float fade_rate = f(m.skill_decay * decay_support), drift_f = f(drift);
  const float orientation = f(m.orientation_peer_share * m.peer_learning_rate);
  const float disuse = f(m.disuse_decay), disuse_floor = f(m.disuse_skill_floor);
  int reached = 0;
  // One loop for practising schools and one for the others (`kActive`), so
  // that neither has a branch inside.
  auto update = [&](auto practising_school) {
    constexpr bool kActive = decltype(practising_school)::value;
    for (std::size_t k = 0; k < count; ++k) {
      float peer = sum[k] / std::max(ties_n[k], 1.0f);  // no ties: 0 / 1
      const float mixed = (1.0f - hub_weight) * peer + hub_weight * hub_f;  // leaders and coaches are hubs
      peer = hub_f > 0.0f ? mixed : peer;
      const float skill = skill_in[k];
      const float gap = std::max(0.0f, peer - skill);
      float next;
      if constexpr (kActive) {
        const float motivation = (1.0f - commitment_weight + commitment_weight * commitment[k]) *
                                 (1.0f - fatigue_weight * fatigue[k]);
        next = skill + learn_rate[k] * motivation * fit_f * ((1.0f - skill) * push_f + peer_rate * gap);
        // Without support, what is not yet routine fades; routine practice
        // drifts without upkeep.
        const float fade = fade_rate * skill;
        const float drifted = drift_f * (skill - floor);
        next -= skill < routine ? fade : drifted;
      } else {
        // Not practising: orientation from ties, and disuse.
        next = skill + orientation * gap - disuse * std::max(0.0f, skill - disuse_floor);
      }
      const float nf = std::min(std::max(next, 0.0f), 1.0f);
      if constexpr (kActive) reached += (skill < routine) & (nf >= routine);
      skill_out[k] = nf;
    }
  };
  if (active) update(std::true_type{});
  else update(std::false_type{});
  if (active) {
    std::uint16_t* __restrict months = t.months_practice.data() + first;
    for (std::size_t k = 0; k < count; ++k) months[k] += months[k] < 65535;
  }
  return reached;
}

// One school's commitment and fatigue (6.9), given its teachers' skills now
// (`skill_now`: a column indexed by slot) and the district's pace load.
void commit_school(const Scenario& sc, State& st, SchoolId sid, const float* skill_now, double pace_load) {
  Teachers& t = st.teachers;
  const Schools& s = st.schools;
  const ModelParams& m = sc.model;
  const Strategy& g = st.district.strategy;
  const float routine = routine_threshold(sc);
  const bool active = practising(s.phase[sid]);
  const double fit = s.fit[sid];
  const double dip_load = m.dip_fatigue * s.load[sid];
  const double thin = m.thin_support_fatigue * (1.0 - s.dose[sid]);
  // Will: ownership when schools choose, compliance when told; designing
  // rather than receiving; bending to tools that do not fit.
  double base = m.commitment_base + m.commitment_autonomy * (1.0 - g.centralization) +
                m.commitment_principal * (s.principal_support[sid] - 0.5);
  if (active)
    base += -m.commitment_mandate_misfit * g.centralization * (1.0 - fit) +
            m.commitment_build * (1.0 - g.external_sourcing) -
            m.commitment_external_misfit * s.external_share[sid] * (1.0 - fit);
  // The loads that apply to some teachers only, as numbers (0 where one
  // does not apply), each from its own column; then the update, in float
  // with the school's terms rounded once, with no branch, which the
  // compiler runs several teachers to an instruction.
  const auto f = [](double x) { return static_cast<float>(x); };
  const std::size_t first = s.first[sid].index(), count = s.count[sid];
  std::vector<float>& scratch = st.school_scratch;
  if (scratch.size() < 2 * count) scratch.resize(2 * count);
  float* __restrict dip = scratch.data();
  float* __restrict bonus = scratch.data() + count;
  const float dip_f = f(dip_load), bonus_f = f(m.commitment_role_bonus);
  const std::uint16_t* __restrict months = t.months_practice.data() + first;
  for (std::size_t k = 0; k < count; ++k) dip[k] = months[k] < m.dip_months ? dip_f : 0.0f;
  const Role* __restrict role = t.role.data() + first;
  for (std::size_t k = 0; k < count; ++k) bonus[k] = role[k] != Role::Teacher ? bonus_f : 0.0f;
  const float* __restrict skill = skill_now + first;
  float* __restrict fatigue = t.fatigue.data() + first;
  float* __restrict commitment = t.commitment.data() + first;
  const float thin_f = f(thin), pace_f = f(pace_load), recovery = f(m.fatigue_recovery);
  const float per_routine = f(1.0 / m.routine_skill);  // a multiplication, not a division per teacher
  const float base_f = f(base), progress_weight = f(m.commitment_progress);
  const float fatigue_loss = f(m.commitment_fatigue_loss), rate = f(m.commitment_rate);
  auto update = [&](auto practising_school) {
    constexpr bool kActive = decltype(practising_school)::value;
    for (std::size_t k = 0; k < count; ++k) {
      float fk = fatigue[k];
      if constexpr (kActive) {
        fk += dip[k];
        fk += skill[k] < routine ? thin_f : 0.0f;
        fk += pace_f;
      }
      fk -= recovery * fk;
      const float progress = kActive ? std::min(1.0f, skill[k] * per_routine) : 0.0f;
      const float target = base_f + progress_weight * progress - fatigue_loss * fk + bonus[k];
      const float c = commitment[k] + rate * (target - commitment[k]);
      fatigue[k] = std::min(std::max(fk, 0.0f), 1.0f);
      commitment[k] = std::min(std::max(c, 0.0f), 1.0f);
    }
  };
  if (active) update(std::true_type{});
  else update(std::false_type{});
}

// Many teachers in the dip at once: the district feels it everywhere. Sets
// the district's dip share; returns the fatigue it adds to each teacher.
double pace_load(const Scenario& sc, State& st) {
  const Schools& s = st.schools;
  const ModelParams& m = sc.model;
  double in_dip = 0;
  for (const SchoolId sid : s.ids())
    if (practising(s.phase[sid]) && s.months_launched[sid] < m.dip_months) in_dip += s.count[sid];
  st.district.dip_share = in_dip / static_cast<double>(std::max<std::size_t>(1, st.teachers.size()));
  return m.pace_fatigue * st.district.dip_share;
}

// Synchronous learning: every slot reads last month's skills of its ties,
// and the new skills replace them together at the end. With `kCommit`, each
// school's commitment and fatigue follow its learning at once, while its
// slots are still in the cache: they read its new skills and months of
// practice only, and learning reads no teacher's commitment or fatigue but
// its own, before they change, so this is what learning then
// commitment_fatigue do.
template <bool kCommit>
void learning_pass(const Scenario& sc, State& st) {
  Teachers& t = st.teachers;
  st.next_skill.resize(t.size());
  const double load = kCommit ? pace_load(sc, st) : 0.0;
  double new_routine = 0;
  for (const SchoolId sid : st.schools.ids()) {
    new_routine += learn_school(sc, st, sid);
    if constexpr (kCommit) commit_school(sc, st, sid, st.next_skill.data(), load);
  }
  t.skill.swap(st.next_skill);
  st.district.new_routine = new_routine;
  st.teacher_steps += t.size();
}

}  // namespace

void learning(const Scenario& sc, State& st, const Rng&) { learning_pass<false>(sc, st); }

void commitment_fatigue(const Scenario& sc, State& st, const Rng&) {
  const double load = pace_load(sc, st);
  for (const SchoolId sid : st.schools.ids()) commit_school(sc, st, sid, st.teachers.skill.data(), load);
}

void teacher_month(const Scenario& sc, State& st, const Rng&) { learning_pass<true>(sc, st); }

}  // namespace ds
