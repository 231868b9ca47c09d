// Every output of the model, declared once: name (the CSV column), unit and
// definition. The engine writes into a preallocated table indexed by Metric;
// the writers and `districtsim params`-style listings read the same table.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ds {

// Yearly (or monthly) per-run metrics, in CSV column order.
enum class Metric : std::uint8_t {
  capacity_index,
  teacher_skill_mean,
  skill_mean_reached,
  schools_launched_share,
  schools_full_implementation_share,
  schools_abandoned_share,
  depth_mean,
  depth_sd,
  self_sufficiency,
  retained_capacity,
  initiative_active,
  commitment_mean,
  fatigue_mean,
  teacher_turnover_rate,
  equity_gap,
  spend_per_teacher,
  cumulative_spend,
  spend_per_capable_teacher,
  momentum,
  teacher_leaders,
  internal_coach_fte,
  partner_coach_fte,
  grant_share_of_spend,
  external_share_of_spend,
  centralization,
  pace,
  need_priority,
  external_sourcing,
  adaptivity,
  bundling,
  failure_sharing,
  count
};
inline constexpr int kMetricCount = static_cast<int>(Metric::count);

// Per-run outputs (one value per replication).
enum class RunOutput : std::uint8_t {
  years_to_sustainability,
  abandoned_share_early,
  abandoned_share_later,
  superintendent_changes,
  count
};
inline constexpr int kRunOutputCount = static_cast<int>(RunOutput::count);

struct MetricInfo {
  const char* name;
  const char* unit;
  const char* definition;
};

const std::array<MetricInfo, kMetricCount>& metric_info();
const std::array<MetricInfo, kRunOutputCount>& run_output_info();

inline const char* name(Metric m) { return metric_info()[static_cast<int>(m)].name; }
inline const char* name(RunOutput o) { return run_output_info()[static_cast<int>(o)].name; }

// "Empty" in every output (a probe metric outside probe years, a year that
// never came) is a quiet NaN; writers print it as an empty CSV field.
inline constexpr double kEmpty = std::numeric_limits<double>::quiet_NaN();
inline bool is_empty(double v) { return std::isnan(v); }

// The metrics table of one run: one row per output step.
struct MetricTable {
  std::vector<int> year;    // per row
  std::vector<int> month;   // per row; -1 for yearly rows
  std::vector<double> values;  // rows x kMetricCount

  std::size_t rows() const { return year.size(); }
  double at(std::size_t row, Metric m) const {
    return values[row * kMetricCount + static_cast<std::size_t>(m)];
  }
  double* row(std::size_t r) { return values.data() + r * kMetricCount; }
  const double* row(std::size_t r) const { return values.data() + r * kMetricCount; }
  // Appends a row of kEmpty values and returns its index.
  std::size_t append(int y, int m) {
    year.push_back(y);
    month.push_back(m);
    values.resize(values.size() + kMetricCount, kEmpty);
    return year.size() - 1;
  }
  // The row holding the end-of-year state of `y` (month 11 or the yearly row).
  std::size_t year_end_row(int y) const;
};

}  // namespace ds
