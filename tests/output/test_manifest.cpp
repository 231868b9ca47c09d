// manifest.json (sim/output/manifest.cpp): valid JSON, the keys in their
// order, the scenario and the outputs' declarations.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "model/params.hpp"
#include "output/manifest.hpp"
#include "support.hpp"

using namespace ds;
using ds::test::read_file;
using ds::test::TempDir;

TEST_CASE("manifest.json is valid JSON with the required keys", "[output][manifest]") {
  TempDir dir;
  Scenario sc;
  sc.meta.name = "quote \" and backslash \\ and\nnewline";
  sc.meta.source_file = "scenarios/caf\xe9.toml";  // not UTF-8: written with U+FFFD
  sc.partners.push_back(default_partner());
  Event ev;
  ev.year = 3;
  ev.kind = EventKind::PartnerExit;
  ev.partner = "default coaching provider";
  sc.events.push_back(ev);
  sc.district.school_list.push_back({"Adams", 30, 0.7, 0.4});
  RunManifest m;
  m.argv = {"districtsim", "run", "my scenario.toml", "--out", "o", "--set", "strategy.pace=0.8"};
  m.overrides = {"strategy.pace=0.8"};
  m.seeds = {1, 18446744073709551615ull};
  m.threads = 2;
  m.wall_seconds = 1.25;
  m.teacher_steps = 123456789;
  m.started_at = "2024-01-02T03:04:05Z";
  {
    std::ofstream(dir / "runs.csv") << "replication\n0\n";  // 14 bytes
    std::ofstream(dir / "a.csv") << "";
    std::ofstream(dir / "notes.txt") << "not an output";
  }
  write_manifest(dir / "manifest.json", sc, m);

  const std::string text = read_file(dir / "manifest.json");
  CHECK(text.find("\"kind\": \"run\"") != std::string::npos);
  CHECK(text.find("\"command_line\": \"districtsim run 'my scenario.toml' --out o --set "
                  "strategy.pace=0.8\"") != std::string::npos);
  const auto j = nlohmann::json::parse(text);
  CHECK(j["seeds"] == nlohmann::json::array({1u, 18446744073709551615ull}));
  CHECK(j["teacher_steps"] == 123456789);
  // The CSV files beside it and their sizes, so that a reader can tell a
  // file cut short (analysis/ refuses it).
  CHECK(j["files"] == nlohmann::json({{"a.csv", 0}, {"runs.csv", 14}}));
  // every parameter, by its dotted key
  for (const auto& p : scenario_params()) CHECK(j["scenario"].contains(p.key));
  CHECK(j["scenario"]["scenario.name"] == sc.meta.name);
  CHECK(j["scenario_file"] == "scenarios/caf\xef\xbf\xbd.toml");
  CHECK(j["scenario"]["partners"].size() == 1);
  CHECK(j["scenario"]["events"][0]["kind"] == "partner_exit");
  CHECK(j["scenario"]["school_list"][0] == nlohmann::json({{"name", "Adams"}, {"teachers", 30}, {"need", 0.7}, {"readiness", 0.4}}));
  CHECK(j["scenario"]["strategy.pace"] == 0.5);
  // Key order: what ran, then how, then the inputs.
  std::vector<std::string> order;
  const auto ordered = nlohmann::ordered_json::parse(text);
  for (const auto& [key, value] : ordered.items()) order.push_back(key);
  CHECK(order == std::vector<std::string>{"kind", "version", "git_commit", "command_line", "scenario_file", "overrides",
                                          "seed", "replications", "seeds", "teacher_steps", "threads", "started_at",
                                          "wall_seconds", "files", "outputs", "scenario"});
  // The outputs' declarations travel with them.
  REQUIRE(j["outputs"]["metrics"].size() == static_cast<std::size_t>(kMetricCount));
  CHECK(j["outputs"]["metrics"][0]["name"] == "capacity_index");
  CHECK(j["outputs"]["metrics"][0]["label"] == "Capacity");
  CHECK(j["outputs"]["dials"].size() == static_cast<std::size_t>(kDialCount));
}
