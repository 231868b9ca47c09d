#include "engine/network.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/small_world_generator.hpp>

#include <algorithm>
#include <random>
#include <utility>

#include "engine/rng.hpp"

namespace ds {
namespace {

using Edge = std::pair<std::uint32_t, std::uint32_t>;
using Csr = boost::compressed_sparse_row_graph<boost::directedS>;
using SmallWorldGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

// Watts-Strogatz ties within one school: a ring of grade teams, rewired.
void school_ties(std::uint32_t first, std::uint32_t n, int k, double p, std::uint64_t seed,
                 std::vector<Edge>& edges) {
  if (n < 2) return;
  const std::uint32_t kk = std::min<std::uint32_t>(static_cast<std::uint32_t>(k) & ~1u, n - 1);
  // Tiny school (the ring would cover everyone, and rewiring could find no
  // free target): everyone advises everyone.
  if (kk < 2 || n <= kk + 2) {
    for (std::uint32_t a = 0; a < n; ++a)
      for (std::uint32_t b = a + 1; b < n; ++b) edges.push_back({first + a, first + b});
    return;
  }
  std::mt19937_64 gen(seed);  // seeded from the counter-based stream: deterministic
  using SWIter = boost::small_world_iterator<std::mt19937_64, SmallWorldGraph>;
  for (SWIter it(gen, n, kk, p, false), end; it != end; ++it)
    if (it->first != it->second)
      edges.push_back({first + static_cast<std::uint32_t>(it->first),
                       first + static_cast<std::uint32_t>(it->second)});
}

}  // namespace

AdviceNetwork build_advice_network(const NetworkSpec& spec, const Rng& rng) {
  std::uint32_t slots = 0;
  for (auto c : spec.school_count) slots += c;
  std::vector<Edge> edges;
  edges.reserve(static_cast<std::size_t>(slots) * static_cast<std::size_t>(spec.ties_per_teacher));
  for (std::uint32_t s = 0; s < spec.school_first.size(); ++s) {
    Draws d = rng.draws(streams::kNetwork, 0, s);
    const std::uint64_t seed = static_cast<std::uint64_t>(d.uniform() * 9007199254740992.0);
    school_ties(spec.school_first[s], spec.school_count[s], spec.ties_per_teacher, spec.rewiring,
                seed, edges);
  }
  // Sparse cross-school ties: pairs of random slots in different schools.
  const std::size_t schools = spec.school_first.size();
  if (schools > 1 && slots > 1) {
    const auto cross = static_cast<std::uint32_t>(spec.cross_ties * slots / 2.0);
    Draws d = rng.draws(streams::kNetwork, 1, 0);
    std::vector<std::uint32_t> school_of(slots);
    for (std::uint32_t s = 0; s < schools; ++s)
      for (std::uint32_t i = 0; i < spec.school_count[s]; ++i) school_of[spec.school_first[s] + i] = s;
    for (std::uint32_t e = 0; e < cross; ++e) {
      const std::uint32_t a = d.below(slots), b = d.below(slots);
      if (school_of[a] != school_of[b]) edges.push_back({a, b});
    }
  }
  // Both directions, then the CSR form (Boost sorts and groups by source).
  const std::size_t undirected = edges.size();
  edges.reserve(2 * undirected);
  for (std::size_t i = 0; i < undirected; ++i) edges.push_back({edges[i].second, edges[i].first});
  Csr g(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), slots);

  AdviceNetwork net;
  net.offsets.resize(static_cast<std::size_t>(slots) + 1, 0);
  net.targets.reserve(edges.size());
  std::vector<std::uint32_t> nb;  // one slot's ties; reused, so no allocation per slot
  for (std::uint32_t v = 0; v < slots; ++v) {
    net.offsets[v] = static_cast<std::uint32_t>(net.targets.size());
    auto [b, e] = boost::out_edges(static_cast<Csr::vertex_descriptor>(v), g);
    nb.clear();
    for (auto it = b; it != e; ++it) nb.push_back(static_cast<std::uint32_t>(boost::target(*it, g)));
    std::sort(nb.begin(), nb.end());  // fixed order whatever Boost's internal order
    nb.erase(std::unique(nb.begin(), nb.end()), nb.end());
    for (const std::uint32_t t : nb) net.targets.push_back(TeacherId(t));
  }
  net.offsets[slots] = static_cast<std::uint32_t>(net.targets.size());
  return net;
}

}  // namespace ds
