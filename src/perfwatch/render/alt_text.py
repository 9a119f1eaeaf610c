"""Text alternatives for charts, written from the data the chart shows.

A screen-reader user, or anyone reading the PDF's text layer, gets what a sighted reader takes from the
chart: the latest value against its target and status, the change over the period shown, a run of rises
or falls up to now, points beyond the SPC process limits and special causes, and the gaps in the data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from perfwatch.render.icons import STATUS_LABELS

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_MONTH_LABEL = re.compile(r"^(\d{4})-(\d{2})$")
_POLARITY_WORDS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better"}
_SIGNAL_KINDS = {
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "neutral",
    "special_cause_neutral_low": "neutral",
}
_KIND_PHRASES = {"concern": "of concern", "improvement": "of improvement", "neutral": "neutral"}
_BENCHMARK_PHRASES = {
    "better": "better than {}",
    "similar": "similar to {}",
    "worse": "worse than {}",
    "higher": "higher than {}",
    "lower": "lower than {}",
    "not_compared": "not compared with {}",
}
_MAX_LISTED = 3


def format_number(value: float, unit_label: str = "", decimals: int = 1) -> str:
    """`91.2%`, `£1,200`, `12.5 days`, `1,234`: the unit label is a suffix, except `%` and `£`."""
    if value is None or not np.isfinite(value):
        return "—"
    number = f"{value:,.{decimals}f}"
    if unit_label == "%":
        return number + "%"
    if unit_label == "£":
        return "£" + number
    return f"{number} {unit_label}" if unit_label else number


def pretty_period(label: str, *, short: bool = False) -> str:
    """Month labels read as words (`2024-03` → `March 2024`, or `Mar 2024`); other labels as they are."""
    match = _MONTH_LABEL.match(str(label))
    if not match:
        return str(label)
    name = MONTH_NAMES[int(match.group(2)) - 1]
    return f"{name[:3] if short else name} {match.group(1)}"


def period_noun(labels: Sequence[str]) -> str:
    """`month`, `quarter` or `year` when all labels are of that kind, else `period`."""
    texts = [str(label) for label in labels]
    if texts and all(_MONTH_LABEL.match(t) for t in texts):
        return "month"
    if texts and all("Q" in t for t in texts):
        return "quarter"
    if texts and all(re.fullmatch(r"\d{4}(/\d{2})?", t) for t in texts):
        return "year"
    return "period"


def numeric_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric column as float64, all NaN when the frame has no such column.

    Works on the column's array directly: charts call this for every series of a report, and pandas'
    per-call overhead on a 24-row frame would cost more than the drawing."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    column = frame[name]
    if column.dtype == np.float64:
        return column.to_numpy()
    if column.dtype.kind in "fiub":
        return column.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def text_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as an object array of strings, '' for missing values."""
    if name not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    column = frame[name]
    values = column.to_numpy(dtype=object)
    missing = pd.isna(values)
    if not len(values):
        return values
    if column.dtype == object and not missing.any() and all(type(v) is str for v in values):
        return values
    return np.where(missing, "", values.astype(str)).astype(object)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _listing(items: Sequence[str]) -> str:
    """`A`, `A and B`, `A, B and C`, `A, B, C and 4 more`."""
    shown = list(items[:_MAX_LISTED])
    rest = len(items) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _trailing_run(flags: np.ndarray) -> int:
    """How many of the last elements of a boolean array are True in a row."""
    misses = np.flatnonzero(~flags)
    return len(flags) - (misses[-1] + 1 if len(misses) else 0)


def _latest_sentence(period: str, value: float, target: float, status: str, fmt) -> str:
    text = f"Latest {fmt(value)} in {pretty_period(period)}"
    if np.isfinite(target):
        text += f" against a target of {fmt(target)}"
    elif status != "not_assessed":
        text += ", with no target"
    if status in ("green", "amber", "red"):
        text += f" ({STATUS_LABELS[status].lower()})"
    return text + "."


def _change_sentence(values: np.ndarray, periods: np.ndarray, polarity: str, tolerance: float, fmt) -> str:
    if len(values) < 2:
        return ""
    if np.all(np.abs(values - values[0]) <= tolerance):
        return f"Stayed at {fmt(values[-1])} throughout."
    change = values[-1] - values[0]
    if abs(change) <= tolerance:
        word = "The same as"
    else:
        word = "Up from" if change > 0 else "Down from"
    polarity_note = f" ({_POLARITY_WORDS[polarity]})" if polarity in _POLARITY_WORDS else ""
    return f"{word} {fmt(values[0])} in {pretty_period(periods[0])}{polarity_note}."


def _run_clause(values: np.ndarray, positions: np.ndarray, noun: str, tolerance: float) -> str:
    """`Rose for 7 months in a row`: consecutive rises (or falls) ending at the latest point."""
    if len(values) < 3:
        return ""
    steps = np.diff(values)
    signs = np.where(np.abs(steps) > tolerance, np.sign(steps), 0)
    if signs[-1] == 0:
        return ""
    run = _trailing_run(signs == signs[-1])
    if run < 2:
        return ""
    verb = "Rose" if signs[-1] > 0 else "Fell"
    if np.any(np.diff(positions[-run - 1 :]) > 1):
        return f"{verb} at each of the last {run} points with data"
    return f"{verb} for {run} {noun}s in a row"


def _limits_clause(values: np.ndarray, periods: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> str:
    above = values > upper
    below = values < lower
    outside = above | below
    if not outside.any():
        return ""
    for flags, side in ((above, "above the upper"), (below, "below the lower")):
        if flags[-1]:
            run = _trailing_run(flags)
            start = pretty_period(periods[-run])
            if run == 1:
                return f"{side} process limit in {start}"
            return f"{side} process limit since {start}"
    count = int(outside.sum())
    last = pretty_period(periods[np.flatnonzero(outside)[-1]])
    noun = "point" if count == 1 else "points"
    return f"{count} {noun} outside the process limits, the last in {last}"


def _special_cause_sentence(signals: np.ndarray) -> str:
    kinds = np.array([_SIGNAL_KINDS.get(signal, "") for signal in signals], dtype=object)
    special = kinds != ""
    if not special.any():
        return ""
    counts = {kind: int((kinds == kind).sum()) for kind in _KIND_PHRASES}
    parts = [f"{count} {_KIND_PHRASES[kind]}" for kind, count in counts.items() if count]
    total = _plural(int(special.sum()), "point")
    if len(parts) == 1:
        kind = next(k for k, c in counts.items() if c)
        every = "all " if special.sum() > 1 else ""
        text = f"Special cause variation at {total}, {every}{_KIND_PHRASES[kind]}"
    else:
        text = f"Special cause variation at {total} ({_listing(parts)})"
    if kinds[-1]:
        text += f"; the latest point is {_KIND_PHRASES[kinds[-1]]}"
    return text + "."


def describe_indicator_series(
    points: pd.DataFrame, unit_label: str = "", polarity: str = "higher_is_better", decimals: int = 1
) -> str:
    """Describe one indicator × area series (rows sorted by period) in a few plain sentences.

    Uses `period` and `value`, and where present `target`, `status`, `spc_lower`, `spc_upper`,
    `spc_signal` and `spc_trial`; the SPC columns describe the same limits the chart draws.
    """

    def fmt(value: float) -> str:
        return format_number(value, unit_label, decimals)

    periods = text_column(points, "period")
    values = numeric_column(points, "value")
    present = np.flatnonzero(np.isfinite(values))
    if not len(present):
        if not len(periods):
            return "No data."
        span = pretty_period(periods[0])
        if len(periods) > 1:
            span += f" to {pretty_period(periods[-1])}"
        return f"No data for {span}."
    latest = present[-1]
    shown = values[present]
    shown_periods = periods[present]
    tolerance = 0.5 * 10.0**-decimals
    sentences = [
        _latest_sentence(
            periods[latest], values[latest], numeric_column(points, "target")[latest],
            text_column(points, "status")[latest], fmt,
        ),
        _change_sentence(shown, shown_periods, polarity, tolerance, fmt),
    ]  # fmt: skip
    clauses = [
        _run_clause(shown, present, period_noun(periods), tolerance),
        _limits_clause(
            shown,
            shown_periods,
            numeric_column(points, "spc_lower")[present],
            numeric_column(points, "spc_upper")[present],
        ),
    ]
    if clauses[0] and text_column(points, "direction")[latest] == "no_change":
        # The verdict beside the chart is "no change" (overlapping intervals): say so, not only "rose".
        clauses[0] += ", though the latest change is within the confidence intervals"
    clauses = [c for c in clauses if c]
    if clauses:
        joined = ", ".join(clauses)
        sentences.append(joined[0].upper() + joined[1:] + ".")
    sentences.append(_special_cause_sentence(text_column(points, "spc_signal")[present]))
    trial = text_column(points, "spc_trial")[latest]
    if trial.lower() in ("true", "1", "1.0"):
        sentences.append("The process limits are trial limits, from few points.")
    missing = np.flatnonzero(~np.isfinite(values))
    if len(missing):
        sentences.append(f"No data for {_listing([pretty_period(p) for p in periods[missing]])}.")
    return " ".join(s for s in sentences if s)


def describe_area_comparison(
    frame: pd.DataFrame,
    *,
    comparator_value: float | None,
    comparator_name: str,
    unit_label: str = "",
    decimals: int = 1,
    highlight_area: str | None = None,
) -> str:
    """Describe an area comparison: how many areas are better, similar, worse; highest, lowest; the
    highlighted area. Reads `area` (the label shown), `value` and, where present, `benchmark`."""

    def fmt(value: float) -> str:
        return format_number(value, unit_label, decimals)

    areas = text_column(frame, "area")
    values = numeric_column(frame, "value")
    present = np.isfinite(values)
    if not present.any():
        return f"No area has data to compare with {comparator_name}."
    comparator = np.nan if comparator_value is None else float(comparator_value)
    against = f"{comparator_name} ({fmt(comparator)})" if np.isfinite(comparator) else comparator_name
    text = f"{_plural(int(present.sum()), 'area')} with data compared with {against}"
    benchmarks = text_column(frame, "benchmark")[present]
    counts = pd.Series(benchmarks).value_counts()
    parts = [
        f"{counts[b]} {b.replace('_', ' ')}" for b in _BENCHMARK_PHRASES if b in counts.index and counts[b]
    ]
    sentences = [text + (f": {_listing(parts)}." if parts else ".")]
    order = np.argsort(-values[present], kind="stable")
    names, shown = areas[present][order], values[present][order]
    if len(shown) > 1:
        sentences.append(f"Highest {names[0]} ({fmt(shown[0])}); lowest {names[-1]} ({fmt(shown[-1])}).")
    if highlight_area is not None:
        where = np.flatnonzero(areas == highlight_area)
        if len(where):
            row = where[0]
            benchmark = text_column(frame, "benchmark")[row]
            if not np.isfinite(values[row]):
                sentences.append(f"{highlight_area}: no data.")
            else:
                phrase = _BENCHMARK_PHRASES.get(benchmark, "")
                compared = f", {phrase.format(comparator_name)}" if phrase else ""
                rank = int(np.flatnonzero(names == highlight_area)[0]) + 1
                sentences.append(
                    f"{highlight_area}: {fmt(values[row])}{compared}; {_ordinal(rank)} of {len(shown)}."
                )
    missing = areas[~present]
    if len(missing):
        sentences.append(f"No data for {_listing(list(missing))}.")
    return " ".join(sentences)


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
