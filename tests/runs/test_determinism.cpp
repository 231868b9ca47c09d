// Reproducibility: the same scenario and seed give byte-identical CSV files
// at any thread count, and manifest.json differs only in its timing and
// thread fields. Runs the real districtsim binary.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>

#include "support.hpp"

using namespace ds::test;
namespace fs = std::filesystem;

namespace {

const char* const kCsvFiles[] = {"trajectories.csv", "summary.csv", "runs.csv", "schools.csv"};

struct Output {
  std::map<std::string, std::string> files;  // name -> content
};

Output run_at(const TempDir& dir, int threads, const std::vector<std::string>& extra = {}) {
  // Same --out every time (with --force), so the command lines differ only
  // in --threads.
  std::vector<std::string> args = {
      "run",       (dir / "s.toml").string(), "--out",   (dir / "out").string(),
      "--threads", std::to_string(threads),   "--quiet", "--force"};
  args.insert(args.end(), extra.begin(), extra.end());
  const CommandResult r = run_districtsim(args);
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  Output o;
  for (const auto& entry : fs::directory_iterator(dir / "out"))
    o.files[entry.path().filename().string()] = read_file(entry.path());
  return o;
}

// manifest.json with the fields that may legitimately differ masked.
std::string masked_manifest(const std::string& text) {
  std::string out;
  for (const std::string& line : lines_of(text)) {
    if (line.rfind("  \"threads\":", 0) == 0 || line.rfind("  \"wall_seconds\":", 0) == 0 ||
        line.rfind("  \"started_at\":", 0) == 0) {
      out += "<masked>\n";
      continue;
    }
    out += std::regex_replace(line, std::regex("--threads [0-9]+"), "--threads N") + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("CSV outputs are byte-identical at 1, 2 and 8 threads", "[determinism][cli]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());

  const Output one = run_at(dir, 1);
  for (const char* f : kCsvFiles) REQUIRE(one.files.count(f) == 1);
  REQUIRE(one.files.count("manifest.json") == 1);
  CHECK(one.files.size() == 5);  // no scratch or temporary files left inside
  // Nothing but the scenario and the results next to the output either.
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}) == 2);

  const std::uint64_t hash = fnv1a(one.files.at("trajectories.csv"));
  // The hash is pinned beside the golden summary: a change of the model's
  // numbers shows here too, and scripts/update-golden rewrites both
  // (DISTRICTSIM_UPDATE_GOLDEN=1 makes this test write the pin).
  {
    const fs::path pin = fs::path(DISTRICTSIM_SOURCE_DIR) / "tests" / "golden" / "determinism_trajectories.fnv1a";
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    const char* update = std::getenv("DISTRICTSIM_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
      std::ofstream(pin) << hex << '\n';
    } else {
      INFO("pinned in " << pin.string() << "; if the model's numbers changed on purpose, run scripts/update-golden");
      REQUIRE(fs::is_regular_file(pin));
      CHECK(read_file(pin) == std::string(hex) + "\n");
    }
  }
  CHECK(lines_of(one.files.at("runs.csv")).size() == 1 + 8);
  CHECK(lines_of(one.files.at("trajectories.csv")).size() == 1 + 8 * 9);  // years 0..8

  for (int threads : {2, 8}) {
    INFO("threads = " << threads);
    const Output other = run_at(dir, threads);
    CHECK(other.files.size() == one.files.size());
    for (const char* f : kCsvFiles) {
      INFO(f);
      CHECK(other.files.at(f) == one.files.at(f));
    }
    CHECK(fnv1a(other.files.at("trajectories.csv")) == hash);
    CHECK(masked_manifest(other.files.at("manifest.json")) ==
          masked_manifest(one.files.at("manifest.json")));
    std::string threads_line = "\"threads\": ";
    threads_line += std::to_string(threads);
    CHECK(other.files.at("manifest.json").find(threads_line) != std::string::npos);
  }
}

TEST_CASE("the seed, not the run, determines the output", "[determinism][cli]") {
  TempDir dir;
  write_file(dir / "s.toml", small_scenario_toml());
  const Output a = run_at(dir, 2);
  const Output again = run_at(dir, 2);
  for (const char* f : kCsvFiles) CHECK(again.files.at(f) == a.files.at(f));
  const Output reseeded = run_at(dir, 2, {"--seed", "999"});
  CHECK(reseeded.files.at("runs.csv") != a.files.at("runs.csv"));
  CHECK(reseeded.files.at("manifest.json").find("\"seed\": 999,") != std::string::npos);
}
