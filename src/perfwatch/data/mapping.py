"""Map a read table to the canonical columns: filter rows, melt wide tables, rename columns, add constants,
compute columns, clean the numbers (`data/values.py`), parse the periods (`framework/periods.py`), sum
duplicates when asked. Everything per row is vectorised; loops run over distinct values.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from perfwatch.contracts import MAPPED
from perfwatch.data.observations import (
    _OPERATORS,
    KEY_COLUMNS,
    NUMERIC_COLUMNS,
    TEXT_COLUMNS,
    Table,
    _empty_stage,
)
from perfwatch.data.values import (
    MISSING_REASONS,
    NOT_AVAILABLE,
    clean_column,
    did_you_mean,
    distinct_values,
)
from perfwatch.errors import Finding
from perfwatch.framework.model import Framework
from perfwatch.framework.periods import (
    parse_periods,
)
from perfwatch.framework.project import DataSource, parse_expression

# --- mapping ------------------------------------------------------------------------------------------


@dataclass
class _Mapped:
    """A table in canonical columns (`contracts.MAPPED`), cleaned, with each numeric column's missing reasons."""

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
            matched = _matches(frame[column], wanted)
            if len(frame) and not matched.any():
                seen = ", ".join(repr(str(v)) for v in pd.unique(frame[column].dropna())[:5])
                where = f"sheet {table.sheet!r}: " if table.sheet else ""
                findings.append(
                    Finding(
                        table.file,
                        table.header_row,
                        None,
                        "warning",
                        "filter-matches-nothing",
                        f"{where}the filter {name}: {wanted!r} matches none of the {len(frame)} rows, so nothing "
                        f"from this source is reported; the column holds values such as {seen}",
                    )  # fmt: skip
                )
            keep &= matched
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
    return _Mapped(MAPPED.check(frame, "map_table"), findings)


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
