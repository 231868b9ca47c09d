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
  double program_size_halving = 43;     // teachers: coaching effect falls off
  double central_fidelity = 1.0;        // fall-off scale gained per unit of centralization above 0.5
  int teachers_per_coach = 45;
  double internal_coach_direct_time = 0.28;
  double partner_coach_direct_time = 0.35;
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
  std::vector<Event> events;
  OutputOptions output;
  ModelParams model;
};

// Helpers shared by the loader and the writers.
const char* to_string(PartnerKind k);
const char* to_string(EventKind k);
const char* to_string(Frequency f);

}  // namespace ds
