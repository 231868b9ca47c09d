// Typed ids (sim/model/ids.hpp): a column is indexed only by its own kind of
// id, ranges walk ids in order (a school's slots among them), and a typed
// key draws what its number draws.
#include <catch2/catch.hpp>

#include <type_traits>
#include <vector>

#include "engine/rng.hpp"
#include "engine/state.hpp"
#include "model/ids.hpp"

using namespace ds;

// The point of the types: the wrong kind of id, or a bare integer, does not
// compile as an index.
template <class C, class I>
concept indexable_by = requires(C c, I i) { c[i]; };
static_assert(indexable_by<Column<SchoolId, double>, SchoolId>);
static_assert(!indexable_by<Column<SchoolId, double>, TeacherId>);
static_assert(!indexable_by<Column<SchoolId, double>, PartnerId>);
static_assert(!indexable_by<Column<TeacherId, float>, std::size_t>);
static_assert(!std::is_convertible_v<int, TeacherId>, "an id is made explicitly");
static_assert(!std::is_convertible_v<TeacherId, std::uint32_t>, "and read explicitly (value(), index())");
static_assert(!std::is_same_v<TeacherId, SchoolId>);

TEST_CASE("ids walk a table in order, and a school's slots are its own", "[ids]") {
  Column<SchoolId, int> count{3, 0, 2};
  std::vector<std::uint32_t> seen;
  for (const SchoolId s : count.ids()) seen.push_back(s.value());
  CHECK(seen == std::vector<std::uint32_t>{0, 1, 2});
  CHECK(count.ids().size() == 3);
  CHECK(ids<TeacherId>(0).size() == 0);
  // A school's slots are [first, first + count) of the teacher table.
  Schools schools;
  schools.first = {TeacherId(0), TeacherId(3), TeacherId(5)};
  schools.count = {3, 2, 0};
  std::vector<std::uint32_t> slot;
  for (const TeacherId t : schools.slots(SchoolId(1))) slot.push_back(t.value());
  CHECK(slot == std::vector<std::uint32_t>{3, 4});
  CHECK(schools.slots(SchoolId(2)).size() == 0);
  CHECK(schools.slots(SchoolId(0)).size() == 3);
  CHECK(TeacherId::none().is_none());
  CHECK_FALSE(TeacherId(0).is_none());
  CHECK(TeacherId(2) < TeacherId(3));
}

TEST_CASE("a typed key draws what its number draws", "[ids][rng]") {
  const Rng rng{7};
  CHECK(rng.uniform(streams::kHire, 4, TeacherId(12)) == rng.uniform(streams::kHire, 4, 12u));
  Draws a = rng.draws(streams::kMandate, 0, SchoolId(5));
  Draws b = rng.draws(streams::kMandate, 0, 5u);
  CHECK(a.uniform() == b.uniform());
  CHECK(a.uniform() == b.uniform());
}
