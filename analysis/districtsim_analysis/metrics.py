"""What each output column means, in words and units, and how to print its values.

Names, units, labels and axis titles are the engine's own declarations
(engine_tables.json, generated from `districtsim params --metrics`); this
module adds how to print values. A column missing from them still loads and
plots (under its column name).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

# Unit kinds, which decide formatting and axis labels.
SHARE = "share"  # 0..1, shown as a percentage; differences in percentage points
USD = "usd"  # US dollars
COUNT = "count"  # people
FTE = "fte"  # full-time equivalents
SCALE = "scale"  # a 0..1 (or signed) index shown with two decimals
DIAL = "dial"  # a strategy dial, 0..1
YEARS = "years"
RATE = "rate"  # per year, shown as a percentage


@dataclass(frozen=True)
class Metric:
    name: str
    label: str  # short title for a panel
    unit: str  # one of the unit kinds above
    axis: str  # y-axis label, with its unit
    flow: bool = False  # a per-year flow: in monthly output only year-end rows are whole years


# The engine's own declarations (sim/model/metrics.cpp, sim/model/dials.hpp),
# written to engine_tables.json by scripts/metrics-table from
# `districtsim params --metrics`; analysis/tests/test_metrics.py checks that it
# is the engine's.
ENGINE_TABLES = json.loads((Path(__file__).with_name("engine_tables.json")).read_text(encoding="utf-8"))


def _metric(row: dict) -> Metric:
    return Metric(row["name"], row["label"], row["kind"], row["axis"], bool(row["flow"]))


METRICS: dict[str, Metric] = {row["name"]: _metric(row) for row in ENGINE_TABLES["metrics"]}

# The seven dials: (label, what 0 means, what 1 means), in the seeds' words.
DIALS: dict[str, tuple[str, str, str]] = {
    row["name"]: (row["label"], row["low"], row["high"]) for row in ENGINE_TABLES["dials"]
}

RUN_OUTPUTS: dict[str, Metric] = {row["name"]: _metric(row) for row in ENGINE_TABLES["run_outputs"]}
# Derived by the sweep report, not written by the engine: cumulative_spend at
# the horizon / teachers / years.
RUN_OUTPUTS["spend_per_teacher_mean"] = Metric(
    "spend_per_teacher_mean", "Spending per teacher", USD, "USD per teacher per year, mean over the run")


def metric(name: str) -> Metric:
    """The metadata of an output column; a plain fallback for unknown names."""
    if name in METRICS:
        return METRICS[name]
    if name in RUN_OUTPUTS:
        return RUN_OUTPUTS[name]
    if name.endswith("_final") and name[: -len("_final")] in METRICS:
        base = METRICS[name[: -len("_final")]]
        return Metric(name, base.label + " at the horizon", base.unit, base.axis, base.flow)
    stem, _, year = name.rpartition("_y")
    if year.isdigit() and stem in METRICS:  # sweep outputs: capacity_index_y10
        base = METRICS[stem]
        return Metric(name, f"{base.label} at year {year}", base.unit, base.axis, base.flow)
    return Metric(name, name.replace("_", " "), SCALE, name)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt(name_or_metric, value, *, signed: bool = False) -> str:
    """A value in its unit, for text: 41%, $737, 12.5 FTE, 0.03."""
    m = name_or_metric if isinstance(name_or_metric, Metric) else metric(name_or_metric)
    if is_missing(value):
        return "n/a"
    value = float(value)
    sign = "+" if signed and value > 0 else ""
    minus = "\u2212" if value < 0 else ""
    a = abs(value)
    if m.unit in (SHARE, RATE):
        pct = a * 100
        text = f"{pct:.0f}" if pct >= 9.5 or pct == 0 else f"{pct:.1f}"
        if text in ("0.0", "-0.0"):
            text = "0"
        return f"{sign if text != '0' else ''}{minus if text != '0' else ''}{text}%"
    if m.unit == USD:
        return f"{sign}{minus}${usd_text(a)}"
    if m.unit == COUNT:
        return f"{sign}{minus}{a:,.0f}"
    if m.unit == FTE:
        return f"{sign}{minus}{a:,.1f} FTE"
    if m.unit == YEARS:
        return f"{sign}{minus}{a:.0f} years" if a != 1 else f"{sign}{minus}1 year"
    text = f"{a:.2f}"
    if text == "0.00":
        return "0.00"
    return f"{sign}{minus}{text}"


def fmt_diff(name_or_metric, value) -> str:
    """A difference in its unit: shares in percentage points."""
    m = name_or_metric if isinstance(name_or_metric, Metric) else metric(name_or_metric)
    if is_missing(value):
        return "n/a"
    if m.unit in (SHARE, RATE):
        pts = float(value) * 100
        text = f"{abs(pts):.1f}"
        if text == "0.0":
            return "0.0 points"
        return f"{'+' if pts > 0 else chr(0x2212)}{text} points"
    if m.unit == YEARS:  # a difference of years: "+0.3 years", not "+0 years"
        v = float(value)
        text = f"{abs(v):.1f}"
        if text == "0.0":
            return "0.0 years"
        return f"{'+' if v > 0 else chr(0x2212)}{text} {'year' if text == '1.0' else 'years'}"
    return fmt(m, value, signed=True)


def without_local_paths(text: str) -> str:
    """`text` with every absolute path cut to its last part (the file or folder's name):
    a report is mailed, and the reader's machine is not the writer's
    ('/home/ann/runs/build.toml' -> 'build.toml'; the program -> 'districtsim')."""
    import re
    def name(m):
        path = m.group(0)
        last = path.rstrip("/").rsplit("/", 1)[-1]
        return "districtsim" if last == "districtsim" else last
    return re.sub(r"(?<![\w.~])/[^\s'\",;()]+", name, text)


def money(amount) -> str:
    """$12,300 / $1.6 million; n/a when missing."""
    if is_missing(amount):
        return "n/a"
    return f"${usd_text(float(amount))}"


def usd_text(amount: float) -> str:
    """12,300 / 1.6 million, without the dollar sign."""
    if amount >= 1e6:
        return f"{amount / 1e6:,.1f} million"
    return f"{amount:,.0f}"


def axis_scale(m: Metric) -> float:
    """Factor applied to values for plotting (shares are drawn in percent)."""
    return 100.0 if m.unit in (SHARE, RATE) else 1.0
