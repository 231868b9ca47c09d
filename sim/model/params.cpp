// The parameter declaration: every scenario parameter, once.
#include "model/params.hpp"

#include <cmath>
#include <sstream>

namespace ds {
namespace {

template <class T, class Field>
FieldSpec<T> spec(std::string key, ParamType type, double min, double max, std::string unit,
                  std::string meaning, std::string source, Field field) {
  FieldSpec<T> s;
  s.key = std::move(key);
  s.type = type;
  s.min = min;
  s.max = max;
  s.unit = std::move(unit);
  s.meaning = std::move(meaning);
  s.source = std::move(source);
  s.ref = [field](T& t) -> ParamRef { return field(t); };
  return s;
}

// Shorthands for the scenario table.
ParamSpec real(std::string key, double min, double max, std::string unit, std::string meaning,
               std::string source, std::function<double*(Scenario&)> f) {
  return spec<Scenario>(std::move(key), ParamType::Real, min, max, std::move(unit),
                        std::move(meaning), std::move(source), f);
}
ParamSpec integer(std::string key, double min, double max, std::string unit, std::string meaning,
                  std::string source, std::function<int*(Scenario&)> f) {
  return spec<Scenario>(std::move(key), ParamType::Int, min, max, std::move(unit),
                        std::move(meaning), std::move(source), f);
}

const char* kAssume = "model assumption (docs/model.md)";

std::vector<ParamSpec> build_scenario_params() {
  std::vector<ParamSpec> p;
  // [scenario]
  p.push_back(spec<Scenario>("scenario.name", ParamType::String, 0, 0, "text",
                             "short name, used as the scenario column in comparisons", "-",
                             [](Scenario& s) { return &s.meta.name; }));
  p.push_back(spec<Scenario>("scenario.description", ParamType::String, 0, 0, "text",
                             "what the scenario represents", "-",
                             [](Scenario& s) { return &s.meta.description; }));
  p.push_back(integer("scenario.years", 1, 50, "years", "simulated horizon",
                      "MODEL.md 1: questions span 5 to 30 years",
                      [](Scenario& s) { return &s.meta.years; }));
  p.push_back(integer("scenario.replications", 1, 100000, "runs", "independent replications", "-",
                      [](Scenario& s) { return &s.meta.replications; }));
  p.push_back(spec<Scenario>("scenario.seed", ParamType::Seed, 0, 0, "integer",
                             "base seed; replication r runs with a seed derived from it", "-",
                             [](Scenario& s) { return &s.meta.seed; }));
  p.push_back(spec<Scenario>("scenario.base", ParamType::String, 0, 0, "path",
                             "scenario file this one inherits from (relative to this file)", "-",
                             [](Scenario& s) { return &s.meta.base; }));
  // [district]
  p.push_back(integer("district.schools", 1, 2000, "schools", "number of schools",
                      "reference: a 100-school district (seeds: larger systems 60-100 schools)",
                      [](Scenario& s) { return &s.district.schools; }));
  p.push_back(integer("district.teachers_per_school", 5, 300, "teachers",
                      "teachers per school (when no schools_file)",
                      "NCES: about 40 teachers in a US public school",
                      [](Scenario& s) { return &s.district.teachers_per_school; }));
  p.push_back(real("district.low_income_share", 0, 1, "share",
                   "mean school need (share of low-income students)", "reference middle district",
                   [](Scenario& s) { return &s.district.low_income_share; }));
  p.push_back(real("district.readiness", 0, 1, "0..1",
                   "mean school readiness (leadership, infrastructure, culture)",
                   "reference middle district", [](Scenario& s) { return &s.district.readiness; }));
  p.push_back(real("district.need_spread", 0, 0.5, "sd", "spread of need across schools", kAssume,
                   [](Scenario& s) { return &s.district.need_spread; }));
  p.push_back(real("district.readiness_spread", 0, 0.5, "sd", "spread of readiness across schools",
                   kAssume, [](Scenario& s) { return &s.district.readiness_spread; }));
  p.push_back(real("district.budget_per_teacher", 0, 50000, "USD/teacher/year",
                   "recurring professional-learning money for this initiative",
                   "TNTP 2015: direct PL budgets $2,000-8,000 per teacher; the initiative's share",
                   [](Scenario& s) { return &s.district.budget_per_teacher; }));
  p.push_back(real("district.grant_per_year", 0, 1e9, "USD/year", "start-up grant while it lasts",
                   "-", [](Scenario& s) { return &s.district.grant_per_year; }));
  p.push_back(integer("district.grant_years", 0, 50, "years",
                      "the grant pays years 1..grant_years (the funding cliff)", "-",
                      [](Scenario& s) { return &s.district.grant_years; }));
  p.push_back(real("district.grant_planning", 0, 1, "share",
                   "planning for the grant's end: share of each grant year set aside and spent "
                   "over model.glide_years after the grant (0: none)",
                   "Edunomics Lab (Roza) on the ESSER cliff: one-time money for one-time costs, a "
                   "glide path for recurring ones",
                   [](Scenario& s) { return &s.district.grant_planning; }));
  p.push_back(real("district.superintendent_tenure_years", 1, 30, "years",
                   "mean superintendent tenure",
                   "Broad Center 2018: 5.1 (76-100% low-income) to 8.6 years; CGCS 2014: 3.2 urban",
                   [](Scenario& s) { return &s.district.superintendent_tenure_years; }));
  p.push_back(real("district.teacher_turnover_low_need", 0, 1, "per year",
                   "teachers leaving their school per year, low-need school",
                   "NCES SASS/TFS 2012-13: 11.9% low-poverty",
                   [](Scenario& s) { return &s.district.teacher_turnover_low_need; }));
  p.push_back(real("district.teacher_turnover_high_need", 0, 1, "per year",
                   "teachers leaving their school per year, high-need school",
                   "NCES SASS/TFS 2012-13: 15.4% high-poverty",
                   [](Scenario& s) { return &s.district.teacher_turnover_high_need; }));
  p.push_back(real("district.principal_turnover", 0, 1, "per year",
                   "principals leaving their school per year", "NCES PFS 2016-17: 82% stayed",
                   [](Scenario& s) { return &s.district.principal_turnover; }));
  p.push_back(
      spec<Scenario>("district.schools_file", ParamType::String, 0, 0, "path",
                     "CSV of real schools: name,teachers,need,readiness (relative to the scenario)",
                     "-", [](Scenario& s) { return &s.district.schools_file; }));
  // [strategy]
  for (int k = 0; k < kDialCount; ++k) {
    const DialInfo& d = kDials[static_cast<std::size_t>(k)];
    p.push_back(real("strategy." + std::string(d.name), 0, 1, "dial 0..1", std::string(d.meaning),
                     std::string(d.source), [k](Scenario& s) { return &dial(s.strategy, k); }));
  }
  // [output]
  {
    ParamSpec f = spec<Scenario>("output.frequency", ParamType::Choice, 0, 0, "year|month",
                                 "trajectory rows per year or per month", "-",
                                 [](Scenario& s) { return &s.output.frequency; });
    f.choices = frequency_names();
    p.push_back(std::move(f));
  }
  p.push_back(spec<Scenario>("output.withdrawal_probe_years", ParamType::IntList, 1, 50, "years",
                             "years at which the withdrawal probe forks the run", "MODEL.md 5",
                             [](Scenario& s) { return &s.output.withdrawal_probe_years; }));
  p.push_back(spec<Scenario>("output.trajectories", ParamType::Bool, 0, 0, "bool",
                             "sweeps: write every run's rows to trajectories.csv (yearly, or "
                             "monthly with output.frequency = month)",
                             "-", [](Scenario& s) { return &s.output.trajectories; }));
  // [model]
  auto m = [&](std::string key, double min, double max, std::string unit, std::string meaning,
               std::string source, std::function<double*(ModelParams&)> f) {
    p.push_back(real("model." + key, min, max, std::move(unit), std::move(meaning),
                     std::move(source), [f](Scenario& s) { return f(s.model); }));
  };
  auto mi = [&](std::string key, double min, double max, std::string unit, std::string meaning,
                std::string source, std::function<int*(ModelParams&)> f) {
    p.push_back(integer("model." + key, min, max, std::move(unit), std::move(meaning),
                        std::move(source), [f](Scenario& s) { return f(s.model); }));
  };
  m("routine_skill", 0.05, 0.95, "skill 0..1",
    "skill at which a practising teacher reaches Routine use (CBAM IVA)", kAssume,
    [](ModelParams& x) { return &x.routine_skill; });
  mi("routine_min_months", 0, 36, "months", "months of practice before Routine use is possible",
     "CBAM: Mechanical use precedes Routine", [](ModelParams& x) { return &x.routine_min_months; });
  m("sustain_self_sufficiency", 0, 1, "share",
    "self_sufficiency threshold for years_to_sustainability and for the strategy review's "
    "dependence rule (6.3)",
    "MODEL.md 5", [](ModelParams& x) { return &x.sustain_self_sufficiency; });
  m("sustain_capacity", 0, 1, "share", "capacity_index threshold for years_to_sustainability",
    "MODEL.md 5", [](ModelParams& x) { return &x.sustain_capacity; });
  m("full_implementation_share", 0.05, 1, "share",
    "share of a school's teachers at Routine for full implementation",
    "NIRN: full implementation when half the practitioners use it well",
    [](ModelParams& x) { return &x.full_implementation_share; });
  m("coach_learning_rate", 0, 1, "per month", "skill gain rate at full coaching dose and quality",
    "calibrated: NIRN full implementation in 2-4 years (median per school about 3.1 in the reference, the middle of 2-4; 0.12 before revision 2, whose recurring tools costs leave less for coaching)",
    [](ModelParams& x) { return &x.coach_learning_rate; });
  m("uncoached_transfer", 0, 1, "ratio", "learning without coaching relative to with it",
    "Joyce & Showers: ~5% transfer without coaching vs 75-95% with",
    [](ModelParams& x) { return &x.uncoached_transfer; });
  mi("uncoached_transfer_months", 0, 600, "months",
     "months after a school's launch (or relaunch) in which its teachers learn without coaching; 0: for as long as the school practises",
     "model assumption: 0, a standing rate, on which the calibration of coach_learning_rate rests; Joyce & Showers measured the transfer of a training event, which the launch training's school year (12) would follow (docs/model.md 1.2, P3)",
     [](ModelParams& x) { return &x.uncoached_transfer_months; });
  m("peer_learning_rate", 0, 1, "per month", "skill gain per unit gap to skilled advice ties",
    kAssume, [](ModelParams& x) { return &x.peer_learning_rate; });
  m("knowledge_learning_rate", 0, 1, "per month", "skill gain from the shared knowledge base",
    kAssume, [](ModelParams& x) { return &x.knowledge_learning_rate; });
  m("readiness_learning", 0, 2, "1/readiness",
    "learning speeds up by this factor per unit of school readiness above 0.5",
    "seeds: readiness = principal leadership, infrastructure, culture of innovation",
    [](ModelParams& x) { return &x.readiness_learning; });
  m("skill_decay", 0, 1, "per month", "skill fade below Routine without support",
    "MODEL.md 3: skill fades without coaching before routine use",
    [](ModelParams& x) { return &x.skill_decay; });
  m("drift_rate", 0, 1, "per month",
    "drift of routine practice without upkeep, per unit of learned skill (skill above "
    "initial_skill_mean), at average principal support and no coherence protection",
    "calibrated: a routine user (skill 0.6) falls below routine in about two years without "
    "support (Stirman et al. 2012: programmes mostly sustained only partly once support ends; "
    "Arthur et al. 1998: skill decays with time of non-use)",
    [](ModelParams& x) { return &x.drift_rate; });
  m("upkeep_dose", 0.001, 1, "share",
    "support per teacher, in shares of full coaching, that keeps routine practice from drifting",
    "model assumption: about a tenth of full coaching (a coaching contact or collaboration block a "
    "month against weekly cycles)",
    [](ModelParams& x) { return &x.upkeep_dose; });
  m("leader_coaching_fte", 0, 1, "coach FTE",
    "peer support of a paid teacher-leader in internal coach FTE (counted in upkeep and "
    "self_sufficiency)",
    "model assumption: about 2 hours a week of a teacher-leader's time (a common planning period "
    "and the stipend), all of it direct, against a coach's ~28% direct time (0.05 / 0.28 ~ "
    "0.15); the value on which self_sufficiency leans most (docs/model.md 9)",
    [](ModelParams& x) { return &x.leader_coaching_fte; });
  m("coherence_learning", 0, 2, "ratio",
    "learning gain in a school running the complete model (coherence = coverage squared)",
    "Newmann, Smith, Allensworth & Bryk 2001: instructional program coherence and achievement "
    "gains; size a model assumption",
    [](ModelParams& x) { return &x.coherence_learning; });
  m("coherence_drift_protection", 0, 1, "share",
    "share of drift avoided in a school running the complete model",
    "Newmann et al. 2001; Bryk et al. 2010 (coherent programs are kept); size a model assumption",
    [](ModelParams& x) { return &x.coherence_drift_protection; });
  m("disuse_decay", 0, 1, "per month", "skill fade when the school does not implement", kAssume,
    [](ModelParams& x) { return &x.disuse_decay; });
  m("setback_coaching_factor", 0, 1, "ratio",
    "coaching effect (above uncoached transfer) in a school whose new principal is still setting "
    "it back (setback_months > 0)",
    "model assumption: a new principal's disruption costs about a third of coaching's effect",
    [](ModelParams& x) { return &x.setback_coaching_factor; });
  m("hub_weight", 0, 1, "share",
    "weight of the mean skill of the school's teacher-leaders and coaches (hubs) in the peer skill "
    "a teacher learns towards; the advice ties get the rest",
    "model assumption: teacher-leaders and coaches are hubs of a school's advice network",
    [](ModelParams& x) { return &x.hub_weight; });
  m("fit_learning_floor", 0, 1, "ratio",
    "learning multiplier of a school at fit 0, rising linearly to 1 at fit 1", kAssume,
    [](ModelParams& x) { return &x.fit_learning_floor; });
  m("decay_support_dose", 0.01, 1, "share",
    "coaching dose at and above which skill below Routine stops fading (skill_decay scales with 1 "
    "- dose / decay_support_dose)",
    kAssume, [](ModelParams& x) { return &x.decay_support_dose; });
  m("drift_principal_base", 1, 3, "ratio",
    "drift of routine practice scales with (drift_principal_base - principal_support): 1 at "
    "average support 0.5; at least 1 so that drift never turns into growth",
    "model assumption: practice drifts faster under weak school leadership",
    [](ModelParams& x) { return &x.drift_principal_base; });
  m("orientation_peer_share", 0, 1, "ratio",
    "peer learning of a teacher whose school does not practise, relative to peer_learning_rate "
    "(orientation from ties)",
    kAssume, [](ModelParams& x) { return &x.orientation_peer_share; });
  m("disuse_skill_floor", 0, 0.5, "skill",
    "skill below which a non-practising teacher's skill no longer fades with disuse_decay", kAssume,
    [](ModelParams& x) { return &x.disuse_skill_floor; });
  m("motivation_commitment_weight", 0, 1, "share",
    "weight of commitment in a practising teacher's motivation to learn: (1 - w) + w * commitment",
    kAssume, [](ModelParams& x) { return &x.motivation_commitment_weight; });
  m("motivation_fatigue_weight", 0, 1, "share",
    "share of a practising teacher's motivation to learn lost at full fatigue: x (1 - w * fatigue)",
    kAssume, [](ModelParams& x) { return &x.motivation_fatigue_weight; });
  m("program_size_halving", 1, 10000, "teachers",
    "caseload scale at which the coaching effect falls towards half",
    "Kraft, Blazar & Hogan 2018: programs of 100+ teachers show about half the effect",
    [](ModelParams& x) { return &x.program_size_halving; });
  m("central_fidelity", 0, 1.9, "1/centralization",
    "the coaching fall-off caseload grows by this share per unit of centralization above 0.5 "
    "(one district-wide model and coach training keep fidelity at scale; below 0.5 it shrinks)",
    "Kraft, Blazar & Hogan 2018: large programs lose effect as coach quality and fidelity vary; "
    "the reference (0.5) keeps their halving; size a model assumption",
    [](ModelParams& x) { return &x.central_fidelity; });
  mi("teachers_per_coach", 5, 200, "teachers/FTE", "teachers one coach FTE supports at full dose",
     "typical ratio about 1:45", [](ModelParams& x) { return &x.teachers_per_coach; });
  m("internal_coach_direct_time", 0.05, 1, "share", "internal coach time in direct support",
    "coaches spend ~28% in direct support vs 60-80% intended; district coaches carry other duties",
    [](ModelParams& x) { return &x.internal_coach_direct_time; });
  m("partner_coach_direct_time", 0.05, 1, "share", "partner coach time in direct support",
    "coaches spend ~28% in direct support vs 60-80% intended; contracted coaches, hired to coach, "
    "somewhat more",
    [](ModelParams& x) { return &x.partner_coach_direct_time; });
  m("platform_direct_time", 0, 1, "ratio",
    "direct support time of a platform vendor's staff relative to partner_coach_direct_time (they "
    "mostly support the product)",
    kAssume, [](ModelParams& x) { return &x.platform_direct_time; });
  m("routine_demand", 0, 1, "share",
    "coaching demand of a teacher at Routine relative to one below it", kAssume,
    [](ModelParams& x) { return &x.routine_demand; });
  m("sustaining_demand", 0, 1, "share",
    "coaching demand of a school in the Sustaining phase relative to an implementing one", kAssume,
    [](ModelParams& x) { return &x.sustaining_demand; });
  m("steer_weight_base", 0, 5, "weight",
    "base of the weight with which a centralized district steers coaching to a school (plus need "
    "or readiness, by need_priority)",
    kAssume, [](ModelParams& x) { return &x.steer_weight_base; });
  m("claim_weight", 0, 10, "weight",
    "weight with which, in a decentralized district, a school claims coaching per unit of "
    "readiness x commitment",
    kAssume, [](ModelParams& x) { return &x.claim_weight; });
  m("coach_quality_base", 0, 1, "quality",
    "internal coaching quality at coach skill 0, before expertise (quality = base + skill_weight x "
    "mean coach skill)",
    kAssume, [](ModelParams& x) { return &x.coach_quality_base; });
  m("coach_quality_skill", 0, 1, "quality/skill",
    "internal coaching quality added per unit of the coaches' mean skill, before expertise",
    kAssume, [](ModelParams& x) { return &x.coach_quality_skill; });
  m("untooled_upkeep", 0, 1, "share",
    "share of upkeep kept when the recurring tools are not funded at all (in proportion to the "
    "funded share)",
    kAssume, [](ModelParams& x) { return &x.untooled_upkeep; });
  m("home_fit", 0, 0.5, "fit",
    "fit added to a school per unit of building in-house (1 - external_sourcing): built here, fits "
    "here",
    kAssume, [](ModelParams& x) { return &x.home_fit; });
  m("university_relationship_speed", 0.1, 10, "ratio",
    "rate at which a university partner's relationship matures relative to other partners", kAssume,
    [](ModelParams& x) { return &x.university_relationship_speed; });
  m("lapsed_relationship_retention", 0, 1, "share/year",
    "share of a partner relationship kept per year without a contract", kAssume,
    [](ModelParams& x) { return &x.lapsed_relationship_retention; });
  mi("components", 1, 16, "components",
     "practice components K (station rotation, adaptive software, ...)", "MODEL.md 2",
     [](ModelParams& x) { return &x.components; });
  m("component_fit_sd", 0, 1, "sd", "spread of component fit across schools", kAssume,
    [](ModelParams& x) { return &x.component_fit_sd; });
  m("synergy", 0, 1, "share", "weight of coherence (all components together) in depth", kAssume,
    [](ModelParams& x) { return &x.synergy; });
  m("bundle_entry_load", 0, 5, "ratio", "extra entry load of a complete model over one component",
    kAssume, [](ModelParams& x) { return &x.bundle_entry_load; });
  mi("dip_months", 0, 36, "months", "length of the implementation dip for new users",
     "Fullan: implementation dip", [](ModelParams& x) { return &x.dip_months; });
  m("dip_skill_loss", 0, 1, "skill",
    "skill lost on first use per unit of entry load (a full bundle's load is 2 at the defaults)",
    "Fullan: implementation dip", [](ModelParams& x) { return &x.dip_skill_loss; });
  mi("installation_months", 0, 48, "months", "exploration and installation before implementing",
     "NIRN stages", [](ModelParams& x) { return &x.installation_months; });
  m("abandon_base", 0, 1, "per year",
    "yearly abandonment hazard at the reference point of the abandonment log-odds (docs/model.md "
    "6.11)",
    kAssume, [](ModelParams& x) { return &x.abandon_base; });
  m("mandate_hold", 0, 1, "share",
    "share of a mandated school's abandonment hazard that the district prevents, at full "
    "centralization (scaled by centralization)",
    "seeds: holding tight brings compliance rather than ownership; size a model assumption",
    [](ModelParams& x) { return &x.mandate_hold; });
  m("best_practice_transfer", 0, 1, "ratio",
    "how well best-practice summaries transfer relative to process lessons",
    "seeds: summaries 'rarely give sufficient information to replicate'",
    [](ModelParams& x) { return &x.best_practice_transfer; });
  m("best_practice_fit", 0, 0.99, "fit 0..1",
    "school fit above which a best-practice summary transfers better than best_practice_transfer, "
    "fully at fit 1 (the practice fits the context it worked in)",
    "seeds: summaries of others' practices rarely give sufficient information to replicate "
    "successes 'in their own context'; 0.6 is the mean component fit (5.1), so only schools the "
    "practice fits better than usual gain",
    [](ModelParams& x) { return &x.best_practice_fit; });
  m("failure_momentum_cost", 0, 1, "momentum",
    "momentum lost per year when every practising school's struggles are shared",
    "seeds: pressure to show innovations succeed",
    [](ModelParams& x) { return &x.failure_momentum_cost; });
  m("trust_growth", 0, 1, "per month", "rate at which school trust approaches its target", kAssume,
    [](ModelParams& x) { return &x.trust_growth; });
  m("trust_needed", 0.01, 1, "trust 0..1",
    "school trust at which process and failure lessons are fully taken up (below it, in "
    "proportion)",
    "seeds: sharing failures needs trust first (psychological safety); model assumption: a "
    "little above the reference schools' trust target (about 0.4), so a district takes up "
    "failure lessons fully only where it leans towards sharing them",
    [](ModelParams& x) { return &x.trust_needed; });
  m("need_readiness_slope", 0, 2, "readiness/need",
    "readiness lost per unit of need above the district mean",
    "seeds: high-need schools have higher turnover and lower readiness",
    [](ModelParams& x) { return &x.need_readiness_slope; });
  m("initial_skill_mean", 0, 1, "skill", "mean starting skill of teachers", kAssume,
    [](ModelParams& x) { return &x.initial_skill_mean; });
  m("initial_skill_sd", 0, 0.5, "sd", "spread of starting skill", kAssume,
    [](ModelParams& x) { return &x.initial_skill_sd; });
  m("knowledge_rate", 0, 1, "per month", "growth of the shared knowledge base per unit of signal",
    kAssume, [](ModelParams& x) { return &x.knowledge_rate; });
  m("knowledge_decay", 0, 1, "per month", "obsolescence of shared knowledge", kAssume,
    [](ModelParams& x) { return &x.knowledge_decay; });
  m("dip_fatigue", 0, 1, "per month",
    "fatigue added in the implementation dip per unit of entry load", "Fullan: implementation dip",
    [](ModelParams& x) { return &x.dip_fatigue; });
  m("thin_support_fatigue", 0, 1, "per month",
    "fatigue added when practising below Routine without coaching", kAssume,
    [](ModelParams& x) { return &x.thin_support_fatigue; });
  m("pace_fatigue", 0, 1, "per month", "fatigue added per share of the district in the dip at once",
    "seeds: fast and furious spreads support thin", [](ModelParams& x) { return &x.pace_fatigue; });
  m("launch_rate_min", 0, 1, "share/year", "share of schools launched per year at pace 0", kAssume,
    [](ModelParams& x) { return &x.launch_rate_min; });
  m("launch_rate_max", 0, 1, "share/year", "share of schools launched per year at pace 1", kAssume,
    [](ModelParams& x) { return &x.launch_rate_max; });
  m("opt_in_base", 0, 1, "per year", "yearly chance a waiting school opts in, before diffusion",
    "Bass 1969 innovation term, school level", [](ModelParams& x) { return &x.opt_in_base; });
  m("alacarte_uptake", 0, 5, "ratio", "extra opt-in when modules can be taken one at a time",
    "seeds: low entry barrier of a-la-carte", [](ModelParams& x) { return &x.alacarte_uptake; });
  m("convening_share", 0, 1, "share/year",
    "share of teachers given a cross-school tie to a demonstration site per year, at full "
    "centralization (30% of it when decentralized)",
    kAssume, [](ModelParams& x) { return &x.convening_share; });
  m("novice_turnover_factor", 1, 5, "ratio",
    "turnover multiplier for teachers in their first 3 years",
    "NCES BTLS 17% to Ingersoll 46% of novices gone within 5 years",
    [](ModelParams& x) { return &x.novice_turnover_factor; });
  m("fatigue_turnover_factor", 0, 5, "ratio",
    "relative increase of a teacher's leaving probability per unit of fatigue above 0.2: x (1 + f "
    "(fatigue - 0.2))",
    kAssume, [](ModelParams& x) { return &x.fatigue_turnover_factor; });
  m("mover_share", 0, 1, "share", "share of leavers who move to another school of the district",
    "NCES TFS 2012-13: 8% movers vs 8% leavers; some movers leave the district",
    [](ModelParams& x) { return &x.mover_share; });
  m("coach_role_exit", 0, 1, "per year", "internal coaches returning to the classroom per year",
    kAssume, [](ModelParams& x) { return &x.coach_role_exit; });
  m("experienced_hire_max", 0, 1, "share",
    "share of hires bringing skill once the practice is everywhere", kAssume,
    [](ModelParams& x) { return &x.experienced_hire_max; });
  m("experienced_hire_skill", 0, 1, "skill",
    "mean skill an experienced hire brings: below routine, since this district's components, "
    "tools and routines are new to them",
    kAssume, [](ModelParams& x) { return &x.experienced_hire_skill; });
  m("bass_p", 0, 1, "per year",
    "diffusion of the practice outside the district: innovation (also sets the share of early "
    "adopters at the start, 5.2)",
    "Sultan, Farley & Lehmann 1990: p about 0.03", [](ModelParams& x) { return &x.bass_p; });
  m("bass_q", 0, 2, "per year", "diffusion: imitation (also drives school opt-in)",
    "Sultan, Farley & Lehmann 1990: q about 0.38", [](ModelParams& x) { return &x.bass_q; });
  m("fatigue_recovery", 0, 1, "per month", "fatigue recovery rate", kAssume,
    [](ModelParams& x) { return &x.fatigue_recovery; });
  m("commitment_rate", 0, 1, "per month", "rate at which commitment approaches its target", kAssume,
    [](ModelParams& x) { return &x.commitment_rate; });
  m("commitment_base", 0, 1, "commitment",
    "commitment target at full centralization, average principal support (0.5), not yet practising "
    "and with no progress or fatigue",
    kAssume, [](ModelParams& x) { return &x.commitment_base; });
  m("commitment_autonomy", 0, 0.5, "commitment",
    "commitment target added per unit of decentralization (1 - centralization): ownership when "
    "schools choose",
    kAssume, [](ModelParams& x) { return &x.commitment_autonomy; });
  m("commitment_principal", 0, 0.5, "commitment",
    "commitment target added per unit of principal support above 0.5", kAssume,
    [](ModelParams& x) { return &x.commitment_principal; });
  m("commitment_mandate_misfit", 0, 0.5, "commitment",
    "commitment target lost in a practising school per unit of centralization x (1 - fit): "
    "compliance with a poorly fitting mandate",
    kAssume, [](ModelParams& x) { return &x.commitment_mandate_misfit; });
  m("commitment_build", 0, 0.5, "commitment",
    "commitment target added in a practising school per unit of building (1 - external_sourcing): "
    "designing rather than receiving",
    kAssume, [](ModelParams& x) { return &x.commitment_build; });
  m("commitment_external_misfit", 0, 0.5, "commitment",
    "commitment target lost in a practising school per unit of partner share of its coaching x (1 "
    "- fit): bending to tools that do not fit",
    kAssume, [](ModelParams& x) { return &x.commitment_external_misfit; });
  m("commitment_progress", 0, 0.5, "commitment",
    "commitment target added to a practising teacher at Routine skill (in proportion to skill / "
    "routine_skill below it)",
    kAssume, [](ModelParams& x) { return &x.commitment_progress; });
  m("commitment_fatigue_loss", 0, 1, "commitment/fatigue",
    "commitment target lost per unit of fatigue", kAssume,
    [](ModelParams& x) { return &x.commitment_fatigue_loss; });
  m("commitment_role_bonus", 0, 0.5, "commitment",
    "commitment target added for teacher-leaders and coaches", kAssume,
    [](ModelParams& x) { return &x.commitment_role_bonus; });
  m("leader_skill", 0, 1, "skill", "skill needed to become a teacher-leader", kAssume,
    [](ModelParams& x) { return &x.leader_skill; });
  mi("teachers_per_leader", 2, 100, "teachers",
     "one teacher-leader per this many teachers in a school", kAssume,
     [](ModelParams& x) { return &x.teachers_per_leader; });
  mi("coach_training_months", 0, 48, "months", "pipeline lag from teacher-leader to internal coach",
     kAssume, [](ModelParams& x) { return &x.coach_training_months; });
  m("transfer_rate", 0, 10, "coaches/FTE-year",
    "internal coaches trained per partner FTE-year at full transfer and relationship",
    "seeds: partnership as a way to cultivate internal capacity; one apprentice per co-delivering "
    "coach-year, as a 12-month pipeline place (docs/model.md 1.2)",
    [](ModelParams& x) { return &x.transfer_rate; });
  m("relationship_years", 0.1, 50, "years", "years for a partner relationship to mature",
    "Mital, Moore & Llewellyn 2017: administration-partner relationship",
    [](ModelParams& x) { return &x.relationship_years; });
  m("expertise_floor", 0, 1, "share",
    "coaching quality of an internal coach without coaching experience, relative to an experienced "
    "one",
    "Kraft, Blazar & Hogan 2018; Blazar et al.: coaches differ by 0.2-0.35 SD around an effect of "
    "0.49 SD, so a weak coach gives ~0.4 of the mean effect",
    [](ModelParams& x) { return &x.expertise_floor; });
  m("expertise_rate", 0, 10, "per year",
    "rate at which an internal coach at work gains coaching experience (share of the gap to "
    "experienced)",
    "NIRN: 2-4 years to full implementation", [](ModelParams& x) { return &x.expertise_rate; });
  m("coach_training_per_1000", 0, 1000, "coaches/year per 1,000 teachers",
    "coaches a year the district can train without its own mentors (outside courses, HR "
    "capacity), per 1,000 teachers, at least 1 a year",
    "model assumption: one candidate a year per 400 teachers (10 in the 4,000-teacher reference, "
    "twice the former flat 5), scaled with size as recruiting and PD offices are",
    [](ModelParams& x) { return &x.coach_training_per_1000; });
  m("trainees_per_mentor", 0, 100, "trainees/FTE",
    "trainees an experienced internal coach FTE (or co-delivering partner FTE) can mentor per year",
    kAssume, [](ModelParams& x) { return &x.trainees_per_mentor; });
  m("expertise_codelivery", 0, 100, "ratio",
    "extra experience gained per unit of co-delivery (partner share x transfer x relationship)",
    "seeds: long-term relationships that transfer knowledge and skill; model assumption "
    "(docs/model.md)",
    [](ModelParams& x) { return &x.expertise_codelivery; });
  m("replacement_coaching_years", 0, 10, "years",
    "coaching a replacement teacher needs to reach Routine",
    "model assumption: a newcomer joins a school already at Routine, faster than NIRN's 2-4 years "
    "for a whole school",
    [](ModelParams& x) { return &x.replacement_coaching_years; });
  m("principal_setback_months", 0, 48, "months", "months a new principal sets the school back",
    "NCES PFS: ~18% principal turnover; new-principal disruption",
    [](ModelParams& x) { return &x.principal_setback_months; });
  m("initiative_drop_base", 0, 1, "probability",
    "chance a new superintendent ends a fully centralized, un-institutionalized initiative "
    "(scaled by the square of its exposure, 6.2)",
    "Hess 1999 (Spinning Wheels: new superintendents replace reforms); size a model assumption",
    [](ModelParams& x) { return &x.initiative_drop_base; });
  m("leader_cut_chance", 0, 1, "probability",
    "chance a new superintendent cuts a fully exposed initiative's budget",
    "Hess 1999; Datnow 2005 (reforms lose district funding and attention with new leaders); "
    "size a model assumption",
    [](ModelParams& x) { return &x.leader_cut_chance; });
  m("leader_pause_chance", 0, 1, "probability",
    "chance a new superintendent pauses a fully exposed initiative for a year", kAssume,
    [](ModelParams& x) { return &x.leader_pause_chance; });
  m("leader_reprioritize_chance", 0, 1, "probability",
    "chance a new superintendent re-prioritizes (momentum reset) a fully exposed initiative",
    kAssume, [](ModelParams& x) { return &x.leader_reprioritize_chance; });
  m("leader_cut_fraction", 0, 1, "share",
    "budget cut by a cutting superintendent, for that superintendent's tenure", kAssume,
    [](ModelParams& x) { return &x.leader_cut_fraction; });
  m("principal_withdraw", 0, 1, "probability",
    "chance a new principal withdraws a shallow school the district does not mandate",
    "Datnow 2005: schools dropped reform models with leadership change; size a model assumption",
    [](ModelParams& x) { return &x.principal_withdraw; });
  m("initiative_relaunch", 0, 1, "probability",
    "chance a new superintendent relaunches an ended initiative",
    "Hess 1999: reforms recur under new leaders; size a model assumption",
    [](ModelParams& x) { return &x.initiative_relaunch; });
  m("school_relaunch", 0, 1, "per year",
    "chance an abandoned school re-enters the launch queue each year, after school_relaunch_wait",
    kAssume, [](ModelParams& x) { return &x.school_relaunch; });
  mi("school_relaunch_wait", 0, 50, "years", "years before an abandoned school may relaunch",
     kAssume, [](ModelParams& x) { return &x.school_relaunch_wait; });
  m("reform_fatigue", 0, 1, "commitment",
    "commitment lost and fatigue added for the teachers of a relaunch (reform fatigue)",
    "Hess 1999; Abrahamson 2004 (initiative overload and change fatigue); size a model assumption",
    [](ModelParams& x) { return &x.reform_fatigue; });
  m("partner_held_loss", 0, 1, "share",
    "share of learned skill that rests on partner-held practice and leaves with the partner",
    "seeds: capacity outsourced rather than transferred leaves with the contract; size a model "
    "assumption",
    [](ModelParams& x) { return &x.partner_held_loss; });
  m("partner_held_months", 1, 120, "months",
    "months for a school's reliance on partner-held practice to build up (or wear off)", kAssume,
    [](ModelParams& x) { return &x.partner_held_months; });
  m("inst_weight_capacity", 0, 1, "weight",
    "weight of last year's capacity_index (counting fully at inst_capacity_full) in "
    "institutionalization (6.2)",
    kAssume, [](ModelParams& x) { return &x.inst_weight_capacity; });
  m("inst_capacity_full", 0.05, 1, "share",
    "capacity_index at which capacity counts fully in institutionalization (in proportion below)",
    kAssume, [](ModelParams& x) { return &x.inst_capacity_full; });
  m("inst_weight_self_sufficiency", 0, 1, "weight",
    "weight of last year's self_sufficiency in institutionalization (6.2)", kAssume,
    [](ModelParams& x) { return &x.inst_weight_self_sufficiency; });
  m("inst_weight_commitment", 0, 1, "weight",
    "weight of the mean school commitment in institutionalization (6.2)", kAssume,
    [](ModelParams& x) { return &x.inst_weight_commitment; });
  m("inst_weight_momentum", 0, 1, "weight",
    "weight of momentum (board support) in institutionalization (6.2)", kAssume,
    [](ModelParams& x) { return &x.inst_weight_momentum; });
  m("exposure_floor", 0, 1, "share",
    "a new superintendent's exposure of a fully decentralized initiative relative to a fully "
    "centralized one: exposure = (f + (1 - f) c)(1 - inst) (6.2)",
    kAssume, [](ModelParams& x) { return &x.exposure_floor; });
  m("reprioritize_momentum_loss", 0, 1, "momentum",
    "momentum a re-prioritizing superintendent takes away, times centralization x (1 - "
    "institutionalization)",
    kAssume, [](ModelParams& x) { return &x.reprioritize_momentum_loss; });
  m("relaunch_momentum", 0, 1, "momentum",
    "momentum an ended initiative restarts with at least, when a new superintendent relaunches it",
    kAssume, [](ModelParams& x) { return &x.relaunch_momentum; });
  m("principal_support_sd", 0, 0.5, "sd",
    "sd of a new principal's support (Beta around the school's readiness)", kAssume,
    [](ModelParams& x) { return &x.principal_support_sd; });
  m("principal_trust_retained", 0, 1, "share",
    "share of the school's trust kept when its principal changes", kAssume,
    [](ModelParams& x) { return &x.principal_trust_retained; });
  m("withdraw_safe_depth", 0.01, 1, "depth",
    "implementation depth at and above which a new principal no longer withdraws the school "
    "(principal_withdraw falls in proportion below it)",
    kAssume, [](ModelParams& x) { return &x.withdraw_safe_depth; });
  m("board_momentum_floor", 0, 0.5, "momentum",
    "momentum below which the board ends the initiative at the year start", kAssume,
    [](ModelParams& x) { return &x.board_momentum_floor; });
  m("internal_coach_cost", 0, 1e6, "USD/FTE-year", "salary and benefits of an internal coach",
    "BLS: teacher compensation with benefits about $90-100k",
    [](ModelParams& x) { return &x.internal_coach_cost; });
  m("leader_stipend", 0, 1e5, "USD/year", "stipend of a teacher-leader", kAssume,
    [](ModelParams& x) { return &x.leader_stipend; });
  m("build_fixed_base", 0, 1e8, "USD/year",
    "fixed yearly cost of the in-house program office's coordinating core at 4,000 teachers, at "
    "full build; it scales as (teachers / 4,000) to the power office_scale_exponent",
    "model assumption: one coordinator's salary and benefits in the reference",
    [](ModelParams& x) { return &x.build_fixed_base; });
  m("office_scale_exponent", 0, 1, "exponent",
    "economies of scale of the program office's core: 0 a flat cost at any size, 1 in "
    "proportion to teachers",
    "model assumption: administrative cost per pupil falls steeply with size in small districts "
    "(Duncombe & Yinger 2007 on consolidation); 0.3 makes an 8-school district's core about 45% "
    "of the reference's. P10's small-district claim hinges on it (at 0.5 it no longer holds)",
    [](ModelParams& x) { return &x.office_scale_exponent; });
  m("build_fixed_per_teacher", 0, 1e5, "USD/teacher/year",
    "fixed yearly cost of building in-house per teacher (office staff, in-house tools), at full "
    "build",
    "model assumption: $300,000 a year in the 4,000-teacher reference (the former flat value)",
    [](ModelParams& x) { return &x.build_fixed_per_teacher; });
  m("tools_cost_per_teacher", 0, 1e5, "USD/teacher/year",
    "recurring software licences and working tools per teacher of a practising school",
    "model assumption: adaptive-software licences of about $20 per student a year (list prices "
    "run $15-30) for a class of 25; devices and collaboration time are left to other budgets",
    [](ModelParams& x) { return &x.tools_cost_per_teacher; });
  m("glide_years", 0.1, 50, "years",
    "years over which a grant reserve (district.grant_planning) is spent after the grant",
    "Edunomics Lab: glide paths over a few years; model assumption",
    [](ModelParams& x) { return &x.glide_years; });
  m("launch_cost_per_teacher", 0, 1e5, "USD/teacher",
    "materials and training per teacher at launch, for one module's worth", kAssume,
    [](ModelParams& x) { return &x.launch_cost_per_teacher; });
  m("central_discount", 0, 1, "share",
    "discount at full centralization on partner prices, tools licences and launch training and "
    "materials (district-wide contracts buy volume)",
    kAssume,
    [](ModelParams& x) { return &x.central_discount; });
  m("coordination_cost", 0, 1, "share", "coordination overhead of school-chosen partners", kAssume,
    [](ModelParams& x) { return &x.coordination_cost; });
  m("momentum_budget_sensitivity", 0, 1, "share", "recurring budget lost at zero momentum", kAssume,
    [](ModelParams& x) { return &x.momentum_budget_sensitivity; });
  m("indicator_noise", 0, 1, "sd", "noise on the indicators the district watches", kAssume,
    [](ModelParams& x) { return &x.indicator_noise; });
  m("adapt_step", 0, 1, "dial/year", "largest yearly move of a dial at full adaptivity", kAssume,
    [](ModelParams& x) { return &x.adapt_step; });
  m("churn_fatigue", 0, 5, "fatigue/dial", "fatigue added per unit of total dial change", kAssume,
    [](ModelParams& x) { return &x.churn_fatigue; });
  m("review_fatigue_high", 0, 1, "fatigue",
    "strategy review (6.3): observed mean fatigue above which pace falls", kAssume,
    [](ModelParams& x) { return &x.review_fatigue_high; });
  m("review_fatigue_low", 0, 1, "fatigue",
    "strategy review: observed mean fatigue below which, with growth below review_growth_low and "
    "schools waiting, pace rises",
    kAssume, [](ModelParams& x) { return &x.review_fatigue_low; });
  m("review_growth_low", 0, 1, "capacity/year",
    "strategy review: observed yearly capacity growth below which pace rises (with low fatigue, "
    "schools waiting)",
    kAssume, [](ModelParams& x) { return &x.review_growth_low; });
  m("review_abandon_high", 0, 1, "share/year",
    "strategy review: observed yearly abandonment (share of schools) above which bundling falls "
    "and failure_sharing rises",
    kAssume, [](ModelParams& x) { return &x.review_abandon_high; });
  m("review_abandon_low", 0, 1, "share/year",
    "strategy review: observed yearly abandonment below which, with depth below review_depth_low, "
    "bundling rises",
    kAssume, [](ModelParams& x) { return &x.review_abandon_low; });
  m("review_depth_low", 0, 1, "depth",
    "strategy review: observed mean depth of practising schools below which, with abandonment "
    "below review_abandon_low, bundling rises",
    kAssume, [](ModelParams& x) { return &x.review_depth_low; });
  m("review_commitment_low", 0, 1, "commitment",
    "strategy review: observed mean commitment below which centralization falls", kAssume,
    [](ModelParams& x) { return &x.review_commitment_low; });
  m("review_gap_high", 0, 1, "depth",
    "strategy review: observed depth gap between low- and high-need schools above which "
    "need_priority and centralization rise",
    kAssume, [](ModelParams& x) { return &x.review_gap_high; });
  m("review_dependence_capacity", 0, 1, "capacity",
    "strategy review: capacity_index above which reliance on partners (after year 5) counts as "
    "dependence",
    kAssume, [](ModelParams& x) { return &x.review_dependence_capacity; });
  m("review_dependence_bought", 0, 1, "share",
    "strategy review: partner share of coaching above which the district counts itself dependent "
    "(with self_sufficiency below sustain_self_sufficiency)",
    kAssume, [](ModelParams& x) { return &x.review_dependence_bought; });
  m("review_stall_growth", 0, 1, "capacity/year",
    "strategy review: observed yearly capacity growth below which, in years 1-4, external_sourcing "
    "rises",
    kAssume, [](ModelParams& x) { return &x.review_stall_growth; });
  m("churn_momentum_cost", 0, 1, "momentum/dial",
    "momentum lost per unit of total dial change at a strategy review", kAssume,
    [](ModelParams& x) { return &x.churn_momentum_cost; });
  mi("advice_ties", 2, 50, "ties", "advice ties per teacher inside a school (rounded down to even)",
     "Spillane et al.: teachers name a handful of advice partners",
     [](ModelParams& x) { return &x.advice_ties; });
  m("rewiring", 0, 1, "probability", "small-world rewiring across grade teams",
    "Watts & Strogatz 1998", [](ModelParams& x) { return &x.rewiring; });
  m("cross_school_ties", 0, 5, "ties/teacher",
    "static cross-school advice ties per teacher (convenings add more, see convening_share)",
    kAssume, [](ModelParams& x) { return &x.cross_school_ties; });
  return p;
}

std::vector<PartnerFieldSpec> build_partner_fields() {
  std::vector<PartnerFieldSpec> p;
  auto add = [&](PartnerFieldSpec s) { p.push_back(std::move(s)); };
  PartnerFieldSpec name =
      spec<Partner>("name", ParamType::String, 0, 0, "text", "partner name, unique", "-",
                    [](Partner& x) { return &x.name; });
  name.required = true;
  add(std::move(name));
  PartnerFieldSpec kind =
      spec<Partner>("kind", ParamType::Choice, 0, 0, "coaching|platform|university",
                    "what the partner provides", "MODEL.md 2", [](Partner& x) { return &x.kind; });
  kind.choices = partner_kind_names();
  add(std::move(kind));
  add(spec<Partner>("coaches", ParamType::Real, 0, 10000, "FTE", "coaches the partner can field",
                    kAssume, [](Partner& x) { return &x.coaches; }));
  add(spec<Partner>("quality", ParamType::Real, 0, 1, "0..1", "coaching quality",
                    "Blazar et al.: coaches differ by 0.2-0.35 SD",
                    [](Partner& x) { return &x.quality; }));
  add(spec<Partner>("cost_per_coach_year", ParamType::Real, 0, 1e7, "USD/FTE-year",
                    "price of one coach FTE-year",
                    "market rate for contracted instructional coaching",
                    [](Partner& x) { return &x.cost_per_coach_year; }));
  add(spec<Partner>("knowledge_transfer", ParamType::Real, 0, 1, "0..1",
                    "share of work co-delivered with internal staff",
                    "seeds: relationships that transfer knowledge and skill",
                    [](Partner& x) { return &x.knowledge_transfer; }));
  add(spec<Partner>("fit", ParamType::Real, 0, 1, "0..1", "mean fit with the district's schools",
                    "seeds: 'altering our behavior to suit our technology platform'",
                    [](Partner& x) { return &x.fit; }));
  add(spec<Partner>("contract_years", ParamType::Int, 1, 50, "years", "contract length", "-",
                    [](Partner& x) { return &x.contract_years; }));
  add(spec<Partner>("renewal", ParamType::Bool, 0, 0, "bool",
                    "may be contracted again after its first contract ends (it competes again for "
                    "the year's partner money)",
                    "-", [](Partner& x) { return &x.renewal; }));
  return p;
}

std::vector<EventFieldSpec> build_event_fields() {
  std::vector<EventFieldSpec> p;
  EventFieldSpec year = spec<Event>("year", ParamType::Int, 1, 50, "year",
                                    "the event happens at the start of this year", "MODEL.md 3",
                                    [](Event& x) { return &x.year; });
  year.required = true;
  p.push_back(std::move(year));
  EventFieldSpec kind = spec<Event>("kind", ParamType::Choice, 0, 0, "event kind", "what happens",
                                    "-", [](Event& x) { return &x.kind; });
  kind.choices = event_kind_names();
  kind.required = true;
  p.push_back(std::move(kind));
  p.push_back(spec<Event>(
      "magnitude", ParamType::Real, 0, 1, "fraction",
      "budget_cut: fraction of the recurring budget cut; turnover_spike: extra fraction leaving",
      "-", [](Event& x) { return &x.magnitude; }));
  p.push_back(spec<Event>("partner", ParamType::String, 0, 0, "name",
                          "partner_exit: which partner leaves (default all)", "-",
                          [](Event& x) { return &x.partner; }));
  return p;
}

}  // namespace

const std::vector<ParamSpec>& scenario_params() {
  static const std::vector<ParamSpec> p = build_scenario_params();
  return p;
}
const std::vector<PartnerFieldSpec>& partner_fields() {
  static const std::vector<PartnerFieldSpec> p = build_partner_fields();
  return p;
}
const std::vector<EventFieldSpec>& event_fields() {
  static const std::vector<EventFieldSpec> p = build_event_fields();
  return p;
}
const std::vector<std::string>& scenario_tables() {
  static const std::vector<std::string> t = {"scenario", "district", "strategy", "partners",
                                             "events",   "output",   "model"};
  return t;
}

const ParamSpec* find_param(std::string_view key) {
  for (const auto& p : scenario_params())
    if (p.key == key) return &p;
  return nullptr;
}

std::string format_value(const ParamRef& ref) {
  struct V {
    std::string operator()(int* v) const { return std::to_string(*v); }
    std::string operator()(double* v) const {
      std::ostringstream o;
      o.precision(15);
      o << *v;
      std::string s = o.str();
      if (std::isfinite(*v) && s.find_first_of(".e") == std::string::npos) s += ".0";
      return s;
    }
    std::string operator()(bool* v) const { return *v ? "true" : "false"; }
    std::string operator()(std::string* v) const {
      std::string out = "\"";
      for (char c : *v) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
    std::string operator()(std::uint64_t* v) const { return std::to_string(*v); }
    std::string operator()(std::vector<int>* v) const {
      std::string out = "[";
      for (std::size_t i = 0; i < v->size(); ++i) out += (i ? ", " : "") + std::to_string((*v)[i]);
      return out + "]";
    }
    std::string operator()(Frequency* v) const { return std::string("\"") + to_string(*v) + "\""; }
    std::string operator()(PartnerKind* v) const {
      return std::string("\"") + to_string(*v) + "\"";
    }
    std::string operator()(EventKind* v) const { return std::string("\"") + to_string(*v) + "\""; }
  };
  return std::visit(V{}, ref);
}

const std::vector<std::string>& partner_kind_names() {
  static const std::vector<std::string> n = {"coaching", "platform", "university"};
  return n;
}
const std::vector<std::string>& event_kind_names() {
  static const std::vector<std::string> n = {"superintendent_change", "partner_exit", "grant_end",
                                             "budget_cut", "turnover_spike"};
  return n;
}
const std::vector<std::string>& frequency_names() {
  static const std::vector<std::string> n = {"year", "month"};
  return n;
}
const char* to_string(PartnerKind k) { return partner_kind_names()[static_cast<int>(k)].c_str(); }
const char* to_string(EventKind k) { return event_kind_names()[static_cast<int>(k)].c_str(); }
const char* to_string(Frequency f) { return frequency_names()[static_cast<int>(f)].c_str(); }


Partner default_partner() { return Partner{}; }

}  // namespace ds
