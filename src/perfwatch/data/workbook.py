"""Checks on a workbook's own structure before a reader library allocates anything for it.

calamine turns a sheet into a dense grid spanning its used range: one cell at A1 and one at XFD1048576 in a
1.7 KB file asks for 17 billion cells and aborts the process. So the sheet's XML is scanned first, streamed
from the zip in blocks with byte regular expressions (no per-cell Python), for its used range, and a sheet
whose range or XML is larger than perfwatch reads is refused with a message naming the sheet and range.
The same scan finds formulas saved without a value (a workbook written by a program that does not
calculate), which calamine would read as empty cells in silence.

Parquet files are checked by their schema for nested columns (lists, structs, maps) in the same spirit.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree

from perfwatch.errors import Finding
from perfwatch.safetext import excerpt

MAX_SHEET_CELLS = 30_000_000
"""The largest used range read (rows × columns); a million rows of 30 columns. calamine needs ~40 bytes a cell."""
MAX_PART_BYTES = 1 << 30
"""The largest uncompressed part of a workbook (a sheet's XML, the shared strings) read."""
MAX_INDEX_BYTES = 16 << 20
"""The largest workbook index (`xl/workbook.xml`, its relationships) parsed."""
BLOCK_BYTES = 8 << 20
_OVERLAP = 4096  # a cell element split across two blocks is found in the second

_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z0-9:]{1,30})"')
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)'
    rb"\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
FORMULA_CELLS_LISTED = 5


class SheetTooLarge(ValueError):
    """A sheet (or a part of the workbook) larger than perfwatch reads; the message names it."""


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip member holding its XML."""

    def parsed(member: str) -> ElementTree.Element:
        if archive.getinfo(member).file_size > MAX_INDEX_BYTES:
            raise SheetTooLarge(f"the workbook's {member} is larger than {MAX_INDEX_BYTES:,} bytes")
        return ElementTree.fromstring(archive.read(member))

    relations = parsed("xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in relations.iter(f"{_NS_PACKAGE_REL}Relationship")}
    parts = {}
    for sheet in parsed("xl/workbook.xml").iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        parts[sheet.get("name", "")] = member
    return parts


def _scan_sheet(
    archive: zipfile.ZipFile, member: str
) -> tuple[bytes | None, tuple[int, int, int, int] | None, list[bytes]]:
    """(declared dimension, used range as (first row, last row, first column, last column), formula cells)."""
    declared = None
    rows: set[bytes] = set()
    columns: set[bytes] = set()
    formulas: list[bytes] = []
    tail = b""
    with archive.open(member) as stream:
        while block := stream.read(BLOCK_BYTES):
            text = tail + block
            if declared is None and (found := _DIMENSION.search(text)):
                declared = found.group(1)
            # Matches that end in the overlap are found again with the next block; sets make that harmless.
            for column, row in _CELL_REF.findall(text):
                columns.add(column)
                rows.add(row)
            scanned = text if len(block) < BLOCK_BYTES else text[: len(text) - _OVERLAP]
            formulas += _FORMULA_WITHOUT_VALUE.findall(scanned)
            tail = text[len(scanned) :] if len(block) == BLOCK_BYTES else b""
        if tail:
            formulas += _FORMULA_WITHOUT_VALUE.findall(tail)
    if not rows:
        return declared, None, list(dict.fromkeys(formulas))
    row_numbers = [int(r) for r in rows]
    column_numbers = [_column_number(c) for c in columns]
    used = (min(row_numbers), max(row_numbers), min(column_numbers), max(column_numbers))
    return declared, used, list(dict.fromkeys(formulas))


def _range_text(used: tuple[int, int, int, int]) -> str:
    from perfwatch.data.readers import _column_letter

    first_row, last_row, first_column, last_column = used
    return f"{_column_letter(first_column - 1)}{first_row}:{_column_letter(last_column - 1)}{last_row}"


def check_workbook(path: Path, file: str, sheets: Iterable[str]) -> list[Finding]:
    """Refuse (`SheetTooLarge`) a workbook whose chosen sheets are too large; warn of formulas with no value."""
    findings = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.file_size > MAX_PART_BYTES:
                raise SheetTooLarge(
                    f"the workbook's part {excerpt(info.filename)} expands to {info.file_size:,} bytes; "
                    f"perfwatch reads parts up to {MAX_PART_BYTES:,} bytes: save the sheet you need as CSV"
                )
        parts = _sheet_parts(archive)
        for name in sheets:
            member = parts.get(name)
            if member is None or member not in archive.namelist():
                continue
            declared, used, formulas = _scan_sheet(archive, member)
            if used is not None:
                cells = (used[1] - used[0] + 1) * (used[3] - used[2] + 1)
                if cells > MAX_SHEET_CELLS:
                    declared_text = f" (it declares {declared.decode()})" if declared else ""
                    raise SheetTooLarge(
                        f"sheet {excerpt(name)} spans {_range_text(used)}{declared_text}, {cells:,} cells; "
                        f"perfwatch reads sheets of up to {MAX_SHEET_CELLS:,} cells: delete the stray cells "
                        "far below or to the right of the table (Ctrl+End finds them), or save the sheet as CSV"
                    )
            if formulas:
                cells_text = ", ".join(c.decode() for c in formulas[:FORMULA_CELLS_LISTED])
                more = len(formulas) - FORMULA_CELLS_LISTED
                first_row = int(re.sub(rb"[A-Z]", b"", formulas[0]))
                findings.append(
                    Finding(
                        file,
                        first_row,
                        None,
                        "warning",
                        "formula-without-value",
                        f"sheet {excerpt(name)}: cell {cells_text}{f' and {more:,} more' if more > 0 else ''} "
                        "holds a formula with no saved value, read as empty: open the workbook in Excel and "
                        "save it, so the calculated values are stored",
                    )  # fmt: skip
                )
    return findings


def unsupported_parquet_columns(path: Path) -> list[tuple[str, str]]:
    """(column, type) for each Parquet column perfwatch cannot read: nested lists, structs, maps, binary."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    unsupported = []
    for field in pq.read_schema(path):
        kind = field.type
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
        if pa.types.is_nested(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            unsupported.append((field.name, str(kind)))
    return unsupported
