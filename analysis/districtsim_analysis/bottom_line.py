"""The bottom line at the top of a run or compare report: three sentences that name the
trade-off (what an option buys, what it costs, for how long) and how sure it is.

A difference between two scenarios is called material only when it is both statistically
clear (the 95% interval of the paired difference excludes zero) and at least as large as a
practical threshold: by default 2 points of capacity, 5 points of self-sufficiency, 0.02 of
equity gap, 5 points of runs still running the initiative, and 5% of the baseline's spending per
teacher. `report.py --material NAME=VALUE` sets them (capacity=0.03, spending=0.10, ...).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import series
from .loading import RunOutput
from .metrics import fmt, fmt_diff, is_missing, money

DASH = "\u2013"

# name on the command line -> (metric, threshold, relative to the baseline's median?)
DEFAULT_THRESHOLDS = {
    "capacity": 0.02,
    "self_sufficiency": 0.05,
    "equity": 0.02,
    "running": 0.05,
    "spending": 0.05,
}
METRIC_OF = {
    "capacity": "capacity_index",
    "self_sufficiency": "self_sufficiency",
    "equity": "equity_gap",
    "running": "initiative_active",
    "spending": "spend_per_teacher",
}


def thresholds_text(t: dict) -> str:
    return (f"{t['capacity'] * 100:g} points of capacity, {t['self_sufficiency'] * 100:g} of "
            f"self-sufficiency, {t['equity']:g} of equity gap, {t['running'] * 100:g} points of "
            f"runs still running the initiative and {t['spending'] * 100:g}% of spending per "
            f"teacher")


def parse_thresholds(items: list[str]) -> dict:
    """NAME=VALUE items over the defaults; ValueError naming what is wrong."""
    t = dict(DEFAULT_THRESHOLDS)
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or name not in t:
            raise ValueError(f"--material {item!r}: expected NAME=VALUE with NAME one of "
                             f"{', '.join(t)}")
        try:
            v = float(value)
        except ValueError:
            raise ValueError(f"--material {item!r}: {value!r} is not a number") from None
        if not (0 <= v < math.inf):
            raise ValueError(f"--material {item!r}: expected a number 0 or more")
        t[name] = v
    return t


def reference_year(out: RunOutput) -> int:
    """Year 10, or the horizon when the run is shorter."""
    return min(10, out.horizon)


# ---------------------------------------------------------------- compare

@dataclass
class Change:
    key: str            # capacity, self_sufficiency, ...
    sign: int           # the paired difference's sign (+1 or -1)
    good: bool          # in the compared scenario's favour
    text: str           # "15.7 points more capacity at year 5 (95% CI ...; material from ...)"
    year: int           # where the difference is largest
    years: list         # every year in which it is material in this direction


def _threshold(key: str, t: dict, base_median: float) -> float:
    if key == "spending":
        return t["spending"] * abs(base_median) if not is_missing(base_median) else math.inf
    return t[key]


def _material(d: dict, limit: float) -> int:
    """+1 / -1 when the paired difference is clear and at least `limit`; else 0."""
    if any(is_missing(d[k]) for k in ("mean", "ci_low", "ci_high")):
        return 0
    if d["ci_low"] > 0 and d["mean"] >= limit:
        return 1
    if d["ci_high"] < 0 and -d["mean"] >= limit:
        return -1
    return 0


def negligible(out: RunOutput, name: str, year: int, d: dict, t: dict) -> str:
    """For a clear difference of metric `name` smaller than its threshold: why it counts as
    none ('under the 5% of spending per teacher that counts as material'); else ''."""
    key = next((k for k, m in METRIC_OF.items() if m == name), None)
    if key is None or not (d["ci_low"] > 0 or d["ci_high"] < 0):
        return ""
    limit = _threshold(key, t, series.at_year(out, name, out.names[0], year)["p50"])
    if _material(d, limit) != 0:
        return ""
    size = (f"{t['spending'] * 100:g}% of spending per teacher" if key == "spending"
            else f"{fmt_diff(name, limit).lstrip('+')} of {METRIC_LABEL[key]}")
    return f"but negligible (under the {size} that counts as material)"


def _ci(name: str, d: dict) -> str:
    lo, hi = fmt_diff(name, d["ci_low"]), fmt_diff(name, d["ci_high"])
    return f"95% CI {lo.removesuffix(' points')} to {hi}"


def _yearly(out: RunOutput, name: str, other: str) -> list[dict]:
    """The paired differences of `name` at each year end (year >= 1), with the baseline's
    median that year (for a relative threshold)."""
    d = series.difference(out, name, other)
    d = d[(d["t"] == d["year"]) & (d["year"] >= 1)]
    rows = []
    for _, r in d.iterrows():
        year = int(r["year"])
        base = series.at_year(out, name, out.names[0], year)["p50"]
        rows.append({"year": year, "mean": float(r["mean"]), "ci_low": float(r["ci_low"]),
                     "ci_high": float(r["ci_high"]), "base": base})
    return rows


def _describe(out: RunOutput, key: str, other: str, r: dict, sign: int) -> tuple[bool, str]:
    """(in `other`'s favour, the words) for a material difference of `key` in row `r`."""
    name = METRIC_OF[key]
    mean = r["mean"]
    size = fmt_diff(name, abs(mean)).lstrip("+")
    if key == "capacity":
        return sign > 0, f"{size} {'more' if sign > 0 else 'less'} capacity"
    if key == "self_sufficiency":
        return sign > 0, f"{size} {'more' if sign > 0 else 'less'} self-sufficiency"
    if key == "running":
        return sign > 0, (f"the initiative still running in {size} "
                          f"{'more' if sign > 0 else 'fewer'} of the runs")
    if key == "spending":
        pct = abs(mean) / abs(r["base"]) * 100 if r["base"] else math.nan
        good = sign < 0
        return good, (f"{money(abs(mean))} {'less' if good else 'more'} spending per teacher "
                      f"({chr(0x2212) if good else '+'}{pct:.0f}%)")
    # The gap's size decides (MODEL.md 5: "smaller in absolute value"); the words say which
    # way it moved, as the key findings do (a negative move tilts it toward the neediest).
    a = series.at_year(out, name, out.names[0], r["year"])["p50"]
    b = series.at_year(out, name, other, r["year"])["p50"]
    good = not is_missing(a) and not is_missing(b) and abs(b) < abs(a)
    toward = "the neediest" if sign < 0 else "the least-needy"
    return good, (f"an equity gap moved {fmt_diff(name, mean)} toward {toward} schools "
                  f"({fmt(name, b, signed=True)} against {fmt(name, a, signed=True)}, "
                  f"{'smaller' if good else 'larger'} in size)")


def _years(years: list[int], horizon: int) -> str:
    """'in years 1\u20134 and 6', 'in year 7 only', 'in years 8 to the end of the run'."""
    runs, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i + 1 == len(years) or years[i + 1] != y + 1:
            runs.append((start, y))
            start = None
    if len(runs) == 1 and runs[0][0] == runs[0][1]:
        return f"in year {runs[0][0]} only"
    parts = [f"{lo}" if lo == hi else
             (f"{lo} to the end of the run" if hi == horizon and len(runs) == 1 else f"{lo}{DASH}{hi}")
             for lo, hi in runs]
    head = "in year" if len(runs) == 1 and runs[0][0] == runs[0][1] else "in years"
    return f"{head} {_and(parts)}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def compare_changes(out: RunOutput, other: str, t: dict) -> list[Change]:
    """For each outcome and direction, the material difference of `other` from the baseline
    at its largest, with the years around it in which it stays material."""
    changes = []
    for key, name in METRIC_OF.items():
        rows = _yearly(out, name, other)
        signs = [_material(r, _threshold(key, t, r["base"])) for r in rows]
        for sign in (1, -1):
            hits = [i for i, s in enumerate(signs) if s == sign]
            if not hits:
                continue
            peak = max(hits, key=lambda i: abs(rows[i]["mean"]))
            r = rows[peak]
            good, words = _describe(out, key, other, r, sign)
            years = [rows[i]["year"] for i in hits]
            text = (f"{words} at year {r['year']} ({_ci(name, r)}; material "
                    f"{_years(years, out.horizon)})")
            changes.append(Change(key, sign, good, text, r["year"], years))
    return changes


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "; ".join(items[:-1]) + "; and " + items[-1]


def compare_bottom_line(out: RunOutput, other: str, t: dict) -> str:
    """What `other` buys against the baseline, what it costs (each at its largest, with the
    years it stays material), and where things stand at year 10 or the end, how sure."""
    base = out.names[0]
    changes = compare_changes(out, other, t)
    gains = [c for c in changes if c.good]
    costs = [c for c in changes if not c.good]
    s1 = (f"Against {base}, {other} buys {_join([c.text for c in gains])}."
          if gains else f"Against {base}, {other} buys nothing material in any year.")
    s2 = (f"It costs {_join([c.text for c in costs])}." if costs
          else "It costs nothing material: no outcome is clearly and materially worse in any year.")
    year = reference_year(out)
    lasting = [c for c in changes if year in c.years]
    when = f"By year {year}" + (" (the end of the run)" if year == out.horizon else "")
    if changes and not lasting:
        s3 = f"{when} none of these differences is material any more; "
    elif lasting:
        kept = ", ".join(METRIC_LABEL[c.key] + (f" (in {other}\u2019s favour)" if c.good else " (against it)")
                         for c in lasting)
        s3 = f"{when} what remains material: {kept}; "
    else:
        s3 = ""
    s3 += (f"{'m' if s3 else 'M'}aterial means clear (the 95% interval of {out.replications} paired "
           f"runs excludes zero) and at least {thresholds_text(t)}, and smaller or unclear "
           f"differences count as none.")
    return " ".join([s1, s2, s3])


METRIC_LABEL = {"capacity": "capacity", "self_sufficiency": "self-sufficiency",
                "equity": "equity", "running": "runs still running the initiative",
                "spending": "spending"}


# ---------------------------------------------------------------- run

def run_bottom_line(out: RunOutput) -> str:
    name = out.names[0]
    year = reference_year(out)
    cap = series.at_year(out, "capacity_index", name, year)
    spend = series.at_year(out, "spend_per_teacher", name, year)
    when = f"By year {year}" + (" (the end of the run)" if year == out.horizon else "")
    if cap.get("n", 1) == 0:
        return (f"{when}, the district has dropped the initiative in every one of the "
                f"{out.replications} runs.")
    runs = (f" in the {cap['runs'] - cap['ended']} of {cap['runs']} runs still running the "
            f"initiative (it ended in the other {cap['ended']})"
            if not is_missing(cap.get("ended", math.nan)) and cap["ended"] > 0 else "")
    s1 = (f"{when}, this strategy brings a median of {fmt('capacity_index', cap['p50'])} of "
          f"teachers to Routine use{runs}.")
    n = series.teachers(out, name)
    parts = series.spending_by_source(out, name).set_index("year")
    share = ""
    if year in parts.index and parts.loc[year, "total"] > 0:
        p = parts.loc[year]
        bits = [(p[k] / p["total"] * 100, words) for k, words in
                (("grant", "from a grant"), ("external", "paid to partners"))
                if round(p[k] / p["total"] * 100) > 0]
        texts = [f"{pct:.0f}%{' of it' if i == 0 else ''} {words}" for i, (pct, words) in enumerate(bits)]
        share = f", {' and '.join(texts)}" if texts else ""
    district = f" (about {money(spend['p50'] * n)} for the district)" if not is_missing(n) else ""
    s2 = (f"It costs {fmt('spend_per_teacher', spend['p50'])} per teacher that year{district}"
          f"{share}.")
    s = series.sustainability(out, name)
    reached = len(s["reached"])
    if reached:
        sus = (f"It becomes sustainable in {reached} of {s['runs']} runs, after a median of "
               f"{s['median']:.0f} years")
    else:
        sus = f"It becomes sustainable in none of the {s['runs']} runs within {out.horizon} years"
    s3 = (f"{sus}; how sure: the middle 80% of {'those ' if runs else ''}runs reach "
          f"{fmt('capacity_index', cap['p10'])}"
          f"{DASH}{fmt('capacity_index', cap['p90'])} by year {year}, the spread of luck (who "
          f"leaves, which schools opt in, how leaders change), not of the model's assumptions.")
    return " ".join([s1, s2, s3])
