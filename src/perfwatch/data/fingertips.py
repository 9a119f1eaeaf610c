"""Fingertips (OHID public health profiles) exports read as published, with no mapping.

The website's "download data" CSV and the API's `all_data/csv/by_indicator_id` / `by_profile_id` CSVs share
one 27-column layout. Each framework indicator names its Fingertips indicator (`fingertips: 93085`, or
`{id: 90366, sex: Male}`); areas are matched by their `code`. The published value and interval are used as
published (they are often weighted or standardised, so Count / Denominator need not reproduce them).
Everything the export holds that the framework does not ask for is left out with one `info` line each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfwatch.data.observations import Table
from perfwatch.errors import Finding
from perfwatch.framework.model import Framework, Indicator

FINGERTIPS_COLUMNS = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type",
    "Sex", "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit",
    "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator",
    "Value note", "Recent Trend", "Compared to England value or percentiles", "Compared to percentiles",
    "Time period Sortable", "New data", "Compared to goal", "Time period range",
)  # fmt: skip
"""The published layout (website download and API CSV), in order."""

_RECOGNISED_BY = ("Indicator ID", "Area Code", "Time period", "Value", "Lower CI 95.0 limit", "Category Type")
_SERIES_COLUMNS = ("Sex", "Age", "Category Type", "Category")
COMPARED_TO_ENGLAND = "Compared to England value or percentiles"
PUBLISHED_998 = ("ci998_lower", "ci998_upper")
"""Optional observation columns: 99.8% limits published beside the 95% ones (`ci_lower`, `ci_upper`)."""
SHOWN_EXAMPLES = 5


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def is_fingertips(columns: Iterable[str]) -> bool:
    """Whether a table's header is a Fingertips export's."""
    present = {_key(c) for c in columns}
    return all(_key(c) in present for c in _RECOGNISED_BY)


@dataclass
class Adapted:
    """A national table in canonical columns (`indicator, area, period, value, ...`) and what was left out."""

    table: Table
    findings: list[Finding]
    published_comparison: pd.DataFrame | None = None
    intervals_998: dict[str, np.ndarray] | None = None
    """The published 99.8% limits, row for row with `table` (the observations' optional ci998 columns)."""


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as stripped text, `""` where empty or absent; cleaned once per distinct value."""
    columns = {_key(c): c for c in frame.columns}
    if _key(name) not in columns:
        return pd.Series(pd.Categorical([""] * len(frame)))
    codes, uniques = pd.factorize(frame[columns[_key(name)]], use_na_sentinel=True)
    cleaned = [str(u).strip() for u in uniques] + [""]
    labels = pd.Index(cleaned, dtype=object).unique()
    lookup = labels.get_indexer(pd.Index(cleaned, dtype=object))
    return pd.Series(
        pd.Categorical.from_codes(lookup[np.where(codes < 0, len(uniques), codes)], categories=labels)
    )


def _number(frame: pd.DataFrame, name: str) -> np.ndarray:
    columns = {_key(c): c for c in frame.columns}
    if _key(name) not in columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[columns[_key(name)]], errors="coerce").to_numpy(dtype="float64")


def _count(number: int, noun: str) -> str:
    return f"{int(number)} {noun}{'' if number == 1 else 's'}"


def _examples(values: Iterable[str]) -> str:
    values = sorted({str(v) for v in values})
    shown = ", ".join(values[:SHOWN_EXAMPLES])
    return shown + (f" and {len(values) - SHOWN_EXAMPLES} more" if len(values) > SHOWN_EXAMPLES else "")


def _series_rows(
    indicator: Indicator, ids: np.ndarray, parts: dict[str, pd.Series], file: str, header_row: int
) -> tuple[np.ndarray, Finding | None]:
    """The rows of an indicator's Fingertips series, or a finding when its ID carries several series."""
    spec = indicator.fingertips_series
    assert spec is not None
    rows = ids == spec.id
    rows &= (parts["Category Type"] == (spec.category_type or "")).to_numpy()
    rows &= (parts["Category"] == (spec.category or "")).to_numpy()
    for column, wanted in (("Sex", spec.sex), ("Age", spec.age)):
        if wanted is not None:  # compared once per distinct value, ignoring case
            values = parts[column]
            matching = np.flatnonzero(values.cat.categories.str.casefold() == wanted.casefold())
            rows &= np.isin(values.cat.codes.to_numpy(), matching)
    combinations = pd.DataFrame({c: parts[c][rows].astype(object) for c in ("Sex", "Age")}).drop_duplicates()
    if len(combinations) > 1:
        listed = "; ".join(f"sex: {s}, age: {a}" for s, a in combinations.itertuples(index=False))
        message = (
            f"{indicator.id}: Fingertips indicator {spec.id} carries {len(combinations)} series ({listed}); "
            f"name one in the framework, e.g. `fingertips: {{id: {spec.id}, sex: {combinations.iat[0, 0]}, "
            f"age: {combinations.iat[0, 1]}}}`"
        )
        return np.zeros(len(ids), dtype=bool), Finding(
            file, header_row, None, "error", "fingertips-series", message
        )
    return rows, None


def _counts_without_interval(out: pd.DataFrame, per: np.ndarray, info: Callable[[str, str], None]) -> None:
    """Where a value is published without an interval and its counts do not reproduce it (a weighted or
    standardised figure), the counts are dropped: an interval computed from them would sit around another
    number than the one published."""
    value = out["value"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = out["numerator"].to_numpy() / out["denominator"].to_numpy() * per
    differs = ~(np.abs(computed - value) <= np.maximum(0.005 * np.abs(value), 0.05))
    unsafe = np.isnan(out["ci_lower"].to_numpy()) & ~np.isnan(value) & ~np.isnan(computed) & differs
    if unsafe.any():
        out.loc[unsafe, ["numerator", "denominator"]] = np.nan
        info(
            "fingertips-counts-dropped",
            f"{_count(unsafe.sum(), 'value')} published without an interval and not reproduced by Count / "
            "Denominator (weighted or standardised) are shown without an interval; their counts are not used",
        )


def adapt_fingertips(table: Table, framework: Framework) -> Adapted:
    """The export's rows for the framework's indicators and areas, in canonical columns."""
    frame, file = table.frame, table.file
    findings: list[Finding] = []

    def info(code: str, message: str) -> None:
        findings.append(Finding(file, None, None, "info", code, message))

    ids = _number(frame, "Indicator ID")
    parts = {c: _text(frame, c) for c in _SERIES_COLUMNS}
    named = [i for i in framework.indicators.values() if i.fingertips is not None]
    chosen: list[np.ndarray] = []
    labels: list[str] = []
    claimed_ids = set()
    for indicator in named:
        rows, problem = _series_rows(indicator, ids, parts, file, table.header_row)
        claimed_ids.add(indicator.fingertips_series.id)  # type: ignore[union-attr]
        if problem is not None:
            findings.append(problem)
            continue
        chosen.append(np.flatnonzero(rows))
        labels.append(indicator.id)
    positions = np.concatenate(chosen) if chosen else np.array([], dtype="int64")
    indicator_codes = np.repeat(np.arange(len(labels)), [len(c) for c in chosen]) if chosen else positions

    unclaimed_id = ~np.isin(ids, list(claimed_ids))
    if unclaimed_id.any():
        info(
            "fingertips-other-indicators",
            f"{_count(unclaimed_id.sum(), 'row')} for Fingertips indicators no framework indicator names were left "
            f"out (IDs {_examples(pd.unique(ids[unclaimed_id]).astype('int64'))}); add `fingertips: ID` to an "
            "indicator to report one",
        )
    used = np.zeros(len(frame), dtype=bool)
    used[positions] = True
    breakdown = ~used & ~unclaimed_id & (parts["Category Type"] != "").to_numpy()
    if breakdown.any():
        info(
            "fingertips-breakdowns",
            f"{_count(breakdown.sum(), 'inequality breakdown row')} (Category Type "
            f"{_examples(parts['Category Type'][breakdown])}) are kept out of the indicators' own series; "
            "report one as its own indicator with `fingertips: {id: ..., category_type: ..., category: ...}`",
        )

    other_series = ~used & ~unclaimed_id & (parts["Category Type"] == "").to_numpy()
    if other_series.any():
        shown = pd.DataFrame(
            {c: parts[c][other_series].astype(object) for c in ("Sex", "Age")}
        ).drop_duplicates()
        info(
            "fingertips-other-series",
            f"{_count(other_series.sum(), 'row')} of other series of the named indicators were left out ("
            f"{_examples(f'sex {s}, age {a}' for s, a in shown.itertuples(index=False))}); name one with "
            "`fingertips: {id: ..., sex: ..., age: ...}` to report it",
        )

    area_code = _text(frame, "Area Code").iloc[positions].astype(object).to_numpy()
    by_code = {a.code.casefold(): a.id for a in framework.areas if a.code} | {
        a.id.casefold(): a.id for a in framework.areas
    }
    if framework.areas:
        area = pd.Series(area_code, dtype=object).str.casefold().map(by_code).to_numpy(dtype=object)
        unknown = pd.isna(area)
        if unknown.any():
            names = _text(frame, "Area Name").iloc[positions[unknown]].astype(object)
            shown = pd.Series(area_code[unknown]) + " " + names.reset_index(drop=True)
            info(
                "fingertips-other-areas",
                f"{_count(unknown.sum(), 'row')} for {_count(len(set(area_code[unknown])), 'area')} not in the framework were "
                f"left out (e.g. {_examples(shown.drop_duplicates().head(SHOWN_EXAMPLES))}); add an area with "
                "that `code` to report it",
            )
            positions, indicator_codes, area = positions[~unknown], indicator_codes[~unknown], area[~unknown]
    else:
        area = area_code

    out = pd.DataFrame(
        {
            "indicator": pd.Categorical.from_codes(
                indicator_codes, categories=pd.Index(labels, dtype=object)
            ),
            "area": pd.Categorical(area),
            "period": _text(frame, "Time period").iloc[positions].to_numpy(),
            "value": _number(frame, "Value")[positions],
            "ci_lower": _number(frame, "Lower CI 95.0 limit")[positions],
            "ci_upper": _number(frame, "Upper CI 95.0 limit")[positions],
            "numerator": _number(frame, "Count")[positions],
            "denominator": _number(frame, "Denominator")[positions],
            "note": _text(frame, "Value note").iloc[positions].to_numpy(),
            "ci998_lower": _number(frame, "Lower CI 99.8 limit")[positions],
            "ci998_upper": _number(frame, "Upper CI 99.8 limit")[positions],
        }
    )
    rows = table.rows[positions]
    per = np.array([framework.indicators[label].effective_per for label in labels] + [1.0])[indicator_codes]
    _counts_without_interval(out, per, info)
    repeated = out.duplicated(keep="first").to_numpy()
    if repeated.any():  # the same area under several area types (geography versions) in one API download
        info(
            "fingertips-repeated-rows",
            f"{_count(repeated.sum(), 'row')} repeating an earlier row exactly (the same area listed under several "
            "area types): each is read once",
        )
        out, rows = out.loc[~repeated].reset_index(drop=True), rows[~repeated]
        positions = positions[~repeated]
    comparison = pd.DataFrame(
        {
            "indicator": out["indicator"].astype(object),
            "area": out["area"].astype(object),
            "period_raw": out["period"].astype(object),
            "published": _text(frame, COMPARED_TO_ENGLAND).iloc[positions].astype(object).to_numpy(),
            "file": file,
            "row": rows,
        }
    )
    wide = {column: out.pop(column).to_numpy() for column in PUBLISHED_998}
    adapted = Table(out, rows, file, table.source, table.sheet, table.header_row)
    return Adapted(adapted, findings, comparison, wide)
