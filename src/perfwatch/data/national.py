"""National statistics read as published: a table in a national publication's layout (named by
`format:` or recognised by its header) is made ready before the ordinary mapping, so analysts list the
downloaded file by path and map only what the layout cannot say (which measure is which indicator).

Rows for areas the framework does not have are left out with one `info` line: a national download holds
every area in the country.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfwatch.data.fingertips import FINGERTIPS_COLUMNS, adapt_fingertips, is_fingertips
from perfwatch.data.mapping import _lookup_column, apply_filter
from perfwatch.data.observations import Table
from perfwatch.data.publishers import LAYOUTS, layout_of
from perfwatch.errors import Finding
from perfwatch.framework.model import Framework
from perfwatch.framework.project import DataSource

SHOWN_AREAS = 5


@dataclass
class National:
    """A national table ready for mapping, the source to map it with, and what was left out."""

    table: Table | None
    """None when the table cannot be read in its layout (the findings say why)."""
    source: DataSource
    findings: list[Finding]
    published_comparison: pd.DataFrame | None = None
    intervals_998: dict[str, np.ndarray] | None = None


def national_format(table: Table, source: DataSource) -> str | None:
    """The national layout of a table: the source's `format:` word, else recognised by its header."""
    if source.national_format:
        return source.national_format
    if not source.has_mapping and is_fingertips(table.frame.columns):
        return "fingertips"
    return next((name for name, (test, _) in LAYOUTS.items() if test(table.frame)), None)


def read_national(table: Table, source: DataSource, framework: Framework) -> National | None:
    """The table ready for mapping when it is in a national layout; None when it is not."""
    layout = national_format(table, source)
    if layout is None:
        return None
    file_format = None if source.national_format else source.format
    plain = source.model_copy(update={"format": file_format, "filter": {}})

    def refused(message: str) -> National:
        return National(
            None, plain, [Finding(table.file, table.header_row, None, "error", "mapping", message)]
        )

    if source.filter:
        filtered = apply_filter(table, source)
        if isinstance(filtered, str):
            return refused(filtered)
        table, unmatched = filtered
        if unmatched:  # nothing left to recognise a layout in
            return refused(unmatched)
    recognised = (
        is_fingertips(table.frame.columns) if layout == "fingertips" else LAYOUTS[layout][0](table.frame)
    )
    if not recognised:
        expected = (
            f"a Fingertips export: {', '.join(FINGERTIPS_COLUMNS[:13])} ..."
            if layout == "fingertips"
            else LAYOUTS[layout][1]
        )
        return refused(
            f"this is named `format: {layout}` but its header is not that layout's ({expected}); download the "
            f"file again as published, or drop `format: {layout}` and map the columns"
        )
    if layout == "fingertips":
        adapted = adapt_fingertips(table, framework)
        return National(adapted.table, DataSource(path=source.path, format=file_format), adapted.findings,
                        adapted.published_comparison, adapted.intervals_998)  # fmt: skip
    ready = layout_of(layout, table.frame, source.columns.get("value"))
    given = set(source.columns) | set(source.constants) | set(source.compute)
    if source.wide is not None:
        given |= {source.wide.columns_are, source.wide.value}
    if source.sheet_is:
        given.add(source.sheet_is)
    columns = {**{k: v for k, v in ready.defaults.items() if k not in given}, **source.columns}
    findings = [
        Finding(table.file, table.header_row, None, "info", f"{layout}-layout", n) for n in ready.notes
    ]
    table = Table(ready.frame, table.rows, table.file, table.source, table.sheet, table.header_row)
    table, skipped = _framework_areas(table, columns.get("area"), framework)
    findings += skipped
    return National(table, plain.model_copy(update={"columns": columns}), findings)


def _framework_areas(
    table: Table, area_column: str | None, framework: Framework
) -> tuple[Table, list[Finding]]:
    """Rows whose area is not in the framework (by id or code) left out, said in one `info` line."""
    column = _lookup_column(table.frame, area_column) if area_column else None
    if column is None or not framework.areas:
        return table, []
    known = {a.id.casefold() for a in framework.areas} | {
        a.code.casefold() for a in framework.areas if a.code
    }
    codes, uniques = pd.factorize(table.frame[column].astype(object), use_na_sentinel=True)
    texts = [str(u).strip().removesuffix(".0") for u in uniques]
    ours = np.array([t.casefold() in known for t in texts] + [True], dtype=bool)
    keep = ours[np.where(codes < 0, len(uniques), codes)]
    if keep.all():
        return table, []
    others = sorted({t for t, o in zip(texts, ours, strict=False) if not o})
    shown = ", ".join(others[:SHOWN_AREAS]) + (
        f" and {len(others) - SHOWN_AREAS} more" if len(others) > SHOWN_AREAS else ""
    )
    left = int((~keep).sum())
    message = (
        f"{left} {'row' if left == 1 else 'rows'} for {len(others)} {'area' if len(others) == 1 else 'areas'} "
        f"not in the framework were left out ({column}: {shown}); add an area with that `code` to report it"
    )
    frame = table.frame.loc[keep].reset_index(drop=True)
    kept = Table(frame, table.rows[keep], table.file, table.source, table.sheet, table.header_row)
    return kept, [Finding(table.file, None, None, "info", "other-areas", message)]
