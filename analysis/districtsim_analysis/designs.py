"""The sweep designs as the engine declares them (sim/model/designs.hpp).

engine_tables.json (written by scripts/metrics-table from `districtsim params
--metrics`) holds one row per design: its name in sweep files, a one-line
description, the [sweep] key that sets its size, the parameter forms it
takes, whether its values fall on set levels, its group size (points that
belong together: per_parameter x D + extra) and the sensitivity indices it
yields ("sobol", "morris" or none) with the columns of sensitivity.csv.
analysis/ reads these rows instead of lists of its own.
"""

from __future__ import annotations

from .metrics import ENGINE_TABLES

DESIGNS: dict[str, dict] = {row["name"]: row for row in ENGINE_TABLES["designs"]}

# sensitivity.csv's columns, for each design that writes the file.
SENSITIVITY_COLUMNS: dict[str, list[str]] = {
    name: row["sensitivity_columns"] for name, row in DESIGNS.items() if row["indices"]
}

# Columns the engine added to sensitivity.csv later (the base rows a Sobol
# index used, the elementary effects behind a Morris mu*): outputs written
# before them still load, and the report says less.
LATER_SENSITIVITY_COLUMNS = frozenset({"rows", "effects"})


def required_sensitivity_columns(design: str) -> list[str]:
    """The columns a design's sensitivity.csv must have to load (empty: no such file)."""
    return [c for c in SENSITIVITY_COLUMNS.get(design, []) if c not in LATER_SENSITIVITY_COLUMNS]


def indices(design: str) -> str | None:
    """The sensitivity indices a design yields: "sobol", "morris", or None (also for a design
    the engine does not declare)."""
    row = DESIGNS.get(design)
    return row["indices"] if row else None


def with_indices() -> list[str]:
    """The designs that yield sensitivity indices, in the engine's order."""
    return [name for name, row in DESIGNS.items() if row["indices"]]


def description(design: str) -> str:
    """A design in words, for reports; the name itself for an unknown design."""
    row = DESIGNS.get(design)
    return row["description"] if row else design


def levelled(design: str) -> bool:
    """Whether the design puts values on set levels (the listed values, a grid)."""
    row = DESIGNS.get(design)
    return bool(row and row["levelled"])


def group_size(design: str, dims: int) -> int:
    """Points that belong together (a Sobol base row, a Morris trajectory) for D = dims."""
    row = DESIGNS.get(design)
    return row["group"]["per_parameter"] * dims + row["group"]["extra"] if row else 1
