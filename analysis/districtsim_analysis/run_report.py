"""The report of a run or compare output: words generated from the numbers, and figures.

`build(out)` returns a `Report` (see html.py). Every sentence with a number is
produced from the loaded tables here, so the words and the figures always
agree with the CSV files beside them.
"""

from __future__ import annotations

import json
import math

from . import bottom_line, figures, series
from .html import Bullets, FigureBlock, Paragraph, Report, Section, Table
from .loading import DIAL_COLUMNS, RunOutput
from .metrics import DIALS, fmt, fmt_diff, is_missing, metric, money, usd_text, without_local_paths

DASH = "\u2013"
MINUS = "\u2212"

# Settings that differ between scenarios but say nothing about the strategy.
NOT_SETTINGS = {"scenario.name", "scenario.description", "scenario.base"}


# ---------------------------------------------------------------- small phrases

def value_range(name, lo, hi) -> str:
    """'35%–47%', or '−0.03 to +0.05' when a bound is negative."""
    if is_missing(lo) or is_missing(hi):
        return "n/a"
    if lo < 0 or hi < 0:
        return f"{fmt(name, lo, signed=True)} to {fmt(name, hi, signed=True)}"
    low, high = fmt(name, lo), fmt(name, hi)
    for unit in (" FTE", "%"):
        if low.endswith(unit) and high.endswith(unit):
            low = low[: -len(unit)]
    return f"{low}{DASH}{high}"


def median_with_range(name, q: dict, signed: bool = False) -> str:
    return f"{fmt(name, q['p50'], signed=signed)} ({value_range(name, q['p10'], q['p90'])})"


def verdict(d: dict, higher: str, lower: str) -> str:
    if is_missing(d["mean"]):
        return "no paired runs to compare"
    if is_missing(d["ci_low"]) or is_missing(d["ci_high"]):
        return "too few runs for an interval"
    if d["ci_low"] > 0:
        return f"clearly {higher}"
    if d["ci_high"] < 0:
        return f"clearly {lower}"
    return "no clear difference"


def diff_with_ci(name, d: dict) -> str:
    if is_missing(d["mean"]):
        return "n/a"
    if is_missing(d["ci_low"]):
        return fmt_diff(name, d["mean"])
    lo, hi = fmt_diff(name, d["ci_low"]), fmt_diff(name, d["ci_high"])
    lo, hi = lo.removesuffix(" points"), hi.removesuffix(" points")
    return f"{fmt_diff(name, d['mean'])} (95% CI {lo} to {hi})"


def same_in_every_run(d: dict) -> bool:
    """The paired difference is 0 in every run (mean 0 and a zero-width interval)."""
    return all(not is_missing(d[k]) and d[k] == 0 for k in ("mean", "ci_low", "ci_high"))


def plural(count: float, word: str) -> str:
    if round(count) == 1:
        return word
    return word + ("es" if word.endswith(("ch", "s", "sh", "x")) else "s")


def runs_phrase(k: int, n: int) -> str:
    return f"{k} of {n} run{'s' if n != 1 else ''}"


def ended_in_some(q: dict) -> bool:
    """Whether the initiative had ended by then in some runs (series.at_year's `ended`)."""
    return not is_missing(q.get("ended", math.nan)) and q["ended"] > 0


def of_runs(q: dict) -> str:
    """Which runs a median and its range are over: 'of runs', or 'of the 43 runs still running
    the initiative' when it had ended in the others."""
    if ended_in_some(q):
        n = q["runs"] - q["ended"]
        return f"of the {n} run{'s' if n != 1 else ''} still running the initiative"
    return "of runs"


def in_every_run(q: dict) -> bool:
    """Whether a metric had one value in every run (none ended, min = max)."""
    return (not is_missing(q.get("min", math.nan)) and q["min"] == q["max"]
            and q.get("ended") == 0)


def equity_words(gap: float) -> str:
    if is_missing(gap):
        return "cannot be told"
    if abs(gap) < 0.02:
        return "the neediest and the least-needy schools are about equally deep"
    if gap > 0:
        return "the least-needy schools are deeper"
    return "the neediest schools are deeper"


def dial_words(dial: str, value) -> str:
    if not isinstance(value, (int, float)):
        return "n/a"
    _, low, high = DIALS[dial]
    if value <= 1 / 3:
        side = low if value < 0.15 else f"leans to {low}"
    elif value >= 2 / 3:
        side = high if value > 0.85 else f"leans to {high}"
    else:
        side = "in between"
    return f"{value:.2f} ({side})"


def event_words(ev: dict) -> str:
    kind = str(ev.get("kind", "event"))
    year = ev.get("year", "?")
    mag = ev.get("magnitude") or 0
    if kind == "superintendent_change":
        what = "the superintendent changes"
    elif kind == "partner_exit":
        who = ev.get("partner") or "every partner"
        what = f"{who} leaves the market"
    elif kind == "grant_end":
        what = "the grant ends early"
    elif kind == "budget_cut":
        what = f"the recurring budget is cut by {mag * 100:.0f}%"
    elif kind == "turnover_spike":
        what = f"an extra {mag * 100:.0f}% of teachers leave"
    else:
        what = kind.replace("_", " ")
    return f"year {year}: {what}"


def partner_words(p: dict) -> str:
    kind = p.get("kind", "")
    coaches = p.get("coaches")
    price = p.get("cost_per_coach_year")
    years = p.get("contract_years")
    bits = [str(kind)] if kind else []
    if isinstance(coaches, (int, float)):
        bits.append(f"up to {coaches:g} coaches")
    if isinstance(price, (int, float)):
        bits.append(f"{money(price)} per coach-year")
    if isinstance(years, (int, float)):
        bits.append(f"{years:g}-year contracts" + ("" if p.get("renewal", True) else ", no renewal"))
    return f"{p.get('name', 'a partner')} ({', '.join(bits)})"


def setting_text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


# ---------------------------------------------------------------- sections

def describe_district(out: RunOutput, name: str) -> str:
    sc = out.scenario(name)
    n = series.teachers(out, name)
    schools = sc.get("district.schools")
    per = sc.get("district.teachers_per_school")
    if sc.get("district.schools_file"):
        size = f"the schools listed in {sc.get('district.schools_file')}"
        if not is_missing(n):
            size += f" (about {n:,.0f} teachers)"
    elif isinstance(schools, (int, float)) and isinstance(per, (int, float)):
        size = f"{schools:g} schools of {per:g} teachers ({schools * per:,.0f} teachers)"
    else:
        size = "a district of unrecorded size"
    parts = [f"The district has {size}"]
    low = sc.get("district.low_income_share")
    if sc.get("district.schools_file"):
        need = series.mean_school_need(out, name)
        if not is_missing(need):
            parts[-1] += (f"; the share of low-income students averages {need * 100:.0f}% over "
                          f"its schools")
    elif isinstance(low, (int, float)):
        parts[-1] += f"; {low * 100:.0f}% of its students come from low-income families"
    parts[-1] += "."
    budget = sc.get("district.budget_per_teacher")
    if isinstance(budget, (int, float)):
        total = f" ({money(budget * n)} a year)" if not is_missing(n) else ""
        parts.append(f"Its recurring budget for the initiative is {money(budget)} per teacher "
                     f"per year{total}.")
    grant, gyears = sc.get("district.grant_per_year") or 0, sc.get("district.grant_years") or 0
    if grant > 0 and gyears > 0:
        parts.append(f"A grant of {money(grant)} a year pays years 1{DASH}{gyears:g}.")
    else:
        parts.append("There is no grant.")
    partners = sc.get("partners") or []
    if partners:
        parts.append("Partners on offer: " + "; ".join(partner_words(p) for p in partners) + ".")
    events = sc.get("events") or []
    if events:
        parts.append("Events: " + "; ".join(event_words(e) for e in events) + ".")
    else:
        parts.append("No scripted events (leaders and teachers still turn over at their usual "
                     "rates).")
    return " ".join(parts)


def differing_settings(out: RunOutput) -> list[str]:
    keys = []
    for s in out.scenarios:
        for k in s.settings:
            if k not in keys and k not in NOT_SETTINGS:
                keys.append(k)
    lines = []
    for k in keys:
        values = [s.settings.get(k) for s in out.scenarios]
        if any(setting_text(v) != setting_text(values[0]) for v in values[1:]):
            shown = ", ".join(f"{s.name}: {setting_text(v)}" for s, v in zip(out.scenarios, values))
            if k in ("partners", "events"):
                shown = "differ (see above)"
            lines.append(f"{k}: {shown}")
    return lines


def what_was_run(out: RunOutput) -> Section:
    sec = Section("what", "What was run")
    first = out.baseline
    freq = "month by month" if out.monthly else "year by year"
    if out.kind == "run":
        desc = first.get("scenario.description") or ""
        sec.blocks.append(Paragraph(
            f"This report shows {out.replications} simulated runs of the scenario "
            f"\u201c{first.name}\u201d{f' ({desc})' if desc else ''}, followed {freq} over "
            f"{out.horizon} years. Each run is the same district with different luck (who "
            f"leaves, which schools opt in, how leaders change), so the report gives the typical "
            f"result (the median run) and the range that 80% of runs fall in (10th to 90th "
            f"percentile), among the runs in which the district still runs the initiative at "
            f"that time; where it has ended in some, the report says in how many."))
        sec.blocks.append(Paragraph(describe_district(out, first.name)))
    else:
        listed = "; ".join(
            f"\u201c{s.name}\u201d"
            + (f" ({s.get('scenario.description')})" if s.get("scenario.description") else "")
            + (" (the baseline)" if i == 0 else "")
            for i, s in enumerate(out.scenarios))
        sec.blocks.append(Paragraph(
            f"This report compares {len(out.scenarios)} scenarios: {listed}. Each was run "
            f"{out.replications} times over {out.horizon} years, followed {freq}, with the same "
            f"random numbers for the same run of every scenario (common random numbers): run 7 of "
            f"one scenario meets the same luck as run 7 of another, so the differences between "
            f"them come from the strategies, and the paired differences (each run minus the same "
            f"run of the baseline) are precise even with few runs."))
        districts = [describe_district(out, n) for n in out.names]
        if all(d == districts[0] for d in districts):
            sec.blocks.append(Paragraph(districts[0] + " This holds for every scenario."))
        else:
            sec.blocks.append(Bullets([f"{n}: {d}" for n, d in zip(out.names, districts)],
                                      lead="The districts:"))
        diffs = differing_settings(out)
        if diffs:
            sec.blocks.append(Bullets(diffs, lead="The scenarios differ in these settings:"))
        else:
            sec.blocks.append(Paragraph("The scenarios have the same settings (only their names "
                                        "differ)."))
    overrides = out.manifest.get("overrides") or []
    if overrides:
        sec.blocks.append(Paragraph("Settings changed on the command line: "
                                    + ", ".join(str(o) for o in overrides) + "."))
    header = ["dial", "0 means", "1 means"] + [n for n in out.names]
    rows = []
    for dial in DIAL_COLUMNS:
        label, low, high = DIALS[dial]
        rows.append([label, low, high] + [dial_words(dial, s.get(f"strategy.{dial}"))
                                          for s in out.scenarios])
    sec.blocks.append(Table(header, rows, caption="The strategy: the seven dials at the start "
                                                  "(each 0 to 1)"))
    return sec


def run_findings(out: RunOutput, name: str) -> list[str]:
    n_teachers = series.teachers(out, name)
    items = []
    for year in series.milestones(out.horizon):
        cap = series.at_year(out, "capacity_index", name, year)
        ss = series.at_year(out, "self_sufficiency", name, year)
        gap = series.at_year(out, "equity_gap", name, year)
        spend = series.at_year(out, "spend_per_teacher", name, year)
        active = series.at_year(out, "initiative_active", name, year)
        when = f"By year {year}" + (" (the end of the run)" if year == out.horizon else "")
        text = (f"{when}, a median of {fmt('capacity_index', cap['p50'])} of teachers practise at "
                f"Routine level or above (10{DASH}90% {of_runs(cap)}: "
                f"{value_range('capacity_index', cap['p10'], cap['p90'])}). ")
        text += (f"The coaches and teacher-leaders it has trained, as far as its recurring budget "
                 f"pays them, cover a median of {fmt('self_sufficiency', ss['p50'])} of the "
                 f"coaching it needs to carry the whole initiative on its own, every teacher of its "
                 f"launched and planned schools brought to Routine use and kept there "
                 f"({value_range('self_sufficiency', ss['p10'], ss['p90'])}). ")
        text += (f"Equity gap {fmt('equity_gap', gap['p50'], signed=True)} "
                 f"({value_range('equity_gap', gap['p10'], gap['p90'])}): "
                 f"{equity_words(gap['p50'])}. ")
        total = (f" (about {money(spend['p50'] * n_teachers)} for the district)"
                 if not is_missing(n_teachers) and not is_missing(spend["p50"]) else "")
        text += f"Spending is {fmt('spend_per_teacher', spend['p50'])} per teacher that year{total}."
        if ended_in_some(cap):
            text += (f" These figures are over the runs still running the initiative: in "
                     f"{runs_phrase(cap['ended'], cap['runs'])} the district has dropped it by then.")
        elif not is_missing(active["mean"]) and active["mean"] < 1:
            dropped = round((1 - active["mean"]) * out.replications)
            text += (f" In {runs_phrase(dropped, out.replications)} the district has dropped the "
                     f"initiative by then.")
        items.append(text)
    return items


def sustainability_rule(out: RunOutput, name: str) -> str:
    sc = out.scenario(name)
    ss_min = sc.get("model.sustain_self_sufficiency")
    cap_min = sc.get("model.sustain_capacity")
    if isinstance(ss_min, (int, float)) and isinstance(cap_min, (int, float)):
        return (f"self-sufficiency at least {ss_min * 100:.0f}% and capacity at least "
                f"{cap_min * 100:.0f}%, held from then to the end of the run")
    return ""


def sustainability_sentence(out: RunOutput, name: str, with_rule: bool = True) -> str:
    s = series.sustainability(out, name)
    reached = len(s["reached"])
    rule = sustainability_rule(out, name) if with_rule else ""
    rule = f" ({rule})" if rule else ""
    if reached == 0:
        return (f"In none of the {s['runs']} runs did the district become sustainable{rule} "
                f"within {out.horizon} years.")
    span = (f"after {s['median']:.0f} years (median; shortest {s['min']:.0f}, longest "
            f"{s['max']:.0f})"
            if reached > 1 else f"after {s['median']:.0f} years")
    never = (f"; in the other {s['never']} it never did within {out.horizon} years"
             if s["never"] else "")
    return (f"In {runs_phrase(reached, s['runs'])} the district became sustainable{rule}, "
            f"{span}{never}.")


def abandonment_sentence(out: RunOutput, name: str) -> str:
    early = series.run_output_median(out, "abandoned_share_early", name)
    later = series.run_output_median(out, "abandoned_share_later", name)
    if is_missing(early) and is_missing(later):
        return ""
    bits = []
    if not is_missing(early):
        bits.append(f"{fmt('abandoned_share_early', early)} of the schools launched in the first "
                    f"three years")
    if not is_missing(later):
        bits.append(f"{fmt('abandoned_share_later', later)} of those launched later")
    return ("Abandonment (median over runs): " + " and ".join(bits)
            + " gave up within two years of launching.")


COMPARE_FINDINGS = [
    ("capacity_index", "capacity", "higher", "lower"),
    ("self_sufficiency", "self-sufficiency", "higher", "lower"),
    ("equity_gap", "equity gap", "wider (least-needy further ahead)",
     "narrower (or tilted to the neediest)"),
    ("spend_per_teacher", "spending per teacher", "higher", "lower"),
]


def compare_findings(out: RunOutput, other: str, thresholds: dict) -> list[str]:
    base = out.names[0]
    items = []
    for year in series.milestones(out.horizon):
        clauses = []
        for name, words, higher, lower in COMPARE_FINDINGS:
            a = series.at_year(out, name, base, year)
            b = series.at_year(out, name, other, year)
            d = series.difference_at(out, name, other, year)
            if same_in_every_run(d):
                # The same run by run; one value in every run only when it is.
                if in_every_run(a):
                    clauses.append(f"{words} {fmt(name, a['p50'])} under both, in every run")
                else:
                    clauses.append(f"{words} the same under both in every run (median "
                                   f"{fmt(name, a['p50'])}, 10{DASH}90% "
                                   f"{value_range(name, a['p10'], a['p90'])} {of_runs(a)})")
                continue
            small = bottom_line.negligible(out, name, year, d, thresholds)
            clauses.append(f"{words} {fmt(name, b['p50'])} under {other} vs {fmt(name, a['p50'])} "
                           f"under {base}, a difference of {diff_with_ci(name, d)}: "
                           f"{verdict(d, higher, lower)}{' ' + small if small else ''}")
        act_a = series.at_year(out, "initiative_active", base, year)["mean"]
        act_b = series.at_year(out, "initiative_active", other, year)["mean"]
        if not is_missing(act_a) and not is_missing(act_b) and min(act_a, act_b) < 1:
            n = out.replications
            clauses.append(f"the district still runs the initiative in "
                           f"{runs_phrase(round(act_b * n), n)} under {other} and "
                           f"{round(act_a * n)} under {base}")
        when = f"Year {year}" + (" (end of the run)" if year == out.horizon else "")
        items.append(f"{when}: " + "; ".join(clauses) + ".")
    return items


def key_outcomes_table(out: RunOutput) -> Table:
    names = ["capacity_index", "self_sufficiency", "equity_gap", "spend_per_teacher",
             "commitment_mean", "fatigue_mean", "schools_launched_share",
             "schools_abandoned_share"]
    header = ["year", "outcome"] + [f"{n}: median (10{DASH}90%)" for n in out.names]
    any_ended = False
    if out.kind == "compare":
        header += [f"{o} \u2212 {out.names[0]} (95% CI)" for o in out.names[1:]]
    rows = []
    for year in series.milestones(out.horizon):
        still = [series.at_year(out, "capacity_index", scen, year) for scen in out.names]
        if any(ended_in_some(q) for q in still):
            any_ended = True
            row = [str(year), "Runs still running the initiative"]
            row += [runs_phrase(q["runs"] - q["ended"], q["runs"]) for q in still]
            row += [""] * (len(header) - len(row))
            rows.append(row)
        for name in names:
            row = [str(year), metric(name).label]
            for scen in out.names:
                q = series.at_year(out, name, scen, year)
                row.append(median_with_range(name, q, signed=name == "equity_gap"))
            if out.kind == "compare":
                for other in out.names[1:]:
                    d = series.difference_at(out, name, other, year)
                    star = " *" if verdict(d, "x", "x").startswith("clearly") else ""
                    row.append(diff_with_ci(name, d) + star)
            rows.append(row)
    caption = "Key outcomes at years 3, 5, 10 and the end of the run"
    if any_ended:
        caption += (" (medians and ranges over the runs still running the initiative, counted "
                    "in the first row of each year; differences over all runs)")
    if out.kind == "compare":
        caption += " (* the 95% interval of the paired difference excludes zero)"
    return Table(header, rows, caption=caption)


def findings(out: RunOutput, thresholds: dict) -> Section:
    sec = Section("findings", "Key findings")
    if out.kind == "run":
        name = out.names[0]
        sec.blocks.append(Bullets(run_findings(out, name)))
        more = [sustainability_sentence(out, name), abandonment_sentence(out, name)]
        sec.blocks.append(Paragraph(" ".join(m for m in more if m)))
    else:
        for other in out.names[1:]:
            sec.blocks.append(Bullets(compare_findings(out, other, thresholds),
                                      lead=f"{other} compared with {out.names[0]} (medians over "
                                           f"the runs still running the initiative; the "
                                           f"difference is the mean paired difference, run by "
                                           f"run over all runs, with its 95% confidence "
                                           f"interval):"))
        sec.blocks.append(Bullets(
            [f"{n}: {sustainability_sentence(out, n, with_rule=False)}" for n in out.names],
            lead=f"Sustainability ({sustainability_rule(out, out.names[0])}):"))
    sec.blocks.append(key_outcomes_table(out))
    return sec


def outcomes_section(out: RunOutput) -> Section:
    sec = Section("outcomes", "Outcomes over time")
    n = out.replications
    each = " of each scenario" if out.kind == "compare" else ""
    sec.blocks.append(FigureBlock(
        "outcomes", "Key outcomes over time", figures.outcomes_figure(out),
        caption=(
            f"Each panel follows one outcome from the start (year 0) to year {out.horizon}. "
            f"Lines are the median over the runs{each} still running the initiative at that time "
            f"(of {n}), and the shaded band holds the middle 80% of them (10th to 90th "
            f"percentile): a run whose initiative has ended drops out of the line and the band "
            f"instead of pulling them toward 0, and the last panel shows the share of runs that "
            f"still run it. "
            f"Capacity: the share of all teachers practising blended learning at Routine level or "
            f"above. Self-sufficiency: the internal coaches the district has and can pay from its "
            f"recurring budget, as a share of those it needs to coach replacements for the capable "
            f"teachers it loses (100% = it could keep its capacity without partners or grants). "
            f"Equity gap: mean implementation depth of the least-needy half of schools minus the "
            f"neediest half (0 = even). Spending: the initiative's spending that year per teacher, "
            f"grant and recurring together. Commitment and fatigue: teachers' means on 0\u20131 "
            f"scales. A superintendent change can end the initiative (the last panel).")))
    if out.kind == "compare":
        base = out.names[0]
        sec.blocks.append(FigureBlock(
            "differences", f"Paired differences from {base}", figures.differences_figure(out),
            caption=(
                f"For each scenario after the baseline, the mean over runs of its value minus "
                f"{base}'s in the same run (same random numbers), with the 95% confidence "
                f"interval of that mean shaded. Where the band stays clear of the zero line, the "
                f"difference is not luck. Shares are in percentage points.")))
        sec.blocks.append(run_differences_table(out))
    return sec


def run_differences_table(out: RunOutput) -> Table:
    rd = out.run_differences
    shown = ["years_to_sustainability", "abandoned_share_early", "abandoned_share_later",
             "capacity_index_final", "self_sufficiency_final", "equity_gap_final",
             "cumulative_spend_final", "spend_per_capable_teacher_final"]
    rows = []
    for other in out.names[1:]:
        for name in shown:
            df = rd[(rd["scenario"] == other) & (rd["output"] == name)]
            if df.empty:
                continue
            r = df.iloc[0]
            d = {"mean": r["mean"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]}
            star = " *" if verdict(d, "x", "x").startswith("clearly") else ""
            rows.append([other, metric(name).label, diff_with_ci(name, d) + star,
                         f"{int(r['n'])}" if not is_missing(r["n"]) else "0"])
    return Table(["scenario", "per-run outcome", f"difference from {out.names[0]} (95% CI)",
                  "pairs"], rows,
                 caption="Per-run outcomes: mean paired difference from the baseline (* the "
                         "95% interval excludes zero; pairs: "
                         "runs where both values exist; years to sustainability only counts runs "
                         "where both scenarios became sustainable)")


def staff_phrase(name: str, q: dict, noun: str, where: str) -> str:
    """'about 27 teacher-leaders (20–30)', '10.4 FTE of internal coaches ... (7.0–11.9 FTE)'."""
    if all(not is_missing(q[k]) and q[k] == 0 for k in ("p10", "p50", "p90")):
        return f"no {plural(0, noun)}{where}"
    if is_missing(q["p50"]):
        return f"{plural(0, noun)}{where}: n/a"
    span = value_range(name, q["p10"], q["p90"])
    if metric(name).unit == "fte":
        return f"{fmt(name, q['p50'])} of {plural(0, noun)}{where} ({span})"
    return f"about {fmt(name, q['p50'])} {plural(q['p50'], noun)}{where} ({span})"


def staffing_words(out: RunOutput, name: str) -> list[str]:
    items = []
    years = [y for y in (3, 5) if y <= out.horizon] + [out.horizon]
    for year in sorted(set(years)):
        lead = series.at_year(out, "teacher_leaders", name, year)
        internal = series.at_year(out, "internal_coach_fte", name, year)
        partner = series.at_year(out, "partner_coach_fte", name, year)
        when = f"In year {year}" + (" (end of the run)" if year == out.horizon and year > 5 else "")
        if ended_in_some(lead):
            when += f" (medians {of_runs(lead)}; it had ended in {lead['ended']})"
        items.append(
            f"{when}: {staff_phrase('teacher_leaders', lead, 'teacher-leader', '')}, "
            f"{staff_phrase('internal_coach_fte', internal, 'internal coach', ' on the payroll')} "
            f"and {staff_phrase('partner_coach_fte', partner, 'partner coach', ' under contract')}.")
    return items


def funding_words(out: RunOutput, name: str) -> list[str]:
    parts = series.spending_by_source(out, name).set_index("year")
    n = series.teachers(out, name)
    items = []
    years = [y for y in (3, 5) if y <= out.horizon] + [out.horizon]
    for year in sorted(set(years)):
        if year not in parts.index:
            continue
        p = parts.loc[year]
        total = p["total"]
        if total <= 0:
            items.append(f"In year {year}: no spending on the initiative (on average over the runs "
                         f"still running it).")
            continue
        district = f" ({money(total * n)} for the district)" if not is_missing(n) else ""
        items.append(
            f"In year {year}: {money(total)} per teacher on average over the runs still running "
            f"the initiative{district}; "
            f"{p['grant'] / total * 100:.0f}% from the grant and "
            f"{p['recurring'] / total * 100:.0f}% from the recurring budget; "
            f"{p['external'] / total * 100:.0f}% paid to partners and "
            f"{p['internal'] / total * 100:.0f}% spent in the district (own coaches, "
            f"teacher-leader stipends, launch costs).")
    return items


def plan_section(out: RunOutput) -> Section:
    sec = Section("plan", "Staffing and funding plan")
    sc = out.baseline
    per_leader = sc.get("model.teachers_per_leader")
    training = sc.get("model.coach_training_months")
    per_leader_text = f"one for every {per_leader:g} teachers of a school" \
        if isinstance(per_leader, (int, float)) else "a few per school"
    training_text = f"{training:g} months of training" \
        if isinstance(training, (int, float)) else "training"
    for name in out.names:
        prefix = f"{name}: " if out.kind == "compare" else ""
        sec.blocks.append(Bullets(staffing_words(out, name),
                                  lead=f"{prefix}Roles to staff (median over the runs still running "
                                       f"the initiative, 10{DASH}90% in brackets):"))
    sec.blocks.append(Paragraph(
        f"Where the people come from: internal coaches are the district's own teachers. The most "
        f"skilled and committed teachers of practising schools become teacher-leaders "
        f"({per_leader_text}); when the district has money for more internal coaches, "
        f"teacher-leaders enter the coach pipeline and become coaches after {training_text}, and "
        f"if there are too few, the district recruits its most skilled teachers anywhere. "
        f"Coaches keep their classroom slot and can leave like any teacher. Partner coaches are "
        f"contracted from the partners on offer, for as long as a contract runs."))
    for name in out.names:
        prefix = f"{name}: " if out.kind == "compare" else ""
        items = funding_words(out, name)
        sc = out.scenario(name)
        grant, gyears = sc.get("district.grant_per_year") or 0, sc.get("district.grant_years") or 0
        if grant > 0 and 0 < gyears < out.horizon:
            budget = sc.get("district.budget_per_teacher")
            items.append(f"The grant ends after year {gyears:g}: from year {gyears + 1:g} only the "
                         f"recurring budget ({money(budget)} per teacher) pays, so whatever the "
                         f"grant paid for must fit into it or stop.")
        sec.blocks.append(Bullets(items, lead=f"{prefix}Where the money comes from (spending on "
                                              f"the initiative, mean over runs):"))
    sec.blocks.append(FigureBlock(
        "staffing", "Staffing over time", figures.staffing_figure(out),
        caption=(
            "Teacher-leaders (people, the pool internal coaches are trained from), internal "
            "coaches (full-time equivalents paid by the district, averaged over the year) and "
            "partner coaches (full-time equivalents under contract) per year: median over the runs "
            "still running the initiative, with the 10\u201390% band. The dotted lines mark years 3 and 5.")))
    sec.blocks.append(FigureBlock(
        "funding", "Spending by source", figures.funding_figure(out),
        caption=(
            "Spending on the initiative per teacher and year, averaged over runs (so the parts add "
            "up to the average total). Left: paid from the grant or from the recurring district "
            "budget (the grant is spent first). Right: spent in the district (internal coaches, "
            "teacher-leader stipends, launch and fixed costs) or paid to partners for contracted "
            "coaches. Runs in which the district has dropped the initiative count with no spending. "
            "The right-hand axis gives the district's total in millions of dollars.")))
    return sec


def dials_section(out: RunOutput) -> Section:
    sec = Section("dials", "Strategy dials over time")
    moving = series.moving_dials(out)
    if not moving:
        sec.blocks.append(Paragraph(
            "The dials stay where the scenario sets them in every run (adaptivity is 0, or the "
            "yearly strategy review never moved them), so there is no figure of them."))
        return sec
    items = []
    for dial in moving:
        moves = []
        for name in out.names:
            if dial not in series.moving_dials(out, name):
                continue
            start = series.at_year(out, dial, name, 0)
            end = series.at_year(out, dial, name, out.horizon)
            who = f"{name}: " if out.kind == "compare" else ""
            moves.append(f"{who}from {start['p50']:.2f} at the start to a median of "
                         f"{end['p50']:.2f} at year {out.horizon} (10{DASH}90%: "
                         f"{end['p10']:.2f}{DASH}{end['p90']:.2f})")
        items.append(f"{DIALS[dial][0]}: " + "; ".join(moves) + ".")
    sec.blocks.append(Bullets(items, lead="With adaptivity above 0, the district reviews its "
                                          "strategy every year from year 3 and moves dials when its "
                                          "(noisy) indicators call for it. These dials moved:"))
    sec.blocks.append(FigureBlock(
        "dials", "Strategy dials over time", figures.dials_figure(out, moving),
        caption=(
            "The dials that moved in some run, year by year: median over the runs still running "
            "the initiative, with the 10\u201390% band. Each change costs teachers some fatigue and the board some "
            "momentum (churn). Dials not shown stayed where the scenario set them.")))
    return sec


def sustainability_section(out: RunOutput) -> Section:
    sec = Section("sustainability", "Time to sustainability")
    never = {n: series.sustainability(out, n)["never"] for n in out.names}
    if out.kind == "compare":
        sec.blocks.append(Bullets(
            [f"{n}: {sustainability_sentence(out, n, with_rule=False)}" for n in out.names],
            lead=f"Sustainable means {sustainability_rule(out, out.names[0])}."))
    else:
        sec.blocks.append(Paragraph(sustainability_sentence(out, out.names[0])))
    sec.blocks.append(FigureBlock(
        "sustainability", "Years until the district is sustainable",
        figures.sustainability_figure(out),
        caption=(
            "How many runs became sustainable after how many years: the first year from which "
            "self-sufficiency and capacity both stay above their thresholds to the end of the run. "
            f"Runs that never got there within {out.horizon} years are counted apart, in the "
            f"hatched bar on the right (" + ", ".join(
                (f"{n}: {k}" if out.kind == "compare" else f"{k}") for n, k in never.items())
            + " of " + str(out.replications) + " runs).")))
    return sec


def about_section(out: RunOutput) -> Section:
    sec = Section("about", "How to read this report")
    items = [
        "Capacity: teachers at CBAM Routine use or above, as a share of all teachers.",
        "Self-sufficiency: the internal coaches the district has and can pay from recurring money, "
        "as a share of those needed to coach replacements for the capable teachers it loses each "
        "year (at most 100%). Partner coaches and grant-paid coaches do not count.",
        "Equity gap: mean implementation depth (0 to 1) of the least-needy half of schools minus "
        "that of the neediest half; above zero, the least-needy schools are ahead.",
        "Sustainable: self-sufficiency and capacity both at or above their thresholds from some "
        "year to the end of the run.",
        "Median and 10\u201390%: half the runs are above the median; 80% of runs lie in the band. "
        "The spread is the model's uncertainty about luck (turnover, leaders, opt-in), not about "
        "its assumptions.",
    ]
    if out.kind == "compare":
        items.append("Paired difference: each run of a scenario minus the same run of the "
                     "baseline, averaged; its 95% confidence interval says how well the runs pin "
                     "the average down. An interval that excludes zero marks a difference that is "
                     "not due to luck.")
    items.append("Every number comes from the CSV files in this directory; docs/model.md "
                 "(section 7) defines every column.")
    sec.blocks.append(Bullets(items))
    return sec


def footer(out: RunOutput) -> list[str]:
    m = out.manifest
    lines = [f"Output directory: {out.path.resolve().name}"]  # its name: no local paths
    bits = []
    if m.get("version"):
        bits.append(f"districtsim {m['version']}")
    if m.get("git_commit"):
        bits.append(f"commit {m['git_commit']}")
    if m.get("started_at"):
        bits.append(f"run at {m['started_at']}")
    if m.get("seed") is not None:
        bits.append(f"seed {m['seed']}")
    if bits:
        lines.append(", ".join(bits))
    if m.get("command_line"):
        lines.append(f"Command (paths cut to their names): {without_local_paths(m['command_line'])}")
    lines.append("Report written by analysis/report.py")
    return lines


def bottom_line_section(out: RunOutput, thresholds: dict) -> Section:
    sec = Section("bottom-line", "Bottom line")
    if out.kind == "run":
        sec.blocks.append(Paragraph(bottom_line.run_bottom_line(out)))
    else:
        for other in out.names[1:]:
            sec.blocks.append(Paragraph(bottom_line.compare_bottom_line(out, other, thresholds)))
    return sec


def build(out: RunOutput, thresholds: dict | None = None) -> Report:
    if out.kind == "run":
        title = f"districtsim: {out.names[0]}"
        subtitle = (f"{out.replications} runs over {out.horizon} years")
    else:
        title = "districtsim: " + " vs ".join(out.names)
        subtitle = (f"Comparison of {len(out.names)} scenarios, {out.replications} paired runs "
                    f"each over {out.horizon} years; baseline {out.names[0]}")
    thresholds = thresholds if thresholds is not None else dict(bottom_line.DEFAULT_THRESHOLDS)
    sections = [bottom_line_section(out, thresholds), what_was_run(out), findings(out, thresholds), outcomes_section(out), plan_section(out),
                dials_section(out), sustainability_section(out), about_section(out)]
    return Report(title=title, subtitle=subtitle, sections=sections, footer=footer(out))

