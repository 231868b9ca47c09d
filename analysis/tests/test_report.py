"""The report of run and compare outputs, and its failure on what is not an output."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import outputs
from outputs import report
from districtsim_analysis import load_output
from districtsim_analysis.metrics import fmt
from districtsim_analysis.report import main

RUN_FIGURES = ["outcomes", "staffing", "funding", "sustainability"]
COMPARE_FIGURES = RUN_FIGURES + ["differences"]


def figure_ids(html: str) -> list[str]:
    return re.findall(r'<figure id="fig-([a-z0-9_-]+)">', html)


def check_self_contained(html: str):
    # Nothing to fetch: no remote or relative src/href, no scripts, no style sheets to load.
    for attr, value in re.findall(r'\b(src|href)\s*=\s*"([^"]*)"', html):
        assert value.startswith(("data:", "#")), f"{attr}={value[:60]!r} is not embedded"
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert "@import" not in html


def check_figures(html: str, expected: list[str], min_caption: int = 80,
                  caption_rule: str = "every figure has a caption saying what it shows"):
    ids = figure_ids(html)
    for fid in expected:
        assert fid in ids, f"figure {fid} missing (have {ids})"
    for block in re.findall(r"<figure .*?</figure>", html, flags=re.S):
        assert '<img src="data:image/png;base64,' in block
        caption = re.search(r"<figcaption>(.*?)</figcaption>", block, flags=re.S)
        assert caption and len(re.sub("<[^>]+>", "", caption.group(1))) > min_caption, caption_rule


# ---------------------------------------------------------------- run

@pytest.fixture(scope="module")
def run_html(run_dir, reported):
    return reported("run", run_dir, "--png")


def test_run_report_is_self_contained_with_every_figure(run_html):
    directory, html = run_html
    check_self_contained(html)
    check_figures(html, RUN_FIGURES + ["dials"])  # adaptivity 0.5 moves dials
    assert "differences" not in figure_ids(html)


def test_run_report_says_what_was_run(run_html):
    _, html = run_html
    assert "reference" in html
    assert "10 schools of 40 teachers (400 teachers)" in html
    assert "6 simulated runs" in html
    for dial in ("Centralization", "Pace", "Need priority", "External sourcing", "Adaptivity",
                 "Bundling", "Failure sharing"):
        assert dial in html


def test_run_findings_quote_the_summary(run_html):
    directory, html = run_html
    summary = pd.read_csv(directory / "summary.csv")
    for year, when in [(3, "By year 3,"), (5, "By year 5,"), (8, "By year 8 (the end of the run),")]:
        row = summary[(summary.year == year) & (summary.metric == "capacity_index")].iloc[0]
        median = fmt("capacity_index", row.p50)
        assert f"{when} a median of {median} of teachers practise at Routine level" in html
    assert "became sustainable" in html or "never" in html


def test_run_report_answers_the_staffing_and_funding_questions(run_html):
    _, html = run_html
    assert "In year 3:" in html and "In year 5:" in html
    assert "teacher-leader" in html and "internal coach" in html and "partner coach" in html
    assert "Where the people come from" in html
    assert "Where the money comes from" in html
    assert "from the grant" in html and "paid to partners" in html


def test_png_writes_every_figure(run_html):
    directory, html = run_html
    pngs = sorted(p.stem for p in (directory / "figures").glob("*.png"))
    assert pngs == sorted(figure_ids(html))
    for p in (directory / "figures").glob("*.png"):
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_adaptivity_no_dial_figure(made, copy_of):
    directory = copy_of(made("fixed", "strategy.adaptivity=0"))
    html = report(directory)
    assert "dials" not in figure_ids(html)
    assert "stay where the scenario sets them" in html
    assert not (directory / "figures").exists(), "figures/ only with --png"


def test_grant_scenario_names_the_cliff(made, copy_of):
    directory = copy_of(made("grant", scenario="scenarios/midsize_grant.toml"))
    html = report(directory)
    assert "A grant of $1.6 million a year pays years 1\u20135" in html
    assert "The grant ends after year 5" in html


def test_monthly_output(made, copy_of):
    directory = copy_of(made("monthly", "output.frequency=month", "scenario.years=4"))
    out = load_output(directory)
    assert out.monthly
    year_end = out.trajectories[out.trajectories.year_end]
    assert sorted(year_end.t.unique()) == [0, 1, 2, 3, 4]
    html = report(directory)
    check_figures(html, RUN_FIGURES)
    assert "followed month by month" in html


# ---------------------------------------------------------------- compare

@pytest.fixture(scope="module")
def compare_html(compare_dir, reported):
    return reported("compare", compare_dir, "--png")


def test_compare_loads_in_manifest_order(compare_dir):
    out = load_output(compare_dir)
    assert out.kind == "compare"
    assert out.names == ["slow", "fast", "buy"]
    assert list(out.trajectories.scenario.unique()) == ["slow", "fast", "buy"]
    assert set(out.differences.scenario) == {"fast", "buy"}


def test_compare_report_has_differences(compare_html):
    directory, html = compare_html
    check_self_contained(html)
    check_figures(html, COMPARE_FIGURES + ["dials"])
    assert "slow vs fast vs buy" in html
    assert "fast compared with slow" in html and "buy compared with slow" in html
    assert "95% CI" in html
    assert re.search(r"clearly (higher|lower)|no clear difference", html)
    assert "Per-run outcomes" in html
    # what differs between the scenarios is listed
    assert "strategy.pace: slow: 0.2, fast: 0.9, buy: 0.5" in html
    pngs = sorted(p.stem for p in (directory / "figures").glob("*.png"))
    assert pngs == sorted(figure_ids(html))


def test_compare_colours_are_consistent(compare_dir):
    from districtsim_analysis import figures
    colours = figures.scenario_colours(["slow", "fast", "buy"])
    assert len(set(colours.values())) == 3
    assert figures.scenario_colours(["slow", "fast"])["slow"] == colours["slow"]


# ---------------------------------------------------------------- not an output

def _manifest(directory: Path, content):
    directory.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content)
    (directory / "manifest.json").write_text(text)
    return directory


def _broken(kind, tmp_path, run_dir, compare_dir):
    d = tmp_path / "broken"
    if kind == "missing":
        return tmp_path / "does-not-exist"
    if kind == "file":
        f = tmp_path / "a-file"
        f.write_text("x")
        return f
    if kind == "empty":
        d.mkdir()
        return d
    if kind == "bad json":
        return _manifest(d, "{not json")
    if kind == "no kind":
        return _manifest(d, {"version": "0.1.0"})
    if kind == "unknown kind":
        return _manifest(d, {"kind": "banana"})
    if kind == "sweep":
        return _manifest(d, {"kind": "sweep"})
    if kind == "run without summary":
        shutil.copytree(run_dir, d)
        (d / "summary.csv").unlink()
        return d
    if kind == "compare without differences":
        shutil.copytree(compare_dir, d)
        (d / "differences.csv").unlink()
        return d
    if kind == "truncated trajectories":
        shutil.copytree(run_dir, d)
        (d / "trajectories.csv").write_text("replication,year,capacity_index\n0,0,0\n")
        return d
    if kind == "empty runs":
        shutil.copytree(run_dir, d)
        (d / "runs.csv").write_text("")
        return d
    raise AssertionError(kind)


BROKEN = ["missing", "file", "empty", "bad json", "no kind", "unknown kind", "sweep",
          "run without summary", "compare without differences", "truncated trajectories",
          "empty runs"]


@pytest.mark.parametrize("kind", BROKEN)
def test_not_an_output_exits_2_with_one_line(kind, tmp_path, run_dir, compare_dir, capsys):
    directory = _broken(kind, tmp_path, run_dir, compare_dir)
    assert main([str(directory)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("report.py: ")
    assert str(directory) in lines[0]
    assert "Traceback" not in captured.err
    assert captured.out == ""
    assert not (directory / "report.html").exists() if directory.is_dir() else True


@pytest.mark.parametrize("kind", ["empty", "truncated trajectories"])
def test_script_exits_2_without_traceback(kind, tmp_path, run_dir, compare_dir):
    # As a program: the #!/usr/bin/python3 line and the exit status.
    directory = _broken(kind, tmp_path, run_dir, compare_dir)
    proc = subprocess.run([str(outputs.REPORT), str(directory)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert ("damaged" if kind == "truncated trajectories" else
            "not a districtsim output directory") in proc.stderr


@pytest.mark.parametrize("cut", [1, 100, 0.5])
def test_a_file_cut_short_is_named_as_damaged(run_dir, tmp_path, capsys, cut):
    # Was: exit 0, a report with changed figures and no warning.
    d = tmp_path / "cut"
    shutil.copytree(run_dir, d)
    file = d / "trajectories.csv"
    size = file.stat().st_size
    keep = int(size * cut) if isinstance(cut, float) else size - cut
    with open(file, "r+b") as f:
        f.truncate(keep)
    assert main([str(d)]) == 2
    err = capsys.readouterr().err
    assert f"{file}: damaged: {keep:,} bytes, but the run wrote {size:,}" in err
    assert "cut short" in err
    assert not (d / "report.html").exists()


def test_a_listed_file_missing_or_a_bad_files_entry_is_refused(run_dir, tmp_path, capsys):
    d = tmp_path / "gone"
    shutil.copytree(run_dir, d)
    (d / "schools.csv").unlink()
    assert main([str(d)]) == 2
    assert "schools.csv is missing (manifest.json lists it" in capsys.readouterr().err
    m = json.loads((run_dir / "manifest.json").read_text())
    for files in ({"runs.csv": "12"}, ["runs.csv"], {"../runs.csv": 12}):
        e = tmp_path / f"bad{len(list(tmp_path.iterdir()))}"
        shutil.copytree(run_dir, e)
        (e / "manifest.json").write_text(json.dumps({**m, "files": files}))
        assert main([str(e)]) == 2
        assert '"files"' in capsys.readouterr().err


def test_an_output_from_before_the_sizes_were_recorded_still_reads(run_dir, tmp_path):
    d = tmp_path / "old"
    shutil.copytree(run_dir, d)
    m = json.loads((d / "manifest.json").read_text())
    assert set(m["files"]) == {"runs.csv", "schools.csv", "summary.csv", "trajectories.csv"}
    del m["files"]
    (d / "manifest.json").write_text(json.dumps(m))
    assert main([str(d)]) == 0


def test_script_writes_a_report_where_out_says(run_dir, tmp_path):
    target = tmp_path / "elsewhere.html"
    proc = subprocess.run([sys.executable, str(outputs.REPORT), str(run_dir), "--out", str(target)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"report: {target}"
    check_self_contained(target.read_text(encoding="utf-8"))


def test_unwritable_out_is_a_one_line_error(run_dir, tmp_path, capsys):
    assert main([str(run_dir), "--out", str(tmp_path / "no" / "such" / "dir" / "r.html")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("report.py: cannot write the report")


def test_sustainability_words_and_never_counted_apart(run_dir, copy_of):
    # Few small runs ever become sustainable: give some runs a year to check the words.
    directory = copy_of(run_dir)
    runs = pd.read_csv(directory / "runs.csv")
    runs["years_to_sustainability"] = [4, 6, 6, None, None, None][: len(runs)]
    runs.to_csv(directory / "runs.csv", index=False)
    html = report(outputs.record_sizes(directory))
    assert ("In 3 of 6 runs the district became sustainable" in html
            and "after 6 years (median; shortest 4, longest 6); in the other 3 it never did "
                "within 8 years"
            in html)
    assert "(3 of 6 runs)" in html  # the caption counts the never-sustainable runs


def test_real_compare_command(binary, tmp_path):
    # The real `districtsim compare`, once the program has it.
    usage = subprocess.run([str(binary), "--help"], capture_output=True, text=True).stdout
    if not re.search(r"^\s+compare\s", usage, flags=re.M):
        pytest.skip(f"{binary} has no compare command yet")
    files = []
    for name, pace in (("steady", 0.5), ("quick", 0.8)):
        f = tmp_path / f"{name}.toml"
        f.write_text(f'[scenario]\nbase = "{outputs.REPO / "scenarios" / "reference.toml"}"\n'
                     f'name = "{name}"\n\n[strategy]\npace = {pace}\n')
        files.append(str(f))
    out = tmp_path / "compare"
    subprocess.run([str(binary), "compare", *files, "--out", str(out), "--quiet", *outputs.SMALL],
                   check=True, stdout=subprocess.DEVNULL)
    html = report(out)
    check_self_contained(html)
    check_figures(html, COMPARE_FIGURES)
    assert "quick compared with steady" in html
    assert "strategy.pace: steady: 0.5, quick: 0.8" in html


# ---------------------------------------------------------------- honest spreads

ENDING = """[scenario]
base = "{base}"
name = "{name}"

[strategy]
centralization = 0.95

[model]
initiative_relaunch = 0

[[events]]
year = 2
kind = "superintendent_change"

[[events]]
year = 4
kind = "superintendent_change"

[[events]]
year = 6
kind = "superintendent_change"
"""


@pytest.fixture(scope="module")
def ending_dirs(binary, tmp_path_factory):
    """Runs of a district whose initiative ends in some runs (three superintendent changes,
    held tight, no relaunch), under two names with the same seeds: one run, and a compare of
    the two, identical run by run."""
    root = tmp_path_factory.mktemp("ending")
    dirs = []
    for name in ("ending", "same"):
        f = root / f"{name}.toml"
        f.write_text(ENDING.format(base=outputs.REPO / "scenarios" / "reference.toml", name=name))
        dirs.append((name, outputs.run_output(binary, root / name, scenario=str(f))))
    return dirs[0][1], outputs.build_compare_dir(dirs, root / "compare")


def year_end(directory: Path, year: int) -> pd.DataFrame:
    t = pd.read_csv(directory / "trajectories.csv")
    return t[(t["year"] == year) & ((t["month"] == 11) if "month" in t.columns else True)]


def test_run_findings_are_over_the_runs_still_running_the_initiative(ending_dirs, reported):
    run, _ = ending_dirs
    directory, html = reported("ending", run)
    ended_somewhere = False
    for year, when in [(3, "By year 3,"), (5, "By year 5,"), (8, "By year 8 (the end of the run),")]:
        rows = year_end(directory, year)
        on = rows[rows["initiative_active"] >= 0.5]
        ended = len(rows) - len(on)
        cap = on["capacity_index"].quantile([0.1, 0.5, 0.9])  # linear, as the engine's type 7
        findings = html[html.index('<section id="findings"'):]
        sentence = findings[findings.index(when):].split("</li>")[0]
        assert f"a median of {fmt('capacity_index', cap[0.5])} of teachers" in sentence
        if ended:
            ended_somewhere = True
            assert f"10\u201390% of the {len(on)} runs still running the initiative" in sentence
            assert f"in {ended} of {len(rows)} runs the district has dropped it by then" in sentence
        else:
            assert "10\u201390% of runs" in sentence
    assert ended_somewhere, "the fixture must end the initiative in some runs"
    # The table counts them, and the figures say what their bands are over.
    assert re.search(r">Runs still running the initiative</t[dh]>", html)
    assert "drops out of the line and the band" in html


def test_in_every_run_only_when_it_is(ending_dirs, reported):
    _, compare = ending_dirs
    directory, html = reported("ending_compare", compare)
    text = re.sub(r"<[^>]+>", "", html)
    words = {"capacity": "capacity_index", "self-sufficiency": "self_sufficiency",
             "equity gap": "equity_gap", "spending per teacher": "spend_per_teacher"}
    t = pd.read_csv(directory / "trajectories.csv")
    said_same = 0
    for year, clauses in re.findall(r"Year (\d+)[^:]*: (.*?)\.(?:\s|$)", text):
        rows = t[(t["year"] == int(year)) & (t["scenario"] == "ending")]
        for label, name in words.items():
            every = re.search(rf"\b{label} (\S+) under both, in every run", clauses)
            if every:  # one value in every run: it must be so
                values = rows[name].dropna().unique()
                assert len(values) == 1 and fmt(name, values[0]) == every.group(1), (year, label)
            if re.search(rf"\b{label} the same under both in every run \(median", clauses):
                said_same += 1
                assert rows[name].nunique() > 1
    assert said_same > 0, "identical scenarios whose runs differ are 'the same', not one value"


# ---------------------------------------------------------------- the bottom line

def bottom_line(html: str) -> list[str]:
    """The bottom line's paragraphs, as text."""
    sec = re.search(r'<section id="bottom-line">(.*?)</section>', html, flags=re.S)
    assert sec, "no bottom line"
    return [re.sub(r"<[^>]+>", "", p).replace("&#x27;", "'")
            for p in re.findall(r"<p>(.*?)</p>", sec.group(1), flags=re.S)]


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.])\s+(?=[A-Z])", paragraph.strip()) if s]


def number(text: str) -> float:
    return float(text.replace("\u2212", "-").replace("+", "").replace("$", "").replace(",", ""))


def test_compare_bottom_line_comes_first_and_every_claim_is_material(compare_html):
    directory, html = compare_html
    assert html.index('<section id="bottom-line"') < html.index('<section id="what"')
    diffs = pd.read_csv(directory / "differences.csv")
    summary = pd.read_csv(directory / "summary.csv")
    paragraphs = bottom_line(html)
    assert len(paragraphs) == 2  # fast and buy, each against slow
    claims = 0
    for other, para in zip(["fast", "buy"], paragraphs):
        assert para.startswith(f"Against slow, {other} buys ")
        assert len(sentences(para)) == 3, para
        for what, year, lo, hi in re.findall(
                r"(capacity|self-sufficiency|spending per teacher)(?: \([^)]*\))? at year (\d+) "
                r"\(95% CI (\S+) to (\S+?)(?: points)?; material in years? ", para):
            year = int(year)
            name = {"capacity": "capacity_index", "self-sufficiency": "self_sufficiency",
                    "spending per teacher": "spend_per_teacher"}[what]
            d = diffs[(diffs.scenario == other) & (diffs.metric == name) & (diffs.year == year)
                      & (diffs.t == diffs.year if "t" in diffs.columns else True)].iloc[-1]
            scale = 100 if name != "spend_per_teacher" else 1
            assert number(lo) == pytest.approx(d.ci_low * scale, abs=0.06 if scale == 100 else 1)
            assert number(hi) == pytest.approx(d.ci_high * scale, abs=0.06 if scale == 100 else 1)
            assert d.ci_low > 0 or d.ci_high < 0  # clear
            if name == "spend_per_teacher":
                base = summary[(summary.scenario == "slow") & (summary.metric == name)
                               & (summary.year == year)]
                assert abs(d["mean"]) >= 0.05 * abs(base.p50.iloc[-1])
            else:
                assert abs(d["mean"]) >= (0.02 if name == "capacity_index" else 0.05)
            claims += 1
        assert "smaller or unclear differences count as none" in para
    assert claims > 0, "the fixture's scenarios differ materially somewhere"


def test_the_thresholds_are_settable_and_checked(compare_dir, copy_of, capsys):
    directory = copy_of(compare_dir)
    html = report(directory, "--material", "capacity=1", "--material", "spending=10")
    for para in bottom_line(html):
        assert not re.search(r"(more|less) capacity at year", para), para
        assert not re.search(r"(more|less) spending per teacher", para), para
        assert "at least 100 points of capacity" in para
    default = bottom_line(report(directory))
    assert any(re.search(r"(more|less) capacity at year", p) for p in default), \
        "with the default thresholds the fixture has a material capacity difference"
    assert main([str(directory), "--material", "speed=2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "capacity, self_sufficiency, equity, running, spending" in err


def test_clear_but_small_is_negligible(compare_dir, copy_of):
    directory = copy_of(compare_dir)
    html = report(directory, "--material", "capacity=1")  # no capacity difference is material
    text = re.sub(r"<[^>]+>", "", html)
    clear_capacity = re.findall(r"capacity [^;]*?: clearly (?:higher|lower)( but negligible)?", text)
    assert clear_capacity, "the fixture has a clear capacity difference"
    assert all(flag for flag in clear_capacity)


def test_run_bottom_line_is_true_of_the_runs(ending_dirs, reported):
    run, _ = ending_dirs
    directory, html = reported("ending_bottom", run)
    (para,) = bottom_line(html)
    rows = year_end(directory, 8)
    on = rows[rows["initiative_active"] >= 0.5]
    assert para.startswith(f"By year 8 (the end of the run), this strategy brings a median of "
                           f"{fmt('capacity_index', on['capacity_index'].median())} of teachers to "
                           f"Routine use in the {len(on)} of {len(rows)} runs still running the "
                           f"initiative (it ended in the other {len(rows) - len(on)}).")
    runs = pd.read_csv(directory / "runs.csv")
    reached = runs["years_to_sustainability"].notna().sum()
    assert (f"It becomes sustainable in {reached} of {len(runs)} runs" in para
            or (reached == 0 and f"in none of the {len(runs)} runs" in para))
    assert len(sentences(para)) == 3


def test_the_years_a_difference_is_material_are_every_such_year(compare_html):
    # "material in years 1-4 and 6": every year in which the paired difference is clear and at
    # least its threshold in that direction, not only the stretch around its largest; checked
    # for capacity (2 points) against differences.csv.
    directory, html = compare_html
    diffs = pd.read_csv(directory / "differences.csv")
    paras = dict(zip(["fast", "buy"], bottom_line(html)))
    checked = 0
    for other, para in paras.items():
        d = diffs[(diffs.scenario == other) & (diffs.metric == "capacity_index") & (diffs.year >= 1)]
        for sign, word in ((1, "more"), (-1, "less")):
            def material(r):
                if sign > 0:
                    return r.ci_low > 0 and r.mean >= 0.02
                return r.ci_high < 0 and -r.mean >= 0.02
            years = sorted(int(r.year) for r in d.itertuples() if material(r))
            said = re.search(rf"points {word} capacity at year \d+ \([^;]*; material in years? ([^)]*)\)",
                             para)
            assert bool(said) == bool(years), (other, word, years)
            if said:
                listed = set()
                for part in re.split(r", | and ", said.group(1).replace(" only", "")):
                    part = part.replace("to the end of the run", f"\u2013{int(d.year.max())}").replace(" ", "")
                    lo, _, hi = part.partition("\u2013")
                    listed.update(range(int(lo), int(hi or lo) + 1))
                assert sorted(listed) == years, (other, word, said.group(1), years)
                checked += 1
    assert checked > 0
