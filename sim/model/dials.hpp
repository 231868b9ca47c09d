// The seven dials of MODEL.md section 4, declared once: the Strategy member,
// the name (the [strategy] key, the CSV column and the metric), what each pole
// means in the seeds' words (The Learning Accelerator, "Look Both Ways"), and
// the source. The parameter listing, the metric block, the accessors and the
// tests read this table; the compile-time checks below tie it to kDialCount
// and to the dials' block at the end of Metric, so that a dial added in one
// place and not the others does not build.
#pragma once

#include <array>
#include <string_view>

#include "model/metrics.hpp"
#include "model/scenario.hpp"

namespace ds {

// String literals all: the metric table hands them on as C strings.
struct DialInfo {
  const char* name;        // [strategy] key, CSV column and metric name
  const char* label;       // short title for a panel or a slider
  double Strategy::*member;  // where a Strategy holds it
  const char* low;         // what 0 means (the seeds' words)
  const char* high;        // what 1 means
  const char* meaning;     // `districtsim params`: "low (0) .. high (1)"
  const char* definition;  // the dial's metric: "NAME dial this year: 0 = LOW, 1 = HIGH"
  const char* axis;        // the metric's axis label: "0 = LOW, 1 = HIGH"
  const char* source;
};

inline constexpr std::array<DialInfo, 7> kDials{{
    {"centralization", "Centralization", &Strategy::centralization, "hold loose (decentralized)", "hold tight (centralized)", "decentralized (0) .. centralized (1): hold loose vs tight",
     "centralization dial this year: 0 = hold loose (decentralized), 1 = hold tight (centralized)", "0 = hold loose (decentralized), 1 = hold tight (centralized)", "seeds: Look Both Ways tension 1"},
    {"pace", "Pace", &Strategy::pace, "slow and steady", "fast and furious", "slow and steady (0) .. fast and furious (1)",
     "pace dial this year: 0 = slow and steady, 1 = fast and furious", "0 = slow and steady, 1 = fast and furious", "seeds: tension 2; survey 68% slow vs 16% fast"},
    {"need_priority", "Need priority", &Strategy::need_priority, "prioritize readiness", "prioritize need", "readiness first (0) .. need first (1): prioritize readiness vs need",
     "need_priority dial this year: 0 = prioritize readiness, 1 = prioritize need", "0 = prioritize readiness, 1 = prioritize need", "seeds: tension 3"},
    {"external_sourcing", "External sourcing", &Strategy::external_sourcing, "build internally", "buy externally", "build internally (0) .. buy externally (1)",
     "external_sourcing dial this year: 0 = build internally, 1 = buy externally", "0 = build internally, 1 = buy externally", "seeds: tension 4; survey 52% build vs 22% buy"},
    {"adaptivity", "Adaptivity", &Strategy::adaptivity, "fixed strategy", "adapt with experience", "fixed strategy (0) .. adapt with experience (1)",
     "adaptivity dial this year: 0 = fixed strategy, 1 = adapt with experience", "0 = fixed strategy, 1 = adapt with experience", "seeds: tension 5; survey 67% adaptive vs 14% fixed"},
    {"bundling", "Bundling", &Strategy::bundling, "a-la-carte", "prix fixe", "a-la-carte modules (0) .. prix fixe model (1)",
     "bundling dial this year: 0 = a-la-carte, 1 = prix fixe", "0 = a-la-carte, 1 = prix fixe", "seeds: tension 6; survey 51% modular vs 27% packaged"},
    {"failure_sharing", "Failure sharing", &Strategy::failure_sharing, "share best practices", "share process and failures", "share best practices (0) .. share process and failures (1)",
     "failure_sharing dial this year: 0 = share best practices, 1 = share process and failures", "0 = share best practices, 1 = share process and failures", "seeds: tension 7; survey 53% best practices vs 12% failures"},
}};

// The table, kDialCount and the metric block agree: the dials are the last
// metrics, one column each, in the table's order (metrics.cpp names them
// from this table).
static_assert(kDials.size() == static_cast<std::size_t>(kDialCount), "kDials and kDialCount disagree");
inline constexpr int kFirstDialMetric = static_cast<int>(Metric::centralization);
static_assert(kMetricCount - kFirstDialMetric == kDialCount,
              "the dials' metrics must be the last kDialCount metrics, Metric::centralization first");
static_assert(static_cast<int>(Metric::failure_sharing) == kMetricCount - 1, "Metric's last entry is the last dial");

// Each dial is its own member, and every member of Strategy is a dial.
constexpr bool distinct_members() {
  for (std::size_t i = 0; i < kDials.size(); ++i)
    for (std::size_t j = i + 1; j < kDials.size(); ++j)
      if (kDials[i].member == kDials[j].member || std::string_view(kDials[i].name) == kDials[j].name) return false;
  return true;
}
static_assert(distinct_members(), "two dials share a Strategy member or a name");
static_assert(sizeof(Strategy) == kDials.size() * sizeof(double), "a Strategy member is not in kDials");

constexpr Metric dial_metric(int k) { return static_cast<Metric>(kFirstDialMetric + k); }

inline double& dial(Strategy& s, int k) { return s.*kDials[static_cast<std::size_t>(k)].member; }
inline double dial(const Strategy& s, int k) { return s.*kDials[static_cast<std::size_t>(k)].member; }

// The dial's index in kDials, or -1.
constexpr int dial_index(std::string_view name) {
  for (std::size_t k = 0; k < kDials.size(); ++k)
    if (std::string_view(kDials[k].name) == name) return static_cast<int>(k);
  return -1;
}

}  // namespace ds
