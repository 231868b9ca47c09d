// The dials' table (sim/model/dials.hpp) is the one declaration the parameter
// listing, the metric block and the accessors read.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "model/dials.hpp"
#include "model/params.hpp"

using namespace ds;

TEST_CASE("each dial is a [strategy] parameter, a metric and a Strategy member, named once", "[dials]") {
  std::set<std::string> names;
  for (int k = 0; k < kDialCount; ++k) {
    const DialInfo& d = kDials[static_cast<std::size_t>(k)];
    const std::string name(d.name);
    INFO(name);
    names.insert(name);
    // The metric of the same name, in the dials' block.
    const MetricInfo& m = metric_info()[static_cast<std::size_t>(dial_metric(k))];
    CHECK(std::string(m.name) == name);
    CHECK(std::string(m.unit) == "dial");
    CHECK(std::string(m.definition) == std::string(d.definition));
    // The parameter strategy.NAME, 0..1, writes the member the table names.
    const ParamSpec* p = find_param("strategy." + name);
    REQUIRE(p != nullptr);
    CHECK(p->min == 0);
    CHECK(p->max == 1);
    CHECK(p->meaning == std::string(d.meaning));
    Scenario sc;
    *std::get<double*>(p->ref(sc)) = 0.25 + 0.05 * k;
    CHECK(sc.strategy.*d.member == 0.25 + 0.05 * k);
    CHECK(dial(sc.strategy, k) == 0.25 + 0.05 * k);
    CHECK(dial_index(d.name) == k);
    // Both poles in words, different, and said the same way everywhere.
    const std::string low(d.low), high(d.high);
    CHECK_FALSE(low.empty());
    CHECK_FALSE(high.empty());
    CHECK(low != high);
    CHECK(std::string(d.axis) == "0 = " + low + ", 1 = " + high);
    CHECK(std::string(d.definition) == name + " dial this year: 0 = " + low + ", 1 = " + high);
    CHECK(std::string(d.meaning).find("(0) .. ") != std::string::npos);
  }
  CHECK(names.size() == static_cast<std::size_t>(kDialCount));
  CHECK(dial_index("not_a_dial") == -1);
}

TEST_CASE("every output is declared with a distinct name and a label", "[dials]") {
  std::set<std::string> names;
  for (const MetricInfo& m : metric_info()) {
    REQUIRE(m.name != nullptr);
    REQUIRE(m.label != nullptr);
    REQUIRE(m.kind != nullptr);
    REQUIRE(m.axis != nullptr);
    CHECK(names.insert(m.name).second);
  }
  for (const MetricInfo& o : run_output_info()) {
    REQUIRE(o.name != nullptr);
    REQUIRE(o.label != nullptr);
    CHECK(names.insert(o.name).second);
  }
  CHECK(std::string(name(Metric::capacity_index)) == "capacity_index");
  CHECK(std::string(name(RunOutput::years_to_sustainability)) == "years_to_sustainability");
}
