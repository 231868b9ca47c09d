// `districtsim sweep` end to end (sim/runs/sweep_run.cpp, sim/cli/main.cpp): the
// files and their columns, row order, determinism across thread counts,
// sensitivity output, and that bad input and --dry-run write nothing. Runs
// the real binary on a tiny base scenario.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support.hpp"
#include "runs/sweep_run.hpp"

using namespace ds::test;
namespace fs = std::filesystem;

namespace {

// A folder with a tiny base scenario (6 years, 6 schools) and a sweep file.
struct SweepDir {
  TempDir dir;
  explicit SweepDir(const std::string& sweep, bool trajectories = false) {
    std::string base =
        "[scenario]\nname = \"tiny\"\nyears = 6\nreplications = 5\nseed = 11\n"
        "[district]\nschools = 6\nteachers_per_school = 10\n";
    if (trajectories) base += "[output]\ntrajectories = true\n";
    write_file(dir / "base.toml", base);
    write_file(dir / "sweep.toml", sweep);
  }
  std::string file() const { return (dir / "sweep.toml").string(); }
  std::string out(const std::string& name = "results") const { return (dir / name).string(); }
};

const char* kFactorial =
    "[sweep]\nscenario = \"base.toml\"\ndesign = \"factorial\"\nreplications = 3\nseed = 5\n"
    "[sweep.parameters]\n\"strategy.pace\" = [0.2, 0.8]\n"
    "\"strategy.need_priority\" = [0.1, 0.5, 0.9]\n";

}  // namespace

TEST_CASE("sweep outcome columns: years 3, 5, 10 before the horizon, then final", "[sweep]") {
  CHECK(ds::sweep_report_years(25) == std::vector<int>{3, 5, 10});
  CHECK(ds::sweep_report_years(10) == std::vector<int>{3, 5});
  CHECK(ds::sweep_report_years(3).empty());
  const auto names = ds::sweep_outcome_names(6);
  CHECK(names.size() == ds::kRunOutputCount + ds::kMetricCount * 3);
  CHECK(names[ds::kRunOutputCount] == "capacity_index_y3");
  CHECK(names[ds::kRunOutputCount + 1] == "capacity_index_y5");
  CHECK(names[ds::kRunOutputCount + 2] == "capacity_index_final");
}

TEST_CASE("sweep: a factorial sweep writes its files, columns and rows in order", "[sweep][cli]") {
  SweepDir d(kFactorial);
  const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out(), "-j", "2", "-q"});
  REQUIRE(r.status == 0);
  CHECK(r.out.empty());  // --quiet: nothing on stdout or stderr
  CHECK(r.err.empty());
  const fs::path out = d.out();
  CHECK(fs::exists(out / "points.csv"));
  CHECK(fs::exists(out / "runs.csv"));
  CHECK(fs::exists(out / "point_summary.csv"));
  CHECK(fs::exists(out / "manifest.json"));
  CHECK_FALSE(fs::exists(out / "trajectories.csv"));
  CHECK_FALSE(fs::exists(out / "sensitivity.csv"));
  CHECK(entries(d.dir.path()) == 3);  // base, sweep, results: no staging left

  const auto points = lines_of(read_file(out / "points.csv"));
  REQUIRE(points.size() == 7);
  CHECK(points[0] == "point,strategy.pace,strategy.need_priority");
  CHECK(points[1] == "0,0.2,0.1");
  CHECK(points[3] == "2,0.2,0.9");
  CHECK(points[6] == "5,0.8,0.9");

  const auto runs = lines_of(read_file(out / "runs.csv"));
  REQUIRE(runs.size() == 1 + 6 * 3);
  const auto header = split(runs[0]);
  const auto names = ds::sweep_outcome_names(6);
  REQUIRE(header.size() == 3 + names.size());
  CHECK(header[0] == "point");
  CHECK(header[1] == "replication");
  CHECK(header[2] == "seed");
  CHECK(header[3] == "years_to_sustainability");
  CHECK(contains(runs[0], ",capacity_index_y3,capacity_index_y5,capacity_index_final,"));
  CHECK_FALSE(contains(runs[0], "_y10"));
  std::vector<std::string> seeds(3);
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const auto f = split(runs[i]);
    REQUIRE(f.size() == header.size());
    CHECK(f[0] == std::to_string((i - 1) / 3));
    CHECK(f[1] == std::to_string((i - 1) % 3));
    // Common random numbers: replication r has the same seed at every point.
    std::string& s = seeds[(i - 1) % 3];
    if (s.empty()) s = f[2];
    CHECK(f[2] == s);
  }

  const auto summary = lines_of(read_file(out / "point_summary.csv"));
  CHECK(summary[0] == "point,outcome,mean,sd,p05,p10,p25,p50,p75,p90,p95");
  REQUIRE(summary.size() == 1 + 6 * names.size());
  for (std::size_t i = 1; i < summary.size(); ++i) {
    const auto f = split(summary[i]);
    CHECK(f[0] == std::to_string((i - 1) / names.size()));
    CHECK(f[1] == names[(i - 1) % names.size()]);
  }

  const std::string manifest = read_file(out / "manifest.json");
  CHECK(contains(manifest, "\"kind\": \"sweep\""));
  CHECK(contains(manifest, "\"points\": 6,"));
  CHECK(contains(manifest, "\"replications\": 3,"));
  CHECK(contains(manifest, "\"design\": \"factorial\""));
  CHECK(contains(manifest, "\"sweep\": \"[sweep]\\n"));
  CHECK(contains(manifest, "\"scenario\": {"));
}

TEST_CASE("sweep: files are byte-identical at 1 and 2 threads", "[sweep][cli]") {
  SweepDir d(kFactorial, /*trajectories=*/true);
  REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out("a"), "-j", "1", "-q"}).status == 0);
  REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out("b"), "-j", "2", "-q"}).status == 0);
  for (const char* f : {"points.csv", "runs.csv", "point_summary.csv", "trajectories.csv"}) {
    INFO(f);
    const std::string a = read_file(fs::path(d.out("a")) / f);
    CHECK_FALSE(a.empty());
    CHECK(a == read_file(fs::path(d.out("b")) / f));
  }
  const auto traj = lines_of(read_file(fs::path(d.out("a")) / "trajectories.csv"));
  CHECK(traj[0].rfind("point,replication,year,capacity_index,", 0) == 0);
  CHECK(traj.size() == 1 + 6 * 3 * 7);  // years 0..6
  CHECK(traj[1].rfind("0,0,0,", 0) == 0);
  CHECK(traj.back().rfind("5,2,6,", 0) == 0);
}

TEST_CASE("sweep: a bad sweep file exits 2 with positions and writes nothing", "[sweep][cli]") {
  SweepDir d(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"factorial\"\nsamples = 4\n"
      "[sweep.parameters]\n\"strategy.pacee\" = [0.2, 0.8]\n");
  const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out()});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "sweep.toml:"));
  CHECK(contains(r.err, "pacee"));
  CHECK(contains(r.err, "samples"));
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(d.out()));
  CHECK(entries(d.dir.path()) == 2);

  const CommandResult v = run_districtsim({"validate", d.file()});
  CHECK(v.status == 2);
  CHECK(contains(v.err, "pacee"));
}

TEST_CASE("sweep: validate recognises sweep files", "[sweep][cli]") {
  SweepDir d(kFactorial);
  const CommandResult r = run_districtsim({"validate", d.file(), (d.dir / "base.toml").string()});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "sweep.toml: ok (sweep: 6 points, 18 runs)"));
  CHECK(contains(r.out, "base.toml: ok"));
}

TEST_CASE("sweep: a sobol sweep writes sensitivity.csv", "[sweep][cli]") {
  SweepDir d(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"sobol\"\nsamples = 4\nreplications = 2\n"
      "[sweep.parameters]\n\"strategy.pace\" = { min = 0.0, max = 1.0 }\n"
      "\"strategy.need_priority\" = { min = 0.0, max = 1.0 }\n");
  const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out(), "-q"});
  REQUIRE(r.status == 0);
  const auto points = lines_of(read_file(fs::path(d.out()) / "points.csv"));
  CHECK(points.size() == 1 + 4 * 4);
  const auto lines = lines_of(read_file(fs::path(d.out()) / "sensitivity.csv"));
  const auto names = ds::sweep_outcome_names(6);
  REQUIRE(lines.size() == 1 + names.size() * 2 * 2);
  CHECK(lines[0] == "outcome,parameter,index,value,ci_low,ci_high,rows");
  std::size_t i = 1;
  for (const auto& n : names)
    for (const char* p : {"strategy.pace", "strategy.need_priority"})
      for (const char* idx : {"first", "total"}) {
        const auto f = split(lines[i++]);
        REQUIRE(f.size() == 7);
        CHECK(f[0] == n);
        CHECK(f[1] == p);
        CHECK(f[2] == idx);
      }
  // capacity at the horizon varies with the dials: its indices are numbers.
  bool found = false;
  for (const auto& l : lines)
    if (l.rfind("capacity_index_final,strategy.pace,total,", 0) == 0) {
      found = true;
      CHECK_FALSE(split(l)[3].empty());
      CHECK(split(l)[6] == "4");  // every one of the N = 4 base rows has a value
    }
  CHECK(found);
}

TEST_CASE("sweep: a morris sweep writes mu, mu* and sigma", "[sweep][cli]") {
  SweepDir d(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"morris\"\ntrajectories = 3\n"
      "replications = 1\n[sweep.parameters]\n\"strategy.pace\" = { min = 0.0, max = 1.0 }\n");
  REQUIRE(run_districtsim({"sweep", d.file(), "--out", d.out(), "-q"}).status == 0);
  const auto lines = lines_of(read_file(fs::path(d.out()) / "sensitivity.csv"));
  CHECK(lines[0] == "outcome,parameter,mu,mu_star,sigma,mu_star_ci_low,mu_star_ci_high,effects");
  CHECK(lines.size() == 1 + ds::sweep_outcome_names(6).size());
  for (const auto& l : lines)
    if (l.rfind("capacity_index_final,", 0) == 0) CHECK(split(l).back() == "3");  // r = 3 effects
}

TEST_CASE("sweep: --dry-run prints the size and an estimate and writes nothing", "[sweep][cli]") {
  SweepDir d(kFactorial);
  const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out(), "--dry-run"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "6 points x 3 replications = 18 runs"));
  CHECK(contains(r.out, "estimated duration"));
  CHECK_FALSE(fs::exists(d.out()));
  CHECK(entries(d.dir.path()) == 2);
}

TEST_CASE("sweep: off a terminal, progress is plain lines and the summary goes to stdout",
          "[sweep][cli]") {
  SweepDir d(kFactorial);
  const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out(), "-j", "2"});
  REQUIRE(r.status == 0);
  CHECK(contains(r.out, "6 points x 3 replications"));
  CHECK(contains(r.out, "points.csv runs.csv point_summary.csv manifest.json"));
  // A tiny sweep finishes before the first 5-second line; never a carriage return.
  CHECK_FALSE(contains(r.err, "\r"));
  CHECK_FALSE(contains(r.err, "\033"));
}

TEST_CASE("sweep: --set reaches the sweep table and the base scenario, random design",
          "[sweep][cli]") {
  SweepDir d(
      "[sweep]\nscenario = \"base.toml\"\ndesign = \"random\"\nsamples = 5\nreplications = 4\n"
      "[sweep.parameters]\n\"strategy.pace\" = { min = 0.0, max = 1.0 }\n"
      "\"district.schools\" = { min = 4, max = 8 }\n");
  const CommandResult r =
      run_districtsim({"sweep", d.file(), "--out", d.out(), "-q", "--set", "sweep.replications=2",
                       "--set", "scenario.years=4"});
  REQUIRE(r.status == 0);
  const auto runs = lines_of(read_file(fs::path(d.out()) / "runs.csv"));
  CHECK(runs.size() == 1 + 5 * 2);
  CHECK(contains(runs[0], ",capacity_index_y3,capacity_index_final,"));
  CHECK_FALSE(contains(runs[0], "_y5"));
  const auto points = lines_of(read_file(fs::path(d.out()) / "points.csv"));
  REQUIRE(points.size() == 6);
  for (std::size_t i = 1; i < points.size(); ++i) {
    const int schools = std::stoi(split(points[i])[2]);
    CHECK(schools >= 4);
    CHECK(schools <= 8);
  }
  const std::string manifest = read_file(fs::path(d.out()) / "manifest.json");
  CHECK(nlohmann::json::parse(manifest)["overrides"] ==
        nlohmann::json::array({"sweep.replications=2", "scenario.years=4"}));
  std::vector<std::string> order;
  const auto ordered = nlohmann::ordered_json::parse(manifest);
  for (const auto& [key, value] : ordered.items()) order.push_back(key);
  CHECK(order == std::vector<std::string>{"kind", "version", "git_commit", "command_line", "sweep_file",
                                          "scenario_file", "overrides", "sweep", "design", "parameters", "points",
                                          "replications", "runs", "seed", "resumed_runs", "seeds", "teacher_steps",
                                          "threads", "started_at", "wall_seconds", "files", "outputs", "scenario"});
}

// Each row of the designs' table (sim/model/designs.hpp) against the files a
// sweep of it writes: sensitivity.csv, with its declared header, exactly for
// the designs that declare sensitivity indices.
TEST_CASE("sweep: every design writes sensitivity.csv exactly when its row declares indices",
          "[sweep][cli][designs]") {
  for (const ds::DesignInfo& row : ds::kDesigns) {
    INFO(row.name);
    SweepDir d(sweep_text_for(row));
    const CommandResult r = run_districtsim({"sweep", d.file(), "--out", d.out(), "-q"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const fs::path file = fs::path(d.out()) / "sensitivity.csv";
    CHECK(fs::exists(file) == (row.indices != ds::SensitivityIndices::None));
    CHECK(fs::exists(file) == ds::has_sensitivity_indices(row.kind));
    if (fs::exists(file)) CHECK(lines_of(read_file(file))[0] == ds::indices_info(row.indices).header);
  }
}
