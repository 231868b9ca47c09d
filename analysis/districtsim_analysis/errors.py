"""Errors a report can end with, each with a one-line message and an exit status."""


class ReportError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""

    exit_status = 1


class NotAnOutput(ReportError):
    """The directory is not a (complete, readable) districtsim output directory."""

    exit_status = 2


class UnsupportedOutput(ReportError):
    """A districtsim output of a kind this version cannot report on yet."""

    exit_status = 2


class BadOption(ReportError):
    """A command-line option that does not fit the output (a parameter it does not vary)."""

    exit_status = 2
