"""Statistical process control: Making Data Count XmR charts, vectorised over many series at once.

The method is NHSRplotthedots v0.2.2 as written down in ``methods/spc.md``; every option that the Making Data
Count tools do differently is a per-series setting (the "decisions on section 9" there). All series are
computed together on flat, sorted numpy arrays: group statistics use ``np.bincount`` and the run, trend and
2-of-3 windows use cumulative sums, so 50,000 series cost the same few array passes as one.

Public API
----------
``compute_spc(points, settings) -> DataFrame``
    ``points`` has one row per point: ``series`` (int key), ``order`` (sortable time, e.g. period_start;
    unique within a series), ``value`` (float; NaN values are dropped before any calculation) and
    ``rebase`` (bool: this point is the first of a new rebase group). ``settings`` has one row per series
    (index = series key) with ``direction`` (+1 increase is better, -1 decrease is better, 0 neutral),
    ``target`` (float or NaN), ``screen_outliers`` (bool), ``two_in_three_counts_outside`` (bool),
    ``run_length`` (6 or 7), ``fix_after`` (int, 0 for none) and ``min_points`` (int); a missing column
    takes its value from ``DEFAULT_SETTINGS``. Returns a frame aligned to ``points.index`` with

    - ``spc_group``: rebase group number within the series (0, 1, ...; given for dropped points too);
    - ``spc_mean``, ``spc_lower``, ``spc_upper``: centre line and process limits of the point's own group;
    - ``spc_signal``: common_cause / special_cause_improvement / special_cause_concern /
      special_cause_neutral_high / special_cause_neutral_low;
    - ``spc_rule``: outside_limits / trend / two_in_three / run / "" — the rule that decided the point under
      the fixed precedence outside_limits > trend > two_in_three > run;
    - ``spc_side``: +1 / -1 / 0, the sign of the rule's label (above or increasing is +1);
    - ``spc_trial``: the group has fewer than 13 points, so its limits are trial limits;
    - ``spc_shown``: the group has at least ``min_points`` points. When it is False, the mean and limits
      are NaN and the signal and rule are "".

    Dropped (NaN) points get NaN numbers, "" text, side 0 and False flags.

``summarise_spc(points, computed, settings) -> DataFrame``
    One row per series of ``settings`` (same index), from each series' latest point:

    - ``variation``: common_cause / improvement_high / improvement_low / concern_high / concern_low /
      neutral_high / neutral_low, from the last point's signal (section 5); "" when the latest group is
      not shown or has no limits (a single point);
    - ``assurance``: consistent_pass / consistent_fail / inconsistent, the target against the latest
      group's limits with strict comparisons (section 6); "" without a target, for a neutral direction or
      without limits;
    - ``n_points`` (points used), ``n_missing`` (NaN values dropped), ``latest_group``,
      ``latest_group_points``, ``latest_mean``, ``latest_lower``, ``latest_upper``, ``trial``;
    - ``spc_text``: plain English for the chart's text alternative, e.g. "Special cause of concern: 7 points
      in a row below the mean (90.1) since 2023-04." ``points`` may carry a ``label`` column (the period
      label) to name periods; otherwise ``order`` is shown.

Both raise ``ValueError`` for a broken contract (a missing column, a series without settings, an order
repeated within a series, an unknown direction or run length): the loader validates what users write.

Where perfwatch differs from NHSRplotthedots 0.2.2 (all documented in ``methods/spc.md`` or here):

- NaN values are dropped rather than propagated (issue #156); the count is in ``n_missing``.
- A point in a trend is labelled with the direction of the trend it belongs to. The package uses the step
  to the right, which mislabels the point where two trends touch without sharing a step (at a tie, or a
  jump between them). Only a turning point shared by a rising and a falling trend takes the later trend's
  direction, as in the package.
- A group whose moving ranges are all zero keeps a zero average moving range (limits equal the mean); the
  package's screening ``mr < 3.267 × 0`` would drop every moving range and give no limits.
- A group with one point has a mean but no limits (NaN), and no special cause.
- Options: ``screen_outliers=False`` (MDC Excel tool), ``two_in_three_counts_outside=True`` (MDC 2023),
  ``run_length=6`` (MDC Excel option), ``min_points`` (MDC Single Chart tool shows nothing below it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Process limits are mean ± LIMIT × average moving range (3 sigma, sigma = amr / 1.128).
LIMIT = 2.66
#: The 2-sigma lines used by the 2-of-3 rule, computed as the reference package does.
NEAR_LIMIT = 2 * (LIMIT / 3)
#: Moving ranges of at least this many times the first-pass average are screened out.
MR_SCREEN = 3.267
#: Groups with fewer points than this have trial limits.
TRIAL_BELOW = 13

DEFAULT_SETTINGS: dict[str, object] = {
    "direction": 1,
    "target": np.nan,
    "screen_outliers": True,
    "two_in_three_counts_outside": False,
    "run_length": 7,
    "fix_after": 0,
    "min_points": 0,
}

_POINT_COLUMNS = ("series", "order", "value", "rebase")
_RULE_OUTSIDE, _RULE_TREND, _RULE_TWO_IN_THREE, _RULE_RUN, _RULE_NONE = range(5)
_COMMON, _IMPROVEMENT, _CONCERN, _NEUTRAL_HIGH, _NEUTRAL_LOW = range(5)
_NOT_SHOWN = 5
# In code order; the vocabularies are those of perfwatch.evaluate.results (SPC_SIGNALS, SPC_RULES, ...).
SIGNALS = [
    "common_cause", "special_cause_improvement", "special_cause_concern",
    "special_cause_neutral_high", "special_cause_neutral_low",
]  # fmt: skip
RULES = ["outside_limits", "trend", "two_in_three", "run", ""]
_SIGNAL_TEXT = [*SIGNALS, ""]


@dataclass(frozen=True)
class _Layout:
    """Points sorted by (series, order), with the used (non-NaN) points split into rebase-group segments."""

    sort: np.ndarray  # positions into `points`, sorted by (series, order)
    sorted_row: np.ndarray  # row of `settings` for each sorted point
    group: np.ndarray  # rebase group of each sorted point
    used: np.ndarray  # positions into `points` of non-NaN points, in sorted order
    value: np.ndarray
    segment: np.ndarray  # segment number (series × group) of each used point
    pos: np.ndarray  # position of the point within its segment
    segment_start: np.ndarray  # first used index of each segment
    segment_len: np.ndarray
    setting_row: np.ndarray  # row of `settings` for each used point: the series' identity


@dataclass(frozen=True)
class _Options:
    """The settings as one array per option (one entry per series), defaults filled in and checked."""

    index: pd.Index
    direction: np.ndarray
    target: np.ndarray
    screen_outliers: np.ndarray
    counts_outside: np.ndarray
    run_length: np.ndarray
    fix_after: np.ndarray
    min_points: np.ndarray


def _options(settings: pd.DataFrame) -> _Options:
    if not settings.index.is_unique:
        raise ValueError("SPC settings must have one row per series")

    def column(name: str, dtype: type) -> np.ndarray:
        default = DEFAULT_SETTINGS[name]
        if name not in settings.columns:
            return np.full(len(settings), default, dtype=dtype)
        values = settings[name]
        return (values if dtype is float else values.fillna(default)).to_numpy(dtype=dtype)

    options = _Options(
        index=settings.index,
        direction=column("direction", np.int64),
        target=column("target", float),
        screen_outliers=column("screen_outliers", bool),
        counts_outside=column("two_in_three_counts_outside", bool),
        run_length=column("run_length", np.int64),
        fix_after=column("fix_after", np.int64),
        min_points=column("min_points", np.int64),
    )
    bad = ~np.isin(options.direction, [-1, 0, 1]) | ~np.isin(options.run_length, [6, 7])
    if bad.any():
        raise ValueError(
            "SPC settings need direction in {-1, 0, 1} and run_length in {6, 7}; "
            f"check series {list(settings.index[bad][:5])}"
        )
    return options


def _layout(points: pd.DataFrame, options: _Options) -> _Layout:
    missing = [column for column in _POINT_COLUMNS if column not in points.columns]
    if missing:
        raise ValueError(f"SPC points need the columns {missing}")
    row_all = options.index.get_indexer(points["series"].to_numpy())
    if (row_all < 0).any():
        unknown = pd.unique(points["series"].to_numpy()[row_all < 0])[:5]
        raise ValueError(f"SPC points belong to series without settings: {list(unknown)}")
    order_all = points["order"].to_numpy()
    sort = _sort_by_series_then_order(row_all, order_all, len(options.index))
    sorted_row = row_all[sort]
    order_sorted = order_all[sort]
    same_series = sorted_row[1:] == sorted_row[:-1]
    duplicate = same_series & (order_sorted[1:] == order_sorted[:-1])
    if duplicate.any():
        first = np.flatnonzero(duplicate)[0]
        raise ValueError(
            f"SPC points repeat order {order_sorted[first]!r} in series "
            f"{options.index[sorted_row[first]]!r}; "
            "each series needs one point per period"
        )

    rebase = points["rebase"].to_numpy(dtype=bool)[sort]
    new_series = np.ones(len(sort), dtype=bool)
    new_series[1:] = ~same_series
    rebases_so_far = np.cumsum(rebase)
    series_number = np.cumsum(new_series) - 1
    before_series = (rebases_so_far - rebase)[new_series]
    group = rebases_so_far - before_series[series_number]

    value_sorted = points["value"].to_numpy(dtype=float)[sort]
    keep = ~np.isnan(value_sorted)
    row = sorted_row[keep]
    kept_group = group[keep]
    n = len(row)
    new_segment = np.ones(n, dtype=bool)
    new_segment[1:] = (row[1:] != row[:-1]) | (kept_group[1:] != kept_group[:-1])
    segment = np.cumsum(new_segment) - 1
    segment_start = np.flatnonzero(new_segment)
    segment_len = np.diff(np.append(segment_start, n))
    pos = np.arange(n) - segment_start[segment]
    return _Layout(
        sort=sort,
        sorted_row=sorted_row,
        group=group,
        used=sort[keep],
        value=value_sorted[keep],
        segment=segment,
        pos=pos,
        segment_start=segment_start,
        segment_len=segment_len,
        setting_row=row,
    )


def _sort_by_series_then_order(row: np.ndarray, order: np.ndarray, n_series: int) -> np.ndarray:
    """Positions sorting points by series, then order: one argsort of a combined key if it fits in int64."""
    if len(order) and np.issubdtype(order.dtype, np.integer):
        low, high = int(order.min()), int(order.max())
        span = high - low + 1
        if n_series * span < 2**62:
            return np.argsort(row.astype(np.int64) * span + (order.astype(np.int64) - low), kind="stable")
    return np.lexsort((order, row))


def _group_mean(segment: np.ndarray, values: np.ndarray, include: np.ndarray, n_segments: int) -> np.ndarray:
    """Mean of `values` where `include`, per segment; NaN for a segment with nothing included."""
    total = np.bincount(segment, weights=np.where(include, values, 0.0), minlength=n_segments)
    count = np.bincount(segment, weights=include, minlength=n_segments)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def _trailing_count(flags: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Number of True flags in the `width` rows ending at each row (fewer at the start of the array)."""
    cumulative = np.concatenate(([0], np.cumsum(flags)))
    index = np.arange(len(flags))
    return cumulative[index + 1] - cumulative[np.maximum(index + 1 - width, 0)]


def _leading_any(flags: np.ndarray, width: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Whether any of the `width` rows starting at each row, and before row `stop`, is flagged."""
    cumulative = np.concatenate(([0], np.cumsum(flags)))
    index = np.arange(len(flags))
    return cumulative[np.minimum(index + width, stop)] - cumulative[index] > 0


def _shift(values: np.ndarray, by: int, fill: object) -> np.ndarray:
    """`values` moved `by` rows later (positive) or earlier (negative), padded with `fill`."""
    shifted = np.full_like(values, fill)
    if by > 0:
        shifted[by:] = values[:-by]
    elif by < 0:
        shifted[:by] = values[-by:]
    else:
        shifted[:] = values
    return shifted


def _part_of_streak(
    ends: np.ndarray, pos: np.ndarray, length: np.ndarray, group_stop: np.ndarray
) -> np.ndarray:
    """Points inside a streak of `length` points that ends (`ends`) at or within length - 1 rows after them.

    Only ends with a full streak inside their group count, and only ends before `group_stop` (the row after
    the point's group), so no streak reaches into another group or series.
    """
    return _leading_any(ends & (pos >= length - 1), length, group_stop)


def compute_spc(points: pd.DataFrame, settings: pd.DataFrame) -> pd.DataFrame:
    """Mean, process limits and the special-cause signal of every point of every series (see module doc)."""
    options = _options(settings)
    layout = _layout(points, options)
    n_points = len(points)
    group_out = np.zeros(n_points, dtype=np.int64)
    group_out[layout.sort] = layout.group
    out = {
        "spc_group": group_out,
        "spc_mean": np.full(n_points, np.nan),
        "spc_lower": np.full(n_points, np.nan),
        "spc_upper": np.full(n_points, np.nan),
        "spc_signal": np.full(n_points, _NOT_SHOWN, dtype=np.int8),
        "spc_rule": np.full(n_points, _RULE_NONE, dtype=np.int8),
        "spc_side": np.zeros(n_points, dtype=np.int8),
        "spc_trial": np.zeros(n_points, dtype=bool),
        "spc_shown": np.zeros(n_points, dtype=bool),
    }
    if len(layout.value):
        computed = _compute_used(layout, options)
        for column, values in computed.items():
            out[column][layout.used] = values
    out["spc_signal"] = _vocabulary_text(out["spc_signal"], _SIGNAL_TEXT, points.index)
    out["spc_rule"] = _vocabulary_text(out["spc_rule"], RULES, points.index)
    return pd.DataFrame(out, index=points.index)


def _vocabulary_text(codes: np.ndarray, vocabulary: list[str], index: pd.Index) -> pd.Series:
    """Text column from codes into a small vocabulary: a categorical, never a string per row."""
    return pd.Series(pd.Categorical.from_codes(codes, categories=vocabulary), index=index)


def _compute_used(layout: _Layout, options: _Options) -> dict[str, np.ndarray]:
    """The per-point outputs for the used points, in layout order."""
    row = layout.setting_row
    direction = options.direction[row]
    screen = options.screen_outliers[row]
    counts_outside = options.counts_outside[row]
    length = options.run_length[row]
    fix_after = options.fix_after[row]
    min_points = options.min_points[row]

    y, segment, pos = layout.value, layout.segment, layout.pos
    n_segments = len(layout.segment_start)
    group_len = layout.segment_len[segment]

    # Centre line: mean of the baseline points, taken about the group's first value so that a constant
    # group has its mean exactly equal to the value (points on the mean must compare equal).
    baseline = (fix_after <= 0) | (pos < fix_after)
    first = y[layout.segment_start]
    mean = (first + _group_mean(segment, y - first[segment], baseline, n_segments))[segment]

    # Moving ranges inside the baseline only, screened once against the first-pass average.
    previous = _shift(y, 1, np.nan)
    has_mr = baseline & (pos >= 1)
    moving_range = np.where(has_mr, np.abs(y - previous), np.nan)
    first_amr = _group_mean(segment, moving_range, has_mr, n_segments)[segment]
    kept = has_mr & (~screen | (first_amr == 0) | (moving_range < MR_SCREEN * first_amr))
    amr = _group_mean(segment, moving_range, kept, n_segments)[segment]
    lower, upper = mean - LIMIT * amr, mean + LIMIT * amr
    near_lower, near_upper = mean - NEAR_LIMIT * amr, mean + NEAR_LIMIT * amr

    side = np.sign(y - mean).astype(np.int8)
    outside = (y > upper) | (y < lower)
    close = ((y < near_lower) | (y > near_upper)) & (counts_outside | ~outside)

    # Trend: `length` points each strictly above (below) the one before; a tie breaks it.
    step = np.where(pos >= 1, np.sign(y - previous), 0).astype(np.int8)
    rising_end = _trailing_count(step == 1, length - 1) == length - 1
    falling_end = _trailing_count(step == -1, length - 1) == length - 1
    group_stop = layout.segment_start[segment] + group_len
    in_rising = _part_of_streak(rising_end, pos, length, group_stop)
    in_falling = _part_of_streak(falling_end, pos, length, group_stop)
    in_trend = in_rising | in_falling
    step_right = _shift(step, -1, 0)  # 0 at a segment's last point: the next step belongs to the next one
    trend_up = in_rising & (~in_falling | (step_right > 0))

    # Two of three: a full window of 3 in the group, all on one side, at least 2 close to the limits;
    # only the close points of a qualifying window are flagged.
    window_in_group = pos + 2 < group_len
    close_in_window = close.astype(np.int8) + _shift(close, -1, False) + _shift(close, -2, False)
    side_in_window = side.astype(np.int64) + _shift(side, -1, 0) + _shift(side, -2, 0)
    qualifies = window_in_group & (close_in_window >= 2) & (np.abs(side_in_window) == 3)
    in_two_of_three = close & (qualifies | _shift(qualifies, 1, False) | _shift(qualifies, 2, False))

    # Run: `length` points on one side of the mean; a point on the mean breaks it.
    above_end = _trailing_count(side == 1, length) == length
    below_end = _trailing_count(side == -1, length) == length
    in_run = _part_of_streak(above_end, pos, length, group_stop) | _part_of_streak(
        below_end, pos, length, group_stop
    )

    rule = np.select(
        [outside, in_trend, in_two_of_three, in_run],
        [_RULE_OUTSIDE, _RULE_TREND, _RULE_TWO_IN_THREE, _RULE_RUN],
        _RULE_NONE,
    )
    side_label = np.where(side == 1, 1, -1)
    label = np.select(
        [rule == _RULE_NONE, rule == _RULE_TREND],
        [0, np.where(trend_up, 1, -1)],
        side_label,
    ).astype(np.int8)

    oriented = label * direction
    signal = np.select(
        [label == 0, direction == 0, oriented > 0],
        [_COMMON, np.where(label > 0, _NEUTRAL_HIGH, _NEUTRAL_LOW), _IMPROVEMENT],
        _CONCERN,
    )
    shown = group_len >= min_points
    signal = np.where(shown, signal, _NOT_SHOWN)
    hidden = ~shown
    return {
        "spc_mean": np.where(hidden, np.nan, mean),
        "spc_lower": np.where(hidden, np.nan, lower),
        "spc_upper": np.where(hidden, np.nan, upper),
        "spc_signal": signal,
        "spc_rule": np.where(shown, rule, _RULE_NONE),
        "spc_side": np.where(shown, label, 0).astype(np.int8),
        "spc_trial": group_len < TRIAL_BELOW,
        "spc_shown": shown,
    }


def summarise_spc(points: pd.DataFrame, computed: pd.DataFrame, settings: pd.DataFrame) -> pd.DataFrame:
    """Variation and assurance icons and a text alternative per series, from its latest point.

    `computed` is `compute_spc(points, settings)` for the same `points` (row for row).
    """
    if len(computed) != len(points):
        raise ValueError("summarise_spc needs compute_spc's output for the same points")
    options = _options(settings)
    layout = _layout(points, options)
    n_series = len(options.index)
    n_used = np.bincount(layout.setting_row, minlength=n_series).astype(np.int64)
    summary = {
        "variation": np.full(n_series, "", dtype=object),
        "assurance": np.full(n_series, "", dtype=object),
        "n_points": n_used,
        "n_missing": np.bincount(layout.sorted_row, minlength=n_series).astype(np.int64) - n_used,
        "latest_group": np.zeros(n_series, dtype=np.int64),
        "latest_group_points": np.zeros(n_series, dtype=np.int64),
        "latest_mean": np.full(n_series, np.nan),
        "latest_lower": np.full(n_series, np.nan),
        "latest_upper": np.full(n_series, np.nan),
        "trial": np.zeros(n_series, dtype=bool),
        "spc_text": np.full(n_series, "No data for SPC.", dtype=object),
    }
    if len(layout.value):
        latest = _Latest.of(layout, computed, options)
        icons = _icons(latest)
        found = {
            **icons,
            "latest_group": latest.group,
            "latest_group_points": latest.group_points,
            "latest_mean": latest.mean,
            "latest_lower": latest.lower,
            "latest_upper": latest.upper,
            "trial": latest.trial,
            "spc_text": _describe(latest, layout, computed, points, icons["assurance"]),
        }
        for column, values in found.items():
            summary[column][latest.row] = values
    return pd.DataFrame(summary, index=options.index)


@dataclass(frozen=True)
class _Latest:
    """Each series' last point (one entry per series that has points) and its group's settings."""

    index: np.ndarray  # into the layout's used points
    row: np.ndarray  # into the settings
    value: np.ndarray
    signal: np.ndarray
    rule: np.ndarray
    high: np.ndarray
    shown: np.ndarray
    trial: np.ndarray
    group: np.ndarray
    group_points: np.ndarray
    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    direction: np.ndarray
    target: np.ndarray
    fix_after: np.ndarray
    min_points: np.ndarray
    counts_outside: np.ndarray

    @property
    def has_limits(self) -> np.ndarray:
        return self.shown & np.isfinite(self.lower) & np.isfinite(self.upper)

    @classmethod
    def of(cls, layout: _Layout, computed: pd.DataFrame, options: _Options) -> _Latest:
        index = np.flatnonzero(np.append(layout.setting_row[1:] != layout.setting_row[:-1], True))
        row = layout.setting_row[index]
        latest = computed.take(layout.used[index])
        return cls(
            index=index,
            row=row,
            value=layout.value[index],
            signal=latest["spc_signal"].to_numpy(dtype=object),
            rule=latest["spc_rule"].to_numpy(dtype=object),
            high=latest["spc_side"].to_numpy(dtype=np.int64) > 0,
            shown=latest["spc_shown"].to_numpy(dtype=bool),
            trial=latest["spc_trial"].to_numpy(dtype=bool),
            group=latest["spc_group"].to_numpy(dtype=np.int64),
            group_points=layout.segment_len[layout.segment[index]],
            mean=latest["spc_mean"].to_numpy(dtype=float),
            lower=latest["spc_lower"].to_numpy(dtype=float),
            upper=latest["spc_upper"].to_numpy(dtype=float),
            direction=options.direction[row],
            target=options.target[row],
            fix_after=options.fix_after[row],
            min_points=options.min_points[row],
            counts_outside=options.counts_outside[row],
        )


def _icons(latest: _Latest) -> dict[str, np.ndarray]:
    """Variation icon from the last point's type; assurance icon from the target against the latest limits."""
    signal, direction = latest.signal, latest.direction
    improvement, concern = signal == "special_cause_improvement", signal == "special_cause_concern"
    variation = np.select(
        [
            signal == "common_cause",
            improvement & (direction > 0),
            improvement,
            concern & (direction > 0),
            concern,
            signal == "special_cause_neutral_high",
            signal == "special_cause_neutral_low",
        ],
        ["common_cause", "improvement_high", "improvement_low", "concern_low", "concern_high"]
        + ["neutral_high", "neutral_low"],
        "",
    )
    # Strict comparisons: a target exactly on a limit is inconsistent (NHSRplotthedots' behaviour).
    assessed = latest.has_limits & ~np.isnan(latest.target) & (direction != 0)
    oriented_target = np.where(direction > 0, latest.target, -latest.target)
    passing_limit = np.where(direction > 0, latest.lower, -latest.upper)
    failing_limit = np.where(direction > 0, latest.upper, -latest.lower)
    assurance = np.select(
        [~assessed, oriented_target < passing_limit, oriented_target > failing_limit],
        ["", "consistent_pass", "consistent_fail"],
        "inconsistent",
    )
    return {
        "variation": np.where(latest.has_limits, variation, "").astype(object),
        "assurance": assurance.astype(object),
    }


def _streak_start(keys: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Index of the first row of the run of equal `keys` each row is in (`breaks` force a new run)."""
    index = np.arange(len(keys))
    new_run = breaks.copy()
    new_run[1:] |= keys[1:] != keys[:-1]
    new_run[:1] = True
    return np.maximum.accumulate(np.where(new_run, index, 0))


# Text is assembled column-wise with pyarrow compute, so 50,000 sentences cost a few dozen array calls.


def _as_text(part: object) -> pa.Array | pa.Scalar:
    if isinstance(part, str):
        return pa.scalar(part, pa.string())
    if isinstance(part, pa.Array | pa.Scalar):
        return part
    values = np.asarray(part)
    if values.dtype.kind in "iu":
        return pc.cast(pa.array(values), pa.string())
    return pa.array(values.astype(object), pa.string())


def _join(*parts: object) -> pa.Array:
    """Element-wise concatenation of text columns and literal strings."""
    return pc.binary_join_element_wise(*(_as_text(part) for part in parts), "")


def _pick(conditions: list[np.ndarray], choices: list[object], default: object) -> pa.Array:
    """Like np.select for text: the first choice whose condition holds, else the default."""
    result = _as_text(default)
    for condition, choice in reversed(list(zip(conditions, choices, strict=True))):
        result = pc.if_else(pa.array(np.asarray(condition, dtype=bool)), _as_text(choice), result)
    return result


def _format_numbers(values: np.ndarray, decimals: np.ndarray) -> pa.Array:
    """Numbers rounded to a per-row number of decimals, as text ("" for NaN), without a per-number loop."""
    power = 10 ** decimals.astype(np.int64)
    exact = np.isfinite(values) & (np.abs(values) * power < 2**53)
    scaled = np.rint(np.abs(np.where(exact, values, 0.0)) * power).astype(np.int64)
    fraction = pc.utf8_slice_codeunits(_as_text(scaled % power + power), 1)  # zero-padded digits
    text = _join(
        _pick([(values < 0) & (scaled > 0)], ["-"], ""),
        scaled // power,
        _pick([decimals > 0], ["."], ""),
        fraction,
    )
    huge = np.isfinite(values) & ~exact
    if huge.any():
        wide = np.full(len(values), "", dtype=object)
        wide[huge] = np.char.mod("%.0f", values[huge])
        text = _pick([huge], [wide], text)
    return _pick([~np.isfinite(values)], [""], text)


def _describe(
    latest: _Latest, layout: _Layout, computed: pd.DataFrame, points: pd.DataFrame, assurance: np.ndarray
) -> np.ndarray:
    """The plain-English text alternative for each series' chart, written from its latest point."""
    last, rule, high = latest.index, latest.rule, latest.high

    # Where the latest streak began: on one side of the mean (run), or moving one way (trend).
    y = layout.value
    side = np.sign(y - computed["spc_mean"].to_numpy(dtype=float)[layout.used])
    side_start = _streak_start(side, layout.pos == 0)[last]
    step = np.where(layout.pos >= 1, np.sign(y - np.concatenate(([np.nan], y[:-1]))), 0)
    trend_start = _streak_start(step, layout.pos <= 1)[last] - 1
    streak_start = np.where(rule == "trend", trend_start, side_start)
    group_start = layout.segment_start[layout.segment[last]]
    rebased = group_start > _streak_start(layout.setting_row, np.zeros(len(y), dtype=bool))[last]
    label_source = points["label"] if "label" in points.columns else points["order"]
    since = label_source.take(layout.used[streak_start]).astype(str).to_numpy(dtype=object)
    group_label = label_source.take(layout.used[group_start]).astype(str).to_numpy(dtype=object)

    # Decimals follow the width of the limits (3 significant figures of it), else the value's size.
    spread = latest.upper - latest.lower
    scale = np.where(np.isfinite(spread) & (spread > 0), spread, np.abs(latest.value))
    scale = np.where(scale > 0, scale, 1.0)
    decimals = np.clip(2 - np.floor(np.log10(scale)), 0, 6).astype(np.int64)
    value, lower, upper, mean, target = (
        _format_numbers(numbers, decimals)
        for numbers in (latest.value, latest.lower, latest.upper, latest.mean, latest.target)
    )
    count = last - streak_start + 1
    limit = _pick([high], [_join("upper process limit (", upper)], _join("lower process limit (", lower))
    above = _pick([high], ["above"], "below")

    prefix = _pick(
        [latest.signal == "special_cause_improvement", latest.signal == "special_cause_concern", rule != ""],
        ["Special cause of improvement: ", "Special cause of concern: ", "Special cause variation: "],
        "Common cause variation only: ",
    )
    body = _pick(
        [rule == "outside_limits", rule == "trend", rule == "two_in_three", rule == "run"],
        [
            _join("the latest value, ", value, ", is ", above, " the ", limit, ")."),
            _join(count, " points in a row, each ", _pick([high], ["higher"], "lower"),
                  " than the one before, since ", since, "."),
            _join("2 of the last 3 points are ",
                  _pick([latest.counts_outside], ["close to or beyond the "], "close to the "),
                  limit, "); the latest value is ", value, "."),
            _join(count, " points in a row ", above, " the mean (", mean, ") since ", since, "."),
        ],
        _join("the latest value, ", value, ", is within the process limits (", lower, " to ", upper, ")."),
    )  # fmt: skip
    fixed = (latest.fix_after > 0) & (latest.group_points > latest.fix_after)
    notes = _join(
        _pick([rebased], [_join(" The limits were recalculated from ", group_label, ".")], ""),
        _pick([fixed], [_join(" The limits are fixed on the first ", latest.fix_after, " points.")], ""),
        _pick(
            [latest.group_points < TRIAL_BELOW],
            [_join(" These are trial limits, from only ", latest.group_points, " points.")],
            "",
        ),
        _pick(
            [assurance == "consistent_pass", assurance == "consistent_fail", assurance == "inconsistent"],
            [
                _join(" The process will consistently meet the target (", target, ")."),
                _join(" The process will consistently miss the target (", target, ") unless it changes."),
                _join(" The target (", target, ") lies within the process limits, so it will be met in "
                      "some periods and missed in others."),
            ],
            "",
        ),
    )  # fmt: skip
    too_few = _join(
        "Not enough data for SPC: ",
        latest.group_points,
        _pick([latest.group_points == 1], [" point"], " points"),
        _pick([rebased], [_join(" since ", group_label)], ""),
    )
    text = _pick(
        [~latest.shown, ~latest.has_limits],
        [_join(too_few, ", and at least ", latest.min_points, " are needed."), _join(too_few, ".")],
        _join(prefix, body, notes),
    )
    return np.asarray(text.to_numpy(zero_copy_only=False), dtype=object)
