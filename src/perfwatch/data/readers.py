"""Read a data source into one `Table` per sheet, remembering each row's number in the file (CSV: the header
is row 1; XLSX: the spreadsheet's own row numbers; Parquet: record numbers). Large CSVs go through pyarrow.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from perfwatch.boundary import UnsafeFile, open_regular, read_bytes
from perfwatch.data.observations import Table
from perfwatch.data.values import (
    did_you_mean,
)
from perfwatch.data.workbook import SheetTooLarge, check_workbook, unsupported_parquet_columns
from perfwatch.errors import Finding
from perfwatch.framework.project import DataSource
from perfwatch.safetext import excerpt, listing

PYARROW_MIN_BYTES = 8 * 1024 * 1024  # files this big are parsed by pyarrow (faster) rather than pandas

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
    try:
        with open_regular(path) as handle:
            head = handle.read(65536)
    except UnsafeFile as error:
        return problem(f"{error}; name a CSV, XLSX or Parquet file")
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
            unsupported = unsupported_parquet_columns(path)
            if unsupported:
                return problem(
                    f"column {excerpt(unsupported[0][0])} holds {unsupported[0][1]} values, which perfwatch "
                    "cannot read: a data column holds numbers, text or dates"
                    + (
                        f" (also {listing(name for name, _ in unsupported[1:])})"
                        if len(unsupported) > 1
                        else ""
                    ),
                    "unsupported-column",
                )
            frame = pd.read_parquet(path)
            frame.columns = [str(c) for c in frame.columns]
            return [Table(frame, np.arange(1, len(frame) + 1, dtype="int64"), file, file)], []
        return _read_csv(path, file, source, set(text_columns))
    except SheetTooLarge as error:
        return problem(str(error), "sheet-too-large")
    except Exception as error:  # a file that a reader library rejects is the user's problem, not a crash
        return problem(
            f"cannot read the file as {kind.upper()}: {type(error).__name__}: {excerpt(error, 200)}"
        )


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
    raw = read_bytes(path, limit=None)
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
    frame, rows, ended = _drop_blank_rows(frame, rows, source, file)
    return [Table(frame, rows, file, file, header_row=source.header_row)], findings + ended


def _drop_blank_rows(
    frame: pd.DataFrame, rows: np.ndarray, source: DataSource, file: str, where: str = ""
) -> tuple[pd.DataFrame, np.ndarray, list[Finding]]:
    """Blank rows left out; with `ends_at_blank_row`, everything from the first blank row under the data
    too (notes and sources under a spreadsheet table), said in one `info` line."""
    blank = frame.isna().all(axis=1).to_numpy()
    findings = []
    if source.ends_at_blank_row:
        ends = np.flatnonzero(blank & (np.cumsum(~blank) > 0))
        if len(ends):
            cut = int(ends[0])
            below = int((~blank[cut:]).sum())
            if below:
                message = (
                    f"{where}the table ends at the blank row {int(rows[cut])} (`ends_at_blank_row`): the "
                    f"{below} filled {'row' if below == 1 else 'rows'} below it are notes, not data, and are not read"
                )
                findings.append(Finding(file, int(rows[cut]), None, "info", "table-end", message))
            frame, rows, blank = frame.iloc[:cut], rows[:cut], blank[:cut]
    if blank.any():
        frame, rows = frame.loc[~blank].reset_index(drop=True), rows[~blank]
    return frame, rows, findings


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
    tables, findings = [], check_workbook(path, file, chosen)
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
        frame, rows, ended = _drop_blank_rows(frame, rows, source, file, f"sheet {name!r}: ")
        findings.extend(ended)
        unnamed = [c for c in frame.columns if c.startswith("column ") and frame[c].isna().all()]
        frame = frame.drop(columns=unnamed)
        tables.append(Table(frame, rows, file, label, sheet=name, header_row=source.header_row))
    return tables, findings
