"""Building and writing a report for any districtsim output directory.

`main(argv)` is the command line of analysis/report.py: it prints one line
per problem on stderr and returns an exit status (0 written, 1 could not
write, 2 not a districtsim output or an option that does not fit it), never
a traceback for a problem of the input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable

from . import bottom_line, run_report, sweep_report
from .errors import BadOption, ReportError
from .html import Report, render_html
from .loading import load_output

# kind -> builder(loaded output, **sweep options) -> Report.
BUILDERS: dict[str, Callable[..., Report]] = {
    "run": run_report.build,
    "compare": run_report.build,
    "sweep": sweep_report.build,
}


def build_report(out, heatmaps=(), outcome: str | None = None, material=()) -> Report:
    """The report of a loaded output; `heatmaps` ("a,b" parameter pairs) and
    `outcome` (the key outcome's runs.csv column) apply to sweeps only, `material`
    (NAME=VALUE thresholds of the bottom line, bottom_line.py) to comparisons."""
    kind = getattr(out, "kind", None)
    if kind not in BUILDERS:
        raise ReportError(f"no report for outputs of kind {kind!r}")
    try:
        thresholds = bottom_line.parse_thresholds(list(material))
    except ValueError as e:
        raise BadOption(str(e)) from None
    if kind != "sweep":
        if heatmaps or outcome:
            option = "--heatmap" if heatmaps else "--outcome"
            raise BadOption(f"{out.path}: {option} applies to sweep outputs; this is a {kind} "
                            f"output")
        return BUILDERS[kind](out, thresholds)
    if material:
        raise BadOption(f"{out.path}: --material applies to compare outputs; this is a sweep output")
    return BUILDERS[kind](out, heatmaps=heatmaps, outcome=outcome)


def write_report(report: Report, html_file: str | os.PathLike,
                 png_dir: str | os.PathLike | None = None) -> list[Path]:
    """Writes the HTML (through a temporary file, so a reader never sees half
    of it) and, with png_dir, each figure as <id>.png. Returns the files written."""
    html_file = Path(html_file)
    written = []
    if png_dir is not None:
        written += report.write_pngs(Path(png_dir))
    tmp = html_file.with_name(f".{html_file.name}.tmp")
    try:
        tmp.write_text(render_html(report), encoding="utf-8")
        os.replace(tmp, html_file)
    finally:
        if tmp.exists():
            tmp.unlink()
    written.append(html_file)
    return written


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="report.py",
        description="Writes a self-contained HTML report (DIR/report.html) of a districtsim "
                    "output directory (run, compare or sweep).")
    p.add_argument("dir", metavar="DIR",
                   help="the output directory of districtsim run, compare or sweep")
    p.add_argument("--png", action="store_true",
                   help="also write each figure as a PNG into DIR/figures/")
    p.add_argument("--out", metavar="FILE", help="where to write the HTML (default DIR/report.html)")
    p.add_argument("--quiet", action="store_true", help="print nothing when all goes well")
    p.add_argument("--heatmap", metavar="A,B", action="append", default=[],
                   help="sweeps: a heatmap of the key outcomes over two varied parameters, e.g. "
                        "strategy.pace,strategy.external_sourcing (repeatable; a sweep of two "
                        "parameters gets theirs without asking)")
    p.add_argument("--outcome", metavar="COLUMN",
                   help="sweeps: the key outcome plotted against each parameter and in the "
                        "heatmaps, a runs.csv column (default capacity_index_final)")
    p.add_argument("--material", metavar="NAME=VALUE", action="append", default=[],
                   help="comparisons: the smallest difference the bottom line calls material, "
                        "beside being clear (95%% interval excluding zero): capacity (default "
                        "0.02, 2 points), self_sufficiency (0.05), equity (0.02 of the gap), "
                        "running (0.05 of runs still running the initiative), spending (0.05, "
                        "5%% of the baseline's spending per teacher); repeatable")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    prog = "report.py"
    try:
        out = load_output(args.dir)
        directory = Path(args.dir)
        html_file = Path(args.out) if args.out else directory / "report.html"
        png_dir = directory / "figures" if args.png else None
        if not html_file.parent.is_dir():  # before the slow part
            raise ReportError(f"cannot write the report: no directory {html_file.parent}")
        report = build_report(out, heatmaps=args.heatmap, outcome=args.outcome, material=args.material)
        try:
            written = write_report(report, html_file, png_dir)
        except OSError as e:
            raise ReportError(f"cannot write the report: {e.strerror or e}"
                              f"{f' ({e.filename})' if e.filename else ''}") from None
    except ReportError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return e.exit_status
    if not args.quiet:
        pngs = [w for w in written if w.suffix == ".png"]
        print(f"report: {written[-1]}" + (f" (and {len(pngs)} figures in {pngs[0].parent})"
                                          if pngs else ""))
    return 0
