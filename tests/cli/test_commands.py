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
    assert ".csv, .xlsx or .json" in result.stderr


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


# --- one path through the pipeline ---------------------------------------------------------------------


def _count_calls(monkeypatch, targets: list[tuple[str, str]]) -> dict[str, int]:
    """Wrap each `module.function` so that calling it counts, and return the (live) counts."""
    import importlib

    counts = dict.fromkeys((name for _, name in targets), 0)
    for module_name, name in targets:
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            counts[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return counts


def test_report_loads_checks_and_evaluates_once_whatever_the_number_of_periods(project, monkeypatch):
    (project / "perfwatch.yaml").write_text(
        "framework: framework.yaml\ndata: [data.csv]\nas_of: 2024-11-01\nreports:\n"
        "  - {kind: performance, period: 2024-07, formats: [html]}\n"
        "  - {kind: scorecard, period: 2024-08, formats: [html]}\n"
        "  - {kind: exception, period: 2024-09, formats: [html]}\n",
        encoding="utf-8",
    )
    counts = _count_calls(monkeypatch, [
        ("perfwatch.framework.load", "check_framework"), ("perfwatch.data.load", "load_observations"),
        ("perfwatch.data.commentary", "load_commentary"), ("perfwatch.evaluate.engine", "evaluate_table"),
        ("perfwatch.evaluate.engine", "summarise"),
    ])  # fmt: skip
    result = invoke("report", "--out", "out")
    assert result.exit_code == 0, result.output
    assert len(list((project / "out").glob("*.html"))) == 3
    assert counts == {
        "check_framework": 1, "load_observations": 1, "load_commentary": 1, "evaluate_table": 1, "summarise": 3,
    }  # fmt: skip


ACTIONS_HEADER = "id,title,outcome,owner,due,status\n"

#: Projects `validate` and `report` must agree on: name, files to add, extra project lines, accepted?
CORPUS = [
    ("clean", {}, "", True),
    ("impossible action status", {"actions.csv": ACTIONS_HEADER + "A1,Fix it,O1,COO,2025-01-31,finished\n"},
     "actions: actions.csv\n", False),
    ("missing actions file", {}, "actions: actions.csv\n", False),
    ("action for an unknown outcome", {"actions.csv": ACTIONS_HEADER + "A1,Fix it,O9,COO,2025-01-31,done\n"},
     "actions: actions.csv\n", False),
    ("orphan commentary", {"commentary/NOT-AN-ID.md": "Nobody reads this."}, "commentary: [commentary]\n", True),
    ("commentary for an unknown area", {"commentary/P1/zz/2024-09.md": "Where?"}, "commentary: [commentary]\n",
     True),
    ("commentary with a bad period", {"commentary/P1/someday.md": "When?"}, "commentary: [commentary]\n", False),
    ("missing commentary folder", {}, "commentary: [commentary]\n", False),
    ("data row for an unknown indicator", {"more.csv": "indicator,area,period,value\nNOPE,a1,2024-09,1\n"},
     "", None),
]  # fmt: skip


@pytest.mark.parametrize(("files", "lines", "accepted"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_validate_and_report_accept_and_reject_the_same_projects(project, files, lines, accepted):
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    data = "[data.csv, more.csv]" if "more.csv" in files else "[data.csv]"
    (project / "perfwatch.yaml").write_text(
        f"framework: framework.yaml\ndata: {data}\nas_of: 2024-11-01\n{lines}", encoding="utf-8"
    )
    for strict in ((), ("--strict",)):
        checked = invoke("validate", *strict)
        built = invoke("report", "--format", "html", "--out", "out", *strict)
        assert checked.exit_code in (0, 1) and built.exit_code in (0, 1), built.output
        assert (checked.exit_code == 0) == (built.exit_code == 0), (checked.output, built.output)
        if accepted is not None and not strict:
            assert (checked.exit_code == 0) == accepted, checked.output
