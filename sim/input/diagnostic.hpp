// What the scenario and sweep loaders report: one problem in an input file,
// at its position. Both loaders return these, every problem at once, and
// `validate`, `run` and `sweep` print them alike.
#pragma once

#include <cstdint>
#include <string>

namespace ds {

struct Diagnostic {
  std::string file;      // as given (or the file a `base` chain led to)
  int line = 0;          // 1-based; 0 when the problem has no position
  int column = 0;        // 1-based
  std::string key;       // dotted key, e.g. "strategy.pace" or "partners[2].fit"
  std::string problem;   // e.g. "value 1.4 is out of range"
  std::string expected;  // e.g. "a number in 0..1" ("" to omit the parenthesis)
  // "file:line:col: key: problem (expected ...)", printable whatever bytes a
  // file held (a file's bytes never reach the terminal raw).
  std::string to_string() const;
};

// Files larger than this are refused before parsing.
inline constexpr std::uintmax_t kMaxScenarioBytes = 1u << 20;

}  // namespace ds
