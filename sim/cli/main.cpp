// districtsim: the command line. Parses flags and calls one command
// (cli/commands.hpp, one file each); the exit statuses are listed there.
#include <oneapi/tbb/info.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/commands.hpp"

using namespace ds::cli;

namespace {

// The flags `run` and `compare` share; returns the --seed option (whether it
// was given is known only after parsing). `from` names where the defaults of
// --replications and --seed come from.
CLI::Option* add_ensemble_options(CLI::App* cmd, RunArgs& a, const std::string& from) {
  a.threads = std::max(1, tbb::info::default_concurrency());
  cmd->add_option("-o,--out", a.out, "Results directory (written all or nothing)")->required();
  cmd->add_option("-n,--replications", a.replications, "Replications (default: " + from + ")")
      ->check(CLI::Range(1, 100000));
  CLI::Option* seed =
      cmd->add_option("--seed", a.seed, "Base seed (default: " + from + ")")
          ->transform(CLI::Validator(
              [](std::string& v) -> std::string {
                // CLI11 would wrap "-5" into a huge unsigned seed, clamp one
                // above 2^64 - 1 silently, and read "010" as octal (8): the
                // seed is checked as decimal digits and passed on without
                // its leading zeros.
                const bool digits =
                    !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
                const std::string max = std::to_string(std::numeric_limits<std::uint64_t>::max());
                const std::size_t lead = std::min(v.find_first_not_of('0'), v.size());
                const std::string d = lead == v.size() ? "0" : v.substr(lead);
                const bool fits = d.size() < max.size() || (d.size() == max.size() && d <= max);
                if (!digits || !fits) return "must be an integer from 0 to " + max;
                v = d;
                return "";
              },
              "UINT64"));
  cmd->add_option("-j,--threads", a.threads, "Worker threads (default: all hardware threads)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  cmd->add_option("--set", a.sets, "Override a parameter, e.g. strategy.pace=0.8 (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  cmd->add_flag("-q,--quiet", a.quiet, "Print nothing but errors");
  cmd->add_flag("--dry-run", a.dry_run,
                "Time a few runs, print the estimated duration, memory and disk; write nothing");
  cmd->add_flag("-f,--force", a.force, "Replace an existing non-empty results directory");
  cmd->add_flag("--report", a.report, "Also build DIR/report.html (analysis/report.py)");
  cmd->add_flag("--no-resource-check", a.no_resource_check,
                "Run even if the estimated memory or output size exceeds what the machine has");
  return seed;
}

}  // namespace

// The parser's commands, as the command-line hints read them.
std::vector<ds::CommandInfo> describe_commands(CLI::App& app) {
  std::vector<ds::CommandInfo> commands;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    ds::CommandInfo c{sub->get_name(), sub->get_description(), {}, {}, 0};
    for (const CLI::Option* opt : sub->get_options()) {
      if (!opt->nonpositional()) {
        const int most = opt->get_items_expected_max();
        c.max_positionals = c.max_positionals < 0 || most >= CLI::detail::expected_max_vector_size
                                ? -1
                                : c.max_positionals + most;
        continue;
      }
      std::vector<std::string> spellings;
      for (const auto& n : opt->get_lnames()) spellings.push_back("--" + n);
      for (const auto& n : opt->get_snames()) spellings.push_back("-" + n);
      c.options.insert(c.options.end(), spellings.begin(), spellings.end());
      if (opt->get_type_size_max() > 0)
        c.value_options.insert(c.value_options.end(), spellings.begin(), spellings.end());
    }
    commands.push_back(std::move(c));
  }
  return commands;
}

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);
  // Past a file-size limit (ulimit -f), a write fails with EFBIG, which the
  // writers report, instead of the default SIGXFSZ killing the process
  // without a word.
  ::signal(SIGXFSZ, SIG_IGN);
  if (argc > 0) ds::set_program_command(argv[0]);

  CLI::App app{"districtsim: agent-based simulation of school districts scaling blended learning"};
  app.name("districtsim");
  app.set_version_flag("--version", std::string("districtsim ") + DISTRICTSIM_VERSION + " (git " +
                                        DISTRICTSIM_GIT_COMMIT + ")\nreport support: " + analysis_dir());
  app.require_subcommand(1);

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario's replications and write results");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (TOML)")->required();
  CLI::Option* run_seed = add_ensemble_options(run_cmd, run, "the scenario's");

  CompareArgs compare;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "Run scenarios with common random numbers and compare them with the first");
  compare_cmd
      ->add_option("scenarios", compare.scenarios,
                   "Scenario files (TOML); the first is the baseline")
      ->required()
      ->expected(-2);
  CLI::Option* compare_seed = add_ensemble_options(compare_cmd, compare, "the first scenario's");

  std::vector<std::string> files, validate_sets;
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "Check scenario files without running them");
  validate_cmd->add_option("files", files, "Scenario or sweep files (TOML)")->required();
  validate_cmd->add_option("--set", validate_sets, "Override a parameter (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);

  bool markdown = false;
  CLI::App* params_cmd = app.add_subcommand(
      "params", "List every parameter: key, default, range, unit, meaning, source");
  params_cmd->add_flag("--markdown", markdown, "Print a markdown table (for docs)");
  bool metrics = false;
  params_cmd->add_flag("--metrics", metrics,
                       "Print the outputs' declarations (metrics, per-run outputs, dials) and "
                       "the sweep designs as JSON");

  SweepArgs sweep;
  sweep.threads = std::max(1, tbb::info::default_concurrency());
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Run a parameter sweep (sweep file with a [sweep] table) and write its results");
  sweep_cmd->add_option("sweep", sweep.file, "Sweep file (TOML)")->required();
  sweep_cmd->add_option("-o,--out", sweep.out, "Results directory (written all or nothing)")
      ->required();
  sweep_cmd
      ->add_option("-j,--threads", sweep.threads, "Worker threads (default: all hardware threads)")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  sweep_cmd
      ->add_option("--set", sweep.sets,
                   "Override a [sweep] value (sweep.samples=64) or a base scenario parameter")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  sweep_cmd->add_flag("-q,--quiet", sweep.quiet, "Print nothing but errors");
  sweep_cmd->add_flag("-f,--force", sweep.force,
                      "Replace an existing non-empty results directory, and discard the finished "
                      "runs of an interrupted sweep unless --resume");
  sweep_cmd->add_flag("--dry-run", sweep.dry_run,
                      "Print points, runs and an estimated duration; write nothing");
  sweep_cmd->add_flag("--resume", sweep.resume,
                      "Continue an interrupted sweep (finished runs are kept in OUT.partial)");
  sweep_cmd->add_option("--shard", sweep.shard, "Run only the K-th of N parts (join with merge)")
      ->type_name("K/N");
  sweep_cmd->add_flag("--report", sweep.report, "Also build DIR/report.html (analysis/report.py)");
  sweep_cmd->add_flag(
      "--no-resource-check", sweep.no_resource_check,
      "Run even if the estimated memory or output size exceeds what the machine has");

  MergeArgs merge;
  CLI::App* merge_cmd =
      app.add_subcommand("merge", "Join the shards of a sweep (sweep --shard K/N) into its results");
  merge_cmd->add_option("shards", merge.shards, "Shard results directories, all N")
      ->required()
      ->expected(-1);
  merge_cmd->add_option("-o,--out", merge.out, "Results directory (written all or nothing)")
      ->required();
  merge_cmd->add_flag("-q,--quiet", merge.quiet, "Print nothing but errors");
  merge_cmd->add_flag("-f,--force", merge.force, "Replace an existing non-empty results directory");
  merge_cmd->add_flag("--report", merge.report, "Also build DIR/report.html (analysis/report.py)");
  merge_cmd->add_flag(
      "--no-resource-check", merge.no_resource_check,
      "Merge even if the estimated output size exceeds the free space of its filesystem");

  std::string report_dir;
  bool report_png = false;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Turn a results directory (run, compare or sweep) into DIR/report.html");
  report_cmd->add_option("dir", report_dir, "Results directory")->required();
  report_cmd->add_flag("--png", report_png, "Also write each figure as a PNG in DIR/figures/");
  std::vector<std::string> report_heatmaps;
  std::string report_outcome;
  std::vector<std::string> report_material;
  report_cmd
      ->add_option(
          "--heatmap", report_heatmaps,
          "Sweeps: a heatmap over two varied parameters, e.g. strategy.pace,strategy.bundling")
      ->type_name("A,B")
      ->allow_extra_args(false);
  report_cmd->add_option(
      "--outcome", report_outcome,
      "Sweeps: the key outcome, a runs.csv column (default capacity_index_final)");
  report_cmd
      ->add_option("--material", report_material,
                   "Comparisons: the smallest clear difference the bottom line calls material, e.g. "
                   "capacity=0.03 or spending=0.1 (defaults: capacity 0.02, self_sufficiency 0.05, "
                   "equity 0.02, running 0.05, spending 0.05 of the baseline's)")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);

  ExploreArgs explore;
  explore.threads = std::max(1, tbb::info::default_concurrency());
  CLI::App* explore_cmd = app.add_subcommand(
      "explore", "Explore what-ifs against a scenario in the browser (a local web page)");
  explore_cmd->add_option("scenario", explore.scenario, "Baseline scenario (default scenarios/reference.toml)");
  explore_cmd->add_option("--port", explore.port, "Port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  explore_cmd->add_option("--host", explore.host, "Address to listen on (another machine can reach 0.0.0.0)")
      ->capture_default_str();
  explore_cmd->add_option("-j,--threads", explore.threads, "Worker threads of a what-if (default: all hardware threads)")
      ->check(CLI::Range(1, 1024));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version; then what was meant, where it can be told (no
    // command, an unknown command or option, two files to `run`); else the
    // parser's own message.
    if (e.get_exit_code() != 0) {
      if (const std::string hint = ds::command_line_hint(args, describe_commands(app)); !hint.empty()) {
        std::cerr << hint << '\n';
        return kBadInput;
      }
    }
    const int code = app.exit(e);  // prints help, version, or the error
    return code == 0 ? kOk : kBadInput;
  }
  run.seed_given = run_seed->count() > 0;
  compare.seed_given = compare_seed->count() > 0;

  if (run_cmd->parsed()) {
    const int rc = cmd_run(run, args);
    return rc == kOk && run.report ? cmd_report(run.out, false, run.quiet) : rc;
  }
  if (compare_cmd->parsed()) {
    const int rc = cmd_compare(compare, args);
    return rc == kOk && compare.report ? cmd_report(compare.out, false, compare.quiet) : rc;
  }
  if (sweep_cmd->parsed()) {
    const int rc = cmd_sweep(sweep, args);
    const bool report = rc == kOk && sweep.report && sweep.shard.empty();
    return report ? cmd_report(sweep.out, false, sweep.quiet) : rc;
  }
  if (merge_cmd->parsed()) {
    const int rc = cmd_merge(merge, args);
    return rc == kOk && merge.report ? cmd_report(merge.out, false, merge.quiet) : rc;
  }
  if (report_cmd->parsed())
    return cmd_report(report_dir, report_png, false, report_heatmaps, report_outcome, report_material);
  if (explore_cmd->parsed()) return cmd_explore(explore);
  if (validate_cmd->parsed()) return cmd_validate(files, validate_sets);
  if (params_cmd->parsed()) return cmd_params(markdown, metrics);
  return kBadInput;
}
