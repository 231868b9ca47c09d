// `districtsim validate` and `districtsim params`: input checked, parameters listed.
#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "input/scenario_loader.hpp"
#include "input/sweep_spec.hpp"
#include "input/text.hpp"
#include "runs/design.hpp"

namespace ds::cli {

namespace {

// A sweep file has a [sweep] table: its first table header is `[sweep]` or
// `[sweep.…]` (comments and blank lines skipped). Anything else, and files
// that cannot be read, go to load_scenario, which reports them (a [sweep]
// table after other tables is then an unknown key there).
bool is_sweep_text(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    const std::string t = line.substr(b);
    if (t.rfind("[sweep]", 0) == 0 || t.rfind("[sweep.", 0) == 0 || t.rfind("[ sweep", 0) == 0)
      return true;
    if (t[0] == '[') return false;  // the first table is not [sweep]
  }
  return false;
}

}  // namespace

// Each file is read once, with the loaders' own limits (so a pipe is not
// consumed by a first look, and /dev/zero is not read without end), and
// loaded by the same code as `run` and `sweep` load it: a regular file by
// name, anything else (a pipe, a process substitution) from what was read.
int cmd_validate(const std::vector<std::string>& files, const std::vector<std::string>& sets) {
  namespace fs = std::filesystem;
  bool all_ok = true;
  for (const auto& f : files) {
    std::string text, error;
    if (!ds::read_limited(f, ds::kMaxScenarioBytes, text, error)) {
      print_diagnostics({ds::Diagnostic{f, 0, 0, "", "cannot read file: " + error, ""}});
      all_ok = false;
      continue;
    }
    std::error_code ec;
    const bool regular = fs::is_regular_file(f, ec);
    const fs::path dir = fs::path(f).parent_path();
    if (is_sweep_text(text)) {
      const ds::SweepLoadResult r = regular ? ds::load_sweep(f, sets) : ds::load_sweep_text(text, f, dir, sets);
      print_diagnostics(r.diagnostics);
      print_warnings(r.warnings);
      if (r.ok())
        std::cout << f << ": ok (sweep: " << ds::design_points(*r.spec) << " points, "
                  << ds::sweep_runs(*r.spec) << " runs)\n";
      else
        all_ok = false;
      continue;
    }
    const ds::LoadResult r = regular ? ds::load_scenario(f, sets) : ds::load_scenario_text(text, f, dir, sets);
    if (r.ok()) {
      std::cout << f << ": ok\n";
    } else {
      all_ok = false;
      print_diagnostics(r.diagnostics);
    }
  }
  return all_ok ? kOk : kBadInput;
}

// ---------------------------------------------------------------- params

int cmd_params(bool markdown, bool metrics) {
  if (metrics) {
    std::cout << ds::engine_tables_json().dump(2) << '\n';
    return kOk;
  }
  std::cout << ds::params_listing(markdown);
  return kOk;
}

}  // namespace ds::cli
