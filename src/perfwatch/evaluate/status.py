"""Evaluation steps 2 and 3: confidence intervals, then targets, tolerances and the RAG status of each row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.evaluate import stats
from perfwatch.evaluate.series import _containing_start
from perfwatch.evaluate.settings import (
    STATUS,
    _coded,
    _ind,
    _indicator_bounds,
    _labels,
    _period_start,
    _text_indicator_rows,
)
from perfwatch.framework.settings import indicator_positions
from perfwatch.vocabulary import STATUSES

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework, Indicator, TargetBand


# --- stage 2: intervals ------------------------------------------------------------------------------


def _intervals(table: pd.DataFrame, settings: pd.DataFrame) -> None:
    """95% and 99.8% limits per the indicator's method; published limits are used as given (as 95%)."""
    method = _ind(table, settings, "ci_method").to_numpy(dtype=object)
    per = _ind(table, settings, "per").to_numpy(dtype="float64")
    num = table["numerator"].to_numpy(dtype="float64")
    den = table["denominator"].to_numpy(dtype="float64")
    value = table["value"].to_numpy(dtype="float64")
    has_counts = ~np.isnan(num) & ~np.isnan(den)
    for level, suffix in ((0.95, "95"), (0.998, "998")):
        lower = table[f"ci{suffix}_lower"].to_numpy(dtype="float64").copy()
        upper = table[f"ci{suffix}_upper"].to_numpy(dtype="float64").copy()
        todo = np.isnan(lower)
        wilson = todo & (method == "wilson") & has_counts
        if wilson.any():
            lower[wilson], upper[wilson] = stats.wilson_ci(num[wilson], den[wilson], level, per[wilson])
        rate = todo & (method == "poisson") & has_counts
        if rate.any():
            lower[rate], upper[rate] = stats.rate_ci(num[rate], den[rate], level, per[rate])
        count = todo & (method == "poisson") & ~has_counts & ~np.isnan(value)
        if count.any():
            lower[count], upper[count] = stats.poisson_count_ci(value[count], level)
        isr = todo & (method == "isr") & has_counts
        if isr.any():
            lower[isr], upper[isr] = stats.isr_ci(num[isr], den[isr], level, per[isr])
        table[f"ci{suffix}_lower"], table[f"ci{suffix}_upper"] = lower, upper
    published = table["ci_lower"].notna().to_numpy()
    table.loc[published, "ci95_lower"] = table.loc[published, "ci_lower"]
    table.loc[published, "ci95_upper"] = table.loc[published, "ci_upper"]
    high = _ind(table, settings, "confidence").to_numpy() == 0.998
    table["ci_lower"] = np.where(high, table["ci998_lower"], table["ci95_lower"])
    table["ci_upper"] = np.where(high, table["ci998_upper"], table["ci95_upper"])
    table["ci_method"] = pd.Categorical(
        np.where(np.isnan(table["ci_lower"].to_numpy(dtype="float64")), "", method)
    )


# --- stage 3: targets and status ---------------------------------------------------------------------


def _targets(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> None:
    """The numeric or text target of every row, by its area's level, and the year-to-date value where a
    target is an annual total."""
    ys = framework.year_start_month
    target = np.full(len(table), np.nan)
    target_text = np.full(len(table), None, dtype=object)
    ytd = np.zeros(len(table), dtype=bool)
    bounds = _indicator_bounds(indicator_positions(table, settings), settings)
    level = _area_levels(table, framework)
    for position, ind_id in enumerate(settings.index):
        ind = framework.indicators[ind_id]
        start, stop = bounds[position], bounds[position + 1]
        if ind.target is None or start == stop:
            continue
        named = list(ind.target.levels)
        row_level = level[start:stop]
        parts = [(ind.target.for_level(None), ~np.isin(row_level, named))]
        parts += [(band, row_level == name) for name, band in ind.target.levels.items()]
        for band, mask in parts:
            rows = start + np.flatnonzero(mask)
            if band is None or not band.is_set or not len(rows):
                continue
            _band_targets(table, band, rows, ys, target, target_text)
            ytd[rows] = band.year_to_date
    table["target"] = target
    table["target_text"] = pd.Series(target_text, index=table.index, dtype=object)
    _year_to_date(table, ytd & (table["period_months"].to_numpy(dtype="int64") < 12), ys)


def _area_levels(table: pd.DataFrame, framework: Framework) -> np.ndarray:
    """Each row's area level (None for areas the framework does not declare)."""
    levels = {a.id: a.level for a in framework.areas}
    area = table["area"]
    if isinstance(area.dtype, pd.CategoricalDtype):
        per_code = np.array([levels.get(str(c)) for c in area.cat.categories] + [None], dtype=object)
        return per_code[area.cat.codes.to_numpy()]
    return area.astype(object).map(levels).to_numpy(dtype=object)


def _band_targets(
    table: pd.DataFrame,
    band: TargetBand,
    rows: np.ndarray,
    ys: int,
    target: np.ndarray,
    target_text: np.ndarray,
) -> None:
    """Fill `target`/`target_text` at `rows` (positions) from one level's target."""
    starts = table["period_start"].to_numpy(dtype="int64")[rows]
    months = table["period_months"].to_numpy(dtype="int64")[rows]
    if band.value is not None:
        if isinstance(band.value, str):
            target_text[rows] = band.value
        else:
            target[rows] = float(band.value)
    elif band.by_period:
        by_label = {}
        for key, value in band.by_period.items():
            period = _period_start(key, ys)
            if period is not None:
                by_label[period.label] = value
        count = len(rows)
        mapped = pd.Series(table["period"].to_numpy(dtype=object)[rows]).map(by_label)
        year_labels = _labels(_containing_start(starts, np.full(count, 12), ys), np.full(count, 12), ys)
        mapped = mapped.fillna(pd.Series(year_labels).map(by_label))  # a quarter takes its year's target
        numeric = pd.to_numeric(mapped, errors="coerce").to_numpy(dtype="float64")
        target[rows] = numeric
        target_text[rows] = np.where(mapped.notna() & np.isnan(numeric), mapped, None)
    elif band.trajectory is not None:
        begin = _period_start(band.trajectory.start.period, ys)
        end = _period_start(band.trajectory.end.period, ys)
        if begin is None or end is None:
            return
        v0, v1 = float(band.trajectory.start.value), float(band.trajectory.end.value)
        mid = starts + months / 2
        m0, m1 = begin.start + begin.months / 2, end.start + end.months / 2
        share = np.clip((mid - m0) / (m1 - m0) if m1 != m0 else 1.0, 0, 1)
        line = v0 + share * (v1 - v0)
        target[rows] = np.where(mid < m0, np.nan, line)


def _year_to_date(table: pd.DataFrame, rows: np.ndarray, ys: int) -> None:
    """Annual targets applied year to date to sub-annual rows: the cumulative value against the share of
    the target due by the end of the row's period."""
    table["compared_value"] = table["value"]
    table["ytd"] = False
    # Each period's own share of an annual target: what a single month or quarter is held to (SPC).
    months = table["period_months"].to_numpy(dtype="float64")
    table["period_target"] = np.where(
        rows, table["target"].to_numpy(dtype="float64") * months / 12, table["target"]
    )
    if not rows.any():
        return
    sub = table.loc[rows, ["indicator", "area", "period_months", "period_start", "value"]]
    year = _containing_start(sub["period_start"].to_numpy(), np.full(len(sub), 12), ys)
    sub = sub.assign(year=year).sort_values(["indicator", "area", "period_months", "period_start"])
    cumulative = sub.groupby(["indicator", "area", "period_months", "year"], observed=True)["value"].cumsum()
    elapsed = sub["period_start"] + sub["period_months"] - sub["year"]
    table.loc[sub.index, "compared_value"] = cumulative
    table.loc[sub.index, "target"] = table.loc[sub.index, "target"] * elapsed / 12
    table.loc[sub.index, "ytd"] = True


def _tolerances(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> np.ndarray:
    """Absolute tolerance per row: the indicator's (or default) band, by the area's level."""
    levels = {a.id: a.level for a in framework.areas}
    level = table["area"].map(levels)
    amount = _ind(table, settings, "tolerance_amount").to_numpy(dtype="float64").copy()
    relative = _ind(table, settings, "tolerance_relative").to_numpy(dtype=bool).copy()
    for ind in framework.indicators.values():
        tolerance = ind.tolerance or framework.defaults.tolerance
        if tolerance is None or not tolerance.levels:
            continue
        for level_name, band in tolerance.levels.items():
            rows = (table["indicator"].to_numpy() == ind.id) & (level.to_numpy() == level_name)
            amount[rows] = band.amount
            relative[rows] = band.is_relative
    target = table["target"].to_numpy(dtype="float64")
    return np.where(relative, amount * np.abs(target), amount)


def _status(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> None:
    polarity = _ind(table, settings, "polarity").to_numpy(dtype=object)
    numeric = _ind(table, settings, "numeric").to_numpy(dtype=bool)
    developing = _ind(table, settings, "under_development").to_numpy(dtype=bool)
    value = table["compared_value"].to_numpy(dtype="float64")
    target = table["target"].to_numpy(dtype="float64")
    tolerance = _tolerances(table, framework, settings)
    table["tolerance"] = tolerance
    sign = np.where(polarity == "lower_is_better", -1.0, 1.0)
    gap = (value - target) * sign
    slack = 1e-9 * np.maximum(1.0, np.abs(target))
    tol = np.where(np.isnan(tolerance), 0.0, tolerance)
    status = np.select(
        [np.isnan(value), np.isnan(target), gap >= -slack, gap >= -tol - slack],
        [STATUS["no_data"], STATUS["no_target"], STATUS["green"], STATUS["amber"]],
        default=STATUS["red"],
    )
    if not numeric.all():
        status = np.where(numeric, status, _text_status(table, framework, settings))
    status = np.where(
        polarity == "no_judgement",
        np.where(np.isnan(value) & numeric, STATUS["no_data"], STATUS["not_assessed"]),
        status,
    )
    status = np.where(developing, STATUS["not_assessed"], status)
    table["status"] = _coded(status, STATUSES)
    table["gap"] = gap


def _text_status(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> np.ndarray:
    """Yes/no indicators: achieved is green, otherwise red. Judgements: the level's mapped RAG."""
    out = np.full(len(table), STATUS["no_data"], dtype="int8")
    for ind, rows in _text_indicator_rows(table, framework, settings):
        answers = table["value_text"].iloc[rows].astype(object).to_numpy()
        present = pd.notna(answers)
        if ind.unit == "yes_no":
            target_text = table["target_text"].iloc[rows].to_numpy(dtype=object)
            wanted = np.where(pd.notna(target_text), target_text, "yes")
            out[rows] = np.where(
                present, np.where(answers == wanted, STATUS["green"], STATUS["red"]), STATUS["no_data"]
            )
        else:
            mapping = {level: STATUS[status] for level, status in _scale_status(ind).items()}
            mapped = pd.Series(answers).map(mapping).fillna(STATUS["no_data"]).to_numpy(dtype="int8")
            # A level at or beyond the target level meets the target; one short of it never reads green.
            rank = {level: position for position, level in enumerate(ind.scale or [])}
            answer_rank = pd.Series(answers).map(rank).to_numpy(dtype="float64")
            wanted = pd.Series(table["target_text"].iloc[rows].to_numpy(dtype=object)).map(rank)
            wanted = wanted.to_numpy(dtype="float64")
            judged = ~np.isnan(wanted) & ~np.isnan(answer_rank)
            mapped = np.where(
                judged & (answer_rank >= wanted),
                STATUS["green"],
                np.where(judged & (mapped == STATUS["green"]), STATUS["amber"], mapped),
            )
            out[rows] = np.where(present, mapped, STATUS["no_data"])
    return out


def _scale_status(ind: Indicator) -> dict[str, str]:
    scale = ind.scale or []
    if ind.scale_status:
        return dict(ind.scale_status)
    mapping = {level: "amber" for level in scale}
    if scale:
        mapping[scale[0]] = "red"
        mapping[scale[-1]] = "green"
    return mapping
