// The model's own uncertainty (issue 12): a Morris screen (Morris 1991, the
// design of `districtsim sweep`, design.hpp) over every parameter whose
// source says "model assumption", run on the conclusions: the patterns of
// MODEL.md section 7 in the reference district (claims.hpp) and the dominance
// differences of the seven dials in the reference district (0.9 against 0.1,
// the other dials at 0.5, on each leader outcome).
//
//   assumption_screen --out FILE [--trajectories R] [--levels P]
//                     [--replications N] [--default-replications M]
//                     [--params K] [--seed S]
//
// Each assumption is screened over its default x [0.5, 1.5] (clipped to its
// declared range; integers rounded). At every design point each scenario runs
// N replications with the same seeds as at every other point (common random
// numbers), and each conclusion is evaluated as the claim's estimate (its
// margin: how far inside its criterion the estimate is). Elementary effects
// are per whole screened range (high - low), so |estimate at the defaults| /
// mu* x (high - low) is the move of the parameter that would take the
// conclusion to zero if its effect were linear. The defaults' estimate uses
// M replications.
//
// FILE starts with the settings ("#<tab>name<tab>value" lines), then one
// tab-separated line per (conclusion, assumption):
//   kind conclusion estimate param default low high mu mu_star sigma
//   flip_share
// where flip_share is the share of all design points at which the
// conclusion's 95% interval lies wholly on the other side of 0 from its
// estimate at the defaults (the same for every param of a conclusion; points
// where it cannot be formed, e.g. a cost per capable teacher with no capable
// teacher, are left out). scripts/validation-report formats it.
#include <tbb/parallel_for.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>

#include "validation/claims.hpp"
#include "runs/design.hpp"
#include "model/params.hpp"
#include "stats/sensitivity.hpp"

using namespace validation;

namespace {

struct Options {
  std::string out;
  std::size_t trajectories = 4;
  int levels = 4;
  int replications = 6;
  int default_replications = 40;
  std::size_t max_params = 0;  // 0: all
  std::uint64_t seed = 20261204;
};

// The parameters marked as assumptions, with their screened ranges.
std::vector<ds::SweepParam> assumptions(std::size_t max_params) {
  std::vector<ds::SweepParam> out;
  const ds::Scenario defaults;
  for (const ds::ParamSpec& p : ds::scenario_params()) {
    if (p.source.find("assumption") == std::string::npos) continue;
    if (p.type != ds::ParamType::Real && p.type != ds::ParamType::Int) continue;
    ds::Scenario s = defaults;
    const ds::ParamRef ref = p.ref(s);
    const double v = p.type == ds::ParamType::Int ? *std::get<int*>(ref) : *std::get<double*>(ref);
    if (v == 0) continue;  // no relative range around 0
    ds::SweepParam sp;
    sp.key = p.key;
    sp.type = p.type;
    sp.declared_min = p.min;
    sp.declared_max = p.max;
    sp.min = std::max(p.min, 0.5 * v);
    sp.max = std::min(p.max, 1.5 * v);
    if (p.type == ds::ParamType::Int) sp.min = std::round(sp.min), sp.max = std::round(sp.max);
    if (!(sp.min < sp.max)) continue;
    sp.ref = p.ref;
    out.push_back(sp);
    if (max_params && out.size() == max_params) break;
  }
  return out;
}

double default_of(const ds::SweepParam& p) {
  ds::Scenario s;
  const ds::ParamRef ref = p.ref(s);
  return p.type == ds::ParamType::Int ? *std::get<int*>(ref) : *std::get<double*>(ref);
}

struct Conclusion {
  std::string kind, text;
  std::function<Interval(const RunsOf&)> estimate;  // on the conclusion's margin scale
};

// The dominance conclusions read the reference district with one dial at a
// pole: "./reference|DIAL=V".
std::string pole_name(const std::string& dial, double v) { return "./reference|" + dial + "=" + (v > 0.5 ? "0.9" : "0.1"); }

// A cost conclusion is screened as the log of its cost ratio (same sign).
const char* const kLogRatio = " [screened as log cost ratio]";

std::vector<Conclusion> conclusions() {
  std::vector<Conclusion> c;
  for (const PatternClaim& p : pattern_claims())
    c.push_back({"pattern", p.group + ": " + p.text + (p.screened ? kLogRatio : ""), [p](const RunsOf& runs) {
                   return p.screened ? p.screened(runs) : p.margin(p.measure(runs));
                 }});
  for (const ds::DialInfo& d : ds::kDials)
    for (const LeaderOutcome& o : leader_outcomes()) {
      const std::string dial(d.name);
      c.push_back({"dominance", dial + " 0.9 over 0.1 in the reference: " + o.name + (o.screened ? kLogRatio : ""),
                   [dial, o](const RunsOf& runs) {
                     const Runs &high = runs(pole_name(dial, 0.9)), &low = runs(pole_name(dial, 0.1));
                     return o.screened ? o.screened(high, low) : o.advantage(high, low);
                   }});
    }
  return c;
}

// The scenarios the conclusions read, found by asking each with no runs.
std::vector<std::string> scenarios_read(const std::vector<Conclusion>& cs) {
  std::set<std::string> names;
  static const Runs none;
  const RunsOf record = [&names](const std::string& n) -> const Runs& {
    names.insert(n);
    return none;
  };
  for (const auto& c : cs) c.estimate(record);
  return {names.begin(), names.end()};
}

// The scenarios whose conclusions read beyond year 13: P1 (year 25 and the
// years to sustainability), P9 (abandonment of schools launched up to 3
// years before the horizon) and the dominance poles (years to
// sustainability). The others run 13 years: every year they are read at (10
// at the latest, or a withdrawal probe three years after year 10) is the
// same as over 25 years, at half the cost.
bool needs_whole_horizon(const std::string& name) {
  return name.rfind("p1_", 0) == 0 || name.rfind("p9_", 0) == 0 || name.find('|') != std::string::npos;
}

ds::Scenario scenario_named(const std::string& name) {
  const auto bar = name.find('|');
  if (bar == std::string::npos) {
    ds::Scenario s = load(name);
    if (!needs_whole_horizon(name)) s.meta.years = std::min(s.meta.years, 13);
    return s;
  }
  ds::Scenario s = load(name.substr(0, bar));
  const std::string setting = name.substr(bar + 1);
  const auto eq = setting.find('=');
  ds::dial(s.strategy, ds::dial_index(setting.substr(0, eq))) = std::stod(setting.substr(eq + 1));
  return s;
}

// Every conclusion at one setting of the assumptions (values in `params`
// order; empty = the defaults).
std::vector<Interval> evaluate(const std::vector<Conclusion>& cs, const std::vector<std::string>& names,
                             const std::vector<ds::Scenario>& bases, const std::vector<ds::SweepParam>& params,
                             const std::vector<double>& values, int replications) {
  std::vector<ds::Scenario> sc = bases;
  for (auto& s : sc)
    for (std::size_t j = 0; j < values.size(); ++j) ds::set_param(params[j], values[j], s);
  for (std::size_t i = 0; i < sc.size(); ++i) {
    const auto problems = ds::check_scenario(sc[i], names[i]);
    if (!problems.empty()) throw std::runtime_error(names[i] + ": " + problems.front().to_string());
  }
  std::vector<Runs> runs(sc.size(), Runs(static_cast<std::size_t>(replications)));
  const int n = static_cast<int>(sc.size()) * replications;
  tbb::parallel_for(0, n, [&](int k) {
    const auto i = static_cast<std::size_t>(k / replications);
    const auto r = static_cast<std::uint64_t>(k % replications);
    runs[i][r] = ds::run_one(sc[i], ds::replication_seed(base_seed(sc[i]), r));
  });
  std::map<std::string, const Runs*> by_name;
  for (std::size_t i = 0; i < names.size(); ++i) by_name[names[i]] = &runs[i];
  const RunsOf of = [&by_name](const std::string& n) -> const Runs& { return *by_name.at(n); };
  // An estimate that cannot be formed (a cost per capable teacher where no
  // replication has a capable teacher) is empty: the Morris analysis skips
  // the steps that touch it.
  std::vector<Interval> y;
  for (const auto& c : cs) {
    Interval v = c.estimate(of);
    if (!std::isfinite(v.mean)) v = Interval{};
    y.push_back(v);
  }
  return y;
}

// The conclusion's sign at a point is clearly against its sign at the
// defaults: the point's 95% interval lies wholly on the other side of 0 (a
// point estimate of a few replications changing sign is not a flip).
bool clearly_flipped(const Interval& at_point, double at_defaults) {
  return at_defaults > 0 ? at_point.high < 0 : at_point.low > 0;
}

int usage(const char* why) {
  std::cerr << "assumption_screen: " << why
            << "\nusage: assumption_screen --out FILE [--trajectories R] [--levels P] [--replications N]"
               " [--default-replications M] [--params K] [--seed S]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage(("missing value for " + a).c_str());
    const std::string v = argv[++i];
    try {
      if (a == "--out") o.out = v;
      else if (a == "--trajectories") o.trajectories = std::stoul(v);
      else if (a == "--levels") o.levels = std::stoi(v);
      else if (a == "--replications") o.replications = std::stoi(v);
      else if (a == "--default-replications") o.default_replications = std::stoi(v);
      else if (a == "--params") o.max_params = std::stoul(v);
      else if (a == "--seed") o.seed = std::stoull(v);
      else return usage(("unknown option " + a).c_str());
    } catch (const std::exception&) {
      return usage(("bad value for " + a + ": " + v).c_str());
    }
  }
  if (o.out.empty()) return usage("--out is required");
  if (o.trajectories < 1 || o.levels < 2 || o.replications < 2 || o.default_replications < 2)
    return usage("need trajectories >= 1, levels >= 2, replications >= 2 (an interval needs two), default replications >= 2");

  const auto params = assumptions(o.max_params);
  const auto cs = conclusions();
  const auto names = scenarios_read(cs);
  std::vector<ds::Scenario> bases;
  for (const auto& n : names) bases.push_back(scenario_named(n));

  ds::DesignSettings ds_settings;
  ds_settings.kind = ds::DesignKind::Morris;
  ds_settings.seed = o.seed;
  ds_settings.trajectories = o.trajectories;
  ds_settings.levels = o.levels;
  const ds::Design design = ds::make_design(ds_settings, params);
  std::cerr << "assumption_screen: " << params.size() << " assumptions, " << cs.size() << " conclusions, "
            << names.size() << " scenarios, " << design.points << " points x " << o.replications
            << " replications\n";

  const auto start = std::chrono::steady_clock::now();
  const std::vector<Interval> at_defaults = evaluate(cs, names, bases, params, {}, o.default_replications);
  std::vector<std::vector<Interval>> y(cs.size(), std::vector<Interval>(design.points));
  for (std::size_t p = 0; p < design.points; ++p) {
    const auto yp = evaluate(cs, names, bases, params, ds::point_values(params, design, p), o.replications);
    for (std::size_t k = 0; k < cs.size(); ++k) y[k][p] = yp[k];
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "\rpoint %zu of %zu, %.0f s", p + 1, design.points, s);
  }
  std::cerr << "\n";

  const std::string tmp = o.out + ".tmp";
  {
    std::ofstream out(tmp);
    out.precision(6);
    out << "#\ttrajectories\t" << o.trajectories << "\n#\tlevels\t" << o.levels << "\n#\tpoints\t" << design.points
        << "\n#\treplications\t" << o.replications << "\n#\tdefault_replications\t" << o.default_replications
        << "\n";
    for (std::size_t k = 0; k < cs.size(); ++k) {
      const double d0 = at_defaults[k].mean;
      std::size_t flips = 0, formed = 0;
      std::vector<double> estimates;
      for (const Interval& v : y[k]) {
        estimates.push_back(v.mean);
        if (!std::isnan(v.mean)) ++formed, flips += clearly_flipped(v, d0);
      }
      const double flip_share = formed ? static_cast<double>(flips) / static_cast<double>(formed) : ds::kEmpty;
      const ds::MorrisResult m = ds::morris_indices(design, estimates);
      for (std::size_t j = 0; j < params.size(); ++j) {
        const auto& mi = m.params[j];
        out << cs[k].kind << '\t' << cs[k].text << '\t' << d0 << '\t' << params[j].key << '\t'
            << default_of(params[j]) << '\t' << params[j].min << '\t' << params[j].max << '\t' << mi.mu << '\t'
            << mi.mu_star << '\t' << mi.sigma << '\t' << flip_share << '\n';
      }
    }
    if (!out) {
      std::cerr << "assumption_screen: cannot write " << tmp << "\n";
      return 1;
    }
  }
  std::rename(tmp.c_str(), o.out.c_str());
  return 0;
}
