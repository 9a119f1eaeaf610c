"""The recent-trend test (Fingertips' chi-squared test for trend over the last points of a series), vectorised
over every series at once; `evaluate/change.py` calls it for the trend column.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from perfwatch.evaluate.stats import (
    _HIGHER,
    _LOWER,
    _TREND_POINTS,
    TREND_CHI2_THRESHOLD,
    TREND_VALUE_TYPES,
    TRENDS,
    _floats,
    _labels,
)
from perfwatch.vocabulary import codes_of


def _all_and_leave_one_out(*terms: np.ndarray) -> list[np.ndarray]:
    """Row sums of each (series × 5) term over all points, then leaving out point 1, 2, ... 5: (series × 6)."""
    sums = []
    for term in terms:
        total = term.sum(axis=1, keepdims=True)
        sums.append(np.concatenate([total, total - term], axis=1))
    return sums


def _row_sum(matrix: np.ndarray) -> np.ndarray:
    """Sum of a (rows × 5) matrix's columns in order: what `sum(axis=1)` gives, without its temporaries."""
    total = matrix[:, 0].copy()
    for column in range(1, matrix.shape[1]):
        total += matrix[:, column]
    return total


def _weighted_slopes(weight: np.ndarray, y: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, ...]:
    """Weighted least-squares slopes over all five points, then leaving out each point in turn (rows × 6),
    with the all-points spread and weight sum; one column at a time, so memory stays a few rows wide."""
    weighted_y = weight * y
    s0, s1, s2 = _row_sum(weight), _row_sum(weight * t), _row_sum(weight * t**2)
    sy, sty = _row_sum(weighted_y), _row_sum(weighted_y * t)
    slopes = np.empty((len(weight), _TREND_POINTS + 1))
    spread = s0 * s2 - s1**2
    slopes[:, 0] = (s0 * sty - s1 * sy) / spread
    for k in range(_TREND_POINTS):
        w, wy, tk = weight[:, k], weighted_y[:, k], t[k]
        l0, l1, l2 = s0 - w, s1 - w * tk, s2 - w * tk**2
        slopes[:, k + 1] = (l0 * (sty - wy * tk) - l1 * (sy - wy)) / (l0 * l2 - l1**2)
    return slopes, spread, s0


def _per_series(values: Any, n_rows: int, first_rows: np.ndarray) -> np.ndarray:
    """A per-series setting given as a scalar or per row, taken from each series' most recent row."""
    return _labels(values, (n_rows,))[first_rows]


def recent_trend(
    series_id: Any,
    order: Any,
    value: Any,
    lower95: Any,
    upper95: Any,
    numerator: Any,
    denominator: Any,
    value_type: Any,
    polarity: Any,
    test: Any = "A",
) -> pd.DataFrame:
    """Fingertips recent trend over the five most recent points of many series at once (section 4).

    Rows are points, in any order. `series_id` is one key per row, or a DataFrame of key columns (e.g.
    indicator and area, giving a MultiIndex result); `order` sorts a series' points (e.g. period_start),
    a missing order counting as the oldest. value_type (TREND_VALUE_TYPES), polarity and test ("A"
    weighted regression; "B" Cochran–Armitage, for SPC-for-proportions) are scalars or per row, the
    series' most recent row counting. The caller passes only single-period (not rolling) data.
    Returns a frame indexed by series id with `trend` (improving / worsening for judged polarities,
    increasing / decreasing otherwise, no_significant_change, cannot_be_calculated), `trend_reason`
    (empty when calculated), `slope` (test A: value per period; test B: logit per period) and `chi2`.
    """
    if isinstance(series_id, pd.DataFrame):
        keys = series_id.groupby(list(series_id.columns), sort=True, dropna=False)
        codes, index = keys.ngroup().to_numpy(), keys.size().index
    else:
        ids = series_id if isinstance(series_id, pd.Series | pd.Index) else np.asarray(series_id)
        codes, uniques = pd.factorize(ids, sort=True, use_na_sentinel=False)
        index = pd.Index(uniques, name=getattr(ids, "name", None) or "series")
    n_rows, n_series = len(codes), len(index)
    order_values = order if isinstance(order, pd.Series | pd.Index) else np.asarray(order)
    order_rank = pd.factorize(order_values, sort=True)[0]
    rows = np.lexsort((-order_rank, codes))
    codes_s = codes[rows]
    y, lo, hi, count, denom = (
        _floats(a).ravel()[rows] for a in (value, lower95, upper95, numerator, denominator)
    )

    def per_series_sum(flags: np.ndarray) -> np.ndarray:
        return np.bincount(codes_s, weights=flags, minlength=n_series)

    def rank_among(flags: np.ndarray) -> np.ndarray:
        running = np.cumsum(flags)
        before_start = running[starts] - flags[starts]
        return running - before_start[codes_s]

    n_points = np.bincount(codes_s, minlength=n_series)
    starts = np.cumsum(n_points) - n_points
    valid = np.isfinite(y) & np.isfinite(count) & (count >= 0) & (denom > 0)
    in_run = rank_among(~valid) == 0
    usable = in_run & np.isfinite(lo) & np.isfinite(hi)
    position = rank_among(usable) - 1
    chosen = usable & (position < _TREND_POINTS)
    t_index = _TREND_POINTS - 1 - position[chosen]

    points = np.full((n_series, _TREND_POINTS, 5), np.nan)
    points[codes_s[chosen], t_index] = np.column_stack([y, lo, hi, count, denom])[chosen]
    y_m, lo_m, hi_m, count_m, denom_m = np.moveaxis(points, 2, 0)
    first_rows = rows[starts] if n_series else np.zeros(0, dtype=int)
    kind = _per_series(value_type, n_rows, first_rows)
    pol = _per_series(polarity, n_rows, first_rows)
    method = _per_series(test, n_rows, first_rows)

    use_b = method == "B"
    slopes, chi2, inputs_ok = _trend_statistics(y_m, lo_m, hi_m, count_m, denom_m, use_b)

    reason = np.select(
        [
            ~np.isin(kind, TREND_VALUE_TYPES),
            ~np.isin(method, ["A", "B"]),
            n_points < _TREND_POINTS,
            per_series_sum(in_run) < _TREND_POINTS,
            per_series_sum(in_run & (count == denom)) > 0,
            per_series_sum(usable) < _TREND_POINTS,
            ~inputs_ok & ~use_b,
            ~inputs_ok & use_b,
        ],
        [
            "recent trend is calculated only for proportions and crude rates",
            "trend test must be A or B",
            "fewer than 5 points",
            "fewer than 5 valid points (value, count and denominator) in an unbroken run to the latest",
            "a count equals its denominator",
            "fewer than 5 recent points with 95% confidence intervals",
            "a 95% confidence interval has zero width",
            "a count of zero or not below its denominator leaves the logit undefined",
        ],
        default="",
    )
    calculated = reason == ""
    trend = np.asarray(TRENDS, dtype=object)[_trend_codes(calculated, slopes, chi2, pol)]
    return pd.DataFrame(
        {
            "trend": trend.astype(object),
            "trend_reason": reason.astype(object),
            "slope": np.where(calculated, slopes[:, 0], np.nan),
            "chi2": np.where(calculated, chi2, np.nan),
        },
        index=index,
    )


def _trend_statistics(
    y_m: np.ndarray,
    lo_m: np.ndarray,
    hi_m: np.ndarray,
    count_m: np.ndarray,
    denom_m: np.ndarray,
    use_b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slopes (all points, then each leave-one-out), χ² and whether the inputs allow the test, per row.

    Inputs are (n, 5) matrices of the five points, oldest first; `use_b` picks test B per row.
    """
    t = np.arange(1, _TREND_POINTS + 1, dtype=float)
    with np.errstate(all="ignore"):
        weight = 1 / ((hi_m - lo_m) / 3.92) ** 2
        slopes_a, spread, s0 = _weighted_slopes(weight, y_m, t)
        chi2_a = slopes_a[:, 0] ** 2 * spread / s0

        if not use_b.any():  # test B only where asked: it costs as much again
            return slopes_a, chi2_a, np.isfinite(weight).all(axis=1)
        logit = np.log(count_m / (denom_m - count_m))
        m, st, stt = _all_and_leave_one_out(np.ones((1, _TREND_POINTS)), t[None, :], t[None, :] ** 2)
        ly, lty = _all_and_leave_one_out(logit, logit * t)
        slopes_b = (m * lty - ly * st) / (m * stt - st**2)
        big_n, big_o = denom_m.sum(axis=1), count_m.sum(axis=1)
        n_t, o_t, n_tt = denom_m @ t, count_m @ t, denom_m @ t**2
        chi2_b = (
            big_n * (big_n * o_t - big_o * n_t) ** 2 / (big_o * (big_n - big_o) * (big_n * n_tt - n_t**2))
        )
    slopes = np.where(use_b[:, None], slopes_b, slopes_a)
    chi2 = np.where(use_b, chi2_b, chi2_a)
    inputs_ok = np.where(use_b, np.isfinite(logit).all(axis=1), np.isfinite(weight).all(axis=1))
    return slopes, chi2, inputs_ok


def _trend_codes(calculated: np.ndarray, slopes: np.ndarray, chi2: np.ndarray, pol: np.ndarray) -> np.ndarray:
    """The trend: significant only if all six slopes agree in sign and χ² passes the 99.8% level."""
    consistent = (slopes < 0).all(axis=1) | (slopes >= 0).all(axis=1)
    significant = calculated & consistent & (chi2 > TREND_CHI2_THRESHOLD)
    rising = slopes[:, 0] > 0
    higher, lower = pol == _HIGHER, pol == _LOWER
    code = codes_of(TRENDS)
    return np.select(
        [~calculated, ~significant, higher | lower, rising],
        [
            code["cannot_be_calculated"],
            code["no_significant_change"],
            np.where(rising == higher, code["improving"], code["worsening"]),
            code["increasing"],
        ],
        default=code["decreasing"],
    ).astype("int8")


def trend_window_codes(
    value: np.ndarray,
    lower95: np.ndarray,
    upper95: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
    value_type: Any,
    polarity: Any,
    test: Any = "A",
) -> np.ndarray:
    """Codes into TRENDS of the recent trend of many five-point windows at once: inputs are (n, 5) matrices, oldest first.

    For a trend at every point of a long table: each row's window is the point and the four before it,
    with NaN where a period is missing (a gap ends the unbroken run, so the window cannot be calculated).
    Eligibility as `recent_trend`: a proportion or crude rate, five valid points with counts,
    denominators and 95% limits, no count equal to its denominator.
    """
    y, lo, hi, count, denom = (
        np.asarray(a, dtype=float) for a in (value, lower95, upper95, numerator, denominator)
    )
    n = y.shape[0]
    kind, pol, method = (_labels(a, (n,)) for a in (value_type, polarity, test))
    use_b = method == "B"
    slopes, chi2, inputs_ok = _trend_statistics(y, lo, hi, count, denom, use_b)
    valid = np.isfinite(y) & np.isfinite(count) & (count >= 0) & (denom > 0)
    calculated = (
        np.isin(kind, TREND_VALUE_TYPES)
        & np.isin(method, ["A", "B"])
        & valid.all(axis=1)
        & ~(count == denom).any(axis=1)
        & (np.isfinite(lo) & np.isfinite(hi)).all(axis=1)
        & inputs_ok
    )
    return _trend_codes(calculated, slopes, chi2, pol)
