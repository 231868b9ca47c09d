// The program's commands, one file each (cli/cmd_*.cpp), and what they
// share (cli/command_support.cpp, cli/report_launcher.cpp). A command only
// wires the steps: it loads its input (input/), asks the resource guard,
// runs (runs/), writes (output/) and shows progress; cli/main.cpp parses the
// command line and calls one of them.
//
// Exit status: 0 success; 1 a run failed (internal or I/O error); 2 bad input
// (flags, scenario, output directory); 130 interrupted (SIGINT), 143
// terminated (SIGTERM). On any failure nothing is left in the output
// directory's place; a sweep keeps its finished runs for --resume.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/progress.hpp"
#include "cli/resource_guard.hpp"
#include "input/scenario_loader.hpp"
#include "input/sweep_spec.hpp"
#include "output/manifest.hpp"
#include "output/output.hpp"
#include "runs/design.hpp"

namespace ds::cli {

enum Exit : int { kOk = 0, kFailure = 1, kBadInput = 2, kInterrupted = 130, kTerminated = 143 };

// ---------------------------------------------------------------- the commands

struct RunArgs {
  std::string scenario;
  std::string out;
  int replications = 0;  // 0: the scenario's
  std::uint64_t seed = 0;
  bool seed_given = false;
  int threads = 0;
  std::vector<std::string> sets;
  bool quiet = false;
  bool force = false;
  bool report = false;  // build DIR/report.html at the end
  bool no_resource_check = false;
  bool dry_run = false;  // estimate, write nothing
};

struct CompareArgs : RunArgs {
  std::vector<std::string> scenarios;  // files, the first is the baseline
};

struct SweepArgs {
  std::string file;
  std::string out;
  int threads = 1;
  std::vector<std::string> sets;
  std::string shard;  // "K/N", empty for the whole sweep
  bool quiet = false;
  bool force = false;
  bool resume = false;
  bool dry_run = false;
  bool report = false;
  bool no_resource_check = false;
};

struct MergeArgs {
  std::vector<std::string> shards;
  std::string out;
  bool quiet = false;
  bool force = false;
  bool report = false;
  bool no_resource_check = false;
};

struct ExploreArgs {
  std::string scenario = "scenarios/reference.toml";  // the baseline
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 1;
};
int cmd_run(const RunArgs& a, const std::vector<std::string>& argv);
int cmd_compare(const CompareArgs& a, const std::vector<std::string>& argv);
int cmd_sweep(const SweepArgs& a, const std::vector<std::string>& argv);
int cmd_merge(const MergeArgs& a, const std::vector<std::string>& argv);
int cmd_validate(const std::vector<std::string>& files, const std::vector<std::string>& sets);
// Serves the what-if explorer (explore/) until Ctrl-C.
int cmd_explore(const ExploreArgs& a);
// The parameter listing, or with `metrics` the outputs' declarations as JSON.
int cmd_params(bool markdown, bool metrics);
// The HTML report of a results folder (analysis/report.py, Debian's Python).
int cmd_report(const std::string& dir, bool png, bool quiet, const std::vector<std::string>& heatmaps = {},
               const std::string& outcome = {}, const std::vector<std::string>& material = {});
// Where the report support is: DISTRICTSIM_ANALYSIS, else the installed copy
// beside the program, else the source tree's.
std::string analysis_dir();

// ---------------------------------------------------------------- shared

// Set by the first SIGINT or SIGTERM: the runners stop starting runs.
extern std::atomic<bool> g_interrupted;
// 130 after SIGINT (Ctrl-C), 143 after SIGTERM, as shells report them.
int interrupted_exit();
// The first SIGINT/SIGTERM sets g_interrupted; a second one kills as usual.
void install_signal_handlers();

// The results directory, or nullopt after printing why it cannot be used.
std::optional<ds::OutputDir> open_output(const std::string& dir, bool force, const ds::OutputLock* held = nullptr);
// Whether results could be written to `dir`, saying why not on stderr.
bool output_usable(const std::string& dir, bool force);
// The exit of a command that stopped with `e` and wrote nothing to `out`.
int failed(const char* command, const std::exception& e, const std::string& out);
// What an interrupted run or compare lost, and how not to lose it.
int interrupted_before_writing(const char* command, std::size_t done, std::size_t total, const char* unit);

void print_diagnostics(const std::vector<ds::Diagnostic>& diagnostics);
void print_warnings(const std::vector<ds::Diagnostic>& warnings);
// The resource guard: false, with the reasons on stderr, when the command's
// estimated memory or output does not fit.
bool resources_fit(const ds::ResourceEstimate& e, const std::string& out, const char* command);
ds::Progress::Options progress_options(const char* command, const char* unit, int threads, bool quiet,
                                       const char* on_stop);
// The rest of a --dry-run: runs of `sample_at` timed on `threads` (for
// about kCalibrationSeconds), the duration of `total` runs estimated from
// them, and the resource guard's figures. A sweep point that makes an
// invalid scenario (SweepInputError) is an input error. `starts_to_build`:
// the shared start states the command builds (a sweep of the dials).
int print_dry_run(const ds::SampleAt& sample_at, std::size_t total, int threads,
                  const ds::ResourceEstimate& need, std::size_t starts_to_build = 0);

// When a command started, for its manifest.
struct Started {
  std::string at = ds::utc_timestamp();
  std::chrono::steady_clock::time_point clock = std::chrono::steady_clock::now();
};
ds::RunManifest make_manifest(const std::vector<std::string>& argv, const std::vector<std::string>& sets,
                              std::vector<std::uint64_t> seeds, int threads, std::uint64_t teacher_steps,
                              const Started& started);
std::vector<std::uint64_t> sweep_seeds(const ds::SweepSpec& spec);
// "results in OUT: points.csv ..." for a sweep or a merge.
void print_sweep_files(const std::string& out, const ds::SweepSpec& spec, const ds::Design& d);

}  // namespace ds::cli
