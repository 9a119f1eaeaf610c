"""Inline SVG charts for the reports: the indicator line chart, the area comparison and sparklines.

Every chart is written directly as SVG text from numpy arrays (no plotting library): a 100-indicator
report draws its charts in milliseconds, the bytes depend only on the data, and nothing heavy is
imported when the CLI starts. The output is made fit to inline many times in one HTML page and to print
through WeasyPrint:

- deterministic: coordinates are rounded to 0.1 px and ids are a hash of the chart's content;
- ids unique per chart (the plot's clip path is the only one), so any number can share a page;
- text stays text with no font family, so it takes the page's font; no `<style>` element;
- a `<title>`, a `<desc>` holding the text alternative, and `role="img"`.

Sizes are in CSS pixels (96 to the inch); the templates scale a chart to its column width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

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
    MDC_CONCERN,
    MDC_IMPROVEMENT,
    MDC_NEUTRAL,
    RED,
    STATUS_LABELS,
)
from perfwatch.render.svg import (
    CHARACTER_EM,
    FONT_PX,
    TITLE_PX,
    LegendEntry,
    _finish,
    _legend,
    _line_swatch,
    _marker_path,
    _n,
    _no_data,
    _path,
    _polyline_path,
    _shorten,
    _text,
    _text_px,
    _thinned_ticks,
    _tick_texts,
    _title_height,
    _title_svg,
    _widest_px,
    _wrap,
    nice_ticks,
)

Width = Literal["half", "full"]

#: A4 portrait with 16 mm margins leaves 178 mm of text width; a half-width chart takes about 55% of it.
WIDTH_PX = {"full": 640.0, "half": 360.0}
PLOT_HEIGHT_PX = {"full": 170.0, "half": 150.0}
#: The most of a chart's width its side margins may take, so long labels never squeeze out the plot.
MAX_MARGINS = 0.6
BAR_PX = 14.0

VALUE_COLOUR = "#425563"
TARGET_COLOUR = "#de1b1b"
MEAN_COLOUR = "#000000"
LIMIT_COLOUR = "#768692"
CI_COLOUR = "#768692"
TOLERANCE_COLOUR = "#ffd88a"
GRID_COLOUR = "#d8dde0"
BENCHMARK_COLOURS = {
    "better": GREEN,
    "similar": AMBER,
    "worse": RED,
    "higher": DARK_BLUE,
    "lower": LIGHT_BLUE,
    "not_compared": "#d8dde0",
}
#: Special-cause points: the Making Data Count colour, a darker edge, and a marker shape of their own.
SIGNAL_STYLES = {
    "special_cause_improvement": ("Special cause: improvement", MDC_IMPROVEMENT, "#0072a3", "diamond"),
    "special_cause_concern": ("Special cause: concern", MDC_CONCERN, "#b35806", "cross"),
    "special_cause_neutral_high": ("Special cause: neutral", MDC_NEUTRAL, MDC_NEUTRAL, "square"),
    "special_cause_neutral_low": ("Special cause: neutral", MDC_NEUTRAL, MDC_NEUTRAL, "square"),
}


@dataclass(frozen=True)
class ChartSeries:
    """The numbers a line chart plots, one entry per period, for outputs that draw their own charts
    (the PowerPoint slides' native charts): the same points as the SVG, so both show one story."""

    periods: tuple[str, ...]
    lines: dict[str, tuple[float | None, ...]]


@dataclass(frozen=True)
class Chart:
    """An inline SVG and its text alternative; renders as the SVG in a Jinja template."""

    svg: Markup
    alt: str
    series: ChartSeries | None = None

    def __html__(self) -> str:
        return str(self.svg)


# --- the indicator line chart ---------------------------------------------------------------------------

#: The lines of an indicator chart, by their legend name, and the `Results.table` column each draws.
SERIES_LINES = {
    "Value": "value", "Target": "target", "SPC mean": "spc_mean",
    "Lower process limit": "spc_lower", "Upper process limit": "spc_upper",
}  # fmt: skip


def _plotted_series(labels: list[str], frame: pd.DataFrame) -> ChartSeries:
    """The chart's lines as plain numbers (None for a gap), leaving out lines with nothing to draw."""
    lines = {}
    for name, column in SERIES_LINES.items():
        values = numeric_column(frame, column)
        if np.isfinite(values).any():
            lines[name] = tuple(float(v) if np.isfinite(v) else None for v in values)
    return ChartSeries(tuple(labels), lines)


def _broken_line(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> str:
    """A line that breaks where the rebase group changes (a new mean and limits start afresh)."""
    changes = np.flatnonzero(groups[1:] != groups[:-1]) + 1
    return _polyline_path(np.insert(x, changes, np.nan), np.insert(y, changes, np.nan))


def _steps(x: np.ndarray, y: np.ndarray, half: float) -> tuple[np.ndarray, np.ndarray]:
    """A level across each period's whole slot, so a target shows as steps, even for one point."""
    return np.column_stack([x - half, x + half]).ravel(), np.repeat(y, 2)


def indicator_chart(
    points: pd.DataFrame,
    *,
    title: str,
    unit_label: str = "",
    polarity: str = "higher_is_better",
    decimals: int = 1,
    width: Width = "half",
    legend: bool = True,
    show_title: bool = True,
) -> Chart:
    """The indicator line chart for one indicator × area, rows sorted by period.

    Columns (from `Results.table`): `period`, `value`, and where present `target`, `tolerance` (the
    absolute amber band width), `ci_lower`, `ci_upper`, `spc_mean`, `spc_lower`, `spc_upper`, `spc_signal`,
    `spc_group`, `spc_trial`, `status`. Missing values leave gaps; a series with no values gives a
    "No data" chart. `unit_label` `%` or `£` formats the ticks, any other label is named above the axis.
    `title` is always the accessible name; `show_title=False` leaves it off the drawing when a heading
    beside the chart already says it. `legend=False` leaves the key out.
    """
    alt = describe_indicator_series(points, unit_label, polarity, decimals)
    frame = points.reset_index(drop=True)
    chart_width = WIDTH_PX[width]
    plot_height = PLOT_HEIGHT_PX[width]
    title_lines = _wrap(title, int(chart_width / (CHARACTER_EM * TITLE_PX))) if show_title else []
    values = numeric_column(frame, "value")
    if not np.isfinite(values).any():
        return Chart(_no_data(chart_width, plot_height, title_lines, title, alt), alt)
    count = len(frame)
    target = numeric_column(frame, "target")
    tolerance = numeric_column(frame, "tolerance")
    sign = {"higher_is_better": -1.0, "lower_is_better": 1.0}.get(polarity, 0.0)
    band_edge = target + sign * tolerance if sign else np.full(count, np.nan)
    mean = numeric_column(frame, "spc_mean")
    lower, upper = numeric_column(frame, "spc_lower"), numeric_column(frame, "spc_upper")
    ci_lower, ci_upper = numeric_column(frame, "ci_lower"), numeric_column(frame, "ci_upper")
    whiskers = np.isfinite(ci_lower) & np.isfinite(ci_upper) & np.isfinite(values)
    shown = np.concatenate(
        [values, target, band_edge, mean, lower, upper, ci_lower[whiskers], ci_upper[whiskers]]
    )
    shown = shown[np.isfinite(shown)]
    low, high = float(shown.min()), float(shown.max())
    margin = (high - low) * 0.08
    ticks = nice_ticks(low - margin, high + margin)
    tick_texts = _tick_texts(ticks, unit_label)
    axis_name = unit_label if unit_label and unit_label not in ("%", "£") else ""

    labels = [pretty_period(p, short=True) for p in text_column(frame, "period")]
    top = _title_height(title_lines) + (FONT_PX * 1.4 if axis_name else 0) + 4
    left = 8 + _widest_px(tick_texts, FONT_PX)
    right = max(6.0, _text_px(labels[-1], FONT_PX) / 2 + 2)
    plot_width = chart_width - left - right
    slot = plot_width / (count + 0.2)

    def to_x(positions: np.ndarray) -> np.ndarray:
        return left + (positions + 0.6) * slot

    y_low, y_high = float(ticks[0]), float(ticks[-1])

    def to_y(data: np.ndarray) -> np.ndarray:
        return top + (y_high - np.asarray(data, dtype="float64")) / (y_high - y_low) * plot_height

    positions = np.arange(count, dtype="float64")
    x = to_x(positions)
    parts = [_title_svg(title_lines)]
    if axis_name:
        parts.append(_text(2, top - FONT_PX * 0.9, axis_name, colour=GREY))
    grid = "".join(f"M{_n(left)} {_n(v)}H{_n(left + plot_width)}" for v in to_y(ticks))
    parts.append(_path(grid, GRID_COLOUR, 0.6))
    parts += [_text(left - 4, v, t, anchor="end") for v, t in zip(to_y(ticks), tick_texts, strict=True)]
    plotted: list[str] = []
    entries: list[LegendEntry] = [
        ("Value", _line_swatch(VALUE_COLOUR, 1.6, marker='<circle cx="10" cy="5" r="2.4" fill="#425563"/>'))
    ]
    if np.isfinite(target).any():
        if sign and np.isfinite(band_edge).any():
            edge_y, target_y = to_y(band_edge), to_y(target)
            cells = [
                f"M{_n(cx - slot / 2)} {_n(a)}H{_n(cx + slot / 2)}V{_n(b)}H{_n(cx - slot / 2)}z"
                for cx, a, b in zip(x, target_y, edge_y, strict=True)
                if np.isfinite(a) and np.isfinite(b)
            ]
            plotted.append(f'<path d="{"".join(cells)}" fill="{TOLERANCE_COLOUR}" stroke="none"/>')
            entries.append(
                ("Tolerance band", f'<rect x="0" y="1" width="20" height="8" fill="{TOLERANCE_COLOUR}"/>')
            )
        plotted.append(_path(_polyline_path(*_steps(x, to_y(target), slot / 2)), TARGET_COLOUR, 1.5, "6 3"))
        entries.insert(1, ("Target", _line_swatch(TARGET_COLOUR, 1.5, "6 3")))
    if np.isfinite(mean).any():
        groups = text_column(frame, "spc_group")
        trial = np.isin(text_column(frame, "spc_trial"), ["True", "1", "1.0"])
        plotted.append(_path(_broken_line(x, to_y(mean), groups), MEAN_COLOUR, 1.0))
        entries.append(("Mean", _line_swatch(MEAN_COLOUR, 1.0)))
        for is_trial, dash, name in ((False, "5 2.5", "Process limits"), (True, "1.5 2", "Trial limits")):
            drawn = False
            for limit in (lower, upper):
                chosen = np.where(trial == is_trial, limit, np.nan)
                if np.isfinite(chosen).any():
                    plotted.append(_path(_broken_line(x, to_y(chosen), groups), LIMIT_COLOUR, 1.3, dash))
                    drawn = True
            if drawn:
                entries.append((name, _line_swatch(LIMIT_COLOUR, 1.3, dash)))
    if whiskers.any():
        wx, wl, wu = x[whiskers], to_y(ci_lower[whiskers]), to_y(ci_upper[whiskers])
        cap = min(3.0, slot / 4)
        d = "".join(
            f"M{_n(a)} {_n(b)}V{_n(c)}M{_n(a - cap)} {_n(b)}h{_n(2 * cap)}M{_n(a - cap)} {_n(c)}h{_n(2 * cap)}"
            for a, b, c in zip(wx, wl, wu, strict=True)
        )
        plotted.append(_path(d, CI_COLOUR, 0.9))
        entries.append(("Confidence interval", _path("M10 0V10M7 0h6M7 10h6", CI_COLOUR, 0.9)))
    value_y = to_y(values)
    plotted.append(_path(_polyline_path(x, value_y), VALUE_COLOUR, 1.6, extra=' stroke-linejoin="round"'))
    dots = np.isfinite(value_y)
    radius = min(2.4, max(1.2, slot / 5))
    plotted.append(
        f'<path d="{_marker_path("circle", x[dots], value_y[dots], radius)}" fill="{VALUE_COLOUR}"/>'
    )
    signals = text_column(frame, "spc_signal")
    seen: set[str] = set()
    for signal, (name, colour, edge, shape) in SIGNAL_STYLES.items():
        chosen = (signals == signal) & dots
        if chosen.any():
            plotted.append(
                f'<path d="{_marker_path(shape, x[chosen], value_y[chosen], 3.6)}" fill="{colour}" '
                f'stroke="{edge}" stroke-width="0.9"/>'
            )
            if name not in seen:
                seen.add(name)
                swatch = _marker_path(shape, np.array([10.0]), np.array([5.0]), 3.6)
                entries.append(
                    (name, f'<path d="{swatch}" fill="{colour}" stroke="{edge}" stroke-width="0.9"/>')
                )
    parts.append(f'<g clip-path="CLIP_URL">{"".join(plotted)}</g>')
    axis_y = top + plot_height
    parts.append(_path(f"M{_n(left)} {_n(top)}V{_n(axis_y)}H{_n(left + plot_width)}", GREY, 0.8))
    shown_ticks = _thinned_ticks(labels, plot_width, FONT_PX)
    parts.append(_path("".join(f"M{_n(x[i])} {_n(axis_y)}v3" for i in shown_ticks), GREY, 0.8))
    parts += [_text(x[i], axis_y + 5 + FONT_PX / 2, labels[i], anchor="middle") for i in shown_ticks]
    height = axis_y + 8 + FONT_PX * 1.3
    if legend:
        legend_svg, legend_height = _legend(entries, height + 2, chart_width)
        parts.append(legend_svg)
        height += legend_height + 4
    clip = (left, top - 4, plot_width, plot_height + 8)
    return Chart(
        _finish("".join(parts), chart_width, height, title, alt, clip), alt, _plotted_series(labels, frame)
    )


# --- the area comparison -------------------------------------------------------------------------------


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
    show_title: bool = True,
) -> Chart:
    """Areas' latest values as horizontal bars, highest first, with intervals and the comparator line.

    Columns: `area` (the label to show), `value`, and where present `ci_lower`, `ci_upper`, `benchmark`.
    Bars are coloured by benchmark, and each row also names its benchmark in words at the right.
    """
    alt = describe_area_comparison(
        frame, comparator_value=comparator_value, comparator_name=comparator_name, unit_label=unit_label,
        decimals=decimals, highlight_area=highlight_area,
    )  # fmt: skip
    chart_width = WIDTH_PX[width]
    title_lines = _wrap(title, int(chart_width / (CHARACTER_EM * TITLE_PX))) if show_title else []
    values = numeric_column(frame, "value")
    count = len(frame)
    plot_height = BAR_PX * max(count, 2) + 4
    if not np.isfinite(values).any():
        return Chart(_no_data(chart_width, min(plot_height, 80.0), title_lines, title, alt), alt)
    order = np.argsort(np.where(np.isfinite(values), -values, np.inf), kind="stable")
    areas = text_column(frame, "area")[order]
    values = values[order]
    lower, upper = numeric_column(frame, "ci_lower")[order], numeric_column(frame, "ci_upper")[order]
    benchmarks = text_column(frame, "benchmark")[order]
    names = _shorten(list(areas), int(0.3 * chart_width / (CHARACTER_EM * FONT_PX)))
    beside = unit_label if unit_label in ("%", "£") else ""
    value_texts = [format_number(v, beside, decimals) if np.isfinite(v) else "" for v in values]
    words = [
        b.replace("_", " ") if np.isfinite(v) else "no data" for b, v in zip(benchmarks, values, strict=True)
    ]
    right_texts = [f"{v}  {w}".strip() for v, w in zip(value_texts, words, strict=True)]
    axis_name = unit_label if unit_label and not beside else ""
    top = _title_height(title_lines) + (FONT_PX * 1.4 if axis_name else 0) + 4
    left = 6 + _widest_px(names, FONT_PX) * 1.08
    right = 8 + _widest_px(right_texts, FONT_PX) * 1.1
    shrink = min(1.0, MAX_MARGINS * chart_width / (left + right))
    left, right = left * shrink, right * shrink
    plot_width = chart_width - left - right
    data = np.concatenate([values, lower, upper, [0.0]])
    if comparator_value is not None and np.isfinite(comparator_value):
        data = np.append(data, comparator_value)
    data = data[np.isfinite(data)]
    ticks = nice_ticks(min(0.0, float(data.min())), float(data.max()), 6 if width == "full" else 4)
    x_low, x_high = float(ticks[0]), float(ticks[-1])

    def to_x(v: np.ndarray) -> np.ndarray:
        return left + (np.asarray(v, dtype="float64") - x_low) / (x_high - x_low) * plot_width

    rows_y = top + 2 + BAR_PX * (np.arange(count) + 0.5)
    parts = [_title_svg(title_lines)]
    if axis_name:
        parts.append(_text(left, top - FONT_PX * 0.9, axis_name, colour=GREY))
    grid = "".join(f"M{_n(v)} {_n(top)}V{_n(top + plot_height)}" for v in to_x(ticks))
    parts.append(_path(grid, GRID_COLOUR, 0.6))
    zero = to_x(np.array([max(0.0, x_low)]))[0]
    highlighted = areas == highlight_area
    bars = []
    for k in range(count):
        if not np.isfinite(values[k]):
            continue
        end = to_x(np.array([values[k]]))[0]
        colour = BENCHMARK_COLOURS.get(benchmarks[k], BENCHMARK_COLOURS["not_compared"])
        stroke = 1.8 if highlighted[k] else 0.5
        bars.append(
            f'<rect x="{_n(min(zero, end))}" y="{_n(rows_y[k] - BAR_PX * 0.35)}" width="{_n(abs(end - zero))}" '
            f'height="{_n(BAR_PX * 0.7)}" fill="{colour}" stroke="{INK}" stroke-width="{stroke}"/>'
        )
    parts.append(f'<g clip-path="CLIP_URL">{"".join(bars)}</g>')
    whiskers = np.isfinite(lower) & np.isfinite(upper) & np.isfinite(values)
    if whiskers.any():
        lo, hi, wy = to_x(lower[whiskers]), to_x(upper[whiskers]), rows_y[whiskers]
        d = "".join(
            f"M{_n(a)} {_n(c)}H{_n(b)}M{_n(a)} {_n(c - 3)}v6M{_n(b)} {_n(c - 3)}v6"
            for a, b, c in zip(lo, hi, wy, strict=True)
        )
        parts.append(_path(d, INK, 0.9))
    entries: list[LegendEntry] = [
        (
            b.replace("_", " ").capitalize(),
            f'<rect x="2" y="0.5" width="16" height="9" fill="{BENCHMARK_COLOURS[b]}" stroke="{INK}" stroke-width="0.5"/>',
        )
        for b in BENCHMARK_COLOURS
        if b in set(benchmarks)
    ]
    if comparator_value is not None and np.isfinite(comparator_value):
        cx = to_x(np.array([comparator_value]))[0]
        parts.append(_path(f"M{_n(cx)} {_n(top - 2)}V{_n(top + plot_height + 2)}", "#000000", 1.4))
        entries.append((f"{comparator_name} {format_number(comparator_value, unit_label, decimals)}",
                        _path("M10 0V10", "#000000", 1.4)))  # fmt: skip
    for k in range(count):
        weight = "bold" if highlighted[k] else ""
        parts.append(_text(left - 4, rows_y[k], names[k], anchor="end", weight=weight))
        parts.append(_text(left + plot_width + 6, rows_y[k], right_texts[k], weight=weight))
    axis_y = top + plot_height
    parts.append(_path(f"M{_n(left)} {_n(top)}V{_n(axis_y)}H{_n(left + plot_width)}", GREY, 0.8))
    tick_texts = _tick_texts(ticks, unit_label)
    tick_x = to_x(ticks)
    parts += [
        _text(v, axis_y + 5 + FONT_PX / 2, t, anchor="middle")
        for v, t in zip(tick_x, tick_texts, strict=True)
    ]
    height = axis_y + 8 + FONT_PX * 1.3
    legend_svg, legend_height = _legend(entries, height + 2, chart_width)
    parts.append(legend_svg)
    height += legend_height + 4
    clip = (left - 2, top, plot_width + 4, plot_height)
    return Chart(_finish("".join(parts), chart_width, height, title, alt, clip), alt)


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

    Written directly as SVG, like the other charts: a scorecard has one per row.
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
