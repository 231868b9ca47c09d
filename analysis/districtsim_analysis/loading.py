"""Reading and checking districtsim output directories.

`load_output(path)` reads `manifest.json`, dispatches on its `kind` and returns
an object holding the tables of that kind of output, or raises `NotAnOutput`
(with a one-line message) when the directory is not a complete districtsim
output. Run and compare outputs load into one shape, `RunOutput`, in which a
run is a comparison of one scenario: every table has a `scenario` column, so
figures and text treat both alike. Sweep outputs load into `SweepOutput`
(points, per-run rows, per-point means, sensitivity indices).

Time: every yearly table gets a column `t`, the time in years at which the row
was observed (year 0 is the start; a monthly row of year y, month m is
observed at y - 1 + (m + 1)/12), and a column `year_end` that is true for the
rows that close a year (all rows of yearly output; month 11 and year 0 in
monthly output).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .errors import NotAnOutput, UnsupportedOutput
from . import designs
from .metrics import DIALS

MANIFEST = "manifest.json"

# Columns a report needs, per file; other columns are kept but optional.
KEY_METRICS = [
    "capacity_index", "self_sufficiency", "equity_gap", "spend_per_teacher",
    "commitment_mean", "fatigue_mean", "initiative_active", "teacher_leaders",
    "internal_coach_fte", "partner_coach_fte", "grant_share_of_spend",
    "external_share_of_spend",
]
DIAL_COLUMNS = list(DIALS)  # the engine's dials, in its order
REQUIRED_COLUMNS = {
    "trajectories.csv": ["replication", "year"] + KEY_METRICS,
    "summary.csv": ["year", "metric", "mean", "p10", "p50", "p90"],
    "runs.csv": ["replication", "years_to_sustainability"],
    "differences.csv": ["scenario", "year", "metric", "mean", "ci_low", "ci_high"],
    "run_differences.csv": ["scenario", "output", "mean", "ci_low", "ci_high", "n"],
}
RUN_FILES = ["trajectories.csv", "summary.csv", "runs.csv"]
COMPARE_FILES = RUN_FILES + ["differences.csv", "run_differences.csv"]


@dataclass
class Scenario:
    """One resolved scenario as the manifest records it."""

    name: str
    settings: dict = field(default_factory=dict)  # flat dotted keys, plus partners and events
    file: str = ""

    def get(self, key: str, default=None):
        return self.settings.get(key, default)


@dataclass
class RunOutput:
    """The tables of a run or compare output, with a `scenario` column throughout."""

    path: Path
    kind: str  # "run" or "compare"
    manifest: dict
    scenarios: list[Scenario]
    trajectories: pd.DataFrame
    summary: pd.DataFrame
    runs: pd.DataFrame
    differences: pd.DataFrame | None = None  # compare only
    run_differences: pd.DataFrame | None = None  # compare only
    monthly: bool = False
    horizon: int = 0
    replications: int = 0

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    @property
    def baseline(self) -> Scenario:
        return self.scenarios[0]

    def scenario(self, name: str) -> Scenario:
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(name)


def _fail(path: Path, problem: str) -> NotAnOutput:
    return NotAnOutput(f"{path}: not a districtsim output directory: {problem}")


def read_manifest(path: Path) -> dict:
    if not path.exists():
        raise NotAnOutput(f"{path}: no such directory")
    if not path.is_dir():
        raise NotAnOutput(f"{path}: not a directory (expected a districtsim output directory)")
    file = path / MANIFEST
    if not file.is_file():
        raise _fail(path, f"no {MANIFEST}")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise _fail(path, f"cannot read {MANIFEST} ({e})") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as e:
        raise _fail(path, f"{MANIFEST} is not valid JSON (line {e.lineno}: {e.msg})") from None
    if not isinstance(manifest, dict) or "kind" not in manifest:
        raise _fail(path, f'{MANIFEST} has no "kind"')
    if not isinstance(manifest["kind"], str):
        raise _fail(path, f'{MANIFEST} has a "kind" that is not a string')
    return manifest


def read_csv(path: Path, name: str, *, str_columns=("scenario", "metric", "output")) -> pd.DataFrame:
    file = path / name
    try:
        with open(file, encoding="utf-8") as f:
            header = f.readline().strip().split(",")
        dtypes = {c: str for c in str_columns if c in header}
        df = pd.read_csv(file, dtype=dtypes, keep_default_na=False, na_values=[""])
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise _fail(path, f"cannot read {name} ({first})") from None
    missing = [c for c in REQUIRED_COLUMNS.get(name, []) if c not in df.columns]
    if missing:
        raise _fail(path, f"{name} lacks the column{'s' if len(missing) > 1 else ''} "
                          f"{', '.join(missing)}")
    if df.empty:
        raise _fail(path, f"{name} has no rows")
    return df


def add_time(df: pd.DataFrame) -> pd.DataFrame:
    """Adds `t` (years since the start) and `year_end` (the row closes a year)."""
    df = df.copy()
    year = df["year"].astype(float)
    if "month" in df.columns:
        month = df["month"].fillna(0).astype(float)
        df["t"] = np.where(year <= 0, 0.0, year - 1 + (month + 1) / 12)
        df["year_end"] = (year <= 0) | (month == 11)
    else:
        df["t"] = year
        df["year_end"] = True
    return df


def _scenario_from(settings, index: int) -> Scenario:
    if isinstance(settings, str):
        return Scenario(name=settings)
    if not isinstance(settings, dict):
        raise ValueError
    name = settings.get("scenario.name") or settings.get("name") or f"scenario {index + 1}"
    return Scenario(name=str(name), settings=settings)


def load_run_like(path: Path, manifest: dict) -> RunOutput:
    kind = manifest["kind"]
    files = COMPARE_FILES if kind == "compare" else RUN_FILES
    missing = [f for f in files if not (path / f).is_file()]
    if missing:
        raise _fail(path, f"{kind} output without {', '.join(missing)}")

    try:
        if kind == "compare":
            listed = manifest.get("scenarios")
            if not isinstance(listed, list) or len(listed) < 1:
                raise ValueError
            scenarios = [_scenario_from(s, i) for i, s in enumerate(listed)]
            for s, f in zip(scenarios, manifest.get("scenario_files") or []):
                s.file = str(f)
        else:
            scenarios = [_scenario_from(manifest.get("scenario", {}), 0)]
            scenarios[0].file = str(manifest.get("scenario_file", ""))
            if scenarios[0].name == "scenario 1" and scenarios[0].file:
                scenarios[0].name = Path(scenarios[0].file).stem
    except (ValueError, TypeError):
        raise _fail(path, f'{MANIFEST} of a {kind} output lacks its "scenario'
                          f'{"s" if kind == "compare" else ""}"') from None
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise _fail(path, f"{MANIFEST} names a scenario twice")

    tables = {f: read_csv(path, f) for f in files}
    for f, df in tables.items():
        if kind == "compare" and "scenario" not in df.columns:
            raise _fail(path, f"{f} of a compare output lacks the column scenario")
        if kind == "run":
            if "scenario" in df.columns:
                raise _fail(path, f"{f} has a scenario column, but {MANIFEST} says kind run")
            df.insert(0, "scenario", names[0])
        unknown = sorted(set(df["scenario"]) - set(names))
        if unknown:
            raise _fail(path, f"{f} names scenario {unknown[0]!r}, which {MANIFEST} does not list")

    order = {n: i for i, n in enumerate(names)}

    def ordered(df: pd.DataFrame) -> pd.DataFrame:
        key = df["scenario"].map(order)
        return df.assign(_order=key).sort_values("_order", kind="stable").drop(columns="_order") \
            .reset_index(drop=True)

    trajectories = add_time(ordered(tables["trajectories.csv"]))
    summary = add_time(ordered(tables["summary.csv"]))
    runs = ordered(tables["runs.csv"])
    differences = run_differences = None
    if kind == "compare":
        differences = add_time(ordered(tables["differences.csv"]))
        run_differences = ordered(tables["run_differences.csv"])

    years = [s.get("scenario.years") for s in scenarios]
    horizon = int(years[0]) if isinstance(years[0], (int, float)) else int(trajectories["year"].max())
    replications = manifest.get("replications")
    if not isinstance(replications, int):
        replications = int(trajectories.groupby("scenario")["replication"].nunique().max())
    return RunOutput(
        path=path, kind=kind, manifest=manifest, scenarios=scenarios,
        trajectories=trajectories, summary=summary, runs=runs, differences=differences,
        run_differences=run_differences, monthly="month" in trajectories.columns,
        horizon=horizon, replications=replications,
    )


SWEEP_REQUIRED = {
    "points.csv": ["point"],
    "runs.csv": ["point", "replication"],
    "point_summary.csv": ["point", "outcome", "mean", "sd", "p05", "p50", "p95"],
}
@dataclass
class SweepOutput:
    """The tables of a sweep output (docs/sweeps.md section 10).

    `points` has one row per point with each varied parameter as a column,
    numbers as floats and booleans and choices as text; `means` has one row per
    point and one column per outcome (each runs.csv value column): the mean
    over the point's replications, from point_summary.csv.
    """

    path: Path
    kind: str  # "sweep"
    manifest: dict
    design: str
    parameters: list[str]
    points: pd.DataFrame
    runs: pd.DataFrame
    point_summary: pd.DataFrame
    means: pd.DataFrame
    sensitivity: pd.DataFrame | None = None  # designs with sensitivity indices only
    trajectories: pd.DataFrame | None = None  # when the base scenario writes them
    scenario: Scenario = field(default_factory=lambda: Scenario(name="base"))
    horizon: int = 0
    replications: int = 0
    spec: dict = field(default_factory=dict)  # [sweep] as parsed from the canonical text

    @property
    def indices(self) -> str | None:
        """The sensitivity indices the design yields ("sobol", "morris" or None), as the
        engine declares them (designs.py)."""
        return designs.indices(self.design)

    @property
    def numeric(self) -> list[str]:
        """The varied parameters with numeric values."""
        return [p for p in self.parameters if pd.api.types.is_numeric_dtype(self.points[p])]


def _parse_spec(text) -> dict:
    """The canonical [sweep] text of the manifest, parsed (empty if it cannot be)."""
    if not isinstance(text, str):
        return {}
    try:
        import tomllib
        return tomllib.loads(text).get("sweep", {})
    except Exception:  # noqa: BLE001 - only decoration (ranges in words) depends on it
        return {}


def _point_values(column: pd.Series, spec=None) -> pd.Series:
    """Numbers as floats; true/false and choice names stay text, categorical in the order the
    sweep definition lists them (`spec`, the parameter's list or weighted values)."""
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().all():
        return numbers.astype(float)
    text = column.astype(str)
    listed = spec.get("values") if isinstance(spec, dict) else spec
    if isinstance(listed, list):
        order = [str(v).lower() if isinstance(v, bool) else str(v) for v in listed]
        order += sorted(set(text) - set(order))
        if set(order) == {"true", "false"}:
            order = ["false", "true"]  # a switch: off is the low end
        return pd.Series(pd.Categorical(text, categories=order), index=column.index)
    return text


def load_sweep(path: Path, manifest: dict) -> SweepOutput:
    design = manifest.get("design")
    parameters = manifest.get("parameters")
    if not isinstance(design, str) or not isinstance(parameters, list) or not parameters \
            or not all(isinstance(p, str) for p in parameters):
        raise _fail(path, f'{MANIFEST} of a sweep output lacks its "design" or "parameters"')
    files = list(SWEEP_REQUIRED)
    columns = designs.SENSITIVITY_COLUMNS.get(design)  # None: the design yields no indices
    if columns:
        files.append("sensitivity.csv")
    missing = [f for f in files if not (path / f).is_file()]
    if missing:
        raise _fail(path, f"{design} sweep output without {', '.join(missing)}")

    def table(name, columns, str_columns=("outcome", "parameter", "index")):
        df = read_csv(path, name, str_columns=str_columns)
        lacking = [c for c in columns if c not in df.columns]
        if lacking:
            raise _fail(path, f"{name} lacks the column{'s' if len(lacking) > 1 else ''} "
                              f"{', '.join(lacking)}")
        return df

    spec = _parse_spec(manifest.get("sweep"))
    points = table("points.csv", ["point"] + parameters, str_columns=parameters)
    for p in parameters:
        points[p] = _point_values(points[p], (spec.get("parameters") or {}).get(p))
    points = points.sort_values("point").reset_index(drop=True)
    runs = table("runs.csv", SWEEP_REQUIRED["runs.csv"])
    summary = table("point_summary.csv", SWEEP_REQUIRED["point_summary.csv"])
    unknown = sorted(set(summary["point"]) - set(points["point"]))
    if unknown:
        raise _fail(path, f"point_summary.csv has point {unknown[0]}, which points.csv lacks")
    means = summary.pivot_table(index="point", columns="outcome", values="mean",
                                aggfunc="first", dropna=False, sort=False)
    means = means.reindex(points["point"]).reset_index()
    means.columns.name = None
    sensitivity = None
    if columns:
        sensitivity = table("sensitivity.csv", designs.required_sensitivity_columns(design))
    trajectories = None
    if (path / "trajectories.csv").is_file():
        trajectories = table("trajectories.csv", ["point", "replication", "year"])
        trajectories = add_time(trajectories)

    settings = manifest.get("scenario")
    scenario = _scenario_from(settings if isinstance(settings, dict) else {}, 0)
    scenario.file = str(manifest.get("scenario_file", ""))
    years = scenario.get("scenario.years")
    if isinstance(years, (int, float)):
        horizon = int(years)
    elif trajectories is not None:
        horizon = int(trajectories["year"].max())
    else:
        horizon = 0
    replications = manifest.get("replications")
    if not isinstance(replications, int):
        replications = int(runs.groupby("point")["replication"].nunique().max())
    return SweepOutput(
        path=path, kind="sweep", manifest=manifest, design=design, parameters=parameters,
        points=points, runs=runs, point_summary=summary, means=means, sensitivity=sensitivity,
        trajectories=trajectories, scenario=scenario, horizon=horizon,
        replications=replications, spec=spec,
    )


def load_shard(path: Path, manifest: dict):
    shard = manifest.get("shard")
    raise UnsupportedOutput(f"{path}: one shard{f' ({shard})' if isinstance(shard, str) else ''} "
                            f"of a sweep, not the whole sweep: merge the shards with "
                            f"`districtsim merge SHARD_DIR... --out DIR` and report on DIR")


def check_files(path: Path, manifest: dict) -> None:
    """Refuses an output whose CSV files are not those the run wrote.

    manifest.json records each CSV file's size in bytes ("files"); a file cut
    short (a full disk, an interrupted copy) or edited since differs. An
    output written before the sizes were recorded has no "files" and is read
    as it is.
    """
    files = manifest.get("files")
    if files is None:
        return
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
            for k, v in files.items()):
        raise _fail(path, f'{MANIFEST} has a "files" entry that is not a map of names to sizes')
    for name, size in sorted(files.items()):
        file = path / name
        if Path(name).name != name:
            raise _fail(path, f'{MANIFEST} lists {name!r} in "files", which is not a file name')
        if not file.is_file():
            raise NotAnOutput(f"{path}: {name} is missing ({MANIFEST} lists it, {size:,} bytes); "
                              f"run the command in {MANIFEST} again")
        actual = file.stat().st_size
        if actual != size:
            how = "cut short" if actual < size else "longer than written"
            raise NotAnOutput(f"{file}: damaged: {actual:,} bytes, but the run wrote {size:,} "
                              f"({MANIFEST}); the file was {how} or changed after the run. "
                              f"Run the command in {MANIFEST} again")


# kind -> loader(path, manifest); a new kind of output registers here.
LOADERS: dict[str, Callable[[Path, dict], object]] = {
    "run": load_run_like,
    "compare": load_run_like,
    "sweep": load_sweep,
    "sweep-shard": load_shard,
}


def load_output(path: str | os.PathLike):
    """Reads any districtsim output directory; raises NotAnOutput when it is not one."""
    path = Path(path)
    manifest = read_manifest(path)
    kind = manifest["kind"]
    if kind not in LOADERS:
        raise _fail(path, f'{MANIFEST} has kind {json.dumps(kind)} '
                          f'(expected one of {", ".join(LOADERS)})')
    check_files(path, manifest)
    return LOADERS[kind](path, manifest)
