"""Hostile files fail fast and cleanly (issue 16): each case is built in a fresh copy of the small project
and checked for its exit code, its message (file, and where there is one the sheet, cell or column), no
traceback, and nothing hanging or filling memory. Subprocess cases run under a timeout, as cron would.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from hardening_support import Project, inflated

XLSX_HEADER = ["indicator", "area", "period", "value"]


def edit(project: Project, old: str, new: str) -> None:
    text = (project.root / "perfwatch.yaml").read_text(encoding="utf-8")
    assert old in text
    project.write("perfwatch.yaml", text.replace(old, new, 1))


# --- files that are not files -------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("where", ["commentary/PC-1.md", "actions.csv", "data/data.csv"])
def test_a_named_pipe_is_refused_by_type_and_never_blocks(project: Project, where: str):
    """A FIFO once blocked `perfwatch report` forever (no writer ever comes)."""
    (project.root / where).unlink(missing_ok=True)
    os.mkfifo(project.root / where)
    started = time.monotonic()
    completed = project.subprocess("report", "--format", "html", timeout=60)
    assert time.monotonic() - started < 60
    assert completed.returncode == 1, completed.stderr
    assert Path(where).name in completed.stderr and "named pipe" in completed.stderr


@pytest.mark.parametrize("key", ["actions", "commentary"])
def test_dev_zero_is_refused_even_where_a_folder_is_allowed(project: Project, key: str):
    """`/dev/zero` as commentary or actions once ran out of memory; allowing /dev does not change that."""
    if key == "actions":
        edit(project, "actions: actions.csv", "actions: /dev/zero")
    else:
        edit(project, "commentary: [commentary]", "commentary: [/dev/zero]")
    completed = project.subprocess("report", "--allow-path", "/dev", "--format", "html", timeout=60)
    assert completed.returncode == 1, completed.stderr
    assert "/dev/zero" in completed.stderr and "system file" in completed.stderr


def test_a_commentary_file_name_that_is_not_utf8_is_named_not_a_crash(project: Project):
    """A non-UTF-8 name under commentary/ once raised UnicodeEncodeError while hashing the inputs."""
    name = os.fsdecode(b"commentary/AD-1/2024-25\xff.md")
    (project.root / "commentary" / "AD-1").mkdir()
    (project.root / name).write_text("Text.\n", encoding="utf-8")
    result = project.invoke("report", "--format", "html", expect=1)
    assert "not UTF-8" in result.output and "\\udcff" in result.output


# --- workbooks and Parquet ----------------------------------------------------------------------------


def _workbook(path: Path, build) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("kpis")
    sheet.write_row(0, 0, XLSX_HEADER)
    sheet.write_row(1, 0, ["AD-1", "north", "Q1 2024/25", 40])
    build(sheet)
    book.close()


def test_an_xlsx_whose_used_range_reaches_xfd1048576_is_refused_before_allocation(project: Project):
    """A 5 KB workbook with one cell at XFD1048576 once asked calamine for 17 billion cells (549 GB)."""
    path = project.root / "data" / "huge.xlsx"
    _workbook(path, lambda sheet: sheet.write(1048575, 16383, "x"))
    assert path.stat().st_size < 10_000
    edit(project, "  - data/data.csv", "  - data/huge.xlsx")
    started = time.monotonic()
    completed = project.subprocess("validate", timeout=60)
    assert time.monotonic() - started < 20
    assert completed.returncode == 1, completed.stderr
    output = completed.stdout + completed.stderr
    assert "huge.xlsx" in output and "'kpis'" in output and "A1:XFD1048576" in output


def test_a_formula_without_a_saved_value_is_a_warning_naming_the_cell(project: Project):
    """A formula written by a program that does not calculate once became "not available" in silence."""
    path = project.root / "data" / "formulas.xlsx"

    def formulas(sheet) -> None:
        sheet.write_row(2, 0, ["AD-1", "north", "Q2 2024/25"])
        sheet.write_formula(2, 3, "=D2*2", None, "")

    _workbook(path, formulas)
    edit(project, "  - data/data.csv", "  - data/formulas.xlsx")
    result = project.invoke("validate")
    assert "formula-without-value" in result.output and "D3" in result.output and "'kpis'" in result.output
    assert "formulas.xlsx:3" in result.output


@pytest.mark.parametrize("kind", ["list", "struct"])
def test_a_nested_parquet_column_is_a_data_error_naming_it(project: Project, kind: str):
    import pyarrow as pa
    import pyarrow.parquet as pq

    nested = [[1, 2]] if kind == "list" else [{"a": 1}]
    table = pa.table({"indicator": ["AD-1"], "area": ["north"], "period": ["Q1 2024/25"], "value": [4.0],
                      "extras": nested})  # fmt: skip
    pq.write_table(table, project.root / "data" / "nested.parquet")
    edit(project, "  - data/data.csv", "  - data/nested.parquet")
    result = project.invoke("report", "--format", "html", expect=1)
    assert "nested.parquet" in result.output and "'extras'" in result.output and kind in result.output


# --- templates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "{{ 1 / 0 }}",
        "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(0) }}",
        "{% for i in range(100001) %}{% endfor %}",
    ],
    ids=["divide-by-zero", "recursion", "huge-range"],
)
def test_a_template_runtime_error_is_a_template_error_with_file_and_line(project: Project, body: str):
    project.write("my-templates/performance.html.j2", "<p>report</p>\n" + body + "\n")
    result = project.invoke("report", "--format", "html", "--templates", "my-templates", "--force", expect=2)
    assert "template error" in result.output
    assert "performance.html.j2:2" in result.output


# --- links and permissions ----------------------------------------------------------------------------


def test_commentary_links_are_http_https_or_mailto_or_dropped_with_a_warning(project: Project):
    project.write(
        "commentary/PC-1.md",
        "See [the share](//fileserver/share/secret.xlsx), [this](../../etc/passwd), "
        "[that][ref] and [the plan](https://example.org/plan).\n\n[ref]: file:///etc/shadow\n",
    )
    result = project.invoke("report", "--format", "html,pdf", "--force", expect=0)
    assert result.output.count("commentary-link") == 3, result.output
    [html] = (project.root / "build").glob("*.html")
    text = html.read_text(encoding="utf-8")
    assert "https://example.org/plan" in text
    for target in ("//fileserver", "../../etc/passwd", "file:///etc/shadow"):
        assert f'href="{target}' not in text
    [pdf] = (project.root / "build").glob("*.pdf")
    data = inflated(pdf.read_bytes())
    assert b"file:" not in data and b"fileserver" not in data
    assert b"https://example.org/plan" in data


@pytest.mark.parametrize(("mask", "mode"), [(0o077, 0o600), (0o022, 0o644), (0o027, 0o640)])
def test_outputs_keep_the_users_umask(project: Project, mask: int, mode: int):
    """Outputs were always made 0644, even an `--unsuppressed` export written under `umask 077`."""
    old = os.umask(mask)
    try:
        project.invoke("export", "--unsuppressed", "--out", "internal.csv", expect=0)
        project.invoke("report", "--format", "html", "--force", expect=0)
    finally:
        os.umask(old)
    assert stat.S_IMODE((project.root / "internal.csv").stat().st_mode) == mode
    for path in (project.root / "build").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == mode, path


# --- the terminal -------------------------------------------------------------------------------------


def test_escape_sequences_in_titles_and_names_are_printed_escaped(project: Project):
    """`perfwatch status` once printed a framework title's escape sequences raw (clear screen, set title)."""
    text = (project.root / "framework.yaml").read_text(encoding="utf-8")
    text = text.replace("title: Hardening test framework", 'title: "Title \\e]0;owned\\a\\e[2J"')
    text = text.replace("name: North,", 'name: "North \\e[31m[link=file:///etc/passwd]red",')
    text = text.replace("title: Emergency admissions", 'title: "Admissions \\x9b1m"')
    project.write("framework.yaml", text)
    result = project.invoke("status", expect=0)
    assert "\x1b" not in result.output and "\x07" not in result.output and "\x9b" not in result.output
    assert "\\x1b]0;owned\\x07" in result.output and "\\x1b[31m" in result.output
    assert "[link=file:///etc/passwd]" in result.output  # shown as text, never read as markup


def test_a_finding_escapes_control_characters_and_quotes_at_most_an_excerpt(project: Project):
    """A header read with the wrong delimiter is a whole line of the file: it is cut short in the message."""
    long_header = "indicator," + "x" * 5000 + "\x1b[2J"
    project.write("data/data.csv", long_header + "\nAD-1,1\n")
    result = project.invoke("validate", expect=1)
    assert "x" * 200 not in result.output and "\x1b" not in result.output
    assert "5,004 characters" in result.output


def test_a_workbook_is_read_from_bytes_no_larger_than_it_declares(tmp_path: Path):
    """A sheet part that expands beyond the size limit is refused before the reader library sees it."""
    import zipfile

    from perfwatch.data import workbook

    path = tmp_path / "bomb.xlsx"
    _workbook(path, lambda sheet: None)
    with zipfile.ZipFile(path) as archive:
        [sheet] = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
    limit = workbook.MAX_PART_BYTES
    try:
        workbook.MAX_PART_BYTES = sheet.file_size - 1
        with pytest.raises(workbook.SheetTooLarge, match="expands to"):
            workbook.check_workbook(path, "bomb.xlsx", ["kpis"])
    finally:
        workbook.MAX_PART_BYTES = limit
