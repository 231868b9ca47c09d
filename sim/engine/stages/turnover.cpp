// Summer: teachers leave, move within the district or stay; vacancies are
// filled by movers and hires; coaches return to the classroom.
#include <algorithm>
#include <cmath>

#include "engine/population.hpp"
#include "engine/stages/stages.hpp"

namespace ds {
namespace {

// Share of the practice's eventual adopters outside the district reached by
// year t (Bass 1969 cumulative adoption).
double bass_adoption(double p, double q, double t) {
  if (p <= 0) return 0;
  const double e = std::exp(-(p + q) * t);
  return (1.0 - e) / (1.0 + (q / p) * e);
}

struct Mover {
  TeacherId from;
  float skill, commitment, learn_rate;
  std::uint8_t tenure;
  Role role;
  TeacherId colleague;
};

}  // namespace

void teacher_turnover(const Scenario& sc, State& st, const Rng& rng) {
  const double coaches_before = count_role(st, Role::Coach);
  Teachers& t = st.teachers;
  Schools& s = st.schools;
  const ModelParams& m = sc.model;
  DistrictState& d = st.district;
  const auto year = static_cast<std::uint32_t>(st.clock.year);
  std::vector<TeacherId> vacancies;
  std::vector<Mover> movers;
  for (const SchoolId sid : s.ids()) {
    const TeacherId first = s.first[sid], end = first + s.count[sid];
    double novices = 0;
    for (TeacherId i = first; i < end; ++i) novices += t.tenure[i] < 3 ? 1 : 0;
    // Rates by need (NCES), novices more likely to leave, normalised so the
    // school's expected rate stays the configured one.
    const double base = sc.district.teacher_turnover_low_need * (1.0 - s.need[sid]) +
                        sc.district.teacher_turnover_high_need * s.need[sid];
    const double v = 1.0 / (1.0 + (m.novice_turnover_factor - 1.0) * novices / std::max(1u, s.count[sid]));
    for (TeacherId i = first; i < end; ++i) {
      const double tired = 1.0 + m.fatigue_turnover_factor * std::max(0.0, t.fatigue[i] - 0.2);
      const double p = base * v * (t.tenure[i] < 3 ? m.novice_turnover_factor : 1.0) * tired + d.turnover_spike;
      Draws u = rng.draws(streams::kTeacherTurnover, year, i);
      if (u.uniform() >= p) continue;
      vacancies.push_back(i);
      ++s.leavers[sid];
      if (u.uniform() < m.mover_share) {
        const auto ties = st.network.neighbours(i);
        const auto deg = static_cast<std::uint32_t>(ties.size());
        const TeacherId colleague = deg > 0 ? ties[u.below(deg)] : TeacherId::none();
        movers.push_back({i, t.skill[i], t.commitment[i], t.learn_rate[i], t.tenure[i], t.role[i], colleague});
      }
    }
  }
  d.school_leavers += static_cast<double>(vacancies.size());
  std::vector<std::uint8_t> filled(vacancies.size(), 0);
  // Movers take a vacancy in another school; with none, they leave.
  for (const Mover& mv : movers) {
    Draws u = rng.draws(streams::kTeacherMove, year, mv.from);
    for (int attempt = 0; attempt < 4; ++attempt) {
      const std::size_t k = u.below(static_cast<std::uint32_t>(vacancies.size()));
      const TeacherId to = vacancies[k];
      if (filled[k] || t.school[to] == t.school[mv.from]) continue;
      filled[k] = 1;
      t.skill[to] = mv.skill;
      t.commitment[to] = mv.commitment;
      t.learn_rate[to] = mv.learn_rate;
      t.fatigue[to] = 0.1f;
      t.tenure[to] = mv.tenure;  // a year older below, with the stayers
      t.role[to] = mv.role == Role::Coach ? Role::Coach : Role::Teacher;
      t.training_left[to] = 0;
      t.months_practice[to] = mv.skill >= routine_threshold(sc) ? static_cast<std::uint16_t>(m.routine_min_months) : 0;
      t.tie(to, 0) = mv.colleague == to ? TeacherId::none() : mv.colleague;  // an advice tie carried along
      t.tie(to, 1) = TeacherId::none();
      break;
    }
  }
  // Everyone else is a hire: a novice, or someone who learned the practice
  // elsewhere as it spreads beyond the district.
  const double experienced = m.experienced_hire_max * bass_adoption(m.bass_p, m.bass_q, st.clock.year + 2.0);
  for (std::size_t k = 0; k < vacancies.size(); ++k)
    if (!filled[k]) hire_teacher(sc, st, rng, vacancies[k], year, experienced);
  // Stayers and movers: a year older, and some coaches step back; stayers
  // rest over the summer (movers arrived with fatigue 0.1). Hires are new.
  enum : std::uint8_t { kStayed, kMoved, kHired };
  Column<TeacherId, std::uint8_t> arrival(t.size(), kStayed);
  for (std::size_t k = 0; k < vacancies.size(); ++k) arrival[vacancies[k]] = filled[k] ? kMoved : kHired;
  for (const TeacherId i : t.ids()) {
    if (arrival[i] == kHired) continue;
    if (t.tenure[i] < 255) ++t.tenure[i];
    if (arrival[i] == kStayed) t.fatigue[i] *= 0.6f;
    if (t.role[i] == Role::Coach && rng.uniform(streams::kCoachExit, year, i) < m.coach_role_exit)
      t.role[i] = Role::Leader;
  }
  // Coaching experience leaves with the coaches who leave the district or
  // the role (movers keep theirs, and their role).
  if (coaches_before > 0)
    st.district.coaching_expertise *= std::min(1.0, count_role(st, Role::Coach) / coaches_before);
}

}  // namespace ds
