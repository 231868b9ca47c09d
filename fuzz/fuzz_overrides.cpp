// libFuzzer target: the input is a list of --set overrides, one a line
// ("dotted.key=value"), applied over a fixed valid scenario that has two
// partners, three events and a schools file, so that every kind of key
// (scalars, partners[N].field, events[N].field, lists, choices, paths) has
// something to override.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fixture.hpp"
#include "input/scenario_loader.hpp"

namespace {

constexpr std::string_view kScenario = R"([scenario]
name = "fuzz"
years = 10
replications = 2
seed = 7

[district]
schools_file = "schools.csv"
budget_per_teacher = 800

[strategy]
pace = 0.6

[output]
withdrawal_probe_years = [5]

[[partners]]
name = "coaching partner"
kind = "coaching"
coaches = 4

[[partners]]
name = "platform vendor"
kind = "platform"

[[events]]
year = 3
kind = "partner_exit"
partner = "platform vendor"

[[events]]
year = 4
kind = "budget_cut"
magnitude = 0.2

[[events]]
year = 6
kind = "superintendent_change"
)";

// At most this many overrides per input: more only slows each run down.
constexpr std::size_t kMaxOverrides = 64;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The fixed scenario must load, or the target would only ever test errors.
  const ds::LoadResult r = ds::load_scenario_text(kScenario, "fuzz.toml", fuzz::fixture_dir());
  if (!r.ok()) {
    for (const auto& d : r.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  for (std::size_t pos = 0; pos <= input.size() && overrides.size() < kMaxOverrides;) {
    const std::size_t end = std::min(input.find('\n', pos), input.size());
    overrides.emplace_back(input.substr(pos, end - pos));
    pos = end + 1;
  }
  const ds::LoadResult r =
      ds::load_scenario_text(kScenario, "fuzz.toml", fuzz::fixture_dir(), overrides);
  if (r.ok() != r.diagnostics.empty()) std::abort();
  for (const auto& d : r.diagnostics)
    if (d.to_string().empty() || d.problem.empty()) std::abort();
  return 0;
}
