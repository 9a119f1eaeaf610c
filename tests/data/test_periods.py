"""The period type and parser (architecture.md, Periods)."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfwatch.framework.periods import Period, PeriodError, expected_periods, parse_period, parse_periods

APRIL_2023 = 2023 * 12 + 3


@pytest.mark.parametrize(
    ("text", "start", "months", "label"),
    [
        ("2023", 2023 * 12, 12, "2023"),
        (2023, 2023 * 12, 12, "2023"),
        (2023.0, 2023 * 12, 12, "2023"),
        ("2023/24", APRIL_2023, 12, "2023/24"),
        ("2023-24", APRIL_2023, 12, "2023/24"),
        ("FY2023/24", APRIL_2023, 12, "2023/24"),
        ("FY23/24", APRIL_2023, 12, "2023/24"),
        ("2023/2024", APRIL_2023, 12, "2023/24"),
        ("Q1 2023/24", APRIL_2023, 3, "Q1 2023/24"),
        ("2023/24 Q1", APRIL_2023, 3, "Q1 2023/24"),
        ("Q4 2023/24", 2024 * 12, 3, "Q4 2023/24"),
        ("2023-Q2", APRIL_2023, 3, "Q1 2023/24"),
        ("2023 Q2", APRIL_2023, 3, "Q1 2023/24"),
        ("2023-04", APRIL_2023, 1, "2023-04"),
        ("Apr 2023", APRIL_2023, 1, "2023-04"),
        ("April 2023", APRIL_2023, 1, "2023-04"),
        ("Apr-23", APRIL_2023, 1, "2023-04"),
        ("January 2021", 2021 * 12, 1, "2021-01"),
        ("2023-04-01", APRIL_2023, 1, "2023-04"),
        ("2023-04-17 00:00:00", APRIL_2023, 1, "2023-04"),
        ("04/2023", APRIL_2023, 1, "2023-04"),
        (datetime.date(2023, 4, 30), APRIL_2023, 1, "2023-04"),
        (datetime.datetime(2023, 4, 1, 12), APRIL_2023, 1, "2023-04"),
        (pd.Timestamp("2023-04-01"), APRIL_2023, 1, "2023-04"),
        (np.datetime64("2023-04-01"), APRIL_2023, 1, "2023-04"),
    ],
)
def test_accepted_forms(text, start, months, label):
    period = parse_period(text, 4)
    assert (period.start, period.months, period.label) == (start, months, label)


def test_calendar_year_start_labels():
    assert parse_period("2023-Q2", 1).label == "2023 Q2"
    assert parse_period("Q1 2023/24", 1).label == "2023 Q2"  # split years start in April; labels are calendar
    assert parse_period("2023", 1).label == "2023"


def test_financial_year_follows_year_start():
    july = parse_period("2023/24", 7)
    assert july.start_date == datetime.date(2023, 7, 1)
    assert july.end_date == datetime.date(2024, 6, 30)
    assert parse_period("Q1 2023/24", 7).start_date == datetime.date(2023, 7, 1)


@pytest.mark.parametrize(
    "text", ["2023/25", "13/2023", "Q5 2023", "Q0 2023/24", "2023-13", "31/12/2023", "x", ""]
)
def test_rejected_forms_say_what_is_accepted(text):
    with pytest.raises(PeriodError, match="write a year"):
        parse_period(text)


def test_error_is_a_value_error():
    assert issubclass(PeriodError, ValueError)


def test_methods():
    q1 = parse_period("Q1 2023/24")
    assert q1.previous().label == "Q4 2022/23"
    assert q1.next().label == "Q2 2023/24"
    assert q1.year_earlier().label == "Q1 2022/23"
    assert q1.financial_year().label == "2023/24"
    assert parse_period("2024-02").financial_year().label == "2023/24"
    assert parse_period("2024-02").quarter().label == "Q4 2023/24"
    assert parse_period("2024-02").quarter(1).label == "2024 Q1"
    assert parse_period("2023/24").contains(parse_period("2024-03"))
    assert not parse_period("2023/24").contains(parse_period("2024-04"))
    assert parse_period("2023").end_date == datetime.date(2023, 12, 31)
    assert parse_period("2024-02").end_date == datetime.date(2024, 2, 29)
    assert str(q1) == q1.format() == "Q1 2023/24"


def test_sorting_by_start_then_length():
    periods = [parse_period(t) for t in ("2023/24", "2023-04", "Q1 2023/24", "2022/23")]
    assert [p.label for p in sorted(periods)] == ["2022/23", "2023-04", "Q1 2023/24", "2023/24"]


def test_parse_periods_maps_distinct_values():
    column = pd.Series(["2023/24", "Apr 2023", None, "bad", "2023/24"])
    parsed = parse_periods(column, 4)
    assert list(parsed.frame["period"].iloc[[0, 1, 4]]) == ["2023/24", "2023-04", "2023/24"]
    assert parsed.frame["period_start"].dtype == "int64"
    assert list(parsed.failed) == [False, False, True, True, False]
    assert "bad" in parsed.errors


def test_parse_periods_resolves_hyphen_years_from_the_column():
    years = parse_periods(pd.Series(["2010-11", "2011-12", "2012-13"]))
    assert list(years.frame["period"]) == ["2010/11", "2011/12", "2012/13"]
    months = parse_periods(pd.Series(["2011-11", "2011-12", "2012-01"]))
    assert list(months.frame["period"]) == ["2011-11", "2011-12", "2012-01"]


def test_parse_periods_datetimes_and_date_format():
    stamps = parse_periods(pd.Series(pd.to_datetime(["2023-04-05", None])))
    assert stamps.frame["period"].iloc[0] == "2023-04" and list(stamps.failed) == [False, True]
    uk = parse_periods(pd.Series(["01/04/2023", "13/13/2023"]), date_format="%d/%m/%Y")
    assert uk.frame["period"].iloc[0] == "2023-04" and list(uk.failed) == [False, True]


def test_parse_periods_is_fast_on_a_million_rows():
    import time

    column = pd.Series(np.tile(["Q1 2023/24", "Q2 2023/24", "2023-04", "Apr-23"], 250_000))
    start = time.perf_counter()
    parsed = parse_periods(column)
    assert not parsed.failed.any()
    assert time.perf_counter() - start < 5


def test_expected_periods():
    biennial = expected_periods(parse_period("2013/14"), parse_period("2021/22"), "biennial")
    assert [p.label for p in biennial] == ["2013/14", "2015/16", "2017/18", "2019/20", "2021/22"]
    monthly_for_quarterly = expected_periods(parse_period("2023-04"), parse_period("2023-07"), "quarterly")
    assert [p.label for p in monthly_for_quarterly] == ["2023-04", "2023-05", "2023-06", "2023-07"]


year_starts = st.sampled_from([1, 4, 7, 10])


@st.composite
def periods(draw):
    year_start = draw(year_starts)
    months = draw(st.sampled_from([1, 3, 12]))
    year = draw(st.integers(1990, 2060))
    if months == 1:
        start = year * 12 + draw(st.integers(0, 11))
    elif months == 3:
        start = year * 12 + (year_start - 1) + 3 * draw(st.integers(0, 3))
    else:
        start = year * 12 + draw(st.sampled_from([0, year_start - 1]))
    return Period(start, months, year_start)


@given(periods())
def test_format_parse_format_round_trips(period):
    again = parse_period(period.format(), period.year_start_month)
    assert again == period
    assert again.format() == period.format()


@given(periods(), periods())
def test_ordering_is_consistent_with_time(a, b):
    if a.start_date < b.start_date:
        assert a < b
    if a < b:
        assert (a.start_date, a.months) <= (b.start_date, b.months)


@given(periods())
def test_previous_and_year_earlier_invert(period):
    assert period.previous().next() == period
    assert period.previous().end + 1 == period.start
    assert period.year_earlier().start == period.start - 12
    assert parse_period(period.year_earlier().format(), period.year_start_month).start + 12 == period.start


def test_a_lone_hyphenated_pair_is_the_iso_month():
    assert parse_period("2011-12").label == "2011-12"
    assert parse_period("2011-12", hyphen_means="year").label == "2011/12"
