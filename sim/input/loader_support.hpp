// Internal to the file loaders (scenario_loader.cpp, sweep_spec.cpp): the
// only two files that see toml++, and the helpers they share so that a
// scenario file and a sweep file word the same problem the same way.
// Include this header from nowhere else (cli/command_line.cpp excepted, which
// words a mistyped command the way the loaders word a mistyped key).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "input/diagnostic.hpp"
#include "model/params.hpp"

namespace ds::loader {

// Where a problem is: the file as named, and its 1-based line and column
// (0 when it has no position, as for a --set value).
struct Where {
  std::string file;
  int line = 0;
  int column = 0;
};

inline void add(std::vector<Diagnostic>& out, const Where& w, std::string key, std::string problem,
                std::string expected = {}) {
  out.push_back(Diagnostic{w.file, w.line, w.column, std::move(key), std::move(problem), std::move(expected)});
}

// Files need three or four levels of brackets; 64 leaves room for anything
// reasonable while staying far from toml++'s recursion limits.
inline constexpr int kMaxNesting = 64;

// ----------------------------------------------------------------- text

std::string trim(std::string_view s);
std::string join(const std::vector<std::string>& items, const std::string& sep);
// Range bounds as a reader would write them: 1..2000, 0..1, 0.05..0.95.
std::string format_bound(double v);
// A string value in double quotes, shortened past 60 characters.
std::string quoted(std::string s);
// A path in double quotes, never shortened (the end of a path matters).
std::string quoted_path(std::string s);
// A real as TOML would write it (15 significant digits).
std::string format_real(double v);

// Optimal string alignment distance (Levenshtein plus adjacent swaps).
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cutoff);
// The closest candidate when it is a plausible typo of `word`, or one that
// `word` abbreviates; ties go to the earlier candidate.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);
// "; did you mean `x`?" or "".
std::string did_you_mean(const std::optional<std::string>& s);

// ----------------------------------------------------------------- values

// What a parameter accepts.
struct Rule {
  ParamType type = ParamType::Real;
  double min = 0;
  double max = 0;
  const std::vector<std::string>* choices = nullptr;
};

template <class T>
Rule rule_of(const FieldSpec<T>& f) {
  return {f.type, f.min, f.max, &f.choices};
}

std::string range_text(const Rule& r);
// "an integer in 1..50", "a number in 0..1", "one of: year, month", ...
std::string expected_text(const Rule& r);
// "string \"x\"", "integer 3", "array", ... for wrong-type messages.
std::string describe(const toml::node& n);
// "" when the value is fine, else "value 12 is out of range" and the like.
// `shown`: the value as the user wrote it, when that differs from how a
// real prints (an integer 2 read as a real should not come back as "2.0").
std::string int_problem(long long v, const Rule& r);
std::string real_problem(double v, const Rule& r, const std::string& shown = {});

// Writes `v` into the field `ref` points at (which must hold a V).
template <class V>
void store(const ParamRef& ref, V v) {
  *std::get<V*>(ref) = std::move(v);
}
// Writes the enum value with index `index` into a Choice field.
void store_choice(const ParamRef& ref, int index);

// ----------------------------------------------------------------- files


// What prescan() found that toml++ must not see.
enum class Refusal : std::uint8_t {
  TooLarge,               // more than the byte limit
  TooDeep,                // nesting deeper than the limit
  NonAscii,               // a non-ASCII character outside strings and comments
  NonAsciiAfterBackslash  // ... right after a line-ending backslash in a """string"""
};

struct ScanProblem {
  Refusal kind = Refusal::TooDeep;
  int line = 1;  // 1-based, as toml++ counts: columns in code points; 0 for TooLarge
  int column = 1;
  bool dotted = false;    // TooDeep: dotted keys or table headers added to the depth
  std::size_t bytes = 0;  // TooLarge: the text's size
  std::size_t limit = 0;  // TooLarge: the byte limit
};

// Scans TOML text for what Debian's toml++ 3.3 cannot survive, before it sees
// it: more than `max_bytes`, nesting deeper than `max_nesting` (arrays, inline
// tables, and each dot of a dotted key or table header), and non-ASCII
// characters where toml++ would classify them with undefined behaviour.
// nullopt when the text may be parsed. Both loaders call it on every text
// (files, --set values) before toml::parse.
std::optional<ScanProblem> prescan(std::string_view t, std::size_t max_bytes,
                                   int max_nesting = kMaxNesting);
// The diagnostic for a prescan() refusal of a file: its problem and its
// expected text ("" when there is nothing to suggest).
std::string refusal_problem(const ScanProblem& p);
std::string refusal_expected(const ScanProblem& p);
// toml++'s "Error while parsing X: why" as "syntax error while parsing X: why".
std::string syntax_problem(std::string_view description);
// What a syntax error at `line`:`column` (1-based) of `text` expected, where
// it can be told: an unquoted word where a value belongs (`name = build`) is
// text that needs quotes. "" otherwise.
std::string syntax_expected(std::string_view description, std::string_view text, std::size_t line,
                            std::size_t column);

// A whole scenario or sweep file: the prescan guard (size, nesting, the
// characters toml++ 3.3 cannot survive), then toml++. A refusal or a syntax
// error is reported in `diags` at its position in `name`, and nothing is
// returned.
std::optional<toml::table> parse_document(std::string_view text, const std::string& name,
                                          std::vector<Diagnostic>& diags);

// A `--set KEY=VALUE` value, for both loaders: one line of at most 64 KiB,
// in TOML value syntax (0.8, "x", [3, 6], true), read into holder["v"].
// With `bare_text` (strings and choices) an unquoted value is taken as it
// stands, checked as UTF-8 text, so that `--set output.frequency=month`
// needs no shell-quoted quotes. Returns the problem, or nothing when read;
// the caller reports it under its key, with `expected` when that is given
// and its own expected text otherwise.
inline constexpr std::size_t kMaxSetValueBytes = 65536;
struct SetValueProblem {
  std::string problem;
  std::string expected;  // "" when the caller's expected text applies
};
std::optional<SetValueProblem> parse_set_value(const std::string& value, bool bare_text, toml::table& holder);

}  // namespace ds::loader
