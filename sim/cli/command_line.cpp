#include "cli/command_line.hpp"

#include <algorithm>

#include "input/loader_support.hpp"
#include "input/text.hpp"

namespace ds {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string backquoted(const std::string& s) { return "`" + s + "`"; }

}  // namespace

std::string command_list(const std::vector<CommandInfo>& commands) {
  std::size_t width = 0;
  for (const auto& c : commands) width = std::max(width, c.name.size());
  std::string out;
  for (const auto& c : commands)
    out += "  " + c.name + std::string(width - c.name.size() + 2, ' ') + c.description + "\n";
  return out;
}

std::string command_line_hint(const std::vector<std::string>& args, const std::vector<CommandInfo>& commands) {
  std::vector<std::string> names;
  for (const auto& c : commands) names.push_back(c.name);
  const std::string choose = "\n\nCommands:\n" + command_list(commands) + "Run `" + program_command() + " COMMAND --help` for its options.";
  // The command: the first word that is not an option (the program's own
  // options, --help and --version, take no value).
  std::size_t at = 1;
  while (at < args.size() && !args[at].empty() && args[at][0] == '-') ++at;
  if (at >= args.size()) return "districtsim: which command? It needs one." + choose;
  const std::string& word = args[at];
  const auto cmd = std::find_if(commands.begin(), commands.end(), [&](const CommandInfo& c) { return c.name == word; });
  if (cmd == commands.end())
    return "districtsim: unknown command " + backquoted(word) + loader::did_you_mean(loader::closest(word, names)) + choose;

  const std::string who = "districtsim " + cmd->name + ": ";
  const std::string help = "\nRun `" + program_command() + " " + cmd->name + " --help` for its options.";
  std::vector<std::string> files;
  for (std::size_t i = at + 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {  // everything after is a file
      files.insert(files.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      files.push_back(a);
      continue;
    }
    // --name=value, -j4: the option's name is what comes before the value.
    std::string name = a.substr(0, a.find('='));
    if (name.size() > 2 && name[1] != '-') name = name.substr(0, 2);
    if (!contains(cmd->options, name))
      return who + "unknown option " + backquoted(name) + loader::did_you_mean(loader::closest(name, cmd->options)) +
             help;
    if (contains(cmd->value_options, name) && name == a) ++i;  // its value is the next word
  }
  if (cmd->max_positionals >= 0 && static_cast<int>(files.size()) > cmd->max_positionals) {
    std::string list;
    for (const auto& f : files) list += (list.empty() ? "" : " ") + f;
    if (cmd->name == "run" && contains(names, "compare"))
      return who + "runs one scenario, and was given " + std::to_string(files.size()) + " (" + list +
             "); to compare scenarios with common random numbers, the first as the baseline: " +
             program_command() + " compare " + list + " --out DIR";
    return who + "takes " + std::to_string(cmd->max_positionals) + " file" +
           (cmd->max_positionals == 1 ? "" : "s") + ", and was given " + std::to_string(files.size()) + " (" + list +
           ")" + help;
  }
  return "";
}

}  // namespace ds
