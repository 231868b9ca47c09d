"""The numbers behind the sweep report, out of a loaded SweepOutput.

Everything works on point means (the mean of an outcome over a point's
replications, from point_summary.csv), so one point counts once whatever its
replications. Parameters are the varied ones of the sweep; a parameter with
text values (booleans, choices) is treated as categories in their order of
first appearance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import designs
from .loading import SweepOutput
from .metrics import DIALS

# The outcomes a sweep report is about: capacity, sustainability, equity, cost.
CAPACITY = "capacity_index_final"
SUSTAINABILITY = "self_sufficiency_final"
EQUITY = "equity_gap_final"
COST = "spend_per_teacher_mean"  # derived: cumulative spending / teachers / years
KEY_OUTCOMES = [CAPACITY, SUSTAINABILITY, EQUITY, COST]
# Where sensitivity.csv has no row for a derived outcome, the engine outcome it is read from.
SENSITIVITY_OF = {COST: "cumulative_spend_final"}

# Fewer distinct values than this: a parameter is shown level by level.
MAX_LEVELS = 8

PARAMETER_LABELS = {
    "district.schools": "Schools in the district",
    "district.teachers_per_school": "Teachers per school",
    "district.low_income_share": "Low-income share",
    "district.readiness": "School readiness",
    "district.budget_per_teacher": "Recurring budget per teacher",
    "district.grant_per_year": "Grant per year",
    "district.grant_years": "Grant years",
}


def parameter_label(key: str) -> str:
    """'Pace' for strategy.pace; the key itself for parameters without a label."""
    if key.startswith("strategy.") and key[len("strategy."):] in DIALS:
        return DIALS[key[len("strategy."):]][0]
    return PARAMETER_LABELS.get(key, key)


def dial_ends(key: str) -> tuple[str, str] | None:
    """(what 0 means, what 1 means) for a strategy dial, else None."""
    if key.startswith("strategy.") and key[len("strategy."):] in DIALS:
        _, low, high = DIALS[key[len("strategy."):]]
        return low, high
    return None


def teachers(out: SweepOutput) -> pd.Series:
    """Teachers in the district at each point (NaN when a schools file sets them)."""
    sc = out.scenario
    n = len(out.points)
    if sc.get("district.schools_file"):
        return pd.Series(np.full(n, math.nan))

    def column(key):
        if key in out.parameters and key in out.numeric:
            return out.points[key].astype(float).to_numpy()
        value = sc.get(key)
        return np.full(n, float(value) if isinstance(value, (int, float)) else math.nan)

    return pd.Series(column("district.schools") * column("district.teachers_per_school"))


def point_table(out: SweepOutput) -> pd.DataFrame:
    """One row per point: `point`, the parameters, every outcome's mean, and the derived cost.

    Cost (`spend_per_teacher_mean`) is the mean yearly spending per teacher over
    the run: cumulative spending at the horizon / teachers / years. Where the
    teacher count cannot be told (a schools file), spending per teacher in the
    final year stands in.
    """
    df = out.points.merge(out.means, on="point", how="left")
    n = teachers(out).to_numpy()
    if "cumulative_spend_final" in df.columns and out.horizon > 0 and not np.isnan(n).all():
        df[COST] = df["cumulative_spend_final"].to_numpy() / n / out.horizon
    elif "spend_per_teacher_final" in df.columns:
        df[COST] = df["spend_per_teacher_final"]
    else:
        df[COST] = math.nan
    return df


def levels(values: pd.Series) -> list:
    """The distinct values of a parameter in order: numbers ascending, choices in the order
    the sweep file lists them (the loader makes them categorical), false before true."""
    if pd.api.types.is_numeric_dtype(values):
        return sorted(values.dropna().unique().tolist())
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.astype(object))
        return [c for c in values.cat.categories if c in present]
    seen = list(dict.fromkeys(values.tolist()))
    if set(seen) <= {"true", "false"}:
        return [v for v in ("false", "true") if v in seen]
    return seen


def is_levelled(values: pd.Series) -> bool:
    """Few distinct values (or text): shown value by value rather than binned."""
    return not pd.api.types.is_numeric_dtype(values) or len(levels(values)) <= MAX_LEVELS


def levelled(out: SweepOutput, parameter: str) -> bool:
    """Whether a parameter of this sweep takes set levels: text values, a list of values, or a
    factorial or Morris grid. A range sampled by lhs, random or sobol is continuous, even when
    a small sweep happens to hit few distinct values."""
    values = out.points[parameter]
    if not pd.api.types.is_numeric_dtype(values):
        return True
    spec = (out.spec.get("parameters") or {}).get(parameter)
    listed = isinstance(spec, list) or (isinstance(spec, dict) and "values" in spec)
    return (listed or designs.levelled(out.design)) and is_levelled(values)


def declared_range(out: SweepOutput, parameter: str) -> tuple[float, float] | None:
    """(min, max) of a parameter given as a range in the sweep file, else None."""
    spec = (out.spec.get("parameters") or {}).get(parameter)
    if isinstance(spec, dict) and "min" in spec and "max" in spec:
        try:
            return float(spec["min"]), float(spec["max"])
        except (TypeError, ValueError):
            return None
    return None


def bins(values: pd.Series, count: int = 5, by_level: bool | None = None,
         span: tuple[float, float] | None = None) -> tuple[pd.Series, list[str], list[float]]:
    """Groups a parameter's values: by level (when `by_level`, default when few), else
    `count` equal-width bins over `span` (default: the values' own range).

    Returns (group number per point, label per group, centre per group).
    """
    if by_level if by_level is not None else is_levelled(values):
        lv = levels(values)
        index = {v: i for i, v in enumerate(lv)}
        return values.astype(object).map(index), [value_text(v) for v in lv], \
            [float(v) if isinstance(v, (int, float)) else float(i) for i, v in enumerate(lv)]
    lo, hi = span if span else (float(values.min()), float(values.max()))
    edges = np.linspace(lo, hi, count + 1)
    group = np.clip(np.searchsorted(edges, values.to_numpy(dtype=float), side="right") - 1,
                    0, count - 1)
    whole = bool(np.all(np.mod(values.dropna().to_numpy(dtype=float), 1) == 0))
    labels = [f"{edges[i]:,.0f}\u2013{edges[i + 1]:,.0f}" if whole  # integer parameters
              else range_text(edges[i], edges[i + 1]) for i in range(count)]
    centres = [(edges[i] + edges[i + 1]) / 2 for i in range(count)]
    return pd.Series(group, index=values.index), labels, centres


def range_text(lo: float, hi: float) -> str:
    """'0.07\u20130.32', '146\u2013194': a bin's or a third's ends, rounded to the decimals its
    width needs (one more than its first significant digit), never in scientific notation
    (a raw quantile printed '2.74e-05\u20130.334')."""
    width = abs(hi - lo)
    decimals = 0 if width >= 10 or width == 0 else max(0, 1 - math.floor(math.log10(width)))
    def show(v: float) -> str:
        text = f"{v:,.{decimals}f}"
        return "0" if float(text.replace(",", "")) == 0 and decimals == 0 else text
    return f"{show(lo)}\u2013{show(hi)}"


def value_text(v) -> str:
    if isinstance(v, (float, np.floating)):
        if float(v).is_integer() and abs(v) >= 10:
            return f"{v:,.0f}"
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def trend(x: pd.Series, y: pd.Series, by_level: bool | None = None) -> pd.DataFrame:
    """The outcome's mean by parameter value: per level, else in 8 equal-width bins.

    Rows x (the level, or the bin's mean x), y (mean outcome), n (points).
    """
    by_level = is_levelled(x) if by_level is None else by_level
    ok = y.notna()
    x, y = x[ok], y[ok]
    if x.empty:
        return pd.DataFrame({"x": [], "y": [], "n": []})
    if by_level:
        group, _, centres = bins(x, by_level=True)
        g = pd.DataFrame({"g": group, "y": y}).groupby("g")["y"].agg(["mean", "count"])
        return pd.DataFrame({"x": [centres[i] for i in g.index], "y": g["mean"].to_numpy(),
                             "n": g["count"].to_numpy()})
    group, _, _ = bins(x, 8, by_level=False)
    df = pd.DataFrame({"g": group, "x": x, "y": y}).groupby("g").agg(
        x=("x", "mean"), y=("y", "mean"), n=("y", "count"))
    return df.reset_index(drop=True)


@dataclass
class Swing:
    parameter: str
    low_label: str  # which values count as low, in words
    high_label: str
    low: float  # mean outcome over the points with low values
    high: float
    half_width: float = math.nan  # of the 95% interval of high - low (Welch, normal)

    @property
    def size(self) -> float:
        return abs(self.high - self.low) if not (math.isnan(self.low) or math.isnan(self.high)) \
            else math.nan

    @property
    def clear(self) -> bool:
        """Whether the 95% interval of high - low excludes zero."""
        return not math.isnan(self.half_width) and self.size > self.half_width


def swing(points: pd.DataFrame, parameter: str, outcome: str,
          by_level: bool | None = None) -> Swing:
    """The mean outcome at the parameter's low values and at its high values.

    With few levels (factorial, Morris, lists), low and high are the first and
    last level; otherwise the lowest and highest third of the points by the
    parameter's value. Averaging over every other parameter's values makes this
    a main effect, the one-parameter-at-a-time swing of a tornado chart.
    """
    x, y = points[parameter], points[outcome]
    if by_level if by_level is not None else is_levelled(x):
        lv = levels(x)
        low_mask, high_mask = x == lv[0], x == lv[-1]
        low_label, high_label = value_text(lv[0]), value_text(lv[-1])
    else:
        q1, q2 = x.quantile(1 / 3), x.quantile(2 / 3)
        low_mask, high_mask = x <= q1, x >= q2
        low_label = range_text(float(x.min()), float(q1))
        high_label = range_text(float(q2), float(x.max()))
    low = float(y[low_mask].mean()) if y[low_mask].notna().any() else math.nan
    high = float(y[high_mask].mean()) if y[high_mask].notna().any() else math.nan
    a, b = y[low_mask].dropna(), y[high_mask].dropna()
    half = (1.959963984540054 * math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
            if len(a) >= 2 and len(b) >= 2 else math.nan)
    return Swing(parameter, low_label, high_label, low, high, half)


def swings(out: SweepOutput, points: pd.DataFrame, outcome: str) -> list[Swing]:
    """Every parameter's swing of an outcome, largest first."""
    result = [swing(points, p, outcome, levelled(out, p)) for p in out.parameters]
    return sorted(result, key=lambda s: -s.size if not math.isnan(s.size) else math.inf)


def pareto(points: pd.DataFrame, maximise: list[str], minimise: list[str]) -> pd.Series:
    """True for the non-dominated points: no other point is at least as good on every
    objective and better on one. Points with a missing objective are never on the front."""
    cols = maximise + minimise
    values = np.column_stack([points[c].to_numpy(dtype=float) for c in maximise]
                             + [-points[c].to_numpy(dtype=float) for c in minimise]) \
        if cols else np.empty((len(points), 0))
    ok = ~np.isnan(values).any(axis=1)
    front = np.zeros(len(points), dtype=bool)
    idx = np.flatnonzero(ok)
    v = values[idx]
    for k, i in enumerate(idx):
        ge = (v >= v[k]).all(axis=1)
        gt = (v > v[k]).any(axis=1)
        front[i] = not (ge & gt).any()
    return pd.Series(front, index=points.index)


def sensitivity_of(out: SweepOutput, outcome: str) -> pd.DataFrame:
    """sensitivity.csv rows of one outcome (of its engine stand-in for a derived one)."""
    if out.sensitivity is None:
        return pd.DataFrame()
    name = SENSITIVITY_OF.get(outcome, outcome)
    return out.sensitivity[out.sensitivity["outcome"] == name]


SIZE_PARAMETERS = {"district.schools", "district.teachers_per_school"}


def ranks_by_swing(out: SweepOutput, outcome: str) -> bool:
    """Whether `outcome`'s parameters are ranked by their swing although the design has
    sensitivity indices: the indices are of a district total (SENSITIVITY_OF) and the
    district's size varies, so they would name the size, which moves a total by
    construction, not what the per-teacher outcome depends on."""
    return outcome in SENSITIVITY_OF and any(p in SIZE_PARAMETERS for p in out.parameters)


def ranking(out: SweepOutput, points: pd.DataFrame, outcome: str) -> list[tuple[str, float, str]]:
    """Parameters by importance for an outcome, most important first: (parameter, measure, what).

    Sobol: the total index; Morris: mu*; other designs, and a per-teacher outcome whose
    indices are of a total while the district's size varies (ranks_by_swing): the swing
    between low and high values. Parameters without a value are left out.
    """
    s = sensitivity_of(out, outcome) if not ranks_by_swing(out, outcome) else pd.DataFrame()
    if out.indices == "sobol" and not s.empty:
        total = s[s["index"] == "total"].dropna(subset=["value"])
        rows = [(r.parameter, float(r.value), "total Sobol index") for r in total.itertuples()]
    elif out.indices == "morris" and not s.empty:
        ok = s.dropna(subset=["mu_star"])
        rows = [(r.parameter, float(r.mu_star), "mu*") for r in ok.itertuples()]
    else:
        rows = [(w.parameter, w.size, "swing") for w in swings(out, points, outcome)
                if not math.isnan(w.size)]
    return sorted(rows, key=lambda r: -r[1])


def sobol_ties(out: SweepOutput) -> dict[str, int]:
    """Sobol design: per parameter, the base rows whose A and B points share its value.

    Such a row's AB point equals its A point in that parameter, so it adds
    nothing to the parameter's indices. Early points of a Sobol sequence can
    repeat a coordinate across the A and B halves; a report says so.
    """
    d = len(out.parameters)
    group = designs.group_size(out.design, d)  # A, one AB point per parameter, B
    if out.indices != "sobol" or len(out.points) % group:
        return {}
    rows = len(out.points) // group
    result = {}
    for p in out.parameters:
        v = out.points[p].to_numpy().reshape(rows, group)
        result[p] = int((v[:, 0] == v[:, group - 1]).sum())
    return result
