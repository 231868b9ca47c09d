#include "sweep_run.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "ensemble.hpp"
#include "metrics.hpp"
#include "schedule.hpp"
#include "sensitivity.hpp"

namespace ds {

namespace fs = std::filesystem;

std::vector<int> sweep_report_years(int horizon) {
  std::vector<int> years;
  for (int y : {3, 5, 10})
    if (y < horizon) years.push_back(y);
  return years;
}

std::vector<std::string> sweep_outcome_names(int horizon) {
  std::vector<std::string> names;
  for (const auto& o : run_output_info()) names.emplace_back(o.name);
  const std::vector<int> years = sweep_report_years(horizon);
  for (const auto& m : metric_info()) {
    for (int y : years) names.push_back(std::string(m.name) + "_y" + std::to_string(y));
    names.push_back(std::string(m.name) + "_final");
  }
  return names;
}

namespace {

void write_points_csv(const fs::path& file, const SweepSpec& spec, const Design& d) {
  OutFile out(file);
  std::string line = "point";
  for (const SweepParam& p : spec.params) (line += ',') += csv_field(p.key);
  line += '\n';
  out.write(line);
  for (std::size_t i = 0; i < d.points; ++i) {
    const std::vector<double> v = point_values(spec.params, d, i);
    line = std::to_string(i);
    for (std::size_t k = 0; k < spec.params.size(); ++k)
      (line += ',') += csv_field(value_plain(spec.params[k], v[k]));
    line += '\n';
    out.write(line);
  }
  out.close();
}

// Writes the point_summary.csv rows of one point from its R x C values.
void write_point_summary(OutFile& out, std::size_t point, const std::vector<double>& values,
                         std::size_t reps, const std::vector<std::string>& names, double* means) {
  const std::size_t C = names.size();
  std::vector<double> column;
  std::string line;
  for (std::size_t c = 0; c < C; ++c) {
    column.clear();  // cell_stats drops empty values from it
    for (std::size_t r = 0; r < reps; ++r) column.push_back(values[r * C + c]);
    const CellStats s = cell_stats(column);
    if (means) means[c] = s.mean;
    line = std::to_string(point);
    (line += ',') += names[c];
    line += ',';
    append_number(line, s.mean);
    line += ',';
    append_number(line, s.sd);
    for (double q : s.q) {
      line += ',';
      append_number(line, q);
    }
    line += '\n';
    out.write(line);
  }
}

void write_sensitivity_csv(const fs::path& file, const SweepSpec& spec, const Design& d,
                           const std::vector<double>& means, const std::vector<std::string>& names,
                           std::size_t bootstrap) {
  const std::size_t C = names.size(), P = d.points, D = d.dims;
  BootstrapOptions bo;
  bo.samples = bootstrap;
  bo.seed = spec.design.seed;
  OutFile out(file);
  const bool sobol = d.kind == DesignKind::Sobol;
  out.write(sobol ? "outcome,parameter,index,value,ci_low,ci_high\n"
                  : "outcome,parameter,mu,mu_star,sigma,mu_star_ci_low,mu_star_ci_high\n");
  std::vector<double> y(P);
  std::string line;
  for (std::size_t c = 0; c < C; ++c) {
    for (std::size_t i = 0; i < P; ++i) y[i] = means[i * C + c];
    if (sobol) {
      const SobolResult r = sobol_indices(y, D, bo);
      for (std::size_t k = 0; k < D; ++k) {
        const SobolIndex& s = r.params[k];
        for (int which = 0; which < 2; ++which) {
          line = names[c];
          (line += ',') += csv_field(spec.params[k].key);
          line += which == 0 ? ",first," : ",total,";
          const double v = which == 0 ? s.first : s.total;
          const Interval& ci = which == 0 ? s.first_ci : s.total_ci;
          append_number(line, v);
          line += ',';
          append_number(line, ci.low);
          line += ',';
          append_number(line, ci.high);
          line += '\n';
          out.write(line);
        }
      }
    } else {
      const MorrisResult r = morris_indices(d, y, bo);
      for (std::size_t k = 0; k < D; ++k) {
        const MorrisIndex& m = r.params[k];
        line = names[c];
        (line += ',') += csv_field(spec.params[k].key);
        for (double v : {m.mu, m.mu_star, m.sigma, m.mu_star_ci.low, m.mu_star_ci.high}) {
          line += ',';
          append_number(line, v);
        }
        line += '\n';
        out.write(line);
      }
    }
  }
  out.close();
}

}  // namespace

SweepRunResult run_sweep(const SweepSpec& spec, const Design& design, const fs::path& dir,
                         const SweepRunOptions& opts) {
  const std::size_t R = spec.replications, P = design.points;
  const int horizon = spec.base.meta.years;
  const bool monthly = spec.base.output.frequency == Frequency::Month;
  const bool trajectories = spec.base.output.trajectories;
  const bool sensitivity = design.kind == DesignKind::Sobol || design.kind == DesignKind::Morris;
  const std::vector<int> years = sweep_report_years(horizon);
  const std::vector<std::string> names = sweep_outcome_names(horizon);
  const std::size_t C = names.size();

  SweepRunResult result;
  result.points = P;
  result.runs = P * R;

  write_points_csv(dir / "points.csv", spec, design);

  // Output order, point-major: plans[point * R + replication].
  std::vector<RunPlan> plans(P * R);
  for (std::size_t r = 0; r < R; ++r) {
    const std::uint64_t seed = run_seed(spec, r);
    for (std::size_t p = 0; p < P; ++p) plans[p * R + r] = {r, seed};
  }
  auto point_of = [&](const RunPlan& p) { return static_cast<std::size_t>(&p - plans.data()) / R; };

  OutFile runs(dir / "runs.csv");
  OutFile summary(dir / "point_summary.csv");
  std::unique_ptr<OutFile> traj;
  std::string line = "point,replication,seed";
  for (const std::string& n : names) (line += ',') += n;
  line += '\n';
  runs.write(line);
  line = "point,outcome,mean,sd";
  for (const char* q : kQuantileNames) (line += ',') += q;
  line += '\n';
  summary.write(line);
  if (trajectories) {
    traj = std::make_unique<OutFile>(dir / "trajectories.csv");
    line = monthly ? "point,replication,year,month" : "point,replication,year";
    for (const auto& m : metric_info()) (line += ',') += m.name;
    line += '\n';
    traj->write(line);
  }

  std::vector<double> values(R * C, kEmpty);  // the current point's runs
  std::vector<double> means(sensitivity ? P * C : 0, kEmpty);

  auto run = [&](const RunPlan& p) {
    const std::size_t point = point_of(p);
    try {
      return run_one(point_scenario(spec, design, point), p.seed);
    } catch (const std::exception& e) {
      throw std::runtime_error("point " + std::to_string(point) + ": " + e.what());
    }
  };
  auto consume = [&](const RunPlan& p, RunResult&& r) {
    const std::size_t point = point_of(p);
    const std::string prefix = std::to_string(point) + ',' + std::to_string(p.replication) + ',';
    const MetricTable& t = r.metrics;
    double* row = values.data() + p.replication * C;
    std::size_t c = 0;
    for (double v : r.per_run) row[c++] = v;
    std::vector<std::size_t> rows;
    for (int y : years) rows.push_back(t.year_end_row(y));
    rows.push_back(t.rows() == 0 ? 0 : t.year_end_row(t.year.back()));
    for (int m = 0; m < kMetricCount; ++m)
      for (std::size_t at : rows) row[c++] = at < t.rows() ? t.row(at)[m] : kEmpty;

    line = prefix;
    line += std::to_string(p.seed);
    for (std::size_t k = 0; k < C; ++k) {
      line += ',';
      append_number(line, row[k]);
    }
    line += '\n';
    runs.write(line);

    if (traj) {
      for (std::size_t i = 0; i < t.rows(); ++i) {
        line = prefix;
        line += std::to_string(t.year[i]);
        if (monthly) {
          line += ',';
          if (t.month[i] >= 0) line += std::to_string(t.month[i]);
        }
        const double* v = t.row(i);
        for (int m = 0; m < kMetricCount; ++m) {
          line += ',';
          append_number(line, v[m]);
        }
        line += '\n';
        traj->write(line);
      }
    }
    result.teacher_steps += r.teacher_steps;
    if (p.replication + 1 == R)
      write_point_summary(summary, point, values, R, names,
                          sensitivity ? means.data() + point * C : nullptr);
    if (opts.on_run) opts.on_run();
  };

  EnsembleOptions eo;
  eo.threads = opts.threads;
  eo.cancel = opts.cancel;
  const EnsembleStats stats = run_ensemble(plans, run, consume, eo);
  if (stats.cancelled) {
    result.cancelled = true;
    return result;
  }
  runs.close();
  summary.close();
  if (traj) traj->close();
  if (sensitivity)
    write_sensitivity_csv(dir / "sensitivity.csv", spec, design, means, names, opts.bootstrap);
  return result;
}

void write_sweep_manifest(const fs::path& file, const SweepSpec& spec, std::size_t points,
                          const RunManifest& m) {
  std::string cmd;
  for (std::size_t i = 0; i < m.argv.size(); ++i) {
    if (i > 0) cmd += ' ';
    cmd += shell_quote(m.argv[i]);
  }
  auto list = [](const auto& items, auto&& item) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += ", ";
      out += item(items[i]);
    }
    return out + "]";
  };
  std::string j = "{\n";
  j += "  \"kind\": \"sweep\",\n";
  j += "  \"version\": " + json_string(DISTRICTSIM_VERSION) + ",\n";
  j += "  \"git_commit\": " + json_string(DISTRICTSIM_GIT_COMMIT) + ",\n";
  j += "  \"command_line\": " + json_string(cmd) + ",\n";
  j += "  \"sweep_file\": " + json_string(spec.file) + ",\n";
  j += "  \"scenario_file\": " + json_string(spec.scenario_file.string()) + ",\n";
  j +=
      "  \"overrides\": " + list(m.overrides, [](const std::string& s) { return json_string(s); }) +
      ",\n";
  j += "  \"sweep\": " + json_string(canonical_text(spec)) + ",\n";
  j += "  \"design\": " + json_string(to_string(spec.design.kind)) + ",\n";
  j += "  \"parameters\": " +
       list(spec.params, [](const SweepParam& p) { return json_string(p.key); }) + ",\n";
  j += "  \"points\": " + std::to_string(points) + ",\n";
  j += "  \"replications\": " + std::to_string(spec.replications) + ",\n";
  j += "  \"runs\": " + std::to_string(points * spec.replications) + ",\n";
  j += "  \"seed\": " + std::to_string(spec.design.seed) + ",\n";
  j += "  \"seeds\": " + list(m.seeds, [](std::uint64_t s) { return std::to_string(s); }) + ",\n";
  j += "  \"teacher_steps\": " + std::to_string(m.teacher_steps) + ",\n";
  j += "  \"threads\": " + std::to_string(m.threads) + ",\n";
  j += "  \"started_at\": " + json_string(m.started_at) + ",\n";
  j += "  \"wall_seconds\": " + format_exact(m.wall_seconds) + ",\n";
  j += "  \"scenario\": " + scenario_json(spec.base, "  ") + "\n";
  j += "}\n";
  OutFile out(file);
  out.write(j);
  out.close();
}

}  // namespace ds
