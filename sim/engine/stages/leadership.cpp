// Events, superintendent and principal turnover, the initiative's survival,
// and the adaptive strategy review.
#include <algorithm>
#include <cmath>

#include "model/params.hpp"
#include "engine/stages/stages.hpp"

namespace ds {
namespace {

// Institutionalization: how far the initiative has become "how we work here"
// (capacity, internal coaches, teacher ownership, board support).
// Last year's end state: capacity (counting fully at half the teachers) and
// self-sufficiency weigh most.
double institutionalization(const Scenario& sc, const State& st) {
  const DistrictState& d = st.district;
  const ModelParams& m = sc.model;
  const double capacity = d.capacity_history.empty() ? 0.0 : d.capacity_history.back();
  const double self = d.self_sufficiency_history.empty() ? 0.0 : d.self_sufficiency_history.back();
  double commitment = 0;
  for (double c : st.schools.commitment) commitment += c;
  commitment /= std::max<double>(1.0, static_cast<double>(st.schools.size()));
  return clamp01(m.inst_weight_capacity * std::min(1.0, capacity / m.inst_capacity_full) +
                 m.inst_weight_self_sufficiency * self + m.inst_weight_commitment * commitment +
                 m.inst_weight_momentum * d.momentum);
}

// An ended initiative starts again: a fresh, wary start (reform fatigue).
void relaunch_initiative(const Scenario& sc, State& st) {
  DistrictState& d = st.district;
  d.initiative_active = true;
  d.relaunches += 1;
  d.momentum = std::max(d.momentum, sc.model.relaunch_momentum);
  const auto f = static_cast<float>(sc.model.reform_fatigue);
  for (float& c : st.teachers.commitment) c = std::max(0.0f, c - f);
  for (float& x : st.teachers.fatigue) x = std::min(1.0f, x + f);
}

// A new superintendent (6.2). `cause` keys the draw: 0 for a scheduled event,
// 1 for the yearly hazard, so two changes in one year draw independently.
// The change is graded: keep, re-prioritize, pause, cut or end, each more
// likely the more exposed the initiative is (centralized: the
// superintendent's own; not yet embedded in results, ownership, capacity).
// An ended initiative may be relaunched by the next superintendent.
void superintendent_change(const Scenario& sc, State& st, const Rng& rng, std::uint32_t cause) {
  DistrictState& d = st.district;
  const ModelParams& m = sc.model;
  d.superintendent_years = 0;
  d.superintendent_changes += 1;
  d.leader_budget_factor = 1.0;  // a predecessor's cut and pause leave with them
  d.paused = false;
  Draws u = rng.draws(streams::kInitiativeDrop, static_cast<std::uint32_t>(st.clock.year), cause);
  const double draw = u.uniform();
  if (!d.initiative_active) {
    if (draw < m.initiative_relaunch) relaunch_initiative(sc, st);
    return;
  }
  const double c = d.strategy.centralization;
  const double inst = institutionalization(sc, st);
  const double exposure = (m.exposure_floor + (1.0 - m.exposure_floor) * c) * (1.0 - inst);
  double p = m.initiative_drop_base * exposure * exposure;
  if (draw < p) {
    d.initiative_active = false;
    return;
  }
  if (draw < (p += m.leader_cut_chance * exposure)) {
    d.leader_budget_factor = 1.0 - m.leader_cut_fraction;
  } else if (draw < (p += m.leader_pause_chance * exposure)) {
    d.paused = true;
  } else if (draw < (p += m.leader_reprioritize_chance * exposure)) {
    // Attention goes elsewhere.
    d.momentum = clamp01(d.momentum - m.reprioritize_momentum_loss * c * (1.0 - inst));
  }
}

}  // namespace

void apply_events(const Scenario& sc, State& st, const Rng& rng) {
  DistrictState& d = st.district;
  d.turnover_spike = 0;
  d.paused = false;
  if (st.probe) return;  // the withdrawal probe runs without scenario events
  for (const Event& e : sc.events) {
    if (e.year != st.clock.year) continue;
    switch (e.kind) {
      case EventKind::SuperintendentChange:
        superintendent_change(sc, st, rng, 0);
        break;
      case EventKind::PartnerExit:
        for (const PartnerId p : st.partners.ids())
          if (e.partner.empty() || sc.partner(p).name == e.partner) {
            st.partners.exited[p] = 1;
            st.partners.fte[p] = 0;
            st.partners.contract_left[p] = 0;
          }
        break;
      case EventKind::GrantEnd:
        d.grant_ended = true;
        break;
      case EventKind::BudgetCut:
        d.budget_factor *= 1.0 - e.magnitude;
        break;
      case EventKind::TurnoverSpike:
        d.turnover_spike += e.magnitude;
        break;
    }
  }
}

void leadership_turnover(const Scenario& sc, State& st, const Rng& rng) {
  const auto year = static_cast<std::uint32_t>(st.clock.year);
  DistrictState& d = st.district;
  // Superintendent: constant hazard with the configured mean tenure, from
  // year 2 on. The run starts with the superintendent who launches the
  // initiative in office: year 1 is the first year of that superintendent's
  // initiative (a scheduled superintendent_change event can still fall in it).
  d.superintendent_years += 1;
  Draws sup = rng.draws(streams::kSuperintendent, year, 1);
  if (year >= 2 && sup.uniform() < 1.0 / sc.district.superintendent_tenure_years)
    superintendent_change(sc, st, rng, 1);
  // Principals: a new one sets the school back for a while; where the
  // district does not mandate the practice, one may withdraw a school that is
  // not yet deep in it (6.2).
  Schools& s = st.schools;
  const double c = d.strategy.centralization;
  for (const SchoolId i : s.ids()) {
    Draws p = rng.draws(streams::kPrincipal, year, i);
    if (p.uniform() < sc.district.principal_turnover) {
      s.setback_months[i] = sc.model.principal_setback_months;
      s.principal_support[i] =
          p.beta_mean_sd(std::clamp(s.readiness[i], 0.05, 0.95), sc.model.principal_support_sd);
      s.trust[i] *= sc.model.principal_trust_retained;
      s.principal_changes[i] += 1;
      const bool mandated = d.initiative_active && c >= s.opt_in_threshold[i];
      const double withdraw = sc.model.principal_withdraw *
                              (1.0 - std::min(1.0, s.depth[i] / sc.model.withdraw_safe_depth));
      if (practising(s.phase[i]) && !mandated && p.uniform() < withdraw) {
        abandon_school(st, i);
      }
    }
  }
  // Momentum too low for too long: the board ends the initiative.
  if (d.initiative_active && d.momentum < sc.model.board_momentum_floor)
    d.initiative_active = false;
}

void strategy_review(const Scenario& sc, State& st, const Rng& rng) {
  DistrictState& d = st.district;
  const ModelParams& m = sc.model;
  const double a = d.strategy.adaptivity;
  const auto& cap = d.capacity_history;
  if (a <= 0 || !d.initiative_active || cap.size() < 2) return;
  // The district sees last year's indicators, with noise.
  Draws noise = rng.draws(streams::kIndicator, static_cast<std::uint32_t>(st.clock.year), 0);
  const double sd = sc.model.indicator_noise;
  double fatigue = 0, commitment = 0, n = 0;
  for (const SchoolId i : st.schools.ids())
    if (st.schools.launch_year[i] >= 0) {
      fatigue += st.schools.fatigue[i];
      commitment += st.schools.commitment[i];
      n += 1;
    }
  if (n == 0) return;
  const double obs_fatigue = fatigue / n + noise.normal(0, sd);
  const double obs_commitment = commitment / n + noise.normal(0, sd);
  const double obs_growth = cap[cap.size() - 1] - cap[cap.size() - 2] + noise.normal(0, sd / 2);
  const auto& ab = d.abandoned_history;
  const double obs_abandon =
      (ab.size() >= 2 ? ab[ab.size() - 1] - ab[ab.size() - 2] : 0.0) + noise.normal(0, sd / 2);
  double depth = 0, dn = 0;
  double gap_low = 0, gap_high = 0, nl = 0, nh = 0;
  for (const SchoolId i : st.schools.ids()) {
    if (practising(st.schools.phase[i])) {
      depth += st.schools.depth[i];
      dn += 1;
    }
    if (st.schools.need[i] < sc.district.low_income_share) {
      gap_low += st.schools.depth[i];
      nl += 1;
    } else {
      gap_high += st.schools.depth[i];
      nh += 1;
    }
  }
  const double obs_depth = (dn > 0 ? depth / dn : 0) + noise.normal(0, sd);
  const double obs_gap =
      (nl > 0 && nh > 0 ? gap_low / nl - gap_high / nh : 0.0) + noise.normal(0, sd);

  const double step = sc.model.adapt_step * a;
  Strategy before = d.strategy;
  Strategy& s = d.strategy;
  // Burning out: slow down. Nothing moving and nobody tired: speed up.
  const bool waiting = std::find(st.schools.phase.begin(), st.schools.phase.end(), Phase::Waiting) !=
                       st.schools.phase.end();
  if (obs_fatigue > m.review_fatigue_high)
    s.pace -= step;
  else if (waiting && obs_growth < m.review_growth_low && obs_fatigue < m.review_fatigue_low)
    s.pace += step;
  // Schools dropping out: loosen the package; shallow but stable: tighten it.
  if (obs_abandon > m.review_abandon_high)
    s.bundling -= step;
  else if (obs_depth < m.review_depth_low && obs_abandon < m.review_abandon_low)
    s.bundling += step / 2;
  // Low ownership: loosen control.
  if (obs_commitment < m.review_commitment_low) s.centralization -= step;
  // The neediest schools left behind: target them, hold tighter.
  if (obs_gap > m.review_gap_high) {
    s.need_priority += step;
    s.centralization += step / 2;
  }
  // Dependence on partners before the money runs out: build.
  const bool grant_soon = sc.district.grant_years > 0 && sc.district.grant_per_year > 0 && !d.grant_ended &&
                          st.clock.year >= sc.district.grant_years - 1 &&
                          st.clock.year <= sc.district.grant_years;
  // Capacity that rests on partners (most coaching bought) and that the
  // district could not carry on its own (self-sufficiency below what it
  // counts as sustainable): grow its own.
  const double obs_self = d.self_sufficiency_history.back() + noise.normal(0, sd);
  const double bought = st.schools.size() > 0 ? st.schools.external_share[SchoolId(0)] : 0.0;
  const bool dependent = st.clock.year > 5 && cap.back() > m.review_dependence_capacity &&
                         bought > m.review_dependence_bought &&
                         obs_self < sc.model.sustain_self_sufficiency;
  if (grant_soon || dependent) s.external_sourcing -= step;
  else if (obs_growth < m.review_stall_growth && st.clock.year <= 4)
    s.external_sourcing += step / 2;
  // Repeated failures: start sharing how things went wrong.
  if (obs_abandon > m.review_abandon_high) s.failure_sharing += step / 2;
  double churn = 0;
  for (int k = 0; k < kDialCount; ++k) {
    double& v = dial(s, k);
    v = clamp01(v);
    churn += std::abs(v - dial(before, k));
  }
  if (churn <= 0) return;
  // Churn: every change is felt as incoherence and fatigue.
  const auto add = static_cast<float>(sc.model.churn_fatigue * churn);
  for (float& f : st.teachers.fatigue) f = std::min(1.0f, f + add);
  d.momentum = clamp01(d.momentum - m.churn_momentum_cost * churn);
}

}  // namespace ds
