// The resource guard: before `run`, `compare` or `sweep` starts, estimate the
// peak memory and the output's size on disk, compare them with what the
// machine has, and refuse a command that would not fit (the CLI exits 2 and
// writes nothing; --no-resource-check skips the check).
//
// The estimates are arithmetic on the command's sizes (teachers, runs in
// flight, output rows), with per-unit figures measured on the Release build
// with /usr/bin/time -v and the files `run` writes (the constants below say
// how). They aim a little high: refusing a command that would just have fit
// costs a flag; starting one that fills the disk after an hour, or gets
// killed by the kernel, costs the hour.
//
// What the machine has: MemAvailable from /proc/meminfo (memory the kernel
// can hand out without swapping), and std::filesystem::space(...).available
// on the filesystem of the output directory (its nearest existing ancestor).
// For tests, DISTRICTSIM_FAKE_MACHINE="memory=SIZE,disk=SIZE" (either part
// optional; SIZE in bytes or with K, M, G, T, binary) replaces those figures,
// so a test can show a refusal without a huge run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/scenario.hpp"
#include "input/sweep_spec.hpp"

namespace ds {

// ---------------------------------------------------------------- figures

// Measured per-unit figures (Release build, g++ 12, x86-64).
namespace resource_figures {
// Resident memory of the program itself (binary, TBB, the explorer's web
// server with the TLS and compression libraries Debian's cpp-httplib links,
// three 1 MiB file buffers): maximum resident set of `run` on a 1-school,
// 5-teacher scenario with 1 replication was 15.7 MB (11.2 MB before the
// explorer); rounded up.
inline constexpr std::uint64_t kBaseMemory = std::uint64_t{17} << 20;
// Memory of one run in progress, per teacher: maximum resident set of 2000
// schools x 100 vs x 300 teachers, 1 replication on 1 thread (42.8 vs
// 108.0 MB) is 163 bytes per teacher (network, columns, school tables), and
// 2 threads on the 600,000-teacher district peaked at 210.8 MB = base + 2
// runs; rounded up.
inline constexpr std::uint64_t kBytesPerTeacher = 176;
// A finished run waiting for the writer: its metric table (8 bytes a value)
// plus per school outcome (sizeof(SchoolOutcome) is 128; names of up to 15
// characters live inside it) and a fixed part.
inline constexpr std::uint64_t kBytesPerSchoolOutcome = 128;
inline constexpr std::uint64_t kBytesPerResult = 1024;
// Summary statistics kept per output row and metric (CellStats).
inline constexpr std::uint64_t kBytesPerCellStats = 80;
// One number in a CSV file with its comma: 7.5 bytes on average in
// trajectories.csv of the reference district (monthly, 4 replications), at
// most 17 ("-1.234567891e-05,"); 10 leaves a margin for larger districts.
inline constexpr std::uint64_t kBytesPerCsvNumber = 10;
// One row of summary.csv (year, metric name, mean, sd, seven quantiles): 98.6
// bytes on average for the reference district; rounded up.
inline constexpr std::uint64_t kBytesPerSummaryRow = 120;
// One row of schools.csv besides the school's name: 64 bytes on average for
// the reference district at 25 years (names "school-17"), at most 76; rounded up.
inline constexpr std::uint64_t kBytesPerSchoolRow = 72;
// manifest.json besides the seeds: 19.8 KB for the reference scenario (one
// run; the scenario, the outputs' declarations), rounded up for more
// partners, events and a schools file; and each seed on its own line, 26
// bytes with its indentation, rounded up.
inline constexpr std::uint64_t kManifestBytes = 24 << 10;
inline constexpr std::uint64_t kManifestBytesPerSeed = 28;
}  // namespace resource_figures

// ---------------------------------------------------------------- estimates

// An estimate, with its larger parts named for the message.
struct ResourceEstimate {
  std::uint64_t memory = 0;  // peak resident bytes
  std::uint64_t disk = 0;    // peak bytes on the output's filesystem (staging included)
  // What makes up each figure, e.g. {"trajectories.csv", 31e9}; in the order
  // added. Their sums are `memory` and `disk`.
  std::vector<std::pair<std::string, std::uint64_t>> memory_parts, disk_parts;
};

// `run` of `s` (its replications and output settings) on `threads` threads.
ResourceEstimate estimate_run(const Scenario& s, int threads);
// `compare` of `scenarios` (each with the common replications set).
ResourceEstimate estimate_compare(const std::vector<Scenario>& scenarios, int threads);
// `sweep` of `spec` with a design of `points` points, of which this command
// executes `runs` runs (all of them, or a shard's); `sharded`: the results
// are the shard's journal, not the CSV files.
ResourceEstimate estimate_sweep(const SweepSpec& spec, std::size_t points, std::size_t runs,
                                bool sharded, int threads);

// Teachers in one run of `s`: the schools file's rows, or schools x
// teachers_per_school.
std::uint64_t teachers_of(const Scenario& s);
// Output rows of one run: years + 1, or 12 x years + 1 with monthly output.
std::uint64_t rows_of(const Scenario& s);

// ---------------------------------------------------------------- the machine

struct MachineResources {
  std::optional<std::uint64_t> memory;  // available bytes; nullopt when unknown
  std::optional<std::uint64_t> disk;    // bytes free for this process
  std::filesystem::path disk_path;      // the existing directory measured
  bool faked = false;                   // from DISTRICTSIM_FAKE_MACHINE
};

// MemAvailable (bytes) from the text of /proc/meminfo; nullopt if absent.
std::optional<std::uint64_t> mem_available(std::string_view meminfo);
// "64M", "2G", "1024" -> bytes; nullopt when malformed.
std::optional<std::uint64_t> parse_size(std::string_view text);
// What this machine has for output directory `out`. `fake`: the value of
// DISTRICTSIM_FAKE_MACHINE ("" or nullptr: none). Throws std::invalid_argument
// on a malformed fake.
MachineResources machine_resources(const std::filesystem::path& out, const char* fake);

// ---------------------------------------------------------------- the check

// Empty when `e` fits in `m`; otherwise one message per resource that does
// not fit (memory, disk), each naming the estimate and its largest parts,
// what the machine has, and --no-resource-check. A figure of the machine that
// is unknown is not checked. `command`: "run", "compare" or "sweep".
std::vector<std::string> resource_problems(const ResourceEstimate& e, const MachineResources& m,
                                           const std::string& command);

// What the CLI calls: `e` against this machine for output directory `out`
// (honouring DISTRICTSIM_FAKE_MACHINE; a malformed value is a problem too).
std::vector<std::string> check_resources(const ResourceEstimate& e,
                                         const std::filesystem::path& out,
                                         const std::string& command);

// 1536 -> "1.5 KiB", 3.2e9 -> "3.0 GiB".
std::string bytes_text(std::uint64_t bytes);

}  // namespace ds
