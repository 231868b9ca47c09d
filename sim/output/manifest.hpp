// manifest.json: what a results folder holds and how it was made, for `run`,
// `compare`, `sweep` (and its shards) and `merge`. One writer through
// nlohmann/json: the fields every manifest shares (the program, the command,
// the seeds, the timing, the CSV files and their sizes) are written here
// once, and each kind adds its own between them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "model/scenario.hpp"

namespace ds {

// Keys in the order they are set: a manifest reads from what ran to how.
using Json = nlohmann::ordered_json;

// Everything manifest.json records about the command besides its inputs.
struct RunManifest {
  std::vector<std::string> argv;       // the command line, as given
  std::vector<std::string> overrides;  // --set values, in order
  std::vector<std::uint64_t> seeds;    // per replication
  int threads = 1;
  double wall_seconds = 0;
  std::uint64_t teacher_steps = 0;
  std::string started_at;  // ISO 8601 UTC
};

// The scenario as a JSON object: every parameter of scenario_params() under
// its dotted key, then `partners`, `events` and (if any) `school_list`.
Json scenario_json(const Scenario& scenario);

// The engine's declarations of its outputs, as JSON: "metrics" (every
// column of trajectories.csv and summary.csv), "run_outputs" (the per-run
// columns of runs.csv besides the metrics at the horizon) and "dials" (name,
// label and what each pole means). manifest.json carries them, and
// `districtsim params --metrics` prints them for analysis/ (scripts/metrics-table).
Json metric_tables_json();

// What `districtsim params --metrics` prints (engine_tables.json):
// metric_tables_json() and "designs", one object per row of kDesigns
// (model/designs.hpp): name, description, size key, parameter forms, group
// size and the sensitivity indices it yields. A manifest leaves the designs
// out: its sweep names its own design.
Json engine_tables_json();

// A manifest of `kind` ("run", "compare", "sweep", "sweep-shard"): `kind`,
// `version`, `git_commit` and `command_line` first; then the caller's own
// fields; write_manifest_file() closes it with `seeds`, `teacher_steps`,
// `threads`, `started_at`, `wall_seconds`, `files` (the CSV files of the
// folder and their sizes, so that a reader can tell a file cut short or
// changed after the run) and `outputs` (metric_tables_json()), and `inputs` last (the scenario, or the scenarios
// of a comparison, under the key the caller names).
Json manifest_head(const char* kind, const RunManifest& m);
// Writes `j` closed as above to `file` (indented, one key a line; the
// fields that may differ between identical runs are `command_line` (only in
// its --threads), `threads`, `started_at` and `wall_seconds`).
void write_manifest_file(const std::filesystem::path& file, Json j, const RunManifest& m,
                         const char* inputs_key, Json inputs);

// A run's manifest.json.
void write_manifest(const std::filesystem::path& file, const Scenario& scenario, const RunManifest& m);

// The manifest in `dir` (manifest.json), or a discarded value when there is
// none or it is not JSON.
Json read_manifest(const std::filesystem::path& dir);

}  // namespace ds
