"""The reports as a person sees them: each report kind (run, compare, sweep with a heatmap)
opened in a real browser (Debian's chromium through chromium-driver and python3-selenium,
which scripts/setup installs) at 1,200 pixels wide. No page scrolls sideways and every figure
and table stays inside the page's column; the smallest text of every figure is at least 9
pixels high as shown; no local absolute path appears; each figure's tick labels neither
overlap nor use scientific notation; compared funding charts share one y scale. A full-page
screenshot of each kind is saved for review in $DISTRICTSIM_SCREENSHOTS (default
build/report-screenshots/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import outputs
from districtsim_analysis import load_output
from districtsim_analysis.report import build_report

WIDTH = 1200
SMALLEST_TEXT_PX = 9.0


@pytest.fixture(scope="module")
def browser():
    driver = outputs.headless_chrome()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def sweep_dir(binary, tmp_path_factory):
    """A Sobol sweep over the seven dials and two district settings, small: the widest
    tables (the Pareto points' nine parameters) and many panels."""
    return outputs.sweep_output(binary, tmp_path_factory.mktemp("browser") / "sweep",
                                "scenarios/sweeps/dials_sobol.toml", "sweep.samples=8",
                                "sweep.replications=1", "district.schools=10")


KINDS = {
    "run": ("run_dir", ()),
    "compare": ("compare_dir", ()),
    "sweep": ("sweep_dir", ("--heatmap", "strategy.pace,strategy.bundling")),
}


@pytest.fixture(scope="module", params=list(KINDS))
def page(request, browser, reported):
    kind = request.param
    fixture, args = KINDS[kind]
    source = request.getfixturevalue(fixture)
    directory, html = reported(f"browser_{kind}", source, *args)
    browser.set_window_size(WIDTH, 900)
    browser.get((directory / "report.html").resolve().as_uri())
    return kind, directory, html, browser


def test_nothing_is_wider_than_the_page(page):
    kind, _, _, b = page
    scroll, client = b.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"the {kind} report scrolls sideways at {WIDTH} px ({scroll} > {client})"
    outside = b.execute_script("""
        const right = document.querySelector('main').getBoundingClientRect().right;
        return [...document.querySelectorAll('figure img, .table-wrap, p, ul, nav, footer')]
            .filter(e => e.getBoundingClientRect().right > right + 1)
            .map(e => e.tagName + (e.closest('section') ? ' in ' + e.closest('section').id : ''));""")
    assert outside == [], f"{kind}: beyond the page's column: {outside}"


def test_the_smallest_text_of_every_figure_is_legible(page):
    kind, _, _, b = page
    figures = b.execute_script("""
        return [...document.querySelectorAll('figure img')].map(i => [
            i.closest('figure').id, i.naturalWidth, i.getBoundingClientRect().width,
            +i.dataset.smallestTextPt, +i.dataset.dpi]);""")
    assert figures, f"{kind}: no figures"
    small = []
    for fid, natural, shown, pt, dpi in figures:
        px = pt * dpi / 72 * shown / natural
        if px < SMALLEST_TEXT_PX:
            small.append(f"{fid}: {px:.1f} px")
    assert small == [], f"{kind}: text under {SMALLEST_TEXT_PX:g} px at {WIDTH} px wide: {small}"


def test_no_local_path_in_a_report(page):
    kind, directory, html, b = page
    text = b.execute_script("return document.body.innerText")
    for local in {str(directory.resolve()), str(directory.resolve().parent), str(outputs.REPO)}:
        assert local not in text and local not in html, f"{kind}: the report shows {local}"
    assert not re.search(r"(?<![\w.])/(tmp|home|root|work)/", text), f"{kind}: a local path"


def test_a_screenshot_of_each_report_kind(page):
    kind, _, _, b = page
    height = b.execute_script("return document.body.scrollHeight")
    b.set_window_size(WIDTH, min(height, 16000))
    file = outputs.screenshot_dir() / f"{kind}.png"
    b.save_screenshot(str(file))
    b.set_window_size(WIDTH, 900)
    assert file.stat().st_size > 10_000
    print(f"screenshot: {file}")


# ---------------------------------------------------------------- the figures themselves

def report_figures(directory: Path, *args):
    heatmaps = [args[i + 1] for i, a in enumerate(args) if a == "--heatmap"]
    return build_report(load_output(directory), heatmaps=heatmaps).figures()


@pytest.mark.parametrize("kind", list(KINDS))
def test_tick_labels_neither_overlap_nor_use_scientific_notation(kind, request):
    fixture, args = KINDS[kind]
    for block in report_figures(request.getfixturevalue(fixture), *args):
        fig = block.figure
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            for axis in (ax.xaxis, ax.yaxis):
                labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
                for t in labels:
                    assert not re.search(r"\de[-+]?\d", t.get_text()), \
                        f"{block.id}: tick label {t.get_text()!r}"
                boxes = [t.get_window_extent(renderer) for t in labels]
                for i in range(len(boxes) - 1):
                    for j in range(i + 1, len(boxes)):
                        a, c = boxes[i], boxes[j]
                        overlap = (min(a.x1, c.x1) - max(a.x0, c.x0) > 0.5
                                   and min(a.y1, c.y1) - max(a.y0, c.y0) > 0.5)
                        assert not overlap, (f"{block.id}: tick labels {labels[i].get_text()!r} and "
                                             f"{labels[j].get_text()!r} overlap")


def test_compared_funding_charts_share_one_scale(compare_dir):
    (block,) = [b for b in report_figures(compare_dir) if b.id == "funding"]
    limits = {tuple(round(v, 6) for v in ax.get_ylim()) for ax in block.figure.axes
              if ax.get_visible() and ax.get_ylabel().startswith("USD per teacher")}
    assert len(limits) == 1, limits
