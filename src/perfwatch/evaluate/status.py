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
    from perfwatch.framework.model import Framework, Indicator


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
    """The numeric or text target of every row, and the year-to-date value where targets are annual."""
    ys = framework.year_start_month
    target = np.full(len(table), np.nan)
    target_text = np.full(len(table), None, dtype=object)
    bounds = _indicator_bounds(indicator_positions(table, settings), settings)
    starts = table["period_start"].to_numpy(dtype="int64")
    months = table["period_months"].to_numpy(dtype="int64")
    for position, ind_id in enumerate(settings.index):
        ind = framework.indicators[ind_id]
        rows = slice(bounds[position], bounds[position + 1])
        if ind.target is None or rows.start == rows.stop:
            continue
        spec = ind.target
        if spec.value is not None:
            if isinstance(spec.value, str):
                target_text[rows] = spec.value
            else:
                target[rows] = float(spec.value)
        elif spec.by_period:
            by_label = {}
            for key, value in spec.by_period.items():
                period = _period_start(key, ys)
                if period is not None:
                    by_label[period.label] = value
            count = rows.stop - rows.start
            mapped = pd.Series(table["period"].iloc[rows].astype(object).to_numpy()).map(by_label)
            year_labels = _labels(
                _containing_start(starts[rows], np.full(count, 12), ys), np.full(count, 12), ys
            )
            mapped = mapped.fillna(pd.Series(year_labels).map(by_label))  # a quarter takes its year's target
            numeric = pd.to_numeric(mapped, errors="coerce").to_numpy(dtype="float64")
            target[rows] = numeric
            target_text[rows] = np.where(mapped.notna() & np.isnan(numeric), mapped, None)
        elif spec.trajectory is not None:
            begin = _period_start(spec.trajectory.start.period, ys)
            end = _period_start(spec.trajectory.end.period, ys)
            if begin is None or end is None:
                continue
            v0, v1 = float(spec.trajectory.start.value), float(spec.trajectory.end.value)
            mid = starts[rows] + months[rows] / 2
            m0, m1 = begin.start + begin.months / 2, end.start + end.months / 2
            share = np.clip((mid - m0) / (m1 - m0) if m1 != m0 else 1.0, 0, 1)
            line = v0 + share * (v1 - v0)
            target[rows] = np.where(mid < m0, np.nan, line)
    table["target"] = target
    table["target_text"] = pd.Series(target_text, index=table.index, dtype=object)
    # Annual targets applied year to date to sub-annual rows.
    ytd_ids = [i.id for i in framework.indicators.values() if i.target and i.target.year_to_date]
    table["compared_value"] = table["value"]
    table["ytd"] = False
    if ytd_ids:
        rows = table["indicator"].isin(ytd_ids).to_numpy() & (months < 12)
        if rows.any():
            sub = table.loc[rows, ["indicator", "area", "period_months", "period_start", "value"]]
            year = _containing_start(sub["period_start"].to_numpy(), np.full(len(sub), 12), ys)
            sub = sub.assign(year=year).sort_values(["indicator", "area", "period_months", "period_start"])
            cumulative = sub.groupby(["indicator", "area", "period_months", "year"])["value"].cumsum()
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
