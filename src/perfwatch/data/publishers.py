"""Layouts of national open-data tables other than Fingertips, read as published.

Each layout is recognised by its header (or named with `format:`) and supplies what every analyst would
otherwise map by hand: which column is the area and which the period, the publisher's own period spelling,
total rows and quality flags. The value (which measure of a cube) and the indicator still come from the
source's `columns` / `compute` / `constants` / `filter`, so one download can feed several indicators.

- `phs`: Public Health Scotland open data (CKAN datastore CSV): CamelCase columns, area codes in `HBT`,
  `HB`, `HSCP`, `CA` or `Country`, months written `201607` (`MonthOfDelay`, `Month`), a `QF` qualifier
  column beside each measure (`c` confidential, `:` not available, `p` provisional, `r` revised).
- `statswales`: StatsWales OData / CSV extract: `Data` and, per dimension, `<Dim>_Code`,
  `<Dim>_ItemName_ENG` (newer feeds add a type suffix, `Date_ItemName_ENG_STR`).
- `nhse-ae`: NHS England monthly A&E attendances and emergency admissions CSV: `Period`
  (`MSitAE-MARCH-2019`), `Org Code`, `Parent Org`, `Org name`, the measure columns, and a `TOTAL` row
  (England, whose `Period` may itself read `TOTAL`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PHS_AREA_COLUMNS = ("HBT", "HB", "HBR", "HSCP", "CA", "LA", "Country")
PHS_PERIOD_COLUMNS = (
    "MonthOfDelay", "Month", "MonthEnding", "Quarter", "QuarterEnding", "FinancialYear", "Year", "Date",
    "WeekEnding",
)  # fmt: skip
PHS_FLAGS = {"p": "provisional", "r": "revised"}
STATSWALES_AREA_DIMENSIONS = (
    "Area", "LocalAuthority", "Localauthority", "LocalHealthBoard", "Localhealthboard", "LHBProvider",
    "Localhealthboardprovider", "Organisation", "Hospital", "HealthBoard",
)  # fmt: skip
STATSWALES_PERIOD_DIMENSIONS = ("Date", "Month", "Quarter", "Year", "Financialyear", "Period")
NHSE_AE_COLUMNS = ("Period", "Org Code", "Parent Org", "Org name", "A&E attendances Type 1")
ENGLAND_CODE = "E92000001"
_STATSWALES_SUFFIX = re.compile(r"_(STR|INT|DEC|DBL|FLT|NUM|BOOL|DATE)$", re.IGNORECASE)
_MONTHS = {
    "JANUARY": 1, "FEBRUARY": 2, "MARCH": 3, "APRIL": 4, "MAY": 5, "JUNE": 6, "JULY": 7, "AUGUST": 8,
    "SEPTEMBER": 9, "OCTOBER": 10, "NOVEMBER": 11, "DECEMBER": 12,
}  # fmt: skip


@dataclass
class Layout:
    """A publisher's table made ready for the ordinary mapping: the frame (periods spelled as perfwatch
    reads them, totals placed, flags filled), default columns for `area`, `period` (and `flag`), and what
    was done, as `info` findings."""

    frame: pd.DataFrame
    defaults: dict[str, str]
    notes: list[str] = field(default_factory=list)


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    return {" ".join(str(c).split()).casefold(): c for c in frame.columns}


def _first(frame: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    columns = _columns(frame)
    return next((columns[n.casefold()] for n in names if n.casefold() in columns), None)


def _distinct_map(column: pd.Series, convert: Callable[[str], str]) -> pd.Series:
    """A text conversion applied once per distinct value."""
    codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=True)
    converted = np.array([convert(str(u)) for u in uniques] + [None], dtype=object)
    return pd.Series(converted[np.where(codes < 0, len(uniques), codes)], index=column.index, dtype=object)


# --- Public Health Scotland ---------------------------------------------------------------------------


def is_phs(frame: pd.DataFrame) -> bool:
    has_area = _first(frame, PHS_AREA_COLUMNS) is not None
    has_period = _first(frame, PHS_PERIOD_COLUMNS) is not None
    qualified = any(str(c).endswith("QF") for c in frame.columns)
    return has_area and has_period and (qualified or _first(frame, ("MonthOfDelay",)) is not None)


def _phs_period(text: str) -> str:
    """`201607` is July 2016, `20160731` a day in it; other spellings are read by perfwatch's parser."""
    text = text.strip().removesuffix(".0")
    if re.fullmatch(r"\d{6}", text):
        return f"{text[:4]}-{text[4:]}"
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


def phs_layout(frame: pd.DataFrame, value_column: str | None) -> Layout:
    area = _first(frame, PHS_AREA_COLUMNS)
    period = _first(frame, PHS_PERIOD_COLUMNS)
    assert area is not None and period is not None
    frame = frame.copy()
    frame[period] = _distinct_map(frame[period], _phs_period)
    defaults = {"area": area, "period": period}
    notes = []
    qualifier = _first(frame, (f"{value_column}QF",)) if value_column else None
    if qualifier is not None:
        flags = _distinct_map(frame[qualifier], lambda q: q.strip().lower()).fillna("")
        blank = frame[value_column].isna().to_numpy()
        confidential = blank & (flags == "c").to_numpy()
        if confidential.any():  # blank because suppressed, not because unknown
            frame[value_column] = frame[value_column].astype(object).where(~confidential, "c")
            notes.append(f"{int(confidential.sum())} values marked `c` in {qualifier} are read as suppressed")
        frame["__phs_flag"] = flags.map(PHS_FLAGS).fillna("")
        defaults["flag"] = "__phs_flag"
    return Layout(frame, defaults, notes)


# --- StatsWales ---------------------------------------------------------------------------------------


def _statswales_name(name: str) -> str:
    return _STATSWALES_SUFFIX.sub("", str(name))


def is_statswales(frame: pd.DataFrame) -> bool:
    names = {_statswales_name(c) for c in frame.columns}
    codes = {n[: -len("_Code")] for n in names if n.endswith("_Code")}
    return "Data" in names and any(f"{d}_ItemName_ENG" in names for d in codes)


def statswales_layout(frame: pd.DataFrame) -> Layout:
    frame = frame.rename(columns={c: _statswales_name(c) for c in frame.columns})
    area = next((f"{d}_Code" for d in STATSWALES_AREA_DIMENSIONS if f"{d}_Code" in frame.columns), None)
    period = next(
        (f"{d}_ItemName_ENG" for d in STATSWALES_PERIOD_DIMENSIONS if f"{d}_ItemName_ENG" in frame.columns),
        None,
    )
    defaults = {"value": "Data"}
    if area:
        defaults["area"] = area
    if period:
        defaults["period"] = period
    return Layout(frame, defaults)


# --- NHS England A&E ----------------------------------------------------------------------------------


def is_nhse_ae(frame: pd.DataFrame) -> bool:
    return all(_first(frame, (name,)) is not None for name in NHSE_AE_COLUMNS)


def _nhse_period(text: str) -> str:
    """`MSitAE-MARCH-2019` is March 2019 (as `2019-03`); anything else is left for the parser."""
    match = re.fullmatch(r"\s*MSit\w*-([A-Za-z]+)-(\d{4})\s*", text)
    if match and match.group(1).upper() in _MONTHS:
        return f"{match.group(2)}-{_MONTHS[match.group(1).upper()]:02d}"
    return text.strip()


def nhse_ae_layout(frame: pd.DataFrame) -> Layout:
    org, period, parent = (_first(frame, (n,)) for n in ("Org Code", "Period", "Parent Org"))
    assert org is not None and period is not None and parent is not None
    frame = frame.copy()
    frame[period] = _distinct_map(frame[period], _nhse_period)
    frame[parent] = _distinct_map(frame[parent], str.strip)
    total = np.zeros(len(frame), dtype=bool)
    for column in (org, period, parent):
        total |= (_distinct_map(frame[column], lambda v: v.strip().upper()) == "TOTAL").to_numpy()
    notes = []
    if total.any():
        months = pd.unique(frame.loc[~total, period].dropna())
        frame[org] = frame[org].astype(object).where(~total, ENGLAND_CODE)
        if len(months) == 1:  # a month's file: its total row is England in that month
            frame[period] = frame[period].where(~total, months[0])
        notes.append(f"the TOTAL row is England (area code {ENGLAND_CODE})")
    return Layout(frame, {"area": org, "period": period}, notes)


LAYOUTS: dict[str, tuple[Callable[[pd.DataFrame], bool], str]] = {
    "nhse-ae": (is_nhse_ae, "NHS England monthly A&E CSV (Period, Org Code, Parent Org, Org name, ...)"),
    "statswales": (is_statswales, "StatsWales extract (Data, <Dimension>_Code, <Dimension>_ItemName_ENG)"),
    "phs": (
        is_phs,
        "Public Health Scotland open data (an area column such as HBT and a period such as MonthOfDelay)",
    ),
}
"""Each layout's test of a header and how its header looks, for messages."""


def layout_of(name: str, frame: pd.DataFrame, value_column: str | None) -> Layout:
    """The named publisher's layout of a table."""
    if name == "phs":
        return phs_layout(frame, value_column)
    if name == "statswales":
        return statswales_layout(frame)
    return nhse_ae_layout(frame)
