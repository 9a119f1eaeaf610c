"""What every evaluation step shares: the vocabularies' integer codes, a per-indicator setting for each row
(`framework/settings.py` resolves the settings), indicator row bounds in a sorted table, and period labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.framework.periods import (
    Period,
    PeriodError,
    parse_period,
    period_labels,
)
from perfwatch.framework.settings import indicator_positions, per_indicator

if TYPE_CHECKING:
    from collections.abc import Iterator

    from perfwatch.framework.model import Framework, Indicator
from perfwatch.vocabulary import BENCHMARKS, DIRECTIONS, RATED_STATUSES, STATUSES, codes_of

KEYS = ["indicator", "area", "period_months", "period_start"]
_RAG = list(RATED_STATUSES)
STATUS, DIRECTION, BENCHMARK = codes_of(STATUSES), codes_of(DIRECTIONS), codes_of(BENCHMARKS)


def _coded(codes: np.ndarray, categories: list[str] | tuple[str, ...] | pd.Index) -> pd.Categorical:
    """A categorical straight from integer codes: no million-string factorize."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype="int16"), categories=list(categories))


def _vocabulary_codes(words: pd.Series, vocabulary: list[str]) -> np.ndarray:
    """Codes into `vocabulary` of a column of words (a categorical's categories are matched, not its
    rows); a word outside the vocabulary is a bug."""
    column = words.astype("category") if not isinstance(words.dtype, pd.CategoricalDtype) else words
    position = pd.Index(vocabulary).get_indexer(column.cat.categories.astype(object))
    unknown = [str(w) for w, p in zip(column.cat.categories, position, strict=True) if p < 0]
    if unknown:
        raise ValueError(f"words outside the vocabulary {vocabulary}: {unknown}")
    return np.append(position, -1)[column.cat.codes.to_numpy()]


def _indicator_bounds(codes: np.ndarray, settings: pd.DataFrame) -> np.ndarray:
    """Row bounds of each indicator in a table sorted by indicator (rows of indicator i: b[i]:b[i+1])."""
    return np.searchsorted(codes, np.arange(len(settings) + 1))


def _text_indicator_rows(
    table: pd.DataFrame, framework: Framework, settings: pd.DataFrame
) -> Iterator[tuple[Indicator, slice]]:
    """Each yes/no or judgement indicator with rows in `table` (sorted by indicator), and those rows."""
    bounds = _indicator_bounds(indicator_positions(table, settings), settings)
    for position, ind_id in enumerate(settings.index):
        ind = framework.indicators[ind_id]
        rows = slice(bounds[position], bounds[position + 1])
        if not ind.is_numeric and rows.start < rows.stop:
            yield ind, rows


def _ind(frame: pd.DataFrame, settings: pd.DataFrame, column: str) -> pd.Series:
    """A per-indicator setting for every row of `frame`: one take, not a map over a million strings."""
    values = per_indicator(frame, settings, column)
    return pd.Series(values, index=frame.index, dtype=object if values.dtype == object else None)


def _labels(starts: np.ndarray, months: np.ndarray, year_start: int) -> np.ndarray:
    """Canonical labels for many periods: each distinct (start, months) is labelled once."""
    if len(starts) == 0:
        return np.array([], dtype=object)
    labels, codes = period_labels(starts, months, year_start)
    return np.asarray(labels, dtype=object)[codes]


def _period_start(text: str | None, year_start: int) -> Period | None:
    if text is None:
        return None
    try:
        return parse_period(text, year_start)
    except PeriodError:
        return None
