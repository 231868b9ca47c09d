"""The report of a sweep output: what was swept, what came out, and why.

`build(out, heatmaps=(), outcome=None)` returns a `Report` (see html.py).
As in run_report.py, every sentence with a number is computed here from the
loaded tables, so the words and the figures agree with the CSV files.
"""

from __future__ import annotations

import math

import pandas as pd

from . import sweep_figures as sf
from . import designs
from . import sweep_series as ss
from .errors import BadOption
from .html import Bullets, FigureBlock, Paragraph, Report, Section, Table
from .loading import SweepOutput
from .metrics import fmt, is_missing, metric, without_local_paths
from .run_report import footer as run_footer

DASH = "\u2013"

# What "better" means for each key outcome, for sentences.
OUTCOME_WORDS = {
    ss.CAPACITY: "capacity (teachers practising at Routine level or above)",
    ss.SUSTAINABILITY: "self-sufficiency (coaching need the district's own coaches cover)",
    ss.EQUITY: "the equity gap (depth of the least-needy minus the neediest schools)",
    ss.COST: "spending per teacher",
}


def parse_heatmap(spec: str, out: SweepOutput) -> tuple[str, str]:
    """'strategy.pace,strategy.external_sourcing' -> the two varied parameters."""
    parts = [p.strip() for p in spec.split(",")]
    if len(parts) != 2 or not all(parts):
        raise BadOption(f"--heatmap {spec!r}: expected two parameters separated by a comma "
                        f"(e.g. --heatmap {','.join(out.parameters[:2])})")
    a, b = parts
    for p in parts:
        if p not in out.parameters:
            raise BadOption(f"--heatmap: {p!r} is not varied in this sweep (varied: "
                            f"{', '.join(out.parameters)})")
    if a == b:
        raise BadOption(f"--heatmap: {a!r} twice; name two different parameters")
    return a, b


def check_outcome(name: str, points: pd.DataFrame) -> str:
    if name not in points.columns or name in ("point",):
        outcomes = [c for c in points.columns if c.endswith("_final")]
        raise BadOption(f"--outcome {name!r}: not an outcome of this sweep (for example "
                        f"{', '.join(outcomes[:4])}; any value column of runs.csv)")
    return name


# ---------------------------------------------------------------- words

def parameter_domain(out: SweepOutput, key: str) -> str:
    """How a parameter was varied, in words: from the sweep definition, else the values seen."""
    spec = (out.spec.get("parameters") or {}).get(key)
    if isinstance(spec, list):
        return "values " + ", ".join(ss.value_text(v) if not isinstance(v, bool) else
                                     str(v).lower() for v in spec)
    if isinstance(spec, dict):
        if "values" in spec:
            pairs = zip(spec["values"], spec.get("weights", []))
            return "values " + ", ".join(f"{ss.value_text(v)} (weight {w:g})" for v, w in pairs)
        if "min" in spec and "max" in spec:
            text = f"{ss.value_text(float(spec['min']))} to {ss.value_text(float(spec['max']))}"
            if "weights" in spec:
                text += (f" in {len(spec['weights'])} equal bins drawn with weights "
                         + ", ".join(f"{w:g}" for w in spec["weights"]))
            return text
    values = out.points[key]
    lv = ss.levels(values)
    if ss.levelled(out, key):
        return "values " + ", ".join(ss.value_text(v) for v in lv)
    return f"{ss.value_text(values.min())} to {ss.value_text(values.max())} (as sampled)"


def point_settings(out: SweepOutput, row) -> str:
    return ", ".join(f"{ss.parameter_label(p).lower() if p.startswith('strategy.') else p} "
                     f"{ss.value_text(row[p])}" for p in out.parameters)


def measure_text(value: float, what: str, name: str) -> str:
    if what == "total Sobol index":
        return f"total Sobol index {value:.2f}"
    if what == "mu*":
        return f"Morris \u03bc* {fmt_effect(name, value)}"
    return f"a swing of {fmt_effect(name, value)}"


def fmt_effect(name: str, value: float) -> str:
    m = metric(name)
    if m.unit in ("share", "rate"):
        return f"{value * 100:.1f} points"
    return fmt(name, value)


def direction_sentence(out: SweepOutput, points: pd.DataFrame, parameter: str,
                       outcome: str) -> str:
    w = ss.swing(points, parameter, outcome, ss.levelled(out, parameter))
    if math.isnan(w.size):
        return ""
    label = ss.parameter_label(parameter)
    return (f"{label} at {w.low_label} gives {fmt(outcome, w.low)} on average, at "
            f"{w.high_label} {fmt(outcome, w.high)}")


def outcome_findings(out: SweepOutput, points: pd.DataFrame, outcome: str) -> str:
    y = points[outcome]
    if y.notna().sum() == 0:
        return f"{sf.outcome_title(out, outcome)}: no values (empty in every run)."
    if y.dropna().nunique() == 1:
        return (f"{sf.outcome_title(out, outcome)} is {fmt(outcome, y.dropna().iloc[0])} at every "
                f"point: no parameter moves it within the ranges swept.")
    lo_row, hi_row = points.loc[y.idxmin()], points.loc[y.idxmax()]
    text = (f"{sf.outcome_title(out, outcome)} ranges from {fmt(outcome, lo_row[outcome])} "
            f"(point {int(lo_row['point'])}) to {fmt(outcome, hi_row[outcome])} "
            f"(point {int(hi_row['point'])}) across the points, {fmt(outcome, y.mean())} on "
            f"average.")
    rank = ss.ranking(out, points, outcome)
    if not rank:
        return text + (" The sensitivity indices are empty for it (too few complete rows or "
                       "trajectories), so which parameter matters most cannot be told.")
    by_swing = ss.ranks_by_swing(out, outcome)
    name = (ss.SENSITIVITY_OF.get(outcome, outcome)
            if out.sensitivity is not None and not by_swing else outcome)
    top, value, what = rank[0]
    read_on = (f" for {metric(name).label.lower().removesuffix(' at the horizon')} (the "
               f"district's total, whose indices districtsim computes)" if name != outcome else "")
    if by_swing and out.sensitivity is not None:
        read_on = (" (by the swing per teacher: the indices are of the district's total "
                   "spending, which grows with its size, varied here)")
    text += (f" What matters most{read_on}: {ss.parameter_label(top)} "
             f"({measure_text(value, what, name)}"
             f"{interval_text(out, outcome, top)})")
    if len(rank) > 1 and rank[1][1] >= 0.5 * value:
        text += (f", then {ss.parameter_label(rank[1][0])} "
                 f"({measure_text(rank[1][1], rank[1][2], name)})")
    direction = direction_sentence(out, points, top, outcome)
    text += f"; {direction}." if direction else "."
    return text


def interval_text(out: SweepOutput, outcome: str, parameter: str) -> str:
    s = ss.sensitivity_of(out, outcome) if not ss.ranks_by_swing(out, outcome) else pd.DataFrame()
    if s.empty:
        return ""
    if out.indices == "sobol":
        r = s[(s["parameter"] == parameter) & (s["index"] == "total")]
        if r.empty or is_missing(r["ci_low"].iloc[0]):
            return ""
        return f", 95% interval {r['ci_low'].iloc[0]:.2f}{DASH}{r['ci_high'].iloc[0]:.2f}"
    r = s[s["parameter"] == parameter]
    if r.empty or is_missing(r["mu_star_ci_low"].iloc[0]):
        return ""
    name = ss.SENSITIVITY_OF.get(outcome, outcome)
    return (f", 95% interval {fmt_effect(name, r['mu_star_ci_low'].iloc[0])} to "
            f"{fmt_effect(name, r['mu_star_ci_high'].iloc[0])}")


def close_second(out: SweepOutput, outcome: str, rank: list) -> bool:
    """Whether the second parameter's index lies within the first's 95% interval."""
    s = ss.sensitivity_of(out, outcome)
    if s.empty:
        return False
    if out.indices == "sobol":
        r = s[(s["parameter"] == rank[0][0]) & (s["index"] == "total")]
        low = r["ci_low"].iloc[0] if not r.empty else math.nan
    else:
        r = s[s["parameter"] == rank[0][0]]
        low = r["mu_star_ci_low"].iloc[0] if not r.empty else math.nan
    return not is_missing(low) and rank[1][1] >= low


def bottom_line_section(out: SweepOutput, points: pd.DataFrame, front: pd.Series) -> Section:
    """Three sentences: what moves capacity most, what moves spending per teacher most (per
    teacher-year, not the district's total, which grows with its size by construction), and
    the best trade-off with how sure the two swings are."""
    sec = Section("bottom-line", "Bottom line")
    said = []
    sure = []
    for outcome, what in ((ss.CAPACITY, f"capacity at year {out.horizon}"),
                          (ss.COST, "spending per teacher-year")):
        if outcome not in points.columns or points[outcome].notna().sum() == 0:
            continue
        y = points[outcome]
        # The parameter the summary ranks first (its sensitivity index, or its swing), so
        # that the two sections agree; its swing says which way it moves the outcome.
        rank = ss.ranking(out, points, outcome)
        first = rank[0][0] if rank else ss.swings(out, points, outcome)[0].parameter
        top = ss.swing(points, first, outcome, ss.levelled(out, first))
        text = (f"Across the {len(points):,} points, {what} ranges from {fmt(outcome, y.min())} to "
                f"{fmt(outcome, y.max())}")
        if not math.isnan(top.size):
            label = ss.parameter_label(top.parameter)
            text += (f"; {label} moves it most: at {top.low_label} it averages "
                     f"{fmt(outcome, top.low)}, at {top.high_label} {fmt(outcome, top.high)}")
            if len(rank) > 1 and rank[0][2] != "swing" and close_second(out, outcome, rank):
                text += (f" ({ss.parameter_label(rank[1][0])} comes close: their "
                         f"{rank[0][2]}s' 95% intervals overlap)")
            if not math.isnan(top.half_width):
                sure.append(f"{label}'s swing of {what} is {fmt_effect(outcome, top.size)} "
                            f"\u00b1 {fmt_effect(outcome, top.half_width)} (95% interval over the "
                            f"points: {'clear' if top.clear else 'not clear'})")
        said.append(text + ".")
    if front.any() and ss.CAPACITY in points.columns:
        best = points[front].sort_values(ss.CAPACITY, ascending=False).iloc[0]
        third = (f"The highest capacity that no other point beats on self-sufficiency and cost is "
                 f"at point {int(best['point'])} ({point_settings(out, best)}): "
                 f"{fmt(ss.CAPACITY, best[ss.CAPACITY])}"
                 + (f" at {fmt(ss.COST, best[ss.COST])} per teacher-year" if ss.COST in points.columns
                    else ""))
        third += (f"; how sure: {'; '.join(sure)}, each point the mean of {out.replications} "
                  f"run{'s' if out.replications != 1 else ''}." if sure else ".")
        said.append(third)
    sec.blocks.append(Paragraph(" ".join(said)))
    return sec


def summary_section(out: SweepOutput, points: pd.DataFrame, front: pd.Series) -> Section:
    sec = Section("summary", "Summary")
    params = ", ".join(f"{ss.parameter_label(p)} ({parameter_domain(out, p)})"
                       for p in out.parameters)
    sec.blocks.append(Paragraph(
        f"This sweep varied {len(out.parameters)} parameter"
        f"{'s' if len(out.parameters) != 1 else ''} of the scenario "
        f"\u201c{out.scenario.name}\u201d: {params}. It ran {len(points):,} points "
        f"(settings of those parameters) {out.replications} time"
        f"{'s' if out.replications != 1 else ''} each over {out.horizon} years, "
        f"{len(points) * out.replications:,} runs in all, with the same random numbers for run r "
        f"of every point, so differences between points come from the parameters rather than "
        f"luck. Below, each point counts by its mean over its runs."))
    items = [outcome_findings(out, points, o) for o in ss.KEY_OUTCOMES if o in points.columns]
    active = points.get("initiative_active_final")
    if active is not None and active.lt(1).any():
        # Runs where the district dropped the initiative end with little capacity: say how many.
        items.append(outcome_findings(out, points, "initiative_active_final")
                     .replace("Initiative still running", "The share of runs still running the "
                              "initiative", 1))
    lead = {"sobol": "Sobol total indices (the share of an outcome's variance a parameter "
                     "explains, alone and with interactions) rank the parameters:",
            "morris": "Morris \u03bc* (the mean absolute change of an outcome when a parameter "
                      "crosses its range) ranks the parameters:"}.get(
        out.indices, "The swing of each outcome between a parameter's low and high values "
                    "(averaged over every other parameter) ranks the parameters:")
    sec.blocks.append(Bullets(items, lead=lead))
    n_front = int(front.sum())
    if n_front:
        best = points[front].sort_values(ss.CAPACITY, ascending=False).iloc[0]
        sec.blocks.append(Paragraph(
            f"{n_front} of the {len(points):,} points are non-dominated (Pareto) on capacity, "
            f"self-sufficiency and cost: no other point is at least as good on all three and "
            f"better on one. Of these, the highest capacity is at point {int(best['point'])} "
            f"({point_settings(out, best)}): capacity {fmt(ss.CAPACITY, best[ss.CAPACITY])}, "
            f"self-sufficiency {fmt(ss.SUSTAINABILITY, best[ss.SUSTAINABILITY])}, "
            f"{fmt(ss.COST, best[ss.COST])} per teacher per year. See Trade-offs."))
    if out.indices == "sobol":
        group = designs.group_size(out.design, len(out.parameters))
        same = {p: k for p, k in ss.sobol_ties(out).items() if k > 0.25 * len(points) / group}
        if same:
            rows = len(points) // group
            sec.blocks.append(Paragraph(
                "In some of the design's base rows, matrices A and B of the Sobol design have the "
                "same value of a parameter, so those rows say nothing about it and its indices "
                "are biased towards zero: " + ", ".join(
                    f"{ss.parameter_label(p)} in {k} of {rows} rows" for p, k in same.items())
                + ". This happens at the start of a Sobol sequence; more samples dilute it.",
                css="note"))
        wide = sobol_interval_width(out)
        if wide > 0.3:
            sec.blocks.append(Paragraph(
                f"The Sobol indices' 95% intervals are wide (on average {wide:.2f} across for "
                f"the total indices of these outcomes): with "
                f"{out.spec.get('samples', 'few')} base rows they rank the parameters only "
                f"roughly. Run more samples (a power of two, 512 or more) to pin them down.",
                css="note"))
    return sec


def sobol_interval_width(out: SweepOutput) -> float:
    widths = []
    for o in ss.KEY_OUTCOMES:
        s = ss.sensitivity_of(out, o)
        if s.empty:
            continue
        t = s[s["index"] == "total"]
        widths.extend((t["ci_high"] - t["ci_low"]).dropna().tolist())
    return float(pd.Series(widths).mean()) if widths else 0.0


def what_section(out: SweepOutput) -> Section:
    sec = Section("what", "What was swept")
    sc = out.scenario
    desc = sc.get("scenario.description") or ""
    schools, per = sc.get("district.schools"), sc.get("district.teachers_per_school")
    size = (f"{schools:g} schools of {per:g} teachers" if isinstance(schools, (int, float))
            and isinstance(per, (int, float)) and not sc.get("district.schools_file")
            else "its schools")
    sweep_file = without_local_paths(out.manifest.get("sweep_file") or "the sweep file")
    base_file = without_local_paths(out.scenario.file or "file not recorded")
    sec.blocks.append(Paragraph(
        f"Sweep file {sweep_file}; base scenario \u201c{sc.name}\u201d"
        f"{f' ({desc})' if desc else ''}, {base_file}; as "
        f"run (command-line settings included): {size}, everything not varied below as the base "
        f"scenario sets it. Design: "
        f"{designs.description(out.design)}. {len(out.points):,} points \u00d7 "
        f"{out.replications} replications, {out.horizon} years, seed "
        f"{out.manifest.get('seed', 'n/a')}."))
    overrides = out.manifest.get("overrides") or []
    if overrides:
        sec.blocks.append(Paragraph("Settings changed on the command line: "
                                    + ", ".join(str(o) for o in overrides) + "."))
    rows = []
    for p in out.parameters:
        ends = ss.dial_ends(p)
        base = sc.get(p)
        rows.append([p, ss.parameter_label(p), parameter_domain(out, p),
                     f"0 = {ends[0]}, 1 = {ends[1]}" if ends else "",
                     ss.value_text(float(base)) if isinstance(base, (int, float))
                     and not isinstance(base, bool) else str(base) if base is not None else ""])
    sec.blocks.append(Table(["parameter", "name", "varied over", "meaning", "base scenario"],
                            rows, caption="The varied parameters"))
    return sec


# ---------------------------------------------------------------- figure sections

def scatter_section(out: SweepOutput, points: pd.DataFrame, outcome: str) -> Section:
    sec = Section("parameters", "The key outcome against each parameter")
    title = sf.outcome_title(out, outcome)
    sec.blocks.append(FigureBlock(
        "outcome_vs_parameters", f"{title} against each varied parameter",
        sf.outcome_scatter_figure(out, points, outcome),
        caption=(
            f"One panel per varied parameter. Each dot is one point of the sweep: its "
            f"{title.lower()} averaged over its {out.replications} runs, placed at that point's "
            f"value of the parameter (dots at the same value are spread a little sideways so they "
            f"do not hide each other). The line is the trend: the mean over all points at each "
            f"value, or in each of eight equal-width bins when the parameter takes many values. "
            f"Because the other parameters vary too, the dots at one value scatter; a steep trend "
            f"means the parameter moves the outcome whatever the others do, a flat one that it "
            f"does not on average.")))
    return sec


def heatmap_section(out: SweepOutput, points: pd.DataFrame, pairs: list[tuple[str, str]],
                    outcome: str) -> Section:
    sec = Section("heatmaps", "Two parameters together")
    outcomes = [outcome] + [o for o in (ss.SUSTAINABILITY, ss.COST) if o != outcome]
    for a, b in pairs:
        key = f"heatmap_{a.split('.')[-1]}_x_{b.split('.')[-1]}"
        key = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in key.lower())
        levelled = ss.levelled(out, a) and ss.levelled(out, b)
        cells = ("each combination of their values" if levelled else
                 "each cell (each parameter's range cut into five equal-width bins where it takes "
                 "many values)")
        sec.blocks.append(FigureBlock(
            key, f"{ss.parameter_label(a)} \u00d7 {ss.parameter_label(b)}",
            sf.heatmap_figure(out, points, a, b, outcomes),
            caption=(
                f"{a} across, {b} up. The colour of {cells} is the mean, over the sweep points "
                f"that fall in it, of the points' outcome means: from left to right, "
                + ", ".join(sf.outcome_title(out, o).lower() for o in outcomes)
                + ". Every other varied parameter is averaged over. Brighter is higher; for "
                "spending the scale is reversed so that brighter is cheaper. An empty cell had "
                "no points. Where the colour changes along both directions, both parameters "
                "matter; where it changes along one only, the other does not.")))
    return sec


def sensitivity_section(out: SweepOutput, points: pd.DataFrame, outcomes: list[str]) -> Section:
    sec = Section("sensitivity", "Sensitivity")
    names = ", ".join(sf.outcome_title(out, ss.SENSITIVITY_OF.get(o, o)).lower()
                      for o in outcomes)
    if out.indices == "sobol":
        rows_used = out.spec.get("samples")
        used = used_text(out, outcomes, "rows", f"of the {rows_used} base rows" if rows_used
                         else "base rows")
        sec.blocks.append(FigureBlock(
            "sensitivity", "Sobol sensitivity indices", sf.sobol_figure(out, outcomes),
            caption=(
                f"For {names}: the first-order index (blue) is the share of the outcome's "
                f"variance across the sweep that the parameter explains alone; the total index "
                f"(orange) adds every interaction it takes part in. A total index near 0 means "
                f"the parameter could be fixed anywhere in its range; a total well above the "
                f"first-order index means it acts through interactions. Lines are bootstrap 95% "
                f"intervals ({rows_used or 'the'} base rows resampled 1,000 times); small negative "
                f"estimates mean about zero.{used} Indices are computed by districtsim on the "
                f"points' mean outcomes (sensitivity.csv, docs/sweeps.md section 9); spending is "
                f"the district's cumulative spending, which also grows with the district's size "
                f"when that is varied.")))
    elif out.indices == "morris":
        used = used_text(out, outcomes, "effects", "elementary effects per parameter")
        sec.blocks.append(FigureBlock(
            "sensitivity", "Morris \u03bc*", sf.morris_figure(out, outcomes),
            caption=(
                f"For {names}: \u03bc* is the mean absolute change of the outcome when the "
                f"parameter moves across its whole range, one parameter at a time, along "
                f"{out.spec.get('trajectories', 'the')} random trajectories (Morris screening). "
                f"Longer bars matter more; a bar near 0 means the parameter barely moves the "
                f"outcome. Lines are bootstrap 95% intervals of \u03bc*.{used} Shares are in "
                f"percentage points. Computed by districtsim on the points' mean outcomes "
                f"(sensitivity.csv, docs/sweeps.md section 9).")))
        sec.blocks.append(FigureBlock(
            "morris_mu_sigma", "Morris \u03bc* against \u03c3",
            sf.morris_sigma_figure(out, outcomes),
            caption=(
                "Each parameter placed by \u03bc* (how much it moves the outcome, across) and "
                "\u03c3 (how much its effect varies from one trajectory to another, up). Near the "
                "origin: unimportant. Far right and low (below the dashed line \u03c3 = \u03bc*): "
                "an effect of about the same size everywhere, roughly linear. High (near or above "
                "the line): an effect that depends on where the other parameters are "
                "(interactions) or on the parameter's own value (non-linear).")))
    else:
        sec.blocks.append(Paragraph(
            f"A {out.design} design gives no sensitivity indices (those need a "
            f"{' or '.join(designs.with_indices())} design, docs/sweeps.md section 9); the tornado chart below ranks the parameters by "
            f"their swing instead."))
    return sec


def used_text(out: SweepOutput, outcomes: list[str], column: str, what: str) -> str:
    """' The indices use 60–64 of the 64 base rows ...' from sensitivity.csv's count column
    (rows with an empty outcome are left out); empty when the file has no such column."""
    counts = []
    for o in outcomes:
        s = ss.sensitivity_of(out, o)
        if column in s.columns:
            counts.extend(s[column].dropna().tolist())
    if not counts:
        return ""
    lo, hi = int(min(counts)), int(max(counts))
    span = f"{lo}" if lo == hi else f"{lo}\u2013{hi}"
    return (f" These use {span} {what} (a point whose outcome is empty in every run leaves its row "
            f"or effect out).")


def tornado_section(out: SweepOutput, points: pd.DataFrame, outcomes: list[str]) -> Section:
    sec = Section("tornado", "Tornado: the swing of each parameter")
    levelled = all(ss.levelled(out, p) for p in out.parameters)
    low_high = ("its lowest and its highest value" if levelled else
                "its low and high values (for a parameter with few values, its lowest and "
                "highest; otherwise the third of the points with the lowest values and the third "
                "with the highest)")
    sec.blocks.append(FigureBlock(
        "tornado", "Tornado chart", sf.tornado_figure(out, points, outcomes),
        caption=(
            f"For each outcome, each parameter's bar runs from the outcome's mean over the points "
            f"at {low_high} (light blue: low, red: high), each average taken over every value of "
            f"the other parameters; the labels give the values. The vertical line is the mean "
            f"over all points. Longest bars first: the parameters that swing the outcome most. A "
            f"red bar right of the line means raising the parameter raises the outcome. Unlike "
            f"sensitivity indices, this works for any design, but it sees only the ends of each "
            f"range and hides interactions.")))
    return sec


def tradeoff_section(out: SweepOutput, points: pd.DataFrame, front: pd.Series) -> Section:
    sec = Section("tradeoffs", "Trade-offs: capacity, sustainability and cost")
    n = int(front.sum())
    sec.blocks.append(Paragraph(
        f"A point is non-dominated (on the Pareto front) when no other point has at least as "
        f"much capacity and self-sufficiency at year {out.horizon} at no more spending per "
        f"teacher, and strictly better on one of them. {n} of {len(points):,} points are: the "
        f"choice among them is a matter of priorities, while every other point could be improved "
        f"on something without losing on anything."))
    sec.blocks.append(FigureBlock(
        "tradeoff", "Capacity, sustainability and cost", sf.tradeoff_figure(out, points, front),
        caption=(
            f"Each dot is a sweep point (its mean over {out.replications} runs). Left: capacity "
            f"at year {out.horizon} across, self-sufficiency at year {out.horizon} up, colour the "
            f"spending per teacher per year averaged over the run (brighter is cheaper). Right: "
            f"capacity across, spending up, colour self-sufficiency (brighter is higher). Ringed "
            f"dots are the non-dominated points on all three at once, so some ringed dots look "
            f"beaten in one panel: they win on the measure it shows in colour. Spending per "
            f"teacher is cumulative spending at the horizon divided by the teachers and the "
            f"years.")))
    shown = points[front].sort_values(ss.CAPACITY, ascending=False)
    columns = {ss.CAPACITY: "capacity", ss.SUSTAINABILITY: "self-sufficiency",
               ss.COST: "USD per teacher-year"}
    rows = [[str(int(r["point"]))] + [ss.value_text(r[p]) for p in out.parameters]
            + [fmt(o, r[o]) for o in columns] for _, r in shown.head(15).iterrows()]
    more = f" (the 15 with the highest capacity of {n})" if n > 15 else ""
    sec.blocks.append(Table(["point"] + out.parameters + list(columns.values()), rows,
                            caption=f"The non-dominated points{more}, by capacity"))
    return sec


def trajectories_section(out: SweepOutput, points: pd.DataFrame, front: pd.Series) -> Section:
    sec = Section("over_time", "Over time")
    y = points[ss.CAPACITY]
    candidates = []
    if y.notna().any():
        candidates = [(points.loc[y.idxmax()], "highest capacity"),
                      (points.loc[y.idxmin()], "lowest capacity")]
        if front.any():
            candidates.append((points[front].sort_values(ss.COST).iloc[0],
                               "cheapest non-dominated"))
    chosen = []  # (point, label), each point once
    for row, what in candidates:
        point = int(row["point"])
        if point not in [c[0] for c in chosen]:
            chosen.append((point, f"point {point}: {what}"))
    if not chosen:
        return sec
    sec.blocks.append(FigureBlock(
        "trajectories", "Outcomes over time at a few points",
        sf.trajectories_figure(out, chosen, ["capacity_index", "self_sufficiency",
                                             "spend_per_teacher"]),
        caption=(
            "From trajectories.csv (written when the base scenario sets [output] trajectories = "
            "true): capacity, self-sufficiency and spending per teacher year by year, each line "
            f"the mean over the {out.replications} runs of one point: "
            + "; ".join(f"{label} ({point_settings(out, points[points['point'] == p].iloc[0])})"
                        for p, label in chosen) + ".")))
    return sec


def about_section(out: SweepOutput) -> Section:
    sec = Section("about", "How to read this report")
    sec.blocks.append(Bullets([
        "A point is one setting of the varied parameters; it was run "
        f"{out.replications} times (replications) with different luck. Every number here is a "
        "point's mean over its runs, then compared across points.",
        "Capacity: teachers at CBAM Routine use or above, as a share of all teachers. "
        "Self-sufficiency: the internal coaches the district has and can pay from recurring "
        "money, as a share of those needed to keep its capacity without partners or grants. "
        "Equity gap: depth of the least-needy half of schools minus the neediest half. Spending "
        "per teacher: the initiative's spending per teacher and year, averaged over the run.",
        "Sensitivity indices and the tornado chart say which parameters move an outcome across "
        "the ranges swept, not whether a parameter would matter outside them.",
        "The files behind this report: points.csv (the points), runs.csv (every run), "
        "point_summary.csv (mean and quantiles per point), sensitivity.csv; docs/sweeps.md "
        "describes them, docs/model.md defines every outcome.",
    ]))
    return sec


def build(out: SweepOutput, heatmaps=(), outcome: str | None = None) -> Report:
    points = ss.point_table(out)
    key = check_outcome(outcome, points) if outcome else ss.CAPACITY
    pairs = [parse_heatmap(h, out) for h in heatmaps]
    if not pairs and len(out.parameters) == 2:  # two parameters: their heatmap is the picture
        pairs = [(out.parameters[0], out.parameters[1])]
    front = ss.pareto(points, [ss.CAPACITY, ss.SUSTAINABILITY], [ss.COST])
    key_outcomes = [o for o in ss.KEY_OUTCOMES if o in points.columns]
    sections = [bottom_line_section(out, points, front), summary_section(out, points, front),
                what_section(out),
                scatter_section(out, points, key)]
    if pairs:
        sections.append(heatmap_section(out, points, pairs, key))
    sections += [sensitivity_section(out, points, key_outcomes),
                 tornado_section(out, points, key_outcomes),
                 tradeoff_section(out, points, front)]
    if out.trajectories is not None:
        sections.append(trajectories_section(out, points, front))
    sections.append(about_section(out))
    stem = str(out.manifest.get("sweep_file") or "sweep").rsplit("/", 1)[-1].removesuffix(".toml")
    return Report(
        title=f"districtsim sweep: {stem}",
        subtitle=(f"{out.design} design over {len(out.parameters)} parameters: "
                  f"{len(points):,} points \u00d7 {out.replications} runs, {out.horizon} years, "
                  f"base scenario {out.scenario.name}"),
        sections=sections, footer=run_footer(out))
