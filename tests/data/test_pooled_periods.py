"""Pooled multi-year periods as Fingertips publishes them (`2019 - 21`, `2021/22 - 23/24`): read, labelled
as published, placed by their span and compared like with like (architecture.md, Periods)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfwatch.framework.periods import Period, PeriodError, parse_period, parse_periods


@pytest.mark.parametrize(
    ("text", "first_year", "first_month", "years", "label"),
    [
        ("2019 - 21", 2019, 1, 3, "2019 - 21"),
        ("2019-2021", 2019, 1, 3, "2019 - 21"),
        ("2021/22 - 23/24", 2021, 4, 3, "2021/22 - 23/24"),
        ("2016/17 - 20/21", 2016, 4, 5, "2016/17 - 20/21"),
        ("1999 - 01", 1999, 1, 3, "1999 - 01"),
    ],
)
def test_pooled_periods_read_and_labelled_as_published(text, first_year, first_month, years, label):
    period = parse_period(text, 4)
    assert (period.start, period.months, period.label) == (
        first_year * 12 + first_month - 1,
        years * 12,
        label,
    )
    assert period.pooled


def test_unspaced_hyphen_forms_keep_their_meaning_and_spaced_ones_are_pooled_as_fingertips_writes():
    """`2019-20` and `2019-2020` are financial years and `2023-04` a month, as analysts write them;
    Fingertips writes two pooled calendar years `2019 - 20`."""
    assert parse_period("2019-20", 4).label == "2019/20"
    assert parse_period("2019-2020", 4).label == "2019/20"
    assert parse_period("2023-04", 4).label == "2023-04"
    assert (parse_period("2019 - 20", 4).start, parse_period("2019 - 20", 4).months) == (2019 * 12, 24)


def test_pooled_previous_is_the_previous_span_and_a_year_earlier_the_previous_rolling_period():
    period = parse_period("2020 - 22", 4)
    assert period.previous().label == "2017 - 19"  # no overlap: like with like
    assert period.year_earlier().label == "2019 - 21"


def test_too_long_a_pool_is_refused_with_the_reason():
    with pytest.raises(PeriodError, match="2 to 10 years"):
        parse_period("2001 - 2015", 4)


def test_a_column_of_pooled_periods_sorts_by_span():
    parsed = parse_periods(pd.Series(["2020 - 22", "2018 - 20", "2019 - 21", "2020"]), 4)
    frame = parsed.frame
    assert list(frame["period_months"]) == [36, 36, 36, 12]
    assert list(frame["period"].cat.categories) == ["2018 - 20", "2019 - 21", "2020", "2020 - 22"]


@given(st.integers(1950, 2080), st.integers(2, 10), st.sampled_from([1, 4]))
def test_pooled_labels_read_back_to_the_same_span(first, years, year_start):
    start = first * 12 + (0 if year_start == 1 else 3)
    period = Period(start, years * 12, year_start)
    again = parse_period(period.label, year_start)
    assert (again.start, again.months) == (period.start, period.months)
