"""One rule for "has this changed?": the same two values get the same verdict on every page (issue #15)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from perfwatch.api import resolve_inputs, run
from perfwatch.evaluate.judgements import change_direction
from perfwatch.vocabulary import DIRECTIONS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAN = np.nan


def _verdict(value, earlier, sign=1.0, places=1, interval=(NAN, NAN), earlier_interval=(NAN, NAN)) -> str:
    code = change_direction(
        np.array([value]), np.array([interval[0]]), np.array([interval[1]]), np.array([earlier]),
        np.array([earlier_interval[0]]), np.array([earlier_interval[1]]), np.array([sign]), np.array([places]),
    )  # fmt: skip
    return DIRECTIONS[int(code[0])]


def test_a_change_hidden_by_the_printed_precision_is_no_change() -> None:
    # 79.84 and 79.76 both print as 79.8: no arrow between two equal figures (issue #15, Falkirk annual).
    assert _verdict(79.84, 79.76) == "no_change"
    assert _verdict(79.84, 79.76, places=2) == "improving"


def test_a_printed_fall_is_worsening_when_higher_is_better_and_improving_when_lower_is() -> None:
    assert _verdict(89.9, 90.1) == "worsening"
    assert _verdict(89.9, 90.1, sign=-1.0) == "improving"
    assert _verdict(89.9, 90.1, sign=0.0) == "not_comparable"
    assert _verdict(NAN, 90.1) == "not_comparable"


def test_overlapping_intervals_are_no_change_and_separate_ones_decide() -> None:
    assert _verdict(89.5, 98.1, interval=(80.0, 95.0), earlier_interval=(90.0, 99.0)) == "no_change"
    assert _verdict(89.5, 98.1, interval=(87.0, 92.0), earlier_interval=(96.0, 99.0)) == "worsening"


@pytest.mark.parametrize("name", ["forth-valley-ijb", "wales-social-services"])
def test_the_annual_comparison_with_the_year_before_agrees_with_direction_yoy(name: str) -> None:
    """The annual report's 'change since' column for the preceding year is the year-on-year verdict."""
    results = run(resolve_inputs(project=EXAMPLES / name / "perfwatch.yaml")).results
    previous_year = results.comparisons[results.comparisons["years_back"] == 1]
    table = results.table[results.table["period_months"] == 12]
    joined = previous_year.merge(
        pd.DataFrame(
            {
                "indicator": table["indicator"].astype(str), "area": table["area"].astype(str),
                "period": table["period"].astype(str), "direction_yoy": table["direction_yoy"].astype(str),
            }
        ),
        on=["indicator", "area", "period"],
    )  # fmt: skip
    assert len(joined) > 0
    compared = joined[joined["compare_value"].notna()]
    assert (compared["direction"].astype(str) == compared["direction_yoy"]).all()
