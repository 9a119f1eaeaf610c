"""Mappings from the project file: renamed columns, constants, filters, computed columns, sums, wide tables.

The three real datasets in /work/shared/data are mapped with no code; slices are in fixtures/ (see
fixtures/README.md for their sources).
"""

from __future__ import annotations

import pandas as pd
import pytest

from perfwatch.data.load import load_observations
from perfwatch.data.observations import OBSERVATION_COLUMNS
from perfwatch.framework.model import Framework
from perfwatch.framework.project import DataSource


def framework_with(indicator: dict, areas: list[dict]) -> Framework:
    return Framework.model_validate(
        {
            "perfwatch": 1, "id": "real", "title": "Real data", "areas": areas,
            "themes": [{"id": "T", "title": "T", "outcomes": [{"id": "O", "title": "O", "indicators": [indicator]}]}],
        }
    )  # fmt: skip


def test_england_ae_four_hour_performance(fixtures):
    """4-hour performance per trust and month: sum over department types, then 1 - breaches / attendances."""
    framework = framework_with(
        {"id": "AE-4HR", "title": "A&E within 4 hours", "unit": "percentage", "polarity": "higher_is_better",
         "frequency": "monthly"},
        [{"id": code, "name": code, "level": "trust"} for code in ("RDD", "RF4", "RQM")],
    )  # fmt: skip
    source = DataSource.model_validate(
        {
            "path": fixtures / "ae_slice.csv",
            "columns": {"area": "org_code"},
            "constants": {"indicator": "AE-4HR"},
            "compute": {"numerator": "attendances - breaches", "denominator": "attendances"},
            "sum_duplicates": True,
        }
    )
    observations = load_observations(framework, [source])
    assert observations.findings == []
    frame = observations.frame
    assert len(frame) == 9
    rf4 = frame[(frame["area"] == "RF4") & (frame["period"] == "2016-04")].iloc[0]
    attendances, breaches = 18788 + 561 + 2685, 4082 + 5 + 17
    assert rf4["denominator"] == attendances and rf4["numerator"] == attendances - breaches
    assert rf4["value"] == pytest.approx((1 - breaches / attendances) * 100)
    assert rf4["row"] == 3  # the first of the three rows summed


def test_england_ae_type_1_only(fixtures):
    framework = framework_with(
        {
            "id": "AE-T1",
            "title": "Type 1 within 4 hours",
            "unit": "percentage",
            "polarity": "higher_is_better",
        },
        [{"id": code, "name": code, "level": "trust"} for code in ("RDD", "RF4", "RQM")],
    )
    source = DataSource.model_validate(
        {
            "path": fixtures / "ae_slice.csv", "columns": {"area": "org_code"}, "constants": {"indicator": "AE-T1"},
            "filter": {"type": 1}, "compute": {"numerator": "attendances - breaches", "denominator": "attendances"},
        }
    )  # fmt: skip
    frame = load_observations(framework, [source]).frame
    rf4 = frame[(frame["area"] == "RF4") & (frame["period"] == "2016-04")].iloc[0]
    assert rf4["denominator"] == 18788 and rf4["row"] == 3


def test_scotland_delayed_discharges(fixtures):
    """Bed days, all reasons, adults: two filters; the area is the board code, matched to the framework's `code`."""
    framework = framework_with(
        {"id": "DD-BD", "title": "Delayed discharge bed days", "unit": "count", "polarity": "lower_is_better",
         "frequency": "monthly"},
        [{"id": "scotland", "name": "Scotland", "level": "nation", "code": "S92000003"},
         {"id": "forth-valley", "name": "Forth Valley", "level": "board", "code": "S08000019", "parent": "scotland"}],
    )  # fmt: skip
    source = DataSource.model_validate(
        {
            "path": fixtures / "scotland_slice.csv",
            "filter": {"age_group": "18plus", "delay_reason": "All Delay Reasons"},
            "columns": {"area": "hb_code", "period": "date", "value": "num_delayed_bed_days"},
            "constants": {"indicator": "DD-BD"},
        }
    )
    observations = load_observations(framework, [source])
    assert observations.findings == []
    frame = observations.frame
    assert len(frame) == 6
    assert list(frame[frame["area"] == "forth-valley"]["period"]) == ["2016-07", "2016-08", "2016-09"]
    assert frame[frame["area"] == "forth-valley"]["value"].iloc[0] == 2472
    assert frame[frame["area"] == "forth-valley"]["row"].iloc[0] == 2


def test_wales_ambulance_red_calls(fixtures):
    """Month names as text, numerator and denominator from long column names, a published percentage."""
    framework = framework_with(
        {"id": "RED-8", "title": "Red calls within 8 minutes", "unit": "percentage",
         "polarity": "higher_is_better", "frequency": "monthly"},
        [{"id": "wales", "name": "Wales", "level": "nation", "code": "599"},
         {"id": "betsi", "name": "Betsi Cadwaladr", "level": "board", "code": "7A1", "parent": "wales"},
         {"id": "swansea-bay", "name": "Swansea Bay", "level": "board", "code": "7A3", "parent": "wales"}],
    )  # fmt: skip
    source = DataSource.model_validate(
        {
            "path": fixtures / "wales_slice.csv",
            "columns": {
                "area": "hb_code",
                "period": "date",
                "numerator": "red_calls_resulting_in_an_emergency_response_at_the_scene_within_8_minutes",
                "denominator": "red_calls_resulting_in_an_emergency_response_at_the_scene",
                "value": "red_calls_percent_of_emergency_responses_arriving_at_the_scene_within_8_minutes",
            },
            "constants": {"indicator": "RED-8"},
        }
    )
    observations = load_observations(framework, [source])
    assert observations.findings == []  # the published percentages agree with the counts
    wales = observations.frame[observations.frame["area"] == "wales"]
    assert list(wales["period"]) == ["2021-01", "2021-02"]
    assert list(wales["numerator"]) == [1458, 1287]
    assert wales["value"].iloc[0] == pytest.approx(59.583163)


def test_canonical_columns_and_types(framework, fixtures):
    frame = load_observations(framework, [fixtures / "clean.csv"]).frame
    assert list(frame.columns) == OBSERVATION_COLUMNS
    for column in ("indicator", "area", "period", "band", "value_text", "missing", "flag", "note", "source"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    assert list(frame["period"].cat.categories) == sorted(
        frame["period"].cat.categories, key=lambda p: frame.loc[frame["period"] == p, "period_start"].iloc[0]
    )  # periods in time order
    assert "" in frame["flag"].cat.categories and frame["flag"].notna().all()
    for column in ("period_start", "period_months", "row"):
        assert frame[column].dtype == "int64", column
    for column in ("value", "numerator", "denominator", "ci_lower", "ci_upper"):
        assert frame[column].dtype == "float64", column


def test_value_from_numerator_and_denominator(framework, fixtures):
    frame = load_observations(framework, [fixtures / "clean.csv"]).frame
    row = frame[(frame["area"] == "stirling") & (frame["period"] == "2022/23")].iloc[0]
    assert row["value"] == 95.0 and row["missing"] == ""


def test_wide_table_of_years_under_a_title_block(framework, fixtures):
    source = DataSource.model_validate(
        {"path": fixtures / "wide_years.csv", "header_row": 3, "wide": {"columns_are": "period"}}
    )
    observations = load_observations(framework, [source])
    frame = observations.frame
    falkirk = frame[frame["area"] == "falkirk"]
    assert list(falkirk["period"]) == ["2015/16", "2017/18", "2019/20", "2021/22"]
    assert list(falkirk["missing"]) == ["", "", "suppressed", ""]
    assert list(falkirk["row"]) == [4, 4, 4, 4]
    stirling = frame[frame["area"] == "stirling"]
    assert list(stirling["period"]) == ["2015/16", "2017/18", "2019/20"]  # the empty cell is no row at all
    assert observations.findings == []  # biennial: a series ending in 2019/20 has no gap


def test_wide_areas_as_columns_and_constants(framework, tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("Period,Falkirk,Stirling\n2023-04,10,20\n2023-05,11,\n")
    source = DataSource.model_validate(
        {
            "path": path,
            "constants": {"indicator": "DD-1"},
            "wide": {"columns_are": "area", "columns": ["Falkirk", "Stirling"]},
        }
    )
    frame = load_observations(framework, [source]).frame
    assert list(zip(frame["area"], frame["period"], frame["value"], strict=True)) == [
        ("falkirk", "2023-04", 10.0), ("falkirk", "2023-05", 11.0), ("stirling", "2023-04", 20.0),
    ]  # fmt: skip


def test_constant_area_for_a_sheet_that_is_all_one_area(framework, tmp_path):
    path = tmp_path / "falkirk.csv"
    path.write_text("KPI,Month,Figure\nDD-1,Apr 2023,5\n")
    source = DataSource.model_validate(
        {
            "path": path,
            "columns": {"indicator": "KPI", "period": "Month", "value": "Figure"},
            "constants": {"area": "falkirk"},
        }
    )
    frame = load_observations(framework, [source]).frame
    assert (frame["area"].iloc[0], frame["period"].iloc[0], frame["value"].iloc[0]) == (
        "falkirk",
        "2023-04",
        5.0,
    )


def test_mapping_problems_name_the_columns(framework, fixtures):
    source = DataSource.model_validate({"path": fixtures / "ae_slice.csv", "columns": {"area": "org_cod"}})
    finding = load_observations(framework, [source]).findings[0]
    assert finding.code == "mapping" and "did you mean 'org_code'" in finding.message and finding.line == 1
    lacking = DataSource.model_validate({"path": fixtures / "ae_slice.csv", "columns": {"area": "org_code"}})
    finding = load_observations(framework, [lacking]).findings[0]
    assert "no indicator column" in finding.message


def test_sum_duplicates_keeps_missing_parts_missing(framework, tmp_path):
    path = tmp_path / "types.csv"
    path.write_text(
        "indicator,area,period,value\nDD-1,falkirk,2023-04,5\nDD-1,falkirk,2023-04,*\nDD-1,falkirk,2023-05,1\nDD-1,falkirk,2023-05,2\n"
    )
    frame = load_observations(framework, [DataSource(path=path, sum_duplicates=True)]).frame
    assert list(frame["missing"]) == ["suppressed", ""]
    assert frame["value"].iloc[1] == 3.0


def test_real_files_in_full_load_quickly():
    """The full A&E file (12,765 rows) maps with no code; warnings only for providers' missing months."""
    import time
    from pathlib import Path

    path = Path("/work/shared/data/england_ae_attendances/ae_attendances.csv")
    if not path.exists():
        pytest.skip("shared data not available")
    codes = sorted(pd.read_csv(path, usecols=["org_code"])["org_code"].unique())
    framework = framework_with(
        {
            "id": "AE-4HR",
            "title": "A&E",
            "unit": "percentage",
            "polarity": "higher_is_better",
            "frequency": "monthly",
        },
        [{"id": code, "name": code, "level": "trust"} for code in codes],
    )
    source = DataSource.model_validate(
        {"path": path, "columns": {"area": "org_code"}, "constants": {"indicator": "AE-4HR"},
         "compute": {"numerator": "attendances - breaches", "denominator": "attendances"}, "sum_duplicates": True}
    )  # fmt: skip
    start = time.perf_counter()
    observations = load_observations(framework, [source])
    assert time.perf_counter() - start < 10
    assert observations.errors == []
    assert {f.code for f in observations.findings} == {"missing-period"}


def test_a_filter_that_matches_nothing_is_a_warning_naming_the_file(fixtures):
    """A typo in a filter value used to drop the whole source in silence (issue #15)."""
    framework = framework_with(
        {"id": "DD-BD", "title": "Delayed discharge bed days", "unit": "count", "polarity": "lower_is_better",
         "frequency": "monthly"},
        [{"id": "scotland", "name": "Scotland", "level": "nation", "code": "S92000003"}],
    )  # fmt: skip
    source = DataSource.model_validate(
        {
            "path": fixtures / "scotland_slice.csv",
            "filter": {"age_group": "18+"},
            "columns": {"area": "hb_code", "period": "date", "value": "num_delayed_bed_days"},
            "constants": {"indicator": "DD-BD"},
        }
    )
    findings = load_observations(framework, [source], strict=False).findings
    unmatched = [f for f in findings if f.code == "filter-matches-nothing"]
    assert len(unmatched) == 1
    assert unmatched[0].severity == "warning" and unmatched[0].file.endswith("scotland_slice.csv")
    assert "18plus" in unmatched[0].message  # the values the column does hold
