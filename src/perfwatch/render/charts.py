"""Inline SVG charts for the reports: the indicator line chart, the area comparison and sparklines.

Charts are drawn with matplotlib's SVG backend on a bare `Figure` (no pyplot, so no global figure list to
leak), and matplotlib is imported inside the functions so that the CLI starts fast. The output is made
fit to inline many times in one HTML page and to print through WeasyPrint:

- deterministic: a fixed `svg.hashsalt` and no date metadata, so the same data gives the same bytes;
- ids unique per chart: every id is prefixed with a hash of the chart, unreferenced ids are dropped;
- text stays text (`svg.fonttype = "none"`) with no font family, so it takes the page's font;
- no global `<style>`: matplotlib's `*{...}` rule would restyle every SVG on the page;
- a `<title>`, a `<desc>` holding the text alternative, and `role="img"`.

Sparklines are written by hand: hundreds of rows of a scorecard cannot wait for matplotlib.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from perfwatch.render.alt_text import (
    describe_area_comparison,
    describe_indicator_series,
    format_number,
    numeric_column,
    pretty_period,
    text_column,
)
from perfwatch.render.icons import (
    AMBER,
    DARK_BLUE,
    GREEN,
    GREY,
    INK,
    LIGHT_BLUE,
    MDC_COMMON,
    MDC_CONCERN,
    MDC_IMPROVEMENT,
    MDC_NEUTRAL,
    RED,
    STATUS_LABELS,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

Width = Literal["half", "full"]

#: A4 portrait with 20 mm margins leaves 170 mm of text width; half width leaves a 5 mm gutter.
FIGURE_WIDTH_IN = {"full": 170 / 25.4, "half": 82.5 / 25.4}
PLOT_HEIGHT_IN = {"full": 2.0, "half": 1.7}
TITLE_CHARACTERS = {"full": 85, "half": 40}
#: Legend entries in reading order; anything else follows.
LEGEND_ORDER = [
    "Value", "Target", "Tolerance band", "Mean", "Process limits", "Trial limits", "Special cause: improvement",
    "Special cause: concern", "Special cause: neutral", "Confidence interval",
]  # fmt: skip
FONT_PT = 7
TITLE_PT = 8
LEGEND_PT = 6.5
#: The most of a chart's width its side margins may take, so long labels never squeeze out the plot.
MAX_MARGINS = 0.6

VALUE_COLOUR = "#425563"
TARGET_COLOUR = "#de1b1b"
MEAN_COLOUR = "#000000"
LIMIT_COLOUR = MDC_COMMON
CI_COLOUR = "#768692"
TOLERANCE_COLOUR = "#ffd88a"
BENCHMARK_COLOURS = {
    "better": GREEN,
    "similar": AMBER,
    "worse": RED,
    "higher": DARK_BLUE,
    "lower": LIGHT_BLUE,
    "not_compared": "#d8dde0",
}
#: Special-cause points: the MDC colour, a darker edge, and a marker shape of their own.
SIGNAL_STYLES = {
    "special_cause_improvement": ("Special cause: improvement", MDC_IMPROVEMENT, "#0072a3", "D"),
    "special_cause_concern": ("Special cause: concern", MDC_CONCERN, "#b35806", "X"),
    "special_cause_neutral_high": ("Special cause: neutral", MDC_NEUTRAL, MDC_NEUTRAL, "s"),
    "special_cause_neutral_low": ("Special cause: neutral", MDC_NEUTRAL, MDC_NEUTRAL, "s"),
}

_RC = {
    "svg.hashsalt": "perfwatch",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": FONT_PT,
    "axes.titlesize": TITLE_PT,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlecolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": GREY,
    "axes.labelcolor": INK,
    "axes.axisbelow": True,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#d8dde0",
    "grid.linewidth": 0.5,
    "xtick.color": GREY,
    "ytick.color": GREY,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "legend.frameon": False,
    "legend.fontsize": LEGEND_PT,
    "legend.handlelength": 2.2,
    "legend.columnspacing": 1.2,
    "figure.facecolor": "white",
}
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
_FONT_FAMILY = re.compile(r"font-family: [^;\"]*;? ?")
_ID = re.compile(r' id="([^"]+)"')
_REFERENCE = re.compile(r'(?:url\(#|href="#)([^)"]+)')


@dataclass(frozen=True)
class Chart:
    """An inline SVG and its text alternative; renders as the SVG in a Jinja template."""

    svg: Markup
    alt: str

    def __html__(self) -> str:
        return str(self.svg)


def _finish_svg(raw: str, title: str, alt: str) -> Markup:
    """Make matplotlib's SVG safe to inline many times in one page (see the module docstring)."""
    svg = _PROLOGUE.sub("", raw, count=1)
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _FONT_FAMILY.sub("", svg)
    referenced = set(_REFERENCE.findall(svg))
    digest = hashlib.sha256("\0".join((svg, title, alt)).encode()).hexdigest()[:10]
    prefix = f"pw{digest}-"
    svg = _ID.sub(lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in referenced else "", svg)
    svg = re.sub(r'(url\(#|href="#)', rf"\g<1>{prefix}", svg)
    label = escape(title)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{label}" class="pw-chart" stroke-linejoin="round" stroke-linecap="butt" ',
        1,
    )
    head_end = svg.index(">") + 1
    return Markup(f"{svg[:head_end]}\n <title>{label}</title>\n <desc>{escape(alt)}</desc>{svg[head_end:]}")


def _render(draw, label: str, alt: str, **options) -> Markup:
    """Draw a figure inside perfwatch's rc settings and return it as finished inline SVG."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        figure = draw(**options)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=_NO_METADATA)
    return _finish_svg(buffer.getvalue(), label, alt)


def _places(step: float) -> int:
    """Decimal places that show a tick step exactly (2.5 → 1, 0.25 → 2, 10 → 0)."""
    places = 0
    while places < 6 and abs(step * 10**places - round(step * 10**places)) > 1e-6:
        places += 1
    return places


@functools.cache
def _unit_formatter_class() -> type:
    """A tick formatter that writes the unit and as many decimals as the tick step needs (built lazily,
    so that importing this module does not import matplotlib)."""
    from matplotlib.ticker import Formatter

    class UnitFormatter(Formatter):
        def __init__(self, unit_label: str) -> None:
            self.unit_label = unit_label
            self.places = 0

        def set_locs(self, locs) -> None:
            steps = np.diff(np.asarray(locs, dtype="float64"))
            step = float(steps.min()) if len(steps) else 1.0
            self.places = _places(step) if step > 0 else 0

        def __call__(self, x: float, pos: int | None = None) -> str:
            return format_number(x, self.unit_label, self.places)

    return UnitFormatter


def _format_axis(axis, unit_label: str) -> None:
    """Ticks with thousands separators and the unit: `92.5%`, `£1,200`; other units go in the axis label."""
    suffix_unit = unit_label if unit_label in ("%", "£") else ""
    axis.set_major_formatter(_unit_formatter_class()(suffix_unit))
    if unit_label and not suffix_unit:
        axis.set_label_text(unit_label)


def _thinned_ticks(labels: Sequence[str], axes_width_in: float, font_size: float) -> np.ndarray:
    """Every k-th position, counted back from the latest so the latest period is always labelled."""
    count = len(labels)
    longest = max((len(label) for label in labels), default=1)
    label_width_in = longest * font_size * 0.62 / 72 + 0.1
    capacity = max(1, int(axes_width_in / label_width_in))
    step = math.ceil(count / capacity)
    return np.arange(count - 1, -1, -step)[::-1]


def _break_between_groups(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Insert a NaN wherever the rebase group changes, so a line breaks there."""
    changes = np.flatnonzero(groups[1:] != groups[:-1]) + 1
    return np.insert(x, changes, np.nan), np.insert(y, changes, np.nan)


def _steps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A level across each period's whole slot (x ± 0.5), so a target shows as steps, even for one point."""
    return np.column_stack([x - 0.5, x + 0.5]).ravel(), np.repeat(y, 2)


def _no_data(axes: Axes) -> None:
    axes.set_axis_off()
    axes.text(0.5, 0.5, "No data", ha="center", va="center", fontsize=9, color=GREY, transform=axes.transAxes)


def _text_width_in(texts: Sequence[str], font_pt: float) -> float:
    """Rough width of the longest text: DejaVu Sans averages 0.6 em a character."""
    return max((len(t) for t in texts), default=0) * 0.62 * font_pt / 72


def _legend_columns(labels: list[str], available_in: float) -> int:
    """The most columns whose widths (matplotlib fills the legend column by column) fit the space."""
    entry_in = 4.6 * LEGEND_PT / 72
    for columns in range(len(labels), 1, -1):
        rows = math.ceil(len(labels) / columns)
        chunks = [labels[start : start + rows] for start in range(0, len(labels), rows)]
        if sum(_text_width_in(chunk, LEGEND_PT) + entry_in for chunk in chunks) <= available_in:
            return len(chunks)
    return 1


def _legend(figure: Figure, handles: list, labels: list[str], available_in: float) -> int:
    """A legend under the axes in as many columns as fit; returns the number of rows it takes."""
    if not labels:
        return 0
    columns = _legend_columns(labels, available_in)
    figure.legend(
        handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.02), ncols=columns, borderaxespad=0
    )
    return math.ceil(len(labels) / columns)


def _place_axes(
    figure: Figure,
    *,
    left_in: float,
    right_in: float,
    plot_height_in: float,
    title: str,
    legend_rows: int,
    x_labels: bool = True,
) -> None:
    """Fixed margins worked out from the text around the axes (one draw, no layout engine); the figure
    grows to hold the title and legend so the plot keeps its height."""
    width_in = figure.get_size_inches()[0]
    shrink = min(1.0, MAX_MARGINS * width_in / (left_in + right_in))
    left_in, right_in = left_in * shrink, right_in * shrink
    top_in = 0.1 + (title.count("\n") + 1) * TITLE_PT * 1.3 / 72
    axis_label_in = 0.16 if figure.axes and figure.axes[0].get_xlabel() else 0
    bottom_in = 0.08 + (0.2 if x_labels else 0) + axis_label_in + legend_rows * LEGEND_PT * 1.75 / 72
    height_in = top_in + plot_height_in + bottom_in
    figure.set_size_inches(width_in, height_in)
    figure.subplots_adjust(
        left=left_in / width_in,
        right=1 - right_in / width_in,
        bottom=bottom_in / height_in,
        top=1 - top_in / height_in,
    )
    # A figure title, not an axes title: long area names push the axes right, the title stays at the edge.
    figure.suptitle(
        title, x=0.06 / width_in, y=1 - 0.06 / height_in, ha="left", va="top", fontsize=TITLE_PT,
        fontweight="bold", color=INK,
    )  # fmt: skip


def _shorten(labels: np.ndarray, characters: int) -> list[str]:
    """Labels cut to a number of characters with an ellipsis; the text alternative keeps them whole."""
    return [label if len(label) <= characters else label[: characters - 1] + "…" for label in labels]


def _y_tick_texts(axes: Axes) -> list[str]:
    low, high = axes.get_ylim()
    locations = [v for v in axes.yaxis.get_major_locator()() if low <= v <= high]
    return axes.yaxis.get_major_formatter().format_ticks(locations)


def _draw_target(axes: Axes, x: np.ndarray, frame: pd.DataFrame, polarity: str) -> None:
    target = numeric_column(frame, "target")
    if not np.isfinite(target).any():
        return
    tolerance = numeric_column(frame, "tolerance")
    sign = {"higher_is_better": -1.0, "lower_is_better": 1.0}.get(polarity, 0.0)
    band_edge = target + sign * tolerance
    if sign and np.isfinite(band_edge).any():
        step_x, step_target = _steps(x, target)
        _, step_edge = _steps(x, band_edge)
        axes.fill_between(
            step_x,
            step_target,
            step_edge,
            color=TOLERANCE_COLOUR,
            linewidth=0,
            label="Tolerance band",
        )
    axes.plot(*_steps(x, target), color=TARGET_COLOUR, linestyle=(0, (5, 3)), linewidth=1.2, label="Target")


def _draw_spc(axes: Axes, x: np.ndarray, frame: pd.DataFrame) -> None:
    mean = numeric_column(frame, "spc_mean")
    if not np.isfinite(mean).any():
        return
    groups = text_column(frame, "spc_group")
    trial = np.isin(text_column(frame, "spc_trial"), ["True", "1", "1.0"])
    axes.plot(*_break_between_groups(x, mean, groups), color=MEAN_COLOUR, linewidth=0.9, label="Mean")
    for column in ("spc_lower", "spc_upper"):
        limit = numeric_column(frame, column)
        for is_trial, style, label in ((False, (0, (4, 2)), "Process limits"), (True, ":", "Trial limits")):
            shown = np.where(trial == is_trial, limit, np.nan)
            if np.isfinite(shown).any():
                axes.plot(
                    *_break_between_groups(x, shown, groups),
                    color=LIMIT_COLOUR, linestyle=style, linewidth=1.1, label=label,
                )  # fmt: skip


def _draw_values(axes: Axes, x: np.ndarray, values: np.ndarray, frame: pd.DataFrame) -> None:
    lower, upper = numeric_column(frame, "ci_lower"), numeric_column(frame, "ci_upper")
    whiskers = np.isfinite(lower) & np.isfinite(upper) & np.isfinite(values)
    if whiskers.any():
        axes.vlines(x[whiskers], lower[whiskers], upper[whiskers], colors=CI_COLOUR, linewidth=0.8,
                    label="Confidence interval")  # fmt: skip
        caps = np.concatenate([lower[whiskers], upper[whiskers]])
        axes.plot(np.tile(x[whiskers], 2), caps, linestyle="none", marker="_", markersize=4, color=CI_COLOUR)
    axes.plot(x, values, color=VALUE_COLOUR, linewidth=1.4, marker="o", markersize=3, label="Value", zorder=3)
    signals = text_column(frame, "spc_signal")
    for signal, (label, colour, edge, marker) in SIGNAL_STYLES.items():
        chosen = (signals == signal) & np.isfinite(values)
        if chosen.any():
            axes.plot(x[chosen], values[chosen], linestyle="none", marker=marker, markersize=6,
                      markerfacecolor=colour, markeredgecolor=edge, markeredgewidth=0.8, label=label, zorder=4)  # fmt: skip


def _indicator_figure(
    points: pd.DataFrame, *, title: str, unit_label: str, polarity: str, width: Width, legend: bool
) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    frame = points.reset_index(drop=True)
    width_in = FIGURE_WIDTH_IN[width]
    figure = Figure(figsize=(width_in, PLOT_HEIGHT_IN[width]))
    axes = figure.add_subplot()
    title = textwrap.fill(title, TITLE_CHARACTERS[width])
    values = numeric_column(frame, "value")
    if not np.isfinite(values).any():
        _no_data(axes)
        _place_axes(
            figure, left_in=0.1, right_in=0.1, plot_height_in=PLOT_HEIGHT_IN[width], title=title, legend_rows=0,
            x_labels=False,
        )  # fmt: skip
        return figure
    x = np.arange(len(frame), dtype="float64")
    _draw_target(axes, x, frame, polarity)
    _draw_spc(axes, x, frame)
    _draw_values(axes, x, values, frame)
    axes.set_xlim(-0.6, len(frame) - 0.4)
    axes.margins(y=0.12)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    _format_axis(axes.yaxis, unit_label)
    handles, names = axes.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    names = sorted(
        unique, key=lambda name: LEGEND_ORDER.index(name) if name in LEGEND_ORDER else len(LEGEND_ORDER)
    )
    rows = _legend(figure, [unique[name] for name in names], names, width_in - 0.1) if legend else 0
    labels = [pretty_period(p, short=True) for p in text_column(frame, "period")]
    right_in = 0.05 + _text_width_in(labels[-1:], FONT_PT) / 2
    _place_axes(
        figure, left_in=0.5, right_in=right_in, plot_height_in=PLOT_HEIGHT_IN[width], title=title,
        legend_rows=rows,
    )  # fmt: skip
    # The y ticks depend on the plot's final height, so measure them only now.
    left_in = 0.14 + _text_width_in(_y_tick_texts(axes), FONT_PT) + (0.2 if axes.get_ylabel() else 0)
    figure.subplots_adjust(left=left_in / width_in)
    ticks = _thinned_ticks(labels, width_in - left_in - right_in, FONT_PT)
    axes.set_xticks(ticks, [labels[i] for i in ticks])
    return figure


def indicator_chart(
    points: pd.DataFrame,
    *,
    title: str,
    unit_label: str = "",
    polarity: str = "higher_is_better",
    decimals: int = 1,
    width: Width = "half",
    legend: bool = True,
) -> Chart:
    """The indicator line chart for one indicator × area, rows sorted by period.

    Columns (from `Results.table`): `period`, `value`, and where present `target`, `tolerance` (the
    absolute amber band width), `ci_lower`, `ci_upper`, `spc_mean`, `spc_lower`, `spc_upper`, `spc_signal`,
    `spc_group`, `spc_trial`, `status`. Missing values leave gaps; a series with no values gives a
    "No data" chart. `unit_label` `%` or `£` formats the ticks, any other label names the y axis.
    `legend=False` leaves the key out (40% of the drawing time), for a report that prints one key per page.
    """
    alt = describe_indicator_series(points, unit_label, polarity, decimals)
    svg = _render(
        _indicator_figure, title, alt, points=points, title=title, unit_label=unit_label, polarity=polarity,
        width=width, legend=legend,
    )  # fmt: skip
    return Chart(svg=svg, alt=alt)


def _area_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    comparator_value: float | None,
    comparator_name: str,
    unit_label: str,
    highlight_area: str | None,
    decimals: int,
    width: Width,
) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator
    from matplotlib.transforms import blended_transform_factory

    values = numeric_column(frame, "value")
    order = np.argsort(np.where(np.isfinite(values), -values, np.inf), kind="stable")
    areas = text_column(frame, "area")[order]
    width_in = FIGURE_WIDTH_IN[width]
    names = _shorten(areas, int(0.35 * width_in / (0.62 * FONT_PT / 72)))
    values = values[order]
    lower, upper = numeric_column(frame, "ci_lower")[order], numeric_column(frame, "ci_upper")[order]
    benchmarks = text_column(frame, "benchmark")[order]
    count = len(areas)
    plot_height_in = 0.1 + 0.19 * max(count, 3)
    figure = Figure(figsize=(width_in, plot_height_in))
    axes = figure.add_subplot()
    title = textwrap.fill(title, TITLE_CHARACTERS[width])
    if not np.isfinite(values).any():
        _no_data(axes)
        _place_axes(
            figure, left_in=0.1, right_in=0.1, plot_height_in=plot_height_in, title=title, legend_rows=0,
            x_labels=False,
        )  # fmt: skip
        return figure
    y = np.arange(count, 0, -1, dtype="float64")
    colours = [BENCHMARK_COLOURS.get(b, BENCHMARK_COLOURS["not_compared"]) for b in benchmarks]
    highlighted = areas == highlight_area
    axes.barh(y, np.nan_to_num(values), height=0.7, color=colours, edgecolor=INK,
              linewidth=np.where(highlighted, 1.6, 0.4))  # fmt: skip
    whiskers = np.isfinite(lower) & np.isfinite(upper) & np.isfinite(values)
    if whiskers.any():
        axes.hlines(y[whiskers], lower[whiskers], upper[whiskers], colors=INK, linewidth=0.8)
        axes.plot(np.concatenate([lower[whiskers], upper[whiskers]]), np.tile(y[whiskers], 2),
                  linestyle="none", marker="|", markersize=4, color=INK)  # fmt: skip
    handles = [
        Patch(
            facecolor=BENCHMARK_COLOURS[b],
            edgecolor=INK,
            linewidth=0.4,
            label=b.replace("_", " ").capitalize(),
        )
        for b in BENCHMARK_COLOURS
        if b in set(benchmarks)
    ]
    if comparator_value is not None and np.isfinite(comparator_value):
        comparator_label = f"{comparator_name} {format_number(comparator_value, unit_label, decimals)}"
        handles.append(axes.axvline(comparator_value, color="#000000", linewidth=1.2, label=comparator_label))
    axes.set_yticks(y, names)
    for tick, bold in zip(axes.get_yticklabels(), highlighted, strict=True):
        tick.set_fontweight("bold" if bold else "normal")
    words = [
        b.replace("_", " ") if np.isfinite(v) else "no data" for b, v in zip(benchmarks, values, strict=True)
    ]
    # Other units are named on the axis; here they would crowd out the plot.
    beside_unit = unit_label if unit_label in ("%", "£") else ""
    value_texts = [format_number(v, beside_unit, decimals) if np.isfinite(v) else "" for v in values]
    right_texts = [f"{v}  {w}".strip() for v, w in zip(value_texts, words, strict=True)]
    beside = blended_transform_factory(axes.transAxes, axes.transData)
    for position, text in zip(y, right_texts, strict=True):
        axes.text(1.02, position, text, transform=beside, va="center", ha="left", color=INK)
    axes.set_ylim(0.4, count + 0.6)
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", visible=True)
    axes.tick_params(axis="y", length=0)
    left_edge = np.nanmin(np.concatenate([values, lower, [0.0]]))
    axes.set_xlim(left=min(0.0, left_edge))
    axes.xaxis.set_major_locator(MaxNLocator(nbins=6 if width == "full" else 4, steps=[1, 2, 5, 10]))
    _format_axis(axes.xaxis, unit_label)
    rows = _legend(figure, handles, [h.get_label() for h in handles], width_in - 0.2)
    _place_axes(
        figure,
        left_in=0.15 + _text_width_in(list(names), FONT_PT) * (1.1 if highlight_area in areas else 1.0),
        right_in=0.15 + _text_width_in(right_texts, FONT_PT),
        plot_height_in=plot_height_in,
        title=title,
        legend_rows=rows,
    )
    return figure


def area_bar_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    comparator_value: float | None,
    comparator_name: str,
    unit_label: str = "",
    highlight_area: str | None = None,
    decimals: int = 1,
    width: Width = "full",
) -> Chart:
    """Areas' latest values as horizontal bars, highest first, with intervals and the comparator line.

    Columns: `area` (the label to show), `value`, and where present `ci_lower`, `ci_upper`, `benchmark`.
    Bars are coloured by benchmark, and each row also names its benchmark in words at the right.
    """
    alt = describe_area_comparison(
        frame, comparator_value=comparator_value, comparator_name=comparator_name, unit_label=unit_label,
        decimals=decimals, highlight_area=highlight_area,
    )  # fmt: skip
    svg = _render(
        _area_figure, title, alt, frame=frame, title=title, comparator_value=comparator_value,
        comparator_name=comparator_name, unit_label=unit_label, highlight_area=highlight_area,
        decimals=decimals, width=width,
    )  # fmt: skip
    return Chart(svg=svg, alt=alt)


SPARKLINE_STATUS_COLOURS = {"green": GREEN, "amber": "#ab5d00", "red": RED}


def sparkline(
    values: Sequence[float] | np.ndarray | pd.Series,
    *,
    status: str | None = None,
    width: int = 80,
    height: int = 20,
    unit_label: str = "",
    decimals: int = 1,
    label: str | None = None,
) -> Chart:
    """A tiny line of a series, gaps left open, the last point marked in its status colour.

    Written directly as SVG (no matplotlib): a scorecard has one per row.
    """
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype="float64")
    present = np.isfinite(numbers)
    series = np.where(present, numbers, np.nan)
    if present.any():
        first, latest = series[present][0], series[present][-1]
        alt = f"{present.sum()} points, from {format_number(first, unit_label, decimals)} to " \
              f"{format_number(latest, unit_label, decimals)}"  # fmt: skip
    else:
        alt = "No data"
    if status in STATUS_LABELS:
        alt += f"; {STATUS_LABELS[status].lower()}"
    title = escape(label if label is not None else alt)
    body = _sparkline_body(series, present, status, width, height) if present.any() else ""
    svg = Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{title}" class="pw-sparkline" '
        f'focusable="false"><title>{title}</title>{body}</svg>'
    )
    return Chart(svg=svg, alt=str(alt))


def _sparkline_body(
    series: np.ndarray, present: np.ndarray, status: str | None, width: int, height: int
) -> str:
    pad = 2.5
    count = len(series)
    x = pad + np.arange(count) * ((width - 2 * pad) / max(count - 1, 1))
    low, high = np.nanmin(series), np.nanmax(series)
    span = high - low
    y = np.full(count, height / 2) if span == 0 else pad + (high - series) / span * (height - 2 * pad)
    previous = np.concatenate([[False], present[:-1]])
    following = np.concatenate([present[1:], [False]])
    command = np.where(previous, "L", "M")
    points = np.char.add(
        np.char.add(command, np.char.mod("%.1f", x)), np.char.add(" ", np.char.mod("%.1f", y))
    )
    isolated = present & ~previous & ~following
    points = np.where(isolated, np.char.add(points, "h0"), points)
    path = "".join(points[present])
    last = np.flatnonzero(present)[-1]
    colour = SPARKLINE_STATUS_COLOURS.get(status or "", VALUE_COLOUR)
    return (
        f'<path d="{path}" fill="none" stroke="{VALUE_COLOUR}" stroke-width="1.2" '
        f'stroke-linejoin="round" stroke-linecap="round"/>'
        f'<circle cx="{x[last]:.1f}" cy="{y[last]:.1f}" r="2.2" fill="{colour}"/>'
    )
