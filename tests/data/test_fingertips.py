"""Fingertips exports read as published (issue #17): recognised by header, no mapping, published values and
intervals unchanged, areas by code, breakdowns and other areas left out with one line each."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from perfwatch.cli import cli
from perfwatch.data.load import load_observations
from perfwatch.evaluate.engine import evaluate
from perfwatch.evaluate.published import published_disagreements
from perfwatch.framework.model import Framework
from perfwatch.framework.project import DataSource

EXPORT = Path(__file__).parent / "fixtures" / "fingertips_export.csv"
"""27 columns in the published order; figures invented, shaped like the real indicators."""

INDICATORS = [
    {"id": "LE-M", "title": "Life expectancy (male)", "unit": "number", "polarity": "higher_is_better",
     "frequency": "annual", "fingertips": {"id": 90366, "sex": "Male", "age": "All ages"}, "lag": "15 months"},
    {"id": "LE-F", "title": "Life expectancy (female)", "unit": "number", "polarity": "higher_is_better",
     "frequency": "annual", "fingertips": {"id": 90366, "sex": "Female"}, "lag": "15 months"},
    {"id": "SUI", "title": "Suicide rate", "unit": "rate", "per": 100000, "polarity": "lower_is_better",
     "frequency": "annual", "fingertips": 41001, "lag": "15 months"},
    {"id": "PA", "title": "Physically active adults", "unit": "percentage", "polarity": "higher_is_better",
     "frequency": "annual", "fingertips": 93014, "lag": "12 months"},
    {"id": "NCMP-R", "title": "Reception overweight", "unit": "percentage", "polarity": "lower_is_better",
     "frequency": "annual", "fingertips": 20601, "lag": "15 months", "gaps": ["2020/21"]},
]  # fmt: skip
AREAS = [
    {"id": "england", "name": "England", "level": "nation", "code": "E92000001"},
    {"id": "kent", "name": "Kent", "level": "county", "code": "E10000016", "parent": "england",
     "comparator": "england", "roll_up": "off"},
    {"id": "medway", "name": "Medway", "level": "county", "code": "E06000035", "parent": "england",
     "comparator": "england", "roll_up": "off"},
]  # fmt: skip


def framework(indicators=INDICATORS, **overrides) -> Framework:
    data = {
        "perfwatch": 1, "id": "kent-hwb", "title": "Kent HWB", "areas": AREAS,
        "themes": [{"id": "T1", "title": "T", "outcomes": [{"id": "O1", "title": "O", "indicators": indicators}]}],
    }  # fmt: skip
    return Framework.model_validate(data | overrides)


def published() -> pd.DataFrame:
    return pd.read_csv(EXPORT, dtype={"Area Code": str}, keep_default_na=False, na_values=[""])


def test_export_is_read_by_path_with_published_values_and_intervals_unchanged():
    obs = load_observations(framework(), [EXPORT], strict=True, as_of=pd.Timestamp("2024-09-30").date())
    assert not obs.errors
    frame = obs.frame
    raw = published()
    kent_male = raw[
        (raw["Indicator ID"] == 90366) & (raw["Sex"] == "Male") & (raw["Area Code"] == "E10000016")
    ]
    kent_male = kent_male.drop_duplicates("Time period")
    ours = frame[(frame["indicator"] == "LE-M") & (frame["area"] == "kent")]
    assert list(ours["period"].astype(str)) == list(kent_male["Time period"])
    np.testing.assert_array_equal(ours["value"], kent_male["Value"])
    np.testing.assert_array_equal(ours["ci_lower"], kent_male["Lower CI 95.0 limit"])
    np.testing.assert_array_equal(ours["ci_upper"], kent_male["Upper CI 95.0 limit"])
    assert set(ours["period_months"]) == {36}


def test_weighted_estimate_is_kept_as_published_with_its_counts_and_no_value_mismatch():
    obs = load_observations(framework(), [EXPORT])
    kent = obs.frame[(obs.frame["indicator"] == "PA") & (obs.frame["area"] == "kent")].iloc[0]
    assert (kent["value"], kent["numerator"], kent["denominator"]) == (66.2, 900, 1400)  # 900/1400 is 64.3
    assert not [f for f in obs.findings if f.code == "value-mismatch"]


def test_other_areas_breakdowns_and_repeats_are_each_one_info_line():
    obs = load_observations(framework(), [EXPORT], strict=True)
    info = {f.code: f for f in obs.findings if f.severity == "info"}
    assert set(info) == {"fingertips-other-areas", "fingertips-breakdowns", "fingertips-repeated-rows"}
    assert "E06000001 Hartlepool" in info["fingertips-other-areas"].message
    assert not [f for f in obs.findings if f.code == "duplicate-row"]
    england_pa = obs.frame[(obs.frame["indicator"] == "PA") & (obs.frame["area"] == "england")]
    assert list(england_pa["value"]) == [67.3, 67.1]  # the decile rows are not the indicator's value


def test_a_breakdown_is_reported_when_an_indicator_names_it():
    decile = {
        "id": "PA-MOST", "title": "Active, most deprived decile", "unit": "percentage",
        "polarity": "higher_is_better", "frequency": "annual",
        "fingertips": {"id": 93014, "category_type": "County & UA deprivation deciles in England (IMD2019, 4/21 geog.)",
                       "category": "Most deprived decile (IMD2019)"},
    }  # fmt: skip
    obs = load_observations(framework([INDICATORS[3], decile]), [EXPORT])
    rows = obs.frame[obs.frame["indicator"] == "PA-MOST"]
    assert list(rows["value"]) == [58.1]
    left_out = next(f for f in obs.findings if f.code == "fingertips-breakdowns")
    assert left_out.message.startswith("1 inequality breakdown row ")


def test_value_note_becomes_the_note():
    obs = load_observations(framework(), [EXPORT])
    medway = obs.frame[(obs.frame["indicator"] == "SUI") & (obs.frame["area"] == "medway")]
    assert list(medway["note"].astype(str)) == ["", "Value is from 2020 - 22 pooled data"]


def test_an_id_with_several_series_must_name_one():
    loose = [{**INDICATORS[0], "fingertips": 90366}]
    obs = load_observations(framework(loose), [EXPORT])
    problem = next(f for f in obs.errors if f.code == "fingertips-series")
    assert "Male" in problem.message and "Female" in problem.message
    assert obs.frame.empty


def test_both_published_intervals_are_kept_and_evaluation_shows_the_one_at_its_confidence():
    fw = framework(defaults={"confidence": 0.998})
    obs = load_observations(fw, [EXPORT])
    england = obs.frame[(obs.frame["indicator"] == "LE-M") & (obs.frame["area"] == "england")].iloc[0]
    assert (england["ci_lower"], england["ci_upper"]) == (79.2, 79.6)  # the 95% limits
    assert (england["ci998_lower"], england["ci998_upper"]) == (79.05, 79.75)
    table = evaluate(fw, obs.frame, as_of=datetime.date(2024, 9, 30)).table
    shown = table[(table["indicator"] == "LE-M") & (table["area"] == "england")].iloc[0]
    assert (shown["ci_lower"], shown["ci_upper"]) == (79.05, 79.75)
    pa = table[(table["indicator"] == "PA") & (table["area"] == "kent")].iloc[0]
    assert (pa["ci_lower"], pa["ci_upper"]) == (62.3, 70.1)  # published, not Wilson from 900 / 1400


def test_lag_and_known_gaps_leave_nothing_to_warn_about():
    """Without a lag and gaps the same data is stale and has a missing 2020/21."""
    bare = [{k: v for k, v in i.items() if k not in ("lag", "gaps")} for i in INDICATORS]
    as_of = pd.Timestamp("2024-09-30").date()
    without = {f.code for f in load_observations(framework(bare), [EXPORT], as_of=as_of).findings}
    assert {"stale-data", "missing-period"} <= without
    with_lag = load_observations(framework(), [EXPORT], strict=True, as_of=as_of)
    assert [f for f in with_lag.findings if f.severity != "info"] == []


def test_lag_still_flags_data_that_is_late_even_allowing_for_it():
    obs = load_observations(framework(), [EXPORT], as_of=pd.Timestamp("2026-06-30").date())
    stale = {f.message.split(":")[0] for f in obs.findings if f.code == "stale-data"}
    assert {"PA", "NCMP-R"} <= stale


def test_format_word_on_a_file_that_is_not_an_export_is_one_clear_error(tmp_path):
    other = tmp_path / "kpis.csv"
    other.write_text("indicator,area,period,value\nPA,kent,2022/23,60\n")
    obs = load_observations(framework(), [DataSource(path=other, format="fingertips")])
    assert [f.code for f in obs.errors] == ["mapping"]
    assert "Fingertips" in obs.errors[0].message


def test_a_source_with_its_own_mapping_is_not_taken_for_an_export():
    source = DataSource(path=EXPORT, columns={"indicator": "Indicator Name", "area": "Area Code",
                                              "period": "Time period", "value": "Value"})  # fmt: skip
    obs = load_observations(framework(), [source])
    assert {f.code for f in obs.errors} >= {"unknown-indicator"}


def test_project_listing_the_export_by_path_validates_clean_with_strict(tmp_path, monkeypatch):
    import yaml

    complete = [{**i, "owner": "Director of Public Health", "source": "Fingertips", "target": {"value": 50}}
                for i in INDICATORS]  # fmt: skip
    document = framework(complete).model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    (tmp_path / "framework.yaml").write_text(yaml.safe_dump(document))
    (tmp_path / "export.csv").write_bytes(EXPORT.read_bytes())
    (tmp_path / "perfwatch.yaml").write_text(
        "framework: framework.yaml\ndata: [export.csv]\nas_of: 2024-09-30\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "--strict"])
    assert result.exit_code == 0, result.output
    assert "error" not in result.output and "warning" not in result.output

    exported = CliRunner().invoke(cli, ["export", "--strict", "--out", str(tmp_path / "results.csv")])
    assert exported.exit_code == 0, exported.output
    results = pd.read_csv(tmp_path / "results.csv", dtype={"period": str})
    raw = published()
    raw = raw[raw["Category Type"].isna() & raw["Area Code"].isin(["E92000001", "E10000016", "E06000035"])]
    raw = raw.drop_duplicates(["Indicator ID", "Sex", "Area Code", "Time period"])
    assert len(results) == len(raw)  # every published figure for the framework's areas, once
    for column, ours in (
        ("Value", "value"),
        ("Lower CI 95.0 limit", "ci_lower"),
        ("Upper CI 95.0 limit", "ci_upper"),
    ):
        assert sorted(results[ours].round(6)) == sorted(raw[column].round(6))

    built = CliRunner().invoke(cli, ["report", "--strict", "--out", str(tmp_path / "build")])
    assert built.exit_code == 0, built.output
    assert list((tmp_path / "build").glob("*.html"))


# --- the export's own verdict against England beside perfwatch's (evaluated) ---


def disagreements(path):
    fw = framework()
    obs = load_observations(fw, [path])
    results = evaluate(fw, obs.frame, as_of=datetime.date(2024, 9, 30))
    return published_disagreements(results.table, obs.published_comparisons, fw)


def test_the_fixture_agrees_with_perfwatch_everywhere():
    assert disagreements(EXPORT) == []


def test_a_different_published_verdict_is_a_warning_naming_indicator_area_and_period(tmp_path):
    rows = list(csv.reader(EXPORT.open(encoding="utf-8")))
    column = rows[0].index("Compared to England value or percentiles")
    target = next(
        n for n, r in enumerate(rows)
        if r[0] == "41001" and r[4] == "E10000016" and r[11] == "2020 - 22"
    )  # fmt: skip
    assert rows[target][column] == "Worse 95%"  # Kent 12.6 (11.5 to 13.8) against England 10.3
    rows[target][column] = "Similar"
    changed = tmp_path / "export.csv"
    with changed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    found = disagreements(changed)
    assert [(f.code, f.severity, f.line) for f in found] == [("benchmark-differs", "warning", target + 1)]
    assert found[0].message.startswith("SUI, kent, 2020 - 22:")
    assert "worse" in found[0].message


def test_other_series_of_a_named_indicator_are_left_out_with_one_line():
    obs = load_observations(framework([INDICATORS[0]]), [EXPORT])
    left = [f for f in obs.findings if f.code == "fingertips-other-series"]
    assert len(left) == 1 and left[0].severity == "info"
    assert "sex Female, age All ages" in left[0].message
    assert set(obs.frame["indicator"]) == {"LE-M"}


def test_pooled_periods_are_stale_when_the_next_rolling_period_was_due():
    """Life expectancy 2020 - 22 with a 15-month lag: 2021 - 23 could be published from April 2025."""
    codes = {
        as_of: {f.message.split(":")[0] for f in load_observations(framework(), [EXPORT], as_of=as_of).findings
                if f.code == "stale-data"}
        for as_of in (datetime.date(2025, 3, 31), datetime.date(2025, 9, 30))
    }  # fmt: skip
    assert "LE-M" not in codes[datetime.date(2025, 3, 31)]
    assert {"LE-M", "LE-F"} <= codes[datetime.date(2025, 9, 30)]


def test_a_weighted_value_without_an_interval_gets_no_interval_from_counts_that_do_not_reproduce_it(tmp_path):
    rows = list(csv.reader(EXPORT.open(encoding="utf-8")))
    header = rows[0]
    for row in rows[1:]:
        if row[0] == "93014" and row[4] == "E10000016" and row[11] == "2021/22":
            for column in (
                "Lower CI 95.0 limit",
                "Upper CI 95.0 limit",
                "Lower CI 99.8 limit",
                "Upper CI 99.8 limit",
            ):
                row[header.index(column)] = ""
    changed = tmp_path / "export.csv"
    with changed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    fw = framework()
    obs = load_observations(fw, [changed])
    assert [f.code for f in obs.findings if f.code == "fingertips-counts-dropped"] == [
        "fingertips-counts-dropped"
    ]
    table = evaluate(fw, obs.frame, as_of=datetime.date(2024, 9, 30)).table
    kent = table[
        (table["indicator"] == "PA") & (table["area"] == "kent") & (table["period"] == "2021/22")
    ].iloc[0]
    assert kent["value"] == 66.2
    assert np.isnan(kent["ci_lower"]) and np.isnan(kent["numerator"])
    medway = table[
        (table["indicator"] == "PA") & (table["area"] == "medway") & (table["period"] == "2021/22")
    ]
    assert medway["numerator"].iloc[0] == 900  # published with its interval: counts kept


def test_an_export_beside_an_ordinary_long_table_is_read_with_both(tmp_path):
    long = tmp_path / "local.csv"
    long.write_text("indicator,area,period,value\nPA,kent,2023/24,69.0\n")
    for order in ([EXPORT, long], [long, EXPORT]):
        obs = load_observations(framework(), order)
        assert obs.errors == []
        kent = obs.frame[(obs.frame["indicator"] == "PA") & (obs.frame["area"] == "kent")]
        assert list(kent["value"]) == [66.2, 68.0, 69.0]
        assert np.isnan(kent["ci998_lower"].iloc[-1]) and kent["ci998_lower"].iloc[0] == 62.3
