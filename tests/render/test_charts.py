"""Charts and their text alternatives: deterministic, inline-safe SVG that survives odd data."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfwatch.render.alt_text import describe_area_comparison, describe_indicator_series, pretty_period
from perfwatch.render.charts import Chart, area_bar_chart, indicator_chart, sparkline

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [f"{2023 + (m // 12)}-{m % 12 + 1:02d}" for m in range(3, 15)]  # April 2023 .. March 2024


def series(values, **columns) -> pd.DataFrame:
    """An indicator × area frame as Results.table gives it, for monthly periods from April 2023."""
    frame = pd.DataFrame({"period": MONTHS[: len(values)], "value": np.asarray(values, dtype="float64")})
    for name, column in columns.items():
        frame[name] = column
    return frame


def spc_series() -> pd.DataFrame:
    """Rising to above the upper process limit, special causes of improvement, two rebase groups."""
    values = [80, 81, 79, 80, 82, 83, 84, 85, 86, 88, 90, 91.2]
    return series(
        values,
        target=95.0, tolerance=3.0, status="red", ci_lower=np.subtract(values, 2), ci_upper=np.add(values, 2),
        spc_mean=[80.0] * 6 + [84.0] * 6, spc_lower=[76.0] * 6 + [80.0] * 6, spc_upper=[84.0] * 6 + [88.0] * 6,
        spc_signal=["common_cause"] * 7 + ["special_cause_improvement"] * 5, spc_group=[1] * 6 + [2] * 6,
        spc_trial=[False] * 6 + [True] * 6,
    )  # fmt: skip


def areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": ["Falkirk", "Fife", "Angus", "Moray"],
            "value": [80.0, 70.0, np.nan, 90.0],
            "ci_lower": [77.0, 66.0, np.nan, 87.5],
            "ci_upper": [83.0, 74.0, np.nan, 92.0],
            "benchmark": ["similar", "worse", "not_compared", "better"],
        }
    )


def check_inline_svg(chart: Chart) -> ET.Element:
    """Well-formed, labelled, and safe to inline many times in an offline page."""
    text = str(chart.svg)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label")
    assert root.find(f"{SVG}title") is not None
    without_namespaces = re.sub(r'\sxmlns(:\w+)?="[^"]*"', "", text)
    assert "http" not in without_namespaces
    assert "file:" not in text
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', text))
    assert "<style" not in text, "a <style> in an inline SVG styles the whole page"
    assert "font-family" not in text, "chart text takes the page's font"
    ids = re.findall(r' id="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    assert set(re.findall(r'(?:url\(#|href="#)([^)"]+)', text)) <= set(ids)
    return root


def chart_ids(chart: Chart) -> set[str]:
    return set(re.findall(r' id="([^"]+)"', str(chart.svg)))


def test_indicator_chart_is_inline_safe_and_describes_itself():
    chart = indicator_chart(spc_series(), title="CI-2 Supported to live independently", unit_label="%")
    root = check_inline_svg(chart)
    assert root.find(f"{SVG}title").text == "CI-2 Supported to live independently"
    assert root.find(f"{SVG}desc").text == chart.alt
    assert "#de1b1b" in str(chart.svg)  # the target line
    assert "Special cause: improvement" in str(chart.svg)
    assert "Mar 2024" in str(chart.svg)


def test_same_input_gives_identical_bytes():
    first = indicator_chart(spc_series(), title="t", unit_label="%")
    second = indicator_chart(spc_series(), title="t", unit_label="%")
    assert first.svg == second.svg
    assert area_bar_chart(
        areas(), title="a", comparator_value=75.0, comparator_name="Scotland"
    ) == area_bar_chart(areas(), title="a", comparator_value=75.0, comparator_name="Scotland")


def test_identical_bytes_across_processes():
    """A fresh interpreter (another hash seed, cold font cache) draws the same bytes."""
    script = (
        "import hashlib, sys; sys.path.insert(0, sys.argv[1]); import test_charts as t; "
        "print(hashlib.sha256(str(t.indicator_chart(t.spc_series(), title='t', unit_label='%').svg)"
        ".encode()).hexdigest())"
    )
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(Path(__file__).parent)],
        capture_output=True, text=True, check=True, env=environment,
    )  # fmt: skip
    here = hashlib.sha256(
        str(indicator_chart(spc_series(), title="t", unit_label="%").svg).encode()
    ).hexdigest()
    assert result.stdout.strip() == here


def test_different_charts_have_distinct_ids():
    first = indicator_chart(spc_series(), title="one", unit_label="%")
    second = indicator_chart(spc_series().assign(value=lambda f: f.value + 1), title="two", unit_label="%")
    third = area_bar_chart(areas(), title="a", comparator_value=75.0, comparator_name="Scotland")
    assert chart_ids(first) and chart_ids(third)
    assert not chart_ids(first) & chart_ids(second)
    assert not chart_ids(first) & chart_ids(third)


@pytest.mark.parametrize(
    "frame",
    [
        series([80, np.nan, np.nan, 83, 84]),
        series([80.0]),
        series([80.0], target=90.0, tolerance=2.0, status="red"),
        series([np.nan, np.nan, np.nan]),
        series([]),
        series([5, 6, 7], ci_lower=[np.nan, 5.0, np.nan], ci_upper=[np.nan, 7.0, np.nan]),
        series(
            [5, 6, 7], spc_mean=np.nan, spc_lower=np.nan, spc_upper=np.nan, spc_signal=None, spc_trial=None
        ),
    ],
    ids=["gaps", "one point", "one point with target", "all missing", "empty", "partial intervals", "no spc"],
)
def test_indicator_chart_survives_odd_series(frame):
    chart = indicator_chart(frame, title="odd", unit_label="days", polarity="lower_is_better", width="full")
    check_inline_svg(chart)
    assert chart.alt


def test_all_missing_gives_a_no_data_chart():
    chart = indicator_chart(series([np.nan, np.nan]), title="t")
    assert "No data" in str(chart.svg)
    assert chart.alt == "No data for April 2023 to May 2023."


def test_no_target_draws_no_target_line():
    chart = indicator_chart(series([1, 2, 3]), title="t")
    assert "#de1b1b" not in str(chart.svg)
    assert "Target" not in str(chart.svg)


def test_area_bar_chart_names_benchmarks_in_words():
    chart = area_bar_chart(
        areas(), title="Compared", comparator_value=75.0, comparator_name="Scotland", unit_label="%",
        highlight_area="Falkirk",
    )  # fmt: skip
    check_inline_svg(chart)
    text = str(chart.svg)
    for words in ("80.0%  similar", "70.0%  worse", "90.0%  better", "no data", "Scotland 75.0%"):
        assert words in text
    assert "Falkirk: 80.0%, similar to Scotland; 2nd of 3." in chart.alt


def test_area_bar_chart_with_no_data():
    frame = areas().assign(value=np.nan)
    chart = area_bar_chart(frame, title="t", comparator_value=None, comparator_name="Scotland")
    check_inline_svg(chart)
    assert "No data" in str(chart.svg)


def test_sparkline_breaks_at_gaps_and_marks_the_latest():
    chart = sparkline([1, 2, np.nan, 4, 5], status="red", unit_label="%")
    root = check_inline_svg(chart)
    path = root.find(f"{SVG}path").get("d")
    assert path.count("M") == 2
    assert root.find(f"{SVG}circle").get("fill") == "#d5281b"
    assert chart.alt == "4 points, from 1.0% to 5.0%; red: off target"


def test_sparkline_of_nothing_and_of_one_point():
    assert ET.fromstring(str(sparkline([np.nan, np.nan]).svg)).find(f"{SVG}path") is None
    one = ET.fromstring(str(sparkline([3.0]).svg))
    assert one.find(f"{SVG}path").get("d").endswith("h0")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), max_size=40))
def test_sparkline_is_always_well_formed(values):
    root = ET.fromstring(str(sparkline(values).svg))
    assert "nan" not in str(sparkline(values).svg).lower().replace("no data", "")
    assert root.find(f"{SVG}title").text


# Text alternatives


def test_alt_text_of_a_rising_series_beyond_its_limits():
    text = describe_indicator_series(spc_series(), "%", "higher_is_better", 1)
    assert text.startswith("Latest 91.2% in March 2024 against a target of 95.0% (red: off target).")
    assert "Up from 80.0% in April 2023 (higher is better)." in text
    assert "Rose for 9 months in a row, above the upper process limit since February 2024." in text
    assert (
        "Special cause variation at 5 points, all of improvement; the latest point is of improvement." in text
    )
    assert "trial limits" in text


def test_alt_text_of_a_falling_series():
    text = describe_indicator_series(
        series([9, 8, 7, 6], target=5.0, status="amber"), "days", "lower_is_better", 0
    )
    assert text == (
        "Latest 6 days in July 2023 against a target of 5 days (amber: close to target). "
        "Down from 9 days in April 2023 (lower is better). Fell for 3 months in a row."
    )


def test_alt_text_of_a_flat_series():
    assert describe_indicator_series(series([5, 5, 5]), "", "no_judgement", 1) == (
        "Latest 5.0 in June 2023, with no target. Stayed at 5.0 throughout."
    )


def test_alt_text_of_special_causes_of_both_kinds_and_points_outside_limits():
    frame = series(
        [10, 30, 11, 12, 10],
        spc_lower=5.0, spc_upper=25.0,
        spc_signal=["common_cause", "special_cause_concern", "common_cause", "common_cause",
                    "special_cause_improvement"],
    )  # fmt: skip
    text = describe_indicator_series(frame, "", "lower_is_better", 0)
    assert "1 point outside the process limits, the last in May 2023." in text
    assert "Special cause variation at 2 points (1 of concern and 1 of improvement); " in text
    assert "the latest point is of improvement." in text


def test_alt_text_of_a_series_with_gaps():
    text = describe_indicator_series(series([1, np.nan, 3, 4, 5, np.nan]), "%", "higher_is_better", 0)
    assert text.startswith("Latest 5% in August 2023, with no target.")
    assert "Rose at each of the last 3 points with data." in text
    assert text.endswith("No data for May 2023 and September 2023.")


def test_alt_text_lists_at_most_three_gaps():
    text = describe_indicator_series(
        series([1, np.nan, np.nan, np.nan, np.nan, 2]), "", "higher_is_better", 0
    )
    assert text.endswith("No data for May 2023, June 2023, July 2023 and 1 more.")


def test_alt_text_of_quarters_and_currency():
    frame = pd.DataFrame({"period": ["Q1 2023/24", "Q2 2023/24", "Q3 2023/24"], "value": [100.0, 120, 150]})
    assert "Rose for 2 quarters in a row." in describe_indicator_series(frame, "£", "no_judgement", 0)
    assert "Up from £100 in Q1 2023/24." in describe_indicator_series(frame, "£", "no_judgement", 0)


def test_area_comparison_text():
    text = describe_area_comparison(
        areas(), comparator_value=75.0, comparator_name="Scotland", unit_label="%", highlight_area="Fife"
    )
    assert text == (
        "3 areas with data compared with Scotland (75.0%): 1 better, 1 similar and 1 worse. "
        "Highest Moray (90.0%); lowest Fife (70.0%). Fife: 70.0%, worse than Scotland; 3rd of 3. "
        "No data for Angus."
    )


def test_pretty_period():
    assert pretty_period("2024-03") == "March 2024"
    assert pretty_period("2024-03", short=True) == "Mar 2024"
    assert pretty_period("Q1 2023/24") == "Q1 2023/24"


def test_area_bar_chart_fits_long_names_at_half_width():
    frame = pd.DataFrame(
        {
            "area": ["Dumfries and Galloway Health and Social Care Partnership", "Fife"],
            "value": [5123.0, 4000.0],
            "benchmark": ["higher", "lower"],
        }
    )
    chart = area_bar_chart(
        frame, title="Emergency admissions per 100,000 population", comparator_value=4500.0,
        comparator_name="Scotland", unit_label="per 100,000", decimals=0, width="half",
    )  # fmt: skip
    check_inline_svg(chart)
    assert "…" in str(chart.svg)
    assert "Dumfries and Galloway Health and Social Care Partnership (5,123 per 100,000)" in chart.alt


def test_chart_renders_as_its_svg_in_templates():
    chart = sparkline([1, 2, 3])
    assert chart.__html__() == str(chart.svg)


def test_legend_can_be_left_to_the_page():
    chart = indicator_chart(spc_series(), title="t", unit_label="%", legend=False)
    assert "#de1b1b" in str(chart.svg)
    assert "Special cause: improvement" not in str(chart.svg)


def test_nice_ticks_are_round_and_cover_the_range():
    from perfwatch.render.svg import nice_ticks

    assert list(nice_ticks(76.3, 93.1)) == [75.0, 80.0, 85.0, 90.0, 95.0]
    assert list(nice_ticks(0.0, 1.0)) == [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
    ticks = nice_ticks(5.0, 5.0)
    assert ticks[0] < 5.0 < ticks[-1]
    assert len(nice_ticks(0, 2_147_550)) <= 7


def test_special_causes_have_distinct_shapes():
    """Improvement, concern and neutral points differ in shape, not only colour (never colour alone)."""
    frame = spc_series()
    frame.loc[2, "spc_signal"] = "special_cause_concern"
    frame.loc[3, "spc_signal"] = "special_cause_neutral_high"
    text = str(indicator_chart(frame, title="t", unit_label="%").svg)
    for label in ("Special cause: improvement", "Special cause: concern", "Special cause: neutral"):
        assert label in text
    marker_paths = re.findall(r'<path d="([^"]+)" fill="(#00b0f0|#e46c0a|#490092)"', text)
    shapes = {colour: d.count("l") for d, colour in marker_paths}
    assert len(set(shapes.values())) == 3, shapes


def test_rebased_limits_break_between_groups():
    text = str(indicator_chart(spc_series(), title="t", unit_label="%").svg)
    mean_path = re.search(r'<path d="([^"]+)" fill="none" stroke="#000000" stroke-width="1.0"', text).group(1)
    assert mean_path.count("M") == 2  # one line per rebase group


def test_chart_title_can_be_left_to_the_heading():
    chart = indicator_chart(spc_series(), title="CI-2 Supported", unit_label="%", show_title=False)
    root = check_inline_svg(chart)
    assert root.find(f"{SVG}title").text == "CI-2 Supported"
    assert 'font-weight="bold">CI-2 Supported</text>' not in str(chart.svg)
