// The validated, immutable description of one scenario: plain structs with
// defaults. Units and sources of every default live in the parameter
// declaration (params.cpp), which the loader, `districtsim params` and the
// manifest all read; the comments here only say what a field is.
//
// Nothing in this file changes during a run: runtime state lives in State.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/ids.hpp"

namespace ds {

// [scenario]
struct ScenarioMeta {
  std::string name = "unnamed";
  std::string description;
  int years = 25;             // horizon, years
  int replications = 20;      // independent runs
  std::uint64_t seed = 1;     // base seed; replication seeds derive from it
  std::string base;           // file this scenario inherited from ("" if none)
  std::string source_file;    // the file it was read from ("" if built in code)
};

// One real school from `schools_file`.
struct SchoolSpec {
  std::string name;
  int teachers = 40;
  double need = 0.5;       // share of low-income students, 0..1
  double readiness = 0.5;  // 0..1
};

// [district]
struct District {
  int schools = 100;
  int teachers_per_school = 40;
  double low_income_share = 0.5;
  double readiness = 0.5;
  double need_spread = 0.2;       // sd of school need around low_income_share
  double readiness_spread = 0.2;  // sd of school readiness around readiness
  double budget_per_teacher = 1000; // USD per teacher per year, recurring
  double grant_per_year = 0;        // USD per year
  int grant_years = 0;              // the grant pays years 1..grant_years
  double superintendent_tenure_years = 6.0;
  double grant_planning = 0;        // 0..1 share of each grant year set aside for after it
  double teacher_turnover_low_need = 0.119;
  double teacher_turnover_high_need = 0.154;
  double principal_turnover = 0.18;
  std::string schools_file;          // as written in the scenario ("" if none)
  std::vector<SchoolSpec> school_list;  // resolved rows of schools_file
};

// [strategy]: the seven dials of MODEL.md section 4, each 0..1.
struct Strategy {
  double centralization = 0.5;
  double pace = 0.5;
  double need_priority = 0.5;
  double external_sourcing = 0.5;
  double adaptivity = 0.5;
  double bundling = 0.5;
  double failure_sharing = 0.5;
};
inline constexpr int kDialCount = 7;

enum class PartnerKind : std::uint8_t { Coaching, Platform, University };

// [[partners]]: an external partner on offer.
struct Partner {
  std::string name = "default coaching provider";
  PartnerKind kind = PartnerKind::Coaching;
  double coaches = 40;                // FTE the partner can field at most
  double quality = 0.75;              // coaching quality 0..1
  double cost_per_coach_year = 150000;  // USD per coach FTE-year
  double knowledge_transfer = 0.2;    // 0..1 share of work co-delivered
  double fit = 0.6;                   // 0..1 mean fit with district schools
  int contract_years = 3;
  bool renewal = true;
};

enum class EventKind : std::uint8_t {
  SuperintendentChange,
  PartnerExit,
  GrantEnd,
  BudgetCut,
  TurnoverSpike
};

// [[events]]: happens at the start (month 0) of `year`.
struct Event {
  int year = 1;
  EventKind kind = EventKind::SuperintendentChange;
  double magnitude = 0;   // budget_cut: fraction; turnover_spike: extra fraction
  std::string partner;    // partner_exit: partner name ("" = all partners)
};

enum class Frequency : std::uint8_t { Year, Month };

// [output]
struct OutputOptions {
  Frequency frequency = Frequency::Year;
  std::vector<int> withdrawal_probe_years = {5, 10};
  bool trajectories = false;
};

// [model]: mechanism constants. Defaults, units and sources: params.cpp.
struct ModelParams {
  // capacity thresholds
  double routine_skill = 0.5;           // skill at which use is Routine (IVA)
  int routine_min_months = 3;           // months of practice before Routine
  double sustain_self_sufficiency = 0.8;
  double sustain_capacity = 0.5;
  double full_implementation_share = 0.5;
  // learning
  double coach_learning_rate = 0.15;    // per month at full dose and quality
  double uncoached_transfer = 0.06;     // learning without coaching, relative
  int uncoached_transfer_months = 0;    // months after a school's launch it lasts; 0: while it practises
  double peer_learning_rate = 0.01;     // per month per unit of peer gap
  double knowledge_learning_rate = 0.01;
  double readiness_learning = 0.8;      // learning multiplier slope in school readiness
  double skill_decay = 0.02;            // per month when unsupported, below routine
  double drift_rate = 0.01;             // per month, routine practice without upkeep (6.8)
  double upkeep_dose = 0.1;             // support per teacher (full-coaching shares) that upkeeps practice
  double leader_coaching_fte = 0.15;    // a teacher-leader's peer support, in internal coach FTE
  double coherence_learning = 0.3;      // learning gain of a coherent (complete) model
  double coherence_drift_protection = 0.5;  // drift avoided by a coherent model
  double disuse_decay = 0.01;           // per month when not practising
  double setback_coaching_factor = 0.7;  // coaching effect while a new principal sets it back
  double hub_weight = 0.3;               // weight of the school's leaders and coaches in peer skill
  double fit_learning_floor = 0.5;       // learning multiplier at fit 0 (1 at fit 1)
  double decay_support_dose = 0.3;       // coaching dose at which skill below Routine stops fading
  double drift_principal_base = 1.5;     // drift multiplier is (this - principal_support)
  double orientation_peer_share = 0.25;  // peer learning of non-practising teachers, relative
  double disuse_skill_floor = 0.1;       // skill below which disuse does not fade it
  double motivation_commitment_weight = 0.5;  // weight of commitment in motivation
  double motivation_fatigue_weight = 0.5;     // motivation lost at full fatigue
  double program_size_halving = 43;     // teachers: coaching effect falls off
  double central_fidelity = 1.0;        // fall-off scale gained per unit of centralization above 0.5
  int teachers_per_coach = 45;
  double internal_coach_direct_time = 0.28;
  double partner_coach_direct_time = 0.35;
  double platform_direct_time = 0.5;  // a platform vendor's direct time, relative
  double routine_demand = 0.25;       // coaching demand of a teacher at Routine, relative
  double sustaining_demand = 0.5;     // coaching demand of a sustaining school, relative
  double steer_weight_base = 0.5;     // base of a steered school's claim on coaching
  double claim_weight = 2.0;          // a loose district's claim weight per readiness x commitment
  double coach_quality_base = 0.3;    // internal coaching quality at coach skill 0
  double coach_quality_skill = 0.6;   // internal coaching quality per unit of coach skill
  double untooled_upkeep = 0.5;       // upkeep kept when no tools are funded
  double home_fit = 0.1;              // fit added per unit of building (1 - external_sourcing)
  double university_relationship_speed = 1.5;  // a university's relationship matures faster
  double lapsed_relationship_retention = 0.7;  // relationship kept per year without a contract
  // implementation
  int components = 6;
  double component_fit_sd = 0.2;
  double synergy = 0.35;
  double bundle_entry_load = 1.0;
  int dip_months = 6;
  double dip_skill_loss = 0.05;
  int installation_months = 9;
  double abandon_base = 0.04;           // per year
  double mandate_hold = 0.8;            // abandonment a mandate prevents, at full centralization
  double best_practice_transfer = 0.25; // relative to process lessons
  double best_practice_fit = 0.6;       // fit above which best practices transfer better
  double failure_momentum_cost = 0.05;
  double trust_growth = 0.08;           // per month toward target
  double trust_needed = 0.5;            // school trust at which others' failure lessons are fully taken up
  double knowledge_rate = 0.05;         // knowledge base growth per month per unit signal
  double knowledge_decay = 0.01;        // per month
  double dip_fatigue = 0.03;            // fatigue per month in the dip, per unit load
  double thin_support_fatigue = 0.02;   // fatigue per month practising without support
  double pace_fatigue = 0.05;           // fatigue per month per share of district in the dip
  double launch_rate_min = 0.03;        // share of schools launched per year at pace 0
  double launch_rate_max = 0.25;        // ... at pace 1
  double opt_in_base = 0.06;            // yearly opt-in chance of a waiting school
  double alacarte_uptake = 1.0;         // extra opt-in when modules can be taken alone
  double convening_share = 0.3;         // teachers given a cross-school tie per year
  // people
  double need_readiness_slope = 0.3;    // readiness lost per unit need above the mean
  double initial_skill_mean = 0.15;
  double initial_skill_sd = 0.08;
  double novice_turnover_factor = 1.3;
  double fatigue_turnover_factor = 0.5;
  double mover_share = 0.35;
  double coach_role_exit = 0.15;
  double experienced_hire_max = 0.4;
  double experienced_hire_skill = 0.45; // mean skill an experienced hire brings (below routine)
  double bass_p = 0.03;
  double bass_q = 0.38;
  double fatigue_recovery = 0.06;       // per month
  double commitment_rate = 0.05;        // per month
  double commitment_base = 0.45;        // commitment target at full centralization
  double commitment_autonomy = 0.15;    // added to the target per unit of (1 - centralization)
  double commitment_principal = 0.1;    // per unit of principal support above 0.5
  double commitment_mandate_misfit = 0.15;  // lost per unit of centralization x misfit
  double commitment_build = 0.1;            // per unit of (1 - external_sourcing)
  double commitment_external_misfit = 0.1;  // lost per unit of external share x misfit
  double commitment_progress = 0.15;        // added at Routine skill (in proportion below)
  double commitment_fatigue_loss = 0.3;     // lost per unit of fatigue
  double commitment_role_bonus = 0.1;       // added for teacher-leaders and coaches
  double leader_skill = 0.65;
  int teachers_per_leader = 10;
  int coach_training_months = 12;
  // leadership
  double transfer_rate = 1.0;           // internal coaches per partner FTE-year of co-delivery
  double relationship_years = 3;        // years for the partner relationship to mature
  double expertise_floor = 0.4;         // internal coaching quality without coaching expertise, relative
  double expertise_rate = 0.5;          // per year: a coach at work gains coaching experience (e-folding 2 years)
  double coach_training_per_1000 = 2.5;   // coaches a year trained without mentors, per 1,000 teachers (at least 1)
  double trainees_per_mentor = 2;      // trainees an experienced coach FTE can mentor per year
  double expertise_codelivery = 3.0;    // co-delivery with a partner builds expertise this many times faster
  double replacement_coaching_years = 1.5;  // coaching a replacement teacher needs
  double principal_setback_months = 12;
  double initiative_drop_base = 0.4;   // a new superintendent ends the initiative (graded change, 6.2)
  double leader_cut_chance = 0.2;       // ... cuts its budget
  double leader_pause_chance = 0.15;    // ... pauses it for a year
  double leader_reprioritize_chance = 0.25;  // ... turns attention elsewhere (momentum reset)
  double leader_cut_fraction = 0.3;     // budget cut by a new superintendent, for their tenure
  double principal_withdraw = 0.3;      // a new principal of an unmandated, shallow school withdraws it
  double initiative_relaunch = 0.3;     // a new superintendent relaunches an ended initiative
  double school_relaunch = 0.1;         // per year: an abandoned school re-enters the queue
  int school_relaunch_wait = 2;         // years before an abandoned school may relaunch
  double reform_fatigue = 0.15;         // commitment lost and fatigue added at a relaunch
  double partner_held_loss = 0.5;       // learned skill lost with a partner-held practice
  double partner_held_months = 12;      // months for partner-held practice to build up
  double inst_weight_capacity = 0.4;    // institutionalization: weight of capacity
  double inst_capacity_full = 0.5;      // capacity_index at which it counts fully
  double inst_weight_self_sufficiency = 0.2;  // institutionalization: weight of self_sufficiency
  double inst_weight_commitment = 0.2;  // institutionalization: weight of mean school commitment
  double inst_weight_momentum = 0.2;    // institutionalization: weight of momentum
  double exposure_floor = 0.2;          // exposure at centralization 0, relative to 1
  double reprioritize_momentum_loss = 0.25;  // momentum lost at a re-prioritization, x c (1 - inst)
  double relaunch_momentum = 0.3;      // momentum at least, when an ended initiative is relaunched
  double principal_support_sd = 0.15;  // spread of a new principal's support around readiness
  double principal_trust_retained = 0.7;  // share of school trust kept at a principal change
  double withdraw_safe_depth = 0.5;       // depth at which a new principal no longer withdraws
  double board_momentum_floor = 0.05;     // momentum below which the board ends the initiative
  // money
  double internal_coach_cost = 95000;
  double leader_stipend = 1000;
  double build_fixed_base = 100000;     // program office core at 4,000 teachers, USD/year
  double office_scale_exponent = 0.3;   // the core scales as (teachers / 4,000) to this power
  double build_fixed_per_teacher = 50;  // ... and per teacher, USD/year
  double tools_cost_per_teacher = 500;  // licences and working tools per practising teacher, USD/year
  double glide_years = 3;               // years over which a grant reserve is spent after the grant
  double launch_cost_per_teacher = 150;
  double central_discount = 0.15;
  double coordination_cost = 0.12;
  double momentum_budget_sensitivity = 0.4;
  // adaptivity
  double indicator_noise = 0.05;
  double adapt_step = 0.15;
  double churn_fatigue = 0.15;
  double review_fatigue_high = 0.12;    // strategy review: observed fatigue above which pace falls
  double review_fatigue_low = 0.06;     // ... below which (low growth, schools waiting) pace rises
  double review_growth_low = 0.02;      // ... capacity growth below which pace rises
  double review_abandon_high = 0.02;    // ... abandonment above which bundling falls, sharing rises
  double review_abandon_low = 0.005;    // ... abandonment below which (shallow) bundling rises
  double review_depth_low = 0.25;       // ... depth below which (stable) bundling rises
  double review_commitment_low = 0.45;  // ... commitment below which centralization falls
  double review_gap_high = 0.1;         // ... depth gap above which need priority rises
  double review_dependence_capacity = 0.1;  // ... capacity above which dependence counts
  double review_dependence_bought = 0.5;    // ... partner share above which dependence counts
  double review_stall_growth = 0.01;  // ... growth below which (years 1-4) external sourcing rises
  double churn_momentum_cost = 0.05;  // momentum lost per unit of total dial change
  // network
  int advice_ties = 6;
  double rewiring = 0.1;
  double cross_school_ties = 0.1;
};

struct Scenario {
  ScenarioMeta meta;
  District district;
  Strategy strategy;
  std::vector<Partner> partners;  // never empty after loading: default added
  // A run's partner table (engine/state.hpp) is built from `partners`, one slot each, so a
  // PartnerId of the run is a valid index here (initial_state is the only place that builds it).
  const Partner& partner(PartnerId p) const { return partners[p.index()]; }
  std::vector<Event> events;
  OutputOptions output;
  ModelParams model;
};

// Helpers shared by the loader and the writers.
const char* to_string(PartnerKind k);
const char* to_string(EventKind k);
const char* to_string(Frequency f);

}  // namespace ds
