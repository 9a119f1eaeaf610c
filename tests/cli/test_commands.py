"""`perfwatch status`, `export` and `timetable` through click's CliRunner, on a small project."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfwatch.cli import cli

FRAMEWORK = """\
perfwatch: 1
id: small
title: Small framework
year_start: april
review_date: 2099-01-01
defaults:
  tolerance: {amber: 2}
areas:
  - {id: eng, name: England, level: nation}
  - {id: a1, name: "=HYPERLINK(\\"http://x\\")", level: la, parent: eng, comparator: eng}
reporting:
  cycles:
    - {id: board, title: Board report, kind: performance, months: [jul, nov, mar]}
themes:
  - id: T1
    title: Theme
    outcomes:
      - id: O1
        title: Outcome
        indicators:
          - {id: P1, title: Seen within 4 hours, unit: percentage, polarity: higher_is_better,
             frequency: monthly, source: SUS, owner: COO, target: {value: 95}}
          - {id: P2, title: Delayed days, unit: count, polarity: lower_is_better,
             frequency: monthly, source: SUS, owner: COO, target: {value: 10}}
"""


@pytest.fixture()
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    rows = [["indicator", "area", "period", "value", "numerator", "denominator"]]
    for month in range(4, 10):
        rows.append(["P1", "a1", f"2024-{month:02d}", "", str(80 + month), "100"])
        rows.append(["P2", "a1", f"2024-{month:02d}", str(5 + month), "", ""])
    with (tmp_path / "data.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    (tmp_path / "perfwatch.yaml").write_text(
        "framework: framework.yaml\ndata: [data.csv]\nas_of: 2024-11-01\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_status_prints_the_scorecard_as_plain_text_when_piped(project):
    result = invoke("status")
    assert result.exit_code == 0, result.output
    assert "P1 Seen within 4 hours" in result.stdout
    assert "89.0%" in result.stdout and "off target" in result.stdout
    assert "\x1b[" not in result.stdout
    assert "indicator results" in result.stdout


def test_status_filters_by_status_and_area(project):
    result = invoke("status", "--status", "red", "--area", "a1")
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if line.startswith(("| P1", "| P2"))]
    assert lines and all("off target" in line for line in lines)


def test_status_with_framework_and_data_arguments(project, tmp_path):
    (tmp_path / "perfwatch.yaml").unlink()
    result = invoke("status", "framework.yaml", "--data", "data.csv", "--as-of", "2024-11-01")
    assert result.exit_code == 0, result.output
    assert "P2 Delayed days" in result.stdout


def test_status_without_project_or_framework_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("status")
    assert result.exit_code == 2
    assert "perfwatch init" in result.stderr


def test_bad_data_exits_1_with_file_and_row(project):
    (project / "data.csv").write_text("indicator,area,period,value\nP9,a1,2024-04,5\n", encoding="utf-8")
    result = invoke("status")
    assert result.exit_code == 1
    assert "data.csv:2" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_export_writes_contract_columns_and_neutralises_formulas(project, suffix):
    out = project / f"results{suffix}"
    result = invoke("export", "--out", str(out))
    assert result.exit_code == 0, result.output
    if suffix == ".csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert list(rows[0])[:8] == [
            "indicator",
            "area",
            "period",
            "value",
            "numerator",
            "denominator",
            "target",
            "status",
        ]
        assert {r["status"] for r in rows} <= {
            "green",
            "amber",
            "red",
            "no_target",
            "no_data",
            "not_assessed",
        }
    elif suffix == ".json":
        records = json.loads(out.read_text(encoding="utf-8"))
        assert records[0]["indicator"] in {"P1", "P2"}
        assert "reason" in records[0]
    else:
        with zipfile.ZipFile(out) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
        assert "<f>" not in sheet  # no cell is a formula


def test_export_neutralises_formula_text_in_csv(project):
    (project / "data.csv").write_text(
        'indicator,area,period,value,note\nP2,a1,2024-04,5,=HYPERLINK("http://evil")\n', encoding="utf-8"
    )
    out = project / "results.csv"
    assert invoke("export", "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    [row] = [r for r in rows if r["area"] == "a1" and r["period"] == "2024-04"]
    assert row["note"].startswith("'=")


def test_export_refuses_unknown_extension(project):
    result = invoke("export", "--out", "results.txt")
    assert result.exit_code == 2
    assert ".csv, .xlsx, .json or .parquet" in result.stderr


def test_timetable_lists_due_reports(project):
    result = invoke("timetable", "--from", "2024-06-15", "--months", "6")
    assert result.exit_code == 0, result.output
    assert "01 Jul 2024" in result.stdout and "Q4 2023/24" in result.stdout
    assert "01 Nov 2024" in result.stdout and "Q2 2024/25" in result.stdout


def test_export_to_excel_refuses_more_rows_than_a_sheet_holds(project, monkeypatch):
    import perfwatch.publish.export

    monkeypatch.setattr(perfwatch.publish.export, "EXCEL_MAX_ROWS", 3)
    out = project / "results.xlsx"
    result = invoke("export", "--out", str(out))
    assert result.exit_code == 2 and not out.exists()
    assert "do not fit in one Excel sheet" in result.stderr and ".csv or .json" in result.stderr
    assert "Traceback" not in result.output


def test_a_bug_exits_2_with_its_traceback_on_stderr_and_in_the_log(project, monkeypatch):
    """A crash is "failed to run" (2), never "problems in your inputs" (1), and keeps its traceback."""
    import perfwatch.api

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a deliberate bug")

    monkeypatch.setattr(perfwatch.api, "run", broken)
    result = invoke("--log-file", "run.log", "status")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr and "ZeroDivisionError: a deliberate bug" in result.stderr
    assert "bug in perfwatch" in result.stderr
    assert "ZeroDivisionError: a deliberate bug" in (project / "run.log").read_text(encoding="utf-8")
