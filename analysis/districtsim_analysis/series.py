"""The numbers figures and text are drawn from, out of a loaded RunOutput.

Quantiles come from summary.csv (the engine's own, so the report agrees with
the terminal table); quantities the engine does not summarize (spending split
by source) are computed here from trajectories.csv, per run, then averaged.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .loading import DIAL_COLUMNS, RunOutput
from .metrics import metric


def milestones(horizon: int) -> list[int]:
    """Years 3, 5, 10 and the horizon, those within the horizon."""
    years = [y for y in (3, 5, 10) if y < horizon] + [horizon]
    return sorted(set(y for y in years if y >= 1)) or [horizon]


ACTIVE = "initiative_active"
QUANTILES = {"p10": 0.10, "p50": 0.50, "p90": 0.90}


def _over_active_runs(out: RunOutput, name: str, scenario: str) -> pd.DataFrame | None:
    """The trajectories rows of `scenario` in which the initiative is still running, with
    `name`; None when they cannot say (no trajectories, no such column, or `name` is
    initiative_active itself, whose share over all runs is the point)."""
    t = out.trajectories
    if t is None or name == ACTIVE or name not in t.columns or ACTIVE not in t.columns:
        return None
    if "scenario" in t.columns:
        t = t[t["scenario"] == scenario]
    return t


def _spread(values: pd.Series) -> dict:
    v = values.dropna().astype(float)
    if v.empty:
        return {k: math.nan for k in ("mean", "p10", "p50", "p90", "min", "max")} | {"n": 0}
    q = {k: float(v.quantile(p)) for k, p in QUANTILES.items()}  # linear: the engine's type 7
    return {"mean": float(v.mean()), **q, "min": float(v.min()), "max": float(v.max()), "n": int(len(v))}


def band(out: RunOutput, name: str, scenario: str) -> pd.DataFrame:
    """Rows t, year, mean, p10, p50, p90 of one metric of one scenario, in time order, over the
    runs still running the initiative at each time (MODEL.md 8: spreads that mix ended and
    active runs run to 0 and mislead), with `active`, the share of runs still running it.

    Flow metrics (per-year amounts) keep only the rows that close a year, since monthly rows
    hold them year to date, and start at year 1 (year 0 has none). initiative_active itself,
    and outputs without trajectories, are summarized over all runs (summary.csv); `active` is
    then NaN.
    """
    t = _over_active_runs(out, name, scenario)
    if t is None:
        s = out.summary
        df = s[(s["scenario"] == scenario) & (s["metric"] == name)]
        if metric(name).flow:
            df = df[df["year_end"] & (df["year"] >= 1)]
        df = df.sort_values("t")[["t", "year", "mean", "p10", "p50", "p90"]].reset_index(drop=True)
        df["active"] = math.nan
        return df
    if metric(name).flow:
        t = t[t["year_end"] & (t["year"] >= 1)]
    rows = []
    for (time, year), g in t.groupby(["t", "year"], sort=True):
        on = g[g[ACTIVE] >= 0.5]
        spread = _spread(on[name])
        rows.append({"t": time, "year": year, "mean": spread["mean"], "p10": spread["p10"],
                     "p50": spread["p50"], "p90": spread["p90"], "active": len(on) / len(g)})
    return pd.DataFrame(rows, columns=["t", "year", "mean", "p10", "p50", "p90", "active"])


def at_year(out: RunOutput, name: str, scenario: str, year: int) -> dict:
    """mean, p10, p50, p90, min and max of a metric at the end of `year` over the runs still
    running the initiative then; `n`, those runs, `runs`, all runs, `ended` = runs - n (NaN
    when absent). initiative_active itself, and outputs without trajectories, over all runs
    (summary.csv: no min and max; `ended` NaN)."""
    t = _over_active_runs(out, name, scenario)
    if t is None:
        s = out.summary
        df = s[(s["scenario"] == scenario) & (s["metric"] == name) & (s["year"] == year) & s["year_end"]]
        blank = {k: math.nan for k in ("mean", "p10", "p50", "p90", "min", "max", "n", "runs", "ended")}
        if df.empty:
            return blank
        row = df.iloc[-1]
        return blank | {k: float(row[k]) for k in ("mean", "p10", "p50", "p90")}
    rows = t[(t["year"] == year) & t["year_end"]]
    on = rows[rows[ACTIVE] >= 0.5]
    spread = _spread(on[name])
    return spread | {"runs": int(len(rows)), "ended": int(len(rows) - len(on))}


def difference(out: RunOutput, name: str, scenario: str) -> pd.DataFrame:
    """Rows t, mean, ci_low, ci_high: scenario minus the baseline, paired by replication."""
    d = out.differences
    df = d[(d["scenario"] == scenario) & (d["metric"] == name)]
    if metric(name).flow:
        df = df[df["year_end"] & (df["year"] >= 1)]
    return df.sort_values("t")[["t", "year", "mean", "ci_low", "ci_high"]].reset_index(drop=True)


def difference_at(out: RunOutput, name: str, scenario: str, year: int) -> dict:
    d = out.differences
    df = d[(d["scenario"] == scenario) & (d["metric"] == name) & (d["year"] == year) & d["year_end"]]
    if df.empty:
        return {k: math.nan for k in ("mean", "ci_low", "ci_high")}
    row = df.iloc[-1]
    return {k: float(row[k]) for k in ("mean", "ci_low", "ci_high")}


def year_end_trajectories(out: RunOutput, scenario: str) -> pd.DataFrame:
    t = out.trajectories
    return t[(t["scenario"] == scenario) & t["year_end"]]


def spending_by_source(out: RunOutput, scenario: str) -> pd.DataFrame:
    """Per year: mean over the runs still running the initiative of spending per teacher,
    split two ways.

    grant = grant_share_of_spend x spend_per_teacher, recurring = the rest;
    external = external_share_of_spend x spend_per_teacher, internal = the rest.
    Means (not medians) so that the parts add up to the mean total.
    """
    t = year_end_trajectories(out, scenario)
    t = t[t["year"] >= 1]
    if ACTIVE in t.columns:
        t = t[t[ACTIVE] >= 0.5]  # over the runs still running the initiative, as the bands
    spend = t["spend_per_teacher"].fillna(0)
    parts = pd.DataFrame({
        "year": t["year"],
        "total": spend,
        "grant": spend * t["grant_share_of_spend"].fillna(0),
        "external": spend * t["external_share_of_spend"].fillna(0),
    })
    parts["recurring"] = parts["total"] - parts["grant"]
    parts["internal"] = parts["total"] - parts["external"]
    return parts.groupby("year", as_index=False).mean()


def teachers(out: RunOutput, scenario: str) -> float:
    """The number of teachers N in the district (NaN if it cannot be told).

    From the scenario's schools x teachers_per_school; with a schools file, from
    cumulative_spend / sum of spend_per_teacher (both are spend over N).
    """
    sc = out.scenario(scenario)
    if not sc.get("district.schools_file"):
        schools, per = sc.get("district.schools"), sc.get("district.teachers_per_school")
        if isinstance(schools, (int, float)) and isinstance(per, (int, float)):
            return float(schools * per)
    t = year_end_trajectories(out, scenario)
    t = t[t["year"] >= 1]
    if t.empty:
        return math.nan
    ratios = []
    for _, g in t.groupby("replication"):
        per_teacher = g["spend_per_teacher"].sum()
        cumulative = g.loc[g["year"].idxmax(), "cumulative_spend"]
        if per_teacher > 0:
            ratios.append(cumulative / per_teacher)
    return float(np.median(ratios)) if ratios else math.nan


def moving_dials(out: RunOutput, scenario: str | None = None,
                 tolerance: float = 1e-9) -> list[str]:
    """The dials whose value changes over time or between runs (in one scenario or any)."""
    s = out.summary
    if scenario is not None:
        s = s[s["scenario"] == scenario]
    moving = []
    for dial in DIAL_COLUMNS:
        df = s[s["metric"] == dial]
        if df.empty:
            continue
        spread = (df["p90"] - df["p10"]).abs().max()
        drift = df.groupby("scenario")["p50"].agg(lambda v: v.max() - v.min()).max()
        if max(spread, drift) > tolerance:
            moving.append(dial)
    return moving


def sustainability(out: RunOutput, scenario: str) -> dict:
    """years_to_sustainability per run: reached values, count never, median etc."""
    r = out.runs[out.runs["scenario"] == scenario]["years_to_sustainability"]
    reached = r.dropna().astype(float)
    return {
        "runs": int(len(r)),
        "reached": reached,
        "never": int(r.isna().sum()),
        "median": float(reached.median()) if len(reached) else math.nan,
        "min": float(reached.min()) if len(reached) else math.nan,
        "max": float(reached.max()) if len(reached) else math.nan,
    }


def run_output_median(out: RunOutput, column: str, scenario: str) -> float:
    r = out.runs[out.runs["scenario"] == scenario]
    if column not in r.columns:
        return math.nan
    v = r[column].dropna()
    return float(v.median()) if len(v) else math.nan


def mean_school_need(out: RunOutput, scenario: str) -> float:
    """Mean `need` over the schools of schools.csv (first replication); NaN without it."""
    file = out.path / "schools.csv"
    try:
        schools = pd.read_csv(file, dtype={"scenario": str})
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return math.nan
    if "need" not in schools.columns or "replication" not in schools.columns:
        return math.nan
    if "scenario" in schools.columns:
        schools = schools[schools["scenario"] == scenario]
    first = schools[schools["replication"] == schools["replication"].min()]
    return float(first["need"].mean()) if len(first) else math.nan
