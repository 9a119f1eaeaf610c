"""The project file, perfwatch.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfwatch.errors import InputError
from perfwatch.framework.project import DataSource, find_project, load_project, parse_expression

PROJECT = """\
framework: framework.yaml
title: Board report
as_of: 2024-09-30
data:
  - data/kpis.csv
  - path: data/ae.csv
    columns: {area: org_code}
    constants: {indicator: AE-4HR}
    compute: {numerator: attendances - breaches, denominator: attendances}
    sum_duplicates: true
  - path: data/book.xlsx
    sheet: all
    sheet_is: indicator
    header_row: 4
commentary:
  - commentary
actions: actions.csv
templates: my-templates
reports:
  - {cycle: board, formats: [html, pdf], each_area: true}
"""


def write(folder: Path, text: str) -> Path:
    path = folder / "perfwatch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_resolves_paths_against_the_project_folder(tmp_path):
    project = load_project(write(tmp_path, PROJECT))
    assert project.data[0].path == tmp_path / "data/kpis.csv"
    assert project.data[1].compute["numerator"] == "attendances - breaches"
    assert project.data[2].sheet == "all" and project.data[2].header_row == 4
    assert project.commentary[0].path == tmp_path / "commentary"
    assert project.actions == tmp_path / "actions.csv"
    assert project.templates == tmp_path / "my-templates"
    assert project.output == tmp_path / "build"
    assert str(project.as_of) == "2024-09-30"
    assert project.reports[0].formats == ["html", "pdf"] and project.reports[0].each_area
    assert project.framework_path == tmp_path / "framework.yaml"
    assert project.file == tmp_path / "perfwatch.yaml"


def test_load_from_the_folder(tmp_path):
    write(tmp_path, "framework: f.yaml\n")
    assert load_project(tmp_path).framework == "f.yaml"


def test_find_project(tmp_path):
    assert find_project(tmp_path) is None
    path = write(tmp_path, "framework: f.yaml\n")
    assert find_project(tmp_path) == path


def test_errors_have_line_and_column_and_suggestions(tmp_path):
    text = PROJECT.replace("    sum_duplicates: true", "    sum_duplicate: true").replace(
        "    header_row: 4", "    header_row: 0"
    )
    with pytest.raises(InputError) as caught:
        load_project(write(tmp_path, text))
    findings = {f.line: f for f in caught.value.findings}
    assert findings[10].code == "unknown-key" and "sum_duplicates" in findings[10].message
    assert 14 in findings
    assert all(f.column is not None for f in caught.value.findings)


def test_compute_allows_arithmetic_only(tmp_path):
    bad = PROJECT.replace("attendances - breaches", "__import__('os').system('x')")
    with pytest.raises(InputError) as caught:
        load_project(write(tmp_path, bad))
    assert caught.value.findings[0].line == 9
    for expression in ("a.b", "f(x)", "a ** 2", "[a]", "a if b else c", "'text'"):
        with pytest.raises(ValueError):
            parse_expression(expression)
    tree, names = parse_expression("(`Total attendances` - breaches) / 2")
    assert set(names.values()) == {"Total attendances", "breaches"}


def test_one_way_per_column():
    with pytest.raises(ValueError, match="one way only"):
        DataSource.model_validate({"path": "x.csv", "columns": {"area": "a"}, "constants": {"area": "kent"}})


def test_sheets_count_from_one():
    with pytest.raises(ValueError, match="numbered from 1"):
        DataSource.model_validate({"path": "x.xlsx", "sheet": 0})


def test_format_from_extension():
    assert DataSource(path=Path("a.XLSX")).file_format == "xlsx"
    assert DataSource(path=Path("a.parquet")).file_format == "parquet"
    assert DataSource(path=Path("a.txt")).file_format == "csv"


def test_constants_keep_ids_as_text():
    source = DataSource.model_validate({"path": "x.csv", "constants": {"area": 599, "value": 3}})
    assert source.constants == {"area": "599", "value": 3}
