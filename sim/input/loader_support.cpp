// Helpers shared by the two file loaders (scenario_loader.cpp and
// sweep_spec.cpp): how values, ranges and TOML nodes are worded in
// diagnostics, "did you mean" suggestions, bounded file reading and the
// guard (prescan) that runs before toml++ parses anything.
#include "input/loader_support.hpp"
#include "input/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace ds::loader {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Text helpers

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

// Range bounds as a reader would write them: 1..2000, 0..1, 0.05..0.95.
std::string format_bound(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  double copy = v;
  std::string s = format_value(&copy);
  return s;
}

std::string quoted(std::string s) {
  constexpr std::size_t kShown = 60;  // long strings would drown the message
  if (s.size() > kShown) s = s.substr(0, kShown) + "...";
  return format_value(&s);
}

// Paths are never shortened: the end of a path is the part that matters.
std::string quoted_path(std::string s) { return format_value(&s); }

std::string format_real(double v) { return format_value(&v); }

// Optimal string alignment distance: Levenshtein plus adjacent transpositions,
// the commonest typing slip. Three rolling rows, and it stops as soon as the
// distance must exceed `cutoff` (returning cutoff + 1): callers only care
// whether a word is close.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t cutoff) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> before(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
      row_min = std::min(row_min, cur[j]);
    }
    // No later row's minimum is below the smaller of the last two rows'
    // minima, and this row's is at most one more than the previous row's: so
    // past cutoff + 1 here, the distance is past cutoff.
    if (row_min > cutoff + 1) return cutoff + 1;
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], cutoff + 1);
}

// The closest candidate, if it is close enough to be a plausible typo, or one
// the word abbreviates ("coach" for "coaching"). Ties go to the earlier
// candidate, so suggestions are deterministic.
//
// Bounded, because the words and the candidates can come from a crafted file:
// no suggestion for a word longer than kMaxSuggestWord or among more than
// kMaxSuggestAmong candidates (neither is a typo worth guessing at), and no
// distance computed between words whose lengths alone rule them out. Without
// these a long key or many partner names made the loader allocate and compare
// without bound.
constexpr std::size_t kMaxSuggestWord = 64;
constexpr std::size_t kMaxSuggestAmong = 256;

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  if (word.size() > kMaxSuggestWord || candidates.size() > kMaxSuggestAmong) return best;
  std::size_t best_d = 0;
  for (const auto& c : candidates) {
    const std::size_t limit = std::max<std::size_t>(2, std::max(word.size(), c.size()) / 3);
    // The distance is at least the difference in length.
    if (std::max(word.size(), c.size()) - std::min(word.size(), c.size()) > limit) continue;
    const std::size_t d = edit_distance(word, c, limit);
    if (d <= limit && (!best || d < best_d)) {
      best = c;
      best_d = d;
    }
  }
  if (best || word.size() < 3) return best;
  for (const auto& c : candidates)
    if (c.rfind(word, 0) == 0) return c;
  return best;
}

std::string did_you_mean(const std::optional<std::string>& s) {
  return s ? "; did you mean `" + *s + "`?" : "";
}

// ---------------------------------------------------------------------------
// Values: what a parameter accepts, how a TOML node is described, validation

std::string range_text(const Rule& r) { return format_bound(r.min) + ".." + format_bound(r.max); }

std::string expected_text(const Rule& r) {
  switch (r.type) {
    case ParamType::Int:
      return "an integer in " + range_text(r);
    case ParamType::Real:
      return "a number in " + range_text(r);
    case ParamType::Bool:
      return "true or false";
    case ParamType::String:
      return "a string";
    case ParamType::Seed:
      return "an integer >= 0";
    case ParamType::IntList:
      return "an array of integers in " + range_text(r);
    case ParamType::Choice:
      return "one of: " + join(*r.choices, ", ");
  }
  return "";
}

std::string describe(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "string " + quoted(n.as_string()->get());
    case toml::node_type::integer:
      return "integer " + std::to_string(n.as_integer()->get());
    case toml::node_type::floating_point:
      return "floating-point " + format_real(n.as_floating_point()->get());
    case toml::node_type::boolean:
      return n.as_boolean()->get() ? "boolean true" : "boolean false";
    case toml::node_type::array:
      return "array";
    case toml::node_type::table:
      return "table";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// Shared by the loader (values from files) and check_scenario (values built in
// code), so both word a bad value the same way. "" when the value is fine.
std::string int_problem(long long v, const Rule& r) {
  if (static_cast<double>(v) < r.min || static_cast<double>(v) > r.max)
    return "value " + std::to_string(v) + " is out of range";
  return "";
}
// `shown`: the value as the user wrote it, when that differs from how a real
// prints (an integer 2 read as a real should not come back as "2.0").
std::string real_problem(double v, const Rule& r, const std::string& shown) {
  const std::string text = shown.empty() ? format_real(v) : shown;
  if (!std::isfinite(v)) return "value " + text + " is not a finite number";
  if (v < r.min || v > r.max) return "value " + text + " is out of range";
  return "";
}

void store_choice(const ParamRef& ref, int index) {
  std::visit(
      [index](auto* p) {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_enum_v<T>)
          *p = static_cast<T>(index);
        else
          throw std::logic_error("params: a Choice parameter points at a non-enum field");
      },
      ref);
}

// ---------------------------------------------------------------------------
// Files

// Scans TOML text for what Debian's toml++ 3.3 cannot survive, before it sees
// the text:
//   - More than `max_bytes` (a scenario or sweep file is a few kilobytes; a
//     huge text is a mistake or an attack, and toml++ would hold all of it
//     as a tree several times its size).
//   - Nesting deeper than `max_nesting`. toml++ recurses once per level, while
//     parsing arrays and inline tables and again while finishing and freeing
//     the tree, and a crafted file can exhaust the stack. Each open array or
//     inline table counts one level, and so does each dot of a dotted key
//     (`a.b.c = 1` builds three nested tables) or table header, including the
//     dots of the header the key sits under.
//   - Non-ASCII characters where toml++ asks whether they are whitespace:
//     outside strings and comments; right after a line-ending backslash in a
//     multi-line basic string; and anywhere between the start of a bare value
//     (a number, date, boolean, ...) and the next `,` `]` `}` `#` or line end,
//     quotes included, because toml++ looks ahead through up to 127
//     characters to tell numbers from dates. Its generated classifier reaches
//     __builtin_unreachable for many code points (U+00A7, U+032A, ...), which
//     is undefined behaviour (toml++ issues 190 and 295; found here by
//     fuzzing). TOML allows non-ASCII text only inside strings and comments,
//     and nothing but whitespace between a bare value and what ends it, so no
//     valid file is refused; only the message differs.
// Deliberately simple: it only has to be right for text toml++ accepts up to
// the point it stops; whatever it miscounts in a broken file, toml++ rejects
// before building anything deeper.
std::optional<ScanProblem> prescan(std::string_view t, std::size_t max_bytes, int max_nesting) {
  if (t.size() > max_bytes) {
    ScanProblem p;
    p.kind = Refusal::TooLarge;
    p.line = p.column = 0;
    p.bytes = t.size();
    p.limit = max_bytes;
    return p;
  }
  const int limit = max_nesting;
  int line = 1, col = 1;
  std::size_t i = 0;
  auto advance = [&](std::size_t n) {
    for (std::size_t k = 0; k < n && i < t.size(); ++k, ++i) {
      const auto c = static_cast<unsigned char>(t[i]);
      if (c == '\n') {
        ++line;
        col = 1;
      } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
        ++col;
      }
    }
  };
  auto starts = [&](std::string_view s) { return t.substr(i, s.size()) == s; };
  auto is_ascii = [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; };
  std::optional<ScanProblem> found;
  auto refuse = [&](Refusal kind, bool dotted = false) {
    found = ScanProblem{kind, line, col, dotted, 0, static_cast<std::size_t>(limit)};
  };
  // Skips a string whose opening delimiter `delim` is at i.
  auto skip_string = [&](std::string_view delim, bool escapes, bool multiline) {
    advance(delim.size());
    while (i < t.size()) {
      if (escapes && t[i] == '\\') {
        // A line-ending backslash trims the whitespace after it, and toml++
        // classifies the first character it stops at.
        std::size_t j = i + 1;
        while (multiline && j < t.size() &&
               (t[j] == ' ' || t[j] == '\t' || t[j] == '\r' || t[j] == '\n'))
          ++j;
        if (multiline && j < t.size() && !is_ascii(t[j])) {
          advance(j - i);
          refuse(Refusal::NonAsciiAfterBackslash);
          return;
        }
        advance(2);
      } else if (starts(delim)) {
        advance(delim.size());
        return;
      } else if (!multiline && t[i] == '\n') {
        return;
      } else {
        advance(1);
      }
    }
  };

  // Depth in levels: open arrays and inline tables, and dots of keys and headers.
  struct Depth {
    int brackets = 0;
    int dots = 0;
    int level() const { return brackets + dots; }
  };
  struct Frame {
    char open;  // '[' or '{'
    Depth depth;
  };
  // LineStart: a key or a [header] may follow; Header: inside [...]; Key: a
  // key, up to its `=`; Value: a value, or the rest of a line; Bare: from the
  // start of a bare value to what ends it, where quotes start no string.
  enum class Mode { LineStart, Header, Key, Value, Bare };
  std::vector<Frame> frames;
  Mode mode = Mode::LineStart;
  Depth header, key, value_base;
  auto deeper = [&](const Depth& d) {
    if (d.level() <= limit) return false;
    refuse(Refusal::TooDeep, d.dots > 0);
    return true;
  };

  if (starts("\xEF\xBB\xBF")) advance(3);  // a byte order mark, which toml++ skips
  while (i < t.size() && !found) {
    const char c = t[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      advance(1);
      continue;
    }
    if (c == '\n') {
      if (frames.empty())
        mode = Mode::LineStart;
      else if (mode == Mode::Bare)
        mode = Mode::Value;  // a line break ends a bare value in a multi-line array
      advance(1);
      continue;
    }
    if (c == '#') {
      while (i < t.size() && t[i] != '\n') advance(1);
      continue;
    }
    if (mode == Mode::LineStart) {
      if (c == '[') {
        mode = Mode::Header;
        header = Depth{};
        advance(1);
        continue;
      }
      mode = Mode::Key;
      key = Depth{0, header.dots};
    }
    const bool structural = c == '[' || c == '{' || c == ']' || c == '}' || c == ',';
    // A bare value runs to `,` `]` `}` (or `#`, line end, above): toml++'s
    // look-ahead passes `[` and `{` too (fuzzing found `0['...\uFEBF...'`).
    const bool ends_bare = c == ']' || c == '}' || c == ',';
    if (mode == Mode::Bare && !ends_bare) {
      if (!is_ascii(c)) {
        refuse(Refusal::NonAscii);
        break;
      }
      advance(1);
    } else if (mode == Mode::Value && !structural && c != '"' && c != '\'') {
      mode = Mode::Bare;  // this character is scanned again, in Bare mode
    } else if (starts("\"\"\"")) {
      skip_string("\"\"\"", true, true);
    } else if (c == '"') {
      skip_string("\"", true, false);
    } else if (starts("'''")) {
      skip_string("'''", false, true);
    } else if (c == '\'') {
      skip_string("'", false, false);
    } else if (!is_ascii(c)) {
      refuse(Refusal::NonAscii);
    } else if (mode == Mode::Header) {
      if (c == '.') {
        ++header.dots;
        if (deeper(header)) break;
      } else if (c == ']') {
        mode = Mode::Value;  // the rest of the line, where only a comment is valid
      }
      advance(1);
    } else if (c == '.' && mode == Mode::Key) {
      ++key.dots;
      if (deeper(key)) break;
      advance(1);
    } else if (c == '=' && mode == Mode::Key) {
      value_base = key;
      mode = Mode::Value;
      advance(1);
    } else if (c == '[' || c == '{') {
      // An element of an array sits one level below the array; a value after
      // `=`, one level below its key.
      Depth d = !frames.empty() && frames.back().open == '[' ? frames.back().depth : value_base;
      ++d.brackets;
      if (deeper(d)) break;
      frames.push_back({c, d});
      if (c == '{') {
        mode = Mode::Key;
        key = d;
      } else {
        mode = Mode::Value;
      }
      advance(1);
    } else if (c == ']' || c == '}') {
      if (!frames.empty()) frames.pop_back();
      mode = Mode::Value;
      advance(1);
    } else if (c == ',') {
      if (!frames.empty() && frames.back().open == '{') {
        mode = Mode::Key;
        key = frames.back().depth;
      } else {
        mode = Mode::Value;
      }
      advance(1);
    } else {
      advance(1);
    }
  }
  return found;
}

// The diagnostic for a prescan() refusal of a file: problem and expected.
std::string refusal_problem(const ScanProblem& p) {
  const std::string levels = std::to_string(p.limit) + " levels";
  switch (p.kind) {
    case Refusal::TooLarge:
      return "text is " + std::to_string(p.bytes) + " bytes, over the limit of " +
             std::to_string(p.limit) + " bytes" + (p.limit == (1u << 20) ? " (1 MiB)" : "") +
             "; refused before parsing";
    case Refusal::TooDeep:
      return (p.dotted ? "dotted keys, arrays or inline tables nested deeper than "
                       : "arrays or inline tables nested deeper than ") +
             levels + "; refused before parsing";
    case Refusal::NonAscii:
      return "non-ASCII character outside a string or comment; refused before parsing";
    case Refusal::NonAsciiAfterBackslash:
      return "non-ASCII character right after a line-ending backslash in a multi-line string; "
             "refused before parsing";
  }
  return "refused before parsing";
}

std::string refusal_expected(const ScanProblem& p) {
  switch (p.kind) {
    case Refusal::TooLarge:
    case Refusal::TooDeep:
      return "";
    case Refusal::NonAscii:
      return "non-ASCII text only inside quotes or after #";
    case Refusal::NonAsciiAfterBackslash:
      return "an escape such as \\u00E9 for that first character";
  }
  return "";
}

// toml++ says "Error while parsing X: why"; make it read as a syntax error.
std::string syntax_problem(std::string_view description) {
  std::string d(description);
  const std::string prefix = "Error while parsing ";
  if (d.rfind(prefix, 0) == 0) return "syntax error while parsing " + d.substr(prefix.size());
  return "syntax error: " + d;
}

std::string syntax_expected(std::string_view description, std::string_view text, std::size_t line,
                            std::size_t column) {
  if (description.find("could not determine value type") == std::string_view::npos || line == 0 || column == 0)
    return "";
  // The error's line, then the value from the error's column to a comment,
  // the end of an inline item or the line's end.
  std::size_t begin = 0;
  for (std::size_t l = 1; l < line; ++l) {
    begin = text.find('\n', begin);
    if (begin == std::string_view::npos) return "";
    ++begin;
  }
  std::string_view rest = text.substr(begin);
  rest = rest.substr(0, rest.find('\n'));
  // toml++ counts columns in code points: skip column - 1 of them.
  std::size_t at = 0;
  for (std::size_t skipped = 0; at < rest.size() && skipped < column - 1; ++skipped)
    do ++at; while (at < rest.size() && (static_cast<unsigned char>(rest[at]) & 0xC0) == 0x80);
  if (at >= rest.size()) return "";
  rest = rest.substr(at);
  rest = rest.substr(0, rest.find_first_of("#,]}"));  // a comment, or the next item of an inline table or array
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r')) rest.remove_suffix(1);
  // A word (a letter first) that TOML does not know as a value is text.
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (rest.empty() || !letter(rest.front())) return "";
  if (rest.size() > 60) return "text in double quotes";
  if (rest.find('"') != std::string_view::npos) return "text in double quotes";
  return "text in double quotes: \"" + std::string(rest) + "\"";
}

std::optional<toml::table> parse_document(std::string_view text, const std::string& name,
                                          std::vector<Diagnostic>& diags) {
  if (auto refused = prescan(text, kMaxScenarioBytes)) {
    add(diags, {name, refused->line, refused->column}, "", refusal_problem(*refused), refusal_expected(*refused));
    return std::nullopt;
  }
  try {
    return toml::parse(text, std::string_view(name));
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    add(diags, {name, static_cast<int>(at.line), static_cast<int>(at.column)}, "", syntax_problem(e.description()),
        syntax_expected(e.description(), text, at.line, at.column));
    return std::nullopt;
  }
}

std::optional<SetValueProblem> parse_set_value(const std::string& value, bool bare_text, toml::table& holder) {
  using P = SetValueProblem;
  if (value.find_first_of("\r\n") != std::string::npos || value.size() > kMaxSetValueBytes)
    return P{"value must be one line of at most 64 KiB", ""};
  if (bare_text && (value.empty() || (value[0] != '"' && value[0] != '\''))) {
    // Taken as it stands, so checked here as toml++ checks a quoted one.
    if (const auto bad = check_text(value))
      return P{"character " + std::to_string(bad->column) + ": " + bad->problem, "UTF-8 text"};
    holder.insert("v", value);
    return std::nullopt;
  }
  const std::string text = "v = " + value;
  if (auto refused = prescan(text, kMaxSetValueBytes + 8)) {
    return P{refused->kind == Refusal::TooDeep ? "value nested deeper than " + std::to_string(kMaxNesting) + " levels"
                                               : "cannot read " + quoted(value) + " as a TOML value",
             ""};
  }
  try {
    holder = toml::parse(text);
  } catch (const toml::parse_error&) {
    return P{"cannot read " + quoted(value) + " as a TOML value", ""};
  }
  if (holder.size() != 1 || !holder.get("v")) return P{"cannot read " + quoted(value) + " as one TOML value", ""};
  return std::nullopt;
}

}  // namespace ds::loader
