"""Year to date on every page (issue #14): where a target is year-to-date, tables, charts and the terminal
put the year-to-date value beside it, and name the period's own value as such."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from perfwatch.evaluate.engine import evaluate
from perfwatch.framework.model import Framework
from perfwatch.framework.periods import Period
from perfwatch.render.context import build_context
from perfwatch.render.views import ReportOptions

APRIL_2023 = 2023 * 12 + 3


def _framework() -> Framework:
    visits = {"id": "V1", "title": "Enter and View visits", "unit": "count", "polarity": "higher_is_better",
              "frequency": "quarterly", "target": {"value": 24, "year_to_date": True}}  # fmt: skip
    return Framework.model_validate(
        {"perfwatch": 1, "id": "t", "title": "Test",
         "areas": [{"id": "kent", "name": "Kent", "level": "county"}],
         "themes": [{"id": "T1", "title": "t", "outcomes": [{"id": "O1", "title": "o", "indicators": [visits]}]}]}
    )  # fmt: skip


def _results():
    # 7, 5, 6, 1 visits: 19 by Q4 against 24, red (the defect showed "1 / 24" on the page and "1 / 4 Green").
    values = [7.0, 5.0, 6.0, 1.0]
    frame = pd.DataFrame(
        {
            "indicator": "V1", "area": "kent", "period_start": [APRIL_2023 + 3 * q for q in range(4)],
            "period_months": 3, "value": values, "numerator": np.nan, "denominator": np.nan,
            "missing": "", "flag": "", "note": "", "value_text": pd.NA,
        }
    )  # fmt: skip
    frame["period"] = [Period(int(s), 3, 4).label for s in frame.period_start]
    return evaluate(_framework(), frame, period="Q4 2023/24", as_of=date(2024, 5, 1))


def test_the_year_to_date_value_sits_beside_the_year_to_date_target():
    context = build_context(_results(), kind="performance", options=ReportOptions(charts=True))
    view = context.indicators[0]
    assert view.target == "24"
    assert view.value.startswith("19 year to date")
    assert "1 this quarter" in view.value
    assert view.status.value == "red"
    assert view.ci.endswith("(this quarter)")  # the interval belongs to the quarter's own 1, not to 19
    # Each recent period: the cumulative total against that period's share of the target.
    history = {row.period: (row.value, row.target) for row in view.history}
    assert [v[0].split(" ")[0] for v in history.values()] == ["7", "12", "18", "19"]
    assert [v[1] for v in history.values()] == ["6", "12", "18", "24"]


def test_the_chart_plots_year_to_date_values_against_the_year_to_date_target():
    context = build_context(_results(), kind="performance", options=ReportOptions(charts=True))
    chart = str(context.indicators[0].chart)
    assert "year to date" in chart
    assert "19" in chart


def test_the_terminal_scorecard_shows_the_year_to_date_value():
    from rich.console import Console

    from perfwatch.cli.terminal import scorecard

    results = _results()
    console = Console(width=200, record=True, color_system=None)
    console.print(scorecard(results, results.latest, console))
    text = console.export_text()
    assert "19 year to date (1 this quarter)" in text


def test_a_district_that_misses_its_own_target_is_in_the_countys_exception_report():
    # 8 visits a year per district, 16 for the county; Dover made 2 of its 8, the county 17 of 16.
    visits = {"id": "V1", "title": "Enter and View visits", "unit": "count", "polarity": "higher_is_better",
              "frequency": "annual", "target": {"value": 8, "county": {"value": 16}}}  # fmt: skip
    framework = Framework.model_validate(
        {"perfwatch": 1, "id": "t", "title": "Test",
         "areas": [{"id": "kent", "name": "Kent", "level": "county"},
                   {"id": "ashford", "name": "Ashford", "level": "district", "parent": "kent"},
                   {"id": "dover", "name": "Dover", "level": "district", "parent": "kent"}],
         "themes": [{"id": "T1", "title": "t", "outcomes": [{"id": "O1", "title": "o", "indicators": [visits]}]}]}
    )  # fmt: skip
    frame = pd.DataFrame(
        {"indicator": "V1", "area": ["ashford", "dover"], "period_start": APRIL_2023, "period_months": 12,
         "value": [15.0, 2.0], "numerator": np.nan, "denominator": np.nan, "missing": "", "flag": "",
         "note": "", "value_text": pd.NA, "period": "2023/24"}
    )  # fmt: skip
    results = evaluate(framework, frame, as_of=date(2024, 5, 1))
    latest = results.latest.set_index("area")
    assert latest.loc["kent", ["value", "target", "status"]].tolist() == [17.0, 16.0, "green"]
    assert latest.loc["dover", ["target", "status"]].tolist() == [8.0, "red"]
    context = build_context(results, kind="exception", options=ReportOptions(area="kent"))
    reasons = {e.indicator.id: e.reasons for e in context.exceptions}
    assert "V1" in reasons
    assert any("Dover" in r and "Ashford" not in r for r in reasons["V1"])


def test_an_area_chart_titled_with_a_month_shows_only_that_months_values():
    pct = {"id": "P1", "title": "Seen within 4 hours", "unit": "percentage", "polarity": "higher_is_better",
           "frequency": "monthly", "target": {"value": 95}}  # fmt: skip
    providers = ["p1", "p2", "p3", "p4"]
    framework = Framework.model_validate(
        {"perfwatch": 1, "id": "t", "title": "Test",
         "areas": [{"id": "eng", "name": "England", "level": "nation"}]
         + [{"id": p, "name": p.upper(), "level": "provider", "parent": "eng", "comparator": "eng",
             "roll_up": "available"} for p in providers],
         "themes": [{"id": "T1", "title": "t", "outcomes": [{"id": "O1", "title": "o", "indicators": [pct]}]}]}
    )  # fmt: skip
    march, older = 2019 * 12 + 2, 2017 * 12 + 2
    rows = [
        ("eng", march, 90.0),
        ("p1", march, 91.0),
        ("p2", march, 92.0),
        ("p3", march, 93.0),
        ("p4", older, 50.0),
    ]
    frame = pd.DataFrame(
        {"indicator": "P1", "area": [r[0] for r in rows], "period_start": [r[1] for r in rows], "period_months": 1,
         "value": [r[2] for r in rows], "numerator": np.nan, "denominator": np.nan, "missing": "", "flag": "",
         "note": "", "value_text": pd.NA}
    )  # fmt: skip
    frame["period"] = [Period(int(s), 1, 4).label for s in frame.period_start]
    results = evaluate(framework, frame, period="2019-03", as_of=date(2019, 4, 20))
    context = build_context(results, kind="performance", options=ReportOptions(area="eng", charts=True))
    view = context.indicators[0]
    assert view.area_chart is not None
    chart = str(view.area_chart)
    assert "P4" not in chart and "P1" in chart
    assert "1 area has no value for March 2019" in view.areas_omitted
    assert "March 2017" in view.areas_omitted


def test_the_annual_comparison_shows_exactly_compare_years_and_each_value_in_its_year():
    survey = {"id": "S1", "title": "Survey", "unit": "percentage", "polarity": "higher_is_better",
              "frequency": "biennial"}  # fmt: skip
    answer = {"id": "Y1", "title": "Plan", "unit": "yes_no", "polarity": "higher_is_better", "frequency": "annual",
              "target": {"value": "yes"}}  # fmt: skip
    framework = Framework.model_validate(
        {"perfwatch": 1, "id": "t", "title": "Test", "areas": [{"id": "kent", "name": "Kent", "level": "county"}],
         "reporting": {"cycles": [{"id": "annual", "title": "Annual", "kind": "annual", "compare_years": 1}]},
         "themes": [{"id": "T1", "title": "t", "outcomes": [{"id": "O1", "title": "o",
                                                              "indicators": [survey, answer]}]}]}
    )  # fmt: skip
    rows = [("S1", APRIL_2023 - 24, 80.0, pd.NA), ("S1", APRIL_2023, 82.0, pd.NA),
            ("Y1", APRIL_2023, np.nan, "no"), ("Y1", APRIL_2023 + 12, np.nan, "yes")]  # fmt: skip
    frame = pd.DataFrame(
        {"indicator": [r[0] for r in rows], "area": "kent", "period_start": [r[1] for r in rows],
         "period_months": 12, "value": [r[2] for r in rows], "value_text": [r[3] for r in rows],
         "numerator": np.nan, "denominator": np.nan, "missing": "", "flag": "", "note": ""}
    )  # fmt: skip
    frame["period"] = [Period(int(s), 12, 4).label for s in frame.period_start]
    results = evaluate(framework, frame, period="2024/25", as_of=date(2025, 6, 1), compare_years=5)
    context = build_context(results, kind="annual", options=ReportOptions(cycle="annual"))
    assert context.comparison_years == ["2023/24"]
    by_id = {row.indicator.id: row for row in context.comparisons}
    assert by_id["S1"].value == "—"  # the 2023/24 survey is not shown under 2024/25
    assert [c.value for c in by_id["S1"].years] == ["82.0%"]
    assert by_id["Y1"].value == "Yes"
    assert [c.value for c in by_id["Y1"].years] == ["No"]
