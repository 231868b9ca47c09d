#include "runs/compare.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <boost/math/distributions/students_t.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "runs/ensemble.hpp"
#include "model/metrics.hpp"
#include "engine/schedule.hpp"

namespace ds {

namespace fs = std::filesystem;

// ================================================================ statistics

double student_t_quantile(double p, double df) {
  if (!(p > 0 && p < 1) || !(df > 0))
    throw std::invalid_argument("student_t_quantile: need 0 < p < 1 and df > 0");
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

void PairedDifference::add(double baseline, double other) {
  if (is_empty(baseline) || is_empty(other)) return;
  const double d = other - baseline;
  ++n_;
  sum_ += d;
  const double delta = d - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (d - mean_);
}

PairedStats PairedDifference::stats() const {
  PairedStats s;
  s.n = n_;
  if (n_ == 0) return s;
  s.mean = sum_ / static_cast<double>(n_);
  if (n_ < 2) return s;
  s.sd = std::sqrt(std::max(0.0, m2_) / static_cast<double>(n_ - 1));
  const double half = student_t_quantile(0.975, static_cast<double>(n_ - 1)) * s.sd /
                      std::sqrt(static_cast<double>(n_));
  s.ci_low = s.mean - half;
  s.ci_high = s.mean + half;
  return s;
}

// ================================================================ checks

std::vector<std::string> comparison_problems(const std::vector<Scenario>& sc,
                                             const std::vector<std::string>& files) {
  std::vector<std::string> problems;
  auto file = [&](std::size_t i) { return i < files.size() ? files[i] : sc[i].meta.name; };
  if (sc.size() < 2) {
    problems.push_back("compare needs at least two scenarios");
    return problems;
  }
  for (std::size_t i = 1; i < sc.size(); ++i) {
    if (sc[i].meta.years != sc[0].meta.years)
      problems.push_back(file(i) + ": scenario.years is " + std::to_string(sc[i].meta.years) +
                         " but " + file(0) + " has " + std::to_string(sc[0].meta.years) +
                         " (compared scenarios pair their results year by year, so they need "
                         "the same horizon)");
    if (sc[i].output.frequency != sc[0].output.frequency)
      problems.push_back(file(i) + ": output.frequency is \"" + to_string(sc[i].output.frequency) +
                         "\" but " + file(0) + " has \"" + to_string(sc[0].output.frequency) +
                         "\" (compared scenarios need the same output rows)");
    for (std::size_t j = 0; j < i; ++j)
      if (sc[i].meta.name == sc[j].meta.name) {
        problems.push_back(file(i) + ": scenario.name \"" + sc[i].meta.name +
                           "\" is also the name of " + file(j) +
                           " (the name identifies a scenario in every output: give each a "
                           "different scenario.name)");
        break;
      }
  }
  return problems;
}

// ================================================================ running

namespace {

[[noreturn]] void throw_io(const std::string& what, const fs::path& p, int err) {
  throw std::runtime_error(what + " " + p.string() + ": " + std::strerror(err));
}

// Appends the lines of `file` to `out`, each preceded by `prefix`; its first
// line (the header) is written with `header_prefix` when `keep_header`, and
// dropped otherwise.
void append_prefixed(OutFile& out, const fs::path& file, const std::string& prefix,
                     bool keep_header, const std::string& header_prefix) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f) throw_io("cannot read", file, errno);
  std::vector<char> buf(std::size_t{1} << 20);
  std::string text;
  bool line_start = true, header = true;
  std::size_t got;
  while ((got = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
    text.clear();
    const char* p = buf.data();
    const char* end = p + got;
    while (p < end) {
      const bool write = !header || keep_header;
      if (line_start && write) text += header ? header_prefix : prefix;
      const char* nl =
          static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      const char* stop = nl ? nl + 1 : end;
      if (write) text.append(p, stop);
      line_start = nl != nullptr;
      if (nl) header = false;
      p = stop;
    }
    out.write(text);
  }
  if (std::ferror(f.get())) throw_io("cannot read", file, errno);
}

// Appends the CSV fields `mean,ci_low,ci_high` of `d` (differences.csv,
// run_differences.csv), no leading or trailing comma.
void append_paired_stats(std::string& out, const PairedStats& d) {
  append_number(out, d.mean);
  out += ',';
  append_number(out, d.ci_low);
  out += ',';
  append_number(out, d.ci_high);
}

void write_differences_csv(const fs::path& file, const Comparison& c, bool monthly) {
  OutFile out(file);
  std::string line = monthly ? "scenario,year,month,metric,mean,ci_low,ci_high\n"
                             : "scenario,year,metric,mean,ci_low,ci_high\n";
  out.write(line);
  for (std::size_t s = 1; s < c.names.size(); ++s) {
    const std::string name = csv_field(c.names[s]);
    for (std::size_t row = 0; row < c.year.size(); ++row)
      for (int m = 0; m < kMetricCount; ++m) {
        const PairedStats& d = c.differences[s][row * kMetricCount + static_cast<std::size_t>(m)];
        line = name;
        line += ',';
        append_row_key(line, c.year[row], c.month[row], monthly, m);
        append_paired_stats(line, d);
        line += '\n';
        out.write(line);
      }
  }
  out.close();
}

void write_run_differences_csv(const fs::path& file, const Comparison& c) {
  OutFile out(file);
  out.write("scenario,output,mean,ci_low,ci_high,n\n");
  std::string line;
  for (std::size_t s = 1; s < c.names.size(); ++s)
    for (int o = 0; o < kRunOutputCount; ++o) {
      const PairedStats& d = c.run_differences[s][static_cast<std::size_t>(o)];
      line = csv_field(c.names[s]);
      line += ',';
      line += run_output_info()[static_cast<std::size_t>(o)].name;
      line += ',';
      append_paired_stats(line, d);
      line += ',';
      line += std::to_string(d.n);
      line += '\n';
      out.write(line);
    }
  out.close();
}

}  // namespace

Comparison run_comparison(const std::vector<Scenario>& sc, const fs::path& dir,
                          const CompareOptions& opts) {
  if (sc.size() < 2) throw std::invalid_argument("compare needs at least two scenarios");
  const std::size_t S = sc.size();
  const auto R = static_cast<std::size_t>(std::max(0, sc[0].meta.replications));
  const bool monthly = sc[0].output.frequency == Frequency::Month;

  Comparison c;
  for (const Scenario& s : sc) c.names.push_back(s.meta.name);
  // Replication-major: plans[r * S + s] is replication r of scenario s.
  std::vector<RunPlan> plans(R * S);
  for (std::size_t r = 0; r < R; ++r) {
    c.seeds.push_back(replication_seed(sc[0].meta.seed, r));
    for (std::size_t s = 0; s < S; ++s) plans[r * S + s] = {r, c.seeds[r]};
  }
  // run_ensemble hands out references into `plans`.
  auto scenario_of = [&](const RunPlan& p) {
    return static_cast<std::size_t>(&p - plans.data()) % S;
  };

  std::vector<fs::path> parts;
  std::vector<std::unique_ptr<RunWriter>> writers;
  for (std::size_t s = 0; s < S; ++s) {
    parts.push_back(dir / (".scenario-" + std::to_string(s)));
    fs::create_directory(parts.back());
    writers.push_back(std::make_unique<RunWriter>(
        parts.back(), sc[s], std::max<std::size_t>(1, opts.summary_budget / S)));
  }

  // The baseline's outputs of the replication being paired.
  MetricTable baseline;
  std::array<double, kRunOutputCount> baseline_runs{};
  std::size_t baseline_replication = 0;
  std::vector<PairedDifference> cells;  // (S - 1) x rows x kMetricCount
  std::vector<PairedDifference> runs((S - 1) * kRunOutputCount);

  auto run = [&](const RunPlan& p) {
    const std::size_t s = scenario_of(p);
    try {
      return run_one(sc[s], p.seed);
    } catch (const std::exception& e) {
      throw std::runtime_error("scenario \"" + sc[s].meta.name + "\": " + e.what());
    }
  };
  auto consume = [&](const RunPlan& p, RunResult&& r) {
    const std::size_t s = scenario_of(p);
    writers[s]->add(p.replication, r);
    c.teacher_steps += r.teacher_steps;
    if (s == 0) {
      if (cells.empty()) {
        c.year = r.metrics.year;
        c.month = r.metrics.month;
        cells.resize((S - 1) * r.metrics.values.size());
      }
      baseline = std::move(r.metrics);
      baseline_runs = r.per_run;
      baseline_replication = p.replication;
    } else {
      // The plan order guarantees the pairing; the checks guard the layout.
      if (baseline_replication != p.replication || r.metrics.year != baseline.year ||
          r.metrics.month != baseline.month)
        throw std::logic_error("compare: replication " + std::to_string(p.replication) + " of \"" +
                               sc[s].meta.name + "\" cannot be paired with the baseline");
      PairedDifference* row = cells.data() + (s - 1) * baseline.values.size();
      for (std::size_t i = 0; i < baseline.values.size(); ++i)
        row[i].add(baseline.values[i], r.metrics.values[i]);
      for (int o = 0; o < kRunOutputCount; ++o)
        runs[(s - 1) * kRunOutputCount + static_cast<std::size_t>(o)].add(
            baseline_runs[static_cast<std::size_t>(o)], r.per_run[static_cast<std::size_t>(o)]);
    }
    if (opts.on_run) opts.on_run();
  };

  EnsembleOptions eo;
  eo.threads = opts.threads;
  eo.cancel = opts.cancel;
  const EnsembleStats stats = run_ensemble(plans, run, consume, eo);
  if (stats.cancelled) {
    c.cancelled = true;
    return c;
  }

  for (auto& w : writers) c.summaries.push_back(w->finish());
  writers.clear();
  for (const char* name : {"trajectories.csv", "summary.csv", "runs.csv", "schools.csv"}) {
    OutFile out(dir / name);
    for (std::size_t s = 0; s < S; ++s)
      append_prefixed(out, parts[s] / name, csv_field(c.names[s]) + ",", s == 0, "scenario,");
    out.close();
  }
  for (const fs::path& part : parts) fs::remove_all(part);

  const std::size_t n_cells = c.year.size() * kMetricCount;
  c.differences.resize(S);
  c.run_differences.resize(S);
  for (std::size_t s = 1; s < S; ++s) {
    for (std::size_t i = 0; i < n_cells; ++i)
      c.differences[s].push_back(cells[(s - 1) * n_cells + i].stats());
    for (std::size_t o = 0; o < kRunOutputCount; ++o)
      c.run_differences[s].push_back(runs[(s - 1) * kRunOutputCount + o].stats());
  }
  write_differences_csv(dir / "differences.csv", c, monthly);
  write_run_differences_csv(dir / "run_differences.csv", c);
  return c;
}

// ================================================================ manifest

void write_compare_manifest(const fs::path& file, const std::vector<Scenario>& scenarios,
                            const RunManifest& m) {
  if (scenarios.empty()) throw std::invalid_argument("compare manifest without scenarios");
  const Scenario& first = scenarios[0];
  Json j = manifest_head("compare", m);
  Json files = Json::array(), all = Json::array();
  for (const Scenario& s : scenarios) {
    files.push_back(s.meta.source_file);
    all.push_back(scenario_json(s));
  }
  j["scenario_files"] = std::move(files);
  j["baseline"] = first.meta.name;
  j["overrides"] = m.overrides;
  j["seed"] = first.meta.seed;
  j["replications"] = first.meta.replications;
  write_manifest_file(file, std::move(j), m, "scenarios", std::move(all));
}

// ================================================================ terminal table

namespace {

std::string plain_number(double v) {
  if (is_empty(v)) return "-";
  if (v == 0) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 1000 ? "%.0f" : "%.3g", v);
  return buf;
}

std::string signed_number(double v) {
  if (is_empty(v)) return "-";
  if (v == 0) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 1000 ? "%+.0f" : "%+.3g", v);
  return buf;
}

std::string difference_text(const PairedStats& d) {
  if (d.n == 0) return "-";
  std::string s = signed_number(d.mean);
  if (d.n < 2) return s;
  s += " [" + signed_number(d.ci_low) + ", " + signed_number(d.ci_high) + "]";
  if (d.excludes_zero()) s += " *";
  return s;
}

// At most `max` characters; a long name keeps its start and its end, which
// is where names of a series usually differ ("reference pace 0.5").
std::string shortened(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  const std::size_t head = (max - 1) / 2, tail = max - 1 - head;
  std::string t = s.substr(0, head);
  t += '~';
  t += s.substr(s.size() - tail);
  return t;
}

struct TableColumn {
  std::string head1, head2;
  std::vector<std::string> cells;
  std::size_t width() const {
    std::size_t w = std::max(head1.size(), head2.size());
    for (const auto& c : cells) w = std::max(w, c.size());
    return w;
  }
};

constexpr std::size_t kGap = 3;

std::string render(const std::vector<const TableColumn*>& columns) {
  std::vector<std::size_t> widths;
  for (const TableColumn* c : columns) widths.push_back(c->width());
  auto line = [&](auto cell) {
    std::string text;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const std::string& v = cell(*columns[i]);
      text += v;
      if (i + 1 < columns.size()) text += std::string(widths[i] - v.size() + kGap, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };
  std::string out = line([](const TableColumn& c) -> const std::string& { return c.head1; });
  out += line([](const TableColumn& c) -> const std::string& { return c.head2; });
  for (std::size_t r = 0; r < columns[0]->cells.size(); ++r)
    out += line([r](const TableColumn& c) -> const std::string& { return c.cells[r]; });
  return out;
}

}  // namespace

std::string comparison_table(const Comparison& c, int horizon, std::size_t width) {
  const Metric metrics[] = {Metric::capacity_index,    Metric::self_sufficiency,
                            Metric::equity_gap,        Metric::spend_per_teacher,
                            Metric::initiative_active, Metric::commitment_mean,
                            Metric::fatigue_mean};
  if (c.summaries.empty()) return "";
  const Summary& base = c.summaries[0];
  std::vector<int> years;
  for (int y : {3, 5, 10, horizon})
    if (y <= horizon && std::find(years.begin(), years.end(), y) == years.end() &&
        base.year_end_row(y) < base.rows())
      years.push_back(y);

  std::string out = "key outcomes over " + std::to_string(base.replications) +
                    " replications: the median of each scenario, and \"difference\":\n"
                    "the mean paired difference from the first [95% CI], * where the interval "
                    "excludes 0\n";
  for (int y : years) {
    const std::size_t row = base.year_end_row(y);
    TableColumn label{"year " + std::to_string(y), "", {}};
    for (Metric m : metrics) label.cells.push_back(name(m));
    std::vector<TableColumn> medians(c.names.size()), diffs(c.names.size());
    for (std::size_t s = 0; s < c.names.size(); ++s) {
      medians[s] = {shortened(c.names[s], 20), "median", {}};
      diffs[s] = {"", "difference", {}};
      for (Metric m : metrics) {
        const CellStats& cell = c.summaries[s].at(row, m);
        medians[s].cells.push_back(cell.n == 0 ? "-" : plain_number(cell.q[3]));
        if (s > 0)
          diffs[s].cells.push_back(
              difference_text(c.differences[s][row * kMetricCount + static_cast<std::size_t>(m)]));
      }
    }
    // The label and baseline columns start every block; the other scenarios
    // (median and difference) follow while they fit in `width`.
    const std::size_t fixed = label.width() + kGap + medians[0].width();
    std::size_t s = 1;
    do {
      std::vector<const TableColumn*> block = {&label, &medians[0]};
      std::size_t used = fixed;
      while (s < c.names.size()) {
        const std::size_t need = 2 * kGap + medians[s].width() + diffs[s].width();
        if (block.size() > 2 && used + need > width) break;
        block.push_back(&medians[s]);
        block.push_back(&diffs[s]);
        used += need;
        ++s;
      }
      out += '\n';
      out += render(block);
    } while (s < c.names.size());
  }
  return out;
}

}  // namespace ds
