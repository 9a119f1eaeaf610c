"""Per-indicator settings as one small frame (one row per indicator, built once per run), and the code
helpers every evaluation step uses to look a setting up for each row without a per-row loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.evaluate.results import (
    BENCHMARKS,
    DIRECTIONS,
    STATUSES,
    codes_of,
)
from perfwatch.framework.periods import (
    Period,
    PeriodError,
    frequency_months,
    frequency_step,
    parse_period,
    period_labels,
)

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework


KEYS = ["indicator", "area", "period_months", "period_start"]
_RAG = ["green", "amber", "red"]
_POLARITY_SIGN = {"higher_is_better": 1.0, "lower_is_better": -1.0, "no_judgement": 0.0}
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


def _indicator_codes(frame: pd.DataFrame, settings: pd.DataFrame) -> np.ndarray:
    """Each row's position in `settings` (the framework's indicator order), from the category codes."""
    column = frame["indicator"]
    ids = settings.index if isinstance(settings, pd.DataFrame) else settings
    if isinstance(column.dtype, pd.CategoricalDtype) and column.cat.categories.equals(ids):
        return column.cat.codes.to_numpy()
    return pd.Categorical(column, categories=ids).codes


def _ind(frame: pd.DataFrame, settings: pd.DataFrame, column: str) -> pd.Series:
    """A per-indicator setting for every row of `frame`: one take, not a map over a million strings."""
    values = settings[column].to_numpy()[_indicator_codes(frame, settings)]
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


def _settings(framework: Framework) -> pd.DataFrame:
    """One row per indicator: everything the vectorised stages need, as plain columns."""
    defaults = framework.defaults
    rows = []
    for ind in framework.indicators.values():
        spc = ind.spc or defaults.spc
        tolerance = ind.tolerance or defaults.tolerance
        bench = ind.benchmark or defaults.benchmark
        rows.append(
            {
                "indicator": ind.id,
                "unit": ind.unit,
                "polarity": ind.polarity,
                "sign": _POLARITY_SIGN[ind.polarity],
                "per": ind.effective_per,
                "aggregation": ind.effective_aggregation,
                "population": ind.effective_denominator == "population",
                "standard_population": ind.standard_population,
                "frequency_months": frequency_months.get(ind.frequency or "", 0),
                "frequency_step": frequency_step.get(ind.frequency or "", 0),
                "ci_method": ind.effective_ci,
                "confidence": ind.confidence or defaults.confidence,
                "decimals": ind.decimals,
                "numeric": ind.is_numeric,
                "under_development": ind.under_development,
                "ytd": bool(ind.target and ind.target.any_year_to_date),
                "spc_enabled": bool(spc and spc.enabled),
                "benchmark_method": bench.method if bench else "ci_contains_comparator",
                "benchmark_comparator": bench.comparator if bench else None,
                "tolerance_amount": tolerance.amount if tolerance else np.nan,
                "tolerance_relative": bool(tolerance and tolerance.is_relative),
                "outcome": framework.indicator_outcome[ind.id],
                "theme": framework.outcome_theme[framework.indicator_outcome[ind.id]],
            }
        )
    columns = [
        "indicator", "unit", "polarity", "sign", "per", "aggregation", "population", "standard_population", "frequency_months", "frequency_step", "ci_method", "confidence",
        "decimals", "numeric", "under_development", "ytd", "spc_enabled", "benchmark_method",
        "benchmark_comparator", "tolerance_amount", "tolerance_relative", "outcome", "theme",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).set_index("indicator")
