#include <catch2/catch.hpp>

#include "rng.hpp"

TEST_CASE("draws are a pure function of their key", "[rng]") {
  ds::Rng a{42}, b{42};
  CHECK(a.uniform(ds::streams::kTeacherTurnover, 3, 17) ==
        b.uniform(ds::streams::kTeacherTurnover, 3, 17));
  CHECK(a.uniform(ds::streams::kTeacherTurnover, 3, 17) !=
        a.uniform(ds::streams::kTeacherTurnover, 3, 18));
}
