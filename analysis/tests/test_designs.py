"""analysis/ takes the sweep designs from the engine's declaration.

engine_tables.json holds one row per design (sim/model/designs.hpp, written by
scripts/metrics-table from `districtsim params --metrics`); designs.py reads
it, and the loader and the sweep report ask designs.py which indices a design
yields, its group size and its description instead of lists of their own.
"""

import copy
import importlib
import json
import re
from pathlib import Path

import pytest

from districtsim_analysis import designs, metrics

PACKAGE = Path(designs.__file__).parent
TABLES = json.loads((PACKAGE / "engine_tables.json").read_text(encoding="utf-8"))


def test_designs_are_the_engine_tables_rows():
    assert list(designs.DESIGNS) == [row["name"] for row in TABLES["designs"]]
    assert designs.SENSITIVITY_COLUMNS == {
        row["name"]: row["sensitivity_columns"] for row in TABLES["designs"] if row["indices"]}
    for row in TABLES["designs"]:
        assert designs.indices(row["name"]) == row["indices"]
        assert designs.description(row["name"]) == row["description"]
        assert designs.levelled(row["name"]) == row["levelled"]
        g = row["group"]
        assert designs.group_size(row["name"], 5) == g["per_parameter"] * 5 + g["extra"]
    assert designs.with_indices() == [r["name"] for r in TABLES["designs"] if r["indices"]]
    assert designs.indices("no-such-design") is None


@pytest.fixture
def with_halton(monkeypatch):
    """The engine's tables with one more design, "halton", declared to yield Morris measures
    in groups of D points; designs.py re-read from them (and restored afterwards)."""
    tables = copy.deepcopy(metrics.ENGINE_TABLES)
    row = dict(tables["designs"][0], name="halton", description="a Halton sequence",
               levelled=True, indices="morris", group={"per_parameter": 1, "extra": 0},
               sensitivity_columns=["outcome", "parameter", "mu_star"])
    tables["designs"].append(row)
    monkeypatch.setattr(metrics, "ENGINE_TABLES", tables)
    importlib.reload(designs)
    yield
    monkeypatch.undo()
    importlib.reload(designs)


def test_a_design_added_to_the_table_needs_no_python(with_halton):
    from districtsim_analysis.loading import SweepOutput
    assert designs.indices("halton") == "morris"
    assert designs.group_size("halton", 4) == 4
    assert designs.levelled("halton")
    assert designs.description("halton") == "a Halton sequence"
    assert designs.SENSITIVITY_COLUMNS["halton"] == ["outcome", "parameter", "mu_star"]
    assert "halton" in designs.with_indices()
    out = SweepOutput(path=Path("."), kind="sweep", manifest={}, design="halton",
                      parameters=[], points=None, runs=None, point_summary=None, means=None)
    assert out.indices == "morris"


def test_no_module_lists_designs_of_its_own():
    """A test of a design's name in the package's code ("out.design == 'sobol'",
    `design in ("factorial", ...)`) would be a list of its own; every such test asks designs.py."""
    names = "|".join(re.escape(n) for n in designs.DESIGNS)
    pattern = re.compile(r"design\s*(==|!=|in)\s*[\(\[{]?\s*['\"](" + names + r")['\"]")
    for source in PACKAGE.glob("*.py"):
        found = pattern.search(source.read_text(encoding="utf-8"))
        assert not found, f"{source.name}: {found.group(0)}"
