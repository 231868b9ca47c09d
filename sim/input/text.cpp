#include "input/text.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ds {

std::size_t utf8_length_at(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = at(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) n = 2;
  else if (c == 0xE0) n = 3, lo = 0xA0;           // no overlong forms
  else if (c >= 0xE1 && c <= 0xEC) n = 3;
  else if (c == 0xED) n = 3, hi = 0x9F;           // no surrogates
  else if (c >= 0xEE && c <= 0xEF) n = 3;
  else if (c == 0xF0) n = 4, lo = 0x90;           // no overlong forms
  else if (c >= 0xF1 && c <= 0xF3) n = 4;
  else if (c == 0xF4) n = 4, hi = 0x8F;           // nothing past U+10FFFF
  else return 0;
  if (i + n > s.size()) return 0;
  if (at(i + 1) < lo || at(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
  return n;
}

namespace {

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return buf;
}

}  // namespace

std::optional<TextProblem> check_text(std::string_view text) {
  const std::string save = "UTF-8 text; save the file as UTF-8";
  const auto starts = [&](std::string_view bom) { return text.substr(0, bom.size()) == bom; };
  // UTF-32 first: its little-endian mark begins with UTF-16's.
  if (starts(std::string_view("\xFF\xFE\0\0", 4)) || starts(std::string_view("\0\0\xFE\xFF", 4)))
    return TextProblem{1, 1, "the file is UTF-32 text", save};
  if (starts("\xFF\xFE") || starts("\xFE\xFF")) return TextProblem{1, 1, "the file is UTF-16 text", save};
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0)
      return TextProblem{line, column, "a NUL byte (a binary file, or UTF-16 text without a byte-order mark)",
                         save};
    if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))
      return TextProblem{line, column, "a line ends in a lone carriage return (old Mac line endings)",
                         "lines ending in LF or CR LF"};
    const std::size_t n = utf8_length_at(text, i);
    if (n == 0) return TextProblem{line, column, "byte " + hex_byte(c) + " is not UTF-8", save};
    if (c == '\n') ++line, column = 1;
    else ++column;
    i += n;
  }
  return std::nullopt;
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  char buf[8];
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length_at(s, i);
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (n == 0 || c < 0x20 || c == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      // C1 control characters (U+0080..U+009F) move terminals too.
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned char>(s[i + 1]));
      out += buf;
    } else {
      out.append(s.substr(i, n));
    }
    i += n == 0 ? 1 : n;
  }
  return out;
}

std::string shell_quote(std::string_view s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("_-+=./:,@%", c) != nullptr;
  });
  if (plain) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

namespace {
std::string& program_command_storage() {
  static std::string command = "districtsim";
  return command;
}
}  // namespace

void set_program_command(std::string_view argv0) {
  if (!argv0.empty()) program_command_storage() = shell_quote(argv0);
}

const std::string& program_command() { return program_command_storage(); }

// Reads at most `limit` bytes; anything larger is refused unread (a scenario
// is a few kilobytes, a huge file is a mistake or an attack). Also works for
// files whose size the file system does not know (pipes, /dev/zero).
bool read_limited(const std::filesystem::path& path, std::uintmax_t limit, std::string& text, std::string& error,
                  int wait_seconds) {
  std::error_code ec;
  const std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (st.type() == std::filesystem::file_type::not_found) {
    error = "no such file or directory";
    return false;
  }
  if (st.type() == std::filesystem::file_type::directory) {
    error = "is a directory";
    return false;
  }
  const bool regular = st.type() == std::filesystem::file_type::regular;
  if (regular) {
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (!ec && size > limit) {
      error = "file is " + std::to_string(size) + " bytes, over the limit of " +
              std::to_string(limit) + " bytes (1 MiB); refused before parsing";
      return false;
    }
  }
  // A pipe, a named pipe (FIFO) or a device is opened without blocking and
  // read only when poll says there is something to read, within a wait
  // limit: opening a FIFO nobody writes to would otherwise block forever (and
  // a non-blocking read of one would take "no writer yet" for an empty
  // file). A device like /dev/zero is read no further than the limit plus
  // one byte.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (regular ? 0 : O_NONBLOCK));
  if (fd < 0) {
    error = std::strerror(errno);
    if (!error.empty())
      error[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(error[0])));
    return false;
  }
  text.clear();
  char buf[65536];
  bool failed = false;
  while (text.size() <= limit) {
    if (!regular) {
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, wait_seconds * 1000);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) {
        failed = true;
        break;
      }
      if (ready == 0) {
        ::close(fd);
        error = "nothing to read for " + std::to_string(wait_seconds) +
                " s (a named pipe that nobody writes to?)";
        return false;
      }
    }
    const ssize_t got = ::read(fd, buf, std::min<std::uintmax_t>(sizeof buf, limit + 1 - text.size()));
    if (got > 0) {
      text.append(buf, static_cast<std::size_t>(got));
      continue;
    }
    if (got == 0) break;  // end of file (a pipe: every writer closed it)
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
    failed = true;
    break;
  }
  ::close(fd);
  if (failed) {
    error = "read error";
    return false;
  }
  if (text.size() > limit) {
    error = "file is over the limit of " + std::to_string(limit) + " bytes (1 MiB); refused";
    return false;
  }
  return true;
}

std::optional<std::string> read_whole_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

}  // namespace ds
