#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

#include "output/output.hpp"
#include "input/text.hpp"
#include "model/params.hpp"
#include "support.hpp"

using namespace ds;
using ds::test::lines_of;
using ds::test::read_file;
using ds::test::TempDir;

namespace {

// What append_number appends to an empty line.
std::string format_number(double v) {
  std::string s;
  append_number(s, v);
  return s;
}

MetricTable table_with(const std::vector<int>& years, double base) {
  MetricTable t;
  for (int y : years) {
    const std::size_t row = t.append(y, -1);
    for (int m = 0; m < kMetricCount; ++m) t.row(row)[m] = base + y + 0.01 * m;
  }
  return t;
}

}  // namespace

TEST_CASE("numbers print like %.10g in the C locale", "[output]") {
  CHECK(format_number(0) == "0");
  CHECK(format_number(-0.0) == "0");
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(2.5) == "2.5");
  CHECK(format_number(100) == "100");
  CHECK(format_number(-3) == "-3");
  CHECK(format_number(1.0 / 3.0) == "0.3333333333");
  CHECK(format_number(2.0 / 3.0) == "0.6666666667");
  CHECK(format_number(1e-5) == "1e-05");
  CHECK(format_number(123456789012.0) == "1.23456789e+11");
  CHECK(format_number(1234567890.0) == "1234567890");
  CHECK(format_number(kEmpty).empty());
  // Agrees with printf for a spread of values.
  for (double v : {0.000123456789012, 98765.4321, 1e300, -7.25e-12, 0.5, 17.0}) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    CHECK(format_number(v) == buf);
  }
}

TEST_CASE("CSV fields are quoted only when needed", "[output]") {
  CHECK(csv_field("Lincoln Elementary") == "Lincoln Elementary");
  CHECK(csv_field("Lincoln, North") == "\"Lincoln, North\"");
  CHECK(csv_field("the \"new\" school") == "\"the \"\"new\"\" school\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("") == "");
}

TEST_CASE("printable text escapes control characters and bytes that are not UTF-8", "[output][encoding]") {
  CHECK(ds::printable("caf\xc3\xa9 ok") == "caf\xc3\xa9 ok");
  CHECK(ds::printable("a\rb\tc\x1b[2J") == "a\\rb\\tc\\x1B[2J");
  CHECK(ds::printable(std::string("\xe9\0", 2)) == "\\xE9\\x00");
  CHECK(ds::printable("\xc2\x9b") == "\\u009B");  // a C1 control character
  CHECK(ds::utf8_length_at("\xc0\xaf", 0) == 0);   // overlong '/'
  CHECK(ds::utf8_length_at("\xf4\x90\x80\x80", 0) == 0);  // past U+10FFFF
}

TEST_CASE("shell quoting", "[output]") {
  CHECK(shell_quote("strategy.pace=0.8") == "strategy.pace=0.8");
  CHECK(shell_quote("my file.toml") == "'my file.toml'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("") == "''");
}

TEST_CASE("summary.csv: empty fields where a metric has no values", "[output][stats]") {
  TempDir dir;
  SummaryAccumulator acc(dir / "scratch.bin");
  for (int r = 0; r < 4; ++r) {
    MetricTable t = table_with({0, 1}, r);
    t.row(0)[static_cast<int>(Metric::retained_capacity)] = kEmpty;  // never a value at year 0
    t.row(1)[static_cast<int>(Metric::retained_capacity)] = r == 2 ? 0.5 : kEmpty;
    acc.add(t);
  }
  const Summary s = acc.finish();
  write_summary_csv(dir / "summary.csv", s, false);
  const auto lines = lines_of(read_file(dir / "summary.csv"));
  REQUIRE(lines.size() == 1 + 2 * static_cast<std::size_t>(kMetricCount));
  CHECK(lines[0] == "year,metric,mean,sd,p05,p10,p25,p50,p75,p90,p95");
  // year 0, capacity_index: values 0,1,2,3
  CHECK(lines[1] == "0,capacity_index,1.5,1.290994449,0.15,0.3,0.75,1.5,2.25,2.7,2.85");
  const std::size_t retained = static_cast<std::size_t>(Metric::retained_capacity);
  CHECK(lines[1 + retained] == "0,retained_capacity,,,,,,,,,");
  CHECK(lines[1 + kMetricCount + retained] ==
        "1,retained_capacity,0.5,,0.5,0.5,0.5,0.5,0.5,0.5,0.5");
}

TEST_CASE("summary spilled to disk equals the in-memory summary", "[output][stats]") {
  TempDir dir;
  SummaryAccumulator in_memory(dir / "a.bin");
  SummaryAccumulator spilled(dir / "b.bin", 3 * kMetricCount + 5);  // spills at the 2nd rep
  std::uint64_t x = 88172645463325252ull;                           // xorshift: any values will do
  for (int r = 0; r < 37; ++r) {
    MetricTable t;
    for (int y = 0; y <= 2; ++y) {
      const std::size_t row = t.append(y, -1);
      for (int m = 0; m < kMetricCount; ++m) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        t.row(row)[m] = (x % 1000) == 0 ? kEmpty : static_cast<double>(x % 100000) / 997.0;
      }
    }
    in_memory.add(t);
    spilled.add(t);
  }
  CHECK_FALSE(in_memory.spilled());
  CHECK(spilled.spilled());
  const Summary a = in_memory.finish();
  const Summary b = spilled.finish();
  CHECK_FALSE(std::filesystem::exists(dir / "b.bin"));
  REQUIRE(a.cells.size() == b.cells.size());
  for (std::size_t c = 0; c < a.cells.size(); ++c) {
    CHECK(a.cells[c].n == b.cells[c].n);
    CHECK(a.cells[c].mean == b.cells[c].mean);  // bit-identical: same order, same arithmetic
    CHECK(a.cells[c].sd == b.cells[c].sd);
    CHECK(a.cells[c].q == b.cells[c].q);
  }
}

TEST_CASE("summary refuses replications with different rows", "[output][stats]") {
  TempDir dir;
  SummaryAccumulator acc(dir / "s.bin");
  acc.add(table_with({0, 1, 2}, 0));
  CHECK_THROWS(acc.add(table_with({0, 1}, 0)));
}

TEST_CASE("run writer: trajectories, runs and schools rows", "[output]") {
  TempDir dir;
  Scenario sc;
  sc.meta.years = 2;
  RunWriter w(dir.path(), sc);
  for (std::size_t rep = 0; rep < 2; ++rep) {
    RunResult r;
    r.seed = 1000 + rep;
    r.metrics = table_with({0, 1, 2}, static_cast<double>(rep));
    r.metrics.row(2)[static_cast<int>(Metric::depth_sd)] = kEmpty;
    r.per_run = {3, 0.25, kEmpty, 2};
    r.schools.push_back({"Adams, North", 0.8, 0.3, -1, "waiting", 0, 0, -1, -1, -1, 20, 3, 2});
    r.schools.push_back({"Baker", 0.2, 0.7, 1, "implementing", 0.4, 12, -1, 2, 14, 30, 4, 1});
    w.add(rep, r);
  }
  const Summary s = w.finish();
  CHECK(s.replications == 2);
  CHECK_FALSE(std::filesystem::exists(dir / ".summary-values.bin"));

  const auto traj = lines_of(read_file(dir / "trajectories.csv"));
  REQUIRE(traj.size() == 1 + 2 * 3);
  CHECK(traj[0].rfind("replication,year,capacity_index,teacher_skill_mean,", 0) == 0);
  CHECK(traj[0].size() > 0);
  CHECK(traj[0].substr(traj[0].size() - std::strlen(",failure_sharing")) == ",failure_sharing");
  CHECK(traj[1].rfind("0,0,0,0.01,0.02,", 0) == 0);
  CHECK(traj[4].rfind("1,0,1,1.01,", 0) == 0);
  // 2 leading columns + one per metric
  CHECK(std::count(traj[3].begin(), traj[3].end(), ',') == 1 + kMetricCount);
  CHECK(traj[3].find(",2.06,,2.08,") != std::string::npos);  // depth_sd empty (index 7)

  const auto runs = lines_of(read_file(dir / "runs.csv"));
  REQUIRE(runs.size() == 3);
  CHECK(runs[0].rfind("replication,seed,years_to_sustainability,abandoned_share_early,"
                      "abandoned_share_later,superintendent_changes,capacity_index_final,",
                      0) == 0);
  CHECK(runs[1].rfind("0,1000,3,0.25,,2,2,2.01,", 0) == 0);
  CHECK(runs[2].rfind("1,1001,3,0.25,,2,3,3.01,", 0) == 0);

  const auto schools = lines_of(read_file(dir / "schools.csv"));
  REQUIRE(schools.size() == 5);
  CHECK(schools[0] == "replication,name,need,readiness,launch_year,phase,depth,teachers_routine,abandon_year,full_implementation_year,months_to_full_implementation,teachers,teachers_left,principal_changes");
  CHECK(schools[1] == "0,\"Adams, North\",0.8,0.3,,waiting,0,0,,,,20,3,2");
  CHECK(schools[2] == "0,Baker,0.2,0.7,1,implementing,0.4,12,,2,14,30,4,1");
  CHECK(schools[4] == "1,Baker,0.2,0.7,1,implementing,0.4,12,,2,14,30,4,1");

  const auto summary = lines_of(read_file(dir / "summary.csv"));
  CHECK(summary.size() == 1 + 3 * static_cast<std::size_t>(kMetricCount));
}

TEST_CASE("monthly output adds a month column to trajectories and summary", "[output]") {
  TempDir dir;
  Scenario sc;
  sc.meta.years = 1;
  sc.output.frequency = Frequency::Month;
  RunWriter w(dir.path(), sc);
  RunResult r;
  r.metrics.append(0, -1);
  for (int m = 0; m < 12; ++m) r.metrics.append(1, m);
  w.add(0, r);
  const Summary s = w.finish();
  CHECK(s.year_end_row(1) == 12);
  CHECK(s.year_end_row(0) == 0);
  const auto traj = lines_of(read_file(dir / "trajectories.csv"));
  CHECK(traj[0].rfind("replication,year,month,capacity_index,", 0) == 0);
  CHECK(traj[1].rfind("0,0,,", 0) == 0);
  CHECK(traj[2].rfind("0,1,0,", 0) == 0);
  CHECK(traj[13].rfind("0,1,11,", 0) == 0);
  const auto summary = lines_of(read_file(dir / "summary.csv"));
  CHECK(summary[0].rfind("year,month,metric,mean,sd,p05,", 0) == 0);
  CHECK(summary[1] == "0,,capacity_index,,,,,,,,,");
  CHECK(summary[1 + kMetricCount].rfind("1,0,capacity_index,", 0) == 0);
}

TEST_CASE("output directory: all or nothing", "[output][outdir]") {
  namespace fs = std::filesystem;
  TempDir dir;
  const fs::path target = dir / "results";

  SECTION("a new directory appears only on commit, with its parents") {
    const fs::path nested = dir / "a" / "b" / "results";
    {
      OutputDir out(nested, false);
      CHECK(fs::exists(out.staging()));
      CHECK(out.staging().parent_path() == fs::weakly_canonical(dir / "a" / "b"));
      ds::test::write_file(out.staging() / "x.csv", "x\n");
      CHECK_FALSE(fs::exists(nested));
      out.commit();
    }
    CHECK(read_file(nested / "x.csv") == "x\n");
    CHECK(std::distance(fs::directory_iterator(dir / "a" / "b"), fs::directory_iterator{}) == 1);
  }
  SECTION("an error before commit leaves nothing") {
    fs::path staging;
    try {
      OutputDir out(target, false);
      staging = out.staging();
      ds::test::write_file(out.staging() / "x.csv", "partial");
      throw std::runtime_error("run failed");
    } catch (const std::runtime_error&) {
    }
    CHECK_FALSE(fs::exists(staging));
    CHECK_FALSE(fs::exists(target));
    CHECK(fs::is_empty(dir.path()));
  }
  SECTION("an empty existing directory is fine") {
    fs::create_directory(target);
    CHECK(OutputDir::check(target, false).empty());
    OutputDir out(target, false);
    ds::test::write_file(out.staging() / "x.csv", "new");
    out.commit();
    CHECK(read_file(target / "x.csv") == "new");
  }
  SECTION("force replaces only previous results") {
    fs::create_directory(target);
    ds::test::write_file(target / "notes.txt", "mine");
    CHECK_FALSE(OutputDir::check(target, false).empty());
    CHECK(OutputDir::check(target, true).find("no manifest.json") != std::string::npos);
    CHECK_THROWS(OutputDir(target, true));
    CHECK(read_file(target / "notes.txt") == "mine");
  }
  SECTION("force never replaces the working directory or one above it") {
    fs::create_directories(target / "sub");
    ds::test::write_file(target / "manifest.json", "{}");
    const fs::path cwd = fs::current_path();
    fs::current_path(target / "sub");
    const std::string here = OutputDir::check(".", true);
    const std::string above = OutputDir::check("..", true);
    fs::current_path(cwd);
    CHECK(here.find("current directory") != std::string::npos);
    CHECK(above.find("current directory") != std::string::npos);
  }
  SECTION("a non-empty directory is refused without force, replaced with it") {
    fs::create_directory(target);
    ds::test::write_file(target / "old.csv", "old");
    ds::test::write_file(target / "manifest.json", "{}");
    CHECK_FALSE(OutputDir::check(target, false).empty());
    CHECK_THROWS(OutputDir(target, false));
    CHECK(OutputDir::check(target, true).empty());
    {
      OutputDir out(target, true);
      ds::test::write_file(out.staging() / "x.csv", "new");
      // not committed: the old results stay
    }
    CHECK(read_file(target / "old.csv") == "old");
    {
      OutputDir out(target, true);
      ds::test::write_file(out.staging() / "x.csv", "new");
      out.commit();
    }
    CHECK_FALSE(fs::exists(target / "old.csv"));
    CHECK_FALSE(fs::exists(target / "manifest.json"));
    CHECK(read_file(target / "x.csv") == "new");
    CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}) == 1);
  }
  SECTION("a file in the way is refused") {
    ds::test::write_file(target, "not a directory");
    CHECK_FALSE(OutputDir::check(target, true).empty());
  }
  SECTION("a trailing slash names the same directory") {
    {
      OutputDir out(target.string() + "/", false);
      out.commit();
    }
    CHECK(fs::is_directory(target));
  }
}

TEST_CASE("key outcomes table shows years 3, 5, 10 and the horizon", "[output]") {
  TempDir dir;
  SummaryAccumulator acc(dir / "s.bin");
  std::vector<int> years;
  for (int y = 0; y <= 12; ++y) years.push_back(y);
  for (int r = 0; r < 11; ++r) acc.add(table_with(years, 0.01 * r));
  const Summary s = acc.finish();
  const std::string t = key_outcomes_table(s, 12);
  CHECK(t.find("year 3") != std::string::npos);
  CHECK(t.find("year 5") != std::string::npos);
  CHECK(t.find("year 10") != std::string::npos);
  CHECK(t.find("year 12") != std::string::npos);
  CHECK(t.find("capacity_index") != std::string::npos);
  CHECK(t.find("initiative_active") != std::string::npos);
  // capacity_index at year 3: values 3.00..3.10, median 3.05, p10 3.01, p90 3.09
  CHECK(t.find("3.05 [3.01..3.09]") != std::string::npos);

  const std::string short_run = key_outcomes_table(s, 4);
  CHECK(short_run.find("year 5") == std::string::npos);
  CHECK(short_run.find("year 4") != std::string::npos);
}

TEST_CASE("params listing names every parameter", "[output][params]") {
  const std::string text = params_listing(false);
  const std::string md = params_listing(true);
  for (const auto& p : scenario_params()) {
    CHECK(text.find("  " + p.key + " = ") != std::string::npos);
    CHECK(md.find("| `" + p.key + "` |") != std::string::npos);
  }
  for (const auto& p : partner_fields())
    CHECK(text.find("partners[]." + p.key) != std::string::npos);
  for (const auto& p : event_fields()) CHECK(text.find("events[]." + p.key) != std::string::npos);
  CHECK(md.rfind("| key | default | range | unit | meaning | source |\n|---|", 0) == 0);
}

// ---------------------------------------------------------------- disk faults
// Tagged [fault]: the "faults" ctest label and stage of scripts/test, with
// the sweep's kill and disk-fault tests.

// `run` and `compare` when the output cannot be written: a directory that is
// not writable, and a disk that fills up in the middle of the run (a file
// size limit in the child, RLIMIT_FSIZE, so that writes fail with EFBIG as
// they would fail with ENOSPC on a full disk). Either way: a clear message,
// a non-zero exit, and nothing in the output's place: no directory, no
// staging directory, no truncated CSV.
namespace {

// 10 schools, 8 years of monthly output, 8 replications: trajectories.csv
// alone is about 180 KiB.
std::string monthly_toml(const std::string& name) {
  return test::ScenarioText{.name = name, .monthly = true}.toml();
}

// The folder's entries, sorted, for comparing before and after.
std::vector<std::string> listing(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    names.push_back(std::filesystem::relative(e.path(), dir).string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("run and compare: an output directory that cannot be written", "[output][fault][cli]") {
  namespace fs = std::filesystem;
  TempDir dir;
  test::write_file(dir / "a.toml", monthly_toml("a"));
  test::write_file(dir / "b.toml", monthly_toml("b"));
  fs::create_directory(dir / "locked");
  fs::permissions(dir / "locked", fs::perms::owner_read | fs::perms::owner_exec |
                                      fs::perms::group_read | fs::perms::group_exec |
                                      fs::perms::others_read | fs::perms::others_exec);
  const std::vector<std::string> before = listing(dir.path());
  const std::string a = (dir / "a.toml").string(), b = (dir / "b.toml").string();
  for (const std::string out : {"locked/results", "locked/deeper/results"}) {
    const std::string target = (dir / out).string();
    SECTION("run " + out) {
      const test::CommandResult r =
          test::run_districtsim_in({"run", a, "--out", target, "-q"}, test::unprivileged());
      CHECK(r.status == 2);
      INFO(r.err);
      CHECK(test::contains(r.err, "districtsim: " + target + ": cannot write results: "));
      CHECK(test::contains(r.err, "Permission denied"));
      CHECK_FALSE(test::contains(r.err, ".tmp-"));  // the staging directory is ours, not the user's
    }
    SECTION("compare " + out) {
      const test::CommandResult r =
          test::run_districtsim_in({"compare", a, b, "--out", target, "-q"}, test::unprivileged());
      CHECK(r.status == 2);
      INFO(r.err);
      CHECK(test::contains(r.err, "districtsim: " + target + ": cannot write results: "));
      CHECK(test::contains(r.err, "Permission denied"));
    }
  }
  CHECK(listing(dir.path()) == before);
  fs::permissions(dir / "locked", fs::perms::owner_all);
}

TEST_CASE("run and compare: a disk that fills up mid-run", "[output][fault][cli]") {
  namespace fs = std::filesystem;
  TempDir dir;
  test::write_file(dir / "a.toml", monthly_toml("a"));
  test::write_file(dir / "b.toml", monthly_toml("b"));
  const std::string a = (dir / "a.toml").string(), b = (dir / "b.toml").string();
  const std::string out = (dir / "out").string();
  // 64 KiB: room for the headers and some rows, not for the trajectories.
  test::ChildOptions full;
  full.file_size_limit = 64 * 1024;
  const std::vector<std::string> before = listing(dir.path());
  auto check_failed = [&](const test::CommandResult& r, const std::string& command) {
    INFO(r.err);
    CHECK(r.status == 1);
    CHECK(test::contains(r.err, "districtsim: " + command + " failed: cannot write "));
    CHECK(test::contains(r.err, "File too large"));
    CHECK(test::contains(r.err, "(nothing written to " + out + ")"));
    CHECK(r.out.empty());
    CHECK(listing(dir.path()) == before);  // no output, no staging directory
  };
  SECTION("run") {
    check_failed(test::run_districtsim_in({"run", a, "--out", out, "-q"}, full), "run");
  }
  SECTION("run, with SIGXFSZ at its default") {
    // The program ignores SIGXFSZ itself: a shell's `ulimit -f` gives the
    // same clean failure instead of a kill that leaves the staging behind.
    full.ignore_sigxfsz = false;
    check_failed(test::run_districtsim_in({"run", a, "--out", out, "-q"}, full), "run");
  }
  SECTION("compare") {
    check_failed(test::run_districtsim_in({"compare", a, b, "--out", out, "-q"}, full), "compare");
  }
  SECTION("compare, full while joining the per-scenario files") {
    // Each scenario's own trajectories.csv fits; the joined one does not.
    const std::uint64_t one = [&] {
      const test::CommandResult r =
          test::run_districtsim_in({"run", a, "--out", (dir / "probe").string(), "-q"}, {});
      REQUIRE(r.status == 0);
      const std::uint64_t size = fs::file_size(dir / "probe" / "trajectories.csv");
      fs::remove_all(dir / "probe");
      return size;
    }();
    full.file_size_limit = one * 3 / 2;
    check_failed(test::run_districtsim_in({"compare", a, b, "--out", out, "-q"}, full), "compare");
  }
}

TEST_CASE("run --force: a failed run leaves the previous results intact", "[output][fault][cli]") {
  namespace fs = std::filesystem;
  TempDir dir;
  test::write_file(dir / "a.toml", monthly_toml("a"));
  const std::string a = (dir / "a.toml").string(), out = (dir / "out").string();
  REQUIRE(test::run_districtsim_in({"run", a, "--out", out, "-q"}, {}).status == 0);
  const std::string trajectories = read_file(dir / "out" / "trajectories.csv");
  const std::vector<std::string> before = listing(dir.path());
  test::ChildOptions full;
  full.file_size_limit = 64 * 1024;
  const test::CommandResult r =
      test::run_districtsim_in({"run", a, "--out", out, "-q", "--force", "--seed", "9"}, full);
  CHECK(r.status == 1);
  CHECK(listing(dir.path()) == before);
  CHECK(read_file(dir / "out" / "trajectories.csv") == trajectories);
}

TEST_CASE("output targets: a second writer is refused as in use, naming the first", "[output][outdir][lock][cli]") {
  namespace fs = std::filesystem;
  TempDir dir;
  test::write_file(dir / "a.toml", monthly_toml("a"));
  const std::string a = (dir / "a.toml").string(), out = (dir / "out").string();
  {
    // Two writers of one folder in one process: the second cannot start.
    ds::OutputDir first(dir / "out", false);
    CHECK_THROWS_AS(ds::OutputDir(dir / "out", false), ds::OutputInUse);
  }
  // The lock goes with its holder: the folder can be written again.
  CHECK_NOTHROW(ds::OutputDir(dir / "out", false));

  // Another process (or container, or host) writing the folder: a run there
  // is refused before any work, and what the first has written so far (its
  // staging directory) is left alone. Before, a run from another PID
  // namespace took the first's staging directory for a dead process's and
  // deleted it, and the first lost its results.
  const ds::OutputLock held(dir / "out");
  const fs::path theirs = dir / ".out.tmp-999999";  // a process id not alive here
  fs::create_directory(theirs);
  test::write_file(theirs / "trajectories.csv", "half of it\n");
  const test::CommandResult r = test::run_districtsim_in({"run", a, "--out", out, "-q"}, {});
  CHECK(r.status == 2);
  INFO(r.err);
  CHECK(test::contains(r.err, "districtsim: " + out + ": in use: another districtsim is writing it (host "));
  CHECK(test::contains(r.err, ", process " + std::to_string(::getpid()) + ", since "));
  CHECK(test::contains(r.err, "wait for it to finish, or write to another folder"));
  CHECK(read_file(theirs / "trajectories.csv") == "half of it\n");
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("output targets: a dangling symlink leads to where it points, a mount point is refused before the work",
          "[output][outdir][cli]") {
  namespace fs = std::filesystem;
  TempDir dir;
  test::write_file(dir / "a.toml", monthly_toml("a"));
  const std::string a = (dir / "a.toml").string();
  // `latest -> runs/2026-12-05`, the folder not there yet: the run finished,
  // then "cannot rename: Not a directory" threw its results away.
  fs::create_directory(dir / "runs");
  fs::create_directory_symlink("runs/2026-12-05", dir / "latest");
  const test::CommandResult r =
      test::run_districtsim_in({"run", a, "--out", (dir / "latest").string(), "-q"}, {});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(fs::is_symlink(dir / "latest"));
  CHECK(fs::exists(dir / "runs" / "2026-12-05" / "manifest.json"));
  CHECK(fs::exists(dir / "latest" / "trajectories.csv"));

  // An empty mount point (a container volume): rename onto it fails with
  // "Device or resource busy" after the work; now refused before it.
  fs::create_directory(dir / "volume");
  const std::string mount = "mount -t tmpfs districtsim-test " + ds::shell_quote((dir / "volume").string()) +
                            " 2>/dev/null";
  if (std::system(mount.c_str()) != 0) {
    WARN("cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN): the mount point case is not checked");
    return;
  }
  const test::CommandResult m =
      test::run_districtsim_in({"run", a, "--out", (dir / "volume").string(), "-q"}, {});
  const std::string unmount = "umount " + ds::shell_quote((dir / "volume").string());
  const int unmounted = std::system(unmount.c_str());
  INFO(m.err);
  CHECK(m.status == 2);
  CHECK(test::contains(m.err, (dir / "volume").string() + ": is a mount point; "));
  CHECK(test::contains(m.err, "--out " + (dir / "volume" / "results").string()));
  CHECK(m.out.empty());
  CHECK(unmounted == 0);
}

TEST_CASE("output targets: results a killed --force replacement moved aside are put back before the work",
          "[output][outdir][cli]") {
  namespace fs = std::filesystem;
  TempDir dir;
  test::write_file(dir / "a.toml", monthly_toml("a"));
  const std::string a = (dir / "a.toml").string(), out = (dir / "out").string();
  REQUIRE(test::run_districtsim_in({"run", a, "--out", out, "-q"}, {}).status == 0);
  const std::string trajectories = read_file(dir / "out" / "trajectories.csv");
  // Where a replacement without RENAME_EXCHANGE (a file system without it)
  // was killed between its two renames: the previous results aside, none in
  // place. The next run found no folder, ran, then put the previous results
  // back and failed at the end ("appeared during the run"), its work lost.
  fs::rename(dir / "out", dir / ".out.old-999999");
  const test::CommandResult r = test::run_districtsim_in({"run", a, "--out", out, "-q", "--seed", "9"}, {});
  INFO(r.err);
  CHECK(r.status == 2);
  CHECK(test::contains(r.err, out + ": directory exists and is not empty (use --force to replace it)"));
  CHECK(read_file(dir / "out" / "trajectories.csv") == trajectories);
  CHECK_FALSE(fs::exists(dir / ".out.old-999999"));
}
