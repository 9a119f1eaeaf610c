"""From computed SPC points to one row per series: the variation and assurance icons and a text
alternative, read from each series' latest point; text assembled column-wise with pyarrow compute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from perfwatch.evaluate.spc import TRIAL_BELOW, _Layout, _layout, _Options, _options


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
