"""Formats the validation results as docs/validation.md: the tests' `record`
lines (tests/validation/validation.hpp), the context files (scenarios/contexts/) and the
assumption screen's table (tests/screen/assumption_screen.cpp). Computes no
statistic itself: every estimate, interval and share comes from the tests or
the screen; this only counts, sorts and lays out."""
import argparse
import csv
import glob
import json
import os
import sys
import tomllib
from collections import defaultdict

csv.field_size_limit(sys.maxsize)

KINDS = [
    ("pattern", "Patterns in the reference district (MODEL.md section 7)"),
    ("calibration", "Calibration checks (MODEL.md section 6)"),
    ("archetype", "The archetypes tell the seeds' stories (tests/validation/test_archetypes.cpp)"),
]
# The dials and the seeds' words for each pole, from the engine's declaration
# (sim/model/dials.hpp, through scripts/metrics-table).
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "analysis",
                       "districtsim_analysis", "engine_tables.json"), encoding="utf-8") as _f:
    _DIAL_ROWS = json.load(_f)["dials"]
DIALS = [d["name"] for d in _DIAL_ROWS]
POLE_WORDS = {d["name"]: (d["low"], d["high"]) for d in _DIAL_ROWS}  # the 0.1 and 0.9 sides
OUTCOMES = ["capacity_index at year 10", "retained_capacity at year 10", "years_to_sustainability",
            "|equity_gap| at year 10", "spend per capable teacher at year 10"]


def fmt(x):
    v = float(x)
    if v != v:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.4g}"


def cell(text):
    return str(text).replace("|", "\\|")


def read_rows(path):
    cols = ["kind", "group", "claim", "estimate", "low", "high", "n", "target", "pass"]
    with open(path, newline="") as f:
        return [dict(zip(cols, r)) for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r]


def contexts_section(root, rows):
    files = sorted(glob.glob(os.path.join(root, "scenarios", "contexts", "*.toml")))
    ran = {r["claim"] for r in rows if r["kind"] == "context"}
    lines = ["", "## The family of district contexts", "",
             "Drawn by `scripts/generate-contexts` (a Latin hypercube with a fixed seed over size, teachers",
             "per school, low-income share, readiness, recurring budget, a grant or none, superintendent",
             "tenure, the partner on offer and the seven dials; its docstring gives the ranges and their",
             "sources). Each is a scenario file in `scenarios/contexts/` that `districtsim run` takes as it",
             "is. A claim moves one dial or adds one event against the file. Contexts marked * were run",
             "for this report.", "",
             "| context | schools x teachers | low-income | readiness | budget $/teacher | grant $/teacher x years "
             "| tenure | partner quality / $ per coach-year / transfer | dials c p n e a b f |",
             "|---|---|---|---|---|---|---|---|---|"]
    for f in files:
        with open(f, "rb") as fh:
            t = tomllib.load(fh)
        d, s, p = t["district"], t["strategy"], t["partners"][0]
        teachers = d["schools"] * d["teachers_per_school"]
        grant = (f"{d['grant_per_year'] / teachers:,.0f} x {d['grant_years']}" if d["grant_years"] else "none")
        name = t["scenario"]["name"]
        lines.append(
            f"| {name}{' *' if name in ran else ''} | {d['schools']} x {d['teachers_per_school']} "
            f"| {d['low_income_share']} | {d['readiness']} | {d['budget_per_teacher']:,} | {grant} "
            f"| {d['superintendent_tenure_years']} | {p['quality']} / {p['cost_per_coach_year']:,} / "
            f"{p['knowledge_transfer']} | {' '.join(str(s[k]) for k in DIALS)} |")
    return lines


def claims_section(rows):
    shares = [r for r in rows if r["kind"] == "share"]
    per = defaultdict(list)
    for r in rows:
        if r["kind"] == "context":
            per[r["group"]].append(r)
    lines = ["", "## Every claim in every context (tests/validation/test_contexts.cpp)", "",
             "A claim holds in a context when its 95% interval (paired over common random numbers, or within",
             "each run for a change over years) lies in the stated direction. The share is of the contexts",
             "where the claim applies, with its Wilson 95% interval; the claim passes when the share is at",
             "least the required one. The patterns move their dial to 0.1 and 0.9 with the strategy held",
             "(adaptivity 0), as their scenarios in `scenarios/validation/` do for the reference district.",
             "Runs: the replications of each scenario the claim compares (80, or 320 for the claims whose",
             "effect is a few hundredths against a spread between runs of a few tenths; tests/validation/test_contexts.cpp).",
             "", "| claim | applies | runs | holds in | share [95%] | required | passes |", "|---|---|---|---|---|---|---|"]
    for r in shares:
        text, _, applies = r["claim"].rpartition(" [applies: ")
        holds = sum(1 for c in per[r["group"]] if c["pass"] == "1")
        runs = max((int(c["n"]) for c in per[r["group"]]), default=0)
        lines.append(f"| **{cell(r['group'])}**: {cell(text)} | {cell(applies.rstrip(']'))} | {runs} | {holds} of {r['n']} "
                     f"| {float(r['estimate']):.0%} [{float(r['low']):.0%}, {float(r['high']):.0%}] "
                     f"| {r['target'].replace('at least ', '').replace(' of applicable contexts', '')} "
                     f"| {'yes' if r['pass'] == '1' else '**no**'} |")
    premises = defaultdict(lambda: defaultdict(list))  # claim -> context -> premise rows
    for r in rows:
        if r["kind"] == "premise":
            premises[r["group"]][r["claim"]].append(r)
    if premises:
        lines += ["", "### Premises measured", "",
                  "A claim whose premise is a fit (P7) applies where the premise, measured on fixed strategies",
                  "only (never on the runs the claim compares), holds; each measurement with its estimate and",
                  "95% interval (paired, common random numbers).", ""]
        for group, per_context in premises.items():
            held = [c for c, rs in per_context.items() if all(x["pass"] == "1" for x in rs)]
            lines.append(f"- **{cell(group)}**: holds in {len(held)} of {len(per_context)} contexts"
                         f"{': ' + ', '.join(held) if held else ''}.")
            for c, rs in per_context.items():
                lines.append(f"  - {c}: " + "; ".join(
                    f"{cell(x['target'])} {fmt(x['estimate'])} [{fmt(x['low'])}, {fmt(x['high'])}]"
                    f"{'' if x['pass'] == '1' else ' (premise fails)'}" for x in rs))
    lines += ["", "### Where claims do not hold", "",
              "Each context where a claim's interval is not in the stated direction, with the estimate and",
              "its 95% interval (see docs/model.md 1.2 for why, claim by claim).", ""]
    any_failed = False
    for group, cs in per.items():
        bad = [c for c in cs if c["pass"] != "1"]
        if not bad:
            continue
        any_failed = True
        lines.append(f"- **{cell(group)}** ({len(bad)} of {len(cs)}): " + "; ".join(
            f"{c['claim']} {fmt(c['estimate'])} [{fmt(c['low'])}, {fmt(c['high'])}]" for c in bad))
    if not any_failed:
        lines.append("None.")
    return lines


def dominance_section(rows):
    dom = [r for r in rows if r["kind"] == "context-dominance"]
    summary = {(r["group"], r["claim"]): r for r in rows if r["kind"] == "dominance-summary"}
    if not dom:
        return []
    contexts = sorted({r["claim"].split("|")[0] for r in dom})
    wins = defaultdict(list)  # (dial, pole, outcome) -> contexts
    for r in dom:
        ctx, outcome = r["claim"].split("|", 1)
        if r["target"] in ("0.1", "0.9"):
            wins[(r["group"], r["target"], outcome)].append(ctx)
    lines = ["", "## Both sides of each dial win somewhere: the dominance table on leader outcomes", "",
             f"Each dial at 0.1 against 0.9, the other dials at each context's values, in {len(contexts)} contexts,",
             "with common random numbers. A cell counts the contexts where that pole wins on that outcome",
             "(95% interval on its side: a paired t-interval, or for spending per capable teacher a ratio of",
             "means with a paired bootstrap). Depth, momentum, commitment and fatigue do not count. A pole",
             "passes when it wins somewhere and does not win every outcome in every context.", "",
             "| dial | pole | " + " | ".join(cell(o) for o in OUTCOMES) + " | passes |", "|---|---|" + "---|" * len(OUTCOMES) + "---|"]
    for dial in DIALS:
        for i, pole in enumerate(("0.1", "0.9")):
            counts = [len(wins[(dial, pole, o)]) for o in OUTCOMES]
            s = summary.get((dial, pole))
            ok = "yes" if s and s["pass"] == "1" else "**no**"
            lines.append(f"| {dial} | {pole} ({POLE_WORDS[dial][i]}) | " + " | ".join(str(c) for c in counts)
                         + f" | {ok} |")
    lines += ["", "Where each pole wins (contexts by outcome):", ""]
    for dial in DIALS:
        for i, pole in enumerate(("0.1", "0.9")):
            parts = [f"{o}: {', '.join(c.split('_')[0] for c in wins[(dial, pole, o)])}"
                     for o in OUTCOMES if wins[(dial, pole, o)]]
            lines.append(f"- {dial} {pole} ({POLE_WORDS[dial][i]}): " + ("; ".join(parts) if parts else "nowhere"))
    return lines


def screen_section(path):
    if not path or not os.path.exists(path):
        return ["", "## The conclusions' dependence on the model's assumptions", "",
                "Not run for this report (`scripts/validation-report` without `--no-screen` runs it)."]
    by = defaultdict(list)
    order = []
    settings = {}
    with open(path, newline="") as f:
        for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not r:
                continue
            if r[0] == "#":
                settings[r[1]] = r[2]
                continue
            kind, text, d0, key, default, lo, hi, mu, mu_star, sigma, flip = r
            if (kind, text) not in by:
                order.append((kind, text))
            by[(kind, text)].append(dict(d0=float(d0), key=key, default=float(default), lo=float(lo), hi=float(hi),
                                         mu=float(mu), mu_star=float(mu_star), sigma=float(sigma), flip=float(flip)))
    nparams = len(next(iter(by.values()))) if by else 0
    lines = ["", "## The conclusions' dependence on the model's assumptions (Morris screen)", "",
             f"The parameters whose source says \"assumption\" and whose default is a non-zero number ({nparams}",
             "of them; a zero default has no range relative to itself) screened over their default x [0.5, 1.5]",
             "(clipped to the declared range; integers rounded) with the Morris design of `districtsim sweep`",
             f"({settings.get('trajectories', '?')} trajectories, {settings.get('levels', '?')} levels, "
             f"{settings.get('points', '?')} points, {settings.get('replications', '?')} replications a point with "
             "common random numbers;",
             "`tests/screen/assumption_screen.cpp`). The conclusions are the patterns in the reference district",
             "(their estimates; for P1's median years to sustainability, its distance inside [10, 25],",
             "min(median - 10, 25 - median)) and the dominance differences of each dial in the reference (0.9",
             "over 0.1, the other dials at 0.5, on each leader outcome); the estimate at the defaults uses",
             f"{settings.get('default_replications', '?')} replications.", "",
             "mu* is the mean absolute change of the conclusion when an assumption moves over its whole",
             "screened range (high - low). If its effect were linear, the move of the assumption that would",
             "take the conclusion to zero is |estimate| / mu* x (high - low); an assumption **could flip** a",
             "conclusion when that move fits inside the screened range on the side that shrinks the",
             "conclusion (either side where the effects disagree in sign). The table gives the move as a share",
             "of the assumption's default, with its direction. \"Flipped at\" is the share of the screened",
             "points where the conclusion's 95% interval lies wholly on the other side of zero (a point",
             "estimate of a few replications changing sign is not counted). With few trajectories and",
             "replications a point, mu* of a small conclusion is mostly noise: an assumption listed against",
             "a conclusion near zero is a candidate to examine, not a finding.", "",
             "| conclusion | estimate at defaults | flipped at | assumptions that could flip it (move needed) | largest mu* |",
             "|---|---|---|---|---|"]
    for key in order:
        ps = by[key]
        d0 = ps[0]["d0"]
        flips = []
        for p in ps:
            if not p["mu_star"] > 0 or d0 != d0 or p["default"] == 0:
                continue
            move = abs(d0) / p["mu_star"] * (p["hi"] - p["lo"])  # in the assumption's units
            direction = None
            if abs(p["mu"]) > 0.5 * p["mu_star"]:
                direction = "up" if (p["mu"] < 0) == (d0 > 0) else "down"
            room = {"up": p["hi"] - p["default"], "down": p["default"] - p["lo"],
                    None: max(p["hi"] - p["default"], p["default"] - p["lo"])}[direction]
            if move <= room:
                flips.append((move / abs(p["default"]), direction, p))
        flips.sort(key=lambda t: t[0])
        flip_text = ", ".join(f"`{p['key'].removeprefix('model.')}` ({m:.0%}{', ' + d if d else ''})"
                              for m, d, p in flips[:6])
        if len(flips) > 6:
            flip_text += f" and {len(flips) - 6} more"
        top = sorted((p for p in ps if p["mu_star"] == p["mu_star"]), key=lambda p: -p["mu_star"])[:3]
        top_text = ", ".join(f"`{p['key'].removeprefix('model.')}` {fmt(p['mu_star'])}" for p in top)
        flipped = "-" if ps[0]["flip"] != ps[0]["flip"] else f"{ps[0]['flip']:.0%}"
        lines.append(f"| {cell(key[1])} | {fmt(d0)} | {flipped} | {flip_text or 'none'} | {top_text} |")
    lines += ["", "\"up\"/\"down\": the direction of the move that shrinks the conclusion, where the effects mostly",
              "agree in sign (|mu| > mu*/2); no direction where they do not (interactions)."]
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("out")
    ap.add_argument("--commit", default="?")
    ap.add_argument("--seconds", default="?")
    ap.add_argument("--seed", default="the scenario files'")
    ap.add_argument("--screen", default="")
    ap.add_argument("--root", default=".")
    a = ap.parse_args()
    rows = read_rows(a.results)
    checked = [r for r in rows if r["kind"] in ("pattern", "calibration", "archetype", "share", "dominance-summary")]
    failed = [r for r in checked if r["pass"] != "1"]
    lines = [
        "# Validation report",
        "",
        "Generated by `scripts/validation-report` from the `[validation]` tests (`tests/validation/test_validation.cpp`,",
        "`test_calibration_runs.cpp`, `test_contexts.cpp`, `test_archetypes.cpp`; claims declared in",
        "`tests/validation/claims.hpp` and `tests/validation/test_contexts.cpp`) and the assumption screen",
        "(`tests/screen/assumption_screen.cpp`); 80 replications per scenario unless a claim's n says",
        "otherwise, common random numbers. Do not edit by hand: rerun the script.",
        "",
        f"Source: commit `{a.commit}`; base seed {a.seed}; the report took {a.seconds} s.",
        f"Checks: {len(checked)}; passing: {len(checked) - len(failed)}; not passing: {len(failed)}.",
        "",
        "Each claim is a paired difference (scenario A minus B, or A minus k x B for a ratio claim,",
        "replication by replication) with its mean and 95% t-interval, unless it says otherwise;",
        "it holds when the interval lies above zero. P1's median uses a percentile bootstrap",
        "interval (4000 resamples), counting \"never\" as 26 years (beyond the 25-year horizon). Costs",
        "per capable teacher are ratios of means (spending summed over capable teachers summed, over",
        "the replications) with a paired percentile bootstrap interval (4000 resamples of replications",
        "in pairs).",
    ]
    lines += contexts_section(a.root, rows)
    lines += claims_section(rows)
    lines += dominance_section(rows)
    lines += screen_section(a.screen)
    for kind, title in KINDS:
        sel = [r for r in rows if r["kind"] == kind]
        lines += ["", f"## {title}", ""]
        if not sel:
            lines.append("Not measured for this report.")
            continue
        lines += ["| test | claim | estimate | 95% interval | n | criterion | holds |",
                  "|---|---|---|---|---|---|---|"]
        for r in sel:
            lines.append(
                f"| {cell(r['group'])} | {cell(r['claim'])} | {fmt(r['estimate'])} | [{fmt(r['low'])}, {fmt(r['high'])}] "
                f"| {r['n']} | {r['target']} | {'yes' if r['pass'] == '1' else '**no**'} |")
    lines += ["", "## Not passing", ""]
    if failed:
        for r in failed:
            lines.append(f"- {r['kind']}: {r['group']}: {r['claim']} (estimate {fmt(r['estimate'])}, "
                         f"interval [{fmt(r['low'])}, {fmt(r['high'])}])")
    else:
        lines.append("None.")
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{a.out}: {len(checked)} checks, {len(failed)} not passing", file=sys.stderr)


if __name__ == "__main__":
    main()
