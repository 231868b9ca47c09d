// The corpus of invalid scenarios: each tests/scenarios/invalid/NAME.toml must
// produce exactly the diagnostics listed in NAME.expected, one per line, with
// paths relative to tests/scenarios/invalid (files the corpus entries include,
// such as base files and schools files, live in its parts/ folder).
//
// The .expected files are written by hand and checked by eye: they are the
// user-facing messages, so a change to one is a change to the interface.
#include <catch2/catch.hpp>
#include <filesystem>

#include "input/scenario_loader.hpp"
#include "support.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = fs::path(DISTRICTSIM_SOURCE_DIR) / "tests" / "scenarios" / "invalid";

}  // namespace

TEST_CASE("invalid scenarios produce exactly their expected diagnostics", "[loader][corpus]") {
  ds::test::check_corpus(kCorpus, 15, [](const fs::path& f) { return ds::load_scenario(f); });
}
