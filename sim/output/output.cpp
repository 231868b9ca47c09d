#include "output/output.hpp"
#include "input/text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <system_error>
#include <variant>

#include "model/params.hpp"

namespace ds {

namespace fs = std::filesystem;

// ================================================================ formatting

void append_number(std::string& out, double v) {
  if (is_empty(v)) return;
  if (v == 0) v = 0;  // -0 -> 0
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 10);
  out.append(buf, r.ptr);
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}


// ================================================================ time

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// ================================================================ statistics

std::size_t Summary::year_end_row(int y) const {
  for (std::size_t r = rows(); r-- > 0;)
    if (year[r] == y && (month[r] == -1 || month[r] == 11 || y == 0)) return r;
  return rows();
}

namespace {

[[noreturn]] void throw_io(const std::string& what, const fs::path& p, int err) {
  // EFBIG reads "File too large", which does not say the limit is the
  // process's (ulimit -f), not the file system's.
  throw std::runtime_error(what + " " + p.string() + ": " + std::strerror(err) +
                           (err == EFBIG ? " (over the file size limit, ulimit -f)" : ""));
}

}  // namespace

SummaryAccumulator::SummaryAccumulator(fs::path scratch_file, std::size_t memory_budget)
    : scratch_(std::move(scratch_file)), budget_(std::max<std::size_t>(memory_budget, 1)) {}

SummaryAccumulator::~SummaryAccumulator() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ec;
    fs::remove(scratch_, ec);
  }
}

void SummaryAccumulator::spill() {
  file_ = std::fopen(scratch_.c_str(), "w+b");
  if (file_ == nullptr) throw_io("cannot create", scratch_, errno);
  if (!values_.empty() &&
      std::fwrite(values_.data(), sizeof(double), values_.size(), file_) != values_.size())
    throw_io("cannot write", scratch_, errno);
  values_.clear();
  values_.shrink_to_fit();
}

void SummaryAccumulator::add(const MetricTable& t) {
  if (reps_ == 0) {
    year_ = t.year;
    month_ = t.month;
  } else if (t.year != year_ || t.month != month_) {
    throw std::runtime_error("replication " + std::to_string(reps_) +
                             " has different output rows than replication 0");
  }
  const std::size_t cells = year_.size() * kMetricCount;
  if (file_ == nullptr && (reps_ + 1) * cells > budget_) spill();
  if (file_ != nullptr) {
    if (std::fwrite(t.values.data(), sizeof(double), cells, file_) != cells)
      throw_io("cannot write", scratch_, errno);
  } else {
    // Grow by doubling, but never past the budget.
    if (values_.capacity() < values_.size() + cells)
      values_.reserve(std::min(budget_, std::max(values_.size() + cells, 2 * values_.capacity())));
    values_.insert(values_.end(), t.values.begin(), t.values.end());
  }
  ++reps_;
}

Summary SummaryAccumulator::finish() {
  Summary s;
  s.replications = reps_;
  s.year = year_;
  s.month = month_;
  const std::size_t cells = year_.size() * kMetricCount;
  s.cells.resize(cells);
  std::vector<double> column;
  column.reserve(reps_);
  if (file_ == nullptr) {
    for (std::size_t c = 0; c < cells; ++c) {
      column.clear();
      for (std::size_t r = 0; r < reps_; ++r) column.push_back(values_[r * cells + c]);
      s.cells[c] = cell_stats(column);
    }
    values_.clear();
    values_.shrink_to_fit();
    return s;
  }
  // Spilled: read back a block of cells for every replication at a time.
  if (std::fflush(file_) != 0) throw_io("cannot write", scratch_, errno);
  const int fd = fileno(file_);
  const std::size_t block =
      std::clamp<std::size_t>(budget_ / std::max<std::size_t>(reps_, 1), 1, cells);
  std::vector<double> buf;
  for (std::size_t c0 = 0; c0 < cells; c0 += block) {
    const std::size_t nb = std::min(block, cells - c0);
    buf.resize(nb * reps_);  // replication-major: buf[r * nb + i]
    for (std::size_t r = 0; r < reps_; ++r) {
      const auto offset = static_cast<off_t>((r * cells + c0) * sizeof(double));
      const std::size_t bytes = nb * sizeof(double);
      std::size_t done = 0;
      while (done < bytes) {
        const ssize_t got = ::pread(fd, reinterpret_cast<char*>(buf.data() + r * nb) + done,
                                    bytes - done, offset + static_cast<off_t>(done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) throw_io("cannot read", scratch_, got < 0 ? errno : EIO);
        done += static_cast<std::size_t>(got);
      }
    }
    for (std::size_t i = 0; i < nb; ++i) {
      column.clear();
      for (std::size_t r = 0; r < reps_; ++r) column.push_back(buf[r * nb + i]);
      s.cells[c0 + i] = cell_stats(column);
    }
  }
  std::fclose(file_);
  file_ = nullptr;
  std::error_code ec;
  fs::remove(scratch_, ec);
  return s;
}

void append_row_key(std::string& out, int year, int month, bool monthly, int metric) {
  out += std::to_string(year);
  out += ',';
  if (monthly) {
    if (month >= 0) out += std::to_string(month);
    out += ',';
  }
  out += metric_info()[static_cast<std::size_t>(metric)].name;
  out += ',';
}

void append_cell_stats(std::string& out, const CellStats& c) {
  append_number(out, c.mean);
  out += ',';
  append_number(out, c.sd);
  for (double q : c.q) {
    out += ',';
    append_number(out, q);
  }
}

void write_summary_csv(const fs::path& file, const Summary& s, bool monthly) {
  OutFile out(file);
  std::string line = monthly ? "year,month,metric,mean,sd" : "year,metric,mean,sd";
  for (const char* q : kQuantileNames) (line += ',') += q;
  line += '\n';
  out.write(line);
  for (std::size_t row = 0; row < s.rows(); ++row) {
    for (int m = 0; m < kMetricCount; ++m) {
      const CellStats& c = s.cells[row * kMetricCount + static_cast<std::size_t>(m)];
      line.clear();
      append_row_key(line, s.year[row], s.month[row], monthly, m);
      append_cell_stats(line, c);
      line += '\n';
      out.write(line);
    }
  }
  out.close();
}

// ================================================================ files

OutFile::OutFile(const fs::path& path) : path_(path), buffer_(std::size_t{1} << 20) {
  f_ = std::fopen(path.c_str(), "wb");
  if (f_ == nullptr) throw_io("cannot create", path, errno);
  std::setvbuf(f_, buffer_.data(), _IOFBF, buffer_.size());
}

OutFile::~OutFile() {
  if (f_ != nullptr) std::fclose(f_);
}

void OutFile::write(std::string_view s) {
  if (f_ == nullptr) throw std::logic_error("write to closed file " + path_.string());
  if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) throw_io("cannot write", path_, errno);
}

void OutFile::close() {
  if (f_ == nullptr) return;
  std::FILE* f = f_;
  f_ = nullptr;
  if (std::fflush(f) != 0 || ::fsync(fileno(f)) != 0) {
    const int err = errno;
    std::fclose(f);
    throw_io("cannot write", path_, err);
  }
  if (std::fclose(f) != 0) throw_io("cannot close", path_, errno);
}

namespace {


void fsync_dir(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // best effort: some filesystems refuse
  ::fsync(fd);
  ::close(fd);
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown host";
  return buf;
}

fs::path sibling(const fs::path& target, const char* tag) {
  return target.parent_path() /
         ("." + target.filename().string() + tag + std::to_string(::getpid()));
}

// Removes what a killed districtsim left beside `target`: staging
// directories `.NAME.tmp-PID`, and, if the kill came between the two renames
// of a replacement without RENAME_EXCHANGE, puts the previous results
// `.NAME.old-PID` back in place (or removes them when the new ones made it).
// Called with the folder's OutputLock held, so that nothing beside it
// belongs to a live process: the process ids in the names are only the
// writers' own (another PID namespace, or another host, may reuse them).
void clean_after_dead_processes(const fs::path& target) {
  std::error_code ec;
  const std::string prefix = "." + target.filename().string();
  for (const auto& e : fs::directory_iterator(target.parent_path(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const bool tmp = rest.rfind(".tmp-", 0) == 0, old = rest.rfind(".old-", 0) == 0;
    if (!tmp && !old) continue;
    const std::string digits = rest.substr(5);
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::error_code ec2;
    if (old && !fs::exists(target, ec2))
      fs::rename(e.path(), target, ec2);
    else
      fs::remove_all(e.path(), ec2);
  }
}

}  // namespace

fs::path resolve_output_target(const fs::path& dir) {
  fs::path p = fs::absolute(dir);
  // A symlink whose destination does not exist yet (`--out latest` pointing
  // at a folder to come): the results go where it points, not onto the
  // link (rename onto it fails with "Not a directory" after the work).
  std::error_code ec;
  for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(p, ec)) && !fs::exists(p, ec); ++hops) {
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) break;
    p = (to.is_absolute() ? to : p.parent_path() / to).lexically_normal();
  }
  p = fs::weakly_canonical(p);
  if (!p.has_filename()) p = p.parent_path();
  return p;
}

std::string OutputDir::check(const fs::path& dir, bool force) {
  std::error_code ec;
  const fs::path target = resolve_output_target(dir);
  if (target == target.root_path())
    return dir.string() + ": cannot write results to a root directory";
  const auto st = fs::status(target, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) return dir.string() + ": " + ec.message();
  if (!fs::exists(st)) return "";
  if (!fs::is_directory(st)) return dir.string() + ": exists and is not a directory";
  // Results are written beside the folder and renamed onto it, which a mount
  // point (a container volume, say) cannot take: EBUSY after the work.
  struct stat self {}, parent {};
  if (::stat(target.c_str(), &self) == 0 && ::stat(target.parent_path().c_str(), &parent) == 0 &&
      self.st_dev != parent.st_dev)
    return dir.string() +
           ": is a mount point; results are written beside a folder and renamed onto it, which a "
           "mount point cannot take (write them to a folder inside it, e.g. --out " +
           (fs::path(dir) / "results").string() + ")";
  // The directory is replaced as a whole, which must not happen to the
  // working directory (`--out .`) or one above it.
  const fs::path cwd = fs::current_path(ec);
  const auto mismatch = std::mismatch(target.begin(), target.end(), cwd.begin(), cwd.end());
  if (!ec && mismatch.first == target.end())
    return dir.string() + ": cannot replace the current directory or one above it";
  const bool empty = fs::is_empty(target, ec);
  if (ec) return dir.string() + ": " + ec.message();
  if (empty) return "";
  if (!force)
    return dir.string() + ": directory exists and is not empty (use --force to replace it)";
  // --force replaces previous results, never anything else.
  if (!fs::exists(target / "manifest.json", ec))
    return dir.string() +
           ": refusing to replace a directory that does not hold districtsim results "
           "(no manifest.json)";
  return "";
}

OutputDir::OutputDir(const fs::path& dir, bool force, const OutputLock* held) : force_(force) {
  if (std::string problem = check(dir, force); !problem.empty()) throw std::runtime_error(problem);
  target_ = resolve_output_target(dir);
  if (held == nullptr || held->target() != target_) lock_ = std::make_unique<OutputLock>(dir);
  staging_ = sibling(target_, ".tmp-");
  // Said in the user's terms: which folder could not be written, and why.
  // The staging directory's name would only confuse (it is ours), but the
  // folder it goes in is named, because that folder is the one that must be
  // writable, even when `dir` itself already exists and is.
  const fs::path parent = target_.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec)
    throw std::runtime_error(dir.string() + ": cannot write results: cannot create " +
                             parent.string() + ": " + ec.message());
  clean_after_dead_processes(target_);
  // The clean-up may have put back previous results that a killed --force
  // replacement had moved aside: judged again now, not at the end of the work.
  if (std::string problem = check(dir, force); !problem.empty()) throw std::runtime_error(problem);
  fs::remove_all(staging_, ec);  // left by a killed process with our pid
  ec.clear();
  if (!fs::create_directory(staging_, ec) || ec)
    throw std::runtime_error(
        dir.string() + ": cannot write results: cannot create a directory in " + parent.string() +
        " (results are written there, then renamed): " + (ec ? ec.message() : "it exists"));
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

void OutputDir::commit() {
  if (committed_) return;
  fsync_dir(staging_);
  std::error_code ec;
  const bool exists = fs::exists(target_, ec);
  const bool replace = exists && fs::is_directory(target_, ec) && !fs::is_empty(target_, ec);
  if (!replace) {
    // Absent, or an empty directory that rename(2) replaces atomically.
    fs::rename(staging_, target_);
  } else {
    if (!force_)
      throw std::runtime_error(target_.string() +
                               ": directory appeared during the run and is not empty; "
                               "results discarded (use --force to replace it)");
    // One atomic swap where the file system can (Linux 3.15 and later, most
    // local file systems): a kill at any moment leaves either the previous
    // results or the new ones in place, never neither. The previous ones,
    // now in the staging directory, are removed after.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
      committed_ = true;
      fsync_dir(target_.parent_path());
      fs::remove_all(staging_, ec);
      return;
    }
    const fs::path old = sibling(target_, ".old-");
    fs::remove_all(old, ec);
    fs::rename(target_, old);
    try {
      fs::rename(staging_, target_);
    } catch (...) {
      fs::rename(old, target_, ec);  // put the previous results back
      throw;
    }
    fs::remove_all(old, ec);
  }
  committed_ = true;
  fsync_dir(target_.parent_path());
}

OutputLock::OutputLock(const fs::path& dir) : target_(resolve_output_target(dir)) {
  const fs::path parent = target_.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec)
    throw std::runtime_error(dir.string() + ": cannot write results: cannot create " + parent.string() +
                             ": " + ec.message());
  file_ = parent / ("." + target_.filename().string() + ".lock");
  // Open, lock, then make sure the name still leads to the file locked: a
  // holder that finished removed it (below), and a lock on a removed file
  // locks nothing.
  for (int attempt = 0; attempt < 100; ++attempt) {
    fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw std::runtime_error(dir.string() + ": cannot write results: cannot create a file in " +
                               parent.string() + " (it keeps other processes out while this one writes): " +
                               std::strerror(errno));
    struct flock lk {};
    lk.l_type = F_WRLCK;
    lk.l_whence = SEEK_SET;
    if (::fcntl(fd_, F_OFD_SETLK, &lk) != 0) {
      const int err = errno;
      std::string holder;
      char buf[512];
      const ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
      if (n > 0) holder.assign(buf, static_cast<std::size_t>(n));
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\r')) holder.pop_back();
      ::close(fd_);
      fd_ = -1;
      if (err == EAGAIN || err == EACCES)
        throw OutputInUse(dir.string() + ": in use: another districtsim is writing it (" +
                          (holder.empty() ? std::string("process unknown") : printable(holder)) +
                          "); wait for it to finish, or write to another folder");
      throw std::runtime_error(dir.string() + ": cannot lock " + file_.string() + ": " + std::strerror(err));
    }
    struct stat held {}, named {};
    if (::fstat(fd_, &held) == 0 && ::stat(file_.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
        held.st_ino == named.st_ino)
      break;
    ::close(fd_);
    fd_ = -1;
  }
  if (fd_ < 0) throw std::runtime_error(dir.string() + ": cannot lock " + file_.string());
  // Who holds it, for the message another process shows.
  const std::string who = "host " + host_name() + ", process " + std::to_string(::getpid()) + ", since " +
                          utc_timestamp() + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, who.data(), who.size(), 0);
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  // Removed while still held, so that a process that opens it after sees
  // another file (and checks, above); then the lock goes with the close.
  ::unlink(file_.c_str());
  ::close(fd_);
}

// ================================================================ run outputs

namespace {

std::string trajectories_header(bool monthly) {
  std::string h = monthly ? "replication,year,month" : "replication,year";
  for (const auto& m : metric_info()) (h += ',') += m.name;
  return h + '\n';
}

std::string runs_header() {
  std::string h = "replication,seed";
  for (const auto& o : run_output_info()) (h += ',') += o.name;
  for (const auto& m : metric_info()) ((h += ',') += m.name) += "_final";
  return h + '\n';
}

// schools.csv, declared once: each column's name and how a school's row
// writes it (after `replication`). A year or count of -1 ("never") is an
// empty field.
void append_count(std::string& out, int v) {
  if (v >= 0) out += std::to_string(v);
}
struct SchoolColumn {
  const char* name;
  void (*write)(std::string& out, const SchoolOutcome& s);
};
constexpr SchoolColumn kSchoolColumns[] = {
    {"name", [](std::string& o, const SchoolOutcome& s) { o += csv_field(s.name); }},
    {"need", [](std::string& o, const SchoolOutcome& s) { append_number(o, s.need); }},
    {"readiness", [](std::string& o, const SchoolOutcome& s) { append_number(o, s.readiness); }},
    {"launch_year", [](std::string& o, const SchoolOutcome& s) { append_count(o, s.launch_year); }},
    {"phase", [](std::string& o, const SchoolOutcome& s) { o += csv_field(s.phase); }},
    {"depth", [](std::string& o, const SchoolOutcome& s) { append_number(o, s.depth); }},
    {"teachers_routine", [](std::string& o, const SchoolOutcome& s) { o += std::to_string(s.teachers_routine); }},
    {"abandon_year", [](std::string& o, const SchoolOutcome& s) { append_count(o, s.abandon_year); }},
    {"full_implementation_year",
     [](std::string& o, const SchoolOutcome& s) { append_count(o, s.full_implementation_year); }},
    {"months_to_full_implementation",
     [](std::string& o, const SchoolOutcome& s) { append_count(o, s.months_to_full_implementation); }},
    {"teachers", [](std::string& o, const SchoolOutcome& s) { append_count(o, s.teachers); }},
    {"teachers_left", [](std::string& o, const SchoolOutcome& s) { append_count(o, s.teachers_left); }},
    {"principal_changes", [](std::string& o, const SchoolOutcome& s) { append_count(o, s.principal_changes); }},
};

std::string schools_header() {
  std::string h = "replication";
  for (const SchoolColumn& c : kSchoolColumns) (h += ',') += c.name;
  return h + '\n';
}

}  // namespace

RunWriter::RunWriter(const fs::path& dir, const Scenario& scenario, std::size_t summary_budget)
    : dir_(dir),
      monthly_(scenario.output.frequency == Frequency::Month),
      trajectories_(dir / "trajectories.csv"),
      runs_(dir / "runs.csv"),
      schools_(dir / "schools.csv"),
      summary_(dir / ".summary-values.bin", summary_budget) {
  trajectories_.write(trajectories_header(monthly_));
  runs_.write(runs_header());
  schools_.write(schools_header());
}

void RunWriter::add(std::size_t replication, const RunResult& r) {
  const std::string rep = std::to_string(replication);
  const MetricTable& t = r.metrics;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    line_ = rep;
    line_ += ',';
    line_ += std::to_string(t.year[row]);
    if (monthly_) {
      line_ += ',';
      if (t.month[row] >= 0) line_ += std::to_string(t.month[row]);
    }
    const double* v = t.row(row);
    for (int m = 0; m < kMetricCount; ++m) {
      line_ += ',';
      append_number(line_, v[m]);
    }
    line_ += '\n';
    trajectories_.write(line_);
  }

  line_ = rep;
  line_ += ',';
  line_ += std::to_string(r.seed);
  for (double v : r.per_run) {
    line_ += ',';
    append_number(line_, v);
  }
  const std::size_t last = t.rows() == 0 ? 0 : t.year_end_row(t.year.back());
  for (int m = 0; m < kMetricCount; ++m) {
    line_ += ',';
    if (last < t.rows()) append_number(line_, t.row(last)[m]);
  }
  line_ += '\n';
  runs_.write(line_);

  for (const SchoolOutcome& s : r.schools) {
    line_ = rep;
    for (const SchoolColumn& c : kSchoolColumns) {
      line_ += ',';
      c.write(line_, s);
    }
    line_ += '\n';
    schools_.write(line_);
  }

  summary_.add(t);
}

Summary RunWriter::finish() {
  trajectories_.close();
  runs_.close();
  schools_.close();
  Summary s = summary_.finish();
  write_summary_csv(dir_ / "summary.csv", s, monthly_);
  return s;
}

// ================================================================ text for people

namespace {

std::string short_number(double v) {
  if (is_empty(v)) return "-";
  if (v == 0) v = 0;
  char buf[32];
  if (std::fabs(v) >= 99.5)  // whole numbers: %.3g wrote 999.6 as "1e+03"
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

template <class Spec>
std::string range_text(const Spec& p) {
  switch (p.type) {
    case ParamType::Int:
    case ParamType::Real:
      return short_number(p.min) + ".." + short_number(p.max);
    case ParamType::IntList:
      return "list of " + short_number(p.min) + ".." + short_number(p.max);
    case ParamType::Bool:
      return "true|false";
    case ParamType::String:
      return "";
    case ParamType::Seed:
      return "0..2^64-1";
    case ParamType::Choice: {
      std::string out;
      for (const auto& c : p.choices) out += (out.empty() ? "" : "|") + c;
      return out;
    }
  }
  return "";
}

struct ParamRow {
  std::string table, key, def, range, unit, meaning, source;
};

std::vector<ParamRow> param_rows() {
  std::vector<ParamRow> rows;
  Scenario s;
  for (const auto& p : scenario_params()) {
    const std::string table = p.key.substr(0, p.key.find('.'));
    rows.push_back({"[" + table + "]", p.key, format_value(p.ref(s)), range_text(p), p.unit,
                    p.meaning, p.source});
  }
  Partner partner = default_partner();
  for (const auto& p : partner_fields())
    rows.push_back({"[[partners]]", "partners[]." + p.key, format_value(p.ref(partner)),
                    range_text(p) + (p.required ? ", required" : ""), p.unit, p.meaning, p.source});
  Event event;
  for (const auto& p : event_fields())
    rows.push_back({"[[events]]", "events[]." + p.key,
                    p.required ? std::string("(required)") : format_value(p.ref(event)),
                    range_text(p), p.unit, p.meaning, p.source});
  return rows;
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

}  // namespace

std::string params_listing(bool markdown) {
  const std::vector<ParamRow> rows = param_rows();
  std::string out;
  if (markdown) {
    out = "| key | default | range | unit | meaning | source |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const auto& r : rows)
      out += "| `" + md_cell(r.key) + "` | " + md_cell(r.def) + " | " + md_cell(r.range) + " | " +
             md_cell(r.unit) + " | " + md_cell(r.meaning) + " | " + md_cell(r.source) + " |\n";
    return out;
  }
  std::string table;
  for (const auto& r : rows) {
    if (r.table != table) {
      table = r.table;
      out += (out.empty() ? "" : "\n") + table + "\n";
    }
    std::string kind = r.range;
    if (r.unit != r.range && !r.unit.empty()) kind += (kind.empty() ? "" : ", ") + r.unit;
    out += "  " + r.key + " = " + r.def + "    (" + kind + ")\n";
    out += "      " + r.meaning + "\n";
    if (!r.source.empty() && r.source != "-") out += "      source: " + r.source + "\n";
  }
  return out;
}

std::string key_outcomes_table(const Summary& s, int horizon) {
  const Metric metrics[] = {Metric::capacity_index, Metric::self_sufficiency, Metric::equity_gap,
                            Metric::spend_per_teacher, Metric::initiative_active};
  std::vector<int> years;
  for (int y : {3, 5, 10, horizon})
    if (y <= horizon && std::find(years.begin(), years.end(), y) == years.end() &&
        s.year_end_row(y) < s.rows())
      years.push_back(y);

  // cells[0] is the header row; column 0 the metric names.
  std::vector<std::vector<std::string>> cells;
  cells.push_back({""});
  for (int y : years) cells[0].push_back("year " + std::to_string(y));
  for (Metric m : metrics) {
    std::vector<std::string> line = {name(m)};
    for (int y : years) {
      const CellStats& c = s.at(s.year_end_row(y), m);
      line.push_back(c.n == 0 ? "-"
                              : short_number(c.q[3]) + " [" + short_number(c.q[1]) + ".." +
                                    short_number(c.q[5]) + "]");
    }
    cells.push_back(std::move(line));
  }
  std::vector<std::size_t> width(cells[0].size(), 0);
  for (const auto& line : cells)
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());

  std::string out =
      "key outcomes over " + std::to_string(s.replications) + " replications: median [10%..90%]\n";
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) text += std::string(width[i] - line[i].size() + 3, ' ');
    }
    out += text + "\n";
  }
  return out;
}

}  // namespace ds
