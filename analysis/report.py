#!/usr/bin/python3
"""Writes DIR/report.html, a self-contained report of a districtsim output directory.

    analysis/report.py DIR [--png] [--out FILE] [--quiet]
                           [--heatmap A,B]... [--outcome COLUMN]

DIR is the output of `districtsim run`, `compare` or `sweep`. --png also
writes each figure as DIR/figures/<figure>.png (for slides). For a sweep,
--heatmap A,B adds a heatmap of the key outcomes over two varied parameters
(repeatable), and --outcome picks the key outcome (a runs.csv column, default
capacity_index_final). Exit status 0 on success, 2 if DIR is not a
districtsim output or an option does not fit it (one line on stderr), 1 if
the report cannot be written. Runs with Debian's /usr/bin/python3, which has the
numpy, pandas and matplotlib that scripts/setup installs.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
sys.dont_write_bytecode = True

from districtsim_analysis.report import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
