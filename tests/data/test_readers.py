"""Readers: CSV in the encodings Excel writes, XLSX with title blocks and many sheets, Parquet, bad files."""

from __future__ import annotations

import pandas as pd
import pytest

import perfwatch.data.readers as data_module
from perfwatch.data.load import load_observations
from perfwatch.framework.project import DataSource


def test_cp1252_csv_from_excel(framework, cp1252_csv):
    observations = load_observations(framework, [cp1252_csv])
    frame = observations.frame
    assert list(frame["note"]) == ["Cost £1,200 – provisional", "Board’s figure"]
    assert list(frame["period"]) == ["2023-04", "2023-05"]
    assert [f.code for f in observations.findings] == ["encoding"]
    assert observations.findings[0].severity == "warning" and observations.findings[0].line == 2


def test_declared_encoding_needs_no_warning(framework, cp1252_csv):
    source = DataSource(path=cp1252_csv, encoding="cp1252")
    assert load_observations(framework, [source]).findings == []


def test_bom_csv_with_capitalised_headers(framework, bom_csv):
    observations = load_observations(framework, [bom_csv])
    assert observations.findings == []
    assert list(observations.frame["value"]) == [10.0, 12.0]
    assert list(observations.frame["row"]) == [2, 3]


def test_semicolon_csv_is_sniffed(framework, tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("indicator;area;period;value\nDD-1;falkirk;2023-04;1.234,5\n", encoding="utf-8")
    source = DataSource(path=path, thousands=".", decimal=",")
    assert load_observations(framework, [source]).frame["value"].iloc[0] == 1234.5


def test_blank_lines_keep_row_numbers(framework, tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("indicator,area,period,value\nDD-1,falkirk,2023-04,1\n\nDD-1,falkirk,2023-05,abc\n")
    findings = load_observations(framework, [path]).findings
    assert [(f.code, f.line) for f in findings] == [("not-a-number", 4)]


def test_pyarrow_engine_for_large_files(framework, fixtures, monkeypatch):
    monkeypatch.setattr(data_module, "PYARROW_MIN_BYTES", 0)
    observations = load_observations(framework, [fixtures / "messy.csv"])
    monkeypatch.setattr(data_module, "PYARROW_MIN_BYTES", 10**12)
    again = load_observations(framework, [fixtures / "messy.csv"])
    assert [f.format() for f in observations.findings] == [f.format() for f in again.findings]
    pd.testing.assert_frame_equal(observations.frame, again.frame)


def test_xlsx_every_sheet_one_indicator_each(framework, workbook):
    source = DataSource(path=workbook, sheet="all", sheet_is="indicator", header_row=4)
    observations = load_observations(framework, [source])
    frame = observations.frame
    assert observations.errors == []
    assert list(frame["indicator"]) == ["DD-1", "DD-1", "PC-1", "PC-1"]
    assert list(frame["period"]) == ["2023-04", "2023-05", "Q1 2023/24", "Q2 2023/24"]
    assert list(frame["row"]) == [5, 6, 5, 6]
    assert list(frame["value"]) == [110.0, 120.0, 91.0, 93.5]  # PC-1 given as fractions, converted
    assert {f.code for f in observations.findings} == {"fraction-percentage"}
    assert frame["source"].iloc[0].endswith("kpis.xlsx[DD-1]")


def test_xlsx_named_sheet_and_unknown_sheet(framework, workbook):
    named = DataSource(path=workbook, sheet="DD-1", header_row=4, constants={"indicator": "DD-1"})
    assert len(load_observations(framework, [named]).frame) == 2
    numbered = DataSource(path=workbook, sheet=2, header_row=4, constants={"indicator": "DD-1"})
    assert len(load_observations(framework, [numbered]).frame) == 2
    wrong = DataSource(path=workbook, sheet="DD1", header_row=4)
    findings = load_observations(framework, [wrong]).findings
    assert findings[0].code == "no-sheet" and "did you mean 'DD-1'" in findings[0].message


def test_parquet(framework, tmp_path):
    path = tmp_path / "data.parquet"
    pd.DataFrame(
        {"indicator": ["DD-1"], "area": ["falkirk"], "period": ["2023-04"], "value": [3]}
    ).to_parquet(path)
    observations = load_observations(framework, [path])
    assert observations.findings == [] and observations.frame["row"].iloc[0] == 1


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (lambda p: p, "file-not-found", "not found"),
        (lambda p: (p.mkdir(), p)[1], "unreadable-file", "folder"),
        (lambda p: (p.write_bytes(b""), p)[1], "empty-file", "empty"),
        (lambda p: (p.write_bytes(b"\x00\x01\x02binary"), p)[1], "unreadable-file", "binary"),
        (lambda p: (p.write_bytes(b"PK\x03\x04rest"), p)[1], "unreadable-file", "Excel workbook"),
        (lambda p: (p.write_text("a,b\n1,2\n1,2,3,4\n"), p)[1], "malformed-csv", "line 3"),
        (lambda p: (p.write_text("\n\n"), p)[1], "empty-file", "no data"),
    ],
)
def test_bad_files_give_one_clear_finding(framework, tmp_path, make, code, words):
    path = make(tmp_path / "data.csv")
    findings = load_observations(framework, [path]).findings
    assert len(findings) == 1
    assert findings[0].code == code and words in findings[0].message


def test_broken_xlsx(framework, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    findings = load_observations(framework, [path]).findings
    assert len(findings) == 1 and findings[0].code == "unreadable-file"


def _engines(framework, sources, monkeypatch):
    """The same load through pyarrow's reader (categorical columns) and pandas' (text columns)."""
    monkeypatch.setattr(data_module, "PYARROW_MIN_BYTES", 0)
    arrow = load_observations(framework, sources)
    monkeypatch.setattr(data_module, "PYARROW_MIN_BYTES", 10**12)
    plain = load_observations(framework, sources)
    return arrow, plain


def test_engines_agree_on_answers_markers_and_two_sources(framework, tmp_path, monkeypatch):
    answers = tmp_path / "answers.csv"
    answers.write_text(
        "indicator,area,period,value,flag\n"
        "YN-1,falkirk,2023/24,Y,provisional\nYN-1,stirling,2023/24,maybe,\n"
        "JD-1,falkirk,2023/24,Partly met,\nJD-1,stirling,2023/24,good,\n"
        'DD-1,falkirk,2023-04,#DIV/0!,\nDD-1,falkirk,2023-05,*,\nDD-1,falkirk,2023-06,"1,234",\n'
    )
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "indicator,area,period,value\nDD-1,stirling,2023-04,5\nDD-1,stirling,2023-05,6\nDD-1,falkirk,2023-05,7\n"
    )
    arrow, plain = _engines(framework, [answers, counts], monkeypatch)
    assert [f.format() for f in arrow.findings] == [f.format() for f in plain.findings]
    pd.testing.assert_frame_equal(arrow.frame, plain.frame)
    frame = arrow.frame.set_index(["indicator", "area", "period"])
    assert frame.loc[("YN-1", "falkirk", "2023/24"), "value_text"] == "yes"
    assert frame.loc[("JD-1", "falkirk", "2023/24"), "value_text"] == "partly_met"
    assert frame.loc[("DD-1", "falkirk", "2023-05"), "missing"] == "suppressed"
    assert frame.loc[("DD-1", "falkirk", "2023-06"), "value"] == 1234
    codes = sorted(f.code for f in arrow.findings)
    assert codes == ["bad-answer", "bad-answer", "duplicate-row", "excel-error"]
    duplicate = next(f for f in arrow.findings if f.code == "duplicate-row")
    assert duplicate.file.endswith("counts.csv") and "answers.csv:7" in duplicate.message


def test_engines_agree_on_a_large_table_with_problems(framework, tmp_path, monkeypatch):
    """60,000 rows with a few of every problem: same findings and frame from both readers, capped per file."""
    months = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(240)]
    areas = ["falkirk", "stirling", "S12000014", "Falkirk ", "nowhere"]
    rows = ["indicator,area,period,value,numerator,denominator"]
    for i in range(60_000):
        area = areas[i % 5] if i % 997 else "nowhere"
        value = "bad" if i % 499 == 0 else ("*" if i % 7 == 0 else f"{(i % 90) + 0.5}")
        rows.append(f"PC-1,{area if area != 'nowhere' or i % 997 == 0 else 'falkirk'},"
                    f"{months[i % 240]},{value},{i % 90},{100 + i % 7}")  # fmt: skip
    path = tmp_path / "large.csv"
    path.write_text("\n".join(rows) + "\n")
    arrow, plain = _engines(framework, [path], monkeypatch)
    assert [f.format() for f in arrow.findings] == [f.format() for f in plain.findings]
    pd.testing.assert_frame_equal(arrow.frame, plain.frame)
    per_code = {}
    for finding in arrow.findings:
        per_code[finding.code] = per_code.get(finding.code, 0) + 1
    assert per_code["duplicate-row"] == 101 and arrow.findings[-1].message.startswith("... and")
    assert per_code["unknown-area"] == 1 and "also on rows" in next(
        f.message for f in arrow.findings if f.code == "unknown-area"
    )
    assert set(arrow.frame["area"].cat.categories) == {"falkirk", "stirling"}
