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

from perfwatch.vocabulary import SPC_RULES, SPC_SIGNALS

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
# The codes above index these vocabularies (perfwatch/vocabulary.py), in their order.
SIGNALS = SPC_SIGNALS
RULES = SPC_RULES
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
