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
#include "model/scenario.hpp"

namespace ds {

using TeacherId = std::uint32_t;
using SchoolId = std::uint32_t;
using PartnerId = std::uint32_t;
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

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
  std::vector<float> skill;        // 0..1 proficiency in the practice
  std::vector<float> commitment;   // 0..1
  std::vector<float> fatigue;      // 0..1
  std::vector<float> learn_rate;   // individual learning-speed multiplier (~1)
  std::vector<std::uint16_t> months_practice;  // months using the practice in a practising school
  std::vector<SchoolId> school;
  std::vector<TeacherId> extra_tie;  // 2 per slot: tie carried by a mover, tie from a convening
  // cold: yearly stages only
  std::vector<std::uint8_t> tenure;  // whole years in the district, capped at 255
  std::vector<Role> role;
  std::vector<std::uint8_t> training_left;  // months left in coach training (0: none)

  std::size_t size() const { return skill.size(); }
};

struct Schools {
  // cold
  std::vector<std::string> name;
  std::vector<double> need;
  std::vector<double> readiness;
  std::vector<TeacherId> first;  // first slot
  std::vector<std::uint32_t> count;
  std::vector<double> opt_in_threshold;  // mandate reaches the school when centralization >= this
  std::vector<std::uint8_t> opted_in;
  std::vector<int> launch_year;   // -1: never
  std::vector<int> abandon_year;  // first abandonment; -1: never
  std::vector<int> last_abandon_year;  // latest abandonment; -1: never
  std::vector<int> months_to_full;  // months_launched when first at full implementation; -1: never
  std::vector<int> full_year;       // year first at full implementation; -1: never
  std::vector<std::uint32_t> leavers;  // teachers who left the school (summers so far)
  std::vector<std::uint32_t> principal_changes;  // new principals so far
  std::vector<std::uint32_t> relaunches;         // times it re-entered the queue after abandoning
  std::vector<double> component_fit;  // schools x K
  std::vector<std::uint32_t> components;  // bitmask of adopted components
  std::vector<double> partner_fit;    // schools x partners
  std::vector<double> principal_support;  // 0..1
  std::vector<double> setback_months;     // months a new principal still sets the school back
  // updated monthly
  std::vector<Phase> phase;
  std::vector<std::uint16_t> months_launched;
  std::vector<double> load;          // entry load of what it adopted
  std::vector<double> fit;           // effective fit this month
  std::vector<double> dose;          // coaching dose per teacher this month, 0..1
  std::vector<double> quality;       // effective coaching quality this month
  std::vector<double> external_share;  // share of its coaching from partners
  std::vector<double> trust;         // psychological safety 0..1
  std::vector<double> routine_share; // teachers at Routine or above
  std::vector<double> depth;         // implementation depth 0..1
  std::vector<double> commitment;    // school means, for school-level rules
  std::vector<double> fatigue;
  std::vector<double> leader_skill;  // mean skill of its teacher-leaders and coaches (0: none)
  std::vector<double> coaches;       // internal coaches whose slot is here
  std::vector<double> coach_skill;   // their summed skill
  std::vector<double> leaders;       // teacher-leaders (trainees included) whose slot is here
  std::vector<double> upkeep;        // 0..1: support that keeps routine practice from drifting (6.8)
  std::vector<double> partner_held;  // 0..1: share of its practice held by partners (6.7)

  std::size_t size() const { return need.size(); }
};

struct PartnerState {
  std::vector<double> fte;            // contracted coach FTE now
  std::vector<int> contract_left;     // years left on the contract (0: none)
  std::vector<int> contracts;         // contracts signed so far
  std::vector<double> relationship;   // 0..1
  std::vector<std::uint8_t> exited;   // left the market (partner_exit, withdrawal probe)
  std::vector<double> caseload;       // teachers served this month
  std::size_t size() const { return fte.size(); }
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
  std::vector<float> next_skill;  // learning's scratch: this month's new skills (6.8)
};

}  // namespace ds
