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
    text: str           # "6.0 points more capacity (95% CI +4.1 to +7.9)"


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


def compare_changes(out: RunOutput, other: str, year: int, t: dict) -> list[Change]:
    """The material differences of `other` from the baseline at `year`."""
    base = out.names[0]
    changes = []
    for key, name in METRIC_OF.items():
        d = series.difference_at(out, name, other, year)
        a = series.at_year(out, name, base, year)
        b = series.at_year(out, name, other, year)
        sign = _material(d, _threshold(key, t, a["p50"]))
        if sign == 0:
            continue
        mean = d["mean"]
        if key == "capacity":
            good = sign > 0
            text = f"{fmt_diff(name, abs(mean))[1:]} {'more' if good else 'less'} capacity"
        elif key == "self_sufficiency":
            good = sign > 0
            text = f"{fmt_diff(name, abs(mean))[1:]} {'more' if good else 'less'} self-sufficiency"
        elif key == "running":
            good = sign > 0
            text = (f"the initiative still running in {fmt_diff(name, abs(mean))[1:]} "
                    f"{'more' if good else 'fewer'} of the runs")
        elif key == "spending":
            good = sign < 0
            pct = abs(mean) / abs(a["p50"]) * 100 if a["p50"] else math.nan
            text = (f"{money(abs(mean))} {'less' if good else 'more'} spending per teacher a year "
                    f"({chr(0x2212) if good else '+'}{pct:.0f}%; ")
        else:  # equity: the gap's size, whichever side it favours
            good = not is_missing(a["p50"]) and not is_missing(b["p50"]) and abs(b["p50"]) < abs(a["p50"])
            side = "toward the least-needy schools" if mean > 0 else "toward the neediest schools"
            text = (f"a {'narrower' if good else 'wider'} equity gap ({fmt(name, b['p50'], signed=True)} "
                    f"against {fmt(name, a['p50'], signed=True)}, moved {fmt_diff(name, mean)} {side}; ")
        text = f"{text}{_ci(name, d)})" if text.endswith("; ") else f"{text} ({_ci(name, d)})"
        changes.append(Change(key, sign, good, text))
    return changes


def _span(out: RunOutput, other: str, key: str, sign: int, year: int, t: dict) -> str:
    """The years around `year` in which `key`'s difference stays material in the same
    direction: 'from year 4 to the end of the run (year 25)', 'from year 3 to year 12'."""
    name = METRIC_OF[key]
    d = series.difference(out, name, other)
    d = d[d["t"] == d["year"]]  # year ends
    years = []
    for _, r in d.iterrows():
        base = series.at_year(out, name, out.names[0], int(r["year"]))
        if _material(r, _threshold(key, t, base["p50"])) == sign:
            years.append(int(r["year"]))
    if year not in years:
        return ""
    lo = hi = year
    while lo - 1 in years:
        lo -= 1
    while hi + 1 in years:
        hi += 1
    end = f"the end of the run (year {hi})" if hi == out.horizon else f"year {hi}"
    after = "" if hi == out.horizon else f", and is no longer material after it"
    return f"from year {lo} to {end}{after}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def compare_bottom_line(out: RunOutput, other: str, t: dict) -> str:
    base = out.names[0]
    year = reference_year(out)
    changes = compare_changes(out, other, year, t)
    gains = [c for c in changes if c.good]
    costs = [c for c in changes if not c.good]
    when = f"By year {year}" + (" (the end of the run)" if year == out.horizon else "")
    s1 = (f"{when}, {other} buys {_join([c.text for c in gains])} over {base}."
          if gains else f"{when}, {other} buys nothing material over {base}.")
    s2 = (f"It costs {_join([c.text for c in costs])}." if costs
          else "It costs nothing material: no outcome is clearly and materially worse.")
    head = gains[0] if gains else (costs[0] if costs else None)
    if head is not None:
        span = _span(out, other, head.key, head.sign, year, t)
        s3 = (f"The {'gain' if head.good else 'cost'} in {METRIC_LABEL[head.key]} holds "
              f"{span}. " if span else "")
    else:
        s3 = ""
    s3 += (f"Material means clear (the 95% interval of {out.replications} paired runs excludes "
           f"zero) and at least {thresholds_text(t)}; smaller or unclear differences count as "
           f"none.")
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
