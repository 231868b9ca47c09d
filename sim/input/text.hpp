// Text the program reads and writes is UTF-8: a check for input files (with
// the line and column of the first bad byte), and the escapes that keep a
// message or a JSON string readable and valid whatever bytes reach it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ds {

// The length of the well-formed UTF-8 sequence starting at s[i] (1-4), or 0
// when none starts there (a stray continuation byte, an overlong form, a
// surrogate, a code point past U+10FFFF, or a sequence cut short).
std::size_t utf8_length_at(std::string_view s, std::size_t i);

// The first reason `text` is not UTF-8 text a person wrote: a UTF-16 or
// UTF-32 byte-order mark, a NUL byte, a byte that is not UTF-8, or line
// endings of a lone carriage return. Columns count characters, as the TOML
// loader's do.
struct TextProblem {
  int line = 0;
  int column = 0;
  std::string problem;   // e.g. "byte 0xE9 is not UTF-8"
  std::string expected;  // e.g. "UTF-8 text (save the file as UTF-8)"
};
std::optional<TextProblem> check_text(std::string_view text);

// `s` with control characters and bytes that are not UTF-8 written as
// escapes (\t, \r, \x00 ... \xFF): safe to print to a terminal.
std::string printable(std::string_view s);

// One shell word that a POSIX shell reads back as `s` (for command lines).
std::string shell_quote(std::string_view s);

// The program as the user invoked it, for the commands its messages suggest
// (`... sweep FILE --out DIR --resume`, `... params`), so that each works as
// printed: argv[0] as typed (build/release/sim/districtsim, or districtsim
// when found on PATH), shell-quoted. "districtsim" until main sets it.
void set_program_command(std::string_view argv0);
const std::string& program_command();

// A file a user gives (a scenario, a sweep, a schools file), read whole but
// bounded: at most `limit` bytes; larger files are refused unread (a pipe or
// device: read up to `limit` + 1 bytes, then refused). A pipe or FIFO with
// nothing to read for kPipeWaitSeconds is refused rather than waited on
// forever. On failure `error` says why ("no such file or directory", ...).
inline constexpr int kPipeWaitSeconds = 10;
bool read_limited(const std::filesystem::path& path, std::uintmax_t limit, std::string& text,
                  std::string& error, int wait_seconds = kPipeWaitSeconds);

// The whole of a file the program wrote itself (a manifest, a sweep's
// definition and invocation) or the system keeps (/proc/meminfo), read as
// bytes; nullopt when it cannot be opened. Files a user gives go through
// read_limited instead.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

}  // namespace ds
