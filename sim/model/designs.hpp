// The sweep designs, declared once: one row of kDesigns per design holds
// everything the generic code needs about it (its name in sweep files, the
// [sweep] key that sets its size, the parameter forms it takes, how many
// points make a group, the sensitivity indices it yields). The sweep file
// reader (input/sweep_spec.cpp), the writers (runs/sweep_run.cpp), the
// sensitivity analysis and `districtsim params --metrics` (which analysis/
// reads as engine_tables.json) read this table instead of switching on the
// kind. A new design is a row here plus its generator in runs/design.cpp
// (kGenerators); docs/architecture.md says so.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ds {

enum class DesignKind : std::uint8_t { Factorial, Lhs, Sobol, Morris, Random, count };
inline constexpr std::size_t kDesignCount = static_cast<std::size_t>(DesignKind::count);

// The designs' own settings (the integer keys of [sweep]).
struct DesignSettings {
  DesignKind kind = DesignKind::Factorial;
  std::uint64_t seed = 1;        // keys every draw of lhs, random, morris and the bootstrap
  std::size_t samples = 0;       // lhs, random: points; sobol: base rows N
  std::size_t trajectories = 0;  // morris: r
  int levels = 4;                // morris: p
};

// Which sensitivity indices a design yields (sensitivity.csv, docs/sweeps.md
// section 9), and the columns of that file.
enum class SensitivityIndices : std::uint8_t { None, Sobol, Morris, count };

struct IndicesInfo {
  SensitivityIndices indices;
  const char* name;      // "sobol", "morris"; "" for none
  const char* measures;  // the measures per parameter, comma-separated
  const char* header;    // sensitivity.csv's header line, without the newline
};

inline constexpr std::array<IndicesInfo, static_cast<std::size_t>(SensitivityIndices::count)>
    kIndices{{
        {SensitivityIndices::None, "", "", ""},
        {SensitivityIndices::Sobol, "sobol", "first,total",
         "outcome,parameter,index,value,ci_low,ci_high,rows"},
        {SensitivityIndices::Morris, "morris", "mu,mu_star,sigma",
         "outcome,parameter,mu,mu_star,sigma,mu_star_ci_low,mu_star_ci_high,effects"},
    }};

// Points that belong together for the analysis: per_param x D + extra
// (D the number of varied parameters).
struct GroupSize {
  std::size_t per_param;
  std::size_t extra;
  constexpr std::size_t of(std::size_t dims) const { return per_param * dims + extra; }
};

struct DesignInfo {
  DesignKind kind = DesignKind::count;
  const char* name = "";         // as written in sweep files: design = "..."
  const char* description = "";  // one line, for listings and reports
  // The [sweep] key that sets the design's size and the setting it fills;
  // nullptr for a design whose points are every combination of the lists.
  const char* size_key = nullptr;
  std::size_t DesignSettings::*size = nullptr;
  const char* size_expected = "";  // what the key must hold ("required for ..." diagnostics)
  std::size_t min_size = 1;  // the smallest size the design works with (the reader takes >= 1)
  const char* min_size_expected = "";  // said when the size is below min_size
  bool size_power_of_two = false;      // warn when the size is not a power of two
  bool takes_levels = false;           // `levels = p`: a grid of p levels per parameter
  // The parameter forms it takes: a list of values ([a, b] or { values = .. }),
  // a range ({ min = .., max = .. }), and weights on either.
  bool takes_lists = false;
  bool takes_ranges = false;
  bool takes_weights = false;
  // Its values fall on set levels (the listed values, a grid), so reports
  // show them value by value rather than binned.
  bool levelled = false;
  std::size_t max_params = 0;  // most varied parameters it can take; 0: no limit of its own
  GroupSize group{0, 1};       // points that belong together (run orders keep them together)
  SensitivityIndices indices = SensitivityIndices::None;
};

inline constexpr std::array<DesignInfo, kDesignCount> kDesigns{{
    {.kind = DesignKind::Factorial,
     .name = "factorial",
     .description = "a full factorial design (every combination of the listed values)",
     .takes_lists = true,
     .levelled = true},
    {.kind = DesignKind::Lhs,
     .name = "lhs",
     .description =
         "a Latin hypercube (each parameter's range split into as many strata as points, each "
         "stratum used once)",
     .size_key = "samples",
     .size = &DesignSettings::samples,
     .size_expected = "the number of points, an integer >= 1",
     .takes_lists = true,
     .takes_ranges = true,
     .takes_weights = true},
    {.kind = DesignKind::Sobol,
     .name = "sobol",
     .description =
         "Saltelli's Sobol design (base rows of a Sobol sequence, each with one point per "
         "parameter in which only that parameter changes), which yields variance-based "
         "sensitivity indices",
     .size_key = "samples",
     .size = &DesignSettings::samples,
     .size_expected = "the base sample size N, an integer >= 2 (a power of two)",
     .min_size = 2,
     .min_size_expected = "an integer >= 2 (a power of two)",
     .size_power_of_two = true,
     .takes_ranges = true,
     // Boost's Sobol tables stop at 3667 dimensions; Saltelli's scheme needs 2D.
     .max_params = 1833,
     .group = {1, 2},  // a base row: A, D points AB^(i), B
     .indices = SensitivityIndices::Sobol},
    {.kind = DesignKind::Morris,
     .name = "morris",
     .description =
         "Morris trajectories (one parameter changes at a time along each trajectory), which yield "
         "elementary-effect screening measures",
     .size_key = "trajectories",
     .size = &DesignSettings::trajectories,
     .size_expected = "the number of trajectories r, an integer >= 2",
     .min_size = 2,
     .min_size_expected = "an integer >= 2 (sigma needs two elementary effects)",
     .takes_levels = true,
     .takes_ranges = true,
     .levelled = true,
     .group = {1, 1},  // a trajectory: a start and one step per parameter
     .indices = SensitivityIndices::Morris},
    {.kind = DesignKind::Random,
     .name = "random",
     .description = "independent random draws of every parameter",
     .size_key = "samples",
     .size = &DesignSettings::samples,
     .size_expected = "the number of points, an integer >= 1",
     .takes_lists = true,
     .takes_ranges = true,
     .takes_weights = true},
}};

// One row per kind, in enum order; the index table likewise.
constexpr bool designs_in_order() {
  for (std::size_t i = 0; i < kDesigns.size(); ++i)
    if (static_cast<std::size_t>(kDesigns[i].kind) != i) return false;
  for (std::size_t i = 0; i < kIndices.size(); ++i)
    if (static_cast<std::size_t>(kIndices[i].indices) != i) return false;
  return true;
}
static_assert(designs_in_order(), "kDesigns and kIndices: one row per kind, in enum order");

// Every row is whole: a name and a description, a size key with its setting
// (or neither, and then lists to multiply), a form to take.
constexpr bool designs_consistent() {
  for (const DesignInfo& d : kDesigns) {
    if ((d.size_key == nullptr) != (d.size == nullptr)) return false;
    if (d.size_key == nullptr && !d.takes_lists) return false;  // its size is the lists' product
    if (!d.takes_lists && !d.takes_ranges) return false;
    if (d.min_size < 1 || std::string_view(d.name).empty() ||
        std::string_view(d.description).empty())
      return false;
    if (d.min_size > 1 && std::string_view(d.min_size_expected).empty()) return false;
    if (d.size_key != nullptr && std::string_view(d.size_expected).empty()) return false;
  }
  return true;
}
static_assert(designs_consistent(), "kDesigns: a row is missing a setting");

constexpr const DesignInfo& design_info(DesignKind k) {
  return kDesigns[static_cast<std::size_t>(k)];
}
constexpr const IndicesInfo& indices_info(SensitivityIndices i) {
  return kIndices[static_cast<std::size_t>(i)];
}

// Whether a design yields sensitivity indices (sensitivity.csv; Sobol'
// indices or Morris elementary effects, docs/sweeps.md section 9).
constexpr bool has_sensitivity_indices(DesignKind k) {
  return design_info(k).indices != SensitivityIndices::None;
}

// Whether the design's points are every combination of its lists (it has no
// size key of its own).
constexpr bool points_from_lists(DesignKind k) { return design_info(k).size_key == nullptr; }

}  // namespace ds
