#include "input/diagnostic.hpp"

#include "input/text.hpp"

namespace ds {

std::string Diagnostic::to_string() const {
  std::string out = file;
  // (+= piece by piece: GCC 12's -Wrestrict misreads ":" + std::string here)
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
    out += ':';
    out += std::to_string(column);
  }
  out += ": ";
  if (!key.empty()) {
    out += key;
    out += ": ";
  }
  out += problem;
  if (!expected.empty()) {
    out += " (expected ";
    out += expected;
    out += ')';
  }
  return printable(out);
}

}  // namespace ds
