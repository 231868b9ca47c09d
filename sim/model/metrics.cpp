#include "model/metrics.hpp"

#include <algorithm>

#include "model/dials.hpp"

namespace ds {

namespace {
// Every metric before the dials' block; the dials are named from kDials.
const std::array<MetricInfo, kFirstDialMetric> kStateMetrics = {{
      {"capacity_index", "share", "share of all district teachers at Routine use (CBAM IVA) or above", "share", "Capacity", "teachers at Routine use or above (%)", false},
      {"teacher_skill_mean", "skill 0..1", "mean skill of all teachers", "scale", "Mean teacher skill", "skill (0-1)", false},
      {"skill_mean_reached", "skill 0..1", "mean skill of teachers in schools ever launched (empty before any launch)", "scale", "Skill in launched schools", "skill (0-1)", false},
      {"schools_launched_share", "share", "share of schools ever launched", "share", "Schools launched", "schools launched (%)", false},
      {"schools_full_implementation_share", "share", "share of schools where at least half the teachers are at Routine use or above (NIRN)", "share", "Schools in full implementation", "schools (%)", false},
      {"schools_abandoned_share", "share", "share of all schools that have abandoned", "share", "Schools abandoned", "schools abandoned (%)", false},
      {"depth_mean", "0..1", "mean implementation depth of launched schools that have not abandoned (empty if none)", "scale", "Implementation depth", "depth (0-1)", false},
      {"depth_sd", "0..1", "standard deviation of that depth (empty if none)", "scale", "Spread of depth", "sd of depth", false},
      {"self_sufficiency", "0..1", "min(internal coaching trained (coaches plus teacher-leaders' peer support), what the recurring budget pays after fixed costs and the tools of the whole scope) / internal-coach FTE needed to bring every teacher of the launched and waiting schools to Routine given turnover and keep them there, capped at 1", "share", "Self-sufficiency", "coaching need met by own coaches (%)", false},
      {"retained_capacity", "ratio", "withdrawal probe: capacity 3 years after removing partners, grant and reserve at the probe year over the unprobed run's capacity 3 years after it (probe years only; 1: nothing depends on outside support)", "scale", "Retained capacity", "ratio", false},
      {"initiative_active", "0/1", "1 while the district runs the initiative", "share", "Initiative still running", "runs with the initiative active (%)", false},
      {"commitment_mean", "0..1", "mean teacher commitment", "scale", "Commitment", "mean (0-1)", false},
      {"fatigue_mean", "0..1", "mean teacher fatigue", "scale", "Fatigue", "mean (0-1)", false},
      {"teacher_turnover_rate", "per year", "teachers leaving their school during the year over teachers at its start", "rate", "Teacher turnover", "teachers leaving (% per year)", true},
      {"equity_gap", "depth", "mean depth of the least-needy half of schools minus that of the neediest half", "scale", "Equity gap", "depth gap, least- minus most-needy (0-1)", false},
      {"spend_per_teacher", "USD/teacher", "this year's spending over district teachers", "usd", "Spending per teacher", "USD per teacher per year", true},
      {"cumulative_spend", "USD", "spending since year 1", "usd", "Cumulative spending", "USD since year 1", false},
      {"spend_per_capable_teacher", "USD/teacher", "cumulative spend over teachers at Routine use or above (empty if none)", "usd", "Spending per capable teacher", "cumulative USD per capable teacher", false},
      {"momentum", "0..1", "board and community support", "scale", "Board and community support", "momentum (0-1)", false},
      {"teacher_leaders", "teachers", "teacher-leaders (including coaches in training)", "count", "Teacher-leaders", "teacher-leaders (people)", false},
      {"internal_coach_fte", "FTE", "internal coaches at work (trained and paid), averaged over the months of the year so far", "fte", "Internal coaches", "paid internal coaches (FTE)", true},
      {"partner_coach_fte", "FTE", "partner coaches under contract, averaged over the months of the year so far", "fte", "Partner coaches", "contracted partner coaches (FTE)", true},
      {"grant_share_of_spend", "share", "share of this year's spending paid by the grant", "share", "Grant share of spending", "paid by the grant (%)", true},
      {"external_share_of_spend", "share", "share of this year's spending paid to partners", "share", "External share of spending", "paid to partners (%)", true},
}};
}  // namespace

const std::array<MetricInfo, kMetricCount>& metric_info() {
  static const std::array<MetricInfo, kMetricCount> info = [] {
    std::array<MetricInfo, kMetricCount> all{};
    std::copy(kStateMetrics.begin(), kStateMetrics.end(), all.begin());
    for (int k = 0; k < kDialCount; ++k) {
      const DialInfo& d = kDials[static_cast<std::size_t>(k)];
      all[static_cast<std::size_t>(kFirstDialMetric + k)] = {
          d.name.data(), "dial", d.definition.data(), "dial", d.label.data(), d.axis.data(), false};
    }
    return all;
  }();
  return info;
}

const std::array<MetricInfo, kRunOutputCount>& run_output_info() {
  static const std::array<MetricInfo, kRunOutputCount> info = {{
      {"years_to_sustainability", "years", "first year from which self_sufficiency and capacity_index stay at or above their thresholds to the horizon (empty if never)", "years", "Years to sustainability", "years", false},
      {"abandoned_share_early", "share", "share of schools launched in years 1-3 that abandoned within 3 years of launch", "share", "Early abandonment", "early launches abandoned (%)", false},
      {"abandoned_share_later", "share", "share of schools launched after year 3 (and at least 3 years before the horizon) that abandoned within 3 years of launch", "share", "Later abandonment", "later launches abandoned (%)", false},
      {"superintendent_changes", "changes", "superintendent changes over the run: the yearly hazard from year 2 and scheduled superintendent_change events", "count", "Superintendent changes", "new superintendents over the run", false},
  }};
  return info;
}

std::size_t MetricTable::year_end_row(int y) const {
  for (std::size_t r = rows(); r-- > 0;)
    if (year[r] == y && (month[r] == -1 || month[r] == 11 || y == 0)) return r;
  return rows();
}

}  // namespace ds
