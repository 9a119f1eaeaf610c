"""Small helpers that turn a results cell into what a view shows: text, formatted numbers, intervals, flags,
and the status, direction, trend, benchmark and assurance badges (an icon beside a word, never colour alone).
"""

from __future__ import annotations

import base64
import functools
import typing
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from perfwatch.formatting import PERIOD_NOUNS, format_value, format_year_to_date
from perfwatch.framework.periods import Period, PeriodError, parse_period
from perfwatch.render import icons
from perfwatch.render.views import Badge

if typing.TYPE_CHECKING:
    from perfwatch.framework.model import Framework, Indicator


def long_date(value: date | None) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value):
        return ""
    return f"{value.day} {value:%B %Y}"


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _number(value: Any) -> float:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return result


@functools.lru_cache(maxsize=4096)
def _image(svg: Markup) -> Markup:
    """A decorative icon as the background of an empty, hidden `<span>`, from a `data:` URI.

    A background is decoration by definition: screen readers skip the span (`aria-hidden`), and WeasyPrint
    draws backgrounds as artifacts, so a tagged PDF has no untitled figure per icon (PDF/UA requires every
    figure to have alternative text; the word beside each icon carries the meaning). WeasyPrint also
    decodes each distinct icon once instead of once per use (a quarter of a report's layout time).
    """
    if not svg:
        return svg
    data = base64.b64encode(str(svg).encode()).decode()
    return Markup(
        f'<span class="pw-icon" aria-hidden="true" '
        f"style=\"background-image: url('data:image/svg+xml;base64,{data}')\"></span>"
    )


@functools.lru_cache(maxsize=4096)
def status_badge(status: str) -> Badge:
    status = status if status in icons.STATUS_LABELS else "no_data"
    return Badge(status, icons.STATUS_LABELS[status], _image(icons.status_icon(status, decorative=True)))


@functools.lru_cache(maxsize=4096)
def _direction_badge(direction: str, polarity: str) -> Badge:
    direction = direction if direction in icons.DIRECTION_LABELS else "not_comparable"
    return Badge(
        direction,
        icons.DIRECTION_LABELS[direction],
        _image(icons.direction_icon(direction, polarity, decorative=True)),
    )


@functools.lru_cache(maxsize=4096)
def _trend_badge(trend: str, polarity: str) -> Badge:
    trend = trend if trend in icons.TREND_LABELS else "cannot_be_calculated"
    return Badge(trend, icons.TREND_LABELS[trend], _image(icons.trend_icon(trend, polarity, decorative=True)))


@functools.lru_cache(maxsize=4096)
def _benchmark_badge(benchmark: str, comparator: str) -> Badge:
    benchmark = benchmark if benchmark in icons.BENCHMARK_LABELS else "not_compared"
    if benchmark == "not_compared" and not comparator:
        return Badge(
            "not_compared", "Not compared", _image(icons.benchmark_icon("not_compared", decorative=True))
        )
    name = comparator or "the comparator"
    return Badge(
        benchmark,
        icons.BENCHMARK_LABELS[benchmark].format(comparator=name),
        _image(icons.benchmark_icon(benchmark, comparator=name, decorative=True)),
    )


def _icon_badge(word: str, labels: dict[str, str], draw: Callable[..., str]) -> Badge:
    """A word with its label and its decorative icon; an empty badge for a word without one."""
    if word not in labels:
        return Badge("", "", Markup(""))
    return Badge(word, labels[word], _image(draw(word, decorative=True)))


@functools.lru_cache(maxsize=4096)
def _variation_badge(variation: str) -> Badge:
    return _icon_badge(variation, icons.VARIATION_LABELS, icons.variation_icon)


@functools.lru_cache(maxsize=4096)
def _assurance_badge(assurance: str) -> Badge:
    return _icon_badge(assurance, icons.ASSURANCE_LABELS, icons.assurance_icon)


def _section_badge(present: bool, required: bool) -> Badge:
    if present:
        return Badge("green", "Present", _image(icons.status_icon("green", decorative=True)))
    if required:
        return Badge("red", "Missing", _image(icons.status_icon("red", decorative=True)))
    return Badge("no_data", "Not supplied (optional)", _image(icons.status_icon("no_data", decorative=True)))


def _unit_label(ind: Indicator) -> str:
    if ind.unit == "percentage":
        return "%"
    if ind.unit == "currency":
        return "£"
    if ind.unit == "days":
        return "days"
    if ind.unit == "rate":
        return f"per {ind.effective_per:,.0f}"
    return ""


def _show_text(value: Any) -> str:
    text = _text(value)
    return text.replace("_", " ").capitalize() if text else "—"


def _format(ind: Indicator, value: Any, text: Any = None) -> str:
    if not ind.is_numeric:
        return _show_text(text)
    return format_value(_number(value), ind.unit, ind.decimals)


def _is_true(value: Any) -> bool:
    """A flag column read from a frame: True only for a true boolean (never NaN or the text 'False')."""
    return value is True or (isinstance(value, np.bool_) and bool(value)) or str(value) == "True"


def _shown_value(ind: Indicator, row: dict) -> str:
    """The value a table puts beside the row's target: year to date where the target is, with the period's
    own value named; otherwise the period's value."""
    if ind.is_numeric and _is_true(row.get("ytd")) and "compared_value" in row:
        months = _number(row.get("period_months"))
        return format_year_to_date(
            _number(row.get("compared_value")), _number(row.get("value")),
            int(months) if np.isfinite(months) else 0, ind.unit, ind.decimals,
        )  # fmt: skip
    return _format(ind, row.get("value"), row.get("value_text"))


def _row_ci(ind: Indicator, row: dict) -> str:
    """The row's interval; beside a year-to-date value it says it is the period's own value's interval."""
    text = _ci(ind, row.get("ci_lower"), row.get("ci_upper"))
    if text and ind.is_numeric and _is_true(row.get("ytd")):
        months = _number(row.get("period_months"))
        noun = PERIOD_NOUNS.get(int(months), "period") if np.isfinite(months) else "period"
        return f"{text} (this {noun})"
    return text


def _flag(value: Any) -> str:
    """A data-quality flag in words; `rolled_up` says where a value came from, not its quality."""
    text = _text(value)
    return "" if text == "rolled_up" else text.replace("_", " ")


def _ci(ind: Indicator, lower: Any, upper: Any) -> str:
    low, high = _number(lower), _number(upper)
    if not ind.is_numeric or np.isnan(low) or np.isnan(high):
        return ""
    return f"{format_value(low, ind.unit, ind.decimals)} to {format_value(high, ind.unit, ind.decimals)}"


def _period_of(text: str | None, framework: Framework) -> Period | None:
    if not text:
        return None
    try:
        return parse_period(text, framework.year_start_month)
    except PeriodError:
        return None


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with numpy columns: float64 numbers, and text as Python strings with '' for missing.

    Done once over all rows, so that the many small per-indicator slices the charts and tables read
    need no Arrow-to-Python conversion each (that conversion was most of the build time)."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind in "fiu":
            columns[name] = column.to_numpy(dtype="float64", na_value=np.nan)
        elif column.dtype.kind == "b":
            columns[name] = column.to_numpy()
        else:
            text = column.astype(object).where(column.notna(), "").astype(str).to_numpy(dtype=object)
            columns[name] = pd.Series(text, dtype=object)  # object, not pandas' Arrow-backed strings
    return pd.DataFrame(columns)


def _anchor(prefix: str, id_: str) -> str:
    return f"{prefix}-{id_}"


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many
