"""Reports and figures of districtsim output directories.

    from districtsim_analysis import load_output, build_report, write_report
    out = load_output("results/compare")          # RunOutput (run, compare), SweepOutput
    report = build_report(out)                    # Report: sections, figures
    write_report(report, "results/compare/report.html", png_dir=None)

Modules: loading (read and check an output directory), metrics (what each
column means, units, number formats), series (the numbers behind figures and
text), figures (matplotlib figures, one function each), run_report (the
report of run and compare outputs), sweep_series, sweep_figures and
sweep_report (the same for sweep outputs), html (report blocks and
self-contained HTML), report (dispatch by kind, the command line of
analysis/report.py). A new kind of output slots in as a loader in
loading.LOADERS and a builder in report.BUILDERS.
"""

import matplotlib

matplotlib.use("Agg")

from .errors import BadOption, NotAnOutput, ReportError, UnsupportedOutput  # noqa: E402
from .loading import load_output  # noqa: E402
from .report import build_report, main, write_report  # noqa: E402

__all__ = ["BadOption", "NotAnOutput", "ReportError", "UnsupportedOutput", "load_output", "build_report",
           "write_report", "main"]
