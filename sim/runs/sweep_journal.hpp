// The journal of a sweep: every finished run, appended the moment it is
// finished, so that a sweep stopped at any moment (Ctrl-C, kill -9, power
// loss) loses nothing it finished and `--resume` reruns only what is missing.
//
// A journal is one binary file: a fixed header, then one record per run in
// the order runs finished.
//
//   header (64 bytes)   "DSJOURN1", u32 0x01020304 (byte order),
//                       u32 format version, u64 definition hash,
//                       u64 points, u64 replications, u32 columns,
//                       u32 metrics, u32 shard index, u32 shard count,
//                       u64 FNV-1a of the bytes before it
//   record              u32 "RUN1", u32 payload bytes, payload,
//                       u64 FNV-1a of the payload
//   payload             u64 run (point x replications + replication),
//                       u64 seed, u64 teacher steps, u32 trajectory rows,
//                       u32 0, f64 values[columns],
//                       (i32 year, i32 month)[rows], f64 [rows x metrics]
//
// Numbers are stored as the machine holds them (doubles bit for bit), so the
// files written from a journal are byte-identical to those of an
// uninterrupted sweep; the byte-order marker refuses a journal carried to a
// machine of the other endianness.
//
// Durability: each record goes to the kernel in one write(2) as soon as the
// run is consumed, so a killed process loses nothing it consumed; the file is
// fdatasync'ed at most once a second and when closed, so a power cut loses at
// most the last second of runs, which the resume reruns. A record cut short
// by the kill (or whose checksum does not match) ends the valid part of the
// file: scan_journal reports where, and JournalWriter truncates there.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ds {

// The most shards a sweep may be split into (`--shard K/N`, N at most this).
inline constexpr std::uint32_t kMaxShards = 100000;

struct JournalHeader {
  std::uint64_t definition = 0;  // sweep_definition_hash of the sweep it belongs to
  std::uint64_t points = 0;
  std::uint64_t replications = 0;
  std::uint32_t columns = 0;  // values per run (sweep_outcome_names)
  std::uint32_t metrics = 0;  // values per trajectory row (kMetricCount)
  std::uint32_t shard_index = 0;  // 0-based
  std::uint32_t shard_count = 1;
  bool operator==(const JournalHeader&) const = default;
};

// One finished run.
struct JournalRun {
  std::uint64_t run = 0;  // output index: point x replications + replication
  std::uint64_t seed = 0;
  std::uint64_t teacher_steps = 0;
  std::vector<double> values;  // header.columns of them
  // Trajectory rows (empty when the sweep writes no trajectories.csv).
  std::vector<std::int32_t> year, month;  // month -1 for yearly rows
  std::vector<double> trajectory;         // rows x header.metrics
};

// A file that is not a journal, or one of another sweep.
class JournalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where each valid record of a journal starts.
struct JournalScan {
  JournalHeader header;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> records;  // (run, offset), file order
  std::uint64_t valid_end = 0;  // bytes: header plus every valid record
  std::uint64_t file_size = 0;  // > valid_end when a torn record follows
  std::size_t duplicates = 0;   // records of a run already recorded (damage): skipped
};

// Reads and checks the header and every record; throws JournalError when the
// file is not a journal (or its header is damaged), std::runtime_error when
// it cannot be read. A record with a run index outside the header's sweep is
// damage too: the scan stops before it.
JournalScan scan_journal(const std::filesystem::path& file);

// Appends records with write(2) (see the durability note above).
class JournalWriter {
 public:
  // A new journal holding only `header` (an existing file is replaced).
  JournalWriter(const std::filesystem::path& file, const JournalHeader& header);
  // Continues `scan`'s journal: truncates it to scan.valid_end first.
  JournalWriter(const std::filesystem::path& file, const JournalScan& scan);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Throws std::runtime_error naming the file on any failure (disk full ...);
  // the record may then be torn, which the next scan cuts off.
  void append(const JournalRun& run);
  void close();  // fdatasync and close; throws on failure

 private:
  void write_all(const std::string& bytes);
  std::filesystem::path file_;
  JournalHeader header_;
  int fd_ = -1;
  std::string buffer_;
  std::chrono::steady_clock::time_point last_sync_;
};

// Random access to the records of a journal (after scan_journal).
class JournalReader {
 public:
  JournalReader(const std::filesystem::path& file, const JournalHeader& header);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;
  // The record starting at `offset`; throws if it is not a valid one.
  void read(std::uint64_t offset, JournalRun& out);
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  JournalHeader header_;
  int fd_ = -1;
  std::string buffer_;
};

// FNV-1a, 64 bits: the checksums, and the sweep definition hash.
std::uint64_t fnv1a64(const void* data, std::size_t bytes,
                      std::uint64_t h = 0xcbf29ce484222325ULL);

}  // namespace ds
