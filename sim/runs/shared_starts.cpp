#include "runs/shared_starts.hpp"

#include <cstdint>
#include <variant>

#include "engine/population.hpp"
#include "engine/rng.hpp"

namespace ds {

bool varies_strategy_only(const SweepSpec& spec) {
  Scenario s = spec.base;
  const auto first = reinterpret_cast<std::uintptr_t>(&s.strategy);
  const auto end = first + sizeof s.strategy;
  for (const SweepParam& p : spec.params) {
    if (!p.ref) return false;  // a parameter built in code without its field
    const ParamRef ref = p.ref(s);
    const auto at = std::visit([](auto* field) { return reinterpret_cast<std::uintptr_t>(field); }, ref);
    if (at < first || at >= end) return false;
  }
  return true;
}

std::pair<std::shared_ptr<const State>, bool> SharedStarts::start(std::uint64_t seed) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, state] : kept_)
      if (key == seed) return {state, false};
  }
  auto built = std::make_shared<const State>(initial_state(base_, Rng{seed}));
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, state] : kept_)
    if (key == seed) return {state, true};  // another thread built it meanwhile
  kept_.emplace_back(seed, built);
  if (kept_.size() > keep_) kept_.pop_front();
  return {built, true};
}

bool SharedStarts::prepare(std::uint64_t seed) { return start(seed).second; }

RunResult SharedStarts::run(const Scenario& scenario, std::uint64_t seed) {
  return run_from(scenario, seed, *start(seed).first);
}

}  // namespace ds
