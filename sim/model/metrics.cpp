#include "model/metrics.hpp"

#include <algorithm>

#include "model/dials.hpp"

namespace ds {

namespace {
// Each row names its id (a Metric or a RunOutput), and the build checks the
// rows against the enum: a row missing or out of place does not compile.
template <class Id>
struct Row {
  Id id;
  MetricInfo info;
};
template <class Id, std::size_t N>
constexpr bool in_order(const Row<Id> (&rows)[N]) {
  for (std::size_t i = 0; i < N; ++i)
    if (static_cast<std::size_t>(rows[i].id) != i) return false;
  return true;
}
template <std::size_t Count, class Id, std::size_t N>
std::array<MetricInfo, Count> infos(const Row<Id> (&rows)[N]) {
  std::array<MetricInfo, Count> all{};
  for (std::size_t i = 0; i < N; ++i) all[i] = rows[i].info;
  return all;
}

// Every metric before the dials' block; the dials are named from kDials.
constexpr Row<Metric> kStateRows[] = {
    {Metric::capacity_index, {"capacity_index", "share", "share of all district teachers at Routine use (CBAM IVA) or above", "share", "Capacity", "teachers at Routine use or above (%)", false}},
    {Metric::teacher_skill_mean, {"teacher_skill_mean", "skill 0..1", "mean skill of all teachers", "scale", "Mean teacher skill", "skill (0-1)", false}},
    {Metric::skill_mean_reached, {"skill_mean_reached", "skill 0..1", "mean skill of teachers in schools ever launched (empty before any launch)", "scale", "Skill in launched schools", "skill (0-1)", false}},
    {Metric::schools_launched_share, {"schools_launched_share", "share", "share of schools ever launched", "share", "Schools launched", "schools launched (%)", false}},
    {Metric::schools_full_implementation_share, {"schools_full_implementation_share", "share", "share of schools where at least half the teachers are at Routine use or above (NIRN)", "share", "Schools in full implementation", "schools (%)", false}},
    {Metric::schools_abandoned_share, {"schools_abandoned_share", "share", "share of all schools that have abandoned", "share", "Schools abandoned", "schools abandoned (%)", false}},
    {Metric::depth_mean, {"depth_mean", "0..1", "mean implementation depth of launched schools that have not abandoned (empty if none)", "scale", "Implementation depth", "depth (0-1)", false}},
    {Metric::depth_sd, {"depth_sd", "0..1", "standard deviation of that depth (empty if none)", "scale", "Spread of depth", "sd of depth", false}},
    {Metric::self_sufficiency, {"self_sufficiency", "0..1", "min(internal coaching trained (coaches plus teacher-leaders' peer support), what the recurring budget pays after fixed costs and the tools of the whole scope) / internal-coach FTE needed to bring every teacher of the launched and waiting schools to Routine given turnover and keep them there, capped at 1", "share", "Self-sufficiency", "coaching need met by own coaches (%)", false}},
    {Metric::retained_capacity, {"retained_capacity", "ratio", "withdrawal probe: capacity 3 years after removing partners, grant and reserve at the probe year over the unprobed run's capacity 3 years after it (probe years only; 1: nothing depends on outside support)", "scale", "Retained capacity", "ratio", false}},
    {Metric::initiative_active, {"initiative_active", "0/1", "1 while the district runs the initiative", "share", "Initiative still running", "runs with the initiative active (%)", false}},
    {Metric::commitment_mean, {"commitment_mean", "0..1", "mean teacher commitment", "scale", "Commitment", "mean (0-1)", false}},
    {Metric::fatigue_mean, {"fatigue_mean", "0..1", "mean teacher fatigue", "scale", "Fatigue", "mean (0-1)", false}},
    {Metric::teacher_turnover_rate, {"teacher_turnover_rate", "per year", "teachers leaving their school during the year over teachers at its start", "rate", "Teacher turnover", "teachers leaving (% per year)", true}},
    {Metric::equity_gap, {"equity_gap", "depth", "mean depth of the least-needy half of schools minus that of the neediest half", "scale", "Equity gap", "depth gap, least- minus most-needy (0-1)", false}},
    {Metric::spend_per_teacher, {"spend_per_teacher", "USD/teacher", "this year's spending over district teachers", "usd", "Spending per teacher", "USD per teacher per year", true}},
    {Metric::cumulative_spend, {"cumulative_spend", "USD", "spending since year 1", "usd", "Cumulative spending", "USD since year 1", false}},
    {Metric::spend_per_capable_teacher, {"spend_per_capable_teacher", "USD/teacher", "cumulative spend over teachers at Routine use or above (empty if none)", "usd", "Spending per capable teacher", "cumulative USD per capable teacher", false}},
    {Metric::momentum, {"momentum", "0..1", "board and community support", "scale", "Board and community support", "momentum (0-1)", false}},
    {Metric::teacher_leaders, {"teacher_leaders", "teachers", "teacher-leaders (including coaches in training)", "count", "Teacher-leaders", "teacher-leaders (people)", false}},
    {Metric::internal_coach_fte, {"internal_coach_fte", "FTE", "internal coaches at work (trained and paid), averaged over the months of the year so far", "fte", "Internal coaches", "paid internal coaches (FTE)", true}},
    {Metric::partner_coach_fte, {"partner_coach_fte", "FTE", "partner coaches under contract, averaged over the months of the year so far", "fte", "Partner coaches", "contracted partner coaches (FTE)", true}},
    {Metric::grant_share_of_spend, {"grant_share_of_spend", "share", "share of this year's spending paid by the grant", "share", "Grant share of spending", "paid by the grant (%)", true}},
    {Metric::external_share_of_spend, {"external_share_of_spend", "share", "share of this year's spending paid to partners", "share", "External share of spending", "paid to partners (%)", true}},
};
static_assert(std::size(kStateRows) == static_cast<std::size_t>(kFirstDialMetric),
              "every Metric before the dials has its row in kStateRows");
static_assert(in_order(kStateRows), "kStateRows lists the metrics in the order of Metric");

}  // namespace

const std::array<MetricInfo, kMetricCount>& metric_info() {
  static const std::array<MetricInfo, kMetricCount> info = [] {
    std::array<MetricInfo, kMetricCount> all = infos<kMetricCount>(kStateRows);
    for (int k = 0; k < kDialCount; ++k) {
      const DialInfo& d = kDials[static_cast<std::size_t>(k)];
      all[static_cast<std::size_t>(kFirstDialMetric + k)] = {d.name, "dial", d.definition, "dial", d.label, d.axis, false};
    }
    return all;
  }();
  return info;
}

namespace {
constexpr Row<RunOutput> kRunRows[] = {
    {RunOutput::years_to_sustainability, {"years_to_sustainability", "years", "first year from which self_sufficiency and capacity_index stay at or above their thresholds to the horizon (empty if never)", "years", "Years to sustainability", "years", false}},
    {RunOutput::abandoned_share_early, {"abandoned_share_early", "share", "share of schools launched in years 1-3 that abandoned within 3 years of launch", "share", "Early abandonment", "early launches abandoned (%)", false}},
    {RunOutput::abandoned_share_later, {"abandoned_share_later", "share", "share of schools launched after year 3 (and at least 3 years before the horizon) that abandoned within 3 years of launch", "share", "Later abandonment", "later launches abandoned (%)", false}},
    {RunOutput::superintendent_changes, {"superintendent_changes", "changes", "superintendent changes over the run: the yearly hazard from year 2 and scheduled superintendent_change events", "count", "Superintendent changes", "new superintendents over the run", false}},
};
static_assert(std::size(kRunRows) == static_cast<std::size_t>(kRunOutputCount), "every RunOutput has its row");
static_assert(in_order(kRunRows), "kRunRows lists the outputs in the order of RunOutput");
}  // namespace

const std::array<MetricInfo, kRunOutputCount>& run_output_info() {
  static const std::array<MetricInfo, kRunOutputCount> info = infos<kRunOutputCount>(kRunRows);
  return info;
}

std::size_t MetricTable::year_end_row(int y) const {
  for (std::size_t r = rows(); r-- > 0;)
    if (year[r] == y && (month[r] == -1 || month[r] == 11 || y == 0)) return r;
  return rows();
}

}  // namespace ds
