// Pattern-oriented validation (MODEL.md section 7; Grimm et al. 2005): each
// pattern compares scenarios of scenarios/validation/ with common random
// numbers over kReplications replications (or the claim's own number), and
// asserts that the 95% interval of the paired difference excludes zero in
// the stated direction. The claims
// are declared once, in claims.hpp; each pattern is one test case here.
// Labelled `validation` in ctest. With DISTRICTSIM_VALIDATION_OUT set, every
// claim is also written out for scripts/validation-report (validation.hpp).
#include <catch2/catch.hpp>

#include <iterator>
#include <map>
#include <utility>

#include "claims.hpp"

using namespace validation;

namespace {
// Each replication of a scenario run once per process, whatever claims read
// it: a claim that asks for more replications than were run extends them
// (replication r has the same seed whatever the number), one that asks for
// fewer reads the first n.
const Runs& runs_of(const std::string& name, int n) {
  static std::map<std::string, Runs> done;
  static std::map<std::pair<std::string, int>, Runs> first_n;
  const auto key = std::make_pair(name, n);
  if (auto it = first_n.find(key); it != first_n.end()) return it->second;
  Runs& all = done[name];
  if (static_cast<int>(all.size()) < n) {
    Runs more = run(load(name), n - static_cast<int>(all.size()), static_cast<int>(all.size()));
    std::move(more.begin(), more.end(), std::back_inserter(all));
  }
  return first_n.emplace(key, Runs(all.begin(), all.begin() + n)).first->second;
}

void check_pattern(const std::string& group) {
  int checked = 0;
  for (const PatternClaim& c : pattern_claims()) {
    if (c.group != group) continue;
    const Interval iv =
        c.measure([&c](const std::string& name) -> const Runs& { return runs_of(name, c.replications); });
    const bool ok = c.holds(iv);
    INFO(c.text << ": " << iv.str() << " (" << c.target << ")");
    record("pattern", group, c.text, iv, c.target, ok);
    CHECK(ok);
    ++checked;
  }
  REQUIRE(checked > 0);
}
}  // namespace

TEST_CASE("P1 long road", "[validation]") { check_pattern("P1 long road"); }
TEST_CASE("P2 buy fast, build last", "[validation]") { check_pattern("P2 buy fast, build last"); }
TEST_CASE("P3 transfer", "[validation]") { check_pattern("P3 transfer"); }
TEST_CASE("P4 pace", "[validation]") { check_pattern("P4 pace"); }
TEST_CASE("P5 targeting", "[validation]") { check_pattern("P5 targeting"); }
TEST_CASE("P6 centralization", "[validation]") { check_pattern("P6 centralization"); }
TEST_CASE("P7 adaptivity", "[validation]") { check_pattern("P7 adaptivity"); }
TEST_CASE("P8 bundling", "[validation]") { check_pattern("P8 bundling"); }
TEST_CASE("P9 sharing", "[validation]") { check_pattern("P9 sharing"); }
TEST_CASE("P10 scale economies", "[validation]") { check_pattern("P10 scale economies"); }

TEST_CASE("the t quantile used by the intervals", "[validation-helpers]") {
  CHECK(t975(10) == Approx(2.228).margin(0.003));
  CHECK(t975(39) == Approx(2.023).margin(0.002));
  CHECK(t975(1000) == Approx(1.962).margin(0.001));
}
