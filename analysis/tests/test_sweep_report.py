"""The report of sweep outputs: sobol, morris and factorial sweeps made with districtsim."""

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import outputs
from outputs import report
from districtsim_analysis import load_output
from districtsim_analysis import sweep_series as ss
from districtsim_analysis.metrics import fmt
from districtsim_analysis.report import main
from test_report import check_figures, check_self_contained, figure_ids

SWEEP_FIGURES = ["outcome_vs_parameters", "tornado", "tradeoff"]


def check_sweep_figures(html: str, expected: list[str]):
    check_figures(html, expected, min_caption=200,
                  caption_rule="every figure has a caption a newcomer can read")


def text(html: str) -> str:
    """The report's words, tags and entities gone."""
    import html as h
    return h.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# ---------------------------------------------------------------- the sweeps

@pytest.fixture(scope="session")
def sobol_dir(binary, tmp_path_factory) -> Path:
    # 8 base rows x (4 + 2) = 48 points, 2 replications (the initiative ends early in
    # replication 0, which leaves self-sufficiency at 0 everywhere).
    return outputs.sweep_output(binary, tmp_path_factory.mktemp("sweeps") / "sobol",
                                "scenarios/sweeps/example_sobol.toml", "sweep.samples=8",
                                "sweep.replications=2")


@pytest.fixture(scope="session")
def morris_dir(binary, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("morris")
    sweep = root / "morris.toml"
    sweep.write_text(
        f'[sweep]\nscenario = "{outputs.REPO / "scenarios" / "reference.toml"}"\n'
        'design = "morris"\ntrajectories = 4\nreplications = 2\nseed = 3\n\n'
        '[sweep.parameters]\n"strategy.pace" = { min = 0.0, max = 1.0 }\n'
        '"strategy.external_sourcing" = { min = 0.0, max = 1.0 }\n'
        '"strategy.need_priority" = { min = 0.0, max = 1.0 }\n')
    return outputs.sweep_output(binary, root / "out", sweep, "district.schools=12")


@pytest.fixture(scope="session")
def factorial_dir(binary, tmp_path_factory) -> Path:
    # 3 x 3 points, 2 replications, with trajectories.csv.
    return outputs.sweep_output(binary, tmp_path_factory.mktemp("sweeps") / "factorial",
                                "scenarios/sweeps/example_factorial.toml",
                                "sweep.replications=2", "district.schools=12",
                                "output.trajectories=true")


@pytest.fixture(scope="module")
def sobol_html(sobol_dir, reported):
    return reported("sobol", sobol_dir, "--png", "--heatmap",
                    "strategy.pace,strategy.external_sourcing")


@pytest.fixture(scope="module")
def morris_html(morris_dir, reported):
    return reported("morris", morris_dir)


@pytest.fixture(scope="module")
def factorial_html(factorial_dir, reported):
    return reported("factorial", factorial_dir)


# ---------------------------------------------------------------- sobol

def test_sobol_sweep_loads(sobol_dir):
    out = load_output(sobol_dir)
    assert out.kind == "sweep" and out.design == "sobol"
    assert out.parameters == ["strategy.pace", "strategy.external_sourcing",
                              "district.low_income_share", "district.schools"]
    assert len(out.points) == 48 and len(out.means) == 48
    assert list(out.means["point"]) == list(range(48))
    summary = pd.read_csv(sobol_dir / "point_summary.csv")
    row = summary[(summary.point == 7) & (summary.outcome == "capacity_index_final")].iloc[0]
    assert out.means.loc[7, "capacity_index_final"] == pytest.approx(row["mean"])


def test_sobol_report_has_every_figure(sobol_html):
    directory, html = sobol_html
    check_self_contained(html)
    check_sweep_figures(html, SWEEP_FIGURES + ["sensitivity",
                                               "heatmap_pace_x_external_sourcing"])
    assert "morris_mu_sigma" not in figure_ids(html)
    assert "first-order index" in html and "total index" in html
    sens = pd.read_csv(directory / "sensitivity.csv")
    if "rows" in sens.columns:  # the base rows each index used
        used = sens[sens.outcome.isin(["capacity_index_final", "self_sufficiency_final",
                                       "equity_gap_final", "cumulative_spend_final"])]["rows"]
        span = (f"{int(used.min())}" if used.min() == used.max()
                else f"{int(used.min())}\u2013{int(used.max())}")
        assert f"These use {span} of the 8 base rows" in text(html)


def test_png_writes_every_sweep_figure(sobol_html):
    directory, html = sobol_html
    pngs = sorted(p.stem for p in (directory / "figures").glob("*.png"))
    assert pngs == sorted(figure_ids(html))
    for p in (directory / "figures").glob("*.png"):
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sobol_summary_names_the_largest_total_index(sobol_html):
    directory, html = sobol_html
    words = text(html)
    assert "This sweep varied 4 parameters" in words
    assert "48 points" in words
    sens = pd.read_csv(directory / "sensitivity.csv")
    for outcome, title in (("capacity_index_final", "Capacity at year 10"),
                           ("self_sufficiency_final", "Self-sufficiency at year 10")):
        total = sens[(sens.outcome == outcome) & (sens["index"] == "total")].dropna(
            subset=["value"])
        top = total.sort_values("value", ascending=False).iloc[0]
        label = ss.parameter_label(top.parameter)
        assert re.search(rf"{title} ranges from .*? What matters most: {label} \(total Sobol "
                         rf"index {top.value:.2f}", words), (outcome, label)


def test_sobol_summary_ranges_quote_point_means(sobol_html):
    directory, html = sobol_html
    summary = pd.read_csv(directory / "point_summary.csv")
    cap = summary[summary.outcome == "capacity_index_final"]
    lo, hi = cap.loc[cap["mean"].idxmin()], cap.loc[cap["mean"].idxmax()]
    assert (f"Capacity at year 10 ranges from {fmt('capacity_index', lo['mean'])} (point "
            f"{int(lo.point)}) to {fmt('capacity_index', hi['mean'])} (point {int(hi.point)})"
            in text(html))


# ---------------------------------------------------------------- morris

def test_morris_report_has_mu_star_and_sigma(morris_html):
    directory, html = morris_html
    check_self_contained(html)
    check_sweep_figures(html, SWEEP_FIGURES + ["sensitivity", "morris_mu_sigma"])
    words = text(html)
    assert "Morris \u03bc*" in words
    sens = pd.read_csv(directory / "sensitivity.csv")
    cap = sens[sens.outcome == "capacity_index_final"].dropna(subset=["mu_star"])
    top = cap.sort_values("mu_star", ascending=False).iloc[0]
    assert (f"What matters most: {ss.parameter_label(top.parameter)} (Morris \u03bc* "
            f"{top.mu_star * 100:.1f} points" in words)


# ---------------------------------------------------------------- factorial

def test_factorial_report_ranks_by_swing_and_draws_the_heatmap(factorial_html):
    directory, html = factorial_html
    check_self_contained(html)
    # Two parameters: their heatmap without asking; trajectories.csv: the figure over time.
    check_sweep_figures(html, SWEEP_FIGURES + ["heatmap_pace_x_need_priority", "trajectories"])
    assert "sensitivity" not in figure_ids(html)
    words = text(html)
    assert "A factorial design gives no sensitivity indices" in words
    assert "ranks the parameters" in words and "a swing of" in words
    assert "Pace (values 0.2, 0.5, 0.8)" in words


def test_factorial_swing_is_the_main_effect(factorial_dir):
    out = load_output(factorial_dir)
    points = ss.point_table(out)
    w = ss.swing(points, "strategy.pace", "capacity_index_final", ss.levelled(out, "strategy.pace"))
    means = out.means.merge(out.points, on="point")
    assert w.low == pytest.approx(means[means["strategy.pace"] == 0.2]
                                  ["capacity_index_final"].mean())
    assert w.high == pytest.approx(means[means["strategy.pace"] == 0.8]
                                   ["capacity_index_final"].mean())
    assert (w.low_label, w.high_label) == ("0.2", "0.8")


def test_cost_is_cumulative_spending_per_teacher_year(factorial_dir):
    out = load_output(factorial_dir)
    points = ss.point_table(out)
    runs = pd.read_csv(factorial_dir / "runs.csv")
    expected = runs[runs.point == 4]["cumulative_spend_final"].mean() / (12 * 40) / 10
    assert points.loc[points.point == 4, ss.COST].iloc[0] == pytest.approx(expected)


def test_outcome_option_changes_the_key_outcome(factorial_dir, copy_of):
    directory = copy_of(factorial_dir)
    html = report(directory, "--outcome", "equity_gap_y5")
    assert "Equity gap at year 5 against each varied parameter" in text(html)


@pytest.mark.parametrize("fixture, column", [("sobol_dir", "rows"), ("morris_dir", "effects")])
def test_sensitivity_written_before_its_count_column_still_loads(fixture, column, copy_of, request):
    directory = copy_of(request.getfixturevalue(fixture))
    sens = pd.read_csv(directory / "sensitivity.csv")
    assert column in sens.columns
    def rewrite(table):  # as an older build wrote it: the file and the size its manifest records
        table.to_csv(directory / "sensitivity.csv", index=False)
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        manifest["files"]["sensitivity.csv"] = (directory / "sensitivity.csv").stat().st_size
        (directory / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")

    rewrite(sens.drop(columns=[column]))
    out = load_output(directory)
    assert column not in out.sensitivity.columns
    assert len(out.sensitivity) == len(sens)
    report(directory)  # and the report is made without it
    # A column every version wrote is still required.
    rewrite(sens.drop(columns=["parameter"]))
    with pytest.raises(Exception, match="sensitivity.csv lacks the column parameter"):
        load_output(directory)


# ---------------------------------------------------------------- pieces

def test_pareto_front():
    points = pd.DataFrame({
        "cap": [0.5, 0.4, 0.5, 0.2, 0.6, np.nan],
        "sus": [0.5, 0.6, 0.4, 0.1, 0.1, 0.9],
        "cost": [100, 100, 100, 50, 200, 10],
    })
    front = ss.pareto(points, ["cap", "sus"], ["cost"])
    # 2 is dominated by 0; 0, 1 (more sus), 3 (cheapest), 4 (most cap) are not; 5 lacks cap.
    assert front.tolist() == [True, True, False, True, True, False]


def test_pareto_ties_are_both_on_the_front():
    points = pd.DataFrame({"a": [1.0, 1.0], "b": [2.0, 2.0]})
    assert ss.pareto(points, ["a", "b"], []).tolist() == [True, True]


def test_continuous_swing_uses_thirds():
    x = pd.Series(np.linspace(0, 1, 30))
    points = pd.DataFrame({"p": x, "y": 2 * x})
    w = ss.swing(points, "p", "y", by_level=False)
    assert w.low == pytest.approx((2 * x[x <= x.quantile(1 / 3)]).mean())
    assert w.high == pytest.approx((2 * x[x >= x.quantile(2 / 3)]).mean())
    assert w.size > 1


def test_choices_keep_the_sweep_files_order():
    from districtsim_analysis.loading import _point_values
    kinds = _point_values(pd.Series(["university", "coaching", "platform", "coaching"]),
                          ["coaching", "platform", "university"])
    assert ss.levels(kinds) == ["coaching", "platform", "university"]
    switch = _point_values(pd.Series(["true", "false"]), [True, False])
    assert ss.levels(switch) == ["false", "true"]
    groups, labels, _ = ss.bins(kinds, by_level=True)
    assert groups.tolist() == [2, 0, 1, 0] and labels == ["coaching", "platform", "university"]


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("spec,message", [
    ("strategy.pace", "expected two parameters"),
    ("strategy.pace,strategy.adaptivity", "'strategy.adaptivity' is not varied in this sweep"),
    ("strategy.pace,strategy.pace", "twice"),
])
def test_bad_heatmap_is_a_one_line_error(sobol_dir, spec, message, capsys):
    assert main([str(sobol_dir), "--heatmap", spec]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert not (sobol_dir / "report.html").exists()


def test_heatmap_on_a_run_output_is_refused(run_dir, capsys):
    assert main([str(run_dir), "--heatmap", "strategy.pace,strategy.bundling"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--heatmap applies to sweep outputs" in err[0]


def test_unknown_outcome_is_a_one_line_error(factorial_dir, capsys):
    assert main([str(factorial_dir), "--outcome", "happiness"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'happiness': not an outcome of this sweep" in err[0]


def _broken_sweep(kind: str, tmp_path: Path, sobol_dir: Path) -> Path:
    d = tmp_path / kind.replace(" ", "_")
    shutil.copytree(sobol_dir, d)
    if kind == "without sensitivity":
        (d / "sensitivity.csv").unlink()
    elif kind == "points lack a parameter":
        p = pd.read_csv(d / "points.csv").drop(columns=["district.schools"])
        p.to_csv(d / "points.csv", index=False)
    elif kind == "no design":
        m = json.loads((d / "manifest.json").read_text())
        del m["design"]
        (d / "manifest.json").write_text(json.dumps(m))
    elif kind == "empty point summary":
        (d / "point_summary.csv").write_text("point,outcome,mean,sd,p05,p50,p95\n")
    elif kind == "foreign point":
        with open(d / "point_summary.csv", "a") as f:
            f.write("999,capacity_index_final,0.1,0,0.1,0.1,0.1,0.1,0.1,0.1,0.1\n")
    elif kind == "not districtsim":
        for f in d.iterdir():
            f.unlink()
        (d / "notes.txt").write_text("my own results\n")
        (d / "data.csv").write_text("a,b\n1,2\n")
        return d
    else:
        raise AssertionError(kind)
    return outputs.record_sizes(d)  # the content checks, not the sizes (test_report.py)


@pytest.mark.parametrize("kind", ["without sensitivity", "points lack a parameter", "no design",
                                  "empty point summary", "foreign point", "not districtsim"])
def test_broken_sweep_exits_2_with_one_line(kind, tmp_path, sobol_dir):
    directory = _broken_sweep(kind, tmp_path, sobol_dir)
    proc = subprocess.run([str(outputs.REPORT), str(directory)], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert lines[0].startswith("report.py: ") and str(directory) in lines[0]
    assert "not a districtsim output directory" in lines[0]
    assert not (directory / "report.html").exists()


def test_a_shard_is_sent_to_merge(tmp_path, capsys):
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "sweep-shard", "shard": "2/8"}))
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "one shard (2/8) of a sweep" in err[0] and "districtsim merge" in err[0]


def test_districtsim_report_command_on_a_sweep(binary, factorial_dir, copy_of):
    # `districtsim report DIR` hands the directory to analysis/report.py.
    directory = copy_of(factorial_dir)
    proc = subprocess.run([str(binary), "report", str(directory)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    check_sweep_figures((directory / "report.html").read_text(encoding="utf-8"), SWEEP_FIGURES)


def test_districtsim_report_command_passes_sweep_options(binary, sobol_dir, copy_of):
    # Once `districtsim report` forwards --heatmap and --outcome to analysis/report.py.
    usage = subprocess.run([str(binary), "report", "--help"], capture_output=True,
                           text=True).stdout
    if "--heatmap" not in usage:
        pytest.skip(f"{binary} report does not forward --heatmap yet")
    directory = copy_of(sobol_dir)
    proc = subprocess.run([str(binary), "report", str(directory), "--heatmap",
                           "district.schools,district.low_income_share", "--outcome",
                           "self_sufficiency_final"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    html = (directory / "report.html").read_text(encoding="utf-8")
    assert "heatmap_schools_x_low_income_share" in figure_ids(html)
    assert "Self-sufficiency at year 10 against each varied parameter" in text(html)
    proc = subprocess.run([str(binary), "report", str(directory), "--heatmap", "a,b"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "is not varied in this sweep" in proc.stderr


def test_sobol_ties_counts_rows_with_equal_a_and_b(sobol_dir):
    out = load_output(sobol_dir)
    ties = ss.sobol_ties(out)
    d = len(out.parameters)
    p = out.points["strategy.pace"].to_numpy().reshape(-1, d + 2)
    assert ties["strategy.pace"] == int((p[:, 0] == p[:, -1]).sum())
    assert not math.isnan(ties["district.schools"])


def test_sweep_bottom_line_comes_first_and_quotes_the_points(factorial_html, factorial_dir):
    directory, html = factorial_html
    assert html.index('<section id="bottom-line"') < html.index('<section id="summary"')
    sec = re.search(r'<section id="bottom-line">(.*?)</section>', html, flags=re.S).group(1)
    words = text(sec)
    out = load_output(factorial_dir)
    points = ss.point_table(out)
    for outcome, what in ((ss.CAPACITY, f"capacity at year {out.horizon}"),
                          (ss.COST, "spending per teacher-year")):
        y = points[outcome]
        rank = ss.ranking(out, points, outcome)  # as the summary ranks them
        first = rank[0][0] if rank else ss.swings(out, points, outcome)[0].parameter
        top = ss.swing(points, first, outcome, ss.levelled(out, first))
        assert (f"{what} ranges from {fmt(outcome, y.min())} to {fmt(outcome, y.max())}; "
                f"{ss.parameter_label(top.parameter)} moves it most: at {top.low_label} it "
                f"averages {fmt(outcome, top.low)}, at {top.high_label} {fmt(outcome, top.high)}"
                in words), what
        verdict = "clear" if top.clear else "not clear"
        assert f"{ss.parameter_label(top.parameter)}'s swing of {what} is" in words
        assert f"(95% interval over the points: {verdict})" in words
    # Spending per teacher-year, not the district's total, which grows with its size.
    assert "cumulative" not in words
    assert "how sure:" in words


def test_swing_interval_is_welchs():
    points = pd.DataFrame({"p": [0.0, 0.0, 0.0, 1.0, 1.0, 1.0], "y": [1.0, 2.0, 3.0, 5.0, 6.0, 7.0]})
    w = ss.swing(points, "p", "y", True)
    assert w.size == 4
    assert w.half_width == pytest.approx(1.959963984540054 * math.sqrt(1 / 3 + 1 / 3))
    assert w.clear


def test_spending_per_teacher_is_not_ranked_by_the_districts_total(binary, tmp_path):
    # A Sobol sweep that varies the district's size: its indices of spending are of the
    # district's total, which grows with the size by construction; the finding on spending
    # per teacher ranks by the per-teacher swing and says so.
    directory = outputs.sweep_output(binary, tmp_path / "sized", "scenarios/sweeps/dials_sobol.toml",
                                     "sweep.samples=8", "sweep.replications=1", "district.schools=10")
    out = load_output(directory)
    assert "district.schools" in out.parameters
    points = ss.point_table(out)
    words = text(report(directory))
    finding = words[words.index("Spending per teacher (mean of years"):].split("\n")[0]
    top = ss.swings(out, points, ss.COST)[0]
    assert "What matters most (by the swing per teacher" in finding
    assert f"{ss.parameter_label(top.parameter)} (a swing of {fmt(ss.COST, top.size)}" in finding


def test_sweeps_read_their_design_from_the_engine_tables(sobol_dir, sobol_html, morris_html,
                                                         factorial_html):
    """The report describes each design in the engine's words, and the loader expects the
    sensitivity.csv columns the engine declares (engine_tables.json, designs.py)."""
    import html as html_text

    from districtsim_analysis import designs
    for name, (_, text) in (("sobol", sobol_html), ("morris", morris_html),
                            ("factorial", factorial_html)):
        assert html_text.escape(designs.description(name)) in text \
            or designs.description(name) in text, name
    out = load_output(sobol_dir)
    assert out.indices == designs.indices("sobol") == "sobol"
    assert list(out.sensitivity.columns) == designs.SENSITIVITY_COLUMNS["sobol"]
