// The mutable state of one run: per-kind tables of columns indexed by dense
// ids, and the clock. Data only; the stages (stages/*.cpp) change it.
//
// Teachers are positions ("slots"): a school owns a contiguous range of
// slots; a leaver's slot is filled by a mover or a hire. Hot columns (touched
// every month by every teacher) are kept apart from the cold ones.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/network.hpp"
#include "model/ids.hpp"
#include "model/scenario.hpp"

namespace ds {


enum class Role : std::uint8_t { Teacher, Leader, Coach };

// CBAM Levels of Use (Hall & Hord): derived, never stored.
enum class LevelOfUse : std::uint8_t {
  NonUse, Orientation, Preparation, Mechanical, Routine, Refinement, Integration, Renewal
};

enum class Phase : std::uint8_t { Waiting, Launching, Implementing, Sustaining, Abandoned };
const char* to_string(Phase p);
inline bool practising(Phase p) {
  return p == Phase::Launching || p == Phase::Implementing || p == Phase::Sustaining;
}

struct Teachers {
  // hot: read or written by the monthly loop
  Column<TeacherId, float> skill;        // 0..1 proficiency in the practice
  Column<TeacherId, float> commitment;   // 0..1
  Column<TeacherId, float> fatigue;      // 0..1
  Column<TeacherId, float> learn_rate;   // individual learning-speed multiplier (~1)
  Column<TeacherId, std::uint16_t> months_practice;  // months using the practice in a practising school
  Column<TeacherId, SchoolId> school;
  std::vector<TeacherId> extra_tie;  // 2 per slot: tie carried by a mover, tie from a convening
  // cold: yearly stages only
  Column<TeacherId, std::uint8_t> tenure;  // whole years in the district, capped at 255
  Column<TeacherId, Role> role;
  Column<TeacherId, std::uint8_t> training_left;  // months left in coach training (0: none)

  std::size_t size() const { return skill.size(); }
  IdRange<TeacherId> ids() const { return skill.ids(); }
  // Slot i's two extra ties (k = 0, 1); TeacherId::none() when free.
  TeacherId& tie(TeacherId i, int k) { return extra_tie[2 * i.index() + static_cast<std::size_t>(k)]; }
  TeacherId tie(TeacherId i, int k) const { return extra_tie[2 * i.index() + static_cast<std::size_t>(k)]; }
};

struct Schools {
  // cold
  Column<SchoolId, std::string> name;
  Column<SchoolId, double> need;
  Column<SchoolId, double> readiness;
  Column<SchoolId, TeacherId> first;  // first slot
  Column<SchoolId, std::uint32_t> count;
  Column<SchoolId, double> opt_in_threshold;  // mandate reaches the school when centralization >= this
  Column<SchoolId, std::uint8_t> opted_in;
  Column<SchoolId, int> launch_year;   // -1: never
  Column<SchoolId, int> abandon_year;  // first abandonment; -1: never
  Column<SchoolId, int> last_abandon_year;  // latest abandonment; -1: never
  Column<SchoolId, int> months_to_full;  // months_launched when first at full implementation; -1: never
  Column<SchoolId, int> full_year;       // year first at full implementation; -1: never
  Column<SchoolId, std::uint32_t> leavers;  // teachers who left the school (summers so far)
  Column<SchoolId, std::uint32_t> principal_changes;  // new principals so far
  Column<SchoolId, std::uint32_t> relaunches;         // times it re-entered the queue after abandoning
  std::vector<double> component_fit;  // schools x K
  Column<SchoolId, std::uint32_t> components;  // bitmask of adopted components
  std::vector<double> partner_fit;    // schools x partners
  Column<SchoolId, double> principal_support;  // 0..1
  Column<SchoolId, double> setback_months;     // months a new principal still sets the school back
  // updated monthly
  Column<SchoolId, Phase> phase;
  Column<SchoolId, std::uint16_t> months_launched;
  Column<SchoolId, double> load;          // entry load of what it adopted
  Column<SchoolId, double> fit;           // effective fit this month
  Column<SchoolId, double> dose;          // coaching dose per teacher this month, 0..1
  Column<SchoolId, double> quality;       // effective coaching quality this month
  Column<SchoolId, double> external_share;  // share of its coaching from partners
  Column<SchoolId, double> trust;         // psychological safety 0..1
  Column<SchoolId, double> routine_share; // teachers at Routine or above
  Column<SchoolId, double> depth;         // implementation depth 0..1
  Column<SchoolId, double> commitment;    // school means, for school-level rules
  Column<SchoolId, double> fatigue;
  Column<SchoolId, double> leader_skill;  // mean skill of its teacher-leaders and coaches (0: none)
  Column<SchoolId, double> coaches;       // internal coaches whose slot is here
  Column<SchoolId, double> coach_skill;   // their summed skill
  Column<SchoolId, double> leaders;       // teacher-leaders (trainees included) whose slot is here
  Column<SchoolId, double> upkeep;        // 0..1: support that keeps routine practice from drifting (6.8)
  Column<SchoolId, double> partner_held;  // 0..1: share of its practice held by partners (6.7)

  std::size_t size() const { return need.size(); }
  IdRange<SchoolId> ids() const { return need.ids(); }
  // The slots school i owns.
  IdRange<TeacherId> slots(SchoolId i) const { return {first[i], first[i] + count[i]}; }
};

struct PartnerState {
  Column<PartnerId, double> fte;            // contracted coach FTE now
  Column<PartnerId, int> contract_left;     // years left on the contract (0: none)
  Column<PartnerId, int> contracts;         // contracts signed so far
  Column<PartnerId, double> relationship;   // 0..1
  Column<PartnerId, std::uint8_t> exited;   // left the market (partner_exit, withdrawal probe)
  Column<PartnerId, double> caseload;       // teachers served this month
  std::size_t size() const { return fte.size(); }
  IdRange<PartnerId> ids() const { return fte.ids(); }
};

// Money of the current year, by source and use.
struct Spending {
  double grant = 0;
  double recurring = 0;
  double external = 0;
  double total() const { return grant + recurring; }
};

struct DistrictState {
  Strategy strategy;        // the dials now (move when the strategy adapts)
  bool initiative_active = true;
  double momentum = 0.5;
  double superintendent_years = 0;  // tenure of the current superintendent
  int superintendent_changes = 0;   // over the run so far (observation only)
  bool grant_ended = false;
  double budget_factor = 1.0;       // product of (1 - cut) over budget cuts
  double leader_budget_factor = 1.0;  // a cut by the superintendent in office (6.2)
  bool paused = false;              // this year: no launches, contracts or trainees (6.2)
  int relaunches = 0;               // ended initiatives relaunched so far
  double reserve = 0;               // grant money set aside for after the grant (6.4)
  double reserve_peak = 0;          // the reserve when the grant ended
  double tools_funded = 1.0;        // share of this year's tools and time upkeep paid (6.4)
  double turnover_spike = 0;        // extra leaving fraction this year
  // the year's money
  double grant_budget = 0;          // remaining grant money this year
  double recurring_budget = 0;      // remaining recurring money this year
  double internal_pool = 0;         // money for internal coaches this year (a yearly rate)
  double payable_recurring_fte = 0; // internal coach FTE the recurring budget pays
  Spending spend;                   // this year
  double cumulative_spend = 0;
  // coaching
  double internal_fte = 0;          // trained and paid internal coaches at work
  double transfer_credit = 0;       // partner co-delivery not yet turned into a coach
  double coaching_expertise = 0;    // experienced internal coach FTE: the district's coaching know-how (6.12)
  double partner_fte_last = 0;      // partner coach FTE at work last month (6.7)
  // knowledge base
  double kb_practice = 0;           // shared best practices, 0..1
  double kb_process = 0;            // shared process and failure lessons, 0..1
  // this month's signals
  double new_routine = 0;           // teachers reaching Routine this month
  double abandoned_now = 0;         // schools abandoning this month
  double dip_share = 0;             // share of teachers in the implementation dip
  // this year's counters
  double teachers_at_start = 0;
  double partner_fte_months = 0;    // coach FTE x months at work this year
  double internal_fte_months = 0;
  double school_leavers = 0;
  // last years' end-of-year indicators, for the strategy review
  std::vector<double> capacity_history;
  std::vector<double> abandoned_history;
  std::vector<double> self_sufficiency_history;
};

struct Clock {
  int year = 0;   // 1..horizon (0 before the first year)
  int month = 0;  // 0..11
  // Global month index: the step key of monthly random draws.
  std::uint32_t step() const { return static_cast<std::uint32_t>(year * 12 + month); }
};

struct State {
  Teachers teachers;
  Schools schools;
  PartnerState partners;
  DistrictState district;
  AdviceNetwork network;
  Clock clock;
  std::uint64_t teacher_steps = 0;
  bool probe = false;  // inside a withdrawal probe: no scenario events
  Column<TeacherId, float> next_skill;  // learning's scratch: this month's new skills (6.8)
  std::vector<float> school_scratch;    // the monthly loop's scratch: per slot of one school (6.8, 6.9)
};

}  // namespace ds
