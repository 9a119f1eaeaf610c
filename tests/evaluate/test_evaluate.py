"""The evaluation engine end to end on small, hand-checked data."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfwatch.evaluate.engine import evaluate
from perfwatch.evaluate.summary import overall_status
from perfwatch.framework.model import Framework
from perfwatch.framework.periods import Period

APRIL_2023 = 2023 * 12 + 3


def make_framework(indicators, **extra) -> Framework:
    return Framework.model_validate(
        {
            "perfwatch": 1,
            "id": "t",
            "title": "Test",
            "areas": [
                {"id": "eng", "name": "England", "level": "nation"},
                {"id": "a1", "name": "A1", "level": "la", "parent": "eng", "comparator": "eng"},
                {"id": "a2", "name": "A2", "level": "la", "parent": "eng", "comparator": "eng"},
            ],
            "themes": [
                {"id": "T1", "title": "t", "outcomes": [{"id": "O1", "title": "o", "indicators": indicators}]}
            ],
            **extra,
        }
    )


def observations(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column, default in (
        ("numerator", np.nan),
        ("denominator", np.nan),
        ("value", np.nan),
        ("period_months", 1),
    ):
        if column not in frame:
            frame[column] = default
    frame["period"] = [
        Period(int(s), int(m), 4).label for s, m in zip(frame.period_start, frame.period_months, strict=True)
    ]
    for column in ("missing", "flag", "note"):
        frame[column] = ""
    frame["value_text"] = frame.get("value_text", pd.Series([pd.NA] * len(frame)))
    return frame


def pct(**kw):
    base = {
        "id": "P1",
        "title": "p",
        "unit": "percentage",
        "polarity": "higher_is_better",
        "frequency": "monthly",
    }
    return {**base, **kw}


def status_of(value: float, target: float, tolerance, polarity="higher_is_better") -> str:
    fw = make_framework([pct(target={"value": target}, tolerance={"amber": tolerance}, polarity=polarity)])
    obs = observations([{"indicator": "P1", "area": "a1", "period_start": APRIL_2023, "value": value}])
    result = evaluate(fw, obs, as_of=date(2024, 1, 1))
    return result.latest.set_index(["indicator", "area"]).loc[("P1", "a1"), "status"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(95.0, "green"), (96.0, "green"), (94.0, "amber"), (93.0, "amber"), (92.99, "red"), (50.0, "red")],
)
def test_status_boundaries_higher_is_better(value, expected):
    # On the target is green; missing by exactly the tolerance is still amber (documented in evaluate.py).
    assert status_of(value, 95, 2) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(10.0, "green"), (9.0, "green"), (10.5, "amber"), (10.6, "red")]
)
def test_relative_tolerance_lower_is_better(value, expected):
    # 5% of a target of 10 is 0.5.
    assert status_of(value, 10, "5%", polarity="lower_is_better") == expected


def test_reason_says_how_far_and_which_tolerance():
    fw = make_framework([pct(target={"value": 85}, tolerance={"amber": 2})])
    obs = observations([{"indicator": "P1", "area": "a1", "period_start": APRIL_2023, "value": 81.2}])
    row = evaluate(fw, obs, as_of=date(2024, 1, 1)).latest.set_index("area").loc["a1"]
    assert row["status"] == "red"
    assert row["reason"] == "81.2% is 3.8 points below the 85.0% target, outside the 2.0 points tolerance."


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(0, 100, allow_nan=False),
    high=st.floats(0, 100, allow_nan=False),
    target=st.floats(1, 100, allow_nan=False),
    tol=st.floats(0, 10, allow_nan=False),
)
def test_larger_value_is_never_worse_when_higher_is_better(low, high, target, tol):
    low, high = sorted((low, high))
    rank = {"red": 0, "amber": 1, "green": 2}
    assert rank[status_of(high, target, tol)] >= rank[status_of(low, target, tol)]


@settings(max_examples=25, deadline=None)
@given(value=st.floats(0, 100, allow_nan=False), target=st.floats(1, 99, allow_nan=False))
def test_swapping_polarity_mirrors_green_and_red(value, target):
    # With no tolerance a value is green one way and red the other, unless it sits on the target.
    higher = status_of(value, target, 0)
    lower = status_of(value, target, 0, polarity="lower_is_better")
    if abs(value - target) > 1e-9 * max(1, target):
        assert {higher, lower} == {"green", "red"}
    else:
        assert higher == lower == "green"


def test_no_target_no_data_and_context_indicators():
    fw = make_framework(
        [
            pct(id="P1"),
            pct(id="P2", target={"value": 90}),
            pct(id="P3", polarity="no_judgement"),
            pct(id="P4", target={"value": 90}, under_development=True),
        ]
    )
    obs = observations(
        [
            {"indicator": "P1", "area": "a1", "period_start": APRIL_2023, "value": 50.0},
            {"indicator": "P3", "area": "a1", "period_start": APRIL_2023, "value": 50.0},
            {"indicator": "P4", "area": "a1", "period_start": APRIL_2023, "value": 95.0},
        ]
    )
    latest = evaluate(fw, obs, as_of=date(2024, 1, 1)).latest.set_index(["indicator", "area"])["status"]
    assert latest[("P1", "a1")] == "no_target"
    assert latest[("P2", "eng")] == "no_data"  # no data anywhere: shown once, at the top area
    assert ("P2", "a1") not in latest.index
    assert latest[("P3", "a1")] == "not_assessed"
    assert latest[("P4", "a1")] == "not_assessed"


def test_annual_roll_up_sums_numerators_and_denominators_never_averages_percentages():
    fw = make_framework([pct(frequency="annual", target={"value": 50})])
    obs = observations(
        [
            {"indicator": "P1", "area": "a1", "period_start": APRIL_2023, "numerator": 1, "denominator": 10, "value": 10.0},
            {"indicator": "P1", "area": "a1", "period_start": APRIL_2023 + 1, "numerator": 90, "denominator": 100, "value": 90.0},
        ]
    )  # fmt: skip
    table = evaluate(fw, obs, as_of=date(2024, 6, 1)).table
    year = table[(table.area == "a1") & (table.period == "2023/24")].iloc[0]
    assert year["value"] == pytest.approx(91 / 110 * 100)
    assert year["flag"] == "partial"


def test_parent_area_rolls_up_from_children():
    fw = make_framework([pct(target={"value": 50})])
    obs = observations(
        [
            {"indicator": "P1", "area": "a1", "period_start": APRIL_2023, "numerator": 1, "denominator": 10, "value": 10.0},
            {"indicator": "P1", "area": "a2", "period_start": APRIL_2023, "numerator": 90, "denominator": 100, "value": 90.0},
        ]
    )  # fmt: skip
    table = evaluate(fw, obs, as_of=date(2024, 6, 1)).table
    eng = table[(table.area == "eng") & (table.period == "2023-04")].iloc[0]
    assert eng["value"] == pytest.approx(91 / 110 * 100)
    assert eng["flag"] == "rolled_up"


def test_year_to_date_target_for_annual_counts():
    # 24 a year is 12 by the end of September.
    count = {"id": "C1", "title": "c", "unit": "count", "polarity": "higher_is_better", "frequency": "monthly",
             "target": {"value": 24, "year_to_date": True}}  # fmt: skip
    fw = make_framework([count])
    obs = observations(
        [{"indicator": "C1", "area": "a1", "period_start": APRIL_2023 + m, "value": 2.0} for m in range(6)]
    )
    result = evaluate(fw, obs, period="2023-09", as_of=date(2023, 10, 15))
    row = result.latest.set_index("area").loc["a1"]
    assert row["target"] == pytest.approx(12)
    assert row["compared_value"] == pytest.approx(12)
    assert row["status"] == "green"
    assert row["reason"].startswith("Year to date, 12 meets the 12 target")


def test_trajectory_target_is_interpolated():
    fw = make_framework(
        [pct(frequency="annual", target={"trajectory": {"from": {"period": "2020/21", "value": 80},
                                                          "to": {"period": "2024/25", "value": 90}}})]
    )  # fmt: skip
    obs = observations(
        [{"indicator": "P1", "area": "a1", "period_start": 2022 * 12 + 3, "period_months": 12, "value": 85.0}]
    )
    row = evaluate(fw, obs, as_of=date(2024, 1, 1)).latest.set_index("area").loc["a1"]
    assert row["target"] == pytest.approx(85.0)
    assert row["status"] == "green"


def test_direction_uses_interval_overlap_then_plain_difference():
    fw = make_framework([pct(target={"value": 50})])
    obs = observations(
        [
            {"indicator": "P1", "area": "a1", "period_start": APRIL_2023, "numerator": 50, "denominator": 100, "value": 50.0},
            {"indicator": "P1", "area": "a1", "period_start": APRIL_2023 + 1, "numerator": 52, "denominator": 100, "value": 52.0},
            {"indicator": "P1", "area": "a1", "period_start": APRIL_2023 + 2, "numerator": 9000, "denominator": 10000, "value": 90.0},
            {"indicator": "P1", "area": "a2", "period_start": APRIL_2023, "value": 50.0},
            {"indicator": "P1", "area": "a2", "period_start": APRIL_2023 + 1, "value": 49.0},
        ]
    )  # fmt: skip
    table = evaluate(fw, obs, as_of=date(2024, 1, 1)).table.set_index(["area", "period"])
    assert table.loc[("a1", "2023-04"), "direction"] == "not_comparable"
    assert table.loc[("a1", "2023-05"), "direction"] == "no_change"  # intervals overlap
    assert table.loc[("a1", "2023-06"), "direction"] == "improving"
    assert table.loc[("a2", "2023-05"), "direction"] == "worsening"  # no intervals: plain difference


def test_yes_no_and_judgement_indicators():
    fw = make_framework(
        [
            {"id": "Y1", "title": "y", "unit": "yes_no", "polarity": "higher_is_better", "frequency": "annual",
             "target": {"value": "yes"}},
            {"id": "J1", "title": "j", "unit": "judgement", "polarity": "higher_is_better", "frequency": "annual",
             "scale": ["not_met", "partly_met", "met"], "target": {"value": "met"}},
        ]
    )  # fmt: skip
    year = 2023 * 12 + 3
    obs = observations(
        [
            {"indicator": "Y1", "area": "a1", "period_start": year, "period_months": 12, "value_text": "yes"},
            {"indicator": "Y1", "area": "a2", "period_start": year, "period_months": 12, "value_text": "no"},
            {
                "indicator": "J1",
                "area": "a1",
                "period_start": year,
                "period_months": 12,
                "value_text": "partly_met",
            },
            {
                "indicator": "J1",
                "area": "a1",
                "period_start": year - 12,
                "period_months": 12,
                "value_text": "not_met",
            },
        ]
    )
    result = evaluate(fw, obs, as_of=date(2024, 6, 1))
    latest = result.latest.set_index(["indicator", "area"])
    assert latest.loc[("Y1", "a1"), "status"] == "green"
    assert latest.loc[("Y1", "a2"), "status"] == "red"
    assert latest.loc[("J1", "a1"), "status"] == "amber"
    assert latest.loc[("J1", "a1"), "direction"] == "improving"


def test_benchmark_against_comparator_respects_polarity():
    fw = make_framework(
        [pct(target={"value": 50}), pct(id="P2", polarity="lower_is_better", target={"value": 50})]
    )
    rows = []
    for ind in ("P1", "P2"):
        rows += [
            {"indicator": ind, "area": "eng", "period_start": APRIL_2023, "numerator": 5000, "denominator": 10000, "value": 50.0},
            {"indicator": ind, "area": "a1", "period_start": APRIL_2023, "numerator": 700, "denominator": 1000, "value": 70.0},
            {"indicator": ind, "area": "a2", "period_start": APRIL_2023, "numerator": 51, "denominator": 100, "value": 51.0},
        ]  # fmt: skip
    latest = evaluate(fw, observations(rows), as_of=date(2024, 1, 1)).latest.set_index(["indicator", "area"])
    assert latest.loc[("P1", "a1"), "benchmark"] == "better"
    assert latest.loc[("P2", "a1"), "benchmark"] == "worse"
    assert latest.loc[("P1", "a2"), "benchmark"] == "similar"
    assert latest.loc[("P1", "a1"), "rank"] == 1


def test_spc_runs_per_series_and_gives_icons():
    fw = make_framework([pct(target={"value": 95}, spc={"enabled": True})])
    values = [90.0] * 12 + [80.0] * 8
    obs = observations(
        [
            {"indicator": "P1", "area": "a1", "period_start": APRIL_2023 + i, "value": v}
            for i, v in enumerate(values)
        ]
    )
    result = evaluate(fw, obs, as_of=date(2025, 1, 1))
    series = result.table[(result.table.area == "a1") & (result.table.period_months == 1)]
    assert (series["spc_signal"].iloc[-7:] == "special_cause_concern").all()
    latest = result.latest.set_index("area").loc["a1"]
    assert latest["variation"] == "concern_low"
    assert latest["assurance"] in {"consistent_fail", "inconsistent"}


def test_rollups_and_actions():
    fw = make_framework(
        [pct(target={"value": 95}, tolerance={"amber": 2}), pct(id="P2", target={"value": 50})],
        actions=[
            {"id": "A1", "title": "late", "outcome": "O1", "due": "2023-01-01", "status": "in_progress"},
            {"id": "A2", "title": "soon", "outcome": "O1", "due": "2024-01-20", "status": "in_progress"},
            {"id": "A3", "title": "fine", "due": "2025-01-01"},
            {"id": "A4", "title": "done", "due": "2023-01-01", "status": "done"},
        ],
    )
    obs = observations(
        [
            {"indicator": "P1", "area": "a1", "period_start": APRIL_2023, "value": 80.0},
            {"indicator": "P2", "area": "a1", "period_start": APRIL_2023, "value": 60.0},
        ]
    )
    result = evaluate(fw, obs, as_of=date(2024, 1, 1))
    outcome = result.outcomes.set_index(["outcome", "area"]).loc[("O1", "a1")]
    assert (outcome["red"], outcome["green"], outcome["status"]) == (1, 1, "red")
    states = dict(zip(result.actions["id"], result.actions["state"], strict=True))
    assert states == {"A1": "overdue", "A2": "due_soon", "A3": "on_track", "A4": "done"}


def test_overall_status_rules():
    counts = pd.DataFrame({"green": [3, 0, 1], "amber": [1, 0, 1], "red": [1, 0, 1], "no_target": [0, 1, 0]})
    assert list(overall_status(counts, "worst")) == ["red", "no_target", "red"]
    assert list(overall_status(counts, "majority")) == ["green", "no_target", "red"]
    assert list(overall_status(counts, "best")) == ["green", "no_target", "green"]


def test_a_group_with_figures_but_none_rated_is_not_no_data():
    """Falkirk's finance outcome (all not assessed) was headed "No data" above its figures (issue #15)."""
    counts = pd.DataFrame(
        {
            "green": [0, 0],
            "amber": [0, 0],
            "red": [0, 0],
            "no_target": [0, 0],
            "not_assessed": [3, 0],
            "no_data": [1, 2],
        }
    )
    assert list(overall_status(counts, "worst")) == ["not_assessed", "no_data"]


def test_five_year_comparison():
    fw = make_framework([pct(frequency="annual", target={"value": 50})])
    obs = observations(
        [
            {
                "indicator": "P1",
                "area": "a1",
                "period_start": (2018 + k) * 12 + 3,
                "period_months": 12,
                "value": 50.0 + k,
            }
            for k in range(7)
        ]
    )
    result = evaluate(fw, obs, as_of=date(2025, 6, 1))
    comp = result.comparisons[result.comparisons.area == "a1"]
    assert list(comp["years_back"]) == [1, 2, 3, 4, 5]
    assert comp["period"].iloc[0] == "2024/25"
    assert list(comp["compare_period"]) == ["2023/24", "2022/23", "2021/22", "2020/21", "2019/20"]
    assert list(comp["change"]) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert set(comp["direction"]) == {"improving"}


@pytest.mark.parametrize(("mode", "expected"), [("complete", None), ("available", 10.0), ("off", None)])
def test_roll_up_modes_when_a_child_has_not_reported(mode, expected):
    fw = make_framework([pct(target={"value": 50})])
    fw.areas[0].roll_up = mode
    obs = observations(
        [
            {
                "indicator": "P1",
                "area": "a1",
                "period_start": APRIL_2023,
                "numerator": 1,
                "denominator": 10,
                "value": 10.0,
            }
        ]
    )
    table = evaluate(fw, obs, as_of=date(2024, 6, 1)).table
    eng = table[(table.area == "eng") & (table.period == "2023-04")]
    if expected is None:
        assert eng.empty  # a missing child never silently lowers (or stands in for) the total
    else:
        assert eng["value"].iloc[0] == pytest.approx(expected)


def test_quarters_from_months_by_each_aggregation():
    """Sum needs every month; mean and last use the months with values; last is the latest present."""
    indicators = [
        pct(id="S", unit="count", frequency="quarterly"),
        pct(id="M", unit="number", frequency="quarterly", aggregation="mean"),
        pct(id="L", unit="number", frequency="quarterly", aggregation="last"),
        pct(id="Y", unit="yes_no", frequency="quarterly"),
    ]
    fw = make_framework(indicators)
    values = {"S": [3.0, np.nan, 4.0], "M": [1.0, np.nan, 4.0], "L": [5.0, 7.0, np.nan]}
    rows = [
        {"indicator": ind, "area": "a1", "period_start": APRIL_2023 + m, "value": v}
        for ind, series in values.items()
        for m, v in enumerate(series)
    ]
    rows += [
        {"indicator": "Y", "area": "a1", "period_start": APRIL_2023 + m, "value_text": t}
        for m, t in enumerate(["no", "yes", None])
    ]
    table = evaluate(fw, observations(rows), as_of=date(2024, 1, 1)).table
    quarter = table[(table.area == "a1") & (table.period == "Q1 2023/24")].set_index("indicator")
    assert np.isnan(quarter.loc["S", "value"]) and quarter.loc["S", "missing"] == "not_available"
    assert quarter.loc["M", "value"] == pytest.approx(2.5)
    assert quarter.loc["L", "value"] == 7.0
    assert quarter.loc["Y", "value_text"] == "yes"
    assert (quarter["flag"] == "").all()  # three months of a three-month quarter: not partial


def test_evaluation_leaves_the_callers_observations_alone():
    fw = make_framework([pct(target={"value": 50})])
    obs = observations(
        [{"indicator": "P1", "area": "a1", "period_start": APRIL_2023 + m, "value": 40.0} for m in range(3)]
    )
    before = obs.copy(deep=True)
    evaluate(fw, obs, as_of=date(2024, 1, 1))
    pd.testing.assert_frame_equal(obs, before)
