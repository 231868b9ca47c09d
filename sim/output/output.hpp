// Every file districtsim writes, and how: CSV formatting, the summary
// statistics over replications, the all-or-nothing output directory and the
// run files (manifest.json: output/manifest.hpp). Engine code never picks a
// file format; it fills a MetricTable, and this module writes it.
//
// Numbers: every CSV number is printed like C's "%.10g" (10 significant
// digits, shortest of fixed and scientific), through std::to_chars, so the
// text does not depend on the locale and files are byte-identical between
// runs. An empty value (kEmpty, NaN) is an empty field. -0 prints as 0.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/metrics.hpp"
#include "stats/quantiles.hpp"
#include "model/scenario.hpp"
#include "engine/schedule.hpp"
#include "input/text.hpp"

namespace ds {

// ---------------------------------------------------------------- formatting

// Appends `v` as "%.10g" would print it in the C locale; nothing when empty.
void append_number(std::string& out, double v);
// A CSV field: quoted (with "" for ") only when it holds , " CR or LF.
std::string csv_field(std::string_view s);

// Appends a metric row's key `year,[month,]metric,` (summary.csv and
// differences.csv): the month field only in monthly output, empty on a
// yearly row.
void append_row_key(std::string& out, int year, int month, bool monthly, int metric);

// Current UTC time as "YYYY-MM-DDTHH:MM:SSZ".
std::string utc_timestamp();

// ---------------------------------------------------------------- statistics

// Appends the CSV fields `mean,sd,p05,...,p95` of `c` (the columns of
// summary.csv and point_summary.csv), no leading or trailing comma.
void append_cell_stats(std::string& out, const CellStats& c);

struct Summary {
  std::size_t replications = 0;
  std::vector<int> year;         // per output row, as in the MetricTable
  std::vector<int> month;        // -1 for yearly rows
  std::vector<CellStats> cells;  // rows x kMetricCount
  std::size_t rows() const { return year.size(); }
  const CellStats& at(std::size_t row, Metric m) const {
    return cells[row * kMetricCount + static_cast<std::size_t>(m)];
  }
  // The row holding the end of year `y` (yearly row, or month 11, or the
  // starting row of year 0); rows() when there is none.
  std::size_t year_end_row(int y) const;
};

// Collects every replication's MetricTable (in replication order) and
// computes exact summary statistics at the end.
//
// Memory: the values are the only thing kept, as doubles, replication-major.
// While they fit in `memory_budget` values they stay in memory; beyond that
// they are spilled to `scratch_file` (8 bytes a value, less than the same
// numbers take in trajectories.csv), and finish() reads them back one block
// of cells at a time, each block at most `memory_budget` values. So memory
// stays flat at any replication count and the quantiles are exact: no
// streaming estimator, no approximation. The default budget (4 Mi values,
// 32 MiB) keeps a 25-year yearly run in memory up to ~5,000 replications.
class SummaryAccumulator {
 public:
  static constexpr std::size_t kDefaultBudget = std::size_t{1} << 22;

  explicit SummaryAccumulator(std::filesystem::path scratch_file,
                              std::size_t memory_budget = kDefaultBudget);
  ~SummaryAccumulator();
  SummaryAccumulator(const SummaryAccumulator&) = delete;
  SummaryAccumulator& operator=(const SummaryAccumulator&) = delete;

  // Adds one replication. Every table must have the same rows (years and
  // months) as the first; throws std::runtime_error otherwise.
  void add(const MetricTable& t);
  // Computes the statistics and removes the scratch file.
  Summary finish();

  bool spilled() const { return file_ != nullptr; }
  std::size_t replications() const { return reps_; }

 private:
  void spill();
  std::filesystem::path scratch_;
  std::size_t budget_;
  std::size_t reps_ = 0;
  std::vector<int> year_, month_;
  std::vector<double> values_;  // in memory: reps x cells
  std::FILE* file_ = nullptr;   // when spilled
};

// summary.csv: `year,[month,]metric,mean,sd,p05,...,p95`, one row per output
// row and metric, rows in time order and metrics in declaration order.
void write_summary_csv(const std::filesystem::path& file, const Summary& s, bool monthly);

// ---------------------------------------------------------------- files

// A buffered output file that reports every failure (disk full, ...) as an
// exception naming the file; close() flushes and fsyncs.
class OutFile {
 public:
  explicit OutFile(const std::filesystem::path& path);
  ~OutFile();
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;
  void write(std::string_view s);
  void close();  // flush, fsync, close; throws on failure

 private:
  std::filesystem::path path_;
  std::FILE* f_ = nullptr;
  std::vector<char> buffer_;
};

// All-or-nothing results directory.
//
// Files are written into a hidden sibling of the target, `.NAME.tmp-PID`
// (same filesystem, so the final rename is atomic), and commit() moves it to
// NAME. If NAME exists and is an empty directory, rename replaces it. If it
// is non-empty, it is refused unless `force`. Even with force, only a
// previous result (a directory holding manifest.json) is replaced, and never
// the working directory or one above it, so a mistyped --out cannot wipe
// unrelated files. A replaced directory is renamed aside
// to `.NAME.old-PID`, the new one renamed in, and the old one removed, so the
// previous results are replaced only once the new ones are complete. Until
// commit() the destructor removes the staging directory: any error, thrown
// anywhere, leaves no partial result behind. What a killed process could
// not remove (its staging directory; a previous result renamed aside) is
// cleaned up by the next OutputDir for the same target: staging directories
// of dead processes are removed, and previous results put back if the new
// ones never arrived.
class OutputLock;

class OutputDir {
 public:
  // Why `dir` cannot receive results ("" when it can). Writes nothing.
  static std::string check(const std::filesystem::path& dir, bool force);

  // Creates missing parents of `dir` and the staging directory; throws
  // std::runtime_error when check() fails or a directory cannot be made, and
  // OutputInUse when another process writes `dir`. Holds an OutputLock on
  // `dir` for its lifetime, unless the caller passes the one it holds.
  OutputDir(const std::filesystem::path& dir, bool force, const OutputLock* held = nullptr);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  const std::filesystem::path& staging() const { return staging_; }
  const std::filesystem::path& target() const { return target_; }
  void commit();

 private:
  std::unique_ptr<OutputLock> lock_;  // unless the caller holds one
  std::filesystem::path target_;  // symlinks resolved
  std::filesystem::path staging_;
  bool force_;
  bool committed_ = false;
};

// Another process is writing the results folder.
struct OutputInUse : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An advisory lock on a results folder DIR: an open file description lock
// (fcntl F_OFD_SETLK) on the hidden file `.NAME.lock` beside it, which records
// the holder's host, process id and start time. Two districtsim processes
// cannot both hold it, whether they run in one PID namespace or in two
// (containers), or on two hosts sharing the disk over NFS (which carries
// these locks); the kernel releases it when the holder dies, so a killed
// run never leaves a stale lock (only, at worst, the empty file, which the
// next holder reuses and removes). Held from the start of a run or sweep
// until its results are in place.
class OutputLock {
 public:
  // Throws OutputInUse naming the holder, or std::runtime_error when the
  // lock file cannot be made.
  explicit OutputLock(const std::filesystem::path& dir);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  const std::filesystem::path& target() const { return target_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path file_;  // .NAME.lock beside the target
  int fd_ = -1;
};

// The results folder that `dir` names: absolute, symlinks resolved (a
// symlink to a folder that does not exist yet stands for that folder), no
// trailing separator.
std::filesystem::path resolve_output_target(const std::filesystem::path& dir);

// ---------------------------------------------------------------- run outputs

// Writes trajectories.csv, runs.csv and schools.csv row by row as
// replications arrive (in replication order), and summary.csv at the end.
// Memory does not grow with replications beyond what SummaryAccumulator
// keeps.
class RunWriter {
 public:
  RunWriter(const std::filesystem::path& dir, const Scenario& scenario,
            std::size_t summary_budget = SummaryAccumulator::kDefaultBudget);
  // One finished replication.
  void add(std::size_t replication, const RunResult& r);
  // Writes summary.csv, closes (and fsyncs) every file; returns the summary.
  Summary finish();

 private:
  std::filesystem::path dir_;
  bool monthly_;
  OutFile trajectories_, runs_, schools_;
  SummaryAccumulator summary_;
  std::string line_;
};


// ---------------------------------------------------------------- text for people

// Every parameter (scenario_params(), then the fields of one [[partners]]
// and one [[events]] entry): key, default, range, unit, meaning, source. As
// an indented listing, or as a markdown table for the docs.
std::string params_listing(bool markdown);

// The key outcomes of a run for the terminal: capacity_index,
// self_sufficiency, equity_gap, spend_per_teacher and initiative_active at
// years 3, 5, 10 and `horizon` (those that exist), each as
// "median [p10..p90]" over replications.
std::string key_outcomes_table(const Summary& s, int horizon);

}  // namespace ds
