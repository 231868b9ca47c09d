// Counter-based random streams (Random123 Philox4x32-10).
//
// There is no generator state anywhere in the model. A draw is a pure
// function of (run seed, stream, step, agent, draw index): the key is the
// run seed, the counter is {stream, step, agent, draw}. So
//  - results do not depend on thread count or on the order agents are
//    visited;
//  - a stage added elsewhere does not shift anyone's draws;
//  - two scenarios run with the same seed draw the same numbers for the same
//    purpose (this teacher's turnover in this year), which makes paired
//    differences low-noise ("common random numbers").
// A stream is named by what it draws for; its id is a hash of that name.
#pragma once

#include <Random123/philox.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "model/ids.hpp"

namespace ds {

// FNV-1a, 32 bit: a stream's id is the hash of its name.
constexpr std::uint32_t stream_id(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

// The named streams of the model. Keep names stable: changing one changes
// the draws of that purpose (and only that purpose).
// Declared once, as (constant, name) pairs: the constants below and the
// list every stream id is checked against come from this one list.
#define DS_STREAMS(X)                                   \
  X(kSchoolNeed, "school.need")                         \
  X(kSchoolReadiness, "school.readiness")               \
  X(kComponentFit, "school.component_fit")              \
  X(kPartnerFit, "school.partner_fit")                  \
  X(kOptIn, "school.opt_in")                            \
  X(kMandate, "school.mandate_threshold")               \
  X(kLaunchNoise, "school.launch_noise")                \
  X(kAbandon, "school.abandon")                         \
  X(kPrincipal, "school.principal_turnover")            \
  X(kSchoolRelaunch, "school.relaunch")                 \
  X(kTeacherInit, "teacher.initial")                    \
  X(kTeacherTurnover, "teacher.turnover")               \
  X(kTeacherMove, "teacher.move")                       \
  X(kHire, "teacher.hire")                              \
  X(kCoachExit, "coach.role_exit")                      \
  X(kNetwork, "network.build")                          \
  X(kConvening, "network.convening")                    \
  X(kSuperintendent, "district.superintendent")         \
  X(kInitiativeDrop, "district.initiative_drop")        \
  X(kIndicator, "district.indicator_noise")

namespace streams {
#define DS_STREAM_CONSTANT(name, text) inline constexpr std::uint32_t name = stream_id(text);
DS_STREAMS(DS_STREAM_CONSTANT)
#undef DS_STREAM_CONSTANT

#define DS_STREAM_ENTRY(name, text) name,
inline constexpr std::uint32_t kAll[] = {DS_STREAMS(DS_STREAM_ENTRY)};
#undef DS_STREAM_ENTRY

// Two purposes with one id would draw the same numbers: refused at compile time.
constexpr bool distinct() {
  for (std::size_t i = 0; i < std::size(kAll); ++i)
    for (std::size_t j = i + 1; j < std::size(kAll); ++j)
      if (kAll[i] == kAll[j]) return false;
  return true;
}
static_assert(distinct(), "two random streams share an id");
}  // namespace streams

// One sequence of draws for (stream, step, agent). Cheap to create; each
// uniform advances the sequence (a normal that returns the second half of a
// Box-Muller pair draws nothing).
class Draws {
 public:
  using Philox = r123::Philox4x32;

  Draws(std::uint64_t seed, std::uint32_t stream, std::uint32_t step, std::uint32_t agent)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        ctr_{{stream, step, agent, 0}} {}

  // Uniform on [0, 1), 53 bits.
  double uniform() {
    if (have_ == 0) refill();
    const std::uint64_t hi = out_[4 - have_];
    const std::uint64_t lo = out_[5 - have_];
    have_ -= 2;
    const std::uint64_t bits = ((hi << 32) | lo) >> 11;
    return static_cast<double>(bits) * 0x1.0p-53;
  }
  bool bernoulli(double p) { return uniform() < p; }
  // Standard normal (Box-Muller): a pair of independent normals from two
  // uniforms, the cosine half returned and the sine half kept for the next
  // normal on this sequence (normals inside a gamma count; a uniform drawn in
  // between does not discard it). The sequence is keyed, so what a call
  // returns depends only on the key and on the draws made before it.
  double normal() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    double u1 = uniform();
    const double u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 6.283185307179586 * u2;
    spare_ = r * std::sin(a);
    have_spare_ = true;
    return r * std::cos(a);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Gamma(shape, 1) by Marsaglia & Tsang (2000); shape > 0.
  double gamma(double shape) {
    if (shape < 1.0) {
      const double u = uniform();
      return gamma(shape + 1.0) * std::pow(u < 1e-300 ? 1e-300 : u, 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x, v;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0.0);
      v = v * v * v;
      const double u = uniform();
      if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
      if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
    }
  }
  // Beta with the given mean (0..1) and standard deviation; degenerate
  // (returns the mean) when sd is 0 or the mean is at a bound.
  double beta_mean_sd(double mean, double sd) {
    if (sd <= 0 || mean <= 0 || mean >= 1) return mean;
    const double max_var = mean * (1 - mean);
    double var = sd * sd;
    if (var >= max_var) var = 0.95 * max_var;
    const double k = max_var / var - 1.0;
    const double a = gamma(mean * k);
    const double b = gamma((1 - mean) * k);
    return a + b > 0 ? a / (a + b) : mean;
  }
  // Integer in [0, n).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(uniform() * static_cast<double>(n));
  }

 private:
  void refill() {
    const Philox::ctr_type out = Philox{}(ctr_, key_);
    for (int i = 0; i < 4; ++i) out_[i] = out.v[i];
    ctr_.v[3] += 1;
    have_ = 4;
  }

  Philox::key_type key_;
  Philox::ctr_type ctr_;
  std::uint32_t out_[4] = {0, 0, 0, 0};
  int have_ = 0;
  double spare_ = 0.0;
  bool have_spare_ = false;
};

// The agent key of a draw made for the district as a whole.
inline constexpr std::uint32_t kNoAgent = 0xFFFFFFFFu;

// The run's source of streams: only a seed.
struct Rng {
  std::uint64_t seed = 0;
  Draws draws(std::uint32_t stream, std::uint32_t step, std::uint32_t agent) const {
    return Draws(seed, stream, step, agent);
  }
  // Keyed by a teacher, school or partner id.
  template <class Tag>
  Draws draws(std::uint32_t stream, std::uint32_t step, Id<Tag> agent) const {
    return draws(stream, step, agent.value());
  }
  // A single uniform for (stream, step, agent): the common case.
  double uniform(std::uint32_t stream, std::uint32_t step, std::uint32_t agent) const {
    return Draws(seed, stream, step, agent).uniform();
  }
  template <class Tag>
  double uniform(std::uint32_t stream, std::uint32_t step, Id<Tag> agent) const {
    return uniform(stream, step, agent.value());
  }
};

}  // namespace ds
