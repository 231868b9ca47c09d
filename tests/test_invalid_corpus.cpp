// The corpus of invalid scenarios: each tests/scenarios/invalid/NAME.toml must
// produce exactly the diagnostics listed in NAME.expected, one per line, with
// paths relative to tests/scenarios/invalid (files the corpus entries include,
// such as base files and schools files, live in its parts/ folder).
//
// The .expected files are written by hand and checked by eye: they are the
// user-facing messages, so a change to one is a change to the interface.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scenario_loader.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(DISTRICTSIM_SOURCE_DIR) / "tests" / "scenarios" / "invalid";

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// Diagnostics name files by the path the loader was given; make them relative
// to the corpus folder so the expected files do not depend on the checkout.
std::string relative_to_corpus(std::string s) {
  const std::string prefix = kCorpus.string() + "/";
  for (std::size_t at; (at = s.find(prefix)) != std::string::npos;) s.erase(at, prefix.size());
  return s;
}

}  // namespace

TEST_CASE("invalid scenarios produce exactly their expected diagnostics", "[loader][corpus]") {
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(kCorpus))
    if (e.path().extension() == ".toml") cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 15);
  for (const auto& file : cases) {
    const fs::path expected_file = fs::path(file).replace_extension(".expected");
    INFO(file.filename().string());
    REQUIRE(fs::exists(expected_file));
    const ds::LoadResult r = ds::load_scenario(file);
    CHECK_FALSE(r.ok());
    std::vector<std::string> actual;
    for (const auto& d : r.diagnostics) actual.push_back(relative_to_corpus(d.to_string()));
    CHECK(actual == read_lines(expected_file));
  }
}
