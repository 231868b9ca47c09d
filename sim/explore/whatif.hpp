// The what-if behind `districtsim explore`: a baseline scenario file, read
// once, and a what-if that is the same file with overrides (the keys and values `--set`
// takes, validated as `--set` validates them). Both run with the same
// replication seeds (common random numbers), in-process; the result, as JSON,
// is what the page draws: per year, the median and 10th-90th percentiles of
// each shown metric over the runs whose initiative is still active, the share
// of runs where it ended, and the paired difference of the what-if from the
// baseline with its 95% t interval, plus a one-sentence bottom line.
//
// JSON in, JSON out (docs/explore.md). Everything here is a pure function of
// its inputs but for the cancellation flag; the server (explore/server.hpp)
// adds the sockets, the bounds and the cancelling of superseded requests.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "input/diagnostic.hpp"
#include "model/metrics.hpp"

namespace ds::explore {

// Bounds of a request: what a page may ask for in about a second.
inline constexpr int kMaxReplications = 400;
inline constexpr std::size_t kMaxOverrides = 200;
// replications x years x teachers of one what-if: the reference district at
// 40 replications is 4 million (about a second on 2 cores).
inline constexpr double kMaxTeacherYears = 200e6;

// A what-if request: {"set": {"strategy.pace": 0.8, ...}, "replications": 40,
// "years": 25, "client": "page id", "seq": 7}; every member optional.
// `problems` lists what is malformed (wrong JSON types, too many overrides)
// as "key: problem (expected ...)".
struct Request {
  // "key=value": the set's, then replications and years (which win over a
  // scenario.replications or scenario.years in the set).
  std::vector<std::string> overrides;
  std::string client;       // the page; "" = none
  std::uint64_t seq = 0;    // its requests' order: a later one supersedes
  std::vector<std::string> problems;
};
Request parse_request(const nlohmann::json& body);

// The metrics the page shows, in order.
const std::vector<Metric>& shown_metrics();

// "key: problem (expected ...)": a diagnostic as the page and the API show it
// (the file:line:col of a --set value says nothing there).
std::string message(const Diagnostic& d);

// The baseline: its file and the text read from it when the explorer
// started. Every what-if is that text with overrides, so that an edit of the
// file while the explorer runs changes nothing it shows (restart to take it).
struct Baseline {
  std::filesystem::path file;
  std::string text;
};
// The file read and checked; nullopt with the loader's messages if it does
// not load.
std::optional<Baseline> read_baseline(const std::filesystem::path& file, std::vector<std::string>& errors);

// The baseline as the page's controls need it: the file, its district, the
// partners on offer, the dials with the seeds' words for each pole, the
// replications, horizon and seed, and the range the validator allows for
// every setting the page shows.
nlohmann::json describe_baseline(const Baseline& baseline);

struct Outcome {
  // invalid: the request's fault (400); failed: the program's (500).
  enum class Status { ok, invalid, cancelled, failed } status = Status::ok;
  nlohmann::json body;  // the result, or {"errors": [...]}
};

// The baseline's runs at each replications, horizon and seed asked for, kept
// between what-ifs (the same inputs give the same runs); at most kEntries.
class BaselineCache {
 public:
  static constexpr std::size_t kEntries = 16;
  BaselineCache();
  ~BaselineCache();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

// Runs the baseline at its own replications, horizon and seed into `cache`,
// so that the page's first what-if runs only its own runs.
// `cancel`, when it becomes true, stops it.
void prepare_baseline(const Baseline& baseline, int threads, BaselineCache& cache,
                      const std::atomic<bool>* cancel = nullptr);

// Runs the baseline and the what-if (`overrides` on the baseline file) with
// the what-if's replications, horizon and seed (the baseline takes the same,
// so that they pair), on `threads` threads; the baseline's runs come from
// `cache` when it holds them. The withdrawal probes are not run (the page
// shows nothing they give, and they change nothing else). `cancel`, when it
// becomes true, stops the runs not yet started and returns
// Status::cancelled.
Outcome run_whatif(const Baseline& baseline, const std::vector<std::string>& overrides, int threads,
                   const std::atomic<bool>* cancel = nullptr, BaselineCache* cache = nullptr);

// The what-if as a scenario file `districtsim run` accepts, reproducing the
// what-if's numbers with the same seed; {"errors": [...]} if it is invalid.
Outcome save_whatif(const Baseline& baseline, const std::vector<std::string>& overrides);

// A scenario file read on the page ("load scenario"), as what-if settings of
// the page: {"set": {...}, "replications": N, "years": N} for the district,
// partner and dial values the page shows that differ from the baseline, and
// "not_shown": what else differs that the page cannot show (other partners,
// events, model parameters...). Invalid: {"errors": [...]} with the file
// validator's "name:line:col: key: problem (expected ...)" messages.
Outcome load_whatif(const Baseline& baseline, const std::string& toml, const std::string& name);

}  // namespace ds::explore
