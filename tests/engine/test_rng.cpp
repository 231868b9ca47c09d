#include <catch2/catch.hpp>

#include <cmath>

#include "engine/rng.hpp"

using ds::Draws;
using ds::Rng;
namespace streams = ds::streams;

TEST_CASE("draws are a pure function of their key", "[rng]") {
  Rng a{42}, b{42};
  CHECK(a.uniform(streams::kTeacherTurnover, 3, 17) == b.uniform(streams::kTeacherTurnover, 3, 17));
  CHECK(a.uniform(streams::kTeacherTurnover, 3, 17) != a.uniform(streams::kTeacherTurnover, 3, 18));
  CHECK(a.uniform(streams::kTeacherTurnover, 3, 17) != a.uniform(streams::kTeacherTurnover, 4, 17));
  CHECK(a.uniform(streams::kTeacherTurnover, 3, 17) != a.uniform(streams::kPrincipal, 3, 17));
  CHECK(a.uniform(streams::kTeacherTurnover, 3, 17) != Rng{43}.uniform(streams::kTeacherTurnover, 3, 17));
}

TEST_CASE("stream ids name their purpose", "[rng]") {
  // (That no two are alike, rng.hpp checks at compile time over the one
  // declared list.) An id is the FNV-1a hash of its name (32-bit offset
  // basis and prime).
  CHECK(ds::stream_id("") == 2166136261u);
  CHECK(ds::stream_id("a") == 0xe40c292cu);
  CHECK(streams::kHire == ds::stream_id("teacher.hire"));
}

TEST_CASE("uniform, normal and beta have the right moments", "[rng]") {
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0, sb = 0;
  for (int i = 0; i < n; ++i) {
    Draws d(7, streams::kHire, 0, static_cast<std::uint32_t>(i));
    const double u = d.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    su += u;
    su2 += u * u;
    const double z = d.normal();
    sn += z;
    sn2 += z * z;
    const double b = d.beta_mean_sd(0.3, 0.1);
    REQUIRE(b >= 0.0);
    REQUIRE(b <= 1.0);
    sb += b;
  }
  CHECK(su / n == Approx(0.5).margin(0.005));
  CHECK(su2 / n - (su / n) * (su / n) == Approx(1.0 / 12).margin(0.002));
  CHECK(sn / n == Approx(0.0).margin(0.01));
  CHECK(sn2 / n == Approx(1.0).margin(0.02));
  CHECK(sb / n == Approx(0.3).margin(0.005));
}

TEST_CASE("the two normals of a Box-Muller pair are uncorrelated standard normals", "[rng]") {
  // normal() keeps the pair's second value for the next call: both halves
  // must be N(0, 1) and uncorrelated, or a teacher's commitment and learning
  // rate (two calls on one sequence) would be tied together.
  const int n = 200000;
  double s1 = 0, s2 = 0, s11 = 0, s22 = 0, s12 = 0;
  int below = 0;  // second of the pair below -1.96: 2.5% of a normal
  for (int i = 0; i < n; ++i) {
    Draws d(11, streams::kHire, 3, static_cast<std::uint32_t>(i));
    const double a = d.normal(), b = d.normal();
    s1 += a, s2 += b, s11 += a * a, s22 += b * b, s12 += a * b;
    below += b < -1.96;
  }
  CHECK(s1 / n == Approx(0.0).margin(0.01));
  CHECK(s2 / n == Approx(0.0).margin(0.01));
  CHECK(s11 / n == Approx(1.0).margin(0.02));
  CHECK(s22 / n == Approx(1.0).margin(0.02));
  CHECK(s12 / n == Approx(0.0).margin(0.01));  // sd of the mean product: 0.0022
  CHECK(static_cast<double>(below) / n == Approx(0.025).margin(0.002));
}

TEST_CASE("a Box-Muller pair: cosine half, then sine half, then a new pair", "[rng]") {
  // docs/model.md 4.9, exactly: a twin sequence draws the uniforms itself.
  Draws x(5, streams::kIndicator, 2, 9), twin(5, streams::kIndicator, 2, 9);
  const double u1 = twin.uniform(), u2 = twin.uniform();
  const double r = std::sqrt(-2.0 * std::log(u1)), a = 6.283185307179586 * u2;
  CHECK(x.normal() == r * std::cos(a));
  // A uniform between the halves comes after the pair's two and keeps the half.
  CHECK(x.uniform() == twin.uniform());
  CHECK(x.normal() == r * std::sin(a));
  // The third normal starts a new pair from the next two uniforms.
  const double v1 = twin.uniform(), v2 = twin.uniform();
  CHECK(x.normal() == std::sqrt(-2.0 * std::log(v1)) * std::cos(6.283185307179586 * v2));
  CHECK(x.uniform() == twin.uniform());
}

TEST_CASE("a sequence of draws does not repeat", "[rng]") {
  Draws d(1, streams::kNetwork, 0, 0);
  const double a = d.uniform(), b = d.uniform(), c = d.uniform();
  CHECK(a != b);
  CHECK(b != c);
}
