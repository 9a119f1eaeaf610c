"""Write evaluated results as CSV, XLSX, JSON or Parquet, safe to open in a spreadsheet and ready for a
Power BI model: real dates (`period_start`, `period_end`), and the indicator's title and unit and the area's
name beside the ids, so nothing has to be joined or transformed after loading.

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
#: Columns added for people and BI tools: the names behind the ids, and where each period ends.
ANALYST_COLUMNS = ["indicator_title", "unit", "area_name"]
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
    """The export table: the contract columns first, one row per indicator × area × period; then the
    extras, with `period_start`/`period_end` as dates (first and last day), then the names behind the ids."""
    table = results.full_table()
    frame = table[[c for c in EXPORT_COLUMNS if c in table]].reset_index(drop=True)
    if "period_start" in frame and "period_months" in frame:
        starts = frame["period_start"].to_numpy(dtype="int64")
        ends = starts + frame["period_months"].to_numpy(dtype="int64")
        frame["period_start"] = _first_day(starts)
        frame.insert(
            int(frame.columns.get_loc("period_start")) + 1, "period_end", _first_day(ends) - _ONE_DAY
        )
    framework = results.framework
    indicators = framework.indicators
    frame["indicator_title"] = frame["indicator"].map({i: ind.title for i, ind in indicators.items()})
    frame["unit"] = frame["indicator"].map({i: ind.unit for i, ind in indicators.items()})
    frame["area_name"] = frame["area"].map({a.id: a.name for a in framework.areas})
    for column in ANALYST_COLUMNS:
        frame[column] = frame[column].astype("category")
    return frame


_ONE_DAY = np.timedelta64(1, "D")


def _first_day(month_ordinals: np.ndarray) -> np.ndarray:
    """Month ordinals (`year * 12 + month - 1`) as the first day of each month."""
    return (month_ordinals - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")


def export_results(results: Results, path: Path, *, sanitise: bool = True) -> Path:
    """Write the results to `path` (.csv, .xlsx or .json by extension), atomically."""
    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise PerfwatchError(
            f"{path}: cannot export to {suffix or 'a file without an extension'}; use .csv, .xlsx, .json "
            "or .parquet"
        )
    if suffix == ".xlsx" and len(results.table) > EXCEL_MAX_ROWS:
        raise PerfwatchError(
            f"{path}: {len(results.table):,} rows do not fit in one Excel sheet (at most {EXCEL_MAX_ROWS:,}); "
            "export to .csv or .json instead"
        )
    frame = export_frame(results)
    writer = {".csv": _write_csv, ".xlsx": _write_xlsx, ".json": _write_json, ".parquet": _write_parquet}[
        suffix
    ]
    with atomic_path(path) as temporary:
        writer(neutralise(frame) if sanitise and suffix in (".csv", ".json") else frame, temporary)
    return path


def export_bytes(results: Results, suffix: str, *, sanitise: bool = True) -> bytes:
    """The export as bytes (for `--out -`): written to a private temporary file and read back."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="perfwatch-export-") as folder:
        return export_results(results, Path(folder) / f"results{suffix}", sanitise=sanitise).read_bytes()


def _arrow_column(values: pd.Series):
    """One export column as an Arrow array: categories decoded to text, mixed objects written as text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.CategoricalDtype):
        return pc.cast(pa.Array.from_pandas(values), pa.string())
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return pc.cast(pa.Array.from_pandas(values), pa.date32())
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


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet for analysts' pipelines: ids and vocabularies as dictionary-encoded text, dates as dates."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {}
    for name in frame.columns:
        values = frame[name]
        array = _arrow_column(values)
        if isinstance(values.dtype, pd.CategoricalDtype):
            array = array.dictionary_encode()
        columns[str(name)] = array
    pq.write_table(pa.table(columns), path, compression="zstd")


def _write_json(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    for column in frame.columns[[pd.api.types.is_datetime64_any_dtype(t) for t in frame.dtypes]]:
        frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    records = json.loads(frame.to_json(orient="records", date_format="iso", double_precision=10))
    path.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from perfwatch.publish.workbook import write_results_workbook

    write_results_workbook(frame, path, STATUS_FILLS)
