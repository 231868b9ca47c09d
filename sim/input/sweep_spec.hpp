// Sweep files -> a validated SweepSpec: the base scenario, the design and
// how each varied parameter takes its values. docs/sweeps.md is the user's
// description of the format; this header is the program's.
//
//   [sweep]
//   scenario = "../reference.toml"   # base scenario, relative to this file
//   design = "sobol"                 # a name of kDesigns (model/designs.hpp)
//   replications = 10                # per point (default: the base scenario's)
//   seed = 7                         # design draws and replication seeds
//                                    # (default: the base scenario's seed)
//   samples = 256                    # lhs, random: points; sobol: base rows N
//   trajectories = 20                # morris: r
//   levels = 4                       # morris: p (default 4)
//   [sweep.parameters]
//   "strategy.pace" = [0.2, 0.5, 0.8]                      # a list of values
//   "district.low_income_share" = { min = 0.2, max = 0.8 } # a range
//   "strategy.bundling" = { values = [0.2, 0.8], weights = [3, 1] }  # weighted
//   "strategy.pace" = { min = 0.0, max = 1.0, weights = [68, 16, 16] } # binned
//
// Like scenario files, every problem is collected and reported at once as
// `file:line:col: key: problem (expected ...)`, with the same Diagnostic
// type; problems of the base scenario are reported in the base scenario's
// own terms. A spec is returned only when there is none.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/designs.hpp"
#include "model/params.hpp"
#include "model/scenario.hpp"
#include "input/scenario_loader.hpp"

namespace ds {

// Names as written in sweep files, in enum order (kDesigns, model/designs.hpp).
const std::vector<std::string>& design_names();
constexpr const char* to_string(DesignKind d) { return design_info(d).name; }

// How a varied parameter takes its values.
enum class DomainKind : std::uint8_t {
  Values,    // a list: [a, b, c]
  Range,     // { min = .., max = .. [, weights = [..]] } (Int and Real parameters only)
  Weighted,  // { values = [...], weights = [...] } (designs that take weights: kDesigns)
};

// One varied parameter. Every value is held as a double: Int and Real
// parameters as their number, Bool as 0 or 1, Choice as the index of the
// name in `choices`. value_text() turns one back into TOML syntax.
struct SweepParam {
  std::string key;  // dotted, as in the sweep file: "strategy.pace", "partners[1].quality"
  ParamType type = ParamType::Real;  // Int, Real, Bool or Choice
  DomainKind kind = DomainKind::Range;
  std::vector<double> values;  // Values, Weighted: in file order
  // Weighted: one per value. Range: empty (uniform), or one per equal-width
  // bin of [min, max] (piecewise uniform: bin b with probability w_b / sum w).
  // As written; each > 0.
  std::vector<double> weights;
  double min = 0, max = 0;                    // Range: min < max, inside the declared range
  double declared_min = 0, declared_max = 0;  // the parameter's declared range (Int, Real)
  std::vector<std::string> choices;           // Choice: the names the indices refer to
  std::string unit;                           // from the declaration, for output headers
  // The field in a Scenario (set for parameters resolved against a base
  // scenario; empty in specs built by hand for tests of designs).
  std::function<ParamRef(Scenario&)> ref;
  int line = 0, column = 0;  // where the sweep file names it

  // How many distinct values the domain has; 0 for a Real range.
  std::size_t levels() const;
};

struct SweepSpec {
  std::string file;                     // the sweep file as given ("" when built in code)
  std::string scenario_path;            // `scenario` as written in the sweep file
  std::filesystem::path scenario_file;  // resolved against the sweep file's folder
  // The base scenario, loaded and validated, with meta.replications and
  // meta.seed set to the sweep's.
  Scenario base;
  DesignSettings design;
  std::size_t replications = 1;    // per point
  std::vector<SweepParam> params;  // in file order
};

// Hard limits: a sweep over these is refused (it would not finish, and the
// design alone would not fit in memory).
inline constexpr std::size_t kMaxSweepRuns = 10'000'000;
inline constexpr std::size_t kMaxSweepPoints = 1'000'000;
inline constexpr std::size_t kMaxMorrisLevels = 1000;

struct SweepLoadResult {
  std::optional<SweepSpec> spec;        // set only when diagnostics is empty
  std::vector<Diagnostic> diagnostics;  // errors
  std::vector<Diagnostic> warnings;     // e.g. odd Morris levels; never block the sweep
  bool ok() const { return spec.has_value(); }
};

// Loads and validates `file`, its base scenario and every design rule.
// `overrides` are --set strings: keys under `sweep.` ("sweep.samples=64",
// "sweep.replications=2", "sweep.seed=3") replace values of the [sweep] table
// (reported as "--set" like scenario overrides); every other key goes to the
// base scenario (load_scenario's overrides).
SweepLoadResult load_sweep(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides = {});
// The same for text in memory; the base scenario path resolves against `dir`.
SweepLoadResult load_sweep_text(std::string_view text, const std::string& name,
                                const std::filesystem::path& dir,
                                const std::vector<std::string>& overrides = {});

// Number of points the design will have (without generating it); saturates
// at SIZE_MAX on overflow: the product of the list lengths for a design
// without a size key (factorial), else its size x its group size
// (lhs, random: samples; sobol: samples x (D + 2); morris: trajectories x (D + 1)).
std::size_t design_points(const DesignSettings& d, const std::vector<SweepParam>& params);
inline std::size_t design_points(const SweepSpec& s) { return design_points(s.design, s.params); }
// points x replications, saturating.
std::size_t sweep_runs(const SweepSpec& s);

// A parameter value in TOML value syntax: 3, 0.25, true, "month". Reals are
// written in the shortest form that reads back as the same double.
std::string value_text(const SweepParam& p, double v);

// The same without TOML quoting: choice names bare (platform), for CSV
// cells and tables.
std::string value_plain(const SweepParam& p, double v);

// The spec in canonical TOML: fixed key order, every default written out,
// the resolved seed and replications. Two sweep files that define the same
// sweep give the same text (a resumed sweep compares it; the manifest holds
// it). It reads back as the same spec when placed next to the sweep file.
std::string canonical_text(const SweepSpec& s);

// Writes value `v` (encoded as in SweepParam) into the field `p` names in
// `s`; Int and Choice values are rounded to the nearest integer first.
// Requires p.ref. Does not check the scenario (check_scenario does).
void set_param(const SweepParam& p, double v, Scenario& s);

}  // namespace ds
