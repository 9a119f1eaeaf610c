"""Known answers for the numbers a board reads (issue #14): roll-ups by what the denominator counts,
targets per area level, year to date, judgements at their target."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfwatch.evaluate.engine import evaluate

from .test_evaluate import APRIL_2023, make_framework, observations


def rate(**kw):
    base = {"id": "R1", "title": "r", "unit": "rate", "per": 100000, "polarity": "lower_is_better",
            "frequency": "quarterly"}  # fmt: skip
    return {**base, **kw}


def _year_row(result, indicator="R1", area="a1"):
    table = result.table
    rows = table[(table.indicator == indicator) & (table.area == area) & (table.period_months == 12)]
    assert len(rows) == 1
    return rows.iloc[0]


def _quarters(numerators, population, area="a1"):
    return [
        {"indicator": "R1", "area": area, "period_start": APRIL_2023 + 3 * q, "period_months": 3,
         "numerator": n, "denominator": population}
        for q, n in enumerate(numerators)
    ]  # fmt: skip


def test_quarterly_rate_per_population_rolls_up_to_the_years_rate():
    # ASCOF 2A-style: 554.7 admissions per 100,000 in the year, reported quarterly against one population
    # (the defect published 138.7, a quarter of it, by summing the population four times).
    fw = make_framework([rate()])
    obs = observations(_quarters([120.0, 140.0, 150.0, 144.7], 100000.0))
    year = _year_row(evaluate(fw, obs, as_of=date(2024, 6, 1)))
    assert year["value"] == pytest.approx(554.7)
    assert year["denominator"] == pytest.approx(100000.0)


def test_events_denominator_is_summed_over_the_year():
    fw = make_framework([rate(denominator="events", per=100)])
    obs = observations(_quarters([10.0, 20.0, 30.0, 40.0], 200.0))
    year = _year_row(evaluate(fw, obs, as_of=date(2024, 6, 1)))
    assert year["value"] == pytest.approx(100 * 100 / 800)


def test_percentages_default_to_events_and_rates_to_population():
    fw = make_framework(
        [rate(), {"id": "P1", "title": "p", "unit": "percentage", "polarity": "higher_is_better"}]
    )
    assert fw.indicators["R1"].effective_denominator == "population"
    assert fw.indicators["P1"].effective_denominator == "events"


def test_areas_still_sum_populations_upward():
    fw = make_framework([rate()])
    obs = observations(_quarters([100.0] * 4, 100000.0, "a1") + _quarters([300.0] * 4, 300000.0, "a2"))
    year = _year_row(evaluate(fw, obs, as_of=date(2024, 6, 1)), area="eng")
    assert year["denominator"] == pytest.approx(400000.0)
    assert year["value"] == pytest.approx(1600 / 400000 * 100000)


@settings(max_examples=25, deadline=None)
@given(
    counts=st.lists(st.integers(0, 5000), min_size=4, max_size=4),
    population=st.integers(1000, 10_000_000),
)
def test_splitting_a_year_into_quarters_gives_the_annual_rate(counts, population):
    """Metamorphic: the year's rate from quarters equals the rate of the year given whole."""
    fw = make_framework([rate(frequency="annual")])
    quarterly = observations(_quarters([float(c) for c in counts], float(population)))
    whole = observations(
        [
            {
                "indicator": "R1",
                "area": "a1",
                "period_start": APRIL_2023,
                "period_months": 12,
                "numerator": float(sum(counts)),
                "denominator": float(population),
                "value": sum(counts) / population * 100000,
            }
        ]  # fmt: skip
    )
    from_quarters = _year_row(evaluate(fw, quarterly, as_of=date(2024, 6, 1)))
    given_whole = _year_row(evaluate(fw, whole, as_of=date(2024, 6, 1)))
    assert from_quarters["value"] == pytest.approx(given_whole["value"])


def visits(**kw):
    base = {"id": "V1", "title": "Enter and View visits", "unit": "count", "polarity": "higher_is_better",
            "frequency": "quarterly"}  # fmt: skip
    return {**base, **kw}


def _quarter_visits(values_by_area):
    return observations(
        [
            {
                "indicator": "V1",
                "area": area,
                "period_start": APRIL_2023 + 3 * q,
                "period_months": 3,
                "value": v,
            }
            for area, values in values_by_area.items()
            for q, v in enumerate(values)
        ]  # fmt: skip
    )


def test_each_area_is_judged_against_its_own_levels_target():
    # 8 visits a year per local authority, 16 for the nation (two authorities); year to date at Q2: 4 and 8.
    target = {"value": 8, "year_to_date": True, "nation": {"value": 16, "year_to_date": True}}
    fw = make_framework([visits(target=target)])
    obs = _quarter_visits({"a1": [2.0, 2.0], "a2": [1.0, 1.0]})
    latest = evaluate(fw, obs, period="Q2 2023/24", as_of=date(2023, 10, 15)).latest.set_index("area")
    assert latest.loc["a1", ["compared_value", "target", "status"]].tolist() == [4.0, 4.0, "green"]
    assert latest.loc["a2", "target"] == pytest.approx(4.0)
    assert latest.loc["a2", "status"] != "green"
    assert latest.loc["eng", "compared_value"] == pytest.approx(6.0)
    assert latest.loc["eng", "target"] == pytest.approx(8.0)  # the nation's own 16, not a district's 8
    assert latest.loc["eng", "status"] != "green"


def test_a_level_without_a_target_has_none():
    fw = make_framework([visits(target={"la": {"value": 8, "year_to_date": True}})])
    obs = _quarter_visits({"a1": [2.0, 2.0], "a2": [2.0, 2.0]})
    latest = evaluate(fw, obs, period="Q2 2023/24", as_of=date(2023, 10, 15)).latest.set_index("area")
    assert latest.loc["a1", "status"] == "green"
    assert latest.loc["eng", "status"] == "no_target"
    assert latest.loc["eng", "compared_value"] == pytest.approx(4.0)  # the quarter's own total


def test_year_to_date_assurance_holds_months_to_their_share_of_the_year():
    # 24 a year is 2 a month: 20 months of 3.0 or 3.2 are consistently passing, not failing against 24.
    fw = make_framework(
        [visits(frequency="monthly", target={"value": 24, "year_to_date": True}, spc={"enabled": True})]
    )
    values = [3.0, 3.2] * 10
    obs = observations(
        [
            {"indicator": "V1", "area": "a1", "period_start": APRIL_2023 + m, "value": v}
            for m, v in enumerate(values)
        ]
    )
    latest = evaluate(fw, obs, as_of=date(2025, 1, 1)).latest.set_index("area")
    assert latest.loc["a1", "assurance"] == "consistent_pass"


@pytest.mark.parametrize(
    ("answer", "expected"), [("met", "green"), ("exceeded", "green"), ("partly_met", "amber")]
)
def test_a_judgement_at_or_beyond_its_target_level_is_green(answer, expected):
    judgement = {"id": "J1", "title": "j", "unit": "judgement", "polarity": "higher_is_better",
                 "frequency": "annual", "scale": ["not_met", "partly_met", "met", "exceeded"],
                 "target": {"value": "met"}}  # fmt: skip
    fw = make_framework([judgement])
    obs = observations(
        [
            {
                "indicator": "J1",
                "area": "a1",
                "period_start": APRIL_2023,
                "period_months": 12,
                "value_text": answer,
            }
        ]
    )
    latest = evaluate(fw, obs, as_of=date(2024, 6, 1)).latest.set_index("area")
    assert latest.loc["a1", "status"] == expected


def _annual(indicator, rows):
    return observations(
        [
            {"indicator": indicator, "area": "a1", "period_start": start, "period_months": 12, **extra}
            for start, extra in rows
        ]  # fmt: skip
    )


def _comparison(result, indicator="P1"):
    frame = result.comparisons
    frame = frame[(frame.indicator == indicator) & (frame.area == "a1")]
    return frame.set_index("compare_year")


def test_each_value_sits_under_its_own_year_in_the_annual_comparison():
    # Survey results for 2021/22 and 2023/24, reporting year 2024/25: nothing under 2024/25.
    fw = make_framework([{"id": "P1", "title": "p", "unit": "percentage", "polarity": "higher_is_better",
                          "frequency": "biennial"}])  # fmt: skip
    obs = _annual("P1", [(APRIL_2023 - 24, {"value": 80.0}), (APRIL_2023, {"value": 82.0})])
    result = evaluate(fw, obs, period="2024/25", as_of=date(2025, 6, 1), compare_years=2)
    years = _comparison(result)
    assert sorted(years.index) == ["2022/23", "2023/24"]
    assert set(years["year"]) == {"2024/25"}
    assert np.isnan(years["value"]).all()  # never the 2023/24 survey under 2024/25
    assert years.loc["2023/24", "compare_value"] == pytest.approx(82.0)
    assert np.isnan(years.loc["2022/23", "compare_value"])


def test_a_calendar_year_sits_in_the_financial_year_that_contains_its_end():
    fw = make_framework([{"id": "P1", "title": "p", "unit": "percentage", "polarity": "higher_is_better",
                          "frequency": "annual"}])  # fmt: skip
    january = 2023 * 12
    obs = _annual("P1", [(january - 12, {"value": 70.0}), (january, {"value": 75.0})])
    result = evaluate(fw, obs, period="2023/24", as_of=date(2024, 6, 1), compare_years=1)
    years = _comparison(result)
    assert years.loc["2022/23", "period"] == "2023"
    assert years.loc["2022/23", "value"] == pytest.approx(75.0)
    assert years.loc["2022/23", "compare_period"] == "2022"
    assert years.loc["2022/23", "direction"] == "improving"


def test_answers_are_carried_into_the_annual_comparison_as_words():
    fw = make_framework([{"id": "Y1", "title": "y", "unit": "yes_no", "polarity": "higher_is_better",
                          "frequency": "annual", "target": {"value": "yes"}}])  # fmt: skip
    obs = _annual("Y1", [(APRIL_2023 - 12, {"value_text": "no"}), (APRIL_2023, {"value_text": "yes"})])
    result = evaluate(fw, obs, period="2023/24", as_of=date(2024, 6, 1), compare_years=1)
    years = _comparison(result, "Y1")
    assert years.loc["2022/23", "value_text"] == "yes"
    assert years.loc["2022/23", "compare_text"] == "no"


def test_a_provisional_part_flags_the_total_it_rolls_up_into():
    fw = make_framework([visits(frequency="annual")])
    rows = [
        {"indicator": "V1", "area": area, "period_start": APRIL_2023 + 3 * q, "period_months": 3, "value": 2.0}
        for area in ("a1", "a2") for q in range(4)
    ]  # fmt: skip
    obs = observations(rows)
    obs.loc[(obs.area == "a2") & (obs.period_start == APRIL_2023 + 9), "flag"] = "provisional"
    table = evaluate(fw, obs, as_of=date(2024, 6, 1)).table
    year = table[table.period_months == 12].set_index("area")
    assert year.loc["a1", "flag"] == ""
    assert year.loc["a2", "flag"] == "includes_provisional"
    assert year.loc["eng", "flag"] == "includes_provisional"
    assert year.loc["eng", "value"] == pytest.approx(16.0)


def test_a_month_inside_a_given_quarter_is_not_counted_twice():
    fw = make_framework([visits(target={"value": 24, "year_to_date": True})])
    rows = [{"indicator": "V1", "area": "a1", "period_start": APRIL_2023 + 3 * q, "period_months": 3, "value": 5.0}
            for q in range(4)]  # fmt: skip
    rows.append(
        {"indicator": "V1", "area": "a1", "period_start": APRIL_2023 + 9, "period_months": 1, "value": 2.0}
    )
    table = evaluate(fw, observations(rows), as_of=date(2024, 6, 1)).table
    a1 = table[table.area == "a1"].set_index("period")
    assert a1.loc["Q4 2023/24", "value"] == pytest.approx(5.0)
    assert a1.loc["2023/24", "value"] == pytest.approx(20.0)


def _banded(indicator):
    # Two bands: 10 deaths in 1,000 people aged 0-4 and 30 in 1,000 aged 85-89.
    rows = observations(
        [
            {
                "indicator": indicator,
                "area": "a1",
                "period_start": APRIL_2023,
                "period_months": 12,
                "numerator": n,
                "denominator": 1000.0,
            }
            for n in (10.0, 30.0)
        ]  # fmt: skip
    )
    rows["band"] = ["0-4", "85-89"]
    return rows


def test_a_directly_standardised_rate_honours_per_and_its_standard_population():
    # Weights 1 and 3: (1 × 10/1000 + 3 × 30/1000) / 4 × 1,000 = 25 per 1,000 (by hand).
    fw = make_framework([rate(id="D1", ci="dobson", per=1000, frequency="annual",
                              standard_population={"0-4": 1.0, "85-89": 3.0})])  # fmt: skip
    row = _year_row(evaluate(fw, _banded("D1"), as_of=date(2024, 6, 1)), indicator="D1")
    assert row["value"] == pytest.approx(25.0)


def test_a_directly_standardised_rate_defaults_to_esp2013_per_100000():
    # ESP2013 weights 5,000 and 1,500: (5000 × 0.01 + 1500 × 0.03) / 6500 × 100,000.
    fw = make_framework([rate(id="D1", ci="dobson", frequency="annual")])
    row = _year_row(evaluate(fw, _banded("D1"), as_of=date(2024, 6, 1)), indicator="D1")
    assert row["value"] == pytest.approx((5000 * 0.01 + 1500 * 0.03) / 6500 * 100000)


@pytest.mark.parametrize(("own", "warned"), [(200.0, True), (86.0, False)])
def test_a_parents_own_figure_that_disagrees_with_its_areas_is_named_with_both_figures(own, warned):
    fw = make_framework([visits(frequency="annual")])
    rows = [("eng", own), ("a1", 40.0), ("a2", 46.0)]
    obs = observations(
        [
            {"indicator": "V1", "area": a, "period_start": APRIL_2023, "period_months": 12, "value": v}
            for a, v in rows
        ]
    )
    result = evaluate(fw, obs, as_of=date(2024, 6, 1))
    assert result.latest.set_index("area").loc["eng", "value"] == pytest.approx(own)  # the documented rule
    warnings = [f for f in result.findings if f.code == "parent-disagrees-with-children"]
    assert len(warnings) == int(warned)
    if warned:
        assert (
            "200" in warnings[0].message and "86" in warnings[0].message and "England" in warnings[0].message
        )
