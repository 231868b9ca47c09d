// libFuzzer target: the input is the text of a sweep file.
//
// Any input must either load or yield diagnostics: never a crash, hang,
// sanitizer report or unbounded allocation. The file sits in the fixture's
// sweeps/ folder (fixture.hpp), so `scenario = "../reference.toml"` (the
// shipped examples) and `scenario = "parts/base.toml"` (the invalid corpus)
// reach real base scenarios, and the parameter, design and corner-check code
// behind them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fixture.hpp"
#include "input/sweep_spec.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::fixture_dir();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ds::SweepLoadResult r = ds::load_sweep_text(text, "fuzz.toml", fuzz::sweep_dir());
  // The loader's contract: a spec exactly when there is no diagnostic, and
  // every diagnostic and warning renders.
  if (r.ok() != r.diagnostics.empty()) std::abort();
  for (const auto& d : r.diagnostics)
    if (d.to_string().empty() || d.problem.empty()) std::abort();
  for (const auto& w : r.warnings)
    if (w.to_string().empty() || w.problem.empty()) std::abort();
  // A spec's canonical text must read back (the manifest and resume rely on
  // it): the same design and parameters.
  if (r.ok()) {
    const std::string canonical = ds::canonical_text(*r.spec);
    const ds::SweepLoadResult again =
        ds::load_sweep_text(canonical, "canonical.toml", fuzz::sweep_dir());
    if (!again.ok() || again.spec->params.size() != r.spec->params.size() ||
        ds::design_points(*again.spec) != ds::design_points(*r.spec))
      std::abort();
  }
  return 0;
}
