"""Confidence intervals and benchmark comparisons, computed as PHE/OHID Fingertips does (the recent trend is in `evaluate/trends.py`).

The methods, their sources and perfwatch's choices are in `methods/indicator-stats.md` (section numbers
below refer to it). Everything here is vectorised: functions take numpy arrays or pandas Series (or
scalars, which broadcast) and return numpy arrays. Bad input never raises: a row that cannot be
computed (missing value, zero denominator, numerator above denominator ...) gives NaN, or
`not_compared` / `cannot_be_calculated` for the labelled results, and the other rows are unaffected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import special as _special  # the quantile functions scipy.stats calls, without its 1 s import

from perfwatch.vocabulary import BENCHMARKS, TRENDS, codes_of

__all__ = [
    "ESP2013",
    "JUDGEMENTS",
    "TRENDS",
    "TREND_CHI2_THRESHOLD",
    "TREND_VALUE_TYPES",
    "attach_weights",
    "ci_contains_raw",
    "compare_ci_contains",
    "compare_overlap",
    "compare_two_level",
    "dsr",
    "isr_ci",
    "judgement_codes",
    "mean_ci",
    "normalise_band",
    "overlap_raw",
    "polarity_signs",
    "poisson_count_ci",
    "quintiles",
    "rank_within",
    "rate_ci",
    "two_level_raw",
    "wilson_ci",
    "z_value",
]

#: European Standard Population 2013, 19 five-year bands summing to 100,000 (PHEindicatormethods `esp2013`).
ESP2013: dict[str, float] = {
    "0-4": 5000.0, "5-9": 5500.0, "10-14": 5500.0, "15-19": 5500.0, "20-24": 6000.0, "25-29": 6000.0,
    "30-34": 6500.0, "35-39": 7000.0, "40-44": 7000.0, "45-49": 7000.0, "50-54": 7000.0, "55-59": 6500.0,
    "60-64": 6000.0, "65-69": 5500.0, "70-74": 5000.0, "75-79": 4000.0, "80-84": 2500.0, "85-89": 1500.0,
    "90+": 1000.0,
}  # fmt: skip

#: χ² (1 df) at p = 0.002: a recent trend is significant above it (Fingertips `ChiSquareConfidence`).
TREND_CHI2_THRESHOLD = 9.54953570608324

#: Value types that get a recent trend; `percentage` is accepted as a proportion on another scale.
TREND_VALUE_TYPES = ("proportion", "percentage", "crude_rate")

_TREND_POINTS = 5
_BYAR_FROM = 10
_DSR_MIN_EVENTS = 10
_QUINTILE_MIN_VALUES = 5
_HIGHER = "higher_is_better"
_LOWER = "lower_is_better"


def _normal_quantile(p: Any) -> np.ndarray:
    """`scipy.stats.norm.ppf`: the same function (`ndtri`)."""
    return _special.ndtri(p)


def _chi2_quantile(p: Any, df: Any) -> np.ndarray:
    """`scipy.stats.chi2.ppf`: the same formula (twice the inverse regularised lower gamma function)."""
    return 2 * _special.gammaincinv(np.asarray(df, dtype=float) / 2, p)


def _t_quantile(p: Any, df: Any) -> np.ndarray:
    """`scipy.stats.t.ppf` for 0 < p < 1: the same function (`stdtrit`)."""
    return _special.stdtrit(df, p)


def _floats(values: Any) -> np.ndarray:
    """Float array from a scalar, list, numpy array or (nullable) pandas object; missing becomes NaN."""
    if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
        return pd.Series(values).to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(values, dtype=float)


def _labels(values: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Object array of labels (e.g. polarity) broadcast to `shape`."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy(dtype=object)
    return np.broadcast_to(np.asarray(values, dtype=object), shape)


def _level(confidence: Any) -> np.ndarray:
    """Confidence as a fraction: 95 and 0.95 both mean 95%; anything outside (0, 1] is NaN."""
    level = _floats(confidence)
    level = np.where(level > 1, level / 100, level)
    return np.where((level > 0) & (level <= 1), level, np.nan)


def z_value(confidence: Any) -> Any:
    """Two-sided normal quantile for a confidence level (0.95 → 1.959964, 0.998 → 3.090232).

    Accepts 0.95 or 95; returns a float for a scalar and an array for an array.
    """
    level = _level(confidence)
    z = _normal_quantile(level + (1 - level) / 2)
    return float(z) if np.ndim(z) == 0 else z


def _broadcast(*arrays: np.ndarray) -> list[np.ndarray]:
    return [np.array(a, dtype=float) for a in np.broadcast_arrays(*arrays)]


def wilson_ci(
    numerator: Any, denominator: Any, confidence: Any = 0.95, multiplier: Any = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion (2.1), scaled by `multiplier` (100 for a percentage).

    x = 0 gives a lower limit of exactly 0 and x = n an upper limit of exactly `multiplier`; confidence 1
    gives 0 and `multiplier`. Rows with x < 0, n <= 0, x > n or anything missing give NaN.
    """
    x, n, z, mult = _broadcast(
        _floats(numerator), _floats(denominator), np.asarray(z_value(confidence)), _floats(multiplier)
    )
    with np.errstate(all="ignore"):
        z2 = z * z
        spread = z * np.sqrt(z2 + 4 * x * (1 - x / n))
        lower = (2 * x + z2 - spread) / (2 * (n + z2))
        upper = (2 * x + z2 + spread) / (2 * (n + z2))
    lower = np.where((x == 0) | np.isinf(z), 0.0, lower)
    upper = np.where((x == n) | np.isinf(z), 1.0, upper)
    computable = (x >= 0) & (n > 0) & (x <= n) & ~np.isnan(z)
    return np.where(computable, lower * mult, np.nan), np.where(computable, upper * mult, np.nan)


def _byar(count: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the Poisson limits of a count; a negative lower limit becomes NaN."""
    with np.errstate(all="ignore"):
        lower = count * (1 - 1 / (9 * count) - z / (3 * np.sqrt(count))) ** 3
        after = count + 1
        upper = after * (1 - 1 / (9 * after) + z / (3 * np.sqrt(after))) ** 3
    return np.where(lower >= 0, lower, np.nan), np.array(upper, dtype=float)


def poisson_count_ci(count: Any, confidence: Any = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Limits for an observed count (2.2): exact χ² below 10 events, Byar's from 10.

    A count of 0 has a lower limit of 0 (R's qchisq at df = 0; SciPy returns NaN there).
    Negative or missing counts give NaN.
    """
    x, level = _broadcast(_floats(count), _level(confidence))
    alpha = 1 - level
    lower, upper = _byar(x, _normal_quantile(level + alpha / 2))
    exact = (x >= 0) & (x < _BYAR_FROM) & ~np.isnan(level)
    if exact.any():
        xe, ae = x[exact], alpha[exact]
        with np.errstate(all="ignore"):
            lower[exact] = np.where(xe > 0, _chi2_quantile(ae / 2, 2 * xe) / 2, 0.0)
            upper[exact] = _chi2_quantile(1 - ae / 2, 2 * xe + 2) / 2
    computable = (x >= 0) & ~np.isnan(level)
    return np.where(computable, lower, np.nan), np.where(computable, upper, np.nan)


def rate_ci(
    numerator: Any, denominator: Any, confidence: Any = 0.95, multiplier: Any = 100000.0
) -> tuple[np.ndarray, np.ndarray]:
    """Crude rate limits (2.2): the count's Poisson limits / denominator × multiplier.

    The numerator may exceed the denominator (e.g. admissions per population); n <= 0 gives NaN.
    """
    lower, upper = poisson_count_ci(numerator, confidence)
    n, mult = _floats(denominator), _floats(multiplier)
    with np.errstate(all="ignore"):
        scale = np.where(n > 0, mult / n, np.nan)
    return lower * scale, upper * scale


def isr_ci(
    observed: Any, expected: Any, confidence: Any = 0.95, refvalue: Any = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Limits of an indirectly standardised ratio O/E × refvalue (2.3): Poisson limits of O / E.

    Use refvalue 100 for an SMR "x 100", or the reference rate × multiplier for an indirectly standardised
    rate. E <= 0 gives NaN.
    """
    lower, upper = poisson_count_ci(observed, confidence)
    e, ref = _floats(expected), _floats(refvalue)
    with np.errstate(all="ignore"):
        scale = np.where(e > 0, ref / e, np.nan)
    return lower * scale, upper * scale


def mean_ci(mean: Any, sd: Any, n: Any, confidence: Any = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Limits of a mean (2.5): mean ± t(n − 1) × sd / √n. Needs n >= 2 and sd >= 0, else NaN."""
    m, s, size, level = _broadcast(_floats(mean), _floats(sd), _floats(n), _level(confidence))
    computable = (size >= 2) & (s >= 0)
    with np.errstate(all="ignore"):
        half = (
            _t_quantile(level + (1 - level) / 2, np.where(computable, size - 1, np.nan)) * s / np.sqrt(size)
        )
    half = np.where(computable, half, np.nan)
    return m - half, m + half


def normalise_band(bands: Any) -> pd.Series:
    """Canonical band labels so '0 – 4', '0-4 ' and '90 and over' match the ESP2013 keys."""
    text = pd.Series(bands, dtype="string").str.lower()
    text = text.str.replace(r"[\u2010-\u2015]", "-", regex=True).str.replace(r"\s+", "", regex=True)
    text = text.str.replace(r"^(\d+)(?:andover|plus|orover|\+)$", r"\1+", regex=True)
    return text.str.replace(r"^(\d+)to(\d+)$", r"\1-\2", regex=True)


def attach_weights(
    frame: pd.DataFrame,
    band_col: str,
    weights: Mapping[str, float] | None = None,
    weight_col: str = "weight",
) -> pd.DataFrame:
    """A copy of `frame` with the standard population weight of each row's band in `weight_col`.

    `weights` defaults to ESP2013; bands without a weight get NaN, which `dsr` reports per group.
    """
    table = ESP2013 if weights is None else weights
    lookup = dict(zip(normalise_band(list(table)), table.values(), strict=True))
    result = frame.copy()
    result[weight_col] = (
        normalise_band(frame[band_col].to_numpy()).map(lookup).to_numpy(dtype=float, na_value=np.nan)
    )
    return result


def dsr(
    frame: pd.DataFrame,
    group_cols: str | Sequence[str],
    count_col: str,
    pop_col: str,
    weight_col: str,
    confidence: float = 0.95,
    multiplier: float = 100000.0,
) -> pd.DataFrame:
    """Directly standardised rates with Dobson limits (2.4), one row per group.

    Each input row is one band of one group. A missing count is 0. Σw is over the bands present in the
    group, so age-restricted indicators supply only their bands. The result has the group columns and
    value, lower, upper, total_count, total_pop and reason; value and limits are NaN with a reason when
    the group has fewer than 10 events or a band with a missing or non-positive population, a missing or
    negative weight, or a negative count.
    """
    keys = [group_cols] if isinstance(group_cols, str) else list(group_cols)
    count = frame[count_col].to_numpy(dtype=float, na_value=np.nan)
    count = np.where(np.isnan(count), 0.0, count)
    pop = frame[pop_col].to_numpy(dtype=float, na_value=np.nan)
    weight = frame[weight_col].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(all="ignore"):
        parts = pd.DataFrame(
            {
                "weighted_rate": weight * count / pop,
                "variance": count * (weight / pop) ** 2,
                "weight": weight,
                "count": count,
                "pop": pop,
                "bad_pop": ~(pop > 0),
                "bad_weight": ~(weight >= 0),
                "bad_count": count < 0,
            },
            index=frame.index,
        )
    sums = parts.groupby([frame[k] for k in keys], sort=True, dropna=False).sum()
    events = sums["count"].to_numpy()
    weight_total = sums["weight"].to_numpy()
    with np.errstate(all="ignore"):
        rate = sums["weighted_rate"].to_numpy() / weight_total
        variance = sums["variance"].to_numpy() / weight_total**2
        z = z_value(confidence)
        events_lower, events_upper = _byar(events, np.full_like(events, z))
        spread = np.sqrt(variance / events)
        lower = (rate + spread * (events_lower - events)) * multiplier
        upper = (rate + spread * (events_upper - events)) * multiplier
    reason = np.select(
        [
            sums["bad_pop"].to_numpy() > 0,
            sums["bad_weight"].to_numpy() > 0,
            sums["bad_count"].to_numpy() > 0,
            ~(weight_total > 0),
            events < _DSR_MIN_EVENTS,
        ],
        [
            "population missing or not above zero in a band",
            "standard population weight missing or negative for a band",
            "negative count in a band",
            "standard population weights sum to zero",
            "fewer than 10 events",
        ],
        default="",
    )
    ok = reason == ""
    result = pd.DataFrame(
        {
            "value": np.where(ok, rate * multiplier, np.nan),
            "lower": np.where(ok, lower, np.nan),
            "upper": np.where(ok, upper, np.nan),
            "total_count": events,
            "total_pop": sums["pop"].to_numpy(),
            "reason": reason,
        },
        index=sums.index,
    )
    return result.reset_index()


#: The words of a comparison, in the order of their codes (`judgement_codes`).
JUDGEMENTS = BENCHMARKS


def polarity_signs(polarity: Any, shape: tuple[int, ...]) -> np.ndarray:
    """+1 higher_is_better, −1 lower_is_better, 0 no_judgement, NaN for anything else."""
    pol = _labels(polarity, shape)
    return np.select([pol == _HIGHER, pol == _LOWER, pol == "no_judgement"], [1.0, -1.0, 0.0], default=np.nan)


def judgement_codes(raw: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Raw comparisons (+1 area higher, −1 lower, 0 similar, NaN not compared) and polarity signs
    (`polarity_signs`) to codes into JUDGEMENTS."""
    raw, signs = np.broadcast_arrays(np.asarray(raw, dtype=float), np.asarray(signs, dtype=float))
    judged = raw * signs
    code = codes_of(JUDGEMENTS)
    codes = np.select(
        [np.isnan(raw) | np.isnan(signs), raw == 0, judged > 0, judged < 0, raw > 0],
        [code["not_compared"], code["similar"], code["better"], code["worse"], code["higher"]],
        default=code["lower"],
    )
    return codes.astype("int8")


def _judge(raw: np.ndarray, polarity: Any) -> np.ndarray:
    """Map raw comparisons to perfwatch words (JUDGEMENTS)."""
    raw = np.asarray(raw, dtype=float)
    codes = judgement_codes(raw, polarity_signs(polarity, np.broadcast_shapes(raw.shape, np.shape(polarity))))
    return np.asarray(np.asarray(JUDGEMENTS, dtype=object)[codes], dtype=object)  # 0-d stays an array


def _all_finite(*arrays: np.ndarray) -> np.ndarray:
    ok = np.ones(np.broadcast_shapes(*(a.shape for a in arrays)), dtype=bool)
    for a in arrays:
        ok &= np.isfinite(a)
    return ok


def ci_contains_raw(value: Any, lower: Any, upper: Any, benchmark_value: Any) -> np.ndarray:
    """`compare_ci_contains` before polarity: +1 area higher, −1 lower, 0 similar, NaN not compared."""
    v, lo, hi, b = np.broadcast_arrays(
        _floats(value), _floats(lower), _floats(upper), _floats(benchmark_value)
    )
    known = _all_finite(v, lo, hi, b) & (lo <= hi)
    raw = np.select([b < lo, b > hi], [1.0, -1.0], default=0.0)
    return np.where(known, raw, np.nan)


def compare_ci_contains(
    value: Any, lower: Any, upper: Any, benchmark_value: Any, polarity: Any
) -> np.ndarray:
    """Benchmark comparison 3.2: similar when lower <= benchmark <= upper (ends inclusive).

    Otherwise the area is higher (benchmark below its lower limit) or lower (above its upper limit), judged
    by polarity: `better`/`worse`, or `higher`/`lower` for `no_judgement`. Missing value, limits,
    benchmark or an unknown polarity give `not_compared`. Pass the limits at the comparison's level.
    """
    return _judge(ci_contains_raw(value, lower, upper, benchmark_value), polarity)


def two_level_raw(
    value: Any, lower95: Any, upper95: Any, lower998: Any, upper998: Any, benchmark_value: Any
) -> tuple[np.ndarray, np.ndarray]:
    """`compare_two_level` before polarity: (raw as `ci_contains_raw`, True where significant at 95%
    only rather than at 99.8%)."""
    v, lo95, hi95, lo998, hi998, b = np.broadcast_arrays(
        _floats(value),
        _floats(lower95),
        _floats(upper95),
        _floats(lower998),
        _floats(upper998),
        _floats(benchmark_value),
    )
    known = _all_finite(v, lo95, hi95, lo998, hi998, b) & (lo95 <= hi95) & (lo998 <= hi998)
    inside95 = (lo95 <= b) & (b <= hi95)
    above95 = (lo998 <= b) & (b <= lo95)
    below95 = (hi95 <= b) & (b <= hi998)
    raw = np.select([inside95, above95, below95, v < b], [0.0, 1.0, -1.0, -1.0], default=1.0)
    return np.where(known, raw, np.nan), above95 | below95


def compare_two_level(
    value: Any,
    lower95: Any,
    upper95: Any,
    lower998: Any,
    upper998: Any,
    benchmark_value: Any,
    polarity: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """Benchmark comparison 3.3, graded at 95% and 99.8%.

    Returns (label, grade): label as `compare_ci_contains`; grade adds the level at which the difference
    is significant, e.g. `better_95`, `worse_99.8`, `higher_99.8`, or `similar` / `not_compared`.
    """
    raw, at95 = two_level_raw(value, lower95, upper95, lower998, upper998, benchmark_value)
    label = _judge(raw, polarity)
    level = np.where(at95, "_95", "_99.8")
    graded = np.char.add(label.astype(str), level).astype(object)
    grade = np.where(np.isin(label, ["similar", "not_compared"]), label, graded).astype(object)
    return label, grade


def overlap_raw(
    value_a: Any, lower_a: Any, upper_a: Any, value_b: Any, lower_b: Any, upper_b: Any
) -> np.ndarray:
    """`compare_overlap` before polarity: +1 A higher, −1 A lower, 0 similar, NaN not compared."""
    va, la, ua, vb, lb, ub = np.broadcast_arrays(
        _floats(value_a),
        _floats(lower_a),
        _floats(upper_a),
        _floats(value_b),
        _floats(lower_b),
        _floats(upper_b),
    )
    known = _all_finite(va, la, ua, vb, lb, ub) & (la <= ua) & (lb <= ub)
    overlap = np.where(va >= vb, la <= ub, lb <= ua)
    raw = np.select([overlap, va > vb], [0.0, 1.0], default=-1.0)
    return np.where(known, raw, np.nan)


def compare_overlap(
    value_a: Any,
    lower_a: Any,
    upper_a: Any,
    value_b: Any,
    lower_b: Any,
    upper_b: Any,
    polarity: Any,
) -> np.ndarray:
    """Double-overlap comparison 3.4 of A against B: similar when the two intervals touch or overlap.

    Otherwise A is better/worse (or higher/lower) than B by the order of the values and the polarity.
    Also the direction-of-travel rule: with A the current period and B the earlier one, `better` means
    improving, `worse` worsening and `similar` no change (for `no_judgement`, `higher`/`lower`).
    """
    return _judge(overlap_raw(value_a, lower_a, upper_a, value_b, lower_b, upper_b), polarity)


def _group_codes(groups: Any) -> tuple[np.ndarray, int]:
    """Codes 0..k−1 for group keys (numbers are factorized as numbers, never boxed as objects)."""
    array = groups.to_numpy() if isinstance(groups, pd.Series | pd.Index) else np.asarray(groups)
    if array.dtype.kind not in "iufb":
        array = pd.Series(array, dtype=object)
    codes, uniques = pd.factorize(array, use_na_sentinel=False)
    return codes, len(uniques)


def quintiles(values: Any, groups: Any, polarity: Any) -> np.ndarray:
    """Quintile 1..5 of each value among the valid values of its group (3.4, Fingertips method 15).

    Bounds are the 20/40/60/80th percentiles by Excel PERCENTILE.INC (numpy 'linear'), rounded to 10
    decimal places; a value is in the first quintile whose upper bound it does not exceed. Groups with
    fewer than 5 valid values give NaN. For `higher_is_better` 1 is the best (highest) quintile; for
    `lower_is_better` 1 is the best (lowest); for `no_judgement` 1 is the lowest.
    """
    v = _floats(values).ravel()
    codes, n_groups = _group_codes(groups)
    valid = np.isfinite(v)
    size = np.bincount(codes[valid], minlength=n_groups)
    sorted_values = v[valid][np.lexsort((v[valid], codes[valid]))]
    starts = np.cumsum(size) - size
    enough = size >= _QUINTILE_MIN_VALUES
    g_size, g_start = size[enough], starts[enough]
    bounds = np.full((n_groups, 4), np.inf)
    for j in range(1, 5):
        position = (g_size - 1) * (0.2 * j)
        whole = np.floor(position).astype(int)
        low = sorted_values[g_start + whole]
        high = sorted_values[g_start + np.minimum(whole + 1, g_size - 1)]
        bounds[enough, j - 1] = np.round(low + (position - whole) * (high - low), 10)
    category = 1 + (v[:, None] > bounds[codes]).sum(axis=1)
    pol = _labels(polarity, v.shape)
    ranked = np.select(
        [pol == _HIGHER, (pol == _LOWER) | (pol == "no_judgement")], [6 - category, category], default=0
    )
    return np.where(valid & enough[codes] & (ranked > 0), ranked, np.nan).astype(float)


def rank_within(values: Any, groups: Any, polarity: Any) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each value in its group (1 = best; for `no_judgement` 1 = highest; ties share the best rank).

    Returns (rank, group size), the size counting the group's valid values. Missing values rank NaN.
    """
    v = _floats(values).ravel()
    codes, n_groups = _group_codes(groups)
    pol = _labels(polarity, v.shape)
    key = np.select([pol == _LOWER, (pol == _HIGHER) | (pol == "no_judgement")], [v, -v], default=np.nan)
    # Sorted by group then key (NaN last): a value's rank is its position in the group, ties taking the
    # position of the first of them ('min').
    order = np.lexsort((key, codes))
    sorted_codes, sorted_key = codes[order], key[order]
    position = np.arange(len(order))
    group_first = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]] if len(order) else np.zeros(0, bool)
    run_first = group_first | np.r_[True, sorted_key[1:] != sorted_key[:-1]] if len(order) else group_first
    group_start = np.maximum.accumulate(np.where(group_first, position, 0))
    run_start = np.maximum.accumulate(np.where(run_first, position, 0))
    rank = np.empty(len(order))
    rank[order] = np.where(np.isnan(sorted_key), np.nan, run_start - group_start + 1)
    size = np.bincount(codes, weights=np.isfinite(v), minlength=n_groups)
    return rank, size[codes]
