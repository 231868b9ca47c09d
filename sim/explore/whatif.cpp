#include "explore/whatif.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <tuple>

#include "engine/schedule.hpp"
#include "input/scenario_export.hpp"
#include "input/scenario_loader.hpp"
#include "input/text.hpp"
#include "model/params.hpp"
#include "model/dials.hpp"
#include "runs/compare.hpp"
#include "runs/ensemble.hpp"
#include "stats/quantiles.hpp"

namespace ds::explore {
namespace {

using nlohmann::json;

// A JSON scalar as --set reads it.
std::optional<std::string> set_text(const json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number_float()) {
    // The shortest text that reads back as the same double (0.8, not 0.80000000000000004).
    if (!std::isfinite(v.get<double>())) return std::nullopt;
    return v.dump();
  }
  if (v.is_string()) return v.get<std::string>();
  return std::nullopt;
}

json number_or_null(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

// Every replication's value of each shown metric at each year (rows 0..years).
struct Values {
  // [metric][year][replication]
  std::vector<std::vector<std::vector<double>>> at;
};

// Per year, the median and 10th and 90th percentiles (type 7) over the runs
// whose initiative is still active that year; null where none is.
json bands(const Values& v, std::size_t metric, std::size_t active_metric) {
  json median = json::array(), low = json::array(), high = json::array();
  for (std::size_t y = 0; y < v.at[metric].size(); ++y) {
    std::vector<double> xs;
    const auto& row = v.at[metric][y];
    for (std::size_t r = 0; r < row.size(); ++r)
      if (v.at[active_metric][y][r] > 0.5 && std::isfinite(row[r])) xs.push_back(row[r]);
    std::sort(xs.begin(), xs.end());
    median.push_back(xs.empty() ? json(nullptr) : json(quantile_type7(xs, 0.5)));
    low.push_back(xs.empty() ? json(nullptr) : json(quantile_type7(xs, 0.1)));
    high.push_back(xs.empty() ? json(nullptr) : json(quantile_type7(xs, 0.9)));
  }
  return {{"median", median}, {"p10", low}, {"p90", high}};
}

// Per year, the share of runs whose initiative has ended.
json ended_share(const Values& v, std::size_t active_metric) {
  json out = json::array();
  for (const auto& row : v.at[active_metric]) {
    double ended = 0;
    for (double a : row) ended += a < 0.5;
    out.push_back(row.empty() ? 0.0 : ended / static_cast<double>(row.size()));
  }
  return out;
}

// The paired difference what-if minus baseline, per year: mean and 95% t
// interval over replications (all runs, ended ones included: an ended
// initiative is an outcome).
json differences(const Values& base, const Values& what, std::size_t metric) {
  json mean = json::array(), low = json::array(), high = json::array();
  for (std::size_t y = 0; y < base.at[metric].size(); ++y) {
    PairedDifference d;
    for (std::size_t r = 0; r < base.at[metric][y].size(); ++r)
      d.add(base.at[metric][y][r], what.at[metric][y][r]);
    const PairedStats s = d.stats();
    mean.push_back(number_or_null(s.mean));
    low.push_back(number_or_null(s.ci_low));
    high.push_back(number_or_null(s.ci_high));
  }
  return {{"mean", mean}, {"low", low}, {"high", high}};
}

std::string fmt(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

json dials_json() {
  json dials = json::array();
  for (const DialInfo& d : kDials)
    dials.push_back({{"key", std::string("strategy.") + d.name}, {"name", d.name}, {"label", d.label},
                     {"low", d.low}, {"high", d.high}});
  return dials;
}

// Runs `s` (every replication) into `v`, or false if cancelled.
bool run_into(const Scenario& s, int threads, const std::atomic<bool>* cancel, Values& v) {
  const auto R = static_cast<std::size_t>(s.meta.replications);
  const auto Y = static_cast<std::size_t>(s.meta.years);
  const std::vector<Metric>& shown = shown_metrics();
  v.at.assign(shown.size(), std::vector<std::vector<double>>(Y + 1, std::vector<double>(R, kEmpty)));
  EnsembleOptions opts;
  opts.threads = std::max(1, threads);
  opts.cancel = cancel;
  const EnsembleStats stats = run_ensemble(
      plan_replications(R, s.meta.seed), [&](const RunPlan& p) { return run_one(s, p.seed); },
      [&](const RunPlan& p, RunResult&& r) {
        for (std::size_t m = 0; m < shown.size(); ++m)
          for (std::size_t y = 0; y <= Y; ++y)
            v.at[m][y][p.replication] = r.metrics.at(r.metrics.year_end_row(static_cast<int>(y)), shown[m]);
      },
      opts);
  return !stats.cancelled;
}

// Whether every run of `a` and `b` gave the same values (empty ones alike).
bool same_runs(const Values& a, const Values& b) {
  for (std::size_t m = 0; m < a.at.size(); ++m)
    for (std::size_t y = 0; y < a.at[m].size(); ++y)
      for (std::size_t r = 0; r < a.at[m][y].size(); ++r) {
        const double x = a.at[m][y][r], z = b.at[m][y][r];
        if (!(x == z || (std::isnan(x) && std::isnan(z)))) return false;
      }
  return true;
}

// Whether `a` and `b` run alike: replication 0 of each, every metric of
// every year the same (a change the page cannot see shows there).
bool same_first_run(const Scenario& a, const Scenario& b) {
  const RunResult x = run_one(a, replication_seed(a.meta.seed, 0));
  const RunResult y = run_one(b, replication_seed(b.meta.seed, 0));
  if (x.metrics.rows() != y.metrics.rows()) return false;
  for (std::size_t r = 0; r < x.metrics.rows(); ++r)
    for (int m = 0; m < kMetricCount; ++m) {
      const double u = x.metrics.row(r)[m], v = y.metrics.row(r)[m];
      if (!(u == v || (std::isnan(u) && std::isnan(v)))) return false;
    }
  return true;
}

std::string money(double x) { return (x < 0 ? "-$" : "$") + fmt("%.0f", std::fabs(x)); }
std::string number(double x) { return fmt("%.3f", x); }

// "capacity 0.05 lower (95% interval 0.02 to 0.08)", or "not clearly different".
std::string change_phrase(const json& diff, std::size_t year, const std::string& what,
                          std::string (*show)(double)) {
  const json& m = diff["mean"][year];
  const json& lo = diff["low"][year];
  const json& hi = diff["high"][year];
  if (m.is_null() || lo.is_null() || hi.is_null()) return what + " without an estimate";
  const double mean = m.get<double>(), l = lo.get<double>(), h = hi.get<double>();
  if (l > 0) return what + " " + show(mean) + " higher (95% interval " + show(l) + " to " + show(h) + ")";
  if (h < 0) return what + " " + show(-mean) + " lower (95% interval " + show(-h) + " to " + show(-l) + ")";
  return what + " not clearly different (95% interval " + show(l) + " to " + show(h) + ")";
}

// 400 with the diagnostics: as `key: problem (expected ...)` (a what-if's
// values), or with their file:line:col (a file read on the page).
Outcome refused(const std::vector<Diagnostic>& diagnostics, bool positions = false) {
  Outcome out;
  out.status = Outcome::Status::invalid;
  json errors = json::array();
  for (const Diagnostic& d : diagnostics) errors.push_back(positions ? d.to_string() : message(d));
  out.body = {{"errors", errors}};
  return out;
}

std::filesystem::path folder_of(const Baseline& b) { return std::filesystem::absolute(b.file).parent_path(); }

// The baseline's text with `overrides`, as the file would load with --set.
LoadResult load(const Baseline& b, const std::vector<std::string>& overrides = {}) {
  return load_scenario_text(b.text, b.file.string(), folder_of(b), overrides);
}

// The validator's range of a setting the page shows.
json limits(const std::string& key) {
  const auto range = [](const auto& f) { return json{{"min", f.min}, {"max", f.max}}; };
  const std::size_t close = key.find("].");
  if (close != std::string::npos) {
    for (const auto& f : partner_fields())
      if (f.key == key.substr(close + 2)) return range(f);
    return nullptr;
  }
  const ParamSpec* p = find_param(key);
  return p ? range(*p) : json(nullptr);
}

}  // namespace

struct BaselineCache::Impl {
  std::mutex m;
  std::map<std::tuple<int, int, std::uint64_t>, Values> runs;
};
BaselineCache::BaselineCache() : impl(std::make_unique<Impl>()) {}
BaselineCache::~BaselineCache() = default;

const std::vector<Metric>& shown_metrics() {
  static const std::vector<Metric> m{Metric::capacity_index,     Metric::self_sufficiency,
                                     Metric::equity_gap,         Metric::spend_per_teacher,
                                     Metric::internal_coach_fte, Metric::partner_coach_fte,
                                     Metric::teacher_leaders,    Metric::grant_share_of_spend,
                                     Metric::external_share_of_spend, Metric::initiative_active};
  return m;
}

std::string message(const Diagnostic& d) {
  std::string s = d.key.empty() ? d.problem : d.key + ": " + d.problem;
  if (!d.expected.empty()) s += " (expected " + d.expected + ")";
  return s;
}

Request parse_request(const json& body) {
  Request r;
  if (!body.is_object()) {
    r.problems.push_back("request: not a JSON object (expected {\"set\": {...}, \"replications\": N, \"years\": N})");
    return r;
  }
  std::vector<std::string> last;  // replications and years, after the set
  for (const auto& [key, value] : body.items()) {
    if (key == "set") {
      if (!value.is_object()) {
        r.problems.push_back("set: not an object (expected {\"strategy.pace\": 0.8, ...})");
        continue;
      }
      if (value.size() > kMaxOverrides) {
        r.problems.push_back("set: " + std::to_string(value.size()) + " keys (expected at most " +
                             std::to_string(kMaxOverrides) + ")");
        continue;
      }
      for (const auto& [k, v] : value.items()) {
        const std::optional<std::string> text = set_text(v);
        if (!text) r.problems.push_back(k + ": not a number, text or true/false (expected a value as --set takes it)");
        else r.overrides.push_back(k + "=" + *text);
      }
    } else if (key == "replications" || key == "years") {
      if (!value.is_number_integer()) {
        r.problems.push_back(key + ": not a whole number (expected an integer)");
        continue;
      }
      const long long n = value.get<long long>();
      if (key == "replications" && (n < 2 || n > kMaxReplications)) {
        r.problems.push_back("replications: " + std::to_string(n) + " is out of range (expected 2.." +
                             std::to_string(kMaxReplications) + ": enough to pair, few enough for a page)");
        continue;
      }
      last.push_back("scenario." + key + "=" + std::to_string(n));
    } else if (key == "client") {
      if (!value.is_string() || value.get<std::string>().size() > 100)
        r.problems.push_back("client: not a short text (expected the page's id)");
      else
        r.client = value.get<std::string>();
    } else if (key == "seq") {
      if (!value.is_number_integer() || (!value.is_number_unsigned() && value.get<long long>() < 0))
        r.problems.push_back("seq: not a whole number (expected 0, 1, 2, ...)");
      else
        r.seq = value.get<std::uint64_t>();
    } else {
      r.problems.push_back(key + ": unknown member (expected set, replications, years, client or seq)");
    }
  }
  r.overrides.insert(r.overrides.end(), last.begin(), last.end());
  return r;
}

std::optional<Baseline> read_baseline(const std::filesystem::path& file, std::vector<std::string>& errors) {
  Baseline b{file, {}};
  std::string error;
  if (!read_limited(file, kMaxScenarioBytes, b.text, error)) {
    errors.push_back(file.string() + ": " + error);
    return std::nullopt;
  }
  const LoadResult loaded = load(b);
  if (!loaded.ok()) {
    for (const Diagnostic& d : loaded.diagnostics) errors.push_back(d.to_string());
    return std::nullopt;
  }
  return b;
}

json describe_baseline(const Baseline& baseline) {
  const LoadResult loaded = load(baseline);
  if (!loaded.ok()) return json{{"errors", json::array()}};  // read_baseline checked it
  const Scenario& s = *loaded.scenario;
  const District& d = s.district;
  json partners = json::array();
  for (const Partner& p : s.partners)
    partners.push_back({{"name", p.name},
                        {"kind", to_string(p.kind)},
                        {"coaches", p.coaches},
                        {"quality", p.quality},
                        {"cost_per_coach_year", p.cost_per_coach_year},
                        {"knowledge_transfer", p.knowledge_transfer}});
  json strategy = json::object();
  for (const DialInfo& dial : kDials) strategy[dial.name] = s.strategy.*dial.member;
  json ranges = json::object();
  for (const char* k : {"district.schools", "district.teachers_per_school", "district.low_income_share",
                        "district.readiness", "district.budget_per_teacher", "district.grant_per_year",
                        "district.grant_years", "scenario.years"})
    ranges[k] = limits(k);
  for (const DialInfo& dial : kDials) ranges[std::string("strategy.") + dial.name] = limits(std::string("strategy.") + dial.name);
  for (const char* f : {"cost_per_coach_year", "quality", "knowledge_transfer"})
    ranges[std::string("partners[].") + f] = limits(std::string("partners[1].") + f);
  ranges["scenario.replications"] = {{"min", 2}, {"max", kMaxReplications}};
  return json{{"file", baseline.file.string()},
              {"name", s.meta.name},
              {"description", s.meta.description},
              {"years", s.meta.years},
              {"replications", s.meta.replications},
              {"seed", s.meta.seed},
              {"district",
               {{"schools", d.schools},
                {"teachers_per_school", d.teachers_per_school},
                {"schools_file", d.schools_file},
                {"low_income_share", d.low_income_share},
                {"readiness", d.readiness},
                {"budget_per_teacher", d.budget_per_teacher},
                {"grant_per_year", d.grant_per_year},
                {"grant_years", d.grant_years},
                {"grant_planning", d.grant_planning}}},
              {"strategy", strategy},
              {"partners", partners},
              {"dials", dials_json()},
              {"ranges", ranges}};
}

void prepare_baseline(const Baseline& baseline, int threads, BaselineCache& cache, const std::atomic<bool>* cancel) {
  LoadResult base = load(baseline);
  if (!base.ok()) return;  // run_whatif reports it
  Scenario& s = *base.scenario;
  s.output.withdrawal_probe_years.clear();
  Values v;
  if (!run_into(s, threads, cancel, v)) return;
  std::lock_guard lock(cache.impl->m);
  cache.impl->runs.emplace(std::tuple<int, int, std::uint64_t>{s.meta.replications, s.meta.years, s.meta.seed},
                           std::move(v));
}

Outcome run_whatif(const Baseline& baseline, const std::vector<std::string>& overrides, int threads,
                   const std::atomic<bool>* cancel, BaselineCache* cache) {
  Outcome out;
  LoadResult what = load(baseline, overrides);
  if (!what.ok()) return refused(what.diagnostics);
  // The baseline at the what-if's replications, horizon and seed.
  Scenario& w = *what.scenario;
  if (w.meta.replications < 2 || w.meta.replications > kMaxReplications)  // through set, past parse_request's
    return refused({{"", 0, 0, "scenario.replications",
                     std::to_string(w.meta.replications) + " is not what a page runs",
                     "2.." + std::to_string(kMaxReplications) + "; districtsim run takes any number"}});
  // A bound on the work of one request: about a minute on 2 cores.
  const double work = static_cast<double>(w.meta.replications) * w.meta.years * w.district.schools *
                      w.district.teachers_per_school;
  if (work > kMaxTeacherYears)
    return refused({{"", 0, 0, "scenario.replications",
                     "this what-if is " + fmt("%.0f", work / 1e6) + " million teacher-years of runs, more than a page runs",
                     "at most " + fmt("%.0f", kMaxTeacherYears / 1e6) +
                         " million: fewer replications, years, schools or teachers; districtsim run takes more"}});
  const std::tuple<int, int, std::uint64_t> key{w.meta.replications, w.meta.years, w.meta.seed};
  LoadResult base = load(baseline, {"scenario.replications=" + std::to_string(std::get<0>(key)),
                                             "scenario.years=" + std::to_string(std::get<1>(key)),
                                             "scenario.seed=" + std::to_string(std::get<2>(key))});
  if (!base.ok()) return refused(base.diagnostics);
  w.output.withdrawal_probe_years.clear();
  base.scenario->output.withdrawal_probe_years.clear();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Values> values(2);
  bool cached = false;
  if (cache) {
    std::lock_guard lock(cache->impl->m);
    if (auto it = cache->impl->runs.find(key); it != cache->impl->runs.end()) {
      values[0] = it->second;
      cached = true;
    }
  }
  const bool done = (cached || run_into(*base.scenario, threads, cancel, values[0])) &&
                    run_into(w, threads, cancel, values[1]);
  if (!done) {
    out.status = Outcome::Status::cancelled;
    out.body = {{"cancelled", true}};
    return out;
  }
  if (cache && !cached) {
    std::lock_guard lock(cache->impl->m);
    if (cache->impl->runs.size() >= BaselineCache::kEntries) cache->impl->runs.clear();
    cache->impl->runs.emplace(key, values[0]);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::vector<Metric>& shown = shown_metrics();
  const auto R = static_cast<std::size_t>(w.meta.replications);
  const auto Y = static_cast<std::size_t>(w.meta.years);
  const std::size_t active = shown.size() - 1;  // initiative_active, last of shown_metrics()
  json metrics = json::object();
  for (std::size_t m = 0; m < active; ++m) {
    const MetricInfo& info = metric_info()[static_cast<std::size_t>(shown[m])];
    metrics[info.name] = {{"label", info.label},
                          {"axis", info.axis},
                          {"kind", info.kind},
                          {"baseline", bands(values[0], m, active)},
                          {"whatif", bands(values[1], m, active)},
                          {"difference", differences(values[0], values[1], m)}};
  }
  json years = json::array();
  for (std::size_t y = 0; y <= Y; ++y) years.push_back(y);
  const json ended_base = ended_share(values[0], active), ended_what = ended_share(values[1], active);
  // The bottom line at year 10, or the horizon if it is shorter; said plainly
  // when the what-if runs exactly as the baseline does.
  const std::size_t at = std::min<std::size_t>(10, Y);
  std::string line;
  if (same_runs(values[0], values[1])) {
    line = "The what-if is the baseline: every run goes the same way. Move a choice or a district setting to see "
           "what it changes (" + std::to_string(R) + " paired runs).";
  } else {
    line = "By year " + std::to_string(at) + ", against the baseline: " +
           change_phrase(metrics["capacity_index"]["difference"], at, "capacity", number) + " and " +
           change_phrase(metrics["spend_per_teacher"]["difference"], at, "spend per teacher", money) +
           "; the initiative has ended in " + fmt("%.0f%%", 100 * ended_what[at].get<double>()) +
           " of the runs, against " + fmt("%.0f%%", 100 * ended_base[at].get<double>()) + " (" + std::to_string(R) +
           " paired runs).";
  }
  json applied = json::array();
  for (const std::string& o : overrides) applied.push_back(o);
  out.body = {{"years", years},
              {"replications", R},
              {"seed", w.meta.seed},
              {"set", applied},
              {"metrics", metrics},
              {"ended_share", {{"baseline", ended_base}, {"whatif", ended_what}}},
              {"bottom_line", line},
              {"bottom_line_year", at},
              {"baseline_cached", cached},
              {"seconds", seconds}};
  return out;
}

Outcome load_whatif(const Baseline& baseline, const std::string& toml, const std::string& name) {
  Outcome out;
  const LoadResult base = load(baseline);
  const LoadResult loaded = load_scenario_text(toml, name.empty() ? "scenario" : name, folder_of(baseline));
  if (!base.ok() || !loaded.ok()) return refused((loaded.ok() ? base : loaded).diagnostics, true);
  const Scenario& b = *base.scenario;
  const Scenario& l = *loaded.scenario;
  json set = json::object();
  const auto differ = [&set](const std::string& key, double was, double now) {
    if (was != now) set[key] = now;
  };
  const District &bd = b.district, &ld = l.district;
  differ("district.schools", bd.schools, ld.schools);
  differ("district.teachers_per_school", bd.teachers_per_school, ld.teachers_per_school);
  differ("district.low_income_share", bd.low_income_share, ld.low_income_share);
  differ("district.readiness", bd.readiness, ld.readiness);
  differ("district.budget_per_teacher", bd.budget_per_teacher, ld.budget_per_teacher);
  differ("district.grant_per_year", bd.grant_per_year, ld.grant_per_year);
  differ("district.grant_years", bd.grant_years, ld.grant_years);
  for (const DialInfo& d : kDials) differ(std::string("strategy.") + d.name, b.strategy.*d.member, l.strategy.*d.member);
  const std::size_t partners = std::min(b.partners.size(), l.partners.size());
  for (std::size_t i = 0; i < partners; ++i) {
    const std::string k = "partners[" + std::to_string(i + 1) + "].";
    differ(k + "cost_per_coach_year", b.partners[i].cost_per_coach_year, l.partners[i].cost_per_coach_year);
    differ(k + "quality", b.partners[i].quality, l.partners[i].quality);
    differ(k + "knowledge_transfer", b.partners[i].knowledge_transfer, l.partners[i].knowledge_transfer);
  }
  // What the page cannot show: the loaded file's own scenario must equal the
  // baseline with these settings, or the page would not be running it.
  std::vector<std::string> overrides;
  for (const auto& [k, v] : set.items()) overrides.push_back(k + "=" + *set_text(v));
  overrides.push_back("scenario.replications=" + std::to_string(l.meta.replications));
  overrides.push_back("scenario.years=" + std::to_string(l.meta.years));
  json not_shown = json::array();
  if (b.partners.size() != l.partners.size())
    not_shown.push_back("it lists " + std::to_string(l.partners.size()) + " partners, the baseline " +
                        std::to_string(b.partners.size()));
  if (l.meta.seed != b.meta.seed) not_shown.push_back("its seed (" + std::to_string(l.meta.seed) + ")");
  if (l.events.size() != b.events.size()) not_shown.push_back("its events");
  const LoadResult page = load(baseline, overrides);
  if (not_shown.empty() && page.ok() && !same_first_run(*page.scenario, l))
    not_shown.push_back("settings the page does not show (its model parameters, schools or output)");
  out.body = {{"set", set},
              {"replications", l.meta.replications},
              {"years", l.meta.years},
              {"name", l.meta.name},
              {"not_shown", not_shown}};
  return out;
}

Outcome save_whatif(const Baseline& baseline, const std::vector<std::string>& overrides) {
  Outcome out;
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::string header = "A what-if saved by districtsim explore on " + std::string(date) + ":\n" +
                       baseline.file.filename().string() + " with";
  if (overrides.empty()) header += " nothing changed";
  for (const std::string& o : overrides) header += "\n  " + o;
  header += "\nRun it with: districtsim run THIS_FILE -o RESULTS (the same seed gives the page's numbers).";
  // Named apart from the baseline, so that `districtsim compare` takes both.
  std::vector<std::string> named = overrides;
  if (std::none_of(overrides.begin(), overrides.end(),
                   [](const std::string& o) { return o.rfind("scenario.name=", 0) == 0; })) {
    const LoadResult b = load(baseline);
    if (b.ok()) named.push_back("scenario.name=" + b.scenario->meta.name + "-whatif");
  }
  const ExportResult r = export_scenario(baseline.text, baseline.file, named, header);
  if (!r.ok()) return refused(r.diagnostics);
  // The file must run as the what-if does, not only load.
  const LoadResult what = load(baseline, named);
  const LoadResult back = load_scenario_text(r.toml, "whatif.toml", folder_of(baseline));
  if (!what.ok() || !back.ok() || !same_first_run(*what.scenario, *back.scenario)) {
    out.status = Outcome::Status::failed;
    out.body = {{"errors", {"the scenario file written for this what-if does not run as the what-if does; "
                            "nothing saved (please report it, with the baseline file and the changes)"}}};
  }
  if (out.status == Outcome::Status::ok) out.body = {{"toml", r.toml}};
  return out;
}

}  // namespace ds::explore
