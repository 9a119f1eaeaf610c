"""Values that cannot be true, refused with the row and the fix (issue #14): a board report built on them
would show a wrong number with full confidence.

- a percentage outside 0–100 or a proportion outside 0–1 (a proportion written as a percentage, or a typo);
- a fractional count (a count is whole: 2.5 visits is a rate or a mean, not a count);
- a count given as a numerator and a denominator (which would make it a ratio);
- a published interval that is reversed (lower above upper) or that does not contain its own value
  (swapped columns flip the benchmark).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfwatch.data.collector import _Collector, _labels


def refuse_impossible(
    stage: pd.DataFrame,
    value: np.ndarray,
    given: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
    unit: dict[str, np.ndarray],
    out: _Collector,
) -> None:
    """Add one error per row holding an impossible value (`given`: the value was written, not computed
    from counts, whose own checks name a numerator above its denominator)."""
    with np.errstate(invalid="ignore"):
        percentage = given & unit["percentage"] & ((value < 0) | (value > 100))
        proportion = given & unit["proportion"] & ((value < 0) | (value > 1))
        fractional = given & unit["count"] & np.isfinite(value) & (np.abs(value - np.round(value)) > 1e-9)
    for mask, code, rule, fix in (
        (percentage, "percentage-out-of-range", "a percentage must lie between 0 and 100",
         "write 95 or 95% for ninety-five percent, or declare another unit"),
        (proportion, "proportion-out-of-range", "a proportion must lie between 0 and 1",
         "write 0.95 for ninety-five percent, or declare `unit: percentage`"),
        (fractional, "fractional-count", "a count is a whole number",
         "correct the value, or declare the indicator as a `rate`, `mean` or `number`"),
    ):  # fmt: skip
        out.rows(
            stage, mask, code,
            lambda rows, rule=rule, fix=fix: [f"{rule}; found {v:g} ({x}): {fix}"
                                              for v, x in zip(rows["_value"], _labels(rows), strict=True)],
            extra={"_value": value[mask]},
        )  # fmt: skip
    counted = unit["count"] & ~np.isnan(numerator) & ~np.isnan(denominator)
    out.rows(
        stage, counted, "count-with-denominator",
        lambda rows: [f"a count has no denominator; this row gives a numerator and a denominator ({x}): "
                      "put the count in `value` (or `numerator`) and leave `denominator` empty, or declare "
                      "the indicator as a `percentage`, `rate` or `ratio`" for x in _labels(rows)],
    )  # fmt: skip
    _intervals(stage, value, out)


def _intervals(stage: pd.DataFrame, value: np.ndarray, out: _Collector) -> None:
    if "ci_lower" not in stage or "ci_upper" not in stage:
        return
    lower = stage["ci_lower"].to_numpy(dtype="float64")
    upper = stage["ci_upper"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        reversed_ = lower > upper
        slack = 1e-9 * np.maximum(1.0, np.abs(value))
        outside = ~reversed_ & np.isfinite(value) & ((value < lower - slack) | (value > upper + slack))
    out.rows(
        stage, reversed_, "interval-reversed",
        lambda rows: [f"the interval's lower limit {lo:g} is above its upper limit {hi:g} ({x}): the "
                      "`ci_lower` and `ci_upper` columns look swapped" for lo, hi, x in
                      zip(rows["ci_lower"], rows["ci_upper"], _labels(rows), strict=True)],
    )  # fmt: skip
    out.rows(
        stage, outside, "interval-excludes-value",
        lambda rows: [f"the interval {lo:g} to {hi:g} does not contain its own value {v:g} ({x}): check the "
                      "`ci_lower`/`ci_upper` columns belong to this row and this unit" for lo, hi, v, x in
                      zip(rows["ci_lower"], rows["ci_upper"], rows["_value"], _labels(rows), strict=True)],
        extra={"_value": value[outside]},
    )  # fmt: skip
