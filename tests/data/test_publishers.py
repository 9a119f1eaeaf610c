"""Public Health Scotland, StatsWales and NHS England tables read in their published layouts (issue #17):
recognised by header (or `format:`), area and period found without a mapping, the publisher's own period
spelling, quality flags and total rows understood, other areas left out with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfwatch.data.load import load_observations
from perfwatch.framework.model import Framework
from perfwatch.framework.project import DataSource

FIXTURES = Path(__file__).parent / "fixtures"


def framework(indicator: dict, areas: list[dict]) -> Framework:
    return Framework.model_validate(
        {
            "perfwatch": 1, "id": "national", "title": "National data", "areas": areas,
            "themes": [{"id": "T", "title": "T", "outcomes": [{"id": "O", "title": "O", "indicators": [indicator]}]}],
        }
    )  # fmt: skip


def test_public_health_scotland_delayed_discharges_as_published():
    """Values from PHS 'Delayed Discharges in NHSScotland' (via healthyr, OGL v3), in the CKAN layout."""
    fw = framework(
        {"id": "DD-BD", "title": "Delayed discharge bed days", "unit": "count", "polarity": "lower_is_better",
         "frequency": "monthly"},
        [{"id": "scotland", "name": "Scotland", "level": "nation", "code": "S92000003"},
         {"id": "forth-valley", "name": "Forth Valley", "level": "board", "code": "S08000019", "parent": "scotland"},
         {"id": "borders", "name": "Borders", "level": "board", "code": "S08000016", "parent": "scotland"}],
    )  # fmt: skip
    source = DataSource.model_validate(
        {
            "path": FIXTURES / "phs_delayed_discharge_beddays.csv",
            "filter": {"AgeGroup": "18plus", "ReasonForDelay": "All Delay Reasons"},
            "columns": {"value": "NumberOfDelayedBedDays"},
            "constants": {"indicator": "DD-BD"},
        }
    )
    observations = load_observations(fw, [source])
    assert observations.errors == []
    frame = observations.frame
    forth = frame[frame["area"] == "forth-valley"]
    assert list(forth["period"]) == ["2016-07", "2016-08", "2016-09"]  # MonthOfDelay 201607 ...
    assert forth["value"].iloc[0] == 2472
    borders = frame[frame["area"] == "borders"].iloc[0]
    assert borders["missing"] == "suppressed"  # a blank cell whose qualifier is `c`
    codes = {f.code for f in observations.findings}
    assert codes == {"other-areas", "phs-layout"}
    assert "S08000024" in next(f.message for f in observations.findings if f.code == "other-areas")


def test_statswales_extract_as_published():
    """Values from StatsWales hlth1308 (via healthyr, OGL v3), in the OData long layout."""
    fw = framework(
        {"id": "RED-8", "title": "Red calls reached in 8 minutes", "unit": "percentage",
         "polarity": "higher_is_better", "frequency": "monthly"},
        [{"id": "wales", "name": "Wales", "level": "nation", "code": "599"},
         {"id": "betsi", "name": "Betsi Cadwaladr", "level": "board", "code": "7A1", "parent": "wales"}],
    )  # fmt: skip
    source = DataSource.model_validate(
        {
            "path": FIXTURES / "statswales_hlth1308.csv",
            "filter": {"Measure_Code": 4},
            "constants": {"indicator": "RED-8"},
        }
    )
    observations = load_observations(fw, [source])
    assert observations.errors == []
    frame = observations.frame
    assert list(frame["period"].astype(str).unique()) == ["2021-01", "2021-02"]
    betsi = frame[(frame["area"] == "betsi") & (frame["period"] == "2021-01")].iloc[0]
    assert betsi["value"] == pytest.approx(55.285962)
    assert {f.code for f in observations.findings} == {"other-areas"}  # Swansea Bay (7A3)


def test_nhs_england_monthly_ae_csv_as_published():
    """March 2019 figures from NHS England A&E Attendances (via NHSRdatasets, OGL v3) in the monthly CSV
    layout; the TOTAL row (whose Period reads TOTAL) is England in that month."""
    fw = framework(
        {"id": "AE-T1", "title": "Type 1 within 4 hours", "unit": "percentage", "polarity": "higher_is_better",
         "frequency": "monthly"},
        [{"id": "england", "name": "England", "level": "nation", "code": "E92000001"},
         {"id": "rf4", "name": "Barking, Havering and Redbridge", "level": "trust", "code": "RF4",
          "parent": "england", "roll_up": "off"}],
    )  # fmt: skip
    source = DataSource.model_validate(
        {
            "path": FIXTURES / "nhse_ae_march_2019.csv",
            "constants": {"indicator": "AE-T1"},
            "compute": {
                "numerator": "`A&E attendances Type 1` - `Attendances over 4hrs Type 1`",
                "denominator": "`A&E attendances Type 1`",
            },
        }
    )
    observations = load_observations(fw, [source])
    assert observations.errors == []
    frame = observations.frame.set_index("area")
    assert set(frame["period"]) == {"2019-03"}
    assert frame.loc["rf4", "denominator"] == 15994
    assert frame.loc["rf4", "value"] == pytest.approx((15994 - 4618) / 15994 * 100)
    assert frame.loc["england", "denominator"] == 1373060
    assert {f.code for f in observations.findings} == {"nhse-ae-layout", "other-areas"}


def test_a_format_word_names_a_layout_and_a_wrong_file_is_one_clear_error():
    fw = framework(
        {"id": "X", "title": "x", "unit": "count", "polarity": "lower_is_better"},
        [{"id": "wales", "name": "Wales", "level": "nation", "code": "599"}],
    )
    source = DataSource(
        path=FIXTURES / "nhse_ae_march_2019.csv", format="statswales", constants={"indicator": "X"}
    )
    observations = load_observations(fw, [source])
    assert [f.code for f in observations.errors] == ["mapping"]
    assert "StatsWales" in observations.errors[0].message
