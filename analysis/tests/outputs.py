"""Small real districtsim outputs for the analysis tests.

`run_output` runs `districtsim run` on a small version of a scenario;
`sweep_output` runs `districtsim sweep` on a small version of a sweep file.
`report` writes the report of an output directory, in this process.
`build_compare_dir` assembles a compare-shaped output directory from run
outputs of the same seed, as `districtsim compare` writes it (issue 3 item 1,
sim/runs/compare.hpp): the run files with a leading `scenario` column, ordered by
scenario; `differences.csv` (`scenario,year[,month],metric,mean,ci_low,ci_high`)
and `run_differences.csv` (`scenario,output,mean,ci_low,ci_high,n`) with the
paired difference of each scenario from the first and its 95% Student t
interval; and `manifest.json` with kind "compare", "scenario_files",
"baseline" and "scenarios". Runs with the same seed use the same replication
seeds, so pairing them by replication is what compare's common random numbers
do. The tests therefore do not need the compare command to exist.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
REPORT = REPO / "analysis" / "report.py"

# Small and fast: 10 schools, 8 years, 6 replications.
SMALL = ["--set", "district.schools=10", "--set", "scenario.years=8", "--replications", "6"]


def districtsim_binary() -> Path:
    """The districtsim program: $DISTRICTSIM, else build/release/sim/districtsim."""
    env = os.environ.get("DISTRICTSIM")
    path = Path(env) if env else REPO / "build" / "release" / "sim" / "districtsim"
    return path if path.is_absolute() else REPO / path


def run_output(binary: Path, out: Path, *sets: str, scenario: str = "scenarios/reference.toml",
               extra=()) -> Path:
    """districtsim run SCENARIO --out OUT with the small settings and each KEY=VALUE in sets."""
    cmd = [str(binary), "run", str(REPO / scenario), "--out", str(out), "--quiet", "--force",
           "--seed", "11", *SMALL, *extra]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return out


# Sweeps, small: 10 years (fewer, or smaller schools, leave self-sufficiency at 0 everywhere).
SWEEP_SMALL = ["--set", "scenario.years=10"]


def sweep_output(binary: Path, out: Path, sweep_file: Path | str, *sets: str) -> Path:
    """districtsim sweep SWEEP_FILE --out OUT with the small settings and each KEY=VALUE in sets."""
    cmd = [str(binary), "sweep", str(REPO / sweep_file), "--out", str(out), "--quiet", "--force",
           "--threads", "2", *SWEEP_SMALL]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return out


def report(directory: Path, *args: str) -> str:
    """Writes DIRECTORY/report.html with the report's options ARGS; returns the HTML."""
    from districtsim_analysis.report import main  # conftest.py puts analysis/ on the path
    assert main([str(directory), "--quiet", *args]) == 0
    return (directory / "report.html").read_text(encoding="utf-8")


def _t_quantile(df: np.ndarray) -> np.ndarray:
    try:
        from scipy.stats import t
        return t.ppf(0.975, df)
    except ImportError:  # close enough for a fixture
        return np.full_like(df, 1.96, dtype=float)


def _paired(diffs: pd.DataFrame, keys: list[str], value: str = "d") -> pd.DataFrame:
    g = diffs.groupby(keys, sort=False)[value]
    stats = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.count()}).reset_index()
    n = stats["n"].to_numpy(dtype=float)
    half = np.where(n >= 2, _t_quantile(np.maximum(n - 1, 1)) * stats["sd"] / np.sqrt(n), np.nan)
    stats["ci_low"] = stats["mean"] - half
    stats["ci_high"] = stats["mean"] + half
    stats.loc[stats["n"] == 0, "mean"] = np.nan
    return stats


def _prefixed_csv(dirs: list[tuple[str, Path]], name: str, out: Path) -> None:
    """Concatenates a CSV of each run with a leading scenario column, text kept as written."""
    lines = []
    for i, (scenario, d) in enumerate(dirs):
        text = (d / name).read_text().splitlines()
        if i == 0:
            lines.append("scenario," + text[0])
        lines.extend(f"{scenario},{line}" for line in text[1:])
    (out / name).write_text("\n".join(lines) + "\n")


def record_sizes(directory: Path) -> Path:
    """Records the CSV files' sizes as they are now in manifest.json, as the
    program records its own: for tests that hand the readers content the
    program would not write (the readers' other checks), not a damaged file."""
    file = directory / "manifest.json"
    m = json.loads(file.read_text())
    m["files"] = {f.name: f.stat().st_size for f in sorted(directory.glob("*.csv"))}
    file.write_text(json.dumps(m, indent=2) + "\n")
    return directory


def build_compare_dir(runs: list[tuple[str, Path]], out: Path) -> Path:
    """A compare-shaped directory from (scenario name, run output dir) pairs, baseline first."""
    out.mkdir(parents=True, exist_ok=True)
    manifests = [json.loads((d / "manifest.json").read_text()) for _, d in runs]
    for (name, _), m in zip(runs, manifests):
        assert m["scenario"]["scenario.name"] == name, "run the scenario with that name"
        assert m["seeds"] == manifests[0]["seeds"], "compare needs the same seeds"
    for f in ("trajectories.csv", "summary.csv", "runs.csv", "schools.csv"):
        _prefixed_csv(runs, f, out)

    traj = {name: pd.read_csv(d / "trajectories.csv") for name, d in runs}
    keys = ["replication", "year"] + (["month"] if "month" in traj[runs[0][0]].columns else [])
    metrics = [c for c in traj[runs[0][0]].columns if c not in keys]
    base_name = runs[0][0]
    rows = []
    for name, _ in runs[1:]:
        merged = traj[base_name].merge(traj[name], on=keys, suffixes=("_a", "_b"))
        for m in metrics:
            diffs = merged[keys].assign(d=merged[f"{m}_b"] - merged[f"{m}_a"])
            stats = _paired(diffs, [k for k in keys if k != "replication"])
            stats.insert(0, "scenario", name)
            stats.insert(len(keys), "metric", m)
            rows.append(stats)
    diff = pd.concat(rows)
    diff["_m"] = diff["metric"].map({m: i for i, m in enumerate(metrics)})
    sort = ["_s"] + [k for k in keys if k != "replication"] + ["_m"]
    diff["_s"] = diff["scenario"].map({n: i for i, (n, _) in enumerate(runs)})
    diff = diff.sort_values(sort)
    cols = ["scenario"] + [k for k in keys if k != "replication"] + ["metric", "mean", "ci_low",
                                                                    "ci_high"]
    diff[cols].to_csv(out / "differences.csv", index=False, float_format="%.10g")

    per_run = {name: pd.read_csv(d / "runs.csv") for name, d in runs}
    outputs = [c for c in per_run[base_name].columns if c not in ("replication", "seed")]
    rows = []
    for name, _ in runs[1:]:
        merged = per_run[base_name].merge(per_run[name], on="replication", suffixes=("_a", "_b"))
        for o in outputs:
            d = (merged[f"{o}_b"] - merged[f"{o}_a"]).dropna()
            stats = _paired(pd.DataFrame({"k": 0, "d": d}), ["k"])
            if stats.empty:
                stats = pd.DataFrame({"mean": [math.nan], "ci_low": [math.nan],
                                      "ci_high": [math.nan], "n": [0]})
            rows.append({"scenario": name, "output": o, "mean": stats["mean"].iloc[0],
                         "ci_low": stats["ci_low"].iloc[0], "ci_high": stats["ci_high"].iloc[0],
                         "n": int(stats["n"].iloc[0])})
    pd.DataFrame(rows).to_csv(out / "run_differences.csv", index=False, float_format="%.10g")

    manifest = {k: v for k, v in manifests[0].items() if k not in ("scenario", "scenario_file")}
    manifest["files"] = {f.name: f.stat().st_size for f in sorted(out.glob("*.csv"))}
    manifest["kind"] = "compare"
    manifest["scenario_files"] = [m.get("scenario_file", "") for m in manifests]
    manifest["baseline"] = base_name
    manifest["scenarios"] = [m["scenario"] for m in manifests]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return out


def screenshot_dir() -> Path:
    """Where the browser tests save their screenshots for review: $DISTRICTSIM_SCREENSHOTS,
    default build/report-screenshots/."""
    d = Path(os.environ.get("DISTRICTSIM_SCREENSHOTS", REPO / "build" / "report-screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def headless_chrome(window: str | None = None, downloads: Path | None = None):
    """Debian's chromium, headless, through chromium-driver and python3-selenium (scripts/setup
    installs them); `window` as "WIDTH,HEIGHT"; files it downloads go to `downloads`. Fails the
    test, saying what to install, where one is missing."""
    import shutil

    import pytest
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("python3-selenium is missing: scripts/setup installs it")
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not Path(driver_path).exists():
        pytest.fail("chromedriver is missing: scripts/setup installs chromium and chromium-driver")
    options = Options()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    if window:
        options.add_argument(f"--window-size={window}")
    if downloads:
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    if downloads:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver
