#!/usr/bin/python3
"""Writes DIR/report.html, a self-contained report of a districtsim output directory.

    analysis/report.py DIR [--png] [--out FILE] [--quiet]

DIR is the output of `districtsim run` or `districtsim compare`. --png also
writes each figure as DIR/figures/<figure>.png (for slides). Exit status 0 on
success, 2 if DIR is not a districtsim output (one line on stderr), 1 if the
report cannot be written. Runs with Debian's /usr/bin/python3, which has the
numpy, pandas and matplotlib that scripts/setup installs.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
sys.dont_write_bytecode = True

from districtsim_analysis.report import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
