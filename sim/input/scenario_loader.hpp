// TOML scenario files -> validated Scenario. The only code that sees toml++.
//
// Every problem in a file is collected and reported at once, each as
//   file:line:col: key: problem (expected ...)
// A TOML syntax error is reported at its position (toml++ stops at the
// first). A scenario with any diagnostic is not returned.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "input/diagnostic.hpp"
#include "model/scenario.hpp"

namespace ds {

struct LoadResult {
  std::optional<Scenario> scenario;  // set only when diagnostics is empty
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return scenario.has_value(); }
};

// Loads `file`, follows `scenario.base` chains (relative to each file; cycles
// are errors), resolves `district.schools_file`, then applies `overrides`
// ("dotted.key=value" strings from --set, validated like file values and
// reported with the file name "--set").
LoadResult load_scenario(const std::filesystem::path& file,
                         const std::vector<std::string>& overrides = {});

// Parses and validates TOML text held in memory (tests, fuzzing). `name` is
// used in diagnostics; relative paths (base, schools_file) resolve against
// `dir`.
LoadResult load_scenario_text(std::string_view text, const std::string& name,
                              const std::filesystem::path& dir,
                              const std::vector<std::string>& overrides = {});

// Checks cross-field rules of an assembled scenario (events past the horizon,
// unknown partner names, probe years, ...). Used by the loader, and by
// anything else that builds a Scenario in code (sweeps).
std::vector<Diagnostic> check_scenario(const Scenario& s, const std::string& file);

}  // namespace ds
