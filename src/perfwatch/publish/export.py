"""Write evaluated results as CSV, XLSX or JSON, safe to open in a spreadsheet.

Text cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return (and their full-width forms)
would run as formulas in Excel: in CSV and JSON they get a leading apostrophe; in XLSX every text cell is
written as a typed string, so nothing is ever a formula. Numbers are written as numbers (a legitimate
`-5` stays `-5`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from perfwatch.errors import PerfwatchError
from perfwatch.evaluate.results import CONTRACT_COLUMNS, EXTRA_COLUMNS, Results
from perfwatch.fileio import atomic_path
from perfwatch.vocabulary import EXPORT_FORMATS

#: The contract columns, then the table's documented extras a reader needs (not internal group numbers).
EXPORT_COLUMNS = CONTRACT_COLUMNS + [c for c in EXTRA_COLUMNS if c != "spc_group"]
#: Data rows one Excel sheet holds (1,048,576 rows less the header).
EXCEL_MAX_ROWS = 1_048_575
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
STATUS_FILLS = {"green": "#c6efce", "amber": "#ffeb9c", "red": "#ffc7ce"}


def _neutralised(values: pd.Series) -> pd.Series:
    """Text values with a quote before any that would start a formula (non-text values untouched)."""
    text = values.astype("object")
    risky = text.str.startswith(_TRIGGERS).fillna(False).astype(bool)
    return text.where(~risky, "'" + text.astype(str)) if risky.any() else values


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a formula (a categorical's categories are checked, not its rows)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            categories = series.cat.categories.to_series()
            safe = (
                _neutralised(categories)
                if categories.dtype == object or pd.api.types.is_string_dtype(categories)
                else categories
            )
            if safe is not categories:
                if safe.is_unique:
                    out[column] = series.cat.rename_categories(list(safe))
                else:
                    out[column] = _neutralised(series.astype(object))
        elif series.dtype == object or pd.api.types.is_string_dtype(series):
            out[column] = _neutralised(series)
    return out


def export_frame(results: Results) -> pd.DataFrame:
    """The export table: the contract columns first, one row per indicator × area × period."""
    table = results.full_table()
    return table[[c for c in EXPORT_COLUMNS if c in table]].reset_index(drop=True)


def export_results(results: Results, path: Path, *, sanitise: bool = True) -> Path:
    """Write the results to `path` (.csv, .xlsx or .json by extension), atomically."""
    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise PerfwatchError(
            f"{path}: cannot export to {suffix or 'a file without an extension'}; use .csv, .xlsx or .json"
        )
    if suffix == ".xlsx" and len(results.table) > EXCEL_MAX_ROWS:
        raise PerfwatchError(
            f"{path}: {len(results.table):,} rows do not fit in one Excel sheet (at most {EXCEL_MAX_ROWS:,}); "
            "export to .csv or .json instead"
        )
    frame = export_frame(results)
    writer = {".csv": _write_csv, ".xlsx": _write_xlsx, ".json": _write_json}[suffix]
    with atomic_path(path) as temporary:
        writer(neutralise(frame) if sanitise and suffix != ".xlsx" else frame, temporary)
    return path


def _arrow_column(values: pd.Series):
    """One export column as an Arrow array: categories decoded to text, mixed objects written as text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.CategoricalDtype):
        return pc.cast(pa.Array.from_pandas(values), pa.string())
    try:
        return pa.Array.from_pandas(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        text = [
            None if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
            for value in values
        ]
        return pa.array(text, type=pa.string())


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 CSV through Arrow's writer: a million rows in a few seconds (pandas' writer takes ten times
    as long, most of it turning floats into text). Text is quoted; numbers are written as the shortest
    text that reads back to the same value."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    table = pa.table({str(name): _arrow_column(frame[name]) for name in frame.columns})
    with open(path, "wb") as handle:  # a Python file, so that disk errors surface as OSError
        pcsv.write_csv(table, handle, pcsv.WriteOptions(quoting_style="needed"))


def _write_json(frame: pd.DataFrame, path: Path) -> None:
    records = json.loads(frame.to_json(orient="records", date_format="iso", double_precision=10))
    path.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Typed string cells (no formulas, no auto-links), frozen header, filters and status colours."""
    options = {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        clean = frame.replace({np.nan: None})
        clean.to_excel(writer, sheet_name="results", index=False)
        book, sheet = writer.book, writer.sheets["results"]
        rows, columns = frame.shape
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, rows, columns - 1)
        status_col = frame.columns.get_loc("status")
        for status, colour in STATUS_FILLS.items():
            fmt = book.add_format({"bg_color": colour})
            sheet.conditional_format(1, status_col, rows, status_col,
                                     {"type": "cell", "criteria": "==", "value": f'"{status}"', "format": fmt})  # fmt: skip
        sheet.set_column(0, columns - 1, 14)
        sheet.set_column(frame.columns.get_loc("reason"), frame.columns.get_loc("reason"), 60)
