"""Figures of run and compare outputs, each a function returning a matplotlib Figure.

The functions draw only; words about what a figure shows (its caption) are
written by the report builder, which knows the numbers. Every figure stands
alone as a PNG for slides: it has a title, axis labels with units and a legend.
Scenarios keep one colour throughout (`scenario_colours`), the baseline first.

Figures use matplotlib's object API (`matplotlib.figure.Figure`), never pyplot,
so no global figure state builds up and nothing needs a display.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from . import series  # noqa: E402
from .loading import RunOutput  # noqa: E402
from .metrics import COUNT, DIALS, FTE, RATE, SHARE, USD, axis_scale, metric  # noqa: E402

# Okabe and Ito's colour-blind-safe palette (yellow last: weak on white).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442"]
BAND_ALPHA = 0.18

STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "figure.titlesize": 13,
    "figure.titleweight": "bold",
}

# Colours of spending sources.
SOURCE_COLOURS = {
    "grant": "#E69F00",
    "recurring": "#56B4E9",
    "internal": "#009E73",
    "external": "#CC79A7",
}
SOURCE_LABELS = {
    "grant": "paid by the grant",
    "recurring": "paid by the recurring district budget",
    "internal": "spent in the district (own coaches, stipends, launches)",
    "external": "paid to partners (contracted coaches)",
}

OUTCOME_PANELS = ["capacity_index", "self_sufficiency", "equity_gap", "spend_per_teacher",
                  "commitment_fatigue", "initiative_active"]
DIFFERENCE_PANELS = ["capacity_index", "self_sufficiency", "equity_gap", "spend_per_teacher",
                     "commitment_mean", "fatigue_mean", "initiative_active", "internal_coach_fte"]
STAFFING_PANELS = ["teacher_leaders", "internal_coach_fte", "partner_coach_fte"]


def scenario_colours(names: list[str]) -> dict[str, str]:
    """One colour per scenario, in scenario order."""
    colours = {}
    for i, name in enumerate(names):
        if i < len(PALETTE):
            colours[name] = PALETTE[i]
        else:
            colours[name] = matplotlib.colormaps["tab20"]((i - len(PALETTE)) % 20)
    return colours


def _new_figure(rows: int, cols: int, width: float, height: float, title: str):
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False)
        fig.suptitle(title)
    return fig, axes


def _time_axis(ax, out: RunOutput, label: bool = True):
    ax.set_xlim(0, max(out.horizon, 1))
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True, nbins=7))
    if label:
        ax.set_xlabel("year")


def _value_axis(ax, m):
    """Y label and tick format for a metric's unit."""
    ax.set_ylabel(m.axis)
    if m.unit in (SHARE, RATE):
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:.0f}%"))
    elif m.unit == USD:
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"${v:,.0f}"))
    elif m.unit in (COUNT,):
        ax.yaxis.set_major_locator(mticker.MaxNLocator(integer=True))


def _signed_formatter(axis, money: bool = False):
    """Tick labels with a sign and as many decimals as the tick spacing needs."""
    def label(v, _):
        locs = axis.get_majorticklocs()
        step = abs(locs[1] - locs[0]) if len(locs) > 1 else 1.0
        decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 0
        text = f"{abs(v):,.{decimals}f}"
        if float(text.replace(",", "")) == 0:
            return "0"
        sign = "+" if v > 0 else "\u2212"
        return f"{sign}{'$' if money else ''}{text}"
    return mticker.FuncFormatter(label)


def _draw_band(ax, df, m, colour, *, linestyle="-", band=True, centre="p50", label=None):
    k = axis_scale(m)
    ax.plot(df["t"], df[centre] * k, color=colour, lw=2, ls=linestyle, label=label)
    if band:
        ax.fill_between(df["t"], df["p10"] * k, df["p90"] * k, color=colour, alpha=BAND_ALPHA,
                        lw=0)


def _band_legend(fig, out: RunOutput, colours, *, what="median", band="10\u201390% of them",
                 extra=()):
    """Scenario colours and what the line and shading mean, below the panels."""
    if len(out.names) == 1:
        handles = [Line2D([], [], color=colours[out.names[0]], lw=2,
                          label=f"{what} of the runs still running the initiative "
                                f"(of {out.replications})")]
    else:
        handles = [Line2D([], [], color=colours[n], lw=2, label=n) for n in out.names]
        handles.append(Line2D([], [], color="0.3", lw=2,
                              label=f"line: {what} of the runs still running the initiative "
                                    f"(of {out.replications})"))
    if band:
        handles.append(Patch(color="0.3", alpha=BAND_ALPHA + 0.1, lw=0, label=f"shaded: {band}"))
    handles.extend(extra)
    _figure_legend(fig, handles)


def _figure_legend(fig, handles):
    """The legend under the panels, on one line when it fits."""
    ncol = len(handles) if len(handles) <= 6 else math.ceil(len(handles) / 2)
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol,
               frameon=False)


def _milestone_lines(ax, out: RunOutput, years=(3, 5)):
    for y in years:
        if y < out.horizon:
            ax.axvline(y, color="0.45", lw=0.9, ls=":", zorder=0)
            ax.annotate(f"year {y}", (y, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(-2, -3), textcoords="offset points", fontsize=8, color="0.35",
                        va="top", ha="right", rotation=90)


# ---------------------------------------------------------------- the figures

def outcomes_figure(out: RunOutput) -> Figure:
    """Key outcomes over time: median and 10-90% band per scenario, six panels."""
    colours = scenario_colours(out.names)
    fig, axes = _new_figure(2, 3, 13, 7.4, "Key outcomes over time")
    for ax, panel in zip(axes.flat, OUTCOME_PANELS):
        if panel == "commitment_fatigue":
            for name in out.names:
                for metric_name, ls in (("commitment_mean", "-"), ("fatigue_mean", "--")):
                    _draw_band(ax, series.band(out, metric_name, name), metric(metric_name),
                               colours[name], linestyle=ls)
            ax.set_title("Teachers' commitment and fatigue")
            ax.set_ylabel("mean over teachers (0\u20131)")
            ax.set_ylim(0, 1)
            ax.legend(handles=[Line2D([], [], color="0.2", ls="-", label="commitment"),
                               Line2D([], [], color="0.2", ls="--", label="fatigue")],
                      loc="upper right", fontsize=8.5)
        elif panel == "initiative_active":
            m = metric(panel)
            for name in out.names:
                df = series.band(out, panel, name)
                ax.plot(df["t"], df["mean"] * 100, color=colours[name], lw=2)
            ax.set_title("Initiative still running (share of runs)")
            ax.set_ylabel("runs where the district still runs it (%)")
            ax.set_ylim(-3, 103)
            ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:.0f}%"))
        else:
            m = metric(panel)
            for name in out.names:
                _draw_band(ax, series.band(out, panel, name), m, colours[name])
            _value_axis(ax, m)
            if panel == "capacity_index":
                ax.set_title("Capacity: teachers practising well")
                ax.set_ylim(bottom=0)
            elif panel == "self_sufficiency":
                ax.set_title("Self-sufficiency: own coaches vs need")
                ax.set_ylim(-3, 103)
            elif panel == "equity_gap":
                ax.set_title("Equity gap between schools")
                ax.axhline(0, color="0.3", lw=0.8)
                ax.set_ylabel("depth, least-needy minus neediest half")
                ax.text(0.02, 0.97, "\u2191 least-needy schools deeper", transform=ax.transAxes,
                        fontsize=8, color="0.35", va="top")
                ax.text(0.02, 0.03, "\u2193 neediest schools deeper", transform=ax.transAxes,
                        fontsize=8, color="0.35", va="bottom")
                lo, hi = ax.get_ylim()
                lim = max(abs(lo), abs(hi), 0.05)
                ax.set_ylim(-lim, lim)
            elif panel == "spend_per_teacher":
                ax.set_title("Spending per teacher")
                ax.set_ylim(bottom=0)
        _time_axis(ax, out)
    _band_legend(fig, out, colours)
    return fig


def differences_figure(out: RunOutput) -> Figure:
    """Paired differences from the baseline with 95% intervals, one colour per scenario."""
    colours = scenario_colours(out.names)
    base = out.names[0]
    fig, axes = _new_figure(2, 4, 15, 7.2, f"Difference from {base}, run by run")
    for ax, name in zip(axes.flat, DIFFERENCE_PANELS):
        m = metric(name)
        k = axis_scale(m)
        for other in out.names[1:]:
            d = series.difference(out, name, other)
            ax.plot(d["t"], d["mean"] * k, color=colours[other], lw=2)
            ax.fill_between(d["t"], d["ci_low"] * k, d["ci_high"] * k, color=colours[other],
                            alpha=BAND_ALPHA, lw=0)
        ax.axhline(0, color="0.3", lw=0.8)
        if m.unit in (SHARE, RATE):  # a difference of shares lies within +-100 points
            lo, hi = ax.get_ylim()
            ax.set_ylim(max(lo, -105), min(hi, 105))
        ax.set_title(m.label)
        if m.unit in (SHARE, RATE):
            ax.set_ylabel("difference (percentage points)")
        elif m.unit == USD:
            ax.set_ylabel("difference (USD per teacher per year)")
        elif m.unit == FTE:
            ax.set_ylabel("difference (FTE)")
        elif m.unit == COUNT:
            ax.set_ylabel("difference (people)")
        else:
            ax.set_ylabel("difference (on its 0\u20131 scale)")
        ax.yaxis.set_major_formatter(_signed_formatter(ax.yaxis, money=m.unit == USD))
        _time_axis(ax, out)
    handles = [Line2D([], [], color=colours[o], lw=2, label=f"{o} minus {base}")
               for o in out.names[1:]]
    handles.append(Line2D([], [], color="0.3", lw=2, label="line: mean paired difference"))
    handles.append(Patch(color="0.3", alpha=BAND_ALPHA + 0.1, lw=0,
                         label="shaded: 95% confidence interval"))
    _figure_legend(fig, handles)
    return fig


def dials_figure(out: RunOutput, dials: list[str]) -> Figure:
    """The moving dials over time: median and 10-90% band per scenario."""
    colours = scenario_colours(out.names)
    cols = {5: 3, 6: 3}.get(len(dials), min(len(dials), 4))
    rows = math.ceil(len(dials) / cols)
    fig, axes = _new_figure(rows, cols, 3.6 * cols + 1, 3.2 * rows + 0.8,
                            "Strategy dials as the district adapts")
    for ax in axes.flat[len(dials):]:
        ax.set_visible(False)
    for ax, dial in zip(axes.flat, dials):
        m = metric(dial)
        for name in out.names:
            _draw_band(ax, series.band(out, dial, name), m, colours[name])
        label, low, high = DIALS[dial]
        ax.set_title(label)
        ax.set_ylim(-0.03, 1.03)
        ax.set_ylabel("dial value (0\u20131)")
        ax.text(0.02, 0.98, f"1 = {high}", transform=ax.transAxes, fontsize=8, color="0.35",
                va="top")
        ax.text(0.02, 0.02, f"0 = {low}", transform=ax.transAxes, fontsize=8, color="0.35",
                va="bottom")
        _time_axis(ax, out)
    _band_legend(fig, out, colours)
    return fig


def sustainability_figure(out: RunOutput) -> Figure:
    """How many runs became sustainable after how many years, with "never" apart."""
    colours = scenario_colours(out.names)
    horizon = out.horizon
    fig, axes = _new_figure(1, 1, 11, 4.6, "Years until the district is sustainable")
    ax = axes[0, 0]
    n = len(out.names)
    width = 0.8 / n
    never_x = horizon + 2
    top = 0
    for i, name in enumerate(out.names):
        s = series.sustainability(out, name)
        counts = s["reached"].round().astype(int).value_counts()
        xs = np.arange(1, horizon + 1)
        ys = np.array([counts.get(x, 0) for x in xs])
        offset = (i - (n - 1) / 2) * width
        ax.bar(xs + offset, ys, width=width, color=colours[name], label=name)
        ax.bar([never_x + offset], [s["never"]], width=width, color=colours[name],
               hatch="///", edgecolor="white", lw=0)
        ax.annotate(str(s["never"]), (never_x + offset, s["never"]), xytext=(0, 2),
                    textcoords="offset points", ha="center", fontsize=8)
        top = max(top, int(ys.max(initial=0)), s["never"])
    step = 1 if horizon <= 15 else 5 if horizon <= 40 else 10
    ticks = [1] + list(range(step, horizon + 1, step)) if step > 1 else list(range(1, horizon + 1))
    ticks = sorted(set(t for t in ticks if t <= horizon))
    ax.set_xticks(ticks + [never_x])
    ax.set_xticklabels([str(t) for t in ticks] + [f"never\n(by year {horizon})"])
    ax.axvline(horizon + 1, color="0.5", lw=0.8, ls="--")
    ax.set_xlim(0.3, never_x + 0.8)
    ax.set_ylim(0, max(top, 1) * 1.15)
    ax.yaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.set_xlabel("years until capacity and self-sufficiency both hold to the end of the run")
    ax.set_ylabel(f"runs (of {out.replications})")
    ax.grid(axis="x", visible=False)
    handles = [Patch(color=colours[nm], label=nm) for nm in out.names] if n > 1 else []
    handles.append(Patch(facecolor="0.5", hatch="///", edgecolor="white",
                         label="hatched: never sustainable within the run"))
    ax.legend(handles=handles, loc="upper left")
    return fig


def staffing_figure(out: RunOutput) -> Figure:
    """Teacher-leaders, internal coaches and partner coaches over time."""
    colours = scenario_colours(out.names)
    fig, axes = _new_figure(1, 3, 13, 4.4, "Who does the coaching: staffing over time")
    titles = {"teacher_leaders": "Teacher-leaders (the coach pool)",
              "internal_coach_fte": "Internal coaches (district staff)",
              "partner_coach_fte": "Partner coaches (contracted)"}
    for ax, name in zip(axes.flat, STAFFING_PANELS):
        m = metric(name)
        for scen in out.names:
            _draw_band(ax, series.band(out, name, scen), m, colours[scen])
        _value_axis(ax, m)
        ax.set_title(titles[name])
        ax.set_ylim(0, max(ax.get_ylim()[1], 1))
        _time_axis(ax, out)
        _milestone_lines(ax, out)
    _band_legend(fig, out, colours)
    return fig


def funding_figure(out: RunOutput) -> Figure:
    """Spending per teacher by source, per scenario: grant vs recurring, internal vs external."""
    rows = len(out.names)
    fig, axes = _new_figure(rows, 2, 13, 3.7 * rows + 0.6,
                            "Where the money comes from and where it goes")
    every = {name: series.spending_by_source(out, name) for name in out.names}
    # One y scale for every panel, so that the scenarios compare at a glance.
    top = max((float(p["total"].max()) for p in every.values() if len(p)), default=0.0)
    for r, name in enumerate(out.names):
        parts = every[name]
        n_teachers = series.teachers(out, name)
        sc = out.scenario(name)
        grant_years = sc.get("district.grant_years") or 0
        grant = sc.get("district.grant_per_year") or 0
        prefix = f"{name}: " if rows > 1 else ""
        for c, (lower, upper, title) in enumerate([
            ("grant", "recurring", "paid from the grant or the recurring budget"),
            ("internal", "external", "spent in the district or paid to partners"),
        ]):
            ax = axes[r, c]
            ax.bar(parts["year"], parts[lower], color=SOURCE_COLOURS[lower], width=0.85,
                   label=SOURCE_LABELS[lower])
            ax.bar(parts["year"], parts[upper], bottom=parts[lower], color=SOURCE_COLOURS[upper],
                   width=0.85, label=SOURCE_LABELS[upper])
            ax.set_title(prefix + title, fontsize=10.5)
            ax.set_ylabel("USD per teacher per year (mean)")
            ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"${v:,.0f}"))
            ax.set_xlim(0.3, out.horizon + 0.7)
            ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True, nbins=7))
            ax.set_xlabel("year")
            ax.grid(axis="x", visible=False)
            ax.set_ylim(0, max(top, 1) * 1.12)
            if grant > 0 and 0 < grant_years < out.horizon:
                ax.axvline(grant_years + 0.5, color="0.3", lw=1, ls="--")
                ax.annotate("grant ends", (grant_years + 0.5, 1.0),
                            xycoords=("data", "axes fraction"), xytext=(3, -2),
                            textcoords="offset points", fontsize=8, color="0.3", va="top")
            if n_teachers and not math.isnan(n_teachers) and n_teachers > 0:
                sec = ax.secondary_yaxis(
                    "right", functions=(lambda v, n=n_teachers: v * n / 1e6,
                                        lambda v, n=n_teachers: v * 1e6 / n))
                sec.set_ylabel("district total (million USD per year)")
    handles = [Patch(color=SOURCE_COLOURS[k], label=SOURCE_LABELS[k])
               for k in ("grant", "recurring", "internal", "external")]
    _figure_legend(fig, handles)
    return fig
