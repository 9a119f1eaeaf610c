"""Values that cannot be true are refused with their row and the fix (issue #14, item 8), and a value
written with `%` is already a percentage (item 6)."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from perfwatch.data.load import check_data, load_observations


def _findings(framework, tmp_path, body: str, header="indicator,area,period,value,numerator,denominator"):
    path = tmp_path / "data.csv"
    path.write_text(header + "\n" + body + "\n", encoding="utf-8")
    return [f for f in check_data(framework, [path]) if f.is_error]


@pytest.mark.parametrize(
    ("row", "code"),
    [
        ("PC-1,falkirk,Q1 2023/24,850,,", "percentage-out-of-range"),
        ("PC-1,falkirk,Q1 2023/24,-5,,", "percentage-out-of-range"),
        ("PR-1,falkirk,2023/24,1.4,,", "proportion-out-of-range"),
        ("DD-1,falkirk,2023-04,2.5,,", "fractional-count"),
        ("DD-1,falkirk,2023-04,,12,40", "count-with-denominator"),
    ],
)
def test_an_impossible_value_is_an_error_on_its_row(framework, tmp_path, row, code):
    findings = _findings(framework, tmp_path, row)
    assert [(f.line, f.code) for f in findings] == [(2, code)]


@pytest.mark.parametrize(
    ("lower", "upper", "code"), [(85.0, 75.0, "interval-reversed"), (60.0, 70.0, "interval-excludes-value")]
)
def test_an_interval_must_contain_its_value_the_right_way_round(framework, tmp_path, lower, upper, code):
    findings = _findings(
        framework, tmp_path, f"PC-1,falkirk,Q1 2023/24,80,,,{lower},{upper}",
        header="indicator,area,period,value,numerator,denominator,ci_lower,ci_upper",
    )  # fmt: skip
    assert [(f.line, f.code) for f in findings] == [(2, code)]


def test_plausible_values_pass(framework, tmp_path):
    body = "\n".join(
        ["PC-1,falkirk,Q1 2023/24,80,,", "PR-1,falkirk,2023/24,0.8,,", "DD-1,falkirk,2023-04,3,,"]
    )
    assert _findings(framework, tmp_path, body) == []


def test_a_value_written_with_a_percent_sign_is_already_a_percentage(framework, tmp_path):
    # Every value below 1.5 would otherwise read as fractions and be multiplied by 100.
    path = tmp_path / "data.csv"
    path.write_text(
        "indicator,area,period,value\nPC-1,falkirk,Q1 2023/24,0.5%\nPC-1,falkirk,Q2 2023/24,0.7%\n",
        encoding="utf-8",
    )
    frame = load_observations(framework, [path]).frame
    assert sorted(frame["value"]) == pytest.approx([0.5, 0.7])


def test_a_month_inside_a_given_quarter_is_named(framework, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(
        "indicator,area,period,value\nPC-1,falkirk,Q1 2023/24,80\nPC-1,falkirk,2023-05,81\n", encoding="utf-8"
    )
    findings = check_data(framework, [path])
    assert [(f.line, f.code, f.is_error) for f in findings if f.code == "part-of-given-period"] == [
        (3, "part-of-given-period", False)
    ]


def test_relabelling_periods_in_another_accepted_spelling_changes_no_number(framework, tmp_path):
    """Metamorphic: `2023/24`, `2023-24` and `FY2023/24` (and `Q1 2023/24`, `2023/24 Q1`) are one period."""
    from perfwatch.evaluate.engine import evaluate

    spellings = [("2022/23", "2023/24", "Q1 2023/24", "Q2 2023/24"),
                 ("2022-23", "FY2023/24", "2023/24 Q1", "2023/24 Q2")]  # fmt: skip
    tables = []
    for k, (year_1, year_2, quarter_1, quarter_2) in enumerate(spellings):
        path = tmp_path / f"data{k}.csv"
        path.write_text(
            "indicator,area,period,value,numerator,denominator\n"
            f"CI-2,falkirk,{year_1},79.5,1590,2000\nCI-2,falkirk,{year_2},81,1620,2000\n"
            f"PC-1,falkirk,{quarter_1},90,,\nPC-1,falkirk,{quarter_2},85,,\n",
            encoding="utf-8",
        )
        result = evaluate(
            framework, load_observations(framework, [path]).frame, as_of=datetime.date(2024, 12, 1)
        )
        tables.append(result.table[["indicator", "area", "period", "value", "target", "status", "direction"]])
    pd.testing.assert_frame_equal(tables[0], tables[1])
