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


def band(out: RunOutput, name: str, scenario: str) -> pd.DataFrame:
    """Rows t, mean, p10, p50, p90 of one metric of one scenario, in time order.

    Flow metrics (per-year amounts) keep only the rows that close a year, since
    monthly rows hold them year to date, and start at year 1 (year 0 has none).
    """
    s = out.summary
    df = s[(s["scenario"] == scenario) & (s["metric"] == name)]
    if metric(name).flow:
        df = df[df["year_end"] & (df["year"] >= 1)]
    return df.sort_values("t")[["t", "year", "mean", "p10", "p50", "p90"]].reset_index(drop=True)


def at_year(out: RunOutput, name: str, scenario: str, year: int) -> dict:
    """mean, p10, p50, p90 of a metric at the end of `year` (NaN when absent)."""
    s = out.summary
    df = s[(s["scenario"] == scenario) & (s["metric"] == name) & (s["year"] == year) & s["year_end"]]
    if df.empty:
        return {k: math.nan for k in ("mean", "p10", "p50", "p90")}
    row = df.iloc[-1]
    return {k: float(row[k]) for k in ("mean", "p10", "p50", "p90")}


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
    """Per year: mean over runs of spending per teacher, split two ways.

    grant = grant_share_of_spend x spend_per_teacher, recurring = the rest;
    external = external_share_of_spend x spend_per_teacher, internal = the rest.
    Means (not medians) so that the parts add up to the mean total.
    """
    t = year_end_trajectories(out, scenario)
    t = t[t["year"] >= 1]
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
