"""The XLSX export, written cell by cell with xlsxwriter so that every cell has its type and format.

- text is always a typed string (never a formula or a link), numbers are numbers, dates are dates;
- the columns that hold a value in the indicator's unit (value, target, intervals, SPC lines, comparator)
  get a number format by unit: a percentage (0–100) shows as `85.0%` while the cell stays 85, a proportion
  (0–1) is a real Excel percentage, counts get thousands separators; the cell's value is never changed,
  so Power BI and formulas read the number the report shows;
- the bytes are the same for the same results: the document's creation time is fixed (xlsxwriter writes
  its zip entries with a fixed timestamp already).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

#: Display formats by indicator unit. A percentage is on the 0–100 scale, so it is shown with a literal
#: `%` rather than Excel's percent format (which would show 85 as 8500%).
UNIT_NUMBER_FORMATS = {
    "percentage": '0.0"%"',
    "proportion": "0.0%",
    "rate": "#,##0.0",
    "ratio": "0.00",
    "mean": "#,##0.0",
    "currency": "£#,##0",
    "days": "#,##0.0",
    "count": "#,##0",
    "number": "#,##0.00",
}
#: Columns holding a number in the indicator's unit.
UNIT_COLUMNS = (
    "value",
    "target",
    "ci_lower",
    "ci_upper",
    "spc_mean",
    "spc_lower",
    "spc_upper",
    "comparator_value",
)
DATE_FORMAT = "yyyy-mm-dd"
#: A fixed creation time in `docProps/core.xml`, so the same results give the same bytes.
CREATED = datetime(2000, 1, 1)
WIDE_COLUMNS = {"reason": 60, "indicator_title": 50, "area_name": 24}


def write_results_workbook(frame: pd.DataFrame, path: Path, status_fills: dict[str, str]) -> None:
    """One sheet `results`: typed, formatted cells, a frozen header, filters and status colours."""
    import xlsxwriter
    import xlsxwriter.exceptions

    options = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    book = xlsxwriter.Workbook(str(path), options)
    book.set_properties({"created": CREATED, "author": "perfwatch", "title": "perfwatch results"})
    sheet = book.add_worksheet("results")
    sheet.write_row(0, 0, [str(c) for c in frame.columns], book.add_format({"bold": True}))
    date_format = book.add_format({"num_format": DATE_FORMAT})
    by_unit = {unit: book.add_format({"num_format": code}) for unit, code in UNIT_NUMBER_FORMATS.items()}
    row_formats = (
        frame["unit"].astype(object).map(by_unit).tolist() if "unit" in frame else [None] * len(frame)
    )
    for column, name in enumerate(frame.columns):
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            _write_dates(sheet, column, values, date_format)
        elif name in UNIT_COLUMNS and pd.api.types.is_numeric_dtype(values.dtype):
            _write_numbers(sheet, column, values, row_formats)
        elif pd.api.types.is_bool_dtype(values.dtype):
            for row, flag in enumerate(values.tolist(), start=1):
                sheet.write_boolean(row, column, bool(flag))
        elif pd.api.types.is_numeric_dtype(values.dtype):
            _write_numbers(sheet, column, values, None)
        else:
            _write_text(sheet, column, values)
    rows, columns = frame.shape
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, rows, columns - 1)
    if "status" in frame:
        status_col = frame.columns.get_loc("status")
        for status, colour in status_fills.items():
            fill = book.add_format({"bg_color": colour})
            sheet.conditional_format(1, status_col, rows, status_col,
                                     {"type": "cell", "criteria": "==", "value": f'"{status}"', "format": fill})  # fmt: skip
    sheet.set_column(0, columns - 1, 14)
    for name, width in WIDE_COLUMNS.items():
        if name in frame:
            position = frame.columns.get_loc(name)
            sheet.set_column(position, position, width)
    try:
        book.close()
    except xlsxwriter.exceptions.FileCreateError as error:
        cause = error.args[0] if error.args else None
        if isinstance(cause, OSError):
            raise cause from None  # a full disk or a refused folder: the caller's message names the file
        raise


def _write_dates(sheet, column: int, values: pd.Series, date_format) -> None:
    for row, value in enumerate(values.dt.to_pydatetime().tolist(), start=1):
        if value is not None and not pd.isna(value):
            sheet.write_datetime(row, column, value, date_format)


def _write_numbers(sheet, column: int, values: pd.Series, row_formats: list | None) -> None:
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    present = ~np.isnan(numbers)  # infinities are written as Excel's #NUM!, not dropped
    for row in np.flatnonzero(present).tolist():
        fmt = row_formats[row] if row_formats is not None else None
        sheet.write_number(row + 1, column, float(numbers[row]), fmt)


def _write_text(sheet, column: int, values: pd.Series) -> None:
    for row, value in enumerate(values.astype(object).tolist(), start=1):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            continue
        sheet.write_string(row, column, str(value))
