// What the command line says when the parser refuses it: the commands there
// are, the option or command the user most likely meant, and `compare` for
// two scenario files given to `run` (issue 13). The parser (CLI11, in
// main.cpp) describes its commands in CommandInfo; what is said is decided
// here, without the parser, so that it can be tested alone.
#pragma once

#include <string>
#include <vector>

namespace ds {

struct CommandInfo {
  std::string name;
  std::string description;
  std::vector<std::string> options;        // every spelling: "--out", "-o"
  std::vector<std::string> value_options;  // the spellings that take the next word as their value
  int max_positionals = 1;                 // files it takes; -1: any number
};

// One line per command: its name and what it does.
std::string command_list(const std::vector<CommandInfo>& commands);

// A message for the refused command line `args` (args[0] is the program),
// naming what was meant where it can be told: no command given, an unknown
// command or option (with the nearest known one), more files than the command
// takes (`run a.toml b.toml` points to `compare`). "" when none of these
// applies, and the parser's own message stands.
std::string command_line_hint(const std::vector<std::string>& args, const std::vector<CommandInfo>& commands);

}  // namespace ds
