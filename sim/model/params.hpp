// The one declaration of every scenario parameter: key, type, range, default
// (read from a default-constructed Scenario), unit, meaning and source. The
// loader validates against it, `districtsim params` prints it, the manifest
// writes the resolved values through it. Adding a parameter means adding a
// field to scenario.hpp and one line here.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/dials.hpp"
#include "model/scenario.hpp"

namespace ds {

enum class ParamType : std::uint8_t { Int, Real, Bool, String, Seed, IntList, Choice };

// A typed pointer to the field a parameter names, inside a particular object.
using ParamRef = std::variant<int*, double*, bool*, std::string*, std::uint64_t*,
                              std::vector<int>*, Frequency*, PartnerKind*, EventKind*>;

template <class Target>
struct FieldSpec {
  std::string key;       // dotted for scenario fields ("strategy.pace"); bare for partner/event fields
  ParamType type = ParamType::Real;
  double min = 0;        // inclusive range (Int, Real, IntList elements)
  double max = 0;
  bool required = false; // must be present (partner name, event year and kind)
  std::string unit;
  std::string meaning;
  std::string source;
  std::vector<std::string> choices;  // names accepted for Choice
  std::function<ParamRef(Target&)> ref;
};

using ParamSpec = FieldSpec<Scenario>;
using PartnerFieldSpec = FieldSpec<Partner>;
using EventFieldSpec = FieldSpec<Event>;

// Scalar parameters of [scenario], [district], [strategy], [output], [model].
const std::vector<ParamSpec>& scenario_params();
// Fields of one [[partners]] entry and one [[events]] entry.
const std::vector<PartnerFieldSpec>& partner_fields();
const std::vector<EventFieldSpec>& event_fields();

// The tables a scenario file may contain, in file order.
const std::vector<std::string>& scenario_tables();

const ParamSpec* find_param(std::string_view key);

// The value a parameter has in `s`, formatted as TOML would write it.
std::string format_value(const ParamRef& ref);

// Names for enum values, in enum order (for Choice parameters).
const std::vector<std::string>& partner_kind_names();
const std::vector<std::string>& event_kind_names();
const std::vector<std::string>& frequency_names();


// The default partner on offer when a scenario lists none.
Partner default_partner();

}  // namespace ds
