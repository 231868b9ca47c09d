"""Figures of sweep outputs, each a function returning a matplotlib Figure.

As in figures.py: drawing only (captions are written by sweep_report.py), the
object API (no pyplot), and every figure readable alone as a PNG. Each point of
a scatter is one point of the sweep: an outcome's mean over its replications.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from . import sweep_series as ss  # noqa: E402
from .figures import PALETTE, _figure_legend, _new_figure  # noqa: E402
from .loading import SweepOutput  # noqa: E402
from .metrics import RATE, SHARE, USD, axis_scale, metric  # noqa: E402

POINT_COLOUR = PALETTE[0]
TREND_COLOUR = PALETTE[1]
LOW_COLOUR = PALETTE[5]  # tornado: the parameter's low values
HIGH_COLOUR = PALETTE[1]  # ... and its high values
FIRST_COLOUR = PALETTE[0]  # Sobol first-order
TOTAL_COLOUR = PALETTE[4]  # Sobol total
FRONT_COLOUR = "#000000"


def _grid(n: int, max_cols: int = 3) -> tuple[int, int]:
    cols = min(n, max_cols)
    return math.ceil(n / cols), cols


def _panel_figure(n: int, max_cols: int, panel_width: float, panel_height: float, title: str,
                  extra_width: float = 0.0, extra_height: float = 0.8):
    """A figure of n panels, at most max_cols a row, each panel_width x panel_height inches
    (plus extra_width and extra_height for the whole); the unused places are hidden."""
    rows, cols = _grid(n, max_cols)
    fig, axes = _new_figure(rows, cols, panel_width * cols + extra_width,
                            panel_height * rows + extra_height, title)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes


ERROR_BARS = {"ecolor": "0.25", "lw": 1, "capsize": 2.5}


def _interval_bars(ax, ys: np.ndarray, value: np.ndarray, low: np.ndarray, high: np.ndarray,
                   height: float, colour: str):
    """Horizontal bars of value (empty ones at 0) with low..high as error lines."""
    err = np.vstack([np.nan_to_num(np.maximum(value - low, 0)),
                     np.nan_to_num(np.maximum(high - value, 0))])
    ax.barh(ys, np.nan_to_num(value), height=height, color=colour, xerr=err,
            error_kw=ERROR_BARS)


def _parameter_rows(ax, out: SweepOutput, ys: np.ndarray):
    """One row per varied parameter, top to bottom in the sweep file's order."""
    ax.set_yticks(ys)
    ax.set_yticklabels([ss.parameter_label(p) for p in out.parameters], fontsize=8.5)
    ax.invert_yaxis()


def _morris_of(out: SweepOutput, outcome: str) -> tuple[str, float, pd.DataFrame]:
    """The outcome's Morris measures, by parameter in the sweep's order: (the name of the
    outcome they are computed on, its axis scale, the rows of sensitivity.csv)."""
    name = ss.SENSITIVITY_OF.get(outcome, outcome)
    s = ss.sensitivity_of(out, outcome).set_index("parameter").reindex(out.parameters)
    return name, axis_scale(metric(name)), s


def _outcome_axis(axis, name: str):
    """Tick format for an outcome's unit on a (y or x) axis: 40%, 2.5%, $1,200, $1.5M."""
    m = metric(name)
    if m.unit in (SHARE, RATE):
        axis.set_major_formatter(mticker.PercentFormatter(xmax=100, decimals=None))
    elif m.unit == USD:
        def money(v, _):
            top = max(abs(t) for t in axis.get_majorticklocs()) if len(
                axis.get_majorticklocs()) else abs(v)
            if top >= 1e6:
                return f"${v / 1e6:,.1f}M"
            return f"${v:,.0f}"
        axis.set_major_formatter(mticker.FuncFormatter(money))


def outcome_title(out: SweepOutput, name: str) -> str:
    m = metric(name)
    if name == ss.COST:
        return f"{m.label} (mean of years 1\u2013{out.horizon})"
    if name.endswith("_final"):
        return f"{m.label.removesuffix(' at the horizon')} at year {out.horizon}"
    return m.label


def _axis_label(name: str) -> str:
    return metric(name).axis


def _parameter_axis(ax, points: pd.DataFrame, parameter: str):
    """x axis of a parameter: categories as ticks, dials with what 0 and 1 mean."""
    x = points[parameter]
    label = ss.parameter_label(parameter)
    if not pd.api.types.is_numeric_dtype(x):
        lv = ss.levels(x)
        ax.set_xticks(range(len(lv)))
        ax.set_xticklabels(lv)
    elif ss.is_levelled(x) and len(ss.levels(x)) <= 6:
        lv = ss.levels(x)
        ax.set_xticks(lv)
        ax.set_xticklabels([ss.value_text(v) for v in lv])
    ends = ss.dial_ends(parameter)
    ax.set_xlabel(f"{parameter}" + (f"\n0 = {ends[0]}, 1 = {ends[1]}" if ends else ""),
                  fontsize=8.5)
    ax.set_title(label)


def _x_values(points: pd.DataFrame, parameter: str, jitter: float = 0.0,
              by_level: bool = False) -> np.ndarray:
    x = points[parameter]
    if pd.api.types.is_numeric_dtype(x):
        values = x.to_numpy(dtype=float)
    else:
        index = {v: i for i, v in enumerate(ss.levels(x))}
        values = x.astype(object).map(index).to_numpy(dtype=float)
    if jitter and by_level:
        lv = ss.levels(x) if pd.api.types.is_numeric_dtype(x) else list(range(len(ss.levels(x))))
        step = min(np.diff(lv)) if len(lv) > 1 else 1.0
        rng = np.random.default_rng(0)  # fixed: the same report twice is the same picture
        values = values + rng.uniform(-jitter, jitter, len(values)) * step
    return values


def _trend_x(points: pd.DataFrame, parameter: str, t: pd.DataFrame) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(points[parameter]):
        return t["x"].to_numpy(dtype=float)
    return np.arange(len(t), dtype=float)


# ---------------------------------------------------------------- the figures

def outcome_scatter_figure(out: SweepOutput, points: pd.DataFrame, outcome: str) -> Figure:
    """The outcome's point means against each varied parameter, with the mean trend."""
    params = out.parameters
    fig, axes = _panel_figure(len(params), 3, 4.2, 3.5,
                              f"{outcome_title(out, outcome)} against each parameter",
                              extra_width=0.6, extra_height=0.9)
    k = axis_scale(metric(outcome))
    y = points[outcome] * k
    alpha = 0.55 if len(points) <= 200 else 0.3 if len(points) <= 2000 else 0.15
    size = 16 if len(points) <= 200 else 8
    for ax, p in zip(axes.flat, params):
        by_level = ss.levelled(out, p)
        ax.scatter(_x_values(points, p, jitter=0.12, by_level=by_level), y, s=size,
                   color=POINT_COLOUR, alpha=alpha, lw=0)
        t = ss.trend(points[p], points[outcome], by_level)
        ax.plot(_trend_x(points, p, t), t["y"] * k, color=TREND_COLOUR, lw=2.2, marker="o",
                ms=4)
        _parameter_axis(ax, points, p)
        ax.set_ylabel(_axis_label(outcome), fontsize=8.5)
        _outcome_axis(ax.yaxis, outcome)
    handles = [Line2D([], [], color=POINT_COLOUR, marker="o", ls="", alpha=0.7,
                      label=f"one sweep point (mean of its {out.replications} runs)"),
               Line2D([], [], color=TREND_COLOUR, lw=2.2, marker="o", ms=4,
                      label="trend: mean over the points at each value (or bin of values)")]
    _figure_legend(fig, handles)
    return fig


def heatmap_figure(out: SweepOutput, points: pd.DataFrame, a: str, b: str,
                   outcomes: list[str]) -> Figure:
    """Mean outcome over the points in each cell of parameter a (x) by parameter b (y)."""
    ga, la, _ = ss.bins(points[a], by_level=ss.levelled(out, a), span=ss.declared_range(out, a))
    gb, lb, _ = ss.bins(points[b], by_level=ss.levelled(out, b), span=ss.declared_range(out, b))
    # Two heatmaps a row at most: four in one row shrank their numbers to about 7 pixels
    # on a 1,200-pixel-wide page.
    cols = min(2, len(outcomes))
    rows = math.ceil(len(outcomes) / cols)
    fig, axes = _new_figure(rows, cols, 5.0 * cols + 0.5,
                            rows * max(4.3, 0.42 * len(lb) + 2.8),
                            f"{ss.parameter_label(a)} \u00d7 {ss.parameter_label(b)}")
    for ax in list(axes.flat)[len(outcomes):]:
        ax.set_visible(False)
    for ax, outcome in zip(axes.flat, outcomes):
        m = metric(outcome)
        k = axis_scale(m)
        grid = np.full((len(lb), len(la)), np.nan)
        counts = np.zeros((len(lb), len(la)), dtype=int)
        df = pd.DataFrame({"a": ga, "b": gb, "y": points[outcome]}).dropna()
        for (i, j), g in df.groupby(["b", "a"]):
            grid[int(i), int(j)] = g["y"].mean() * k
            counts[int(i), int(j)] = len(g)
        cmap = matplotlib.colormaps["cividis_r" if outcome == ss.COST else "viridis"]
        image = ax.imshow(grid, origin="lower", aspect="auto", cmap=cmap)
        finite = grid[np.isfinite(grid)]
        mid = (finite.min() + finite.max()) / 2 if finite.size else 0
        for i in range(len(lb)):
            for j in range(len(la)):
                if np.isfinite(grid[i, j]) and len(la) * len(lb) <= 64:
                    text = (f"{grid[i, j]:.0f}%" if m.unit in (SHARE, RATE) else
                            f"${grid[i, j]:,.0f}" if m.unit == USD else f"{grid[i, j]:.2f}")
                    dark = (grid[i, j] < mid) != (outcome == ss.COST)
                    ax.text(j, i, text, ha="center", va="center", fontsize=8,
                            color="white" if dark else "black")
        ax.set_xticks(range(len(la)))
        crowded = sum(len(t) for t in la) > 36
        ax.set_xticklabels(la, rotation=35 if crowded else 0, ha="right" if crowded else "center",
                           fontsize=8)
        ax.set_yticks(range(len(lb)))
        ax.set_yticklabels(lb, fontsize=8)
        ends_a, ends_b = ss.dial_ends(a), ss.dial_ends(b)
        ax.set_xlabel(a + (f"\n0 = {ends_a[0]}, 1 = {ends_a[1]}" if ends_a else ""), fontsize=8.5)
        ax.set_ylabel(b + (f"\n0 = {ends_b[0]}, 1 = {ends_b[1]}" if ends_b else ""), fontsize=8.5)
        ax.set_title(outcome_title(out, outcome), fontsize=10)
        ax.grid(False)
        bar = fig.colorbar(image, ax=ax, shrink=0.85)
        bar.set_label(m.axis, fontsize=8)
        _outcome_axis(bar.ax.yaxis, outcome)
    return fig


def sobol_figure(out: SweepOutput, outcomes: list[str]) -> Figure:
    """First-order and total Sobol indices with their bootstrap 95% intervals."""
    n = len(out.parameters)
    fig, axes = _panel_figure(len(outcomes), 2, 6.2, 0.42 * n + 1.6,
                              "Sobol sensitivity indices: which parameters drive each outcome")
    ys = np.arange(n)
    for ax, outcome in zip(axes.flat, outcomes):
        s = ss.sensitivity_of(out, outcome)
        # y grows downwards (inverted below): first-order on top of each pair.
        for index, colour, offset in (("first", FIRST_COLOUR, -0.2), ("total", TOTAL_COLOUR, 0.2)):
            rows_ = s[s["index"] == index].set_index("parameter").reindex(out.parameters)
            v = rows_["value"].to_numpy(dtype=float)
            _interval_bars(ax, ys + offset, v, rows_["ci_low"].to_numpy(dtype=float),
                           rows_["ci_high"].to_numpy(dtype=float), 0.38, colour)
            for y0, value in zip(ys + offset, v):
                if np.isnan(value):
                    ax.text(0.01, y0, "n/a", va="center", fontsize=7.5, color="0.4",
                            transform=ax.get_yaxis_transform())
        _parameter_rows(ax, out, ys)
        ax.axvline(0, color="0.3", lw=0.8)
        lo, hi = ax.get_xlim()
        ax.set_xlim(min(lo, -0.05), max(hi, 1.05) if hi > 0.5 else max(hi, 0.55))
        ax.set_xlabel("share of the outcome's variance")
        ax.set_title(outcome_title(out, ss.SENSITIVITY_OF.get(outcome, outcome)), fontsize=10)
        ax.grid(axis="y", visible=False)
    handles = [Patch(color=FIRST_COLOUR, label="first-order index: the parameter alone"),
               Patch(color=TOTAL_COLOUR, label="total index: alone and with interactions"),
               Line2D([], [], color="0.25", lw=1, label="bootstrap 95% interval")]
    _figure_legend(fig, handles)
    return fig


def morris_figure(out: SweepOutput, outcomes: list[str]) -> Figure:
    """Morris mu* (mean absolute elementary effect) with its bootstrap 95% interval."""
    n = len(out.parameters)
    fig, axes = _panel_figure(len(outcomes), 2, 6.2, 0.36 * n + 1.6,
                              "Morris screening: how much each parameter moves each outcome")
    ys = np.arange(n)
    for ax, outcome in zip(axes.flat, outcomes):
        name, k, s = _morris_of(out, outcome)
        _interval_bars(ax, ys, s["mu_star"].to_numpy(dtype=float) * k,
                       s["mu_star_ci_low"].to_numpy(dtype=float) * k,
                       s["mu_star_ci_high"].to_numpy(dtype=float) * k, 0.6, FIRST_COLOUR)
        _parameter_rows(ax, out, ys)
        ax.set_xlim(left=0)
        ax.set_xlabel(f"\u03bc* ({_effect_unit(name)} over the parameter's range)")
        _outcome_axis(ax.xaxis, name)
        ax.set_title(outcome_title(out, name), fontsize=10)
        ax.grid(axis="y", visible=False)
    handles = [Patch(color=FIRST_COLOUR, label="\u03bc*: mean absolute effect"),
               Line2D([], [], color="0.25", lw=1, label="bootstrap 95% interval")]
    _figure_legend(fig, handles)
    return fig


def _effect_unit(name: str) -> str:
    m = metric(name)
    if m.unit in (SHARE, RATE):
        return "percentage points"
    if m.unit == USD:
        return "USD"
    return "change"


def morris_sigma_figure(out: SweepOutput, outcomes: list[str]) -> Figure:
    """Morris mu* against sigma per parameter: linear and additive vs interacting effects."""
    fig, axes = _panel_figure(len(outcomes), 2, 5.4, 3.9,
                              "Morris \u03bc* and \u03c3: straight effects or interactions")
    colours = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(out.parameters)}
    for ax, outcome in zip(axes.flat, outcomes):
        name, k, s = _morris_of(out, outcome)
        mu_star = s["mu_star"].to_numpy(dtype=float) * k
        sigma = s["sigma"].to_numpy(dtype=float) * k
        for p, x, y in zip(out.parameters, mu_star, sigma):
            if np.isnan(x) or np.isnan(y):
                continue
            ax.scatter([x], [y], s=40, color=colours[p], zorder=3)
            ax.annotate(ss.parameter_label(p), (x, y), xytext=(4, 3), textcoords="offset points",
                        fontsize=8)
        top = np.nanmax(np.concatenate([mu_star, sigma, [0.0]])) * 1.15 or 1.0
        ax.plot([0, top], [0, top], color="0.45", lw=0.9, ls="--")
        ax.text(top * 0.97, top * 0.9, "\u03c3 = \u03bc*", fontsize=8, color="0.4", ha="right")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        unit = _effect_unit(name)
        ax.set_xlabel(f"\u03bc*: mean absolute effect ({unit})")
        ax.set_ylabel(f"\u03c3: spread of the effects ({unit})")
        _outcome_axis(ax.xaxis, name)
        _outcome_axis(ax.yaxis, name)
        ax.set_title(outcome_title(out, name), fontsize=10)
    return fig


def tornado_figure(out: SweepOutput, points: pd.DataFrame, outcomes: list[str]) -> Figure:
    """Per outcome, each parameter's swing: the mean at its low values and at its high values."""
    n = len(out.parameters)
    fig, axes = _panel_figure(len(outcomes), 2, 6.4, 0.42 * n + 1.7,
                              "Tornado: how far each parameter swings each outcome")
    for ax, outcome in zip(axes.flat, outcomes):
        k = axis_scale(metric(outcome))
        centre = float(points[outcome].mean()) * k
        sw = ss.swings(out, points, outcome)
        ys = np.arange(len(sw))
        for y, w in zip(ys, sw):
            # The longer bar first, so the shorter one stays visible when both lie on one side.
            ends = sorted([(w.low, LOW_COLOUR, 0.62), (w.high, HIGH_COLOUR, 0.62)],
                          key=lambda e: -abs(e[0] * k - centre) if not math.isnan(e[0]) else 0)
            for i, (value, colour, height) in enumerate(ends):
                if math.isnan(value):
                    continue
                same_side = i == 1 and (ends[0][0] * k - centre) * (value * k - centre) > 0
                ax.barh(y, value * k - centre, left=centre, height=0.34 if same_side else height,
                        color=colour)
        ax.axvline(centre, color="0.2", lw=1)
        ax.set_yticks(ys)
        ax.set_yticklabels([f"{ss.parameter_label(w.parameter)}\n"
                            f"low {w.low_label}, high {w.high_label}" for w in sw], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(_axis_label(outcome), fontsize=8.5)
        _outcome_axis(ax.xaxis, outcome)
        ax.set_title(outcome_title(out, outcome), fontsize=10)
        ax.grid(axis="y", visible=False)
    handles = [Patch(color=LOW_COLOUR, label="mean at the parameter's low values"),
               Patch(color=HIGH_COLOUR, label="mean at its high values"),
               Line2D([], [], color="0.2", lw=1, label="mean over all points")]
    _figure_legend(fig, handles)
    return fig


def tradeoff_figure(out: SweepOutput, points: pd.DataFrame, front: pd.Series) -> Figure:
    """Capacity against sustainability and cost, with the non-dominated points marked."""
    fig, axes = _new_figure(1, 2, 13, 5.2,
                            "Trade-off: capacity, sustainability and cost")
    cap, sus, cost = ss.CAPACITY, ss.SUSTAINABILITY, ss.COST
    kc, ks = axis_scale(metric(cap)), axis_scale(metric(sus))
    ok = points[[cap, sus, cost]].notna().all(axis=1)
    p, f = points[ok], front[ok]
    size = 22 if len(p) <= 300 else 10
    panels = [
        (axes[0, 0], p[cap] * kc, p[sus] * ks, p[cost], cost, "cividis_r", cap, sus),
        (axes[0, 1], p[cap] * kc, p[cost], p[sus] * ks, sus, "viridis", cap, cost),
    ]
    for ax, x, y, c, cname, cmap, xname, yname in panels:
        sc = ax.scatter(x[~f], y[~f], c=c[~f], cmap=cmap, s=size, alpha=0.75, lw=0,
                        vmin=c.min(), vmax=c.max())
        ax.scatter(x[f], y[f], c=c[f], cmap=cmap, s=size * 2.6, lw=1.4,
                   edgecolors=FRONT_COLOUR, vmin=c.min(), vmax=c.max(), zorder=3)
        ax.set_xlabel(f"{outcome_title(out, xname)}\n{_axis_label(xname)}", fontsize=8.5)
        ax.set_ylabel(f"{outcome_title(out, yname)}\n{_axis_label(yname)}", fontsize=8.5)
        _outcome_axis(ax.xaxis, xname)
        _outcome_axis(ax.yaxis, yname)
        bar = fig.colorbar(sc, ax=ax, shrink=0.85)
        bar.set_label(f"colour: {outcome_title(out, cname)}", fontsize=8)
        _outcome_axis(bar.ax.yaxis, cname)
    axes[0, 0].set_title("Capacity and self-sufficiency (better: up and right)", fontsize=10)
    axes[0, 1].set_title("Capacity and cost (better: down and right)", fontsize=10)
    handles = [Line2D([], [], color="0.5", marker="o", ls="", label="a sweep point (mean of its "
                                                                    f"{out.replications} runs)"),
               Line2D([], [], color="0.5", marker="o", ls="", ms=9, markeredgecolor=FRONT_COLOUR,
                      markeredgewidth=1.4, label="non-dominated (Pareto) point")]
    _figure_legend(fig, handles)
    return fig


def trajectories_figure(out: SweepOutput, chosen: list[tuple[int, str]], outcomes: list[str]) \
        -> Figure:
    """Outcomes over time at a few points: the mean over replications, one line per point."""
    fig, axes = _new_figure(1, len(outcomes), 4.6 * len(outcomes) + 0.5, 4.2,
                            "Over time at a few points")
    t = out.trajectories
    t = t[t["year_end"]]
    for ax, name in zip(axes.flat, outcomes):
        m = metric(name)
        k = axis_scale(m)
        for i, (point, label) in enumerate(chosen):
            g = t[t["point"] == point].groupby("year")[name].mean()
            ax.plot(g.index, g.to_numpy() * k, color=PALETTE[i % len(PALETTE)], lw=2)
        ax.set_title(m.label)
        ax.set_xlabel("year")
        ax.set_ylabel(m.axis, fontsize=8.5)
        ax.set_xlim(0, max(out.horizon, 1))
        _outcome_axis(ax.yaxis, name)
    handles = [Line2D([], [], color=PALETTE[i % len(PALETTE)], lw=2, label=label)
               for i, (_, label) in enumerate(chosen)]
    _figure_legend(fig, handles)
    return fig
