"""Cleaning values as a careful analyst would (DESIGN §5)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfwatch.data.values import clean_column, clean_values, match_levels, normalise_yes_no


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("95%", 95.0), ("95 %", 95.0), ("1,234", 1234.0), ("1,234,567.5", 1234567.5), ("(12)", -12.0),
        ("\u221212", -12.0), ("-12", -12.0), ("  7  ", 7.0), ("\u00a07\u00a0", 7.0), ("£1,200", 1200.0),
        ("-£5", -5.0), ("(£1,200)", -1200.0), ("1e3", 1000.0), (".5", 0.5), ("+3", 3.0),
    ],
)  # fmt: skip
def test_numbers_written_as_text(text, number):
    values, missing = clean_values(pd.Series([text], dtype=object))
    assert values[0] == number and missing[0] == ""


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        *[(m, "suppressed") for m in ["*", "c", "..", ":", "x", "~", "<5", "< 10", "[c]", "[x]", "[z]", "C"]],
        *[(m, "not_available") for m in ["n/a", "N/A", "na", "-", "\u2014", "", "   ", None, np.nan]],
        *[(m, "error") for m in ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NUM!", "#NAME?", "#NULL!"]],
        *[(m, "error") for m in ["abc", "1,5", "12 34", "(12", "1.2.3", "inf"]],
    ],
)
def test_missing_with_a_reason(text, reason):
    values, missing = clean_values(pd.Series([text], dtype=object))
    assert math.isnan(values[0]) and missing[0] == reason


def test_numeric_columns_pass_through():
    values, missing = clean_values(pd.Series([1.5, np.nan, 3]))
    assert values.dtype == np.float64
    assert list(missing) == ["", "not_available", ""]


def test_european_separators():
    values, _ = clean_values(pd.Series(["1.234,5", "2,5"], dtype=object), thousands=".", decimal=",")
    assert list(values) == [1234.5, 2.5]


def test_percent_signs_are_remembered():
    assert list(clean_column(pd.Series(["95%", "95"], dtype=object)).percent) == [True, False]


def test_mixed_excel_column():
    values, missing = clean_values(pd.Series([0.93, "95%", "*", True, None], dtype=object))
    assert list(values[:2]) == [0.93, 95.0] and list(missing) == ["", "", "suppressed", "", "not_available"]


def test_yes_no_and_levels():
    answers = normalise_yes_no(pd.Series(["Yes", "n", "TRUE", "Not achieved", "met", "maybe", None, False]))
    assert list(answers) == ["yes", "no", "yes", "no", "yes", None, None, "no"]
    levels = match_levels(
        pd.Series(["Partly met", "MET", "partly-met", "bad"]), ["not_met", "partly_met", "met"]
    )
    assert list(levels) == ["partly_met", "met", "partly_met", None]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.text(max_size=12), st.floats(), st.integers(), st.none(), st.booleans()), max_size=30
    )
)
def test_never_raises(cells):
    values, missing = clean_values(pd.Series(cells, dtype=object))
    assert len(values) == len(missing) == len(cells)
    assert set(missing) <= {"", "suppressed", "not_available", "error"}
    assert all(math.isnan(v) == (m != "") for v, m in zip(values, missing, strict=True))


@settings(max_examples=40, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_numbers_round_trip(number):
    for text in (repr(number), f"{number:,}", f"{number}%"):
        values, missing = clean_values(pd.Series([text], dtype=object))
        assert missing[0] == "" and values[0] == pytest.approx(number, rel=1e-12, abs=1e-300), text


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integers_round_trip_with_grouping_and_brackets(number):
    text = f"({abs(number):,})" if number < 0 else f"{number:,}"
    values, _ = clean_values(pd.Series([text], dtype=object))
    assert values[0] == number


@settings(max_examples=60, deadline=None)
@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300),
    st.sampled_from(["{!r}", "{:.3f}", "{:e}", "{:.0f}", " {} "]),
)
def test_plain_numbers_read_fast_agree_with_the_full_parse(number, form):
    """Plain numbers in a text column skip the full parse; a currency sign forces it: both must agree."""
    text = form.format(number)
    fast, missing = clean_values(pd.Series([text, "n/a"], dtype=object))
    full, _ = clean_values(pd.Series(["£" + text.strip(), "n/a"], dtype=object))
    assert missing[0] == "" and fast[0] == full[0] == float(text)
