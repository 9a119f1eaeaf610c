"""National statistics read as published: a table in a national publication's layout (named by
`format:` or recognised by its header) is turned into canonical columns before the ordinary mapping,
so analysts list the downloaded file by path and write no mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from perfwatch.data.fingertips import adapt_fingertips, is_fingertips
from perfwatch.data.mapping import apply_filter
from perfwatch.data.observations import Table
from perfwatch.errors import Finding
from perfwatch.framework.model import Framework
from perfwatch.framework.project import DataSource


@dataclass
class National:
    """A national table in canonical columns, the plain source to map it with, and what was left out."""

    table: Table | None
    """None when the table cannot be read in its layout (the findings say why)."""
    source: DataSource
    findings: list[Finding]
    published_comparison: pd.DataFrame | None = None


def national_format(table: Table, source: DataSource) -> str | None:
    """The national layout of a table: the source's `format:` word, else recognised by its header."""
    if source.national_format:
        return source.national_format
    if source.has_mapping:
        return None
    if is_fingertips(table.frame.columns):
        return "fingertips"
    return None


def read_national(table: Table, source: DataSource, framework: Framework) -> National | None:
    """The table in canonical columns when it is in a national layout; None when it is not."""
    layout = national_format(table, source)
    if layout is None:
        return None
    plain = DataSource(path=source.path, format=None if source.national_format else source.format)
    if source.filter:
        filtered = apply_filter(table, source)
        if isinstance(filtered, str):
            problem = Finding(table.file, table.header_row, None, "error", "mapping", filtered)
            return National(None, plain, [problem])
        table = filtered
    if not is_fingertips(table.frame.columns):
        missing = "Indicator ID, Area Code, Time period, Value, Lower CI 95.0 limit, Category Type"
        problem = Finding(
            table.file, table.header_row, None, "error", "mapping",
            f"this is named `format: {layout}` but its header is not a Fingertips export's (it needs the "
            f"columns {missing}); download the data again from Fingertips, or drop `format: {layout}` and "
            "map the columns",
        )  # fmt: skip
        return National(None, plain, [problem])
    adapted = adapt_fingertips(table, framework)
    return National(adapted.table, plain, adapted.findings, adapted.published_comparison)
