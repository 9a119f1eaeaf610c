"""One rule for "has this value changed since that one?", so that every page that compares two values of
the same series (against the previous period, a year earlier, or any earlier year of the annual comparison)
gives the same answer for the same two points.

The rule (shown in every report's legend, `templates/partials/legend.html.j2`):
- where both values carry a confidence interval, a change counts only when the intervals do not overlap;
- otherwise a change counts only when it shows at the precision the reports print (79.84 → 79.76 is
  79.8 → 79.8: no change), so an arrow never points between two equal printed figures;
- an indicator without a judgement (`no_judgement`) or a missing value is not comparable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from perfwatch.evaluate import stats
from perfwatch.formatting import decimals_for
from perfwatch.framework.settings import indicator_positions
from perfwatch.vocabulary import DIRECTIONS, codes_of

DIRECTION = codes_of(DIRECTIONS)

#: Direction of travel from the double-overlap judgement (codes into stats.JUDGEMENTS).
_DIRECTION_OF_JUDGEMENT = np.array(
    [
        {
            "better": DIRECTION["improving"],
            "similar": DIRECTION["no_change"],
            "worse": DIRECTION["worsening"],
        }.get(j, DIRECTION["not_comparable"])
        for j in stats.JUDGEMENTS
    ]
)


def printed_places(frame: pd.DataFrame, settings: pd.DataFrame) -> np.ndarray:
    """The decimals each row's value is printed with (the indicator's `decimals`, else its unit's)."""
    per_indicator = np.array(
        [
            decimals_for(unit, None if pd.isna(places) else int(places))
            for unit, places in zip(settings["unit"], settings["decimals"], strict=True)
        ],
        dtype="int64",
    )
    return per_indicator[indicator_positions(frame, settings)] if len(per_indicator) else np.zeros(0, "int64")


def change_direction(
    value: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    earlier: np.ndarray,
    earlier_lower: np.ndarray,
    earlier_upper: np.ndarray,
    sign: np.ndarray,
    places: np.ndarray,
) -> np.ndarray:
    """Codes into DIRECTIONS for each value against an earlier value of its series (vectorised).

    `sign` is +1 where higher is better, −1 where lower is better, 0 for no judgement; `places` the
    decimals the value is printed with.
    """
    with_ci = ~np.isnan(lower) & ~np.isnan(upper) & ~np.isnan(earlier_lower) & ~np.isnan(earlier_upper)
    by_ci = _DIRECTION_OF_JUDGEMENT[
        stats.judgement_codes(
            stats.overlap_raw(value, lower, upper, earlier, earlier_lower, earlier_upper), sign
        )
    ]
    scale = 10.0 ** places.astype("float64")
    printed_change = np.round(value * scale) - np.round(earlier * scale)
    plain = direction_of_step(printed_change * np.where(sign < 0, -1.0, 1.0))
    direction = np.where(with_ci, by_ci, plain)
    return np.where(sign == 0, DIRECTION["not_comparable"], direction)


def direction_of_step(step: np.ndarray) -> np.ndarray:
    """Codes into DIRECTIONS for a step already signed so that up is better (NaN: not comparable)."""
    return np.select(
        [np.isnan(step), step > 0, step < 0],
        [DIRECTION["not_comparable"], DIRECTION["improving"], DIRECTION["worsening"]],
        DIRECTION["no_change"],
    )
