// Peak memory and output size of run, compare and sweep, estimated before
// they start, against what the machine has. See resource_guard.hpp for the
// measured figures and the rules.
#include "cli/resource_guard.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "input/text.hpp"
#include "model/metrics.hpp"
#include "output/output.hpp"
#include "runs/shared_starts.hpp"
#include "runs/sweep_run.hpp"

namespace ds {

namespace fs = std::filesystem;
using namespace resource_figures;

namespace {

using u64 = std::uint64_t;
constexpr u64 kMax = std::numeric_limits<u64>::max();

// Saturating arithmetic: a crafted scenario must give a huge estimate, not a
// small wrapped one.
u64 mul(u64 a, u64 b) { return a != 0 && b > kMax / a ? kMax : a * b; }
u64 add(u64 a, u64 b) { return b > kMax - a ? kMax : a + b; }
template <class... T>
u64 mul(u64 a, u64 b, T... rest) {
  return mul(mul(a, b), rest...);
}

constexpr u64 kMetrics = static_cast<u64>(kMetricCount);
constexpr u64 kRunOutputs = static_cast<u64>(kRunOutputCount);
// Bytes of a value held in memory.
constexpr u64 kDouble = sizeof(double);

struct Builder {
  ResourceEstimate e;
  void memory(std::string what, u64 bytes) {
    if (bytes == 0) return;
    e.memory = add(e.memory, bytes);
    e.memory_parts.emplace_back(std::move(what), bytes);
  }
  void disk(std::string what, u64 bytes) {
    if (bytes == 0) return;
    e.disk = add(e.disk, bytes);
    e.disk_parts.emplace_back(std::move(what), bytes);
  }
};

u64 schools_of(const Scenario& s) {
  return s.district.school_list.empty() ? static_cast<u64>(std::max(0, s.district.schools))
                                        : s.district.school_list.size();
}

// One finished run's result (metric table, school outcomes) in memory.
u64 result_bytes(const Scenario& s) {
  return add(mul(rows_of(s), kMetrics, kDouble),
             add(mul(schools_of(s), kBytesPerSchoolOutcome), kBytesPerResult));
}

// Runs computing at once, and runs alive at once (computing, or finished and
// waiting for the in-order writer: the ensemble caps live runs at threads x 4).
u64 computing(u64 runs, int threads) { return std::min<u64>(runs, std::max(1, threads)); }
u64 alive(u64 runs, int threads) {
  return std::min<u64>(runs, mul(static_cast<u64>(std::max(1, threads)), 4));
}

// The bytes of one run's rows in trajectories.csv, runs.csv and schools.csv;
// `prefix`: bytes in front of every row (compare's scenario name).
struct RunFiles {
  u64 trajectories = 0, runs = 0, schools = 0;
};
RunFiles run_files(const Scenario& s, u64 prefix) {
  RunFiles f;
  // replication,year[,month], then every metric
  f.trajectories = mul(rows_of(s), add(prefix + 16, mul(kMetrics, kBytesPerCsvNumber)));
  // replication,seed (up to 20 digits), per-run outputs, final metrics
  f.runs = add(prefix + 32, mul(kRunOutputs + kMetrics, kBytesPerCsvNumber));
  if (s.district.school_list.empty()) {
    f.schools = mul(schools_of(s), prefix + kBytesPerSchoolRow);
  } else {
    for (const SchoolSpec& sc : s.district.school_list)
      f.schools = add(f.schools, prefix + kBytesPerSchoolRow + sc.name.size());
  }
  return f;
}

// The summary accumulator's values (in memory up to its budget, then spilled
// to a scratch file in the output) and the statistics computed from them.
// Twice the values: while the vector grows, the old and the new buffer are
// both resident (measured: 200 replications of 301 monthly rows peaked at
// 29.1 MiB, with 14.9 MB of values).
void summary(Builder& b, u64 replications, u64 cells, u64 budget, const std::string& spill_name) {
  const u64 values = mul(replications, cells);
  b.memory("summary values", add(mul(std::min(values, budget), 2 * kDouble),
                                 add(mul(replications, kDouble), mul(cells, kBytesPerCellStats))));
  if (values > budget) b.disk(spill_name, mul(values, kDouble));
}

}  // namespace

std::uint64_t teachers_of(const Scenario& s) {
  if (s.district.school_list.empty())
    return mul(static_cast<u64>(std::max(0, s.district.schools)),
               static_cast<u64>(std::max(0, s.district.teachers_per_school)));
  u64 n = 0;
  for (const SchoolSpec& sc : s.district.school_list)
    n = add(n, static_cast<u64>(std::max(0, sc.teachers)));
  return n;
}

std::uint64_t rows_of(const Scenario& s) {
  const u64 years = static_cast<u64>(std::max(0, s.meta.years));
  return s.output.frequency == Frequency::Month ? 12 * years + 1 : years + 1;
}

ResourceEstimate estimate_run(const Scenario& s, int threads) {
  const u64 R = static_cast<u64>(std::max(0, s.meta.replications));
  const u64 cells = mul(rows_of(s), kMetrics);
  Builder b;
  b.memory("program", kBaseMemory);
  b.memory("runs in progress", mul(computing(R, threads), teachers_of(s), kBytesPerTeacher));
  b.memory("finished runs waiting", mul(alive(R, threads), result_bytes(s)));
  summary(b, R, cells, SummaryAccumulator::kDefaultBudget, "summary scratch file");
  const RunFiles f = run_files(s, 0);
  b.disk("trajectories.csv", mul(R, f.trajectories));
  b.disk("runs.csv", mul(R, f.runs));
  b.disk("schools.csv", mul(R, f.schools));
  b.disk("summary.csv", mul(cells, kBytesPerSummaryRow));
  b.disk("manifest.json", add(kManifestBytes, mul(R, kManifestBytesPerSeed)));
  return b.e;
}

ResourceEstimate estimate_compare(const std::vector<Scenario>& scenarios, int threads) {
  Builder b;
  if (scenarios.empty()) return b.e;
  const u64 S = scenarios.size();
  const u64 R = static_cast<u64>(std::max(0, scenarios[0].meta.replications));
  const u64 cells = mul(rows_of(scenarios[0]), kMetrics);  // the same for all (compare checks)
  u64 teachers = 0, result = 0, name_bytes = 0;
  // CSV bytes of a scenario's four files, each row led by `prefix` bytes.
  auto csv_bytes = [&](const Scenario& s, u64 prefix) {
    const RunFiles f = run_files(s, prefix);
    return add(mul(R, add(f.trajectories, add(f.runs, f.schools))),
               mul(cells, prefix + kBytesPerSummaryRow));
  };
  u64 parts = 0, joined = 0;  // the per-scenario parts, and the joined files
  for (const Scenario& s : scenarios) {
    teachers = std::max(teachers, teachers_of(s));
    result = std::max(result, result_bytes(s));
    name_bytes = std::max<u64>(name_bytes, s.meta.name.size());
    parts = add(parts, csv_bytes(s, 0));
    joined = add(joined, csv_bytes(s, s.meta.name.size() + 1));  // "name," in front
  }
  b.memory("program", add(kBaseMemory, mul(S - 1, 3 << 20)));  // 3 file buffers per scenario
  b.memory("runs in progress", mul(computing(mul(R, S), threads), teachers, kBytesPerTeacher));
  b.memory("finished runs waiting", mul(alive(mul(R, S), threads), result));
  summary(b, mul(R, S), cells, SummaryAccumulator::kDefaultBudget, "summary scratch files");
  // Running paired differences (n, sum, mean, m2) and their statistics.
  b.memory("paired differences", mul(S - 1, cells, 32 + 40));
  // The per-scenario files stay until all four joined files are written.
  b.disk("per-scenario files while joining", parts);
  b.disk("trajectories.csv, summary.csv, runs.csv, schools.csv", joined);
  b.disk("differences.csv", mul(S - 1, cells, name_bytes + 16 + 4 * kBytesPerCsvNumber));
  b.disk("manifest.json", add(mul(S, kManifestBytes), mul(R, kManifestBytesPerSeed)));
  return b.e;
}

ResourceEstimate estimate_sweep(const SweepSpec& spec, std::size_t points, std::size_t runs,
                                bool sharded, int threads) {
  const u64 P = points, R = spec.replications, N = mul(P, R), D = spec.params.size();
  const u64 here = runs;  // the runs this invocation (or shard) executes
  const Scenario& base = spec.base;
  const u64 C = sweep_outcome_names(base.meta.years).size();
  const bool trajectories = base.output.trajectories;
  const bool sensitivity = has_sensitivity_indices(spec.design.kind);
  // The largest district any point runs: the varied school and teacher
  // counts at their largest.
  Scenario largest = base;
  for (const SweepParam& p : spec.params) {
    if (p.key != "district.schools" && p.key != "district.teachers_per_school") continue;
    double hi = p.kind == DomainKind::Range ? p.max : 0;
    for (double v : p.values) hi = std::max(hi, v);
    const int v = static_cast<int>(std::min(hi, 1e9));
    (p.key == "district.schools" ? largest.district.schools
                                 : largest.district.teachers_per_school) = v;
  }
  Builder b;
  b.memory("program", kBaseMemory);
  // Per run of the whole sweep: its plan, and where the writer finds it in
  // the journal (offset, source, done flag); the design's points.
  b.memory("run index and design", add(mul(N, 40), mul(P, D, kDouble)));
  b.memory("runs in progress",
           mul(computing(here, threads), teachers_of(largest), kBytesPerTeacher));
  b.memory("finished runs waiting", mul(alive(here, threads), result_bytes(largest)));
  // A sweep of the dials keeps a few start states (runs/shared_starts.hpp),
  // each the state of a run in progress.
  if (varies_strategy_only(spec))
    b.memory("start states kept", mul(SharedStarts::kKeep, teachers_of(base), kBytesPerTeacher));
  b.memory("outcomes", add(mul(R, C, kDouble), sensitivity ? mul(P, C, 2 * kDouble) : 0));
  // The journal (sweep_journal.hpp): a record per run with its outcomes and,
  // when trajectories.csv is written, every output row.
  const u64 rows = trajectories ? rows_of(base) : 0;
  b.disk("journal.bin", add(64, mul(here, add(48 + 8 * C, mul(rows, 8 + 8 * kMetrics)))));
  if (!sharded) {  // a shard's results are its journal; a whole sweep's, the files
    b.disk("points.csv", mul(P, 8 + D * 12));
    b.disk("runs.csv", mul(N, add(40, mul(C, kBytesPerCsvNumber))));
    b.disk("point_summary.csv", mul(P, C, kBytesPerSummaryRow));
    if (trajectories)
      b.disk("trajectories.csv", mul(N, rows, add(24, mul(kMetrics, kBytesPerCsvNumber))));
    if (sensitivity) b.disk("sensitivity.csv", mul(C, D, 2 * 80));
  }
  b.disk("manifest.json", add(kManifestBytes, mul(R, kManifestBytesPerSeed)));
  return b.e;
}

// ================================================================ the machine

std::optional<std::uint64_t> mem_available(std::string_view meminfo) {
  std::istringstream in{std::string(meminfo)};
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    u64 kib = 0;
    std::string unit;
    if (!(fields >> kib)) return std::nullopt;
    fields >> unit;
    if (!unit.empty() && unit != "kB") return std::nullopt;
    return mul(kib, 1024);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
  u64 v = 0;
  std::size_t i = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    const u64 digit = static_cast<u64>(text[i] - '0');
    if (v > (kMax - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  const std::string_view unit = text.substr(i);
  int shift = 0;
  if (unit.empty() || unit == "B")
    shift = 0;
  else if (unit == "K" || unit == "KiB")
    shift = 10;
  else if (unit == "M" || unit == "MiB")
    shift = 20;
  else if (unit == "G" || unit == "GiB")
    shift = 30;
  else if (unit == "T" || unit == "TiB")
    shift = 40;
  else
    return std::nullopt;
  if (shift > 0 && v > (kMax >> shift)) return std::nullopt;
  return v << shift;
}

MachineResources machine_resources(const fs::path& out, const char* fake) {
  MachineResources m;
  m.memory = mem_available(read_whole_file("/proc/meminfo").value_or(""));
  // The output directory may not exist yet: measure its nearest existing
  // ancestor, where OutputDir will create it.
  std::error_code ec;
  fs::path p = fs::absolute(out, ec).lexically_normal();
  while (!p.empty() && !fs::is_directory(p, ec) && p != p.root_path()) p = p.parent_path();
  m.disk_path = p;
  if (!p.empty()) {
    const fs::space_info si = fs::space(p, ec);
    if (!ec && si.available != static_cast<std::uintmax_t>(-1)) m.disk = si.available;
  }
  if (fake != nullptr && *fake != '\0') {
    m.faked = true;
    std::string_view rest(fake);
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      const std::size_t eq = item.find('=');
      const std::string_view key = item.substr(0, eq);
      const std::optional<u64> v =
          eq == std::string_view::npos ? std::nullopt : parse_size(item.substr(eq + 1));
      if (!v || (key != "memory" && key != "disk"))
        throw std::invalid_argument("DISTRICTSIM_FAKE_MACHINE: cannot read \"" + std::string(item) +
                                    "\" (expected memory=SIZE,disk=SIZE, e.g. memory=64M,disk=1G)");
      (key == "memory" ? m.memory : m.disk) = *v;
    }
  }
  return m;
}

// ================================================================ the check

std::string bytes_text(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  static const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes) / 1024;
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

namespace {

// "trajectories.csv 30.1 GiB, runs.csv 12.0 MiB": the three largest parts.
std::string parts_text(std::vector<std::pair<std::string, std::uint64_t>> parts) {
  std::stable_sort(parts.begin(), parts.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (std::size_t i = 0; i < parts.size() && i < 3; ++i)
    out += (i ? ", " : "") + parts[i].first + " " + bytes_text(parts[i].second);
  return out;
}

}  // namespace

std::vector<std::string> resource_problems(const ResourceEstimate& e, const MachineResources& m,
                                           const std::string& command) {
  std::vector<std::string> out;
  const std::string faked = m.faked ? ", faked by DISTRICTSIM_FAKE_MACHINE" : "";
  if (m.memory && e.memory > *m.memory) {
    out.push_back(
        command + ": needs an estimated " + bytes_text(e.memory) + " of memory at its peak (" +
        parts_text(e.memory_parts) + "), but the machine has " + bytes_text(*m.memory) +
        " available (MemAvailable in /proc/meminfo" + faked +
        "); nothing written. Use fewer threads (--threads) or a smaller district, or pass "
        "--no-resource-check to run anyway");
  }
  if (m.disk && e.disk > *m.disk) {
    const std::string fewer =
        command == "sweep" || command == "merge"
            ? "fewer points or replications, or no trajectories ([output] trajectories = false "
              "in the base scenario)"
            : "fewer replications (--replications) or yearly output (output.frequency)";
    out.push_back(
        command + ": its output needs an estimated " + bytes_text(e.disk) + " of disk (" +
        parts_text(e.disk_parts) + "), but " + m.disk_path.string() + " has " +
        bytes_text(*m.disk) + " free" + (m.faked ? " (faked by DISTRICTSIM_FAKE_MACHINE)" : "") +
        "; nothing written. Use " + fewer + ", or pass --no-resource-check to run anyway");
  }
  return out;
}

std::vector<std::string> check_resources(const ResourceEstimate& e, const fs::path& out,
                                         const std::string& command) {
  try {
    return resource_problems(e, machine_resources(out, std::getenv("DISTRICTSIM_FAKE_MACHINE")),
                             command);
  } catch (const std::invalid_argument& err) {
    return {command + ": " + err.what()};
  }
}

}  // namespace ds
