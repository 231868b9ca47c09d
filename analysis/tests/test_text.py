"""Numbers in words: units, ranges, signs."""

import math

from districtsim_analysis import run_report, series
from districtsim_analysis.metrics import fmt, fmt_diff, metric


def test_formats_by_unit():
    assert fmt("capacity_index", 0.41) == "41%"
    assert fmt("capacity_index", 0.066) == "6.6%"
    assert fmt("capacity_index", 0) == "0%"
    assert fmt("spend_per_teacher", 737.4) == "$737"
    assert fmt("cumulative_spend", 2_900_000) == "$2.9 million"
    assert fmt("internal_coach_fte", 9.66) == "9.7 FTE"
    assert fmt("teacher_leaders", 27.4) == "27"
    assert fmt("equity_gap", -0.031, signed=True) == "\u22120.03"
    assert fmt("equity_gap", 0.031, signed=True) == "+0.03"
    assert fmt("capacity_index", math.nan) == "n/a"


def test_differences_of_shares_are_in_points():
    assert fmt_diff("capacity_index", 0.04) == "+4.0 points"
    assert fmt_diff("capacity_index", -0.021) == "\u22122.1 points"
    assert fmt_diff("spend_per_teacher", -12) == "\u2212$12"


def test_ranges():
    assert run_report.value_range("capacity_index", 0.35, 0.47) == "35\u201347%"
    assert run_report.value_range("equity_gap", -0.03, 0.05) == "\u22120.03 to +0.05"
    assert run_report.value_range("internal_coach_fte", 7, 11.9) == "7.0\u201311.9 FTE"


def test_verdicts():
    assert run_report.verdict({"mean": 1, "ci_low": 0.5, "ci_high": 2}, "higher", "lower") == \
        "clearly higher"
    assert run_report.verdict({"mean": -1, "ci_low": -2, "ci_high": -0.1}, "higher", "lower") == \
        "clearly lower"
    assert run_report.verdict({"mean": 1, "ci_low": -1, "ci_high": 2}, "h", "l") == \
        "no clear difference"
    assert run_report.verdict({"mean": 1, "ci_low": math.nan, "ci_high": math.nan}, "h", "l") == \
        "too few runs for an interval"


def test_milestones():
    assert series.milestones(25) == [3, 5, 10, 25]
    assert series.milestones(10) == [3, 5, 10]
    assert series.milestones(8) == [3, 5, 8]
    assert series.milestones(2) == [2]


def test_unknown_metric_still_has_a_label():
    m = metric("some_new_output")
    assert m.label == "some new output"
    assert metric("capacity_index_final").label == "Capacity at the horizon"
