// The order of events (MODEL.md 3), as one explicit list, and run_one.
#include "engine/schedule.hpp"

#include <algorithm>

#include "engine/derived.hpp"
#include "engine/observe.hpp"
#include "engine/population.hpp"
#include "engine/stages/stages.hpp"

namespace ds {
namespace {

using StageFn = void (*)(const Scenario&, State&, const Rng&);
struct Stage {
  const char* name;
  StageFn run;
};

// Yearly, at month 0.
constexpr Stage kYearStart[] = {
    {"apply_events", apply_events},                  // this year's scenario events
    {"leadership_turnover", leadership_turnover},    // superintendent, principals, survival
    {"strategy_review", strategy_review},            // adaptivity
    {"budget_and_contracts", budget_and_contracts},  // budget, partner/internal split
    {"launch_schools", launch_schools},              // this year's schools
    {"promote_leaders", promote_leaders},            // teacher-leaders, coach pipeline
};
// Every month.
constexpr Stage kMonthly[] = {
    {"allocate_support", allocate_support},      // coach time to schools
    // learning (coaching, peers, knowledge, dip, decay), then commitment and
    // fatigue (will and initiative fatigue), school by school
    {"learning, commitment_fatigue", teacher_month},
    {"knowledge_sharing", knowledge_sharing},    // lessons, trust, momentum
    {"school_phases", school_phases},            // depth, phase changes, abandonment
    {"partner_transfer", partner_transfer},      // payment, partner-to-internal transfer
};
// Yearly, at month 11 (after that month's monthly stages).
constexpr Stage kYearEnd[] = {
    {"teacher_turnover", teacher_turnover},  // leaving, moving, hiring
    {"contract_ends", contract_ends},        // contracts run out, relationships
};

template <std::size_t N>
void run_stages(const Stage (&stages)[N], const Scenario& sc, State& st, const Rng& rng) {
  for (const Stage& s : stages) s.run(sc, st, rng);
}

// Simulates one year. With `monthly`, a row is observed after every month.
void run_year(const Scenario& sc, State& st, const Rng& rng, MetricTable* monthly) {
  st.clock.year += 1;
  st.clock.month = 0;
  st.district.teachers_at_start = static_cast<double>(st.teachers.size());
  st.district.school_leavers = 0;
  st.district.partner_fte_months = 0;
  st.district.internal_fte_months = 0;
  run_stages(kYearStart, sc, st, rng);
  for (int month = 0; month < 12; ++month) {
    st.clock.month = month;
    run_stages(kMonthly, sc, st, rng);
    if (month == 11) {
      run_stages(kYearEnd, sc, st, rng);
      update_school_aggregates(sc, st);  // the year-end state after turnover
      const double capacity = capacity_index(sc, st);
      st.district.capacity_history.push_back(capacity);
      st.district.self_sufficiency_history.push_back(self_sufficiency(sc, st));
      double abandoned = 0;
      for (Phase p : st.schools.phase) abandoned += p == Phase::Abandoned;
      st.district.abandoned_history.push_back(abandoned / static_cast<double>(st.schools.size()));
    }
    if (monthly) observe(sc, st, monthly->row(monthly->append(st.clock.year, month)));
  }
}

// Withdrawal probe: fork the run, remove partners and grant (and a grant
// reserve), run 3 more years without scenario events; its capacity then.
double withdrawal_probe(const Scenario& sc, const State& at_fork, const Rng& rng,
                        std::uint64_t& teacher_steps) {
  State st = at_fork;
  st.probe = true;
  std::fill(st.partners.exited.begin(), st.partners.exited.end(), std::uint8_t{1});
  std::fill(st.partners.fte.begin(), st.partners.fte.end(), 0.0);
  std::fill(st.partners.contract_left.begin(), st.partners.contract_left.end(), 0);
  st.district.grant_ended = true;
  st.district.reserve = 0;
  const std::uint64_t steps0 = st.teacher_steps;
  for (int y = 0; y < 3; ++y) run_year(sc, st, rng, nullptr);
  teacher_steps += st.teacher_steps - steps0;
  return capacity_index(sc, st);
}

// The unprobed run 3 years on from `at_fork`, past the horizon: the same
// stages and random numbers the run itself would have used.
double unprobed_capacity(const Scenario& sc, const State& at_fork, const Rng& rng,
                         std::uint64_t& teacher_steps) {
  State st = at_fork;
  const std::uint64_t steps0 = st.teacher_steps;
  for (int y = 0; y < 3; ++y) run_year(sc, st, rng, nullptr);
  teacher_steps += st.teacher_steps - steps0;
  return capacity_index(sc, st);
}

void per_run_outputs(const Scenario& sc, const State& st, RunResult& r) {
  const int Y = sc.meta.years;
  const MetricTable& m = r.metrics;
  // years_to_sustainability: first year from which both thresholds hold.
  int first = -1;
  for (int y = Y; y >= 1; --y) {
    const std::size_t row = m.year_end_row(y);
    const bool ok = m.at(row, Metric::self_sufficiency) >= sc.model.sustain_self_sufficiency &&
                    m.at(row, Metric::capacity_index) >= sc.model.sustain_capacity;
    if (!ok) break;
    first = y;
  }
  r.per_run[static_cast<int>(RunOutput::years_to_sustainability)] = first > 0 ? first : kEmpty;
  // Abandonment within 3 years of launch, early (years 1-3) and later cohorts.
  double early = 0, early_n = 0, later = 0, later_n = 0;
  const Schools& s = st.schools;
  for (const SchoolId i : s.ids()) {
    const int L = s.launch_year[i];
    if (L < 1 || L > Y - 3) continue;
    const bool quit = s.abandon_year[i] >= 0 && s.abandon_year[i] <= L + 2;
    if (L <= 3) early += quit, early_n += 1;
    else later += quit, later_n += 1;
  }
  r.per_run[static_cast<int>(RunOutput::abandoned_share_early)] = early_n > 0 ? early / early_n : kEmpty;
  r.per_run[static_cast<int>(RunOutput::abandoned_share_later)] = later_n > 0 ? later / later_n : kEmpty;
  r.per_run[static_cast<int>(RunOutput::superintendent_changes)] = st.district.superintendent_changes;
}

std::vector<SchoolOutcome> school_outcomes(const Scenario& sc, const State& st) {
  std::vector<SchoolOutcome> out;
  const Schools& s = st.schools;
  out.reserve(s.size());
  for (const SchoolId i : s.ids()) {
    int routine = 0;
    for (const TeacherId k : s.slots(i)) routine += at_routine(sc, st, k);
    out.push_back({s.name[i], s.need[i], s.readiness[i], s.launch_year[i], to_string(s.phase[i]),
                   s.depth[i], routine, s.abandon_year[i], s.full_year[i], s.months_to_full[i],
                   static_cast<int>(s.count[i]), static_cast<int>(s.leavers[i]),
                   static_cast<int>(s.principal_changes[i])});
  }
  return out;
}

}  // namespace

std::uint64_t replication_seed(std::uint64_t base, std::uint64_t r) {
  std::uint64_t z = base + 0x9e3779b97f4a7c15ull * (r + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

RunResult run_one(const Scenario& sc, std::uint64_t seed) {
  return run_from(sc, seed, initial_state(sc, Rng{seed}));
}

RunResult run_from(const Scenario& sc, std::uint64_t seed, State st) {
  const Rng rng{seed};
  RunResult r;
  r.seed = seed;
  st.district.strategy = sc.strategy;
  const bool monthly = sc.output.frequency == Frequency::Month;
  observe(sc, st, r.metrics.row(r.metrics.append(0, monthly ? 0 : -1)));
  std::uint64_t probe_steps = 0;
  // retained_capacity at probe year y: capacity 3 years after a withdrawal at
  // y over the unprobed run's capacity at y + 3 (past the horizon, a fork).
  struct Probe {
    int year;
    double probed, unprobed;
  };
  std::vector<Probe> probes;
  const int Y = sc.meta.years;
  for (int y = 1; y <= Y; ++y) {
    run_year(sc, st, rng, monthly ? &r.metrics : nullptr);
    if (!monthly) observe(sc, st, r.metrics.row(r.metrics.append(y, -1)));
    const auto& at = sc.output.withdrawal_probe_years;
    if (std::find(at.begin(), at.end(), y) == at.end()) continue;
    const double probed = withdrawal_probe(sc, st, rng, probe_steps);
    probes.push_back({y, probed, y + 3 > Y ? unprobed_capacity(sc, st, rng, probe_steps) : kEmpty});
  }
  for (Probe& p : probes) {
    if (p.year + 3 <= Y) p.unprobed = r.metrics.at(r.metrics.year_end_row(p.year + 3), Metric::capacity_index);
    r.metrics.row(r.metrics.year_end_row(p.year))[static_cast<int>(Metric::retained_capacity)] =
        p.unprobed > 0 ? p.probed / p.unprobed : kEmpty;
  }
  per_run_outputs(sc, st, r);
  r.schools = school_outcomes(sc, st);
  r.teacher_steps = st.teacher_steps + probe_steps;
  return r;
}

}  // namespace ds
