// The command line: exit status, where messages go, and that bad input
// writes nothing. Runs the real districtsim binary.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "model/params.hpp"
#include "support.hpp"

using namespace ds::test;
using ds::shell_quote;
namespace fs = std::filesystem;

TEST_CASE("run: a bad scenario exits 2 with diagnostics and writes nothing", "[cli]") {
  TempDir dir;
  write_file(dir / "bad.toml", "[scenario]\nyears = 8\n[strategy]\npacee = 0.3\n");
  const fs::path out = dir / "results";
  const CommandResult r =
      run_districtsim({"run", (dir / "bad.toml").string(), "--out", out.string()});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "bad.toml"));
  CHECK(contains(r.err, "pacee"));
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(out));
  CHECK(entries(dir.path()) == 1);  // no staging directory left either
}

TEST_CASE("run: a missing scenario file exits 2", "[cli]") {
  TempDir dir;
  const CommandResult r =
      run_districtsim({"run", (dir / "nope.toml").string(), "--out", (dir / "results").string()});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "nope.toml"));
  CHECK(entries(dir.path()) == 0);
}

TEST_CASE("run: a bad --set exits 2 and writes nothing", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  const CommandResult r = run_districtsim({"run", (dir / "s.toml").string(), "--out",
                                           (dir / "results").string(), "--set", "strategy.nope=1"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "strategy.nope"));
  CHECK_FALSE(fs::exists(dir / "results"));
}

TEST_CASE("run: bad flags exit 2 and write nothing", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  const std::string s = (dir / "s.toml").string();
  const std::string out = (dir / "results").string();
  const std::vector<std::vector<std::string>> cases = {
      {"run", s, "--out", out, "--threads", "0"},
      {"run", s, "--out", out, "--replications", "0"},
      {"run", s, "--out", out, "--replications", "many"},
      {"run", s, "--out", out, "--seed", "-5"},
      {"run", s, "--out", out, "--seed", "18446744073709551616"},  // 2^64: was clamped silently
      {"run", s, "--out", out, "--seed", "99999999999999999999999"},
      {"run", s, "--out", out, "--no-such-flag"},
      {"run", s},  // --out is required
      {"run", "--out", out},
      {"frobnicate"},
      {},
  };
  for (const auto& args : cases) {
    const CommandResult r = run_districtsim(args);
    INFO("args: " << (args.empty() ? std::string("(none)") : args.back()));
    CHECK(r.status == 2);
    CHECK_FALSE(r.err.empty());
    CHECK_FALSE(fs::exists(out));
  }
}

TEST_CASE("command line: the program says what was meant", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  const std::string s = (dir / "s.toml").string();
  const std::string out = (dir / "results").string();
  // No command: the commands, each with what it does.
  const CommandResult none = run_districtsim({});
  CHECK(none.status == 2);
  CHECK(contains(none.err, "which command?"));
  for (const char* c : {"run", "compare", "validate", "params", "sweep", "merge", "report"})
    CHECK(contains(none.err, std::string("\n  ") + c + " "));
  const CommandResult slip = run_districtsim({"comapre", s, s});
  CHECK(slip.status == 2);
  CHECK(contains(slip.err, "did you mean `compare`?"));
  // An option misspelled: the nearest of the command's own.
  const CommandResult option = run_districtsim({"run", s, "--out", out, "--replicates", "3"});
  CHECK(option.status == 2);
  CHECK(contains(option.err, "unknown option `--replicates`; did you mean `--replications`?"));
  // Two scenarios to run: compare, as a command that can be copied.
  const CommandResult two = run_districtsim({"run", s, s, "--out", out});
  CHECK(two.status == 2);
  CHECK(contains(two.err, "districtsim compare " + s + " " + s + " --out DIR"));
  CHECK_FALSE(fs::exists(out));
  // Unquoted text in a scenario file: the quoting hint.
  write_file(dir / "t.toml", "[scenario]\nname = build\n");
  const CommandResult text = run_districtsim({"validate", (dir / "t.toml").string()});
  CHECK(text.status == 2);
  CHECK(contains(text.err, "t.toml:2:8: syntax error"));
  CHECK(contains(text.err, "(expected text in double quotes: \"build\")"));
}

TEST_CASE("run: a seed beyond 64 bits is refused with the range, the largest is taken", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  const std::string s = (dir / "s.toml").string();
  const CommandResult over =
      run_districtsim({"run", s, "--out", (dir / "a").string(), "--seed", "18446744073709551616", "-q"});
  CHECK(over.status == 2);
  CHECK(contains(over.err, "from 0 to 18446744073709551615"));
  const CommandResult max = run_districtsim(
      {"run", s, "--out", (dir / "b").string(), "--seed", "018446744073709551615", "-n", "1", "-q"});
  INFO(max.err);
  CHECK(max.status == 0);
  CHECK(contains(read_file(dir / "b" / "manifest.json"), "18446744073709551615"));
  // Decimal, whatever the leading zeros ("010" was read as octal 8).
  REQUIRE(run_districtsim({"run", s, "--out", (dir / "c").string(), "--seed", "010", "-n", "1", "-q"}).status == 0);
  REQUIRE(run_districtsim({"run", s, "--out", (dir / "d").string(), "--seed", "10", "-n", "1", "-q"}).status == 0);
  CHECK(read_file(dir / "c" / "runs.csv") == read_file(dir / "d" / "runs.csv"));
}

TEST_CASE("run: an existing non-empty output directory needs --force", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  const fs::path out = dir / "results";
  fs::create_directory(out);
  write_file(out / "keep.txt", "precious");
  const std::vector<std::string> base = {
      "run", (dir / "s.toml").string(), "--out", out.string(), "--threads", "2"};

  const CommandResult refused = run_districtsim(base);
  CHECK(refused.status == 2);
  CHECK(contains(refused.err, "--force"));
  CHECK(read_file(out / "keep.txt") == "precious");
  CHECK(entries(out) == 1);
  CHECK(entries(dir.path()) == 2);

  // --force replaces previous results only, not any directory.
  std::vector<std::string> forced = base;
  forced.push_back("--force");
  const CommandResult not_results = run_districtsim(forced);
  CHECK(not_results.status == 2);
  CHECK(contains(not_results.err, "manifest.json"));
  CHECK(read_file(out / "keep.txt") == "precious");

  write_file(out / "manifest.json", "{}");
  const CommandResult replaced = run_districtsim(forced);
  INFO(replaced.err);
  CHECK(replaced.status == 0);
  CHECK_FALSE(fs::exists(out / "keep.txt"));
  CHECK(fs::exists(out / "manifest.json"));
  CHECK(entries(dir.path()) == 2);  // the old results went away, no staging left
}

TEST_CASE("run: an empty output directory is used without --force", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  fs::create_directory(dir / "results");
  const CommandResult r = run_districtsim(
      {"run", (dir / "s.toml").string(), "--out", (dir / "results").string(), "--quiet"});
  CHECK(r.status == 0);
  CHECK(r.out.empty());
  CHECK(fs::exists(dir / "results" / "summary.csv"));
}

TEST_CASE("run: prints key outcomes and where the results are", "[cli]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  const fs::path out = dir / "nested" / "results";
  const CommandResult r =
      run_districtsim({"run", (dir / "s.toml").string(), "--out", out.string(), "-n", "5", "--set",
                       "strategy.bundling=0.9", "--threads", "2"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  for (const char* part : {"capacity_index", "self_sufficiency", "equity_gap", "spend_per_teacher",
                           "initiative_active", "year 3", "year 5", "year 8", "results in"})
    CHECK(contains(r.out, part));
  CHECK_FALSE(contains(r.out, "year 10"));  // horizon is 8
  CHECK(contains(r.out, out.string()));
  for (const char* f :
       {"trajectories.csv", "summary.csv", "runs.csv", "schools.csv", "manifest.json"})
    CHECK(fs::exists(out / f));
  CHECK(lines_of(read_file(out / "runs.csv")).size() == 1 + 5);
  const auto manifest = nlohmann::json::parse(read_file(out / "manifest.json"));
  CHECK(manifest["replications"] == 5);
  CHECK(manifest["scenario"]["strategy.bundling"] == 0.9);
  CHECK(manifest["overrides"] == nlohmann::json::array({"strategy.bundling=0.9"}));
}

TEST_CASE("validate: ok files and files with problems", "[cli]") {
  TempDir dir;
  write_file(dir / "good.toml", small_scenario_toml());
  write_file(dir / "bad.toml", "[district]\nschools = 5\nschoolz = 3\n");
  const std::string good = (dir / "good.toml").string();
  const std::string bad = (dir / "bad.toml").string();

  const CommandResult ok = run_districtsim({"validate", good});
  CHECK(ok.status == 0);
  CHECK(contains(ok.out, good + ": ok"));

  const CommandResult mixed = run_districtsim({"validate", good, bad});
  CHECK(mixed.status == 2);
  CHECK(contains(mixed.out, good + ": ok"));
  CHECK_FALSE(contains(mixed.out, bad + ": ok"));
  CHECK(contains(mixed.err, "bad.toml"));
  CHECK(contains(mixed.err, "schoolz"));

  CHECK(run_districtsim({"validate"}).status == 2);
  CHECK(entries(dir.path()) == 2);  // validate writes nothing
}

// A script run by bash (pipes, process substitution).
CommandResult run_bash(const std::string& script) { return run_shell("bash -c " + shell_quote(script)); }

TEST_CASE("validate reads a pipe, a FIFO or a device exactly as run does", "[cli][validate]") {
  TempDir dir;
  const std::string bin = shell_quote(DISTRICTSIM_BINARY);
  const std::string bad = shell_quote("[scenario]\nyears = 999\n");
  // A pipe and a process substitution: validate said "ok" (a first look at
  // the file to tell a sweep from a scenario had consumed it); run refused.
  for (const std::string& script :
       {"printf " + bad + " | " + bin + " validate /dev/stdin", bin + " validate <(printf " + bad + ")",
        bin + " run <(printf " + bad + ") --out " + shell_quote((dir / "r").string())}) {
    INFO(script);
    const CommandResult r = run_bash(script);
    CHECK(r.status == 2);
    CHECK(contains(r.err, ":2:9: scenario.years: value 999 is out of range"));
    CHECK_FALSE(contains(r.out, "ok"));
  }
  // A sweep through a pipe is still read as a sweep.
  const CommandResult sweep = run_bash(
      "printf " +
      shell_quote("[sweep]\nscenario = \"" + std::string(DISTRICTSIM_SOURCE_DIR) +
                  "/scenarios/reference.toml\"\ndesign = \"grid\"\nreplicates = 2\n") +
      " | " + bin + " validate /dev/stdin");
  CHECK(sweep.status == 2);
  CHECK(contains(sweep.err, "replicates"));
  // /dev/zero: grew to gigabytes before refusing; now read to the limit only.
  const CommandResult zero = run_districtsim({"validate", "/dev/zero"});
  CHECK(zero.status == 2);
  CHECK(contains(zero.err, "/dev/zero: cannot read file: file is over the limit of 1048576 bytes"));
  // A FIFO with a writer is read like any file.
  const fs::path fifo = dir / "fifo.toml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const CommandResult fed =
      run_bash("(printf " + bad + " > " + shell_quote(fifo.string()) + " &) ; " + bin + " validate " +
               shell_quote(fifo.string()));
  CHECK(fed.status == 2);
  CHECK(contains(fed.err, "fifo.toml:2:9: scenario.years: value 999 is out of range"));
}

TEST_CASE("a FIFO nobody writes to is refused after a wait, not waited on forever", "[cli][validate][slow]") {
  TempDir dir;
  const fs::path fifo = dir / "schools.csv";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  write_file(dir / "s.toml", "[district]\nschools_file = \"schools.csv\"\n");
  for (const std::string& cmd : {std::string("validate"), std::string("run")}) {
    std::vector<std::string> args = {cmd, (dir / "s.toml").string()};
    if (cmd == "run") args.insert(args.end(), {"--out", (dir / "r").string()});
    const CommandResult r = run_districtsim(args);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "cannot read \"" + fifo.string() +
                              "\": nothing to read for 10 s (a named pipe that nobody writes to?)"));
    CHECK_FALSE(fs::exists(dir / "r"));
  }
}

TEST_CASE("params lists every parameter, --markdown gives a table", "[cli]") {
  const CommandResult text = run_districtsim({"params"});
  CHECK(text.status == 0);
  for (const auto& p : ds::scenario_params()) CHECK(contains(text.out, p.key));
  CHECK(contains(text.out, "partners[].cost_per_coach_year"));
  CHECK(contains(text.out, "events[].magnitude"));

  const CommandResult md = run_districtsim({"params", "--markdown"});
  CHECK(md.status == 0);
  CHECK(md.out.rfind("| key | default | range | unit | meaning | source |", 0) == 0);
  CHECK(contains(md.out, "| `strategy.pace` | 0.5 | 0..1 |"));
}

TEST_CASE("version and help flags exit 0", "[cli]") {
  const CommandResult v = run_districtsim({"--version"});
  CHECK(v.status == 0);
  CHECK(contains(v.out, std::string("districtsim ") + DISTRICTSIM_VERSION));
  CHECK(contains(v.out, "report support: "));
  const CommandResult h = run_districtsim({"run", "--help"});
  CHECK(h.status == 0);
  CHECK(contains(h.out, "--replications"));
}

TEST_CASE("run --report builds report.html, report refuses a non-output directory", "[cli][report]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  const fs::path out = dir / "results";
  const CommandResult r = run_districtsim(
      {"run", (dir / "s.toml").string(), "--out", out.string(), "--replications", "3", "--quiet", "--report"});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(fs::exists(out / "report.html"));
  const CommandResult bad = run_districtsim({"report", dir.path().string()});
  CHECK(bad.status == 2);
  CHECK(contains(bad.err, "not a districtsim output"));
}

TEST_CASE("run and compare --dry-run time a few runs and write nothing", "[cli][progress]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  const std::string out = (dir / "out").string();
  const CommandResult r = run_districtsim({"run", (dir / "s.toml").string(), "--out", out, "-n", "50", "--dry-run"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, " 50 replications, "));
  // At least the first batch (6 runs), then more while the time budget
  // lasts: all 50 of these small runs on most machines, never more.
  const std::size_t at = r.out.find("calibration: ");
  REQUIRE(at != std::string::npos);
  const int timed = std::stoi(r.out.substr(at + 13));
  CHECK(timed >= 6);
  CHECK(timed <= 50);
  CHECK(contains(r.out, " runs timed on "));
  CHECK(contains(r.out, "estimated duration on "));
  CHECK(contains(r.out, "(dry run: nothing written)"));
  CHECK(contains(r.out, "estimated peak memory "));
  CHECK_FALSE(std::filesystem::exists(out));
  std::string other = small_scenario_toml();
  other.replace(other.find("determinism"), 11, "other");
  write_file(dir / "o.toml", other);
  const CommandResult c = run_districtsim({"compare", (dir / "s.toml").string(), (dir / "o.toml").string(), "--out",
                                           out, "-n", "2", "-j", "1", "--dry-run"});
  CHECK(c.status == 0);
  CHECK(contains(c.out, "2 scenarios, 2 replications each (4 runs)"));
  CHECK(contains(c.out, "calibration: 4 runs timed on 1 thread"));
  CHECK_FALSE(std::filesystem::exists(out));
  // A folder the run could not write to is refused by the dry run too.
  std::filesystem::create_directories(out);
  write_file(std::filesystem::path(out) / "keep.txt", "mine");
  const CommandResult busy = run_districtsim({"run", (dir / "s.toml").string(), "--out", out, "--dry-run"});
  CHECK(busy.status == 2);
  CHECK(contains(busy.err, "not empty"));
}

TEST_CASE("run: a long run says so first, and Ctrl-C says what was lost and how not to lose it", "[cli][progress][kill]") {
  TempDir dir;
  const std::string out = (dir / "out").string();
  const std::string scenario = std::string(DISTRICTSIM_SOURCE_DIR) + "/scenarios/reference.toml";
  const pid_t pid = spawn_districtsim({"run", scenario, "--out", out, "-n", "100000", "-j", "2", "--no-resource-check"},
                                      dir / "out.txt", dir / "err.txt");
  // The notice comes from the first warm runs, long before the end.
  std::string err;
  for (int i = 0; i < 600 && !contains(err, "to go for"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    err = read_file(dir / "err.txt");
  }
  ::kill(pid, SIGINT);
  CHECK(wait_exit(pid) == 130);
  err = read_file(dir / "err.txt");
  INFO(err);
  CHECK(contains(err, "run: about "));
  CHECK(contains(err, " to go for 100000 replications on 2 threads; Ctrl-C stops it with nothing written"));
  CHECK(contains(err, "districtsim: run interrupted after "));
  CHECK(contains(err, " of 100000 replications; nothing written"));
  CHECK(contains(err, "--dry-run"));
  CHECK_FALSE(std::filesystem::exists(out));
}
