"""Shared fixtures for the data stage: a small framework and files that look like the real thing."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import xlsxwriter

from perfwatch.framework.model import Framework

FIXTURES = Path(__file__).parent / "fixtures"


def make_framework(**overrides) -> Framework:
    indicators = [
        {"id": "CI-2", "title": "Supported to live independently", "unit": "percentage",
         "polarity": "higher_is_better", "frequency": "biennial"},
        {"id": "DD-1", "title": "Delayed discharge bed days", "unit": "count", "polarity": "lower_is_better",
         "frequency": "monthly"},
        {"id": "PC-1", "title": "Reviews on time", "unit": "percentage", "polarity": "higher_is_better",
         "frequency": "quarterly"},
        {"id": "PR-1", "title": "Share of people", "unit": "proportion", "polarity": "higher_is_better",
         "frequency": "annual"},
        {"id": "YN-1", "title": "Action plan produced", "unit": "yes_no", "polarity": "higher_is_better",
         "frequency": "annual"},
        {"id": "JD-1", "title": "Robust methodology", "unit": "judgement", "polarity": "higher_is_better",
         "frequency": "annual", "scale": ["not_met", "partly_met", "met"]},
        {"id": "RT-1", "title": "Falls per 1,000", "unit": "rate", "per": 1000, "polarity": "lower_is_better",
         "frequency": "annual"},
    ]  # fmt: skip
    data = {
        "perfwatch": 1,
        "id": "test",
        "title": "Test framework",
        "areas": [
            {"id": "scotland", "name": "Scotland", "level": "nation", "code": "S92000003"},
            {
                "id": "falkirk",
                "name": "Falkirk",
                "level": "partnership",
                "parent": "scotland",
                "code": "S12000014",
            },
            {"id": "stirling", "name": "Stirling", "level": "partnership", "parent": "scotland"},
        ],
        "themes": [
            {
                "id": "T1",
                "title": "Theme",
                "outcomes": [{"id": "O1", "title": "Outcome", "indicators": indicators}],
            }
        ],
    }
    data.update(overrides)
    return Framework.model_validate(data)


@pytest.fixture
def framework() -> Framework:
    return make_framework()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def cp1252_csv(tmp_path: Path) -> Path:
    """What Excel's 'CSV (Comma delimited)' writes on Windows: cp1252, CRLF, £ – ’ in notes."""
    text = (
        "indicator,area,period,value,note\r\n"
        'DD-1,falkirk,Apr-23,1200,"Cost £1,200 – provisional"\r\n'
        "DD-1,falkirk,May-23,1250,Board’s figure\r\n"
    )
    path = tmp_path / "excel_export.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


@pytest.fixture
def bom_csv(tmp_path: Path) -> Path:
    """What Excel's 'CSV UTF-8' writes: a byte-order mark before the header."""
    text = "Indicator,Area,Period,Value\r\nDD-1,falkirk,2023-04,10\r\nDD-1,falkirk,2023-05,12\r\n"
    path = tmp_path / "utf8_export.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    """A workbook with a contents sheet, a title block above each table's header, and one sheet per indicator."""
    path = tmp_path / "kpis.xlsx"
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True})
    date_format = book.add_format({"num_format": "mmm-yy"})
    contents = book.add_worksheet("Contents")
    contents.write(0, 0, "Performance data, Falkirk HSCP", bold)
    for name, indicator, rows in (
        ("DD-1", "DD-1", [(datetime.datetime(2023, 4, 1), 110), (datetime.datetime(2023, 5, 1), 120)]),
        ("PC-1", "PC-1", [("Q1 2023/24", 0.91), ("Q2 2023/24", 0.935)]),
    ):
        sheet = book.add_worksheet(name)
        sheet.write(0, 0, f"Indicator {indicator}", bold)
        sheet.write(1, 0, "Source: local system")
        sheet.write_row(3, 0, ["Area", "Period", "Value"], bold)
        for offset, (period, value) in enumerate(rows):
            sheet.write(4 + offset, 0, "falkirk")
            if isinstance(period, datetime.datetime):
                sheet.write_datetime(4 + offset, 1, period, date_format)
            else:
                sheet.write(4 + offset, 1, period)
            sheet.write(4 + offset, 2, value)
    book.close()
    return path
