"""Exports ready for Excel and Power BI: real dates, titles, units and names, number formats by unit,
reproducible XLSX bytes, Parquet, and `--out -`."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from perfwatch.cli import cli

FRAMEWORK = """\
perfwatch: 1
id: bi
title: Exports for BI
review_date: 2099-01-01
areas:
  - {id: eng, name: England, level: nation}
  - {id: a1, name: "=Borough", level: la, parent: eng, comparator: eng}
themes:
  - id: T1
    title: Access
    outcomes:
      - id: O1
        title: People are seen promptly
        indicators:
          - {id: P1, title: Seen within 4 hours, unit: percentage, polarity: higher_is_better, frequency: quarterly,
             source: SUS, owner: COO, target: {value: 95}}
          - {id: P2, title: Delayed days, unit: count, polarity: lower_is_better, frequency: monthly,
             source: SUS, owner: COO, target: {value: 1000}}
          - {id: P3, title: Share seen, unit: proportion, polarity: higher_is_better, frequency: annual,
             source: SUS, owner: COO, target: {value: 0.9}}
"""
DATA = """\
indicator,area,period,value,numerator,denominator
P1,a1,Q1 2024/25,,88,100
P1,a1,Q2 2024/25,,91,100
P2,a1,2024-04,1234,,
P2,a1,2024-05,1300,,
P3,eng,2023/24,0.85,,
"""


@pytest.fixture()
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "data.csv").write_text(DATA, encoding="utf-8")
    (tmp_path / "perfwatch.yaml").write_text(
        "framework: framework.yaml\ndata: [data.csv]\nas_of: 2024-11-01\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def export(*args: str) -> CliRunner:
    result = CliRunner().invoke(cli, ["export", "-q", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def rows_by_key(records) -> dict[tuple[str, str, str], dict]:
    return {(r["indicator"], r["area"], r["period"]): r for r in records}


def test_csv_has_dates_titles_units_and_names(project):
    export("--out", "r.csv")
    rows = rows_by_key(csv.DictReader((project / "r.csv").open(encoding="utf-8")))
    q2 = rows[("P1", "a1", "Q2 2024/25")]
    assert (q2["period_start"], q2["period_end"]) == ("2024-07-01", "2024-09-30")
    assert (q2["indicator_title"], q2["unit"]) == ("Seen within 4 hours", "percentage")
    assert q2["area_name"] == "'=Borough"  # neutralised like every text cell
    may = rows[("P2", "a1", "2024-05")]
    assert (may["period_start"], may["period_end"]) == ("2024-05-01", "2024-05-31")
    year = rows[("P3", "eng", "2023/24")]
    assert (year["period_start"], year["period_end"], year["area_name"]) == (
        "2023-04-01",
        "2024-03-31",
        "England",
    )


def test_xlsx_cells_are_typed_and_formatted_by_unit(project):
    export("--out", "r.xlsx")
    sheet = openpyxl.load_workbook(project / "r.xlsx")["results"]
    header = [c.value for c in sheet[1]]
    cells = {}
    for row in sheet.iter_rows(min_row=2):
        key = tuple(row[header.index(n)].value for n in ("indicator", "area", "period"))
        cells[key] = {name: row[i] for i, name in enumerate(header)}
    q2 = cells[("P1", "a1", "Q2 2024/25")]
    assert q2["value"].value == 91 and q2["value"].number_format == '0.0"%"'  # shown 91.0%, still 91
    assert q2["target"].value == 95 and q2["target"].number_format == '0.0"%"'
    assert q2["period_start"].value == datetime(2024, 7, 1) and q2["period_start"].is_date
    assert q2["period_end"].value == datetime(2024, 9, 30)
    assert q2["area_name"].value == "=Borough" and q2["area_name"].data_type == "s"  # text, not a formula
    assert cells[("P2", "a1", "2024-05")]["value"].number_format == "#,##0"
    share = cells[("P3", "eng", "2023/24")]["value"]
    assert share.value == pytest.approx(0.85) and share.number_format == "0.0%"


def test_xlsx_bytes_are_reproducible(project, monkeypatch):
    export("--out", "a.xlsx")
    import perfwatch.publish.workbook as workbook

    monkeypatch.setattr(workbook, "datetime", None)  # nothing may read the clock now
    export("--out", "b.xlsx")
    assert (project / "a.xlsx").read_bytes() == (project / "b.xlsx").read_bytes()


def test_parquet_keeps_types(project):
    export("--out", "r.parquet")
    table = pq.read_table(project / "r.parquet")
    assert str(table.schema.field("period_start").type) == "date32[day]"
    assert str(table.schema.field("value").type) == "double"
    frame = table.to_pandas()
    row = frame[
        (frame["indicator"] == "P1") & (frame["area"] == "a1") & (frame["period"] == "Q1 2024/25")
    ].iloc[0]
    assert row["value"] == 88 and row["area_name"] == "=Borough" and str(row["period_end"]) == "2024-06-30"


def test_out_dash_writes_to_stdout(project):
    result = export("--out", "-", "--to", "json")
    records = rows_by_key(json.loads(result.stdout))
    assert records[("P1", "a1", "Q1 2024/25")]["period_start"] == "2024-04-01"
    default = export("--out", "-")
    assert next(csv.DictReader(io.StringIO(default.stdout)))["indicator"] in {"P1", "P2", "P3"}
