// Money and coaching: the yearly budget and partner contracts, the monthly
// allocation of coach time to schools, partner-to-internal transfer, and
// contract ends.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/stages/stages.hpp"

namespace ds {
namespace {

// Price per coach FTE-year: a district-wide contract buys volume; school-chosen
// partners cost coordination.
double partner_price(const Scenario& sc, const State& st, PartnerId p) {
  const double c = st.district.strategy.centralization;
  return sc.partner(p).cost_per_coach_year * (1.0 - sc.model.central_discount * c) *
         (1.0 + sc.model.coordination_cost * (1.0 - c));
}

bool partner_available(const Scenario& sc, const State& st, PartnerId p) {
  if (st.partners.exited[p] || sc.partner(p).coaches <= 0) return false;
  return st.partners.contracts[p] == 0 || sc.partner(p).renewal;
}

double partner_direct_time(const Scenario& sc, PartnerId p) {
  // A platform vendor's staff mostly support the product, not teachers.
  const double f =
      sc.partner(p).kind == PartnerKind::Platform ? sc.model.platform_direct_time : 1.0;
  return sc.model.partner_coach_direct_time * f;
}

// Pays `amount` from the grant first, then the recurring budget; records it.
double pay(DistrictState& d, double amount, bool external) {
  const double from_grant = std::min(amount, std::max(0.0, d.grant_budget));
  d.grant_budget -= from_grant;
  const double from_recurring = std::min(amount - from_grant, std::max(0.0, d.recurring_budget));
  d.recurring_budget -= from_recurring;
  d.spend.grant += from_grant;
  d.spend.recurring += from_recurring;
  if (external) d.spend.external += from_grant + from_recurring;
  d.cumulative_spend += from_grant + from_recurring;
  return from_grant + from_recurring;
}

double practising_teachers(const State& st) {
  double n = 0;
  for (const SchoolId i : st.schools.ids())
    if (practising(st.schools.phase[i])) n += st.schools.count[i];
  return n;
}

// Signs contracts for `money` worth of partner coaching. Centralized: one
// district-wide contract with the best offer; decentralized: each school's
// favourite partner gets its share.
void sign_contracts(const Scenario& sc, State& st, double money) {
  const std::size_t P = sc.partners.size();
  const std::size_t S = st.schools.size();
  const double c = st.district.strategy.centralization;
  Column<PartnerId, double> share(P, 0.0);
  PartnerId best = PartnerId::none();
  double best_score = -1;
  for (const PartnerId p : st.partners.ids()) {
    if (!partner_available(sc, st, p) || st.partners.contract_left[p] > 0) continue;
    const double score = sc.partner(p).quality * sc.partner(p).fit / partner_price(sc, st, p);
    if (score > best_score) best_score = score, best = p;
  }
  if (best.is_none()) return;
  share[best] += c;
  for (const SchoolId s : st.schools.ids()) {
    PartnerId fav = PartnerId::none();
    double fav_score = -1;
    for (const PartnerId p : st.partners.ids()) {
      if (!partner_available(sc, st, p) || st.partners.contract_left[p] > 0) continue;
      const double score =
          sc.partner(p).quality * st.schools.partner_fit[s.index() * P + p.index()] / partner_price(sc, st, p);
      if (score > fav_score) fav_score = score, fav = p;
    }
    if (!fav.is_none()) share[fav] += (1.0 - c) / static_cast<double>(S);
  }
  for (const PartnerId p : st.partners.ids()) {
    if (share[p] <= 0) continue;
    const double fte = std::min(sc.partner(p).coaches, money * share[p] / partner_price(sc, st, p));
    if (fte < 0.25) continue;
    st.partners.fte[p] = fte;
    st.partners.contract_left[p] = sc.partner(p).contract_years;
    st.partners.contracts[p] += 1;
    if (st.partners.contracts[p] == 1) st.partners.relationship[p] = 0.1;
  }
}

// Bought capacity leaves with the contract (6.7): each school's practice
// rests partly on partner-held routines, materials and relationships, building
// up towards the partners' share of its coaching less what they co-deliver.
// When partner coaching shrinks, that share of the held practice goes with it.
void hold_partner_practice(const Scenario& sc, State& st, double external_share) {
  Schools& s = st.schools;
  DistrictState& d = st.district;
  const PartnerState& ps = st.partners;
  double fte = 0, transferred = 0;
  for (const PartnerId p : st.partners.ids()) {
    fte += ps.fte[p];
    transferred += ps.fte[p] * sc.partner(p).knowledge_transfer * ps.relationship[p];
  }
  if (d.partner_fte_last > 0 && fte < d.partner_fte_last) {
    const double gone = 1.0 - fte / d.partner_fte_last;
    const float floor = static_cast<float>(sc.model.initial_skill_mean);
    Teachers& t = st.teachers;
    for (const SchoolId i : s.ids()) {
      if (s.partner_held[i] <= 0) continue;
      const auto loss = static_cast<float>(sc.model.partner_held_loss * s.partner_held[i] * gone);
      for (const TeacherId k : s.slots(i))
        t.skill[k] -= loss * std::max(0.0f, t.skill[k] - floor);
      s.partner_held[i] *= 1.0 - gone;
    }
  }
  d.partner_fte_last = fte;
  if (fte <= 0) return;
  const double target = external_share * (1.0 - transferred / fte);
  const double rate = 1.0 / sc.model.partner_held_months;
  for (const SchoolId i : s.ids())
    if (practising(s.phase[i])) s.partner_held[i] += rate * (target - s.partner_held[i]);
}

}  // namespace

double program_size_factor(const Scenario& sc, double caseload, double centralization) {
  const double scale = sc.model.program_size_halving * (1.0 + sc.model.central_fidelity * (centralization - 0.5));
  return 0.5 + 0.5 * std::exp(-caseload / std::max(1.0, scale));
}

void budget_and_contracts(const Scenario& sc, State& st, const Rng&) {
  DistrictState& d = st.district;
  d.spend = Spending{};
  d.tools_funded = 1.0;
  // The grant, less what a planning district sets aside; after the grant the
  // reserve is spent over glide_years (6.4).
  const bool grant_paid = !st.probe && !d.grant_ended && st.clock.year <= sc.district.grant_years;
  const double grant = d.initiative_active && grant_paid ? sc.district.grant_per_year : 0.0;
  d.grant_budget = grant * (1.0 - sc.district.grant_planning);
  d.reserve += grant * sc.district.grant_planning;
  if (grant_paid) d.reserve_peak = d.reserve;
  if (!grant_paid && d.initiative_active && !st.probe && d.reserve > 0) {
    const double draw = std::min(d.reserve, d.reserve_peak / sc.model.glide_years);
    d.reserve -= draw;
    d.grant_budget += draw;
  }
  d.recurring_budget = recurring_budget(sc, st);
  if (!d.initiative_active) {
    for (const PartnerId p : st.partners.ids()) {
      st.partners.fte[p] = 0;  // contracts end with the initiative
      st.partners.contract_left[p] = 0;
    }
    d.internal_pool = 0;
    d.internal_fte = 0;
    d.payable_recurring_fte = 0;
    d.tools_funded = 0;
    return;
  }
  d.payable_recurring_fte = recurring_payable_fte(sc, st);
  // Launch money is set aside before coaching (launch_schools spends it).
  const double per_teacher_launch = sc.model.launch_cost_per_teacher *
                                    (1.0 - sc.model.central_discount * d.strategy.centralization) *
                                    (1.0 + d.strategy.bundling * (sc.model.components - 1));
  double waiting_teachers = 0;
  for (const SchoolId s : st.schools.ids())
    if (st.schools.phase[s] == Phase::Waiting) waiting_teachers += st.schools.count[s];
  const double rate = sc.model.launch_rate_min +
                      d.strategy.pace * (sc.model.launch_rate_max - sc.model.launch_rate_min);
  const double launch_reserve =
      d.paused ? 0.0 : std::min(waiting_teachers, rate * st.teachers.size()) * per_teacher_launch;
  // Recurring costs come first: the office and stipends, then the tools and
  // time of every practising school; what is short is cut from the tools.
  const double fixed = fixed_costs(sc, st);
  const double tools = tools_cost(sc, st, practising_teachers(st));
  pay(d, fixed, false);
  const double tools_paid = pay(d, tools, false);
  d.tools_funded = tools > 0 ? tools_paid / tools : 1.0;
  const double pool = std::max(0.0, d.grant_budget + d.recurring_budget - launch_reserve);
  // Partner money: what contracts already oblige, then new contracts.
  bool any_partner = false;
  double obligated = 0;
  for (const PartnerId p : st.partners.ids()) {
    any_partner = any_partner || partner_available(sc, st, p) || st.partners.contract_left[p] > 0;
    if (st.partners.contract_left[p] > 0) obligated += st.partners.fte[p] * partner_price(sc, st, p);
  }
  // Contracts the pool cannot pay are cut to what it can: public multi-year
  // contracts carry a non-appropriation clause, and a partner does not coach
  // unpaid (the coaching a district gets is what it pays for, as its own
  // coaches are, 6.6).
  if (obligated > pool) {
    const double keep = pool / obligated;
    for (const PartnerId p : st.partners.ids())
      if (st.partners.contract_left[p] > 0) st.partners.fte[p] *= keep;
    obligated = pool;
  }
  // With no partner to buy from, the whole pool builds internal capacity.
  const double external = any_partner ? d.strategy.external_sourcing * pool : 0.0;
  if (external > obligated && !d.paused) sign_contracts(sc, st, external - obligated);
  double partner_cost = 0;
  for (const PartnerId p : st.partners.ids())
    partner_cost += st.partners.fte[p] * partner_price(sc, st, p);
  d.internal_pool = std::max(0.0, pool - partner_cost);
}

void allocate_support(const Scenario& sc, State& st, const Rng&) {
  Schools& s = st.schools;
  DistrictState& d = st.district;
  const std::size_t S = s.size();
  const std::size_t P = sc.partners.size();
  const int K = sc.model.components;
  // Coaches at work this month (school aggregates are last month's end state).
  double coaches = 0, coach_skill = 0;
  for (const SchoolId i : s.ids()) coaches += s.coaches[i], coach_skill += s.coach_skill[i];
  const double paid = d.internal_pool / sc.model.internal_coach_cost;
  d.internal_fte = d.initiative_active ? std::min(coaches, paid) : 0.0;
  double ext_slots = 0, ext_quality = 0, ext_fte = 0;
  for (const PartnerId p : st.partners.ids()) {
    const double fte = st.partners.fte[p];
    ext_slots += fte * sc.model.teachers_per_coach * partner_direct_time(sc, p) / kNominalDirectTime;
    ext_quality += fte * sc.partner(p).quality;
    ext_fte += fte;
  }
  ext_quality = ext_fte > 0 ? ext_quality / ext_fte : 0.0;
  const double int_slots = d.internal_fte * sc.model.teachers_per_coach *
                           sc.model.internal_coach_direct_time / kNominalDirectTime;
  // Demand: teachers below Routine need full coaching, others a little.
  Column<SchoolId, double> demand(S, 0.0), weight(S, 0.0), alloc(S, 0.0);
  for (const SchoolId i : s.ids()) {
    if (!practising(s.phase[i])) continue;
    const double routine = s.routine_share[i] * s.count[i];
    demand[i] = (sc.model.routine_demand * routine + (s.count[i] - routine)) *
                (s.phase[i] == Phase::Sustaining ? sc.model.sustaining_demand : 1.0);
    const Strategy& g = d.strategy;
    // The district steers support (to need or readiness); a loose district
    // lets ready, committed schools claim it.
    weight[i] =
        demand[i] *
            (g.centralization * (sc.model.steer_weight_base + g.need_priority * s.need[i] +
                                 (1.0 - g.need_priority) * s.readiness[i]) +
             (1.0 - g.centralization) * sc.model.claim_weight * s.readiness[i] * s.commitment[i]) +
        1e-9;
  }
  double supply = ext_slots + int_slots;
  for (int pass = 0; pass < 3 && supply > 1e-9; ++pass) {  // water-filling
    double wsum = 0;
    for (const SchoolId i : s.ids())
      if (alloc[i] < demand[i]) wsum += weight[i];
    if (wsum <= 0) break;
    double used = 0;
    for (const SchoolId i : s.ids()) {
      if (alloc[i] >= demand[i]) continue;
      const double add = std::min(demand[i] - alloc[i], supply * weight[i] / wsum);
      alloc[i] += add;
      used += add;
    }
    supply -= used;
  }
  const double served = std::accumulate(alloc.begin(), alloc.end(), 0.0);
  const double x = ext_slots + int_slots > 0 ? ext_slots / (ext_slots + int_slots) : 0.0;
  // Internal coaches are as good as their practice, and as their experience
  // of coaching allows: know-how is the experienced share of the corps.
  const double experienced = coaches > 0 ? std::min(1.0, d.coaching_expertise / coaches) : 0.0;
  const double know_how = sc.model.expertise_floor + (1.0 - sc.model.expertise_floor) * experienced;
  const double q_int =
      coaches > 0
          ? (sc.model.coach_quality_base + sc.model.coach_quality_skill * coach_skill / coaches) *
                know_how
          : 0.0;
  const double m_ext = program_size_factor(sc, served * x, d.strategy.centralization);
  const double m_int = program_size_factor(sc, served * (1.0 - x), d.strategy.centralization);
  for (const PartnerId p : st.partners.ids())
    st.partners.caseload[p] = ext_fte > 0 ? served * x * st.partners.fte[p] / ext_fte : 0.0;
  const double c = d.strategy.centralization;
  hold_partner_practice(sc, st, x);
  // Upkeep: coach time and teacher-leaders' peer support per teacher, against
  // the dose that keeps practice from drifting; missing tools halve it (6.8).
  const double per_coach = sc.model.teachers_per_coach * sc.model.internal_coach_direct_time / kNominalDirectTime;
  const double tools = sc.model.untooled_upkeep + (1.0 - sc.model.untooled_upkeep) * d.tools_funded;
  for (const SchoolId i : s.ids()) {
    const double peer_support = s.leaders[i] * sc.model.leader_coaching_fte * per_coach;
    const double support = (alloc[i] + peer_support) / std::max(1u, s.count[i]);
    s.upkeep[i] = std::min(1.0, support / sc.model.upkeep_dose) * tools;
  }
  for (const SchoolId i : s.ids()) {
    s.dose[i] = demand[i] > 0 ? alloc[i] / demand[i] : 0.0;
    s.external_share[i] = x;
    s.quality[i] = x * ext_quality * m_ext + (1.0 - x) * q_int * m_int;
    // Fit: the components it runs, and the partner's products and methods.
    double comp_fit = 0;
    int n = 0;
    for (int k = 0; k < K; ++k)
      if (s.components[i] >> k & 1u) comp_fit += s.component_fit[i.index() * static_cast<std::size_t>(K) + static_cast<std::size_t>(k)], ++n;
    comp_fit = n > 0 ? comp_fit / n : 0.6;
    double pf = 0, best = 0, platform = 0;
    for (const PartnerId p : st.partners.ids()) {
      if (st.partners.fte[p] <= 0) continue;
      const double f = s.partner_fit[i.index() * P + p.index()];
      pf += st.partners.fte[p] * f;
      best = std::max(best, f);
      if (sc.partner(p).kind == PartnerKind::Platform) platform += st.partners.fte[p];
    }
    pf = ext_fte > 0 ? c * pf / ext_fte + (1.0 - c) * best : 1.0;
    // Teachers bend to a product that does not fit; a platform doubly so.
    const double misfit = (1.0 - pf) * (1.0 + (ext_fte > 0 ? platform / ext_fte : 0.0));
    // Built here, fits here.
    const double home_fit = sc.model.home_fit * (1.0 - d.strategy.external_sourcing);
    s.fit[i] = clamp01(comp_fit * (1.0 - x * misfit) + home_fit);
  }
}

void partner_transfer(const Scenario& sc, State& st, const Rng&) {
  DistrictState& d = st.district;
  Teachers& t = st.teachers;
  // Pay this month's coaches.
  for (const PartnerId p : st.partners.ids())
    if (st.partners.fte[p] > 0) pay(d, st.partners.fte[p] * partner_price(sc, st, p) / 12.0, true);
  pay(d, d.internal_fte * sc.model.internal_coach_cost / 12.0, false);
  double partner_fte = 0;
  for (double f : st.partners.fte) partner_fte += f;
  d.partner_fte_months += partner_fte;
  d.internal_fte_months += d.internal_fte;
  // Coaching experience (experienced coach FTE): coaches at work gain it,
  // faster where they co-deliver with partners (the partners' share of the
  // coaching times transfer and relationship).
  const double coaches = count_role(st, Role::Coach);
  if (d.internal_fte > 0 && coaches > d.coaching_expertise) {
    const double x = st.schools.size() > 0 ? st.schools.external_share[SchoolId(0)] : 0.0;
    double co = 0;
    for (const PartnerId p : st.partners.ids())
      co += st.partners.fte[p] * sc.partner(p).knowledge_transfer * st.partners.relationship[p];
    co = partner_fte > 0 ? x * co / partner_fte : 0.0;
    const double rate = std::min(1.0, sc.model.expertise_rate / 12.0 * (1.0 + sc.model.expertise_codelivery * co));
    // Only the coaches at work (paid) gain experience.
    const double at_work = std::min(coaches, d.internal_fte);
    d.coaching_expertise += rate * at_work * (1.0 - d.coaching_expertise / coaches);
  }
  // Co-delivery turns internal staff into coaches, faster as the relationship matures.
  for (const PartnerId p : st.partners.ids())
    d.transfer_credit += st.partners.fte[p] * sc.partner(p).knowledge_transfer *
                         st.partners.relationship[p] * sc.model.transfer_rate / 12.0;
  while (d.transfer_credit >= 1.0) {
    // The most skilled teacher-leader, else the most skilled practising teacher.
    TeacherId pick = TeacherId::none();
    float best = -1;
    for (int pass = 0; pass < 2 && pick.is_none(); ++pass)
      for (const TeacherId i : t.ids()) {
        const bool candidate = pass == 0 ? t.role[i] == Role::Leader
                                         : t.role[i] == Role::Teacher && at_routine(sc, st, i);
        if (candidate && t.skill[i] > best) best = t.skill[i], pick = i;
      }
    if (pick.is_none()) {
      d.transfer_credit = std::min(d.transfer_credit, 1.0);  // nobody to train yet
      break;
    }
    t.role[pick] = Role::Coach;
    t.training_left[pick] = 0;
    d.transfer_credit -= 1.0;
    d.coaching_expertise += 1.0;  // trained by co-delivering: an experienced coach
  }
}

void contract_ends(const Scenario& sc, State& st, const Rng&) {
  PartnerState& p = st.partners;
  for (const PartnerId k : p.ids()) {
    if (p.contract_left[k] > 0) {
      const double speed = sc.partner(k).kind == PartnerKind::University
                               ? sc.model.university_relationship_speed
                               : 1.0;
      p.relationship[k] =
          1.0 - (1.0 - p.relationship[k]) * std::exp(-speed / sc.model.relationship_years);
      if (--p.contract_left[k] == 0) p.fte[k] = 0;
    } else {
      p.relationship[k] *= sc.model.lapsed_relationship_retention;  // a lapsed relationship fades
    }
  }
}

}  // namespace ds
