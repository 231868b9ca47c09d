"""The outputs' declarations analysis/ reads are the engine's own.

engine_tables.json is generated from `districtsim params --metrics` by
scripts/metrics-table; a metric or dial changed in the engine and not
regenerated here fails this test.
"""

import json
import subprocess
from pathlib import Path

from districtsim_analysis import metrics
from districtsim_analysis.loading import DIAL_COLUMNS

TABLES = Path(metrics.__file__).with_name("engine_tables.json")


def test_engine_tables_are_the_programs(binary):
    printed = subprocess.run([str(binary), "params", "--metrics"], check=True, capture_output=True,
                             text=True).stdout
    assert json.loads(printed) == json.loads(TABLES.read_text(encoding="utf-8")), (
        "analysis/districtsim_analysis/engine_tables.json is out of date: run scripts/metrics-table")


def test_every_written_column_has_the_engines_label(made):
    out = made("metrics-columns", "scenario.years=3")
    header = (out / "trajectories.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    engine = {row["name"]: row for row in json.loads(TABLES.read_text(encoding="utf-8"))["metrics"]}
    for column in header[2:]:  # after replication, year
        assert column in metrics.METRICS, column
        assert metrics.metric(column).label == engine[column]["label"]
    # The dials in the engine's order, each with both poles in words.
    assert DIAL_COLUMNS == [c for c in header if metrics.metric(c).unit == metrics.DIAL]
    for label, low, high in metrics.DIALS.values():
        assert label and low and high and low != high
    # The manifest carries the same declarations.
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    tables = json.loads(TABLES.read_text(encoding="utf-8"))
    # Less the designs: a manifest describes its own output, and a sweep's
    # names its design; the list of every design is for analysis/ only.
    del tables["designs"]
    assert manifest["outputs"] == tables
