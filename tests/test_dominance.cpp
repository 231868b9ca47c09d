// No dial has a side that wins everywhere (MODEL.md sections 1 and 4: "look
// both ways"): for each of the seven dials, an outcome or district context
// where its 0-side wins and one where its 1-side wins, each a CRN paired
// difference whose 95% interval lies above zero. Reuses the pattern scenarios
// of scenarios/validation/ (each pair differs in one dial). Recorded for
// scripts/validation-report as the dominance table.
#include <catch2/catch.hpp>

#include <map>

#include "validation.hpp"

using ds::Metric;
using ds::RunOutput;
using namespace validation;

namespace {
void side_wins(const char* dial, const char* side, const std::string& claim, const Interval& iv) {
  INFO(dial << " " << side << ": " << claim << ": " << iv.str());
  record("dominance", dial, std::string(side) + " wins: " + claim, iv, "95% interval above 0", iv.above_zero());
  CHECK(iv.above_zero());
}
}  // namespace

TEST_CASE("each side of each dial wins somewhere", "[validation]") {
  std::map<std::string, std::vector<ds::RunResult>> r;
  for (const char* s : {"p6_centralized", "p6_decentralized", "p4_fast", "p4_slow", "p5_need_first",
                        "p5_readiness_first", "p2_buy", "p2_build", "p7_poor_adaptive", "p7_poor_fixed",
                        "p7_good_adaptive", "p7_good_fixed", "p8_prix_fixe", "p8_a_la_carte",
                        "p8_prix_fixe_optin", "p8_a_la_carte_optin", "p9_share_failures", "p9_share_best"})
    r[s] = run(s);
  side_wins("centralization", "1 (centralized)", "lower depth_sd at year 10 (decentralized - centralized)",
            paired(r["p6_decentralized"], r["p6_centralized"], metric(Metric::depth_sd, 10)));
  side_wins("centralization", "0 (decentralized)", "more commitment_mean at year 10",
            paired(r["p6_decentralized"], r["p6_centralized"], metric(Metric::commitment_mean, 10)));
  side_wins("pace", "1 (fast)", "more schools_launched_share at year 3",
            paired(r["p4_fast"], r["p4_slow"], metric(Metric::schools_launched_share, 3)));
  side_wins("pace", "0 (slow)", "higher depth_mean at year 3",
            paired(r["p4_slow"], r["p4_fast"], metric(Metric::depth_mean, 3)));
  side_wins("need_priority", "1 (need first)", "smaller |equity_gap| at year 10 (readiness - need)",
            paired(r["p5_readiness_first"], r["p5_need_first"], abs_metric(Metric::equity_gap, 10)));
  side_wins("need_priority", "0 (readiness first)", "more capacity_index at year 3",
            paired(r["p5_readiness_first"], r["p5_need_first"], metric(Metric::capacity_index, 3)));
  side_wins("external_sourcing", "1 (buy)", "more capacity_index at year 3",
            paired(r["p2_buy"], r["p2_build"], metric(Metric::capacity_index, 3)));
  side_wins("external_sourcing", "0 (build)", "more self_sufficiency at year 10",
            paired(r["p2_build"], r["p2_buy"], metric(Metric::self_sufficiency, 10)));
  side_wins("adaptivity", "1 (adapt)", "poor-fit start: more capacity_index at year 10",
            paired(r["p7_poor_adaptive"], r["p7_poor_fixed"], metric(Metric::capacity_index, 10)));
  side_wins("adaptivity", "0 (fixed)", "good-fit start: less fatigue_mean at year 3 (adaptive - fixed)",
            paired(r["p7_good_adaptive"], r["p7_good_fixed"], metric(Metric::fatigue_mean, 3)));
  side_wins("bundling", "1 (prix fixe)", "higher depth_mean at year 10",
            paired(r["p8_prix_fixe"], r["p8_a_la_carte"], metric(Metric::depth_mean, 10)));
  side_wins("bundling", "0 (a la carte)", "opt-in district: more schools_launched_share at year 5",
            paired(r["p8_a_la_carte_optin"], r["p8_prix_fixe_optin"], metric(Metric::schools_launched_share, 5)));
  side_wins("failure_sharing", "1 (share failures)", "more capacity_index at year 10",
            paired(r["p9_share_failures"], r["p9_share_best"], metric(Metric::capacity_index, 10)));
  side_wins("failure_sharing", "0 (share best practices)", "more momentum at year 2",
            paired(r["p9_share_best"], r["p9_share_failures"], metric(Metric::momentum, 2)));
}
