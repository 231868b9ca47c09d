// A scenario file and `--set` overrides written back as one self-contained
// TOML file: what `districtsim explore` saves as a what-if, which `districtsim
// run` reads to the same Scenario (the overrides applied to the file's own
// table, relative paths made absolute, then validated by the loader).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "input/diagnostic.hpp"

namespace ds {

struct ExportResult {
  std::string toml;                      // the file's text; empty on failure
  std::vector<Diagnostic> diagnostics;   // why not (the loader's messages)
  bool ok() const { return diagnostics.empty(); }
};

// The scenario file `file`, whose text is `text` (as read once: the file may
// have changed since), with `overrides` ("dotted.key=value", as --set takes
// them) applied, and `header` (lines without their "# ") as a comment at the
// top. The result is loaded back before it is returned: a diagnostic there
// means it would not load.
ExportResult export_scenario(const std::string& text, const std::filesystem::path& file,
                             const std::vector<std::string>& overrides, const std::string& header);

}  // namespace ds
