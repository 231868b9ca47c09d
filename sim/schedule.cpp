// TEMPORARY skeleton so the runner and writers can be built while the model
// is written; replaced by the real schedule in the same session.
#include "schedule.hpp"

namespace ds {

std::uint64_t replication_seed(std::uint64_t base, std::uint64_t r) {
  std::uint64_t z = base + 0x9e3779b97f4a7c15ull * (r + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

RunResult run_one(const Scenario& scenario, std::uint64_t seed) {
  RunResult r;
  r.seed = seed;
  for (int y = 0; y <= scenario.meta.years; ++y) {
    const std::size_t row = r.metrics.append(y, -1);
    r.metrics.row(row)[0] = 0.01 * y;
  }
  return r;
}

}  // namespace ds
