// Running a sweep (`districtsim sweep`): every (point, replication) run of a
// design, in parallel, streamed to CSV files in output order.
//
// Files (all in `dir`, which the caller stages with OutputDir):
//   points.csv         point, then one column per varied parameter (dotted key)
//   runs.csv           point,replication,seed, the per-run outputs, then each
//                      yearly metric at years 3, 5, 10 (those before the
//                      horizon) and the horizon: <metric>_y3 ... <metric>_final
//   point_summary.csv  point,outcome,mean,sd,p05..p95 over replications, for
//                      every value column of runs.csv
//   trajectories.csv   point,replication,year,[month,]metrics; only when the
//                      base scenario has [output] trajectories = true
//   sensitivity.csv    sobol: outcome,parameter,index,value,ci_low,ci_high,rows
//                      morris: outcome,parameter,mu,mu_star,sigma,
//                              mu_star_ci_low,mu_star_ci_high,effects
// Rows are in (point, replication) order, whatever order the runs were
// executed in.
//
// Execution (docs/sweeps.md section 10): runs execute in coverage order
// (design.hpp, RunOrder), so that a sweep stopped early has covered the
// space evenly, and every finished run is appended to the sweep's journal
// (sweep_journal.hpp) in a work directory, "NAME.partial" beside the
// results directory NAME. Only when every run is in the journal are the
// CSV files written, from the journal, in output order; so the files of a
// sweep that was killed and resumed any number of times are identical to
// those of an uninterrupted one, and a shard's journal merges into exactly
// the files the unsharded sweep would write.
//
// The work directory holds:
//   journal.bin      the finished runs
//   definition.txt   sweep_definition(): a resume or a merge refuses a sweep
//                    whose definition is not this one, byte for byte
//   invocation.txt   the sweep file (absolute) and the --set values, so that
//                    `districtsim merge` can load the sweep again
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runs/design.hpp"
#include "output/manifest.hpp"
#include "output/output.hpp"
#include "runs/sweep_journal.hpp"
#include "input/sweep_spec.hpp"

namespace ds {

// The runs.csv value columns (after point,replication,seed): the outcomes of
// point_summary.csv and sensitivity.csv. `horizon` is scenario.years.
std::vector<std::string> sweep_outcome_names(int horizon);

// The years reported in runs.csv besides the horizon: 3, 5, 10, those < horizon.
std::vector<int> sweep_report_years(int horizon);

// A deterministic part of a sweep: the runs at positions p of the coverage
// order with p mod count == index. Round robin, so every shard covers the
// space evenly and takes about the same time.
struct SweepShard {
  std::size_t index = 0;  // 0-based (the command line says K/N with K from 1)
  std::size_t count = 1;
  bool sharded() const { return count > 1; }
};

// "K/N" with 1 <= K <= N <= 100000; on error, returns nullopt and sets `problem`.
std::optional<SweepShard> parse_shard(const std::string& text, std::string& problem);

// How many of a sweep's `runs` runs are `shard`'s: runs / count, and one
// more for each of the first runs % count shards.
std::size_t shard_size(std::size_t runs, const SweepShard& shard);

// A problem with the user's input found while preparing a sweep (an
// interrupted sweep in the way, a definition that changed, shards that do
// not belong together): exit status 2.
class SweepInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Everything that decides a sweep's results, as text: the districtsim
// version and commit, the sweep's canonical text and the resolved base
// scenario (with its school list).
std::string sweep_definition(const SweepSpec& spec);

// How the sweep was invoked, enough to load it again (merge).
// This build, "districtsim VERSION (COMMIT)", as invocation.txt records it.
std::string program_identity();

struct SweepInvocation {
  std::filesystem::path file;     // the sweep file, absolute
  std::vector<std::string> sets;  // --set values, in order
  // The build that ran it: this one for a new sweep (invocation.txt records
  // this program's whatever is set here); read back from a work or shard
  // directory ("" from one written before it was recorded).
  std::string program = program_identity();
};

// The work directory of results directory `out`: "NAME.partial" beside it.
std::filesystem::path sweep_work_dir(const std::filesystem::path& out);

// The state of a work directory, ready for run_sweep.
struct SweepWork {
  std::filesystem::path dir;
  JournalScan journal;       // the runs already finished (none when fresh)
  bool resumed = false;      // an existing journal was opened
  std::size_t total = 0;     // runs of this shard
  std::size_t finished = 0;  // of them, already in the journal
  std::filesystem::path journal_file() const { return dir / "journal.bin"; }
};

// Prepares `dir` for the sweep:
//  - absent: creates it with definition.txt, invocation.txt and an empty journal;
//  - present with `resume`: checks that definition.txt and the journal belong
//    to this sweep and shard (SweepInputError saying what changed when not),
//    and scans the journal (a torn last record is dropped);
//  - present without `resume`: SweepInputError, unless `discard` (--force),
//    which removes it and starts afresh.
// A directory without a journal (killed while being created) starts afresh.
// Whether `out` holds the finished results of this sweep (its shard): a
// sweep's manifest with the same definition and shard, and no work folder of
// an unfinished run beside it. `sweep --resume` on such a folder has nothing
// left to do.
bool sweep_is_complete(const std::filesystem::path& out, const SweepSpec& spec, const SweepShard& shard);

// The runs a --resume in work folder `dir` would find finished (0 when it
// holds no journal), checked as prepare_sweep_work checks them; reads only
// (sweep --resume --dry-run).
std::size_t sweep_runs_to_resume(const std::filesystem::path& dir, const SweepSpec& spec, const Design& design,
                                 const SweepShard& shard);

SweepWork prepare_sweep_work(const std::filesystem::path& dir, const SweepSpec& spec,
                             const Design& design, const SweepShard& shard,
                             const SweepInvocation& invocation, bool resume, bool discard);

struct SweepRunOptions {
  int threads = 1;
  const std::atomic<bool>* cancel = nullptr;
  std::function<void()> on_run;  // after each consumed run (progress)
  std::size_t bootstrap = 1000;  // resamples for sensitivity intervals
  SweepShard shard;
};

struct SweepRunResult {
  std::size_t runs = 0;      // of this shard, finished now or before
  std::size_t executed = 0;  // run by this call
  bool cancelled = false;
};

// Runs, in coverage order, every run of opts.shard that is not in the work
// directory's journal yet, appending each to the journal as it finishes.
SweepRunResult run_sweep(const SweepSpec& spec, const Design& design, SweepWork& work,
                         const SweepRunOptions& opts);

// The outcomes of the sweep's CSV files, from its journals.
struct SweepTotals {
  std::size_t runs = 0;
  std::uint64_t teacher_steps = 0;
};

// Writes points.csv, runs.csv, point_summary.csv, trajectories.csv (when the
// base scenario asks) and sensitivity.csv (sobol, morris) into `dir`, from
// `journals`: one for an unsharded sweep, one per shard for a merge. Every
// run of the sweep must be in exactly one of them (std::runtime_error
// naming the first missing or doubled run otherwise). When `cancel` becomes
// true (SIGINT, SIGTERM), it stops between points with SweepCancelled; the
// caller discards `dir`.
struct SweepCancelled : std::runtime_error {
  SweepCancelled() : std::runtime_error("interrupted") {}
};
SweepTotals write_sweep_results(const SweepSpec& spec, const Design& design,
                                const std::vector<std::filesystem::path>& journals,
                                const std::filesystem::path& dir, std::size_t bootstrap = 1000,
                                const std::atomic<bool>* cancel = nullptr);

// A shard's results directory: manifest.json (kind "sweep-shard"),
// journal.bin, definition.txt and invocation.txt, moved out of the work
// directory `work` into `dir`.
SweepTotals write_shard_results(const SweepWork& work, const std::filesystem::path& dir);

// Why the sweep in work or shard directory `dir` is not `spec` ("" when it
// is): which part of the definition changed, and the first changed line.
std::string sweep_definition_mismatch(const std::filesystem::path& dir, const SweepSpec& spec);

// Reads invocation.txt of a work or shard directory.
SweepInvocation read_invocation(const std::filesystem::path& dir);

// The invocation of the sweep that shard directories `dirs` (as given to
// `districtsim merge`) come from: read_invocation of the first that is a
// shard, finished or begun (its work directory DIR.partial); a folder that
// exists but is neither is refused (SweepInputError naming it), as is a list
// where no folder exists.
SweepInvocation shard_invocation(const std::vector<std::filesystem::path>& dirs);

// The shards of one sweep, ready to merge.
struct MergeShards {
  std::vector<std::filesystem::path> journals;  // journal.bin of each of `dirs`, in their order
  std::size_t count = 0;                        // N: the sweep was split into N shards
  std::size_t resumed_runs = 0;                 // the shards' resumed_runs, summed
};

// Checks that shard directories `dirs` are together the whole sweep
// `spec`: each ran this definition, all of them split it into the same
// number of shards, no shard comes twice or is missing, and each finished
// all its runs. SweepInputError saying what is wrong otherwise: every
// unfinished shard (its work directory DIR.partial), with the runs it lacks
// and the command that finishes it, and every shard that never started.
MergeShards check_shards(const std::vector<std::filesystem::path>& dirs, const SweepSpec& spec,
                         const Design& design);

// manifest.json of a sweep: kind "sweep", version, git commit, command line,
// sweep file, overrides, the sweep definition (canonical_text), design,
// points, replications, seeds, teacher_steps, threads, started_at,
// wall_seconds and the resolved base scenario.
// `shard` and `shards` add "shard": "K/N" (kind "sweep-shard") or
// "merged_shards": N (kind "sweep").
struct SweepManifestExtra {
  std::optional<SweepShard> shard;
  std::size_t merged_shards = 0;
  std::size_t resumed_runs = 0;  // runs found finished in the journal at the last start
};
void write_sweep_manifest(const std::filesystem::path& file, const SweepSpec& spec,
                          std::size_t points, const RunManifest& m,
                          const SweepManifestExtra& extra = {});

}  // namespace ds
