"""Which period a report covers on a given date, and the timetable of reports due."""

from datetime import date

import pytest

from perfwatch.framework.cycles import report_period, timetable
from perfwatch.framework.model import Cycle, Framework


def cycle(kind: str, lag: int = 1, months=("jul", "nov", "mar")) -> Cycle:
    return Cycle.model_validate(
        {"id": kind, "title": kind, "kind": kind, "lag_months": lag, "months": list(months)}
    )


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2025, 6, 1), "2024/25"),  # a month after the year ended
        (date(2025, 4, 10), "2023/24"),  # 2024/25 ended in March: with a month's lag it is not due yet
        (date(2025, 5, 1), "2024/25"),
    ],
)
def test_annual_report_covers_the_latest_complete_year(as_of, expected):
    assert report_period(cycle("annual", months=("may",)), as_of, 4).label == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(date(2024, 11, 1), "Q2 2024/25"), (date(2024, 7, 1), "Q4 2023/24"), (date(2025, 3, 1), "Q3 2024/25")],
)
def test_board_report_covers_the_latest_complete_quarter(as_of, expected):
    assert report_period(cycle("performance"), as_of, 4).label == expected


def test_calendar_years():
    assert report_period(cycle("annual", months=("mar",)), date(2025, 3, 1), 1).label == "2024"


def test_timetable_lists_reports_in_date_order_with_indicators_that_have_new_data():
    framework = Framework.model_validate(
        {
            "perfwatch": 1, "id": "t", "title": "t",
            "reporting": {"cycles": [
                {"id": "board", "title": "Board", "kind": "performance", "months": ["jul", "nov", "mar"]},
                {"id": "annual", "title": "Annual", "kind": "annual", "months": ["may"]},
            ]},
            "themes": [{"id": "T", "title": "t", "outcomes": [{"id": "O", "title": "o", "indicators": [
                {"id": "M", "title": "m", "unit": "count", "polarity": "higher_is_better", "frequency": "monthly"},
                {"id": "A", "title": "a", "unit": "count", "polarity": "higher_is_better", "frequency": "annual"},
            ]}]}],
        }
    )  # fmt: skip
    dues = timetable(framework, date(2024, 6, 15), months=12)
    assert [(d.due.isoformat(), d.cycle.id, d.period.label) for d in dues] == [
        ("2024-07-01", "board", "Q4 2023/24"),
        ("2024-11-01", "board", "Q2 2024/25"),
        ("2025-03-01", "board", "Q3 2024/25"),
        ("2025-05-01", "annual", "2024/25"),
    ]
    assert dues[0].new_data == ("M", "A")  # Q4 completes the year
    assert dues[1].new_data == ("M",)
    assert dues[-1].new_data == ("M", "A")


def test_monthly_cycle_covers_the_latest_complete_month():
    monthly = cycle(
        "performance",
        months=("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    )
    assert report_period(monthly, date(2019, 5, 2), 4).label == "2019-03"


def _annual_framework(**indicator):
    return Framework.model_validate(
        {
            "perfwatch": 1, "id": "t", "title": "t",
            "reporting": {"cycles": [{"id": "board", "title": "Board", "kind": "performance",
                                      "months": ["jul", "nov", "mar"]}]},
            "themes": [{"id": "T", "title": "t", "outcomes": [{"id": "O", "title": "o", "indicators": [
                {"id": "A", "title": "a", "unit": "count", "polarity": "higher_is_better", "frequency": "annual",
                 **indicator},
            ]}]}],
        }
    )  # fmt: skip


def test_a_publication_lag_moves_new_data_to_when_it_can_exist():
    """2023/24 ends March 2024: with no lag it is new for July 2024; published 15 months on, not until 2025."""
    assert timetable(_annual_framework(), date(2024, 6, 15))[0].new_data == ("A",)
    lagged = timetable(_annual_framework(lag="15 months"), date(2024, 6, 15), months=12)
    assert [d.new_data for d in lagged] == [(), (), ()]


def test_with_data_new_data_is_what_the_data_holds():
    framework = _annual_framework()
    year_2023_24_end = 2024 * 12 + 3
    dues = timetable(framework, date(2024, 6, 15), data_ends={"A": year_2023_24_end})
    assert dues[0].new_data == ("A",)
    assert timetable(framework, date(2024, 6, 15), data_ends={"A": year_2023_24_end - 12})[0].new_data == ()
    assert timetable(framework, date(2024, 6, 15), data_ends={})[0].new_data == ()
