// The command line's own messages (sim/cli/command_line.*): what it says when the
// parser refuses a command line, decided without the parser.
#include <catch2/catch.hpp>

#include "cli/command_line.hpp"
#include "input/text.hpp"
#include "support.hpp"

using ds::CommandInfo;
using ds::command_line_hint;
using ds::test::contains;

namespace {

std::vector<CommandInfo> commands() {
  return {
      {"run", "Run a scenario", {"-h", "--help", "--out", "-o", "--replications", "-n", "--quiet", "-q"},
       {"--out", "-o", "--replications", "-n"}, 1},
      {"compare", "Compare scenarios", {"-h", "--help", "--out"}, {"--out"}, -1},
      {"report", "Turn a results directory into a report", {"-h", "--help", "--png"}, {}, 1},
  };
}

std::string hint(std::vector<std::string> args) {
  args.insert(args.begin(), "districtsim");
  return command_line_hint(args, commands());
}

}  // namespace

TEST_CASE("command line: no command lists the commands", "[cli]") {
  for (const auto& args : {std::vector<std::string>{}, std::vector<std::string>{"--quiet"}}) {
    const std::string h = hint(args);
    CHECK(contains(h, "which command?"));
    CHECK(contains(h, "  run      Run a scenario\n"));
    CHECK(contains(h, "  compare  Compare scenarios\n"));
    CHECK(contains(h, "  report   Turn a results directory into a report\n"));
  }
}

TEST_CASE("command line: an unknown command, with the nearest when it is a plausible slip", "[cli]") {
  const std::string slip = hint({"comapre", "a.toml", "b.toml"});
  CHECK(contains(slip, "unknown command `comapre`; did you mean `compare`?"));
  CHECK(contains(slip, "Commands:"));
  const std::string unknown = hint({"frobnicate"});
  CHECK(contains(unknown, "unknown command `frobnicate`"));
  CHECK_FALSE(contains(unknown, "did you mean"));
}

TEST_CASE("command line: an unknown option, with the nearest of that command's", "[cli]") {
  CHECK(contains(hint({"run", "--replicates", "3", "s.toml", "--out", "o"}),
                 "districtsim run: unknown option `--replicates`; did you mean `--replications`?"));
  // --name=value and -xVALUE are read by their names.
  CHECK(contains(hint({"run", "s.toml", "--replicatons=3"}), "did you mean `--replications`?"));
  CHECK(contains(hint({"run", "s.toml", "-x3"}), "unknown option `-x`"));
  // Another command's option is not suggested.
  CHECK_FALSE(contains(hint({"compare", "a.toml", "b.toml", "--replicates", "3"}), "--replications"));
  // A value that looks like an option is the option's value, not an option.
  CHECK(hint({"run", "s.toml", "--out", "-results"}).empty());
}

TEST_CASE("command line: two scenarios to run point to compare", "[cli]") {
  const std::string h = hint({"run", "a.toml", "--out", "dir", "b.toml"});
  CHECK(contains(h, "districtsim run: runs one scenario, and was given 2 (a.toml b.toml)"));
  CHECK(contains(h, "districtsim compare a.toml b.toml --out DIR"));
  // The value of --out is not a scenario; one file is what run takes.
  CHECK(hint({"run", "a.toml", "--out", "b.toml"}).empty());
  // Another command given too many files says how many it takes.
  CHECK(contains(hint({"report", "a", "b"}), "districtsim report: takes 1 file, and was given 2 (a b)"));
  CHECK(hint({"compare", "a.toml", "b.toml", "c.toml", "--out", "o"}).empty());
}

TEST_CASE("command line: a line the hints cannot improve is left to the parser", "[cli]") {
  CHECK(hint({"run", "s.toml", "--out", "o", "-n", "3"}).empty());
  CHECK(hint({"run", "--out", "o"}).empty());  // the parser says the scenario is missing
}

TEST_CASE("command line: suggested commands name the program as it was invoked", "[cli]") {
  struct Restore {
    ~Restore() { ds::set_program_command("districtsim"); }
  } restore;
  CHECK(ds::program_command() == "districtsim");
  ds::set_program_command("build/release/sim/districtsim");
  CHECK(contains(hint({"run", "a.toml", "b.toml"}), "baseline: build/release/sim/districtsim compare a.toml b.toml"));
  CHECK(contains(hint({}), "Run `build/release/sim/districtsim COMMAND --help`"));
  // A path a shell would split is quoted, so the command works as printed.
  ds::set_program_command("/opt/my tools/districtsim");
  CHECK(ds::program_command() == "'/opt/my tools/districtsim'");
  CHECK(contains(hint({"run", "--replicates", "3"}), "Run `'/opt/my tools/districtsim' run --help`"));
  // No argv[0]: the name.
  ds::set_program_command("districtsim");
  ds::set_program_command("");
  CHECK(ds::program_command() == "districtsim");
}
