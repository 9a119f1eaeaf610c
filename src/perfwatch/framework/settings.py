"""Per-indicator settings, resolved once from each indicator and the framework's defaults.

`indicator_settings` is the one place an indicator's effective unit, aggregation, frequency, interval
method, tolerance, benchmark and SPC choice are worked out (one row per indicator, framework order); the
data checks, the evaluation and suppression all read it. `per_indicator` gives a setting for every row of
a frame with one take on the indicator codes, never a map over a million strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from perfwatch.framework.periods import frequency_months, frequency_step

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework

POLARITY_SIGN = {"higher_is_better": 1.0, "lower_is_better": -1.0, "no_judgement": 0.0}


def indicator_settings(framework: Framework) -> pd.DataFrame:
    """One row per indicator (index: its id, in framework order): everything the vectorised stages need."""
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
                "sign": POLARITY_SIGN[ind.polarity],
                "per": ind.effective_per,
                "aggregation": ind.effective_aggregation,
                "population": ind.effective_denominator == "population",
                "standard_population": ind.standard_population,
                "frequency": ind.frequency or "",
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
        "indicator", "unit", "polarity", "sign", "per", "aggregation", "population", "standard_population",
        "frequency", "frequency_months",
        "frequency_step", "ci_method", "confidence", "decimals", "numeric", "under_development", "ytd",
        "spc_enabled", "benchmark_method", "benchmark_comparator", "tolerance_amount", "tolerance_relative",
        "outcome", "theme",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).set_index("indicator")


def indicator_positions(frame: pd.DataFrame, settings: pd.DataFrame | pd.Index) -> np.ndarray:
    """Each row's position in `settings` (the framework's indicator order), -1 for an unknown indicator."""
    column = frame["indicator"]
    ids = settings.index if isinstance(settings, pd.DataFrame) else settings
    if isinstance(column.dtype, pd.CategoricalDtype):
        if column.cat.categories.equals(ids):
            return column.cat.codes.to_numpy()
        # Map the categories, not the rows; a missing value (code -1) takes the appended -1.
        return np.append(ids.get_indexer(column.cat.categories), -1)[column.cat.codes.to_numpy()]
    return ids.get_indexer(pd.Index(column, dtype=object))


def per_indicator(
    frame: pd.DataFrame, settings: pd.DataFrame, column: str, default: Any = None
) -> np.ndarray:
    """The setting `column` for every row of `frame`; `default` where the indicator is unknown."""
    codes = indicator_positions(frame, settings)
    values = settings[column].to_numpy()
    if len(codes) and codes.min() >= 0:
        return values[codes]
    padded = np.append(values.astype(object) if default is not None else values, default)
    return padded[np.where(codes < 0, len(values), codes)]
