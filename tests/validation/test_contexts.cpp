// Every claim in every district context (issue 12): the patterns of MODEL.md
// section 7 and the revision's claims of section 8, and the dominance table on
// leader outcomes, evaluated in each context of the family that
// scripts/generate-contexts draws (scenarios/contexts/, a Latin hypercube with
// a fixed seed: none is chosen).
//
// In a context, a claim compares variants of the context file (a dial moved to
// a pole, an event added) with common random numbers, as the claim's
// scenarios in scenarios/validation/ do for the reference district: the dials
// a pattern compares are moved to 0.1 and 0.9 with the strategy held fixed
// (adaptivity 0), as there. A claim holds in a context when the 95% interval
// lies in the stated direction; it must hold in at least its required share
// of the contexts where it applies (80% unless it says otherwise). A
// conditional claim states its condition. A condition on the district is
// read from the context file. P7's condition is its premise, that the start
// fits the district poorly (or well): a fit is known only from results, so it
// is measured on runs of fixed strategies (the start against a strategy near
// it), never on the adaptive runs the claim compares; every premise measured
// is recorded for the report.
//
// The dominance table moves each dial to 0.1 and 0.9 with the other dials at
// the context's values, and asks which pole wins (95% interval) on each
// leader outcome: capacity at year 10, retained_capacity at year 10,
// years_to_sustainability, |equity gap| at year 10 and spend per capable
// teacher at year 10. Each pole must win somewhere; no pole may win every
// outcome in every context.
//
// Tagged [family]: scripts/validation-report runs it over the whole family
// (DISTRICTSIM_CONTEXTS=all). It is not yet a ctest test: several claims fall
// below their share in the family (docs/validation.md lists them and issue 12
// stays open until mechanisms, not contexts, are fixed). Without
// DISTRICTSIM_CONTEXTS=all it runs every fourth context (c01, c05, ...: a
// fixed rule), about a quarter of the time. DISTRICTSIM_CLAIMS=P1,P2 checks
// only the claims whose id begins with one of the given prefixes, without the
// dominance table: a mechanism's claims over the whole family in minutes
// (scripts/validation-report always runs them all). Every result is recorded
// for the report (validation.hpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "model/params.hpp"
#include "claims.hpp"

using ds::Metric;
using ds::RunOutput;
using namespace validation;

namespace {

using Mod = std::function<void(ds::Scenario&)>;

// The context files to run: every fourth by default, all with
// DISTRICTSIM_CONTEXTS=all.
std::vector<std::string> context_files() {
  const std::filesystem::path dir = std::filesystem::path(DISTRICTSIM_SOURCE_DIR) / "scenarios" / "contexts";
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".toml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  const char* which = std::getenv("DISTRICTSIM_CONTEXTS");
  if (which && std::string(which) == "all") return files;
  std::vector<std::string> subset;
  for (std::size_t i = 0; i < files.size(); i += 4) subset.push_back(files[i]);
  return subset;
}

// The claims to check: all of them and the dominance table by default; with
// DISTRICTSIM_CLAIMS=P1,R grant (comma-separated), only the claims whose id
// begins with one of those, and no dominance table (for working on one
// mechanism over the whole family at a fraction of the cost).
std::vector<std::string> claim_filter() {
  std::vector<std::string> prefixes;
  const char* which = std::getenv("DISTRICTSIM_CLAIMS");
  if (!which) return prefixes;
  std::string item;
  for (const char* p = which;; ++p) {
    if (*p == ',' || *p == '\0') {
      if (!item.empty()) prefixes.push_back(item);
      item.clear();
      if (*p == '\0') break;
    } else {
      item += *p;
    }
  }
  return prefixes;
}

// Replications per variant: kReplications, or DISTRICTSIM_FAMILY_REPLICATIONS
// (for measuring how a claim's share depends on its power). The small-effect
// claims run at kSmallEffect (validation.hpp) at least: a share of the few
// schools launched in years 1-3 that abandon, capacity moved by what the
// schools learn from each other, the cost per capable teacher in a district
// of 10 schools or fewer, and a relaunch, which only runs whose initiative
// ended (a tenth of them or fewer) can show. At 80 replications their
// intervals straddled zero in the small districts with estimates on the
// claim's side (docs/validation.md says which).
int replications() {
  const char* n = std::getenv("DISTRICTSIM_FAMILY_REPLICATIONS");
  return n && *n ? std::stoi(n) : kReplications;
}

// DISTRICTSIM_SET="model.KEY=VALUE ..." (space-separated, as `--set` takes
// them) applies the same overrides to every context: how a parameter moves
// each claim's share over the whole family (for working on a mechanism; the
// report never sets it).
std::vector<std::string> overrides() {
  std::vector<std::string> sets;
  const char* given = std::getenv("DISTRICTSIM_SET");
  if (!given) return sets;
  std::istringstream in(given);
  for (std::string item; in >> item;) sets.push_back(item);
  return sets;
}

bool selected(const std::vector<std::string>& prefixes, const std::string& id) {
  if (prefixes.empty()) return true;
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& p) { return id.compare(0, p.size(), p) == 0; });
}

// One context and the runs of its variants, each run once.
class Context {
 public:
  explicit Context(const std::string& file) {
    const ds::LoadResult loaded = ds::load_scenario(file, overrides());
    if (!loaded.ok()) throw std::runtime_error(file + ": " + loaded.diagnostics.front().to_string());
    sc_ = *loaded.scenario;
  }
  const ds::Scenario& scenario() const { return sc_; }
  const std::string& name() const { return sc_.meta.name; }
  int teachers() const { return sc_.district.schools * sc_.district.teachers_per_school; }

  // The runs of the variant `key`, made by `mod` from the context: n
  // replications (0: replications()).
  const Runs& runs(const std::string& key, const Mod& mod, int n = 0) {
    const int reps = std::max(n, replications());
    const std::string k = key + (reps == replications() ? "" : " n=" + std::to_string(reps));
    if (auto it = runs_.find(k); it != runs_.end()) return it->second;
    ds::Scenario v = sc_;
    mod(v);
    return runs_.emplace(k, run(v, reps)).first->second;
  }
  // The context as it is, over its whole horizon (P1, the relaunch claim).
  const Runs& base(int n = 0) {
    return runs("base", [](ds::Scenario& s) { s.output.withdrawal_probe_years.clear(); }, n);
  }
  // A dial at `value`, the other dials at the context's values, over the
  // whole horizon (years_to_sustainability) with the withdrawal probe of
  // year 10 (retained_capacity).
  const Runs& pole(const std::string& dial, double value) {
    return runs(dial + "=" + std::to_string(value), [&](ds::Scenario& s) {
      ds::dial(s.strategy, ds::dial_index(dial)) = value;
      s.output.withdrawal_probe_years = {10};
    });
  }
  // A dial at `value` with the strategy held (adaptivity 0), as the
  // patterns' scenarios hold it, after `extra`. Horizon::thirteen_years is
  // enough for a claim that reads year 10 or earlier (or the probe three
  // years after year 10); a claim on a per-run output whose value depends on
  // the horizon (abandoned_share_later counts schools launched from year 4 to
  // three years before it) runs the context's whole horizon, as the
  // reference's scenario files do.
  enum class Horizon { thirteen_years, whole };
  const Runs& fixed(const std::string& key, const std::string& dial, double value, const Mod& extra = {},
                    Horizon horizon = Horizon::thirteen_years, int n = 0) {
    const std::string years = horizon == Horizon::whole ? " whole" : "";
    return runs(
        "fixed " + key + " " + dial + "=" + std::to_string(value) + years,
        [&](ds::Scenario& s) {
          if (extra) extra(s);
          s.strategy.adaptivity = 0;
          ds::dial(s.strategy, ds::dial_index(dial)) = value;
          if (horizon == Horizon::whole) s.output.withdrawal_probe_years.clear();
          else short_run(s);
        },
        n);
  }
  // 13 years with the probe of year 10 only: the claims that read no later
  // year run no further (a run costs in proportion to its years).
  static void short_run(ds::Scenario& s) {
    s.meta.years = 13;
    s.output.withdrawal_probe_years = {10};
  }

 private:
  ds::Scenario sc_;
  std::map<std::string, Runs> runs_;
};

ds::Event event(int year, ds::EventKind kind, double magnitude = 0) {
  ds::Event e;
  e.year = year;
  e.kind = kind;
  e.magnitude = magnitude;
  return e;
}

// value(year a) - value(year b) within each run.
Value change(Metric m, int a, int b) {
  return [m, a, b](const ds::RunResult& r) { return at(r, m, a) - at(r, m, b); };
}

bool has_grant(Context& x) {
  const ds::District& d = x.scenario().district;
  return d.grant_years > 0 && d.grant_per_year > 0;
}

struct Verdict {
  Interval iv;
  bool holds = false;
};
Verdict above(const Interval& iv) { return {iv, iv.above_zero()}; }

struct Claim {
  std::string id;         // "P2 capacity y3"
  std::string text;       // the claim, in the stated direction
  std::string condition;  // where it applies ("" = every context)
  std::function<bool(Context&)> applies;
  std::function<Verdict(Context&)> measure;
  double required = 0.8;
};

bool everywhere(Context&) { return true; }

// The claims, each measured in one context. Variants shared by several claims
// are run once (Context caches them).
std::vector<Claim> claims() {
  std::vector<Claim> c;
  const auto add = [&c](std::string id, std::string text, std::string condition,
                        std::function<bool(Context&)> applies, std::function<Verdict(Context&)> m) {
    c.push_back({std::move(id), std::move(text), std::move(condition), std::move(applies), std::move(m)});
  };
  // P1 long road, in the context as it is.
  add("P1 long road: capacity", "capacity_index at year 5 is under half its year-25 value (cap25 - 2 cap5)", "",
      everywhere, [](Context& x) {
        return above(each(x.base(), [](const ds::RunResult& r) {
          return at(r, Metric::capacity_index, 25) - 2 * at(r, Metric::capacity_index, 5);
        }));
      });
  add("P1 long road: years", "median years_to_sustainability within [10, 25] (never = 26; bootstrap 95% interval)",
      "", everywhere, [](Context& x) {
        std::vector<double> y;
        for (const auto& r : x.base()) y.push_back(years_to_sustainability(r));
        const Interval med = bootstrap_median(y);
        return Verdict{med, med.low >= 10 && med.high <= 25};
      });
  // NIRN's 2-4 years from launch to full implementation in a school, the
  // calibration fact test_calibration_runs.cpp checks in the reference, here in
  // every context as it is.
  add("NIRN full implementation", "years from launch to full implementation in a school within [2, 4] (median per run)",
      "", everywhere, [](Context& x) {
        const Interval iv = each(x.base(), median_years_to_full_implementation);
        return Verdict{iv, iv.n >= 2 && iv.low >= 2 && iv.high <= 4};
      });
  // P2 buy fast, build last.
  const auto buy = [](Context& x) -> const Runs& { return x.fixed("", "external_sourcing", 0.9); };
  const auto build = [](Context& x) -> const Runs& { return x.fixed("", "external_sourcing", 0.1); };
  add("P2 buy fast", "buying beats building on capacity at year 3", "", everywhere,
      [=](Context& x) { return above(paired(buy(x), build(x), metric(Metric::capacity_index, 3))); });
  add("P2 build last: self-sufficiency", "building beats buying on self_sufficiency at year 10", "", everywhere,
      [=](Context& x) { return above(paired(build(x), buy(x), metric(Metric::self_sufficiency, 10))); });
  add("P2 build last: retained", "building beats buying on retained_capacity at year 10", "", everywhere,
      [=](Context& x) { return above(paired(build(x), buy(x), metric(Metric::retained_capacity, 10))); });
  // P3 transfer: buying, the partner leaves at the start of year 5.
  const auto exit_with = [](double transfer) {
    return [transfer](ds::Scenario& s) {
      for (auto& p : s.partners) p.knowledge_transfer = transfer;
      s.events.push_back(event(5, ds::EventKind::PartnerExit));
    };
  };
  add("P3 transfer", "high transfer (0.9) keeps at least twice the capacity of none 3 years after the partner leaves (high - 2 none, year 7)",
      "", everywhere, [=](Context& x) {
        return above(paired(x.fixed("transfer 0.9, exit y5", "external_sourcing", 0.9, exit_with(0.9)),
                            x.fixed("transfer 0, exit y5", "external_sourcing", 0.9, exit_with(0.0)),
                            metric(Metric::capacity_index, 7), 2.0));
      });
  // P4 pace.
  const auto fast = [](Context& x) -> const Runs& { return x.fixed("", "pace", 0.9); };
  const auto slow = [](Context& x) -> const Runs& { return x.fixed("", "pace", 0.1); };
  add("P4 reach", "fast reaches more schools by year 3 (schools_launched_share)", "", everywhere,
      [=](Context& x) { return above(paired(fast(x), slow(x), metric(Metric::schools_launched_share, 3))); });
  add("P4 skill", "fast has lower skill_mean_reached at year 3", "", everywhere,
      [=](Context& x) { return above(paired(slow(x), fast(x), metric(Metric::skill_mean_reached, 3))); });
  add("P4 fatigue", "fast has more fatigue_mean at year 3", "", everywhere,
      [=](Context& x) { return above(paired(fast(x), slow(x), metric(Metric::fatigue_mean, 3))); });
  add("P4 depth", "slow has a higher depth_mean at year 5", "", everywhere,
      [=](Context& x) { return above(paired(slow(x), fast(x), metric(Metric::depth_mean, 5))); });
  // A dial at `value`, held, 13 years, at kSmallEffect replications.
  const auto powered = [](Context& x, const std::string& dial, double value) -> const Runs& {
    return x.fixed("", dial, value, {}, Context::Horizon::thirteen_years, kSmallEffect);
  };
  // P5 targeting.
  const auto need = [](Context& x) -> const Runs& { return x.fixed("", "need_priority", 0.9); };
  const auto ready = [](Context& x) -> const Runs& { return x.fixed("", "need_priority", 0.1); };
  add("P5 equity", "need-first has the smaller |equity_gap| at year 10", "", everywhere,
      [=](Context& x) { return above(paired(ready(x), need(x), abs_metric(Metric::equity_gap, 10))); });
  add("P5 early capacity", "readiness-first has more capacity at year 3", "", everywhere,
      [=](Context& x) { return above(paired(ready(x), need(x), metric(Metric::capacity_index, 3))); });
  add("P5 early abandonment", "readiness-first has a lower abandoned_share_early", "", everywhere,
      [=](Context& x) {
        return above(paired(powered(x, "need_priority", 0.9), powered(x, "need_priority", 0.1),
                            output(RunOutput::abandoned_share_early)));
      });
  // P6 centralization.
  const auto tight = [](Context& x) -> const Runs& { return x.fixed("", "centralization", 0.9); };
  const auto loose = [](Context& x) -> const Runs& { return x.fixed("", "centralization", 0.1); };
  add("P6 variation", "centralized has a lower depth_sd at year 10", "", everywhere,
      [=](Context& x) { return above(paired(loose(x), tight(x), metric(Metric::depth_sd, 10))); });
  add("P6 equity", "centralized has a smaller |equity_gap| at year 10", "", everywhere,
      [=](Context& x) { return above(paired(loose(x), tight(x), abs_metric(Metric::equity_gap, 10))); });
  add("P6 commitment", "decentralized has more commitment_mean at year 10", "", everywhere,
      [=](Context& x) { return above(paired(loose(x), tight(x), metric(Metric::commitment_mean, 10))); });
  const Mod change4 = [](ds::Scenario& s) { s.events.push_back(event(4, ds::EventKind::SuperintendentChange)); };
  add("P6 leadership change", "decentralized keeps initiative_active at year 5 through a superintendent change in year 4 more often",
      "", everywhere, [=](Context& x) {
        return above(paired(x.fixed("change y4", "centralization", 0.1, change4),
                            x.fixed("change y4", "centralization", 0.9, change4),
                            metric(Metric::initiative_active, 5)));
      });
  // P7 adaptivity, from the starts of scenarios/validation/p7_*, where their
  // premise holds (MODEL.md 7: "in a district whose starting strategy is a
  // poor fit"; "where the start fits well"). A start fits poorly when a
  // strategy near it, held fixed, does better: centralization 0.5 instead of
  // the poor start's 0.95. It fits well when neither of the moves toward the
  // middle of the dials it sets (pace 0.5, bundling 0.5), held fixed, does
  // better by more than the claim's margin (0.03). Both at capacity at year
  // 10, paired, 95% interval; measured on fixed strategies only.
  const Mod poor_start = [](ds::Scenario& s) {
    s.district.readiness = std::max(0.05, s.district.readiness - 0.1);
    s.strategy.centralization = 0.95;
  };
  const Mod good_start = [](ds::Scenario& s) { s.strategy.pace = 0.3, s.strategy.bundling = 0.3; };
  const Value cap10 = metric(Metric::capacity_index, 10);
  const auto premise = [](const std::string& id, Context& x, const Interval& iv, const std::string& what, bool holds) {
    record("premise", id, x.name(), iv, what, holds);
    return holds;
  };
  add("P7 poor start", "from a poorly fitting start (readiness - 0.1, centralization 0.95), adapting (0.8) beats fixed on capacity at year 10",
      "where the start fits poorly: centralization 0.5 held fixed has more capacity at year 10 than 0.95",
      [=](Context& x) {
        const Interval iv = paired(x.fixed("poor start", "centralization", 0.5, poor_start),
                                   x.fixed("poor start", "adaptivity", 0.0, poor_start), cap10);
        return premise("P7 poor start", x, iv, "centralization 0.5 - 0.95, fixed, capacity at year 10", iv.above_zero());
      },
      [=](Context& x) {
        return above(paired(x.fixed("poor start", "adaptivity", 0.8, poor_start),
                            x.fixed("poor start", "adaptivity", 0.0, poor_start), cap10));
      });
  // The good start fits well when no strategy next to it does better: each
  // dial the strategy review can move (6.3), 0.2 either side of the start,
  // held fixed, has no more than 0.03 more capacity at year 10. (Only pace
  // and bundling toward 0.5 were checked before; the review also moves
  // bundling down, and centralization, need priority, sourcing and failure
  // sharing, so a start could "fit" on two dials and be beaten on a third.)
  add("P7 good start", "from a well fitting start (pace 0.3, bundling 0.3), fixed does at least as well as adapting (0.8) at year 10 (fixed - adaptive + 0.03)",
      "where the start fits well: no dial the review moves, 0.2 either side of the start and held fixed, has more than 0.03 more capacity at year 10",
      [=](Context& x) {
        const Runs& start = x.fixed("good start", "adaptivity", 0.0, good_start);
        ds::Scenario at_start = x.scenario();
        good_start(at_start);
        bool fits = true;
        for (const char* dial : {"centralization", "pace", "need_priority", "external_sourcing", "bundling", "failure_sharing"}) {
          const double here = ds::dial(at_start.strategy, ds::dial_index(dial));
          for (const double side : {-0.2, 0.2}) {
            const double v = std::clamp(here + side, 0.0, 1.0);
            if (std::abs(v - here) < 0.05) continue;  // at the edge: nothing next to it on this side
            Interval iv = paired(x.fixed("good start", dial, v, good_start), start, cap10);
            iv.mean -= 0.03, iv.low -= 0.03, iv.high -= 0.03;
            std::ostringstream what;
            what << dial << " " << v << " - start - 0.03, fixed, capacity at year 10";
            fits = premise("P7 good start", x, iv, what.str(), !iv.above_zero()) && fits;
          }
        }
        return fits;
      },
      [=](Context& x) {
        Interval iv = paired(x.fixed("good start", "adaptivity", 0.0, good_start),
                             x.fixed("good start", "adaptivity", 0.8, good_start), cap10);
        iv.mean += 0.03, iv.low += 0.03, iv.high += 0.03;
        return above(iv);
      });
  // P8 bundling.
  const auto fixe = [](Context& x) -> const Runs& { return x.fixed("", "bundling", 0.9); };
  const auto carte = [](Context& x) -> const Runs& { return x.fixed("", "bundling", 0.1); };
  add("P8 depth", "prix fixe gives a higher depth_mean at year 10", "", everywhere,
      [=](Context& x) { return above(paired(fixe(x), carte(x), metric(Metric::depth_mean, 10))); });
  add("P8 abandonment", "prix fixe gives a higher schools_abandoned_share at year 10", "", everywhere,
      [=](Context& x) { return above(paired(fixe(x), carte(x), metric(Metric::schools_abandoned_share, 10))); });
  const Mod optin = [](ds::Scenario& s) { s.strategy.centralization = 0.1; };
  add("P8 opt-in uptake", "where schools opt in (centralization 0.1), a-la-carte launches more schools by year 5", "",
      everywhere, [=](Context& x) {
        return above(paired(x.fixed("opt-in", "bundling", 0.1, optin), x.fixed("opt-in", "bundling", 0.9, optin),
                            metric(Metric::schools_launched_share, 5)));
      });
  // P9 sharing.
  const auto failures = [](Context& x) -> const Runs& { return x.fixed("", "failure_sharing", 0.9); };
  const auto best = [](Context& x) -> const Runs& { return x.fixed("", "failure_sharing", 0.1); };
  add("P9 later abandonment", "sharing failures lowers abandoned_share_later (whole horizon)", "", everywhere,
      [=](Context& x) {
        const auto whole = Context::Horizon::whole;
        return above(paired(x.fixed("", "failure_sharing", 0.1, {}, whole),
                            x.fixed("", "failure_sharing", 0.9, {}, whole), output(RunOutput::abandoned_share_later)));
      });
  add("P9 capacity", "sharing failures raises capacity by year 10", "", everywhere, [=](Context& x) {
    return above(paired(powered(x, "failure_sharing", 0.9), powered(x, "failure_sharing", 0.1),
                        metric(Metric::capacity_index, 10)));
  });
  add("P9 momentum", "sharing failures costs momentum at year 2", "", everywhere,
      [=](Context& x) { return above(paired(best(x), failures(x), metric(Metric::momentum, 2))); });
  // P10 scale economies: conditional on size, by the claim's own wording.
  add("P10 small", "buying costs less per capable teacher at year 10 (ratio of means, build - buy)",
      "10 or fewer schools", [](Context& x) { return x.scenario().district.schools <= 10; },
      [=](Context& x) {
        return above(cost_per_capable_difference(powered(x, "external_sourcing", 0.1),
                                                 powered(x, "external_sourcing", 0.9)));
      });
  add("P10 large", "building costs less per capable teacher at year 10 (ratio of means, buy - build)",
      "80 or more schools", [](Context& x) { return x.scenario().district.schools >= 80; },
      [=](Context& x) {
        return above(cost_per_capable_difference(buy(x), build(x)));
      });
  // Revision 2 (MODEL.md section 8).
  const auto grant_end = [](const ds::Scenario& s) { return s.district.grant_years; };  // last grant year
  // The cliff as MODEL.md 8 states it: the cuts reach schools and show in
  // capacity. Against the same district with the grant continuing (common
  // random numbers: the two are identical until the grant ends), so that a
  // district still rolling out with its recurring budget, whose capacity
  // rises after the grant, still shows what the grant's end cost it.
  add("R grant cliff", "the grant's end shows in capacity: 2 years after it, less capacity than with the grant continuing",
      "a grant", has_grant, [=](Context& x) {
        const int g = grant_end(x.scenario());
        return above(paired(x.runs("grant continues", [](ds::Scenario& s) {
                              s.district.grant_years = 13, Context::short_run(s);
                            }),
                            x.runs("planned 0", [](ds::Scenario& s) { s.district.grant_planning = 0, Context::short_run(s); }),
                            metric(Metric::capacity_index, g + 2)));
      });
  add("R grant planning", "planning for the cliff (grant_planning 0.4) gives more capacity 3 years after the grant",
      "a grant", has_grant, [=](Context& x) {
        const int g = grant_end(x.scenario());
        const auto planned = [](double share) {
          return [share](ds::Scenario& s) { s.district.grant_planning = share, Context::short_run(s); };
        };
        return above(paired(x.runs("planned 0.4", planned(0.4)), x.runs("planned 0", planned(0.0)),
                            metric(Metric::capacity_index, g + 3)));
      });
  add("R partner exit", "buying (0.9) from a partner that transferred nothing, capacity falls in the year it leaves (year 4 - year 5)",
      "", everywhere, [=](Context& x) {
        return above(each(x.fixed("transfer 0, exit y5", "external_sourcing", 0.9, exit_with(0.0)),
                          change(Metric::capacity_index, 4, 5)));
      });
  add("R drift", "without upkeep (the whole recurring budget cut from year 10), capacity falls over 3 years (year 9 - year 12)",
      "", everywhere, [=](Context& x) {
        return above(each(x.runs("budget cut 1.0 y10",
                                 [](ds::Scenario& s) {
                                   s.events.push_back(event(10, ds::EventKind::BudgetCut, 1.0));
                                   Context::short_run(s);
                                 }),
                          change(Metric::capacity_index, 9, 12)));
      });
  // Ended initiatives come back (MODEL.md 8): more runs active at the horizon
  // than if no new superintendent could relaunch an ended initiative. The
  // relaunch of abandoned schools (6.5) stays as it is in both: it is another
  // mechanism, and switching it off too measured its effect on the district's
  // survival, not the claim's (in c05, a thin budget, re-entering schools
  // lower the share of runs active at year 25 from 0.87 to 0.73: docs/model.md
  // 1.2). What a relaunch does to capacity is not claimed: it comes back to
  // wary teachers, with a new launch dip, 6.2 and 6.5.
  add("R relaunch", "ended initiatives come back: initiative_active at year 25 higher than with no relaunch of an ended initiative",
      "", everywhere, [=](Context& x) {
        return above(paired(x.base(kSmallEffect), x.runs("no relaunch",
                                                         [](ds::Scenario& s) {
                                                           s.model.initiative_relaunch = 0;
                                                           s.output.withdrawal_probe_years.clear();
                                                         },
                                                         kSmallEffect),
                            metric(Metric::initiative_active, 25)));
      });
  return c;
}

}  // namespace

TEST_CASE("every claim in every context, and each pole of each dial winning somewhere", "[family]") {
  const auto files = context_files();
  REQUIRE(files.size() >= 6);
  const auto prefixes = claim_filter();
  auto all_claims = claims();
  all_claims.erase(std::remove_if(all_claims.begin(), all_claims.end(),
                                  [&](const Claim& c) { return !selected(prefixes, c.id); }),
                   all_claims.end());
  REQUIRE(!all_claims.empty());
  const auto all_outcomes = leader_outcomes();
  std::vector<std::string> dials;
  for (const ds::DialInfo& d : ds::kDials) dials.emplace_back(d.name);
  std::vector<int> applicable(all_claims.size()), holding(all_claims.size());
  std::vector<std::vector<std::string>> failing(all_claims.size());
  // wins[dial][pole 0 = 0.1, 1 = 0.9][outcome]: contexts won.
  std::vector<std::array<std::vector<int>, 2>> wins(dials.size());
  for (auto& w : wins) w = {std::vector<int>(all_outcomes.size()), std::vector<int>(all_outcomes.size())};

  for (const auto& file : files) {
    Context x(file);
    for (std::size_t k = 0; k < all_claims.size(); ++k) {
      const Claim& cl = all_claims[k];
      if (!cl.applies(x)) continue;
      const Verdict v = cl.measure(x);
      ++applicable[k];
      if (v.holds) ++holding[k];
      else failing[k].push_back(x.name());
      record("context", cl.id, x.name(), v.iv, cl.text, v.holds);
    }
    for (std::size_t d = 0; prefixes.empty() && d < dials.size(); ++d) {
      const Runs& low = x.pole(dials[d], 0.1);
      const Runs& high = x.pole(dials[d], 0.9);
      for (std::size_t o = 0; o < all_outcomes.size(); ++o) {
        const Interval iv = all_outcomes[o].advantage(high, low);
        const int winner = iv.low > 0 ? 1 : iv.high < 0 ? 0 : -1;
        if (winner >= 0) ++wins[d][static_cast<std::size_t>(winner)][o];
        record("context-dominance", dials[d], x.name() + "|" + all_outcomes[o].name, iv,
               winner == 1 ? "0.9" : winner == 0 ? "0.1" : "neither", true);
      }
    }
  }

  for (std::size_t k = 0; k < all_claims.size(); ++k) {
    const Claim& cl = all_claims[k];
    if (applicable[k] == 0) continue;
    const double share = static_cast<double>(holding[k]) / applicable[k];
    Interval iv;  // the share with its Wilson 95% interval
    {
      const double n = applicable[k], z = 1.959963984540054, z2 = z * z;
      const double centre = (share + z2 / (2 * n)) / (1 + z2 / n);
      const double half = z / (1 + z2 / n) * std::sqrt(share * (1 - share) / n + z2 / (4 * n * n));
      iv = {share, std::max(0.0, centre - half), std::min(1.0, centre + half), applicable[k]};
    }
    const bool pass = share >= cl.required;
    std::string where = cl.condition.empty() ? "every context" : cl.condition;
    std::string failed;
    for (const auto& f : failing[k]) failed += (failed.empty() ? "" : ", ") + f;
    INFO(cl.id << ": " << cl.text << " holds in " << holding[k] << " of " << applicable[k] << " contexts ("
               << where << "); not in: " << failed);
    record("share", cl.id, cl.text + " [applies: " + where + "]", iv,
           "at least " + std::to_string(static_cast<int>(cl.required * 100)) + "% of applicable contexts", pass);
    CHECK(pass);
  }

  for (std::size_t d = 0; prefixes.empty() && d < dials.size(); ++d) {
    for (int pole = 0; pole < 2; ++pole) {
      int won = 0, everything = 1;
      for (std::size_t o = 0; o < all_outcomes.size(); ++o) {
        won += wins[d][static_cast<std::size_t>(pole)][o];
        if (wins[d][static_cast<std::size_t>(pole)][o] < static_cast<int>(files.size())) everything = 0;
      }
      const std::string name = dials[d] + (pole ? " 0.9" : " 0.1");
      INFO(name << " wins " << won << " (context, outcome) pairs; wins every outcome everywhere: " << everything);
      Interval count;
      count.mean = count.low = count.high = won;
      count.n = static_cast<int>(files.size());
      record("dominance-summary", dials[d], pole ? "0.9" : "0.1", count,
             "wins somewhere, not everything everywhere", won > 0 && !everything);
      CHECK(won > 0);
      CHECK(!everything);
    }
  }
}
