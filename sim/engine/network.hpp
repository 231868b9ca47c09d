// The teacher advice network. Built with Boost.Graph (small-world ties inside
// each school, sparse cross-school ties) and kept, for the monthly loop, as a
// compressed sparse row of slot ids. The only user of Boost.Graph.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/ids.hpp"

namespace ds {

struct Rng;

// Static ties between teacher slots (both directions stored).
struct AdviceNetwork {
  std::vector<std::uint32_t> offsets;  // size slots+1
  std::vector<TeacherId> targets;

  std::size_t slots() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  std::span<const TeacherId> neighbours(TeacherId i) const {
    return {targets.data() + offsets[i.index()], targets.data() + offsets[i.index() + 1]};
  }
  std::size_t ties() const { return targets.size(); }
};

struct NetworkSpec {
  std::vector<std::uint32_t> school_first;  // first slot of each school
  std::vector<std::uint32_t> school_count;  // slots of each school
  int ties_per_teacher = 6;     // within-school ring neighbours (k of Watts-Strogatz)
  double rewiring = 0.1;        // Watts-Strogatz rewiring probability
  double cross_ties = 0.05;     // cross-school ties per teacher
};

AdviceNetwork build_advice_network(const NetworkSpec& spec, const Rng& rng);

}  // namespace ds
