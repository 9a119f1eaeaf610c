"""How numbers are written, in one place, for the evaluation's reasons and for every report and export.

Vectorised: `format_values` formats a whole column with one decimals setting; reasons for a million rows are
built from these columns without a Python loop per row.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

DEFAULT_DECIMALS = {
    "count": 0, "percentage": 1, "proportion": 3, "rate": 1, "ratio": 2, "mean": 1, "currency": 0,
    "days": 1, "number": 1,
}  # fmt: skip


def decimals_for(unit: str, decimals: int | None) -> int:
    return decimals if decimals is not None else DEFAULT_DECIMALS.get(unit, 1)


def suffix_for(unit: str) -> str:
    return "%" if unit == "percentage" else ""


def prefix_for(unit: str) -> str:
    return "£" if unit == "currency" else ""


def difference_word(unit: str) -> str:
    """What a gap is measured in: '3.8 points' for percentages, plain amounts otherwise."""
    return " points" if unit == "percentage" else ""


def format_value(value: float | None, unit: str = "number", decimals: int | None = None) -> str:
    """One value as a report shows it: `81.2%`, `1,234`, `£1,200`, `—` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    places = decimals_for(unit, decimals)
    return f"{prefix_for(unit)}{value:,.{places}f}{suffix_for(unit)}"


PERIOD_NOUNS = {1: "month", 3: "quarter", 12: "year"}


def format_year_to_date(
    cumulative: float | None, own: float | None, months: int, unit: str, decimals: int | None = None
) -> str:
    """A year-to-date value beside its target, with the period's own value named as such:
    `12 year to date (2 this quarter)`. Every page writes it this way, so no quarter's value ever sits
    beside a year-to-date target."""
    noun = PERIOD_NOUNS.get(int(months), "period")
    return f"{format_value(cumulative, unit, decimals)} year to date ({format_value(own, unit, decimals)} this {noun})"


def format_values(values: pd.Series | np.ndarray, unit: str, decimals: int | None = None) -> np.ndarray:
    """A column of values formatted alike; NaN becomes `—`."""
    array = np.asarray(values, dtype="float64")
    places = decimals_for(unit, decimals)
    out = np.full(array.shape, "—", dtype=object)
    present = ~np.isnan(array)
    if present.any():
        text = pd.Series(array[present]).map(f"{{:,.{places}f}}".format).to_numpy(dtype=object)
        out[present] = prefix_for(unit) + text + suffix_for(unit)
    return out


def _precise(value: float, places: int) -> str:
    """`value` to `places` decimals, or up to two more when rounding would hide it (0.6, not 1)."""
    text = f"{value:,.{places}f}"
    if abs(round(value, places) - value) > 1e-9:
        text = f"{value:,.{places + 2}f}".rstrip("0").rstrip(".")
    return text


def format_amounts(
    values: pd.Series | np.ndarray, unit: str, decimals: int | None = None, *, exact: bool = True
) -> np.ndarray:
    """Unsigned gaps between a value and a target: `3.8 points`, `2`, `0.6`, `£150`.

    With `exact` (for tolerances) shown with the indicator's decimals unless that would round a real amount
    away, so a reason never says "outside the 1 tolerance" when the tolerance is 0.6; without it (for gaps)
    rounded to the indicator's decimals unless that would show a real gap as zero.
    """
    array = np.abs(np.asarray(values, dtype="float64"))
    places = decimals_for(unit, decimals)
    out = np.full(array.shape, "—", dtype=object)
    present = ~np.isnan(array)
    if present.any():
        if exact:
            text = pd.Series(array[present]).map(lambda v: _precise(v, places)).to_numpy(dtype=object)
        else:  # the indicator's decimals, unless that would show a real difference as zero
            text = (
                pd.Series(array[present])
                .map(lambda v: _precise(v, places) if round(v, places) == 0 and v > 0 else f"{v:,.{places}f}")
                .to_numpy(dtype=object)
            )
        if unit == "percentage":
            out[present] = text + " points"
        else:
            out[present] = prefix_for(unit) + text
    return out
