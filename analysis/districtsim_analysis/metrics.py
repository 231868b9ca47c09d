"""What each output column means, in words and units, and how to print its values.

The definitions follow docs/model.md section 7; this module only adds the
plain-language labels a report needs. A metric missing here still loads and
plots (under its column name), so a new engine output does not break reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Unit kinds, which decide formatting and axis labels.
SHARE = "share"  # 0..1, shown as a percentage; differences in percentage points
USD = "usd"  # US dollars
COUNT = "count"  # people
FTE = "fte"  # full-time equivalents
SCALE = "scale"  # a 0..1 (or signed) index shown with two decimals
DIAL = "dial"  # a strategy dial, 0..1
YEARS = "years"
RATE = "rate"  # per year, shown as a percentage


@dataclass(frozen=True)
class Metric:
    name: str
    label: str  # short title for a panel
    unit: str  # one of the unit kinds above
    axis: str  # y-axis label, with its unit
    flow: bool = False  # a per-year flow: in monthly output only year-end rows are whole years


METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("capacity_index", "Capacity", SHARE,
               "teachers at Routine use or above (%)"),
        Metric("teacher_skill_mean", "Mean teacher skill", SCALE, "skill (0-1)"),
        Metric("skill_mean_reached", "Skill in launched schools", SCALE, "skill (0-1)"),
        Metric("schools_launched_share", "Schools launched", SHARE, "schools launched (%)"),
        Metric("schools_full_implementation_share", "Schools in full implementation", SHARE,
               "schools (%)"),
        Metric("schools_abandoned_share", "Schools abandoned", SHARE, "schools abandoned (%)"),
        Metric("depth_mean", "Implementation depth", SCALE, "depth (0-1)"),
        Metric("depth_sd", "Spread of depth", SCALE, "sd of depth"),
        Metric("self_sufficiency", "Self-sufficiency", SHARE,
               "coaching need met by own coaches (%)"),
        Metric("retained_capacity", "Retained capacity", SCALE, "ratio"),
        Metric("initiative_active", "Initiative still running", SHARE,
               "runs with the initiative active (%)"),
        Metric("commitment_mean", "Commitment", SCALE, "mean (0-1)"),
        Metric("fatigue_mean", "Fatigue", SCALE, "mean (0-1)"),
        Metric("teacher_turnover_rate", "Teacher turnover", RATE, "teachers leaving (% per year)",
               flow=True),
        Metric("equity_gap", "Equity gap", SCALE,
               "depth gap, least- minus most-needy (0-1)"),
        Metric("spend_per_teacher", "Spending per teacher", USD, "USD per teacher per year",
               flow=True),
        Metric("cumulative_spend", "Cumulative spending", USD, "USD since year 1"),
        Metric("spend_per_capable_teacher", "Spending per capable teacher", USD,
               "cumulative USD per capable teacher"),
        Metric("momentum", "Board and community support", SCALE, "momentum (0-1)"),
        Metric("teacher_leaders", "Teacher-leaders", COUNT, "teacher-leaders (people)"),
        Metric("internal_coach_fte", "Internal coaches", FTE, "paid internal coaches (FTE)",
               flow=True),
        Metric("partner_coach_fte", "Partner coaches", FTE, "contracted partner coaches (FTE)",
               flow=True),
        Metric("grant_share_of_spend", "Grant share of spending", SHARE, "paid by the grant (%)",
               flow=True),
        Metric("external_share_of_spend", "External share of spending", SHARE,
               "paid to partners (%)", flow=True),
    ]
}

# The seven dials: (label, what 0 means, what 1 means).
DIALS: dict[str, tuple[str, str, str]] = {
    "centralization": ("Centralization", "school-led", "district-led"),
    "pace": ("Pace", "slow rollout", "fast rollout"),
    "need_priority": ("Need priority", "readiest schools first", "neediest schools first"),
    "external_sourcing": ("External sourcing", "build: grow own coaches",
                          "buy: external partners"),
    "adaptivity": ("Adaptivity", "fixed plan", "adapts the plan yearly"),
    "bundling": ("Bundling", "modular, a la carte", "packaged, prix fixe"),
    "failure_sharing": ("Failure sharing", "shares best practices",
                        "shares process and failures"),
}
for _dial, (_label, _lo, _hi) in DIALS.items():
    METRICS[_dial] = Metric(_dial, _label, DIAL, f"0 = {_lo}, 1 = {_hi}")

RUN_OUTPUTS: dict[str, Metric] = {
    m.name: m
    for m in [
        Metric("years_to_sustainability", "Years to sustainability", YEARS, "years"),
        Metric("abandoned_share_early", "Early abandonment", SHARE,
               "early launches abandoned (%)"),
        Metric("abandoned_share_later", "Later abandonment", SHARE,
               "later launches abandoned (%)"),
        Metric("superintendent_changes", "Superintendent changes", COUNT,
               "new superintendents over the run"),
        # Derived by the sweep report: cumulative_spend at the horizon / teachers / years.
        Metric("spend_per_teacher_mean", "Spending per teacher", USD,
               "USD per teacher per year, mean over the run"),
    ]
}


def metric(name: str) -> Metric:
    """The metadata of an output column; a plain fallback for unknown names."""
    if name in METRICS:
        return METRICS[name]
    if name in RUN_OUTPUTS:
        return RUN_OUTPUTS[name]
    if name.endswith("_final") and name[: -len("_final")] in METRICS:
        base = METRICS[name[: -len("_final")]]
        return Metric(name, base.label + " at the horizon", base.unit, base.axis, base.flow)
    stem, _, year = name.rpartition("_y")
    if year.isdigit() and stem in METRICS:  # sweep outputs: capacity_index_y10
        base = METRICS[stem]
        return Metric(name, f"{base.label} at year {year}", base.unit, base.axis, base.flow)
    return Metric(name, name.replace("_", " "), SCALE, name)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt(name_or_metric, value, *, signed: bool = False) -> str:
    """A value in its unit, for text: 41%, $737, 12.5 FTE, 0.03."""
    m = name_or_metric if isinstance(name_or_metric, Metric) else metric(name_or_metric)
    if is_missing(value):
        return "n/a"
    value = float(value)
    sign = "+" if signed and value > 0 else ""
    minus = "\u2212" if value < 0 else ""
    a = abs(value)
    if m.unit in (SHARE, RATE):
        pct = a * 100
        text = f"{pct:.0f}" if pct >= 9.5 or pct == 0 else f"{pct:.1f}"
        if text in ("0.0", "-0.0"):
            text = "0"
        return f"{sign if text != '0' else ''}{minus if text != '0' else ''}{text}%"
    if m.unit == USD:
        return f"{sign}{minus}${usd_text(a)}"
    if m.unit == COUNT:
        return f"{sign}{minus}{a:,.0f}"
    if m.unit == FTE:
        return f"{sign}{minus}{a:,.1f} FTE"
    if m.unit == YEARS:
        return f"{sign}{minus}{a:.0f} years" if a != 1 else f"{sign}{minus}1 year"
    text = f"{a:.2f}"
    if text == "0.00":
        return "0.00"
    return f"{sign}{minus}{text}"


def fmt_diff(name_or_metric, value) -> str:
    """A difference in its unit: shares in percentage points."""
    m = name_or_metric if isinstance(name_or_metric, Metric) else metric(name_or_metric)
    if is_missing(value):
        return "n/a"
    if m.unit in (SHARE, RATE):
        pts = float(value) * 100
        text = f"{abs(pts):.1f}"
        if text == "0.0":
            return "0.0 points"
        return f"{'+' if pts > 0 else chr(0x2212)}{text} points"
    if m.unit == YEARS:  # a difference of years: "+0.3 years", not "+0 years"
        v = float(value)
        text = f"{abs(v):.1f}"
        if text == "0.0":
            return "0.0 years"
        return f"{'+' if v > 0 else chr(0x2212)}{text} {'year' if text == '1.0' else 'years'}"
    return fmt(m, value, signed=True)


def without_local_paths(text: str) -> str:
    """`text` with every absolute path cut to its last part (the file or folder's name):
    a report is mailed, and the reader's machine is not the writer's
    ('/home/ann/runs/build.toml' -> 'build.toml'; the program -> 'districtsim')."""
    import re
    def name(m):
        path = m.group(0)
        last = path.rstrip("/").rsplit("/", 1)[-1]
        return "districtsim" if last == "districtsim" else last
    return re.sub(r"(?<![\w.~])/[^\s'\",;()]+", name, text)


def money(amount) -> str:
    """$12,300 / $1.6 million; n/a when missing."""
    if is_missing(amount):
        return "n/a"
    return f"${usd_text(float(amount))}"


def usd_text(amount: float) -> str:
    """12,300 / 1.6 million, without the dollar sign."""
    if amount >= 1e6:
        return f"{amount / 1e6:,.1f} million"
    return f"{amount:,.0f}"


def axis_scale(m: Metric) -> float:
    """Factor applied to values for plotting (shares are drawn in percent)."""
    return 100.0 if m.unit in (SHARE, RATE) else 1.0
