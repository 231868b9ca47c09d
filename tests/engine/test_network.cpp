#include <catch2/catch.hpp>

#include <algorithm>

#include "engine/network.hpp"
#include "engine/rng.hpp"

namespace {
ds::NetworkSpec spec(int schools, std::uint32_t teachers, double cross) {
  ds::NetworkSpec s;
  for (int i = 0; i < schools; ++i) {
    s.school_first.push_back(static_cast<std::uint32_t>(i) * teachers);
    s.school_count.push_back(teachers);
  }
  s.ties_per_teacher = 6;
  s.rewiring = 0.1;
  s.cross_ties = cross;
  return s;
}
bool has_tie(const ds::AdviceNetwork& n, ds::TeacherId a, ds::TeacherId b) {
  const auto ties = n.neighbours(a);
  return std::binary_search(ties.begin(), ties.end(), b);
}
std::uint32_t school_of(ds::TeacherId v, std::uint32_t teachers_each) { return v.value() / teachers_each; }
}  // namespace

TEST_CASE("advice ties are symmetric, within schools when there are no cross ties", "[network]") {
  const auto net = ds::build_advice_network(spec(5, 30, 0.0), ds::Rng{3});
  REQUIRE(net.slots() == 150);
  for (const ds::TeacherId v : ds::ids<ds::TeacherId>(net.slots())) {
    CHECK(net.neighbours(v).size() >= 1);
    for (const ds::TeacherId w : net.neighbours(v)) {
      CHECK(w != v);
      CHECK(school_of(w, 30) == school_of(v, 30));
      CHECK(has_tie(net, w, v));
    }
  }
  // A small world: about k ties per teacher.
  CHECK(static_cast<double>(net.ties()) / net.slots() == Approx(6.0).margin(0.5));
}

TEST_CASE("cross-school ties appear and the build is deterministic", "[network]") {
  const auto a = ds::build_advice_network(spec(10, 20, 0.5), ds::Rng{9});
  const auto b = ds::build_advice_network(spec(10, 20, 0.5), ds::Rng{9});
  CHECK(a.targets == b.targets);
  CHECK(a.offsets == b.offsets);
  std::size_t cross = 0;
  for (const ds::TeacherId v : ds::ids<ds::TeacherId>(a.slots()))
    for (const ds::TeacherId w : a.neighbours(v)) cross += school_of(w, 20) != school_of(v, 20);
  CHECK(cross > 0);
  const auto c = ds::build_advice_network(spec(10, 20, 0.5), ds::Rng{10});
  CHECK(a.targets != c.targets);
}

TEST_CASE("tiny schools are fully connected", "[network]") {
  const auto net = ds::build_advice_network(spec(1, 3, 0.0), ds::Rng{1});
  for (const ds::TeacherId v : ds::ids<ds::TeacherId>(3)) CHECK(net.neighbours(v).size() == 2);
}

TEST_CASE("schools the ring would cover entirely still get a network", "[network]") {
  // Regression: odd schools of at most k+1 teachers made Boost's rewiring
  // search forever.
  for (std::uint32_t n : {5u, 7u, 8u, 9u}) {
    const auto net = ds::build_advice_network(spec(2, n, 0.0), ds::Rng{1});
    CHECK(net.slots() == 2 * n);
    for (const ds::TeacherId v : ds::ids<ds::TeacherId>(net.slots())) CHECK(!net.neighbours(v).empty());
  }
}
