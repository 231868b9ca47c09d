#include "runs/sweep_journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_set>

namespace ds {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'D', 'S', 'J', 'O', 'U', 'R', 'N', '1'};
constexpr std::uint32_t kByteOrder = 0x01020304;
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kRecordTag = 0x314E5552;  // "RUN1" read little-endian
constexpr std::size_t kHeaderBytes = 64;
constexpr std::size_t kRecordFraming = 8 + 8;  // tag, size; checksum
constexpr std::size_t kFixedPayload = 8 * 3 + 4 * 2;
// No record is larger than this: 1,000 years x 12 months of trajectory rows.
constexpr std::uint64_t kMaxPayload = std::uint64_t{1} << 30;

[[noreturn]] void fail(const std::string& what, const fs::path& file, int err) {
  throw std::runtime_error(what + " " + file.string() + ": " + std::strerror(err));
}

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
T get(const char*& p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

std::string header_bytes(const JournalHeader& h) {
  std::string out(kMagic, sizeof kMagic);
  put(out, kByteOrder);
  put(out, kVersion);
  put(out, h.definition);
  put(out, h.points);
  put(out, h.replications);
  put(out, h.columns);
  put(out, h.metrics);
  put(out, h.shard_index);
  put(out, h.shard_count);
  put(out, fnv1a64(out.data(), out.size()));
  return out;
}

JournalHeader parse_header(const char* bytes, const fs::path& file) {
  const char* p = bytes;
  if (std::memcmp(p, kMagic, sizeof kMagic) != 0)
    throw JournalError(file.string() + ": not a districtsim sweep journal");
  p += sizeof kMagic;
  if (get<std::uint32_t>(p) != kByteOrder)
    throw JournalError(file.string() + ": journal written on a machine of another byte order");
  if (get<std::uint32_t>(p) != kVersion)
    throw JournalError(file.string() + ": journal of another districtsim format version");
  JournalHeader h;
  h.definition = get<std::uint64_t>(p);
  h.points = get<std::uint64_t>(p);
  h.replications = get<std::uint64_t>(p);
  h.columns = get<std::uint32_t>(p);
  h.metrics = get<std::uint32_t>(p);
  h.shard_index = get<std::uint32_t>(p);
  h.shard_count = get<std::uint32_t>(p);
  const auto sum = get<std::uint64_t>(p);
  if (sum != fnv1a64(bytes, kHeaderBytes - 8))
    throw JournalError(file.string() + ": journal header is damaged");
  // A crafted count (with its checksum recomputed) would size the merge's
  // table of shards: 2^32 of them are 100 GB.
  if (h.shard_count == 0 || h.shard_count > kMaxShards || h.shard_index >= h.shard_count)
    throw JournalError(file.string() + ": journal header is damaged (shard)");
  return h;
}

// Payload bytes of a record with `rows` trajectory rows.
std::uint64_t payload_bytes(const JournalHeader& h, std::uint64_t rows) {
  return kFixedPayload + 8 * std::uint64_t{h.columns} + rows * (8 + 8 * std::uint64_t{h.metrics});
}

// Reads exactly `n` bytes at `offset`; false at end of file.
bool read_at(int fd, char* out, std::size_t n, std::uint64_t offset, const fs::path& file) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, out + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      fail("cannot read", file, errno);
    }
    if (r == 0) return false;
    got += static_cast<std::size_t>(r);
  }
  return true;
}

int open_or_fail(const fs::path& file, int flags, const char* what) {
  const int fd = ::open(file.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) fail(what, file, errno);
  return fd;
}

// Checks the framing and checksum of the record at `offset` and decodes
// it into `out` (when not null). Returns its total size, or 0 when the bytes
// there are not a whole valid record.
std::uint64_t read_record(int fd, const JournalHeader& h, std::uint64_t offset, std::string& buf,
                          JournalRun* out, const fs::path& file) {
  char frame[8];
  if (!read_at(fd, frame, sizeof frame, offset, file)) return 0;
  const char* p = frame;
  const auto tag = get<std::uint32_t>(p);
  const auto size = get<std::uint32_t>(p);
  if (tag != kRecordTag || size < payload_bytes(h, 0) || size > kMaxPayload) return 0;
  const std::uint64_t rows = (size - payload_bytes(h, 0)) / (8 + 8 * std::uint64_t{h.metrics});
  if (payload_bytes(h, rows) != size) return 0;
  buf.resize(size + 8);
  if (!read_at(fd, buf.data(), buf.size(), offset + 8, file)) return 0;
  const char* sum_at = buf.data() + size;
  if (get<std::uint64_t>(sum_at) != fnv1a64(buf.data(), size)) return 0;
  p = buf.data();
  const auto run = get<std::uint64_t>(p);
  if (run >= h.points * h.replications) return 0;
  // The row count the record states must be the one its size allows: a
  // checksum proves the bytes are as written, not that the writer was this
  // program (a crafted count would read past the record).
  const char* count_at = buf.data() + 8 * 3;
  if (get<std::uint32_t>(count_at) != rows) return 0;
  if (out != nullptr) {
    out->run = run;
    out->seed = get<std::uint64_t>(p);
    out->teacher_steps = get<std::uint64_t>(p);
    const auto nrows = get<std::uint32_t>(p);
    (void)get<std::uint32_t>(p);
    out->values.resize(h.columns);
    // (memcpy of 0 bytes to an empty vector's null data() is undefined.)
    if (h.columns > 0) std::memcpy(out->values.data(), p, 8 * std::size_t{h.columns});
    p += 8 * std::size_t{h.columns};
    out->year.resize(nrows);
    out->month.resize(nrows);
    for (std::uint32_t i = 0; i < nrows; ++i) {
      out->year[i] = get<std::int32_t>(p);
      out->month[i] = get<std::int32_t>(p);
    }
    out->trajectory.resize(std::size_t{nrows} * h.metrics);
    if (!out->trajectory.empty())
      std::memcpy(out->trajectory.data(), p, 8 * out->trajectory.size());
  }
  return kRecordFraming + size;
}

}  // namespace

std::uint64_t fnv1a64(const void* data, std::size_t bytes, std::uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < bytes; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

JournalScan scan_journal(const fs::path& file) {
  const int fd = open_or_fail(file, O_RDONLY, "cannot open");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  JournalScan scan;
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("cannot read", file, errno);
  scan.file_size = static_cast<std::uint64_t>(st.st_size);
  char header[kHeaderBytes];
  if (!read_at(fd, header, sizeof header, 0, file))
    throw JournalError(file.string() + ": journal header is incomplete");
  scan.header = parse_header(header, file);
  std::uint64_t offset = kHeaderBytes;
  std::string buf;
  std::unordered_set<std::uint64_t> seen;
  for (;;) {
    const std::uint64_t size = read_record(fd, scan.header, offset, buf, nullptr, file);
    if (size == 0) break;
    const char* p = buf.data();
    const auto id = get<std::uint64_t>(p);
    // A run recorded twice (only possible by damage): keep the first.
    if (seen.insert(id).second)
      scan.records.emplace_back(id, offset);
    else
      ++scan.duplicates;
    offset += size;
  }
  scan.valid_end = offset;
  return scan;
}

JournalWriter::JournalWriter(const fs::path& file, const JournalHeader& header)
    : file_(file), header_(header), last_sync_(std::chrono::steady_clock::now()) {
  fd_ = open_or_fail(file, O_WRONLY | O_CREAT | O_TRUNC, "cannot create");
  write_all(header_bytes(header));
  if (::fdatasync(fd_) != 0) fail("cannot write", file_, errno);
}

JournalWriter::JournalWriter(const fs::path& file, const JournalScan& scan)
    : file_(file), header_(scan.header), last_sync_(std::chrono::steady_clock::now()) {
  fd_ = open_or_fail(file, O_WRONLY, "cannot open");
  if (::ftruncate(fd_, static_cast<off_t>(scan.valid_end)) != 0) fail("cannot truncate", file_, errno);
  if (::lseek(fd_, static_cast<off_t>(scan.valid_end), SEEK_SET) < 0) fail("cannot seek", file_, errno);
}

JournalWriter::~JournalWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalWriter::write_all(const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", file_, errno);
    }
    done += static_cast<std::size_t>(w);
  }
}

void JournalWriter::append(const JournalRun& run) {
  if (fd_ < 0) throw std::logic_error("append to closed journal " + file_.string());
  if (run.values.size() != header_.columns || run.year.size() != run.month.size() ||
      run.trajectory.size() != run.year.size() * header_.metrics)
    throw std::logic_error("journal record of the wrong shape for " + file_.string());
  const auto rows = static_cast<std::uint32_t>(run.year.size());
  const std::uint64_t size = payload_bytes(header_, rows);
  buffer_.clear();
  put(buffer_, kRecordTag);
  put(buffer_, static_cast<std::uint32_t>(size));
  put(buffer_, run.run);
  put(buffer_, run.seed);
  put(buffer_, run.teacher_steps);
  put(buffer_, rows);
  put(buffer_, std::uint32_t{0});
  auto append_doubles = [this](const std::vector<double>& v) {
    if (!v.empty()) buffer_.append(reinterpret_cast<const char*>(v.data()), 8 * v.size());
  };
  append_doubles(run.values);
  for (std::uint32_t i = 0; i < rows; ++i) {
    put(buffer_, run.year[i]);
    put(buffer_, run.month[i]);
  }
  append_doubles(run.trajectory);
  put(buffer_, fnv1a64(buffer_.data() + 8, size));
  write_all(buffer_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_sync_ >= std::chrono::seconds(1)) {
    if (::fdatasync(fd_) != 0) fail("cannot write", file_, errno);
    last_sync_ = now;
  }
}

void JournalWriter::close() {
  if (fd_ < 0) return;
  const int fd = fd_;
  fd_ = -1;
  if (::fdatasync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    fail("cannot write", file_, err);
  }
  if (::close(fd) != 0) fail("cannot close", file_, errno);
}

JournalReader::JournalReader(const fs::path& file, const JournalHeader& header)
    : file_(file), header_(header) {
  fd_ = open_or_fail(file, O_RDONLY, "cannot open");
}

JournalReader::~JournalReader() {
  if (fd_ >= 0) ::close(fd_);
}

void JournalReader::read(std::uint64_t offset, JournalRun& out) {
  if (read_record(fd_, header_, offset, buffer_, &out, file_) == 0)
    throw std::runtime_error(file_.string() + ": journal changed while being read (offset " +
                             std::to_string(offset) + ")");
}

}  // namespace ds
