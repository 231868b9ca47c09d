"""Fixtures: small real outputs made with the districtsim program.

The program is $DISTRICTSIM, else build/release/sim/districtsim under the
repository root; without it the tests that need outputs are skipped (say so).
Outputs are made once per session; a test that writes into one gets a copy.
"""

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # outputs.py
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # districtsim_analysis

import outputs  # noqa: E402


@pytest.fixture(scope="session")
def binary() -> Path:
    path = outputs.districtsim_binary()
    if not path.is_file():
        pytest.skip(f"no districtsim program at {path}: build it with scripts/build, or set "
                    f"DISTRICTSIM to its path")
    return path


@pytest.fixture(scope="session")
def made(tmp_path_factory, binary):
    """Makes an output once per session, by name."""
    cache = {}
    root = tmp_path_factory.mktemp("outputs")

    def make(name: str, *sets: str, scenario: str = "scenarios/reference.toml") -> Path:
        if name not in cache:
            cache[name] = outputs.run_output(binary, root / name, *sets, scenario=scenario)
        return cache[name]

    return make


@pytest.fixture(scope="session")
def run_dir(made) -> Path:
    """The reference district, small, adapting (adaptivity 0.5 by default)."""
    return made("run", "scenario.name=reference")


@pytest.fixture(scope="session")
def compare_dir(made, tmp_path_factory) -> Path:
    """A compare-shaped output of three scenarios with the same seeds."""
    slow = made("slow", "scenario.name=slow", "strategy.pace=0.2")
    fast = made("fast", "scenario.name=fast", "strategy.pace=0.9")
    buy = made("buy", "scenario.name=buy", "strategy.external_sourcing=0.9",
               "strategy.adaptivity=0")
    return outputs.build_compare_dir([("slow", slow), ("fast", fast), ("buy", buy)],
                                     tmp_path_factory.mktemp("compare") / "out")


@pytest.fixture(scope="session")
def reported(tmp_path_factory):
    """Reports on a copy of an output directory: reported(name, src, *report options)
    copies SRC to a fresh NAME_report*/NAME and returns (that copy, the report's HTML)."""
    def make(name: str, src: Path, *args: str) -> tuple[Path, str]:
        directory = tmp_path_factory.mktemp(f"{name}_report") / name
        shutil.copytree(src, directory)
        return directory, outputs.report(directory, *args)
    return make


@pytest.fixture
def copy_of(tmp_path):
    """A fresh copy of an output directory, for a test that writes into it."""
    def copy(src: Path) -> Path:
        dst = tmp_path / src.name
        shutil.copytree(src, dst)
        return dst
    return copy
