// libFuzzer target: the input is the text of a scenario file.
//
// Any input must either load or yield diagnostics: never a crash, hang,
// sanitizer report or unbounded allocation. Relative paths resolve against
// the fixture folder (fixture.hpp), so `base = "reference.toml"` and
// `schools_file = "schools.csv"` reach real files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fixture.hpp"
#include "input/scenario_loader.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::fixture_dir();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ds::LoadResult r = ds::load_scenario_text(text, "fuzz.toml", fuzz::fixture_dir());
  // The loader's contract: a scenario exactly when there is no diagnostic, and
  // every diagnostic renders.
  if (r.ok() != r.diagnostics.empty()) std::abort();
  for (const auto& d : r.diagnostics)
    if (d.to_string().empty() || d.problem.empty()) std::abort();
  return 0;
}
