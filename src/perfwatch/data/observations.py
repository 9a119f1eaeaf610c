"""The observations frame handed from the data stage to evaluation: its columns, the `Observations` and
`Table` hand-off objects, and building the final, sorted, categorical frame from checked rows.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from perfwatch.contracts import OBSERVATIONS
from perfwatch.data.values import (
    MISSING_REASONS,
)
from perfwatch.errors import Finding, errors_only

OBSERVATION_COLUMNS = OBSERVATIONS.names()
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
