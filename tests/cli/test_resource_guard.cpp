// Unit tests of the resource guard (sim/cli/resource_guard.cpp): the estimates
// against what real runs write and use, how they scale, reading what the
// machine has (and faking it), and the refusal messages. The CLI's use of it
// (exit 2, nothing written, --no-resource-check) is tested in test_cli.cpp.
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "output/output.hpp"
#include "cli/resource_guard.hpp"
#include "runs/shared_starts.hpp"
#include "input/scenario_loader.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace ds;
using ds::test::contains;

namespace {

std::uint64_t part(const std::vector<std::pair<std::string, std::uint64_t>>& parts,
                   const std::string& name) {
  for (const auto& [n, v] : parts)
    if (n == name) return v;
  return 0;
}

std::uint64_t dir_bytes(const fs::path& dir) {
  std::uint64_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) n += e.file_size();
  return n;
}

Scenario scenario(int schools, int teachers, int years, int replications, bool monthly) {
  Scenario s;
  s.meta.name = "guard";
  s.district.schools = schools;
  s.district.teachers_per_school = teachers;
  s.meta.years = years;
  s.meta.replications = replications;
  s.output.frequency = monthly ? Frequency::Month : Frequency::Year;
  return s;
}

std::string scenario_toml(int schools, int teachers, int years, int replications, bool monthly,
                          const std::string& name = "guard") {
  return test::ScenarioText{.name = name,
                            .years = years,
                            .replications = replications,
                            .seed = 5,
                            .schools = schools,
                            .teachers_per_school = teachers,
                            .monthly = monthly}
      .toml();
}

}  // namespace

TEST_CASE("teachers and output rows of a scenario", "[resource]") {
  Scenario s = scenario(10, 20, 8, 3, false);
  CHECK(teachers_of(s) == 200);
  CHECK(rows_of(s) == 9);
  s.output.frequency = Frequency::Month;
  CHECK(rows_of(s) == 97);
  s.district.school_list = {{"a", 30, 0.5, 0.5}, {"b", 12, 0.5, 0.5}};
  CHECK(teachers_of(s) == 42);
}

TEST_CASE("run estimates scale with replications, threads and frequency", "[resource]") {
  const Scenario yearly = scenario(100, 40, 25, 200, false);
  const ResourceEstimate e = estimate_run(yearly, 2);
  // trajectories.csv: replications x rows x (leading columns + every metric).
  CHECK(part(e.disk_parts, "trajectories.csv") ==
        200 * 26 * (16 + kMetricCount * resource_figures::kBytesPerCsvNumber));
  // Two runs at once, 4,000 teachers each.
  CHECK(part(e.memory_parts, "runs in progress") == 2 * 4000 * resource_figures::kBytesPerTeacher);
  std::uint64_t disk = 0, memory = 0;
  for (const auto& p : e.disk_parts) disk += p.second;
  for (const auto& p : e.memory_parts) memory += p.second;
  CHECK(disk == e.disk);
  CHECK(memory == e.memory);

  // Twice the replications: twice the per-run files; the memory of the runs
  // in progress does not change.
  Scenario twice = yearly;
  twice.meta.replications = 400;
  const ResourceEstimate e2 = estimate_run(twice, 2);
  CHECK(part(e2.disk_parts, "trajectories.csv") == 2 * part(e.disk_parts, "trajectories.csv"));
  CHECK(part(e2.memory_parts, "runs in progress") == part(e.memory_parts, "runs in progress"));
  // More threads: more runs at once, never more than there are replications.
  CHECK(part(estimate_run(yearly, 8).memory_parts, "runs in progress") ==
        8 * 4000 * resource_figures::kBytesPerTeacher);
  Scenario one = yearly;
  one.meta.replications = 1;
  CHECK(part(estimate_run(one, 8).memory_parts, "runs in progress") ==
        4000 * resource_figures::kBytesPerTeacher);
  // Monthly output: 12 x years + 1 rows.
  Scenario monthly = yearly;
  monthly.output.frequency = Frequency::Month;
  CHECK(part(estimate_run(monthly, 2).disk_parts, "trajectories.csv") ==
        part(e.disk_parts, "trajectories.csv") / 26 * 301);
}

TEST_CASE("the summary's scratch file is counted once values exceed the budget", "[resource]") {
  const std::uint64_t cells = 26 * kMetricCount;
  const std::uint64_t fits = SummaryAccumulator::kDefaultBudget / cells;
  CHECK(part(estimate_run(scenario(10, 20, 25, static_cast<int>(fits), false), 1).disk_parts,
             "summary scratch file") == 0);
  const ResourceEstimate over =
      estimate_run(scenario(10, 20, 25, static_cast<int>(fits + 1), false), 1);
  CHECK(part(over.disk_parts, "summary scratch file") == (fits + 1) * cells * 8);
  // In memory it stays at the budget.
  CHECK(part(over.memory_parts, "summary values") <
        SummaryAccumulator::kDefaultBudget * 16 + 2 * 1024 * 1024);
}

TEST_CASE("the largest scenario the loader accepts gives its full size", "[resource]") {
  // 100,000 replications x 601 monthly rows: ~20 GB of trajectories and a
  // ~15 GB scratch file; 1,024 runs at once of 600,000 teachers.
  Scenario s = scenario(2000, 300, 50, 100000, true);
  const ResourceEstimate e = estimate_run(s, 1024);
  CHECK(part(e.disk_parts, "trajectories.csv") > (std::uint64_t{18} << 30));
  CHECK(part(e.disk_parts, "summary scratch file") ==
        std::uint64_t{100000} * 601 * kMetricCount * 8);
  CHECK(e.disk > (std::uint64_t{40} << 30));
  CHECK(e.memory > (std::uint64_t{100} << 30));
}

namespace {

// `run` of the scenario `toml` on 2 threads, and its estimate.
struct Measured {
  ResourceEstimate estimate;
  test::CommandResult result;
  std::uint64_t written = 0;  // bytes in the output directory
};

Measured run_and_estimate(const std::string& toml, bool measure_memory) {
  test::TempDir dir;
  test::write_file(dir / "s.toml", toml);
  const LoadResult loaded = load_scenario(dir / "s.toml");
  REQUIRE(loaded.ok());
  Measured m;
  m.estimate = estimate_run(*loaded.scenario, 2);
  test::ChildOptions o;
  o.measure_memory = measure_memory;
  m.result = test::run_districtsim_in(
      {"run", (dir / "s.toml").string(), "--out", (dir / "out").string(), "-j", "2", "-q"}, o);
  REQUIRE(m.result.status == 0);
  m.written = dir_bytes(dir / "out");
  return m;
}

}  // namespace

TEST_CASE("run: the estimate covers what a real run writes and uses", "[resource][cli]") {
  const Measured m = run_and_estimate(scenario_toml(10, 20, 10, 20, true), false);
  INFO("written " << m.written << " bytes, estimated " << m.estimate.disk);
  CHECK(m.written <= m.estimate.disk);
  CHECK(m.estimate.disk <= m.written * 5 / 2);  // high, but not uselessly so
}

TEST_CASE("run: the memory estimate covers a real run's peak", "[resource][cli]") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  WARN("skipped: sanitizer builds use several times the memory the estimate is for");
  return;
#endif
  // 20,000 teachers, two at a time: the runs are most of the peak.
  const Measured m = run_and_estimate(scenario_toml(500, 40, 3, 4, false), true);
  REQUIRE(m.result.max_rss_kib > 0);
  const auto peak = static_cast<std::uint64_t>(m.result.max_rss_kib) * 1024;
  INFO("peak " << peak << " bytes, estimated " << m.estimate.memory);
  CHECK(peak <= m.estimate.memory);
  CHECK(m.estimate.memory <= peak * 2);
}

TEST_CASE("compare: the estimate covers what a real comparison writes", "[resource][cli]") {
  test::TempDir dir;
  test::write_file(dir / "a.toml", scenario_toml(10, 20, 10, 12, true, "a"));
  test::write_file(dir / "b.toml", scenario_toml(12, 20, 10, 12, true, "b"));
  std::vector<Scenario> scenarios;
  for (const char* f : {"a.toml", "b.toml"}) {
    LoadResult l = load_scenario(dir / f);
    REQUIRE(l.ok());
    scenarios.push_back(std::move(*l.scenario));
  }
  const ResourceEstimate e = estimate_compare(scenarios, 2);
  const test::CommandResult r =
      test::run_districtsim_in({"compare", (dir / "a.toml").string(), (dir / "b.toml").string(),
                                "--out", (dir / "out").string(), "-j", "2", "-q"},
                               {});
  REQUIRE(r.status == 0);
  const std::uint64_t written = dir_bytes(dir / "out");
  // The per-scenario parts exist next to the joined files for a while: the
  // peak is about twice what is left at the end.
  INFO("written " << written << " bytes, estimated peak " << e.disk);
  CHECK(2 * written <= e.disk);
  CHECK(e.disk <= written * 5);
}

TEST_CASE("sweep: the estimate covers what a real sweep writes", "[resource][cli]") {
  test::TempDir dir;
  test::write_file(
      dir / "base.toml",
      test::ScenarioText{.name = "base",
                         .replications = 3,
                         .extra = "[output]\nfrequency = \"month\"\ntrajectories = true\n"}
          .toml());
  test::write_file(dir / "sweep.toml",
                   "[sweep]\nscenario = \"base.toml\"\ndesign = \"factorial\"\nreplications = 3\n"
                   "[sweep.parameters]\n\"strategy.pace\" = [0.2, 0.8]\n"
                   "\"district.schools\" = [4, 8, 12]\n");
  const SweepLoadResult loaded = load_sweep(dir / "sweep.toml");
  std::string problems;
  for (const auto& d : loaded.diagnostics) problems += d.to_string() + "\n";
  INFO(problems);
  REQUIRE(loaded.ok());
  const ResourceEstimate e =
      estimate_sweep(*loaded.spec, design_points(*loaded.spec), sweep_runs(*loaded.spec), false, 2);
  const test::CommandResult r = test::run_districtsim_in(
      {"sweep", (dir / "sweep.toml").string(), "--out", (dir / "out").string(), "-j", "2", "-q"},
      {});
  INFO(r.err);
  REQUIRE(r.status == 0);
  // The result files, and (gone once they are written) the journal.
  const std::uint64_t written = dir_bytes(dir / "out");
  const std::uint64_t files = e.disk - part(e.disk_parts, "journal.bin");
  INFO("written " << written << " bytes, estimated " << files);
  CHECK(written <= files);
  CHECK(files <= written * 5 / 2);
  // A shard's results are its journal: 9 of the 18 runs.
  const test::CommandResult shard =
      test::run_districtsim_in({"sweep", (dir / "sweep.toml").string(), "--out",
                                (dir / "shard").string(), "--shard", "1/2", "-q"},
                               {});
  INFO(shard.err);
  REQUIRE(shard.status == 0);
  const std::uint64_t journal = fs::file_size(dir / "shard" / "journal.bin");
  const std::uint64_t estimated =
      part(estimate_sweep(*loaded.spec, design_points(*loaded.spec), 9, true, 2).disk_parts,
           "journal.bin");
  INFO("journal " << journal << " bytes, estimated " << estimated);
  CHECK(journal <= estimated);
  CHECK(estimated <= journal * 5 / 4);
}

namespace {

// A factorial sweep of 3 replications of a 10 x 20 district over 6 years,
// built in code, over one parameter with a list of values.
SweepSpec factorial_over(const std::string& key, ParamType type, std::vector<double> values,
                         std::function<ParamRef(Scenario&)> ref = {}) {
  SweepSpec spec;
  spec.base = scenario(10, 20, 6, 2, false);
  spec.replications = 3;
  spec.design.kind = DesignKind::Factorial;
  SweepParam p;
  p.key = key;
  p.type = type;
  p.kind = DomainKind::Values;
  p.values = std::move(values);
  p.ref = std::move(ref);
  spec.params.push_back(p);
  return spec;
}

}  // namespace

TEST_CASE("sweep: the largest district and trajectories count", "[resource]") {
  SweepSpec spec = factorial_over("district.schools", ParamType::Int, {5, 50, 20});
  const ResourceEstimate e = estimate_sweep(spec, 3, 9, false, 2);
  // Two runs at once of the largest district: 50 schools x 20 teachers.
  CHECK(part(e.memory_parts, "runs in progress") == 2 * 1000 * resource_figures::kBytesPerTeacher);
  CHECK(part(e.disk_parts, "trajectories.csv") == 0);
  spec.base.output.trajectories = true;
  const ResourceEstimate with = estimate_sweep(spec, 3, 9, false, 2);
  CHECK(part(with.disk_parts, "trajectories.csv") ==
        9 * 7 * (24 + kMetricCount * resource_figures::kBytesPerCsvNumber));
  CHECK(part(with.disk_parts, "journal.bin") > part(e.disk_parts, "journal.bin"));
  // A shard of 3 of the 9 runs: its journal only, no result files.
  const ResourceEstimate shard = estimate_sweep(spec, 3, 3, true, 2);
  CHECK(part(shard.disk_parts, "trajectories.csv") == 0);
  CHECK(part(shard.disk_parts, "runs.csv") == 0);
  CHECK(part(shard.disk_parts, "journal.bin") - 64 ==
        (part(with.disk_parts, "journal.bin") - 64) / 3);
}

TEST_CASE("what the machine has: /proc/meminfo, sizes, the fake", "[resource]") {
  CHECK(mem_available("MemTotal:       16318816 kB\nMemFree:  1 kB\nMemAvailable:    8000 kB\n") ==
        8000u * 1024);
  CHECK_FALSE(mem_available("MemTotal: 100 kB\n").has_value());
  CHECK_FALSE(mem_available("MemAvailable: lots\n").has_value());

  CHECK(parse_size("1024") == 1024u);
  CHECK(parse_size("64K") == 65536u);
  CHECK(parse_size("3M") == 3u << 20);
  CHECK(parse_size("2GiB") == std::uint64_t{2} << 30);
  CHECK_FALSE(parse_size("").has_value());
  CHECK_FALSE(parse_size("-1").has_value());
  CHECK_FALSE(parse_size("12X").has_value());
  CHECK_FALSE(parse_size("99999999999999999999").has_value());
  CHECK_FALSE(parse_size("99999999999T").has_value());

  test::TempDir dir;
  // The output directory does not exist yet: its nearest existing ancestor
  // is measured.
  const MachineResources real = machine_resources(dir / "a" / "b", nullptr);
  CHECK(real.disk_path == dir.path());
  CHECK(real.disk.has_value());
  CHECK(real.memory.has_value());  // Linux: /proc/meminfo
  CHECK_FALSE(real.faked);

  const MachineResources fake = machine_resources(dir / "out", "memory=64M,disk=1K");
  CHECK(fake.faked);
  CHECK(fake.memory == std::uint64_t{64} << 20);
  CHECK(fake.disk == 1024u);
  const MachineResources half = machine_resources(dir / "out", "disk=5M");
  CHECK(half.disk == std::uint64_t{5} << 20);
  CHECK(half.memory.has_value() == real.memory.has_value());  // memory not faked: measured
  CHECK_THROWS_WITH(machine_resources(dir / "out", "memory=lots"),
                    Catch::Contains("DISTRICTSIM_FAKE_MACHINE: cannot read \"memory=lots\""));
  CHECK_THROWS_AS(machine_resources(dir / "out", "swap=1G"), std::invalid_argument);
}

TEST_CASE("refusals name the estimate, the machine and the flag", "[resource]") {
  ResourceEstimate e;
  e.memory = std::uint64_t{3} << 30;
  e.memory_parts = {{"program", 13u << 20},
                    {"runs in progress", (std::uint64_t{3} << 30) - (13u << 20)}};
  e.disk = std::uint64_t{40} << 30;
  e.disk_parts = {{"runs.csv", 1u << 20},
                  {"trajectories.csv", (std::uint64_t{40} << 30) - (1u << 20)}};
  MachineResources m;
  m.memory = std::uint64_t{8} << 30;
  m.disk = std::uint64_t{100} << 30;
  m.disk_path = "/data";
  CHECK(resource_problems(e, m, "run").empty());

  m.disk = std::uint64_t{10} << 30;
  std::vector<std::string> p = resource_problems(e, m, "run");
  REQUIRE(p.size() == 1);
  CHECK(p[0] ==
        "run: its output needs an estimated 40.0 GiB of disk (trajectories.csv 40.0 GiB, runs.csv "
        "1.0 MiB), but /data has 10.0 GiB free; nothing written. Use fewer replications "
        "(--replications) or yearly output (output.frequency), or pass --no-resource-check to "
        "run anyway");

  m.memory = std::uint64_t{1} << 30;
  m.faked = true;
  p = resource_problems(e, m, "sweep");
  REQUIRE(p.size() == 2);
  CHECK(p[0] ==
        "sweep: needs an estimated 3.0 GiB of memory at its peak (runs in progress 3.0 GiB, "
        "program 13.0 MiB), but the machine has 1.0 GiB available (MemAvailable in "
        "/proc/meminfo, faked by DISTRICTSIM_FAKE_MACHINE); nothing written. Use fewer threads "
        "(--threads) or a smaller district, or pass --no-resource-check to run anyway");
  CHECK(contains(p[1], "fewer points or replications"));
  CHECK(contains(p[1], "(faked by DISTRICTSIM_FAKE_MACHINE)"));

  // What the machine does not say is not checked.
  CHECK(resource_problems(e, MachineResources{}, "run").empty());
}

TEST_CASE("sizes for people", "[resource]") {
  CHECK(bytes_text(0) == "0 bytes");
  CHECK(bytes_text(1023) == "1023 bytes");
  CHECK(bytes_text(1536) == "1.5 KiB");
  CHECK(bytes_text(std::uint64_t{3} << 30) == "3.0 GiB");
  CHECK(bytes_text(~std::uint64_t{0}) == "16.0 EiB");
}

// ---------------------------------------------------------------- the CLI

namespace {

// A small machine, faked (resource_guard.hpp): 64 KiB of disk is less than
// any run's output; memory is left as measured.
const test::ChildOptions kSmallDisk{.env = {{"DISTRICTSIM_FAKE_MACHINE", "disk=64K"}}};
const test::ChildOptions kSmallMemory{.env = {{"DISTRICTSIM_FAKE_MACHINE", "memory=1M"}}};

}  // namespace

TEST_CASE("run: refused when its output would not fit, and --no-resource-check runs it",
          "[resource][cli]") {
  test::TempDir dir;
  test::write_file(dir / "s.toml", scenario_toml(10, 20, 8, 8, true));
  const std::vector<std::string> args = {"run", (dir / "s.toml").string(), "--out",
                                         (dir / "out").string(), "-q"};
  const test::CommandResult r = test::run_districtsim_in(args, kSmallDisk);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(contains(r.err, "districtsim: run: its output needs an estimated "));
  CHECK(contains(r.err, "trajectories.csv "));
  CHECK(contains(r.err, "has 64.0 KiB free (faked by DISTRICTSIM_FAKE_MACHINE)"));
  CHECK(contains(r.err, "nothing written"));
  CHECK(contains(r.err, "--no-resource-check"));
  CHECK_FALSE(contains(r.err, "memory"));
  CHECK(test::entries_starting(dir.path(), ".out").empty());  // no staging directory
  CHECK_FALSE(fs::exists(dir / "out"));

  std::vector<std::string> anyway = args;
  anyway.push_back("--no-resource-check");
  const test::CommandResult ok = test::run_districtsim_in(anyway, kSmallDisk);
  CHECK(ok.status == 0);
  CHECK(fs::exists(dir / "out" / "trajectories.csv"));
}

TEST_CASE("run: refused when its memory would not fit", "[resource][cli]") {
  test::TempDir dir;
  test::write_file(dir / "s.toml", scenario_toml(10, 20, 8, 8, false));
  const test::CommandResult r = test::run_districtsim_in(
      {"run", (dir / "s.toml").string(), "--out", (dir / "out").string()}, kSmallMemory);
  CHECK(r.status == 2);
  CHECK(contains(r.err, "districtsim: run: needs an estimated "));
  CHECK(contains(r.err, " of memory at its peak (program 17.0 MiB"));
  CHECK(contains(r.err,
                 "the machine has 1.0 MiB available (MemAvailable in /proc/meminfo, "
                 "faked by DISTRICTSIM_FAKE_MACHINE)"));
  CHECK(contains(r.err, "--threads"));
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("compare and sweep: refused the same way", "[resource][cli]") {
  test::TempDir dir;
  test::write_file(dir / "a.toml", scenario_toml(10, 20, 8, 8, true, "a"));
  test::write_file(dir / "b.toml", scenario_toml(10, 20, 8, 8, true, "b"));
  const test::CommandResult c =
      test::run_districtsim_in({"compare", (dir / "a.toml").string(), (dir / "b.toml").string(),
                                "--out", (dir / "cmp").string()},
                               kSmallDisk);
  CHECK(c.status == 2);
  CHECK(contains(c.err, "districtsim: compare: its output needs an estimated "));
  CHECK(contains(c.err, "--no-resource-check"));
  CHECK_FALSE(fs::exists(dir / "cmp"));

  test::write_file(dir / "sweep.toml",
                   "[sweep]\nscenario = \"a.toml\"\ndesign = \"factorial\"\nreplications = 50\n"
                   "[sweep.parameters]\n\"strategy.pace\" = [0.2, 0.5, 0.8]\n");
  const test::CommandResult s = test::run_districtsim_in(
      {"sweep", (dir / "sweep.toml").string(), "--out", (dir / "sw").string()}, kSmallDisk);
  CHECK(s.status == 2);
  CHECK(contains(s.err, "districtsim: sweep: its output needs an estimated "));
  CHECK(contains(s.err, "fewer points or replications"));
  CHECK_FALSE(fs::exists(dir / "sw"));

  const test::CommandResult bad =
      test::run_districtsim_in({"run", (dir / "a.toml").string(), "--out", (dir / "x").string()},
                               {.env = {{"DISTRICTSIM_FAKE_MACHINE", "disk=tiny"}}});
  CHECK(bad.status == 2);
  CHECK(contains(bad.err, "districtsim: run: DISTRICTSIM_FAKE_MACHINE: cannot read \"disk=tiny\""));
  CHECK_FALSE(fs::exists(dir / "x"));
}

TEST_CASE("sweep --dry-run prints the estimates", "[resource][cli]") {
  test::TempDir dir;
  test::write_file(dir / "base.toml", test::ScenarioText{.name = "base"}.toml());
  test::write_file(dir / "sweep.toml",
                   "[sweep]\nscenario = \"base.toml\"\ndesign = \"factorial\"\nreplications = 2\n"
                   "[sweep.parameters]\n\"strategy.pace\" = [0.2, 0.8]\n");
  const SweepLoadResult loaded = load_sweep(dir / "sweep.toml");
  REQUIRE(loaded.ok());
  const ResourceEstimate e =
      estimate_sweep(*loaded.spec, design_points(*loaded.spec), sweep_runs(*loaded.spec), false, 1);
  const test::CommandResult r =
      test::run_districtsim_in({"sweep", (dir / "sweep.toml").string(), "--out",
                                (dir / "out").string(), "-j", "1", "--dry-run"},
                               kSmallDisk);  // a dry run is not refused: it writes nothing
  CHECK(r.status == 0);
  CHECK(contains(r.out, "estimated peak memory " + bytes_text(e.memory) + ", peak disk " +
                            bytes_text(e.disk) + " (the resource guard checks them before a run)"));
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("merge: refused when the sweep's files would not fit", "[resource][cli]") {
  test::TempDir dir;
  test::write_file(dir / "base.toml", test::ScenarioText{.name = "base", .replications = 2}.toml());
  test::write_file(dir / "sweep.toml",
                   "[sweep]\nscenario = \"base.toml\"\ndesign = \"factorial\"\n"
                   "[sweep.parameters]\n\"strategy.pace\" = [0.2, 0.8]\n");
  for (const char* k : {"1", "2"})
    REQUIRE(test::run_districtsim_in(
                {"sweep", (dir / "sweep.toml").string(), "--out",
                 (dir / (std::string("s") + k)).string(), "--shard", std::string(k) + "/2", "-q"},
                {})
                .status == 0);
  const std::vector<std::string> args = {"merge", (dir / "s1").string(),  (dir / "s2").string(),
                                         "--out", (dir / "out").string(), "-q"};
  const test::CommandResult r =
      test::run_districtsim_in(args, {.env = {{"DISTRICTSIM_FAKE_MACHINE", "disk=1K"}}});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "districtsim: merge: its output needs an estimated "));
  CHECK(contains(r.err, "runs.csv"));
  CHECK(contains(r.err, "--no-resource-check"));
  CHECK_FALSE(fs::exists(dir / "out"));
  std::vector<std::string> anyway = args;
  anyway.push_back("--no-resource-check");
  CHECK(
      test::run_districtsim_in(anyway, {.env = {{"DISTRICTSIM_FAKE_MACHINE", "disk=1K"}}}).status ==
      0);
  CHECK(fs::exists(dir / "out" / "runs.csv"));
}

TEST_CASE("sweep: a sweep of the dials counts the start states it keeps", "[resource]") {
  const SweepSpec dials = factorial_over("strategy.pace", ParamType::Real, {0.2, 0.8},
                                         [](Scenario& s) -> ParamRef { return &s.strategy.pace; });
  // The shared starts of runs/shared_starts.hpp: a few states of the base's 200 teachers.
  CHECK(part(estimate_sweep(dials, 2, 6, false, 2).memory_parts, "start states kept") ==
        SharedStarts::kKeep * 200 * resource_figures::kBytesPerTeacher);
  // A parameter the initial state reads: no shared starts.
  const SweepSpec readiness = factorial_over("district.readiness", ParamType::Real, {0.3, 0.7},
                                             [](Scenario& s) -> ParamRef { return &s.district.readiness; });
  CHECK(part(estimate_sweep(readiness, 2, 6, false, 2).memory_parts, "start states kept") == 0);
}
