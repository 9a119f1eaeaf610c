"""Read analysts' data files, map them to the canonical long table, and check them.

The pipeline, for each data source (a file and its mapping in the project file):

1. **read** the file into one table per sheet, remembering each row's number in the file
   (CSV: the header is row 1; XLSX: the spreadsheet's own row numbers; Parquet: record numbers);
2. **map** it: filter rows, melt wide tables, rename columns, add constants, compute columns, clean the
   numbers (:mod:`perfwatch.data.values`) and parse the periods (:mod:`perfwatch.framework.periods`), sum duplicates
   when asked;

and then, over all sources together, **check** the data against the framework, collecting every problem as
a :class:`~perfwatch.errors.Finding` located at `file:row`. Everything per row is vectorised; Python loops
run over distinct values (ids, periods), over indicators, or over the findings themselves.
"""

from __future__ import annotations

import ast
import io
import math
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pandas as pd

from perfwatch.data.values import (
    ERROR,
    EXCEL_ERRORS,
    MISSING_REASONS,
    NOT_AVAILABLE,
    SUPPRESSED,
    clean_column,
    did_you_mean,
    distinct_values,
    match_levels,
    normalise_yes_no,
)
from perfwatch.errors import Finding, errors_only, promote_warnings
from perfwatch.framework.model import Framework, Unit
from perfwatch.framework.periods import (
    Period,
    expected_periods,
    frequency_months,
    frequency_step,
    parse_periods,
)
from perfwatch.framework.project import DataSource, parse_expression, source_for_path

OBSERVATION_COLUMNS = [
    "indicator", "area", "period", "period_start", "period_months", "band", "value", "value_text",
    "numerator", "denominator", "ci_lower", "ci_upper", "missing", "flag", "note", "source", "row",
]  # fmt: skip
NUMERIC_COLUMNS = ["value", "numerator", "denominator", "ci_lower", "ci_upper"]
TEXT_COLUMNS = ["indicator", "area", "band", "flag", "note"]
FILLED_COLUMNS = ["missing", "flag", "note"]
"""Text columns that hold `""` rather than NA when there is nothing to say."""
KEY_COLUMNS = ["indicator", "area", "period"]

_REASON = {reason: code for code, reason in enumerate(MISSING_REASONS)}
"""Missing reasons' codes: the `*_missing` columns are categoricals over MISSING_REASONS."""

MAX_ROW_FINDINGS = 100
"""Findings of one kind listed per file before the rest are summarised in one line."""

STALE_GRACE_MONTHS = 3
PYARROW_MIN_BYTES = 8 * 1024 * 1024
"""CSVs this big are parsed with pyarrow's multithreaded reader; smaller ones with pandas' C parser."""

_OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


@dataclass
class Observations:
    """The canonical long table (`frame`, columns `OBSERVATION_COLUMNS`) and what was found loading it."""

    frame: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return errors_only(self.findings)

    @classmethod
    def empty(cls) -> Observations:
        return cls(_empty_frame(), [])


@dataclass
class Table:
    """One table read from a file: its cells, each row's number in the file, and where it came from."""

    frame: pd.DataFrame
    rows: np.ndarray
    file: str
    source: str
    sheet: str | None = None
    header_row: int = 1


# --- reading ------------------------------------------------------------------------------------------


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_tables(source: DataSource, text_columns: Iterable[str] = ()) -> tuple[list[Table], list[Finding]]:
    """The tables in a source's file, or findings saying why it cannot be read.

    `text_columns` are read as text whatever they look like (ids such as `001` or `599` stay as written).
    """
    path = Path(source.path)
    file = _display(path)

    def problem(message: str, code: str = "unreadable-file") -> tuple[list[Table], list[Finding]]:
        return [], [Finding(file, code=code, message=message)]

    if not path.exists():
        return problem(
            "file not found; check the path (relative paths are relative to the project file)",
            "file-not-found",
        )
    if path.is_dir():
        return problem("this is a folder, not a data file; name a CSV, XLSX or Parquet file inside it")
    if not path.is_file():
        return problem("this is not a regular file (a pipe or a device); name a CSV, XLSX or Parquet file")
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as error:
        return problem(f"cannot read the file: {error.strerror or error}")
    if not head:
        return problem("the file is empty", "empty-file")
    kind = source.file_format
    zipped, ole, parquet = (
        head.startswith(b"PK\x03\x04"),
        head.startswith(b"\xd0\xcf\x11\xe0"),
        head.startswith(b"PAR1"),
    )
    if ole:
        return problem("this is an old-style Excel .xls workbook; open it in Excel and save it as .xlsx")
    if kind == "csv" and zipped:
        return problem("this is an Excel workbook, not CSV text; set `format: xlsx` or give it an .xlsx name")
    if kind == "csv" and head.startswith((b"\xff\xfe", b"\xfe\xff")) and source.encoding is None:
        return problem(
            "the file is saved as UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8', "
            "or set `encoding: utf-16` on the source"
        )
    if kind == "csv" and (parquet or (b"\x00" in head and source.encoding is None)):
        return problem("this is a binary file, not CSV text; export the data as CSV or XLSX")
    if kind == "xlsx" and not zipped:
        return problem("this is not an Excel .xlsx workbook; set `format: csv` if it is text")
    if kind == "parquet" and not parquet:
        return problem("this is not a Parquet file")
    try:
        if kind == "xlsx":
            return _read_xlsx(path, file, source)
        if kind == "parquet":
            frame = pd.read_parquet(path)
            frame.columns = [str(c) for c in frame.columns]
            return [Table(frame, np.arange(1, len(frame) + 1, dtype="int64"), file, file)], []
        return _read_csv(path, file, source, set(text_columns))
    except Exception as error:  # a file that a reader library rejects is the user's problem, not a crash
        return problem(f"cannot read the file as {kind.upper()}: {type(error).__name__}: {error}")


def _decode(raw: bytes, source: DataSource, file: str) -> tuple[str, list[Finding]]:
    if source.encoding:
        try:
            return raw.decode(source.encoding), []
        except (UnicodeDecodeError, LookupError) as error:
            raise ValueError(f"cannot decode it as {source.encoding}: {error}") from None
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        warning = Finding(
            file,
            line,
            severity="warning",
            code="encoding",
            message="not UTF-8 (first odd byte on this line): read as cp1252, what Excel's 'CSV (Comma "
            "delimited)' writes on Windows; set `encoding:` on the source to say so, or save as 'CSV UTF-8'",
        )
        return raw.decode("cp1252", errors="replace"), [warning]


def _sniff_delimiter(text: str, header_row: int) -> str:
    lines = text.splitlines()
    header = lines[header_row - 1] if len(lines) >= header_row else ""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 and counts[","] == 0 else ","


def _read_csv(
    path: Path, file: str, source: DataSource, text_columns: set[str]
) -> tuple[list[Table], list[Finding]]:
    raw = path.read_bytes()
    frame = None
    findings: list[Finding] = []
    if (
        source.encoding is None
        and len(raw) >= PYARROW_MIN_BYTES
        and b"\n\n" not in raw
        and b"\n\r\n" not in raw
    ):
        body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
        head = body[:65536].decode("utf-8", errors="replace")
        delimiter = source.delimiter or _sniff_delimiter(head, source.header_row)
        frame = _read_csv_pyarrow(body, delimiter, source.header_row - 1, text_columns)
    if frame is None:
        text, findings = _decode(raw, source, file)
        if not text.strip():
            return [], [Finding(file, code="empty-file", message="the file has no data (only blank lines)")]
        delimiter = source.delimiter or _sniff_delimiter(text[:65536], source.header_row)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                skiprows=source.header_row - 1,
                header=0,
                dtype=dict.fromkeys(text_columns, "str"),
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=False,
                engine="c",
            )
        except pd.errors.ParserError as error:
            return [], [*findings, _parser_finding(file, error)]
        except pd.errors.EmptyDataError:
            return [], [*findings, Finding(file, code="empty-file", message="the file has no header row")]
    frame.columns = [str(c).strip() for c in frame.columns]
    rows = np.arange(len(frame), dtype="int64") + source.header_row + 1
    blank = frame.isna().all(axis=1).to_numpy()
    if blank.any():
        frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    return [Table(frame, rows, file, file, header_row=source.header_row)], findings


_RAGGED_ROW = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _parser_finding(file: str, error: Exception) -> Finding:
    """pandas' tokenizer error as a finding on the row it names, with how to fix it."""
    text = str(error).strip()
    ragged = _RAGGED_ROW.search(text)
    if ragged:
        expected, line, saw = (int(n) for n in ragged.groups())
        return Finding(
            file, line, None, "error", "malformed-csv",
            f"line {line} has {saw} fields but the header has {expected}: quote values that contain the "
            "delimiter, or remove the extra delimiters",
        )  # fmt: skip
    if "EOF inside string" in text:
        return Finding(
            file, code="malformed-csv",
            message=f"a quoted value is never closed ({text.removeprefix('Error tokenizing data. C error: ')}): "
            'look for a stray `"`',
        )  # fmt: skip
    return Finding(file, code="malformed-csv", message=f"cannot parse the CSV: {text}")


def _read_csv_pyarrow(body: bytes, delimiter: str, skip: int, text_columns: set[str]) -> pd.DataFrame | None:
    """Parse UTF-8 CSV bytes with pyarrow; None when pyarrow refuses them (bad UTF-8, ragged rows ...).

    Every text column arrives dictionary-encoded, so pandas gets categoricals: a million ids are a few
    thousand strings and integer codes, and everything per value is done once per distinct value.
    Numeric columns that hold only numbers arrive as float64 or int64.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(skip_rows=skip),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(text_columns, pa.dictionary(pa.int32(), pa.string())),
                null_values=[""],
                strings_can_be_null=True,
                auto_dict_encode=True,
                auto_dict_max_cardinality=2**31 - 1,
            ),
        )
    except pa.ArrowInvalid:
        return None
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    pa.default_memory_pool().release_unused()  # hand the parse buffers back for the evaluation to use
    return frame


def _header_text(cell: Any, index: int) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if hasattr(cell, "isoformat"):
        return cell.isoformat()[:10]
    text = str(cell).strip()
    return text or f"column {_column_letter(index)}"


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _read_xlsx(path: Path, file: str, source: DataSource) -> tuple[list[Table], list[Finding]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    names = list(workbook.sheet_names)
    wanted = source.sheet
    if wanted is None:
        chosen = names[:1]
    elif wanted == "all":
        chosen = names
    elif isinstance(wanted, int):
        if wanted > len(names):
            return [], [
                Finding(
                    file,
                    code="no-sheet",
                    message=f"there is no sheet {wanted}: the workbook has {len(names)} ({', '.join(names)})",
                )
            ]
        chosen = [names[wanted - 1]]
    elif wanted in names:
        chosen = [wanted]
    else:
        message = (
            f"there is no sheet {wanted!r}{did_you_mean(wanted, names)}; the sheets are: {', '.join(names)}"
        )
        return [], [Finding(file, code="no-sheet", message=message)]
    tables, findings = [], []
    for name in chosen:
        cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        label = f"{file}[{name}]"
        if len(cells) < source.header_row:
            if wanted != "all":
                findings.append(
                    Finding(
                        file,
                        code="empty-sheet",
                        message=f"sheet {name!r} has no row {source.header_row} to read a header from",
                    )
                )
            continue
        header = [_header_text(c, i) for i, c in enumerate(cells[source.header_row - 1])]
        body = cells[source.header_row :]
        frame = (
            pd.DataFrame(body, columns=header, dtype=object)
            if body
            else pd.DataFrame(columns=header, dtype=object)
        )
        frame = frame.replace("", np.nan).infer_objects()
        rows = np.arange(len(frame), dtype="int64") + source.header_row + 1
        keep = ~frame.isna().all(axis=1).to_numpy()
        frame, rows = frame.loc[keep].reset_index(drop=True), rows[keep]
        unnamed = [c for c in frame.columns if c.startswith("column ") and frame[c].isna().all()]
        frame = frame.drop(columns=unnamed)
        tables.append(Table(frame, rows, file, label, sheet=name, header_row=source.header_row))
    return tables, findings


# --- mapping ------------------------------------------------------------------------------------------


@dataclass
class _Mapped:
    """A table in canonical columns, cleaned, with each numeric column's missing reasons."""

    frame: pd.DataFrame
    findings: list[Finding]


def _header_key(name: str) -> str:
    return " ".join(str(name).split()).lower()


def _lookup_column(frame: pd.DataFrame, name: str) -> str | None:
    if name in frame.columns:
        return name
    keys = {_header_key(c): c for c in frame.columns}
    return keys.get(_header_key(name))


def _text_columns_of(source: DataSource) -> set[str]:
    """Source columns to read as text: the mapped id and label columns, and the filter columns."""
    named = {source.columns[c] for c in ("indicator", "area", "band", "flag", "note") if c in source.columns}
    defaults = {c for c in ("indicator", "area", "band", "flag", "note") if c not in source.columns}
    defaults |= {c.title() for c in defaults} | {c.upper() for c in defaults}
    return named | defaults | set(source.filter)


def _matches(column: pd.Series, wanted: Any) -> np.ndarray:
    """Rows whose cell equals the wanted value(s); numbers compare as numbers, text ignoring edge spaces."""
    options = wanted if isinstance(wanted, list) else [wanted]
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        numbers = pd.to_numeric(pd.Series(options, dtype=object), errors="coerce").dropna()
        return column.isin(list(numbers)).to_numpy()
    texts = []
    for option in options:
        if isinstance(option, float) and option.is_integer():
            option = int(option)
        texts.append(str(option).strip())
    codes, uniques = distinct_values(column)
    as_text = pd.Series(uniques, dtype=object).map(str).str.strip()
    as_text = as_text.str.replace(r"\.0$", "", regex=True) if column.dtype.kind == "f" else as_text
    wanted = np.append(as_text.isin(texts).to_numpy(dtype=bool), "" in texts)
    return wanted[np.where(codes < 0, len(uniques), codes)]


def _filled(column: pd.Series) -> np.ndarray:
    """Rows whose cell holds something other than spaces, judged once per distinct value."""
    codes, uniques = distinct_values(column)
    filled = pd.Series(uniques, dtype=object).map(str).str.strip() != ""
    return np.append(filled.to_numpy(dtype=bool), False)[np.where(codes < 0, len(uniques), codes)]


def _evaluate(tree: ast.AST, columns: dict[str, np.ndarray]) -> np.ndarray:
    if isinstance(tree, ast.Expression):
        return _evaluate(tree.body, columns)
    if isinstance(tree, ast.Constant):
        return np.asarray(float(tree.value))
    if isinstance(tree, ast.Name):
        return columns[tree.id]
    if isinstance(tree, ast.UnaryOp):
        return _OPERATORS[type(tree.op)](_evaluate(tree.operand, columns))
    if isinstance(tree, ast.BinOp):
        return _OPERATORS[type(tree.op)](_evaluate(tree.left, columns), _evaluate(tree.right, columns))
    raise ValueError(f"unexpected expression part {type(tree).__name__}")


def map_table(table: Table, source: DataSource, framework: Framework) -> _Mapped:
    """Turn one read table into canonical columns (values cleaned, periods parsed)."""
    findings: list[Finding] = []
    frame = table.frame
    rows = table.rows

    def mapping_error(message: str) -> _Mapped:
        where = f"sheet {table.sheet!r}: " if table.sheet else ""
        findings.append(Finding(table.file, table.header_row, code="mapping", message=where + message))
        return _Mapped(_empty_stage(), findings)

    def missing_column(name: str, purpose: str) -> _Mapped:
        return mapping_error(
            f"there is no column {name!r} (named in {purpose}){did_you_mean(name, [str(c) for c in frame.columns])}; "
            f"the columns are: {', '.join(map(str, frame.columns))}"
        )

    used: set[str] = set()
    if source.filter:
        keep = np.ones(len(frame), dtype=bool)
        for name, wanted in source.filter.items():
            column = _lookup_column(frame, name)
            if column is None:
                return missing_column(name, "`filter`")
            used.add(column)
            keep &= _matches(frame[column], wanted)
        frame, rows = frame.loc[keep].reset_index(drop=True), rows[keep]

    resolved: dict[str, str] = {}
    for canonical, name in source.columns.items():
        column = _lookup_column(frame, name)
        if column is None:
            return missing_column(name, f"`columns.{canonical}`")
        resolved[canonical] = column
    expressions: dict[str, tuple[ast.Expression, dict[str, str]]] = {}
    for canonical, expression in source.compute.items():
        tree, names = parse_expression(expression)
        for placeholder, name in names.items():
            column = _lookup_column(frame, name)
            if column is None:
                return missing_column(name, f"`compute.{canonical}`")
            names[placeholder] = column
        expressions[canonical] = (tree, names)
    given = set(resolved) | set(source.constants) | set(expressions)
    wide_targets = {source.wide.columns_are, source.wide.value} if source.wide else set()
    if source.sheet_is:
        given.add(source.sheet_is)
    for canonical in ["indicator", "area", "period", "band", *NUMERIC_COLUMNS, "flag", "note"]:
        if canonical not in given and canonical not in wide_targets:
            column = _lookup_column(frame, canonical)
            if column is not None:
                resolved[canonical] = column
    used |= set(resolved.values()) | {c for _, names in expressions.values() for c in names.values()}

    if source.wide is not None:
        wide = source.wide
        if wide.columns == "rest":
            melt = [c for c in frame.columns if c not in used]
        else:
            melt = []
            for name in wide.columns:
                column = _lookup_column(frame, name)
                if column is None:
                    return missing_column(name, "`wide.columns`")
                melt.append(column)
        if not melt:
            return mapping_error("`wide` has no columns to melt: every column is already mapped")
        keep_columns = [c for c in frame.columns if c in used]
        stacked = frame[keep_columns + melt].copy()
        stacked["__row"] = rows
        long = stacked.melt(
            id_vars=[*keep_columns, "__row"], value_vars=melt, var_name="__key", value_name="__cell"
        )
        long = long.loc[_filled(long["__cell"])].reset_index(drop=True)
        rows = long.pop("__row").to_numpy(dtype="int64")
        resolved[wide.columns_are] = "__key"
        resolved[wide.value] = "__cell"
        frame = long

    size = len(frame)
    out: dict[str, Any] = {}
    for canonical in TEXT_COLUMNS + ["period"]:
        if canonical in resolved:
            out[canonical] = frame[resolved[canonical]]
        elif canonical in source.constants:
            out[canonical] = pd.Series(_constant(source.constants[canonical], size))
        elif canonical == source.sheet_is:
            out[canonical] = pd.Series(_constant(table.sheet, size))
    if "area" not in out and len(framework.areas) == 1:
        out["area"] = pd.Series(_constant(framework.areas[0].id, size))
    lacking = [c for c in KEY_COLUMNS if c not in out]
    if lacking:
        hints = ", ".join(f"`columns: {{{c}: ...}}` or `constants: {{{c}: ...}}`" for c in lacking)
        return mapping_error(
            f"no {' or '.join(lacking)} column: name the source column or give a constant ({hints}); "
            f"the columns are: {', '.join(map(str, table.frame.columns))}"
        )
    numeric_given = [c for c in NUMERIC_COLUMNS if c in resolved or c in source.constants or c in expressions]
    if not {"value", "numerator", "denominator"} & set(numeric_given):
        return mapping_error(
            "no value column: map `value`, or `numerator` and `denominator` (with `columns`, `compute` or `wide`)"
        )

    stage: dict[str, Any] = {}  # made a frame once, at the end: adding columns one by one copies each
    for canonical in TEXT_COLUMNS:
        stage[canonical] = _as_categorical(out[canonical]) if canonical in out else _constant(None, size)
    periods = parse_periods(out["period"], framework.year_start_month, date_format=source.date_format)
    stage["period"] = periods.frame["period"].array
    stage["period_start"] = periods.frame["period_start"].to_numpy()
    stage["period_months"] = periods.frame["period_months"].to_numpy()
    stage["period_raw"] = out["period"].array
    stage["period_failed"] = periods.failed

    raw_cleaned: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for canonical in NUMERIC_COLUMNS:
        if canonical in resolved:
            column = frame[resolved[canonical]].reset_index(drop=True)
        elif canonical in source.constants:
            column = pd.Series(_constant(source.constants[canonical], size, as_text=False))
        else:
            continue
        cleaned = clean_column(column, thousands=source.thousands, decimal=source.decimal)
        raw_cleaned[canonical] = (cleaned.values, cleaned.reasons)
        if canonical == "value":
            stage["value_raw"] = column.array
            stage["value_percent"] = cleaned.percent
    for canonical, (tree, names) in expressions.items():
        operands = {}
        reason = np.zeros(size, dtype="int8")
        for placeholder, column in names.items():
            cleaned = clean_column(
                frame[column].reset_index(drop=True), thousands=source.thousands, decimal=source.decimal
            )
            operands[placeholder] = cleaned.values
            reason = np.where(reason == 0, cleaned.reasons, reason)
        with np.errstate(divide="ignore", invalid="ignore"):
            result = np.broadcast_to(np.asarray(_evaluate(tree, operands), dtype="float64"), (size,)).copy()
        reason = np.where((reason == 0) & ~np.isfinite(result), MISSING_REASONS.index(NOT_AVAILABLE), reason)
        result[~np.isfinite(result)] = np.nan
        raw_cleaned[canonical] = (result, reason)
    for canonical in NUMERIC_COLUMNS:
        values, reasons = raw_cleaned.get(canonical) or (np.full(size, np.nan), np.zeros(size, dtype="int8"))
        stage[canonical] = values
        stage[f"{canonical}_missing"] = _reasons(reasons)
    if "value_raw" not in stage:
        stage["value_raw"] = _constant(None, size)
        stage["value_percent"] = np.zeros(size, dtype=bool)
    stage["file"] = _constant(table.file, size)
    stage["source"] = _constant(table.source, size)
    stage["row"] = np.asarray(rows, dtype="int64")
    frame = pd.DataFrame(stage, index=pd.RangeIndex(size), copy=False)
    if source.sum_duplicates:
        frame = _sum_duplicates(frame)
    return _Mapped(frame, findings)


def _reasons(reasons: np.ndarray) -> pd.Categorical:
    """Missing-value reasons (codes into MISSING_REASONS, or text), stored as small codes (a million `""` strings would be slow to move about)."""
    if reasons.dtype == object:
        codes = np.zeros(len(reasons), dtype="int8")
        for code, reason in enumerate(MISSING_REASONS[1:], start=1):
            codes[reasons == reason] = code
        reasons = codes
    return pd.Categorical.from_codes(reasons.astype("int8"), categories=list(MISSING_REASONS), ordered=True)


def _constant(value: Any, size: int, as_text: bool = True) -> pd.Categorical:
    """The same value (as text, unless told otherwise) on every row, stored once."""
    if value is None:
        return pd.Categorical.from_codes(
            np.full(size, -1, dtype="int8"), categories=pd.Index([], dtype=object)
        )
    category = str(value) if as_text else value
    return pd.Categorical.from_codes(
        np.zeros(size, dtype="int8"), categories=pd.Index([category], dtype=object)
    )


def _clean_id(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _as_categorical(column: pd.Series) -> pd.Categorical:
    """Ids and labels as stripped text (numbers without a trailing `.0`), cleaned once per distinct value."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = column.cat.codes.to_numpy(), list(column.cat.categories)
    else:
        codes, uniques = pd.factorize(column.reset_index(drop=True), use_na_sentinel=True)
    cleaned = [_clean_id(u) for u in uniques]
    labels = pd.Index([c for c in cleaned if c is not None], dtype=object).unique()
    lookup = np.append(labels.get_indexer(pd.Index(cleaned, dtype=object)), -1)
    return pd.Categorical.from_codes(lookup[np.asarray(codes)], categories=labels)


def _sum_duplicates(stage: pd.DataFrame) -> pd.DataFrame:
    """Add up rows for the same indicator × area × period × band (e.g. department types of one trust).

    A total with any missing part is missing too (with the part's reason), never a silent undercount.
    """
    keys = ["indicator", "area", "band", "period_start", "period_months"]
    grouped = stage.groupby(keys, sort=False, dropna=False)
    first = stage.loc[~stage.duplicated(keys).to_numpy()].reset_index(drop=True)
    for canonical in ("value", "numerator", "denominator"):
        totals = grouped[canonical].sum(min_count=1).to_numpy()
        reasons = grouped[f"{canonical}_missing"].max().to_numpy()
        first[canonical] = np.where(reasons == "", totals, np.nan)
        first[f"{canonical}_missing"] = _reasons(np.asarray(reasons, dtype=object))
    return first


# --- checking -----------------------------------------------------------------------------------------


class _Collector:
    """Findings located at rows, at most MAX_ROW_FINDINGS of one kind per file, the rest summarised.

    Flagged rows are found with numpy over the whole table; only the few that are reported are taken out
    of it and turned into text.
    """

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def rows(
        self,
        stage: pd.DataFrame,
        mask: np.ndarray,
        code: str,
        message: Callable[[pd.DataFrame], Iterable[str]],
        severity: str = "error",
        extra: dict[str, np.ndarray] | None = None,
    ) -> None:
        """One finding per flagged row; `message` turns the reported rows (a small frame) into texts.

        `extra` holds arrays with one item per flagged row, added to the frame `message` gets.
        """
        flagged = np.flatnonzero(mask)
        if not len(flagged):
            return
        files = stage["file"].cat.codes.to_numpy()[flagged]
        groups, rank, sizes = _within_groups(files)
        shown = np.flatnonzero(rank < MAX_ROW_FINDINGS)
        picked = stage.iloc[flagged[shown]].reset_index(drop=True)
        for name, values in (extra or {}).items():
            picked[name] = np.asarray(values)[shown]
        texts = list(message(picked))
        file_names = stage["file"].cat.categories
        picked_groups = groups[shown]
        rows = picked["row"].to_numpy()
        for group, file_code in enumerate(pd.unique(files)):
            file = str(file_names[file_code])
            for position in np.flatnonzero(picked_groups == group):
                self.add(Finding(file, int(rows[position]), None, severity, code, texts[position]))
            if sizes[group] > MAX_ROW_FINDINGS:
                more = sizes[group] - MAX_ROW_FINDINGS
                first_unshown = flagged[np.flatnonzero((groups == group) & (rank == MAX_ROW_FINDINGS))[0]]
                row = int(stage["row"].iat[first_unshown])
                message_text = f"... and {more} more rows with the same problem ({code})"
                self.add(Finding(file, row, None, severity, code, message_text))

    def grouped(
        self,
        stage: pd.DataFrame,
        mask: np.ndarray,
        by: str,
        code: str,
        message: Callable[[Any], str],
        severity: str = "error",
    ) -> None:
        """One finding per distinct value of `by` per file, at its first row, with the other rows listed."""
        flagged = np.flatnonzero(mask)
        if not len(flagged):
            return
        value_codes, values = distinct_values(stage[by].iloc[flagged])
        shown = [v if isinstance(v, str) else _clean_id(v) for v in values]
        labels = pd.Index([v for v in shown if v is not None], dtype=object).unique()
        label_codes = np.append(labels.get_indexer(pd.Index(shown, dtype=object)), -1)
        label_codes = label_codes[np.where(value_codes < 0, len(values), value_codes)]
        files = stage["file"].cat.codes.to_numpy()[flagged]
        key = files.astype("int64") * (len(labels) + 1) + label_codes + 1
        groups, rank, sizes = _within_groups(key)
        order = np.lexsort((rank, groups))
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        file_names = stage["file"].cat.categories
        rows = stage["row"].to_numpy()[flagged]
        for group, start in enumerate(starts):
            members = order[start : start + sizes[group]]
            first = members[0]
            also = ""
            if len(members) > 1:
                listed = ", ".join(str(r) for r in rows[members[1:6]])
                more = f" and {len(members) - 6} more" if len(members) > 6 else ""
                also = f"; also on rows {listed}{more}"
            value = labels[label_codes[first]] if label_codes[first] >= 0 else None
            file = str(file_names[files[first]])
            self.add(Finding(file, int(rows[first]), None, severity, code, message(value) + also))


def _within_groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each item: its group (numbered in order of first appearance) and its rank within the group;
    and each group's size."""
    groups, uniques = pd.factorize(key)
    sizes = np.bincount(groups, minlength=len(uniques))
    order = np.argsort(groups, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(len(key), dtype="int64")
    rank[order] = np.arange(len(key)) - np.repeat(starts, sizes)
    return groups, rank, sizes


def _resolve_ids(
    column: pd.Series, exact: dict[str, str], extra: dict[str, str]
) -> tuple[pd.Categorical, np.ndarray]:
    """Map written ids to framework ids (exact, then other spellings), once per distinct id.

    Returns the ids (unknown ones as written) and a mask of the rows whose id is known.
    """
    categories = list(column.cat.categories)
    codes = column.cat.codes.to_numpy()
    targets = [exact.get(c) or extra.get(c.casefold()) for c in categories]
    names = [t or c for t, c in zip(targets, categories, strict=True)]
    labels = pd.Index(names, dtype=object).unique()
    lookup = np.append(labels.get_indexer(names), -1)
    known = np.append(np.array([t is not None for t in targets], dtype=bool), False)
    index = np.where(codes < 0, len(categories), codes)
    return pd.Categorical.from_codes(lookup[index], categories=labels), known[index]


def _empty_stage() -> pd.DataFrame:
    return pd.DataFrame()


def _empty_frame() -> pd.DataFrame:
    def empty(column: str) -> Any:
        if column in NUMERIC_COLUMNS:
            return np.array([], dtype="float64")
        if column in ("period_start", "period_months", "row"):
            return np.array([], dtype="int64")
        return pd.Categorical([], categories=pd.Index([""] if column in FILLED_COLUMNS else [], dtype=object))

    return pd.DataFrame({column: empty(column) for column in OBSERVATION_COLUMNS})


def _sources(paths_or_sources: Iterable[str | Path | DataSource]) -> list[DataSource]:
    return [item if isinstance(item, DataSource) else source_for_path(item) for item in paths_or_sources]


def load_observations(
    framework: Framework,
    sources: Iterable[str | Path | DataSource],
    strict: bool = False,
    as_of: date | None = None,
) -> Observations:
    """Read, map and check every source; return the canonical table and every finding.

    Rows with an unknown indicator or area, an unreadable period, or that duplicate an earlier row are
    left out of the table (and reported). `strict` makes warnings errors. Staleness and future-data
    checks need `as_of` (the report date).
    """
    collector = _Collector()
    stages = []
    for source in _sources(sources):
        tables, findings = read_tables(source, _text_columns_of(source))
        collector.findings.extend(findings)
        for table in tables:
            mapped = map_table(table, source, framework)
            collector.findings.extend(mapped.findings)
            if len(mapped.frame):
                stages.append(mapped.frame)
    frame = _empty_frame()
    if stages:
        stage = _concat(stages)
        frame = _check(stage, framework, collector, as_of)
    findings = sorted(collector.findings, key=lambda f: (f.file, f.line or 0, f.code))
    return Observations(frame, promote_warnings(findings) if strict else findings)


def _concat(stages: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack mapped tables, keeping categorical columns categorical (their categories are merged).

    A raw column that is categorical in one table and numbers or dates in another becomes objects.
    """
    if len(stages) == 1:
        return stages[0]
    for column in stages[0].columns:
        kinds = [isinstance(stage[column].dtype, pd.CategoricalDtype) for stage in stages]
        if all(kinds):
            union = pd.Index(
                [c for stage in stages for c in stage[column].cat.categories], dtype=object
            ).unique()
            ordered = stages[0][column].cat.ordered
            for stage in stages:
                stage[column] = stage[column].cat.set_categories(union, ordered=ordered)
        elif any(kinds) or len({str(stage[column].dtype) for stage in stages}) > 1:
            for stage in stages:
                stage[column] = stage[column].astype(object)
    return pd.concat(stages, ignore_index=True)


def check_data(
    framework: Framework,
    paths_or_sources: Iterable[str | Path | DataSource],
    strict: bool = False,
    as_of: date | None = None,
) -> list[Finding]:
    """Every problem in the data files, as `file:row: message` findings."""
    return load_observations(framework, paths_or_sources, strict=strict, as_of=as_of).findings


def _labels(rows: pd.DataFrame) -> list[str]:
    """`indicator, area, period` for each of a few flagged rows, to say which figure a message is about."""
    return [
        f"{i}, {a}, {p}"
        for i, a, p in zip(
            rows["indicator"].astype(object),
            rows["area"].astype(object),
            rows["period"].astype(object),
            strict=True,
        )
    ]


def _per_indicator(
    stage: pd.DataFrame, attribute: dict[str, Any], default: Any, dtype: Any = object
) -> np.ndarray:
    """An indicator attribute for every row, looked up once per distinct indicator."""
    categories = stage["indicator"].cat.categories
    values = np.array([attribute.get(c, default) for c in categories] + [default], dtype=dtype)
    codes = stage["indicator"].cat.codes.to_numpy()
    return values[codes if len(codes) and codes.min() >= 0 else np.where(codes < 0, len(categories), codes)]


def _check(stage: pd.DataFrame, framework: Framework, out: _Collector, as_of: date | None) -> pd.DataFrame:
    indicators = framework.indicators
    stage["indicator"], ind_known = _resolve_ids(
        stage["indicator"], {i: i for i in indicators}, {i.casefold(): i for i in indicators}
    )
    ids = sorted(indicators)
    no_indicator = (stage["indicator"].cat.codes < 0).to_numpy()
    out.grouped(
        stage, no_indicator, "indicator", "missing-indicator", lambda _: "no indicator id on this row"
    )
    out.grouped(
        stage, ~ind_known & ~no_indicator, "indicator", "unknown-indicator",
        lambda v: f"unknown indicator {v!r}{did_you_mean(str(v), ids)}: it is not in the framework",
    )  # fmt: skip
    no_area = (stage["area"].cat.codes < 0).to_numpy()
    if framework.areas:
        exact_area = {a.id: a.id for a in framework.areas}
        extra_area = {a.id.casefold(): a.id for a in framework.areas} | {
            a.code.casefold(): a.id for a in framework.areas if a.code
        }
        stage["area"], area_known = _resolve_ids(stage["area"], exact_area, extra_area)
        area_names = [a.id for a in framework.areas] + [a.code for a in framework.areas if a.code]
        out.grouped(
            stage, ~area_known & ~no_area, "area", "unknown-area",
            lambda v: f"unknown area {v!r}{did_you_mean(str(v), area_names)}: add it to the framework's "
            "`areas` (its id, or its official `code`), or correct the data",
        )  # fmt: skip
    else:
        area_known = ~no_area
    out.grouped(stage, no_area, "area", "missing-area", lambda _: "no area id on this row")
    failed = stage["period_failed"].to_numpy()
    out.grouped(
        stage, failed, "period_raw", "bad-period", lambda v: _period_message(v, framework.year_start_month)
    )

    keep = ind_known & area_known & ~failed
    if not keep.all():
        stage = stage.loc[keep].reset_index(drop=True)
    if stage.empty:
        return _empty_frame()

    used_units = {i.unit for i in indicators.values()}
    unit = {
        name: _per_indicator(stage, {i.id: i.unit == name for i in indicators.values()}, False, "bool")
        if name in used_units
        else np.zeros(len(stage), dtype=bool)
        for name in get_args(Unit)
    }
    per = _per_indicator(stage, {i.id: i.effective_per for i in indicators.values()}, 1.0, "float64")
    numeric = ~(unit["yes_no"] | unit["judgement"])
    _text_answers(stage, framework, unit, out)
    for canonical in NUMERIC_COLUMNS:
        bad = numeric & (stage[f"{canonical}_missing"].cat.codes.to_numpy() == _REASON[ERROR])
        if canonical == "value":
            excel = np.zeros(len(stage), dtype=bool)
            flagged = np.flatnonzero(bad)
            if len(flagged):
                codes, cells = distinct_values(stage["value_raw"].iloc[flagged])
                used = np.unique(codes[codes >= 0])
                is_excel = np.zeros(len(cells) + 1, dtype=bool)
                is_excel[used] = [
                    isinstance(v, str) and bool(EXCEL_ERRORS.match(v.strip().lower())) for v in cells[used]
                ]
                excel[flagged] = is_excel[codes]
            out.rows(
                stage, excel, "excel-error",
                lambda rows: [f"the cell holds the Excel error {v}: treated as missing; fix the formula ({label})"
                              for v, label in zip(_raw_cells(rows), _labels(rows), strict=True)],
                severity="warning",
            )  # fmt: skip
            out.rows(
                stage, bad & ~excel, "not-a-number",
                lambda rows: [f"value {v!r} is not a number ({label})" for v, label in
                              zip(_raw_cells(rows), _labels(rows), strict=True)],
            )  # fmt: skip
        else:
            out.rows(
                stage,
                bad,
                "not-a-number",
                lambda rows, c=canonical: [f"{c} is not a number ({x})" for x in _labels(rows)],
            )

    value = stage["value"].to_numpy(dtype="float64").copy()
    proportion_percent = unit["proportion"] & stage["value_percent"].to_numpy(dtype=bool)
    value[proportion_percent] /= 100
    _fraction_percentages(stage, value, unit, out)

    numerator = stage["numerator"].to_numpy(dtype="float64")
    denominator = stage["denominator"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = np.where(denominator != 0, numerator / denominator * per, np.nan)
    value_given = ~np.isnan(value)
    fill = ~value_given & ~np.isnan(computed) & numeric
    value[fill] = computed[fill]
    stage["value"] = np.where(numeric, value, np.nan)
    stage["missing"] = _missing_reasons(stage, value, fill, numeric)

    negative = (unit["count"] & (value < 0)) | (numerator < 0) | (denominator < 0)
    out.rows(
        stage,
        negative,
        "negative-count",
        lambda rows: [f"a count cannot be negative ({x})" for x in _labels(rows)],
    )
    above = (unit["percentage"] | unit["proportion"]) & (numerator > denominator)
    out.rows(
        stage, above, "numerator-above-denominator",
        lambda rows: [f"the numerator is larger than the denominator for a percentage or proportion ({x})"
                      for x in _labels(rows)],
    )  # fmt: skip
    _value_mismatch(stage, value_given & numeric, value, computed, out)
    _frequency_fit(stage, framework, out)
    stage = _duplicates(stage, out)
    _series_checks(stage, framework, out, as_of)
    return _final_frame(stage)


def _raw_cells(rows: pd.DataFrame) -> list[Any]:
    """The cells as written (None where there was none), for messages."""
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in rows["value_raw"]]


def _missing_reasons(
    stage: pd.DataFrame, value: np.ndarray, fill: np.ndarray, numeric: np.ndarray
) -> pd.Categorical:
    """Why each value is missing: its own cell's reason, else its counts' reason, else not available."""
    own = stage["value_missing"].cat.codes.to_numpy()
    numerator_reason = stage["numerator_missing"].cat.codes.to_numpy()
    counts_reason = np.where(
        numerator_reason != 0, numerator_reason, stage["denominator_missing"].cat.codes.to_numpy()
    )
    absent = np.isnan(value)
    reason = np.where(fill, 0, own)
    reason = np.where(absent & (reason == 0), counts_reason, reason)
    reason = np.where(absent & (reason == 0), _REASON[NOT_AVAILABLE], reason)
    reason = np.where(numeric, reason, stage["text_missing"].to_numpy())
    return pd.Categorical.from_codes(
        reason.astype("int8"), categories=pd.Index(MISSING_REASONS, dtype=object)
    )


def _period_message(value: Any, year_start_month: int) -> str:
    from perfwatch.framework.periods import PeriodError, parse_period

    if value is None:
        return "no period on this row"
    try:
        parse_period(value, year_start_month)
    except PeriodError as error:
        return str(error)
    return f"cannot read period {value!r} as written in this column; write financial years as 2011/12"


def _text_answers(
    stage: pd.DataFrame, framework: Framework, unit: dict[str, np.ndarray], out: _Collector
) -> None:
    """Normalise yes/no answers and judgement levels into `value_text`; report the ones that are neither.

    Answers are matched once per distinct cell; `value_text` is built as codes into the answer words.
    """
    size = len(stage)
    text_rows = unit["yes_no"] | unit["judgement"]
    reasons = np.zeros(size, dtype="int8")
    if not text_rows.any():
        stage["value_text"] = _constant(None, size)
        stage["text_missing"] = reasons
        return
    words: dict[str, int] = {}
    answer_codes = np.full(size, -1, dtype="int64")
    raw = stage["value_raw"]
    marker = stage["value_missing"].cat.codes.to_numpy()
    blank_or_marker = (marker == _REASON[SUPPRESSED]) | (marker == _REASON[NOT_AVAILABLE])

    def record(rows: np.ndarray, answers: np.ndarray) -> np.ndarray:
        """Store the rows' answers; return which of them were answered."""
        codes, distinct = pd.factorize(answers, use_na_sentinel=True)
        lookup = np.array([words.setdefault(str(w), len(words)) for w in distinct] + [-1], dtype="int64")
        answer_codes[rows] = lookup[np.where(codes < 0, len(distinct), codes)]
        return answer_codes[rows] >= 0

    yes_no_rows = np.flatnonzero(unit["yes_no"])
    if len(yes_no_rows):
        answered = record(yes_no_rows, normalise_yes_no(raw.iloc[yes_no_rows]))
        bad = np.zeros(size, dtype=bool)
        bad[yes_no_rows] = ~answered & ~blank_or_marker[yes_no_rows]
        out.rows(
            stage, bad, "bad-answer",
            lambda rows: [f"{v!r} is not an answer for a yes/no indicator: write yes or no ({x})"
                          for v, x in zip(_raw_cells(rows), _labels(rows), strict=True)],
        )  # fmt: skip
        reasons[bad] = _REASON[ERROR]
    indicator_codes = stage["indicator"].cat.codes.to_numpy()
    categories = stage["indicator"].cat.categories
    for indicator_id, indicator in framework.indicators.items():
        if indicator.unit != "judgement" or indicator_id not in categories:
            continue
        judged = np.flatnonzero(indicator_codes == categories.get_loc(indicator_id))
        if not len(judged):
            continue
        scale = indicator.scale or []
        answered = record(judged, match_levels(raw.iloc[judged], scale))
        bad = np.zeros(size, dtype=bool)
        bad[judged] = ~answered & ~blank_or_marker[judged]
        out.rows(
            stage, bad, "bad-answer",
            lambda rows, scale=scale, ind=indicator_id: [
                f"{v!r} is not a level of {ind}'s scale ({', '.join(scale)}){did_you_mean(str(v), scale)}"
                for v in _raw_cells(rows)
            ],
        )  # fmt: skip
        reasons[bad] = _REASON[ERROR]
    unanswered = text_rows & (answer_codes < 0) & (reasons == 0)
    reasons[unanswered] = np.where(blank_or_marker[unanswered], marker[unanswered], _REASON[NOT_AVAILABLE])
    stage["value_text"] = pd.Categorical.from_codes(
        answer_codes, categories=pd.Index(list(words), dtype=object)
    )
    stage["text_missing"] = reasons


def _fraction_percentages(
    stage: pd.DataFrame, value: np.ndarray, unit: dict[str, np.ndarray], out: _Collector
) -> None:
    """A percentage source whose values all lie in [0, 1.5], some not whole: multiply by 100 and say so."""
    candidates = unit["percentage"] & ~np.isnan(value)
    if not candidates.any():
        return
    indicator_codes = stage["indicator"].cat.codes.to_numpy().astype("int64")
    source_codes = stage["source"].cat.codes.to_numpy().astype("int64")
    sources = len(stage["source"].cat.categories)
    group = indicator_codes * sources + source_codes
    size = len(stage["indicator"].cat.categories) * sources
    with np.errstate(invalid="ignore"):
        outside = candidates & ((value < 0) | (value > 1.5))
        fractional = candidates & (value != np.floor(value))
    counts = np.bincount(group[candidates], minlength=size)
    converted = (
        (counts > 0)
        & (np.bincount(group[outside], minlength=size) == 0)
        & (np.bincount(group[fractional], minlength=size) > 0)
    )
    for code in np.flatnonzero(converted):
        rows = group == code
        value[rows] *= 100
        for column in ("ci_lower", "ci_upper"):
            stage.loc[rows, column] = stage.loc[rows, column] * 100
        first = stage.iloc[int(np.argmax(rows))]
        out.add(
            Finding(
                str(first["file"]), int(first["row"]), None, "warning", "fraction-percentage",
                f"{first['indicator']} is a percentage but every value in {first['source']} lies between 0 "
                "and 1.5: read as fractions and multiplied by 100 (write 95 or 95% for ninety-five percent)",
            )
        )  # fmt: skip


def _decimals_shown(values: np.ndarray) -> np.ndarray:
    """How many decimal places each value was written with (0–6)."""
    places = np.full(values.shape, 6, dtype="int64")
    for digits in range(6, -1, -1):
        exact = np.abs(np.round(values, digits) - values) <= 1e-9 * np.maximum(1, np.abs(values))
        places = np.where(exact, digits, places)
    return places


def _value_mismatch(
    stage: pd.DataFrame, given: np.ndarray, value: np.ndarray, computed: np.ndarray, out: _Collector
) -> None:
    """A value further from numerator/denominator × per than rounding explains (0.5%, or half its last digit)."""
    both = given & ~np.isnan(computed)
    if not both.any():
        return
    with np.errstate(invalid="ignore"):
        bad = both & (np.abs(value - computed) > 0.005 * np.abs(computed))
    if bad.any():  # outside 0.5%: still fine if within half the last digit the value was written with
        suspect = np.flatnonzero(bad)
        half_digit = 0.5 * 10.0 ** (-_decimals_shown(value[suspect]))
        bad[suspect] = np.abs(value[suspect] - computed[suspect]) > half_digit
    if bad.any():
        out.rows(
            stage, bad, "value-mismatch",
            lambda rows: [f"value {v:g} disagrees with numerator / denominator, which gives {c:.6g} ({x})"
                          for v, c, x in zip(rows["__value"], rows["__computed"], _labels(rows), strict=True)],
            extra={"__value": value[bad], "__computed": computed[bad]},
        )  # fmt: skip


def _frequency_fit(stage: pd.DataFrame, framework: Framework, out: _Collector) -> None:
    """Monthly indicators need monthly data, quarterly ones monthly or quarterly; any may have year outturns."""
    longest = {"monthly": 1, "quarterly": 3}
    frequency = {i.id: i.frequency for i in framework.indicators.values()}
    limit = _per_indicator(stage, {i: longest.get(f or "", 12) for i, f in frequency.items()}, 12, "int64")
    months = stage["period_months"].to_numpy()
    bad = (months > limit) & (months != 12)  # a whole-year outturn is accepted for any indicator
    names = {1: "month", 3: "quarter", 12: "year"}
    out.rows(
        stage, bad, "period-frequency",
        lambda rows: [
            f"{i} is {frequency[i]} but this row is for a {names[m]} ({p}): give {frequency[i]} data"
            for i, m, p in zip(rows["indicator"].astype(object), rows["period_months"], rows["period"].astype(object), strict=True)
        ],
    )  # fmt: skip


def _series_key(stage: pd.DataFrame, with_period: bool) -> np.ndarray:
    """One int64 per indicator × area × band × period length (× period start), from integer codes.

    Mixed-radix over each column's codes; renumbered densely whenever the next column would overflow.
    """
    key = np.zeros(len(stage), dtype="int64")
    span = 1
    for column in ["indicator", "area", "band", "period_months"] + (["period_start"] if with_period else []):
        values = stage[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes, size = values.cat.codes.to_numpy().astype("int64") + 1, len(values.cat.categories) + 1
        else:
            numbers = values.to_numpy(dtype="int64")
            low = int(numbers.min()) if len(numbers) else 0
            codes, size = numbers - low, (int(numbers.max()) - low + 1 if len(numbers) else 1)
        if span * size >= 2**62:
            key, uniques = pd.factorize(key)
            key, span = key.astype("int64"), len(uniques)
        key = key * size + codes
        span *= size
    return key


def _groups_of(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by key (stably), where each run of equal keys starts, and each run's length."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) if len(key) else order
    return order, starts, np.diff(np.append(starts, len(key)))


def _duplicates(stage: pd.DataFrame, out: _Collector) -> pd.DataFrame:
    """Two rows for one indicator × area × period (× band) are an error; the first is kept."""
    order, starts, sizes = _groups_of(_series_key(stage, with_period=True))
    if len(starts) == len(stage):
        return stage
    first_of = np.empty(len(stage), dtype="int64")
    first_of[order] = np.repeat(order[starts], sizes)
    repeated = first_of != np.arange(len(stage))
    files = stage["file"].cat.codes.to_numpy()
    rows = stage["row"].to_numpy()
    earlier = first_of[repeated]
    file_names = stage["file"].cat.categories

    def messages(flagged: pd.DataFrame) -> list[str]:
        texts = []
        for label, file, first_file, first_row in zip(
            _labels(flagged), flagged["file"].astype(object), flagged["__first_file"], flagged["__first_row"],
            strict=True,
        ):  # fmt: skip
            where = (
                f"row {first_row}"
                if file_names[first_file] == file
                else f"{file_names[first_file]}:{first_row}"
            )
            texts.append(
                f"{label} appears twice: first on {where}; keep one row (or set `sum_duplicates: true` on the "
                "source to add such rows up)"
            )
        return texts

    out.rows(
        stage, repeated, "duplicate-row", messages,
        extra={"__first_file": files[earlier], "__first_row": rows[earlier]},
    )  # fmt: skip
    return stage.loc[~repeated].reset_index(drop=True)


def _series_checks(stage: pd.DataFrame, framework: Framework, out: _Collector, as_of: date | None) -> None:
    """Warnings per series and per indicator: missing periods, data after the report date, stale data."""
    frequency = {i.id: i.frequency or "" for i in framework.indicators.values()}
    natural = _per_indicator(stage, {i: frequency_months.get(f, 0) for i, f in frequency.items()}, 0, "int64")
    wider = _per_indicator(stage, {i: frequency_step.get(f, 0) for i, f in frequency.items()}, 0, "int64")
    months = stage["period_months"].to_numpy()
    step = np.where((natural > 0) & (natural <= months), np.maximum(months, wider), months)
    starts = stage["period_start"].to_numpy()
    order, bounds, sizes = _groups_of(_series_key(stage, with_period=False))
    ordered_starts = starts[order]
    first_start = np.minimum.reduceat(ordered_starts, bounds)
    last_start = np.maximum.reduceat(ordered_starts, bounds)
    series_step = step[order[bounds]]
    expected = (last_start - first_start) // series_step + 1
    gappy = np.flatnonzero(sizes < expected)
    gappy = gappy[np.argsort(order[bounds[gappy]], kind="stable")]  # in the order the series first appear
    described = {column: stage[column] for column in ("file", "indicator", "area", "band")}
    year_start = framework.year_start_month
    for series in gappy[:MAX_ROW_FINDINGS]:
        members = order[bounds[series] : bounds[series] + sizes[series]]
        row = {name: column.iat[members[0]] for name, column in described.items()}
        have = set(starts[members].tolist())
        length = int(months[members[0]])
        first = Period(int(first_start[series]), length, year_start)
        last = Period(int(last_start[series]), length, year_start)
        gaps = [
            p.label
            for p in expected_periods(first, last, frequency[row["indicator"]] or None)
            if p.start not in have
        ]
        if not gaps:
            continue
        shown = ", ".join(gaps[:12]) + (f" and {len(gaps) - 12} more" if len(gaps) > 12 else "")
        band = f", band {row['band']}" if isinstance(row["band"], str) else ""
        out.add(
            Finding(
                str(row["file"]), None, None, "warning", "missing-period",
                f"{row['indicator']}, {row['area']}{band}: no data for {shown} (between {first.label} and {last.label})",
            )
        )  # fmt: skip
    if as_of is None:
        return
    as_of_month = as_of.year * 12 + as_of.month - 1
    out.grouped(
        stage, starts > as_of_month, "indicator", "future-data",
        lambda ind: f"{ind} has data for periods after the report date {as_of.isoformat()}; check the period "
        "or set a later `as_of`",
        severity="warning",
    )  # fmt: skip
    indicator_codes = stage["indicator"].cat.codes.to_numpy()
    latest = (
        pd.DataFrame({"indicator": indicator_codes, "end": starts + months - 1, "step": step}, copy=False)
        .groupby("indicator")
        .agg(end=("end", "max"), step=("step", "max"))
    )
    stale = latest[as_of_month - latest["end"] > latest["step"] + STALE_GRACE_MONTHS]
    categories = stage["indicator"].cat.categories
    for code, info in stale.iterrows():
        indicator_id = categories[code]
        last_position = len(stage) - 1 - int(np.argmax(indicator_codes[::-1] == code))
        end = Period(int(info["end"]), 1, year_start)
        every = frequency[indicator_id] or f"{int(info['step'])}-monthly"
        out.add(
            Finding(
                str(stage["file"].iat[last_position]), None, None, "warning", "stale-data",
                f"{indicator_id}: the latest data ends {end.end_date.isoformat()}; for {every} data a newer "
                f"period was due by {as_of.isoformat()} (allowing {STALE_GRACE_MONTHS} months' grace)",
            )
        )  # fmt: skip


def _output_categorical(column: pd.Series, fill: str | None = None) -> tuple[pd.Categorical, np.ndarray]:
    """A text column for the output: its used categories sorted, `fill` for missing ones (kept as a category).

    Also returns each row's sort rank (missing first), so rows can be ordered by integer codes.
    """
    codes = column.cat.codes.to_numpy().astype("int64")
    categories = column.cat.categories
    used = np.bincount(codes[codes >= 0], minlength=len(categories)) > 0
    names = [str(c) for c in categories[used]]
    if fill is not None and fill not in names:
        names.append(fill)
    labels = pd.Index(sorted(names), dtype=object)
    lookup = np.append(labels.get_indexer(pd.Index([str(c) for c in categories], dtype=object)), -1)
    new_codes = lookup[np.where(codes < 0, len(categories), codes)]
    if fill is not None:
        new_codes = np.where(new_codes < 0, labels.get_loc(fill), new_codes)
    return pd.Categorical.from_codes(new_codes, categories=labels), new_codes + 1


def _period_categorical(stage: pd.DataFrame) -> pd.Categorical:
    """The period labels as a categorical whose categories are the periods present, in time order."""
    codes = stage["period"].cat.codes.to_numpy().astype("int64")
    categories = stage["period"].cat.categories
    starts = np.zeros(len(categories), dtype="int64")
    lengths = np.zeros(len(categories), dtype="int64")
    starts[codes] = stage["period_start"].to_numpy()
    lengths[codes] = stage["period_months"].to_numpy()
    used = np.bincount(codes, minlength=len(categories)) > 0
    order = np.flatnonzero(used)[np.lexsort((lengths[used], starts[used]))]
    lookup = np.full(len(categories), -1, dtype="int64")
    lookup[order] = np.arange(len(order))
    labels = pd.Index([str(c) for c in categories[order]], dtype=object)
    return pd.Categorical.from_codes(lookup[codes], categories=labels)


def _final_frame(stage: pd.DataFrame) -> pd.DataFrame:
    """The canonical table, sorted by indicator, area, band, period; text columns categorical."""
    indicator, indicator_rank = _output_categorical(stage["indicator"])
    area, area_rank = _output_categorical(stage["area"])
    band, band_rank = _output_categorical(stage["band"])
    columns: dict[str, Any] = {
        "indicator": indicator,
        "area": area,
        "period": _period_categorical(stage),
        "period_start": stage["period_start"].to_numpy(dtype="int64"),
        "period_months": stage["period_months"].to_numpy(dtype="int64"),
        "band": band,
        "value": stage["value"].to_numpy(dtype="float64"),
        "value_text": _output_categorical(stage["value_text"])[0],
        "numerator": stage["numerator"].to_numpy(dtype="float64"),
        "denominator": stage["denominator"].to_numpy(dtype="float64"),
        "ci_lower": stage["ci_lower"].to_numpy(dtype="float64"),
        "ci_upper": stage["ci_upper"].to_numpy(dtype="float64"),
        "missing": _output_categorical(stage["missing"], "")[0],
        "flag": _output_categorical(stage["flag"], "")[0],
        "note": _output_categorical(stage["note"], "")[0],
        "source": _output_categorical(stage["source"])[0],
        "row": stage["row"].to_numpy(dtype="int64"),
    }
    sort_keys = [indicator_rank, area_rank, band_rank, columns["period_start"], columns["period_months"]]
    key = _sort_key(sort_keys)
    if key is None or (len(key) > 1 and (np.diff(key) < 0).any()):
        order = np.lexsort(sort_keys[::-1]) if key is None else np.argsort(key, kind="stable")
        columns = {name: _permuted(values, order) for name, values in columns.items()}
    return pd.DataFrame(columns, copy=False)  # one block per column: no copy to consolidate them


def _permuted(values: Any, order: np.ndarray) -> Any:
    """The values in the given order; a column that is the same on every row (often ci_lower, band,
    note ...) is returned as it is."""
    if isinstance(values, pd.Categorical):
        same = len(values) == 0 or values.codes.min() == values.codes.max()
    else:
        same = values.dtype.kind == "f" and bool(np.isnan(values).all())
    return values if same else values.take(order)


def _sort_key(parts: list[np.ndarray]) -> np.ndarray | None:
    """The parts (non-negative integers, most significant first) packed into one int64; None if too wide."""
    key = np.zeros(len(parts[0]), dtype="int64")
    span = 1
    for part in parts:
        low = int(part.min()) if len(part) else 0
        size = (int(part.max()) - low + 1) if len(part) else 1
        span *= size
        if span >= 2**62:
            return None
        key = key * size + (part - low)
    return key
