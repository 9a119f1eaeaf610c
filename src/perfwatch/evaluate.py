"""The evaluation engine: from a framework and the canonical observations, how every indicator is doing.

One pass over the long table, group-wise and vectorised: a small Python loop over indicators (tens to
hundreds) builds per-indicator settings; nothing loops per row or per series. The result is one long table
(`Results.table`) that every report and export reads.

Decisions, documented here and in `docs/evaluation.md`:

- A series is one indicator × area × period length. Data finer than the indicator's frequency roll up to
  it (and sub-annual indicators also get year rows for the annual report) by the indicator's aggregation:
  sums for counts, summed numerators over summed denominators for percentages and rates, never a mean of
  percentages. A year or quarter built from fewer months than it spans is flagged `partial`.
- Parent areas without their own data get rows summed from their children (numerators and denominators),
  flagged `rolled_up`.
- Status: a value on the target is green; a value that misses by exactly the tolerance is amber; beyond
  the tolerance it is red. Relative tolerances (`5%`) are a share of the target.
- Direction compares a point with the previous period and with the same period a year earlier; when both
  points have intervals the double-overlap rule decides (overlapping = no change), otherwise the plain
  difference. `no_judgement` indicators have no direction (`not_comparable`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch import stats
from perfwatch.errors import Finding
from perfwatch.formatting import format_amounts, format_values
from perfwatch.periods import Period, PeriodError, frequency_months, frequency_step, parse_period
from perfwatch.results import CONTRACT_COLUMNS, EXTRA_COLUMNS, STATUSES, Results
from perfwatch.spc import compute_spc, summarise_spc

if TYPE_CHECKING:
    from perfwatch.model import Framework, Indicator

KEYS = ["indicator", "area", "period_months", "period_start"]
_RAG = ["green", "amber", "red"]
_MISSING_WORDS = {
    "suppressed": "the value is suppressed (small numbers)",
    "not_available": "the value is not available",
    "error": "the value could not be read",
}


@dataclass(frozen=True)
class _Settings:
    """Per-indicator settings as columns, joined onto the table by indicator id."""

    frame: pd.DataFrame


def _period_label(start: int, months: int, year_start: int) -> str:
    return Period(int(start), int(months), year_start).label


def _labels(starts: np.ndarray, months: np.ndarray, year_start: int) -> np.ndarray:
    """Canonical labels for many periods: each distinct (start, months) is labelled once."""
    if len(starts) == 0:
        return np.array([], dtype=object)
    codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([np.asarray(starts), np.asarray(months)]))
    names = np.array([_period_label(s, m, year_start) for s, m in uniques], dtype=object)
    return names[codes]


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
                "per": ind.effective_per,
                "aggregation": ind.effective_aggregation,
                "frequency_months": frequency_months.get(ind.frequency or "", 0),
                "frequency_step": frequency_step.get(ind.frequency or "", 0),
                "ci_method": ind.effective_ci,
                "confidence": ind.confidence or defaults.confidence,
                "decimals": ind.decimals,
                "numeric": ind.is_numeric,
                "under_development": ind.under_development,
                "ytd": bool(ind.target and ind.target.year_to_date),
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
        "indicator", "unit", "polarity", "per", "aggregation", "frequency_months", "frequency_step", "ci_method", "confidence",
        "decimals", "numeric", "under_development", "ytd", "spc_enabled", "benchmark_method",
        "benchmark_comparator", "tolerance_amount", "tolerance_relative", "outcome", "theme",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).set_index("indicator")


# --- stage 1: shape the observations into series ---------------------------------------------------


def _standardise_bands(obs: pd.DataFrame, settings: pd.DataFrame) -> pd.DataFrame:
    """Age-banded rows become one row per indicator × area × period (a DSR for `ci: dobson`)."""
    if "band" not in obs or obs["band"].isna().all():
        return obs.drop(columns=["band"], errors="ignore")
    banded = obs[obs["band"].notna()]
    plain = obs[obs["band"].isna()]
    group = ["indicator", "area", "period", "period_start", "period_months"]
    dobson_ids = settings.index[settings["ci_method"] == "dobson"]
    is_dsr = banded["indicator"].isin(dobson_ids)
    parts = [plain]
    if is_dsr.any():
        weighted = stats.attach_weights(banded[is_dsr], "band")
        for confidence in (0.95, 0.998):
            result = stats.dsr(weighted, group, "numerator", "denominator", "weight", confidence)
            suffix = "95" if confidence == 0.95 else "998"
            result = result.rename(columns={"lower": f"ci{suffix}_lower", "upper": f"ci{suffix}_upper"})
            if confidence == 0.95:
                dsr95 = result
            else:
                dsr95[["ci998_lower", "ci998_upper"]] = result[["ci998_lower", "ci998_upper"]].to_numpy()
        dsr95 = dsr95.rename(columns={"total_count": "numerator", "total_pop": "denominator"})
        dsr95["missing"] = np.where(dsr95["value"].isna(), "not_available", "")
        dsr95["note"] = dsr95.pop("reason")
        parts.append(dsr95)
    crude = banded[~is_dsr]
    if len(crude):
        summed = crude.groupby(group, as_index=False)[["numerator", "denominator"]].sum(min_count=1)
        parts.append(summed)
    combined = pd.concat(parts, ignore_index=True)
    return combined.drop(columns=["band"], errors="ignore")


def _fill_defaults(frame: pd.DataFrame) -> pd.DataFrame:
    for column, default in (
        ("value_text", pd.NA), ("missing", ""), ("flag", ""), ("note", ""), ("ci_lower", np.nan),
        ("ci_upper", np.nan), ("ci95_lower", np.nan), ("ci95_upper", np.nan), ("ci998_lower", np.nan),
        ("ci998_upper", np.nan), ("numerator", np.nan), ("denominator", np.nan), ("value", np.nan),
    ):  # fmt: skip
        if column not in frame:
            frame[column] = default
        elif isinstance(default, str):
            frame[column] = frame[column].fillna(default)
    return frame


def _containing_start(starts: np.ndarray, length: np.ndarray, year_start: int) -> np.ndarray:
    """Start of the quarter or year (aligned to the reporting year) that contains each month."""
    offset = (starts - (year_start - 1)) % np.maximum(length, 1)
    return starts - np.where(length > 1, offset, 0)


def _roll_up(obs: pd.DataFrame, settings: pd.DataFrame, year_start: int) -> pd.DataFrame:
    """Data finer than an indicator's frequency rolled up to it; sub-annual indicators also get years."""
    freq = obs["indicator"].map(settings["frequency_months"]).fillna(0).to_numpy(dtype="int64")
    native = np.where(freq > 0, np.maximum(freq, obs["period_months"].to_numpy()), obs["period_months"])
    finer = obs["period_months"].to_numpy() < native
    out = [obs[~finer].assign(native=True)]
    to_native = obs[finer].assign(target_months=native[finer])
    if len(to_native):
        out.append(_aggregate(to_native, settings, year_start).assign(native=True))
    # Year rows for sub-annual indicators (the annual report compares years).
    sub_annual = obs[(native < 12) & (obs["period_months"].to_numpy() < 12)]
    if len(sub_annual):
        years = _aggregate(sub_annual.assign(target_months=12), settings, year_start).assign(native=False)
        given = pd.MultiIndex.from_frame(obs.loc[obs["period_months"] == 12, KEYS])
        out.append(years[~pd.MultiIndex.from_frame(years[KEYS]).isin(given)])  # a given outturn wins
    combined = pd.concat(out, ignore_index=True)
    # Year outturns of monthly or quarterly indicators sit beside their series, not in it.
    frequency = combined["indicator"].map(settings["frequency_months"]).to_numpy()
    outturn = (combined["period_months"].to_numpy() == 12) & (frequency > 0) & (frequency < 12)
    combined["native"] = combined["native"].to_numpy(dtype=bool) & ~outturn
    return combined


def _aggregate(rows: pd.DataFrame, settings: pd.DataFrame, year_start: int) -> pd.DataFrame:
    """Sum, ratio, mean or last of the rows in each containing period."""
    target = rows["target_months"].to_numpy(dtype="int64")
    start = _containing_start(rows["period_start"].to_numpy(dtype="int64"), target, year_start)
    work = pd.DataFrame(
        {
            "indicator": rows["indicator"].to_numpy(),
            "area": rows["area"].to_numpy(),
            "period_start": start,
            "period_months": target,
            "value": rows["value"].to_numpy(dtype="float64"),
            "numerator": rows["numerator"].to_numpy(dtype="float64"),
            "denominator": rows["denominator"].to_numpy(dtype="float64"),
            "months": rows["period_months"].to_numpy(dtype="int64"),
            "order": rows["period_start"].to_numpy(dtype="int64"),
            "suppressed": (rows["missing"] == "suppressed").to_numpy(),
            "value_text": rows["value_text"].to_numpy(dtype=object),
        }
    )
    keys = ["indicator", "area", "period_start", "period_months"]
    work = work.sort_values(keys + ["order"], kind="stable")
    grouped = work.groupby(keys, sort=False)
    result = _complete_sums(grouped, ["numerator", "denominator"])
    result["value_sum"] = _complete_sums(grouped, ["value"])["value"]
    result["value_mean"] = grouped["value"].mean()
    result["value_last"] = grouped["value"].last()
    result["months"] = grouped["months"].sum()
    result["suppressed"] = grouped["suppressed"].any()
    result["value_text"] = grouped["value_text"].last()
    result = result.reset_index()
    agg = result["indicator"].map(settings["aggregation"]).to_numpy(dtype=object)
    per = result["indicator"].map(settings["per"]).to_numpy(dtype="float64")
    with np.errstate(all="ignore"):
        ratio = result["numerator"].to_numpy() / result["denominator"].to_numpy() * per
    value = np.select(
        [agg == "sum", agg == "ratio", agg == "mean"],
        [result["value_sum"], np.where(np.isnan(ratio), np.nan, ratio), result["value_mean"]],
        default=result["value_last"],
    )
    partial = result["months"].to_numpy() < result["period_months"].to_numpy()
    return pd.DataFrame(
        {
            "indicator": result["indicator"],
            "area": result["area"],
            "period": _labels(
                result["period_start"].to_numpy(), result["period_months"].to_numpy(), year_start
            ),
            "period_start": result["period_start"],
            "period_months": result["period_months"],
            "value": value,
            "numerator": np.where(agg == "ratio", result["numerator"], np.nan),
            "denominator": np.where(agg == "ratio", result["denominator"], np.nan),
            "value_text": result["value_text"],
            "missing": np.where(
                np.isnan(value), np.where(result["suppressed"], "suppressed", "not_available"), ""
            ),
            "flag": np.where(partial, "partial", ""),
            "note": "",
        }
    )


def _complete_sums(grouped, columns: list[str]) -> pd.DataFrame:
    """Group sums that are NaN unless every row of the group has a value (a gap never reads as zero)."""
    sums = grouped[columns].sum(min_count=1)
    counts = grouped[columns].count()
    sizes = grouped.size()
    return sums.where(counts.eq(sizes, axis=0))


def _roll_up_areas(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> pd.DataFrame:
    """Parents without their own data get the sum of their children's numerators and denominators.

    Only where every child of the parent has data for that indicator and period (a missing child never
    lowers a total) unless the parent's `roll_up` is `available`; never for parents whose `roll_up` is `off`
    (a nation listed with one council is not the sum of its children).
    """
    rolls = {a.id for a in framework.areas if a.roll_up != "off"}
    needs_all = {a.id for a in framework.areas if a.roll_up == "complete"}
    parents = {a.id: a.parent for a in framework.areas if a.parent and a.parent in rolls}
    if not parents:
        return table
    child_count = pd.Series(parents).value_counts()
    depth = {}
    for area in framework.areas:
        d, seen, node = 0, set(), area.id
        while node in parents and node not in seen:
            seen.add(node)
            node, d = parents[node], d + 1
        depth[area.id] = d
    keys = ["indicator", "area", "period_start", "period_months"]
    for level in sorted({d for d in depth.values() if d > 0}, reverse=True):
        children = [a for a, d in depth.items() if d == level and a in parents]
        summable = table["indicator"].map(settings["aggregation"]).isin(["sum", "ratio"]).to_numpy()
        rows = table[summable & table["area"].isin(children).to_numpy()]
        if rows.empty:
            continue
        rows = rows.assign(area=rows["area"].map(parents))
        grouped = rows.groupby(keys + ["period", "native"], sort=False)
        summed = _complete_sums(grouped, ["value", "numerator", "denominator"])
        summed["children"] = grouped.size()
        summed = summed.reset_index()
        complete = summed["children"].to_numpy() == summed["area"].map(child_count).to_numpy()
        summed = summed[complete | ~summed["area"].isin(needs_all).to_numpy()]
        ratio = summed["indicator"].map(settings["aggregation"]).to_numpy() == "ratio"
        per = summed["indicator"].map(settings["per"]).to_numpy(dtype="float64")
        with np.errstate(all="ignore"):
            value = np.where(ratio, summed["numerator"] / summed["denominator"] * per, summed["value"])
        summed["value"] = value
        summed = summed[~np.isnan(value)]
        existing = pd.MultiIndex.from_frame(table[keys])
        new = summed[~pd.MultiIndex.from_frame(summed[keys]).isin(existing)]
        if new.empty:
            continue
        new = new.drop(columns=["children"]).assign(
            numerator=np.where(
                new["indicator"].map(settings["aggregation"]) == "ratio", new["numerator"], np.nan
            ),
            denominator=np.where(
                new["indicator"].map(settings["aggregation"]) == "ratio", new["denominator"], np.nan
            ),
            flag="rolled_up",
            missing="",
        )
        table = _fill_defaults(pd.concat([table, new], ignore_index=True))
    return table


# --- stage 2: intervals ------------------------------------------------------------------------------


def _intervals(table: pd.DataFrame, settings: pd.DataFrame) -> None:
    """95% and 99.8% limits per the indicator's method; published limits are used as given (as 95%)."""
    method = table["indicator"].map(settings["ci_method"]).to_numpy(dtype=object)
    per = table["indicator"].map(settings["per"]).to_numpy(dtype="float64")
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
    high = table["indicator"].map(settings["confidence"]).to_numpy() == 0.998
    table["ci_lower"] = np.where(high, table["ci998_lower"], table["ci95_lower"])
    table["ci_upper"] = np.where(high, table["ci998_upper"], table["ci95_upper"])
    table["ci_method"] = np.where(np.isnan(table["ci_lower"].to_numpy(dtype="float64")), "", method)


# --- stage 3: targets and status ---------------------------------------------------------------------


def _targets(table: pd.DataFrame, framework: Framework) -> None:
    """The numeric or text target of every row, and the year-to-date value where targets are annual."""
    ys = framework.year_start_month
    target = np.full(len(table), np.nan)
    target_text = np.full(len(table), None, dtype=object)
    ind_col = table["indicator"].to_numpy(dtype=object)
    starts = table["period_start"].to_numpy(dtype="int64")
    months = table["period_months"].to_numpy(dtype="int64")
    labels = table["period"].to_numpy(dtype=object)
    for ind in framework.indicators.values():
        if ind.target is None:
            continue
        rows = ind_col == ind.id
        if not rows.any():
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
            mapped = pd.Series(labels[rows]).map(by_label)
            year_labels = _labels(
                _containing_start(starts[rows], np.full(rows.sum(), 12), ys), np.full(rows.sum(), 12), ys
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
    table["target_text"] = target_text
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
    amount = table["indicator"].map(settings["tolerance_amount"]).to_numpy(dtype="float64").copy()
    relative = table["indicator"].map(settings["tolerance_relative"]).to_numpy(dtype=bool).copy()
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
    polarity = table["indicator"].map(settings["polarity"]).to_numpy(dtype=object)
    numeric = table["indicator"].map(settings["numeric"]).to_numpy(dtype=bool)
    developing = table["indicator"].map(settings["under_development"]).to_numpy(dtype=bool)
    value = table["compared_value"].to_numpy(dtype="float64")
    target = table["target"].to_numpy(dtype="float64")
    tolerance = _tolerances(table, framework, settings)
    table["tolerance"] = tolerance
    sign = np.where(polarity == "lower_is_better", -1.0, 1.0)
    gap = (value - target) * sign
    slack = 1e-9 * np.maximum(1.0, np.abs(target))
    tol = np.where(np.isnan(tolerance), 0.0, tolerance)
    numeric_status = np.select(
        [np.isnan(value), np.isnan(target), gap >= -slack, gap >= -tol - slack],
        ["no_data", "no_target", "green", "amber"],
        default="red",
    )
    text_status = _text_status(table, framework)
    status = np.where(numeric, numeric_status, text_status)
    status = np.where(
        polarity == "no_judgement", np.where(np.isnan(value) & numeric, "no_data", "not_assessed"), status
    )
    status = np.where(developing, "not_assessed", status)
    table["status"] = status
    table["gap"] = gap


def _text_status(table: pd.DataFrame, framework: Framework) -> np.ndarray:
    """Yes/no indicators: achieved is green, otherwise red. Judgements: the level's mapped RAG."""
    out = np.full(len(table), "no_data", dtype=object)
    ids = table["indicator"].to_numpy(dtype=object)
    text = table["value_text"].astype("object").to_numpy()
    target_text = table["target_text"].to_numpy(dtype=object)
    for ind in framework.indicators.values():
        if ind.is_numeric:
            continue
        rows = ids == ind.id
        if not rows.any():
            continue
        answers = text[rows]
        present = pd.notna(answers)
        if ind.unit == "yes_no":
            wanted = np.where(pd.notna(target_text[rows]), target_text[rows], "yes")
            out[rows] = np.where(present, np.where(answers == wanted, "green", "red"), "no_data")
        else:
            mapping = _scale_status(ind)
            out[rows] = np.where(
                present, pd.Series(answers).map(mapping).fillna("no_data").to_numpy(), "no_data"
            )
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


def _reasons(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> None:
    """One plain-English sentence per row saying why it has its status."""
    reason = np.full(len(table), "", dtype=object)
    ids = table["indicator"].to_numpy(dtype=object)
    status = table["status"].to_numpy(dtype=object)
    missing = table["missing"].to_numpy(dtype=object)
    for ind in framework.indicators.values():
        rows = np.flatnonzero(ids == ind.id)
        if not len(rows):
            continue
        sub = table.iloc[rows]
        st = status[rows]
        value = format_values(sub["compared_value"], ind.unit, ind.decimals)
        target = format_values(sub["target"], ind.unit, ind.decimals)
        gap = format_amounts(sub["gap"], ind.unit, ind.decimals)
        tol = format_amounts(sub["tolerance"], ind.unit, ind.decimals)
        higher = ind.polarity == "higher_is_better"
        gap_v = sub["gap"].to_numpy(dtype="float64")
        raw_side = np.where(
            (sub["compared_value"] - sub["target"]).to_numpy(dtype="float64") >= 0, "above", "below"
        )
        ytd = sub["ytd"].to_numpy(dtype=bool)
        lead = np.where(ytd, "Year to date, ", "")
        what = np.where(ytd, " due by the end of " + sub["period"].astype(str).to_numpy(dtype=object), "")
        target_words = "the " + target + " target" + what
        has_tol = ~np.isnan(sub["tolerance"].to_numpy(dtype="float64")) & (sub["tolerance"].to_numpy() > 0)
        tol_words = np.where(has_tol, "the " + tol + " tolerance", "no tolerance")
        text = np.select(
            [
                st == "green",
                st == "amber",
                st == "red",
            ],
            [
                np.where(np.abs(gap_v) < 1e-9, lead + value + " meets " + target_words + ".",
                         lead + value + " is " + gap + " " + raw_side + " " + target_words + ", better than target."),
                lead + value + " is " + gap + " " + raw_side + " " + target_words + ", within " + tol_words + ".",
                lead + value + " is " + gap + " " + raw_side + " " + target_words + ", outside " + tol_words + ".",
            ],
            default="",
        )  # fmt: skip
        if not ind.is_numeric:
            answer = sub["value_text"].astype("object").fillna("").astype(str).to_numpy(dtype=object)
            text = np.where(
                st == "green", "Answer '" + answer + "' meets the target.",
                np.where(st == "red", "Answer '" + answer + "' does not meet the target.",
                         np.where(st == "amber", "Answer '" + answer + "' partly meets the target.", "")),
            )  # fmt: skip
        miss = np.array([_MISSING_WORDS.get(m, "there is no value") for m in missing[rows]], dtype=object)
        text = np.where(st == "no_data", "No data: " + miss + ".", text)
        text = np.where(st == "no_target", "No target is set for this period.", text)
        if ind.under_development:
            text = np.where(st == "not_assessed", "Under development: not yet rated.", text)
        elif ind.polarity == "no_judgement":
            text = np.where(
                st == "not_assessed", "Context indicator: shown for information, not rated.", text
            )
        del higher
        reason[rows] = text
    table["reason"] = reason


# --- stage 4: direction, trend, benchmark, SPC ------------------------------------------------------


def _shifted(table: pd.DataFrame, back: np.ndarray, source: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each row, the row of the same series `back` months earlier in `source` (default: `table`)."""
    wanted = pd.DataFrame(
        {
            "indicator": table["indicator"].to_numpy(),
            "area": table["area"].to_numpy(),
            "period_months": table["period_months"].to_numpy(),
            "period_start": table["period_start"].to_numpy() - back,
        }
    )
    source = (table if source is None else source)[KEYS + ["value", "ci_lower", "ci_upper", "value_text"]]
    return wanted.merge(source, on=KEYS, how="left")


def _direction(
    table: pd.DataFrame, framework: Framework, settings: pd.DataFrame, back: np.ndarray
) -> np.ndarray:
    earlier = _shifted(table, back)
    polarity = table["indicator"].map(settings["polarity"]).to_numpy(dtype=object)
    numeric = table["indicator"].map(settings["numeric"]).to_numpy(dtype=bool)
    value = table["value"].to_numpy(dtype="float64")
    prev = earlier["value"].to_numpy(dtype="float64")
    lo, hi = table["ci_lower"].to_numpy(dtype="float64"), table["ci_upper"].to_numpy(dtype="float64")
    plo, phi = earlier["ci_lower"].to_numpy(dtype="float64"), earlier["ci_upper"].to_numpy(dtype="float64")
    with_ci = ~np.isnan(lo) & ~np.isnan(plo)
    overlap = stats.compare_overlap(value, lo, hi, prev, plo, phi, polarity)
    sign = np.where(polarity == "lower_is_better", -1.0, 1.0)
    diff = (value - prev) * sign
    plain = np.select(
        [np.isnan(diff), diff > 0, diff < 0], ["not_comparable", "improving", "worsening"], "no_change"
    )
    by_ci = np.select([overlap == "better", overlap == "worse", overlap == "similar"], ["improving", "worsening", "no_change"],
                      "not_comparable")  # fmt: skip
    direction = np.where(with_ci, by_ci, plain)
    # Yes/no and judgement indicators: compare positions on the scale.
    if (~numeric).any():
        rank = _text_rank(table, framework)
        prev_rank = _text_rank(earlier, framework)
        step = rank - prev_rank
        text_dir = np.select(
            [np.isnan(step), step > 0, step < 0], ["not_comparable", "improving", "worsening"], "no_change"
        )
        direction = np.where(numeric, direction, text_dir)
    return np.where(polarity == "no_judgement", "not_comparable", direction)


def _text_rank(frame: pd.DataFrame, framework: Framework) -> np.ndarray:
    rank = np.full(len(frame), np.nan)
    ids = frame["indicator"].to_numpy(dtype=object)
    text = frame["value_text"].astype("object").to_numpy()
    for ind in framework.indicators.values():
        if ind.is_numeric:
            continue
        rows = ids == ind.id
        order = (
            {"no": 0, "yes": 1} if ind.unit == "yes_no" else {lvl: i for i, lvl in enumerate(ind.scale or [])}
        )
        rank[rows] = pd.Series(text[rows]).map(order).to_numpy(dtype="float64")
    return rank


def _trend(table: pd.DataFrame, settings: pd.DataFrame) -> np.ndarray:
    """Fingertips recent trend at every point, over the five points ending there (native series only)."""
    trend = np.full(len(table), "cannot_be_calculated", dtype=object)
    method = table["indicator"].map(settings["ci_method"]).to_numpy(dtype=object)
    unit = table["indicator"].map(settings["unit"]).to_numpy(dtype=object)
    eligible = (
        table["native"].to_numpy(dtype=bool)
        & np.isin(method, ["wilson", "poisson"])
        & table["denominator"].notna().to_numpy()
    )
    if not eligible.any():
        return trend
    sub = table[eligible].sort_values(KEYS)
    group = sub.groupby(["indicator", "area", "period_months"], sort=False)
    rows, orders, frames = [], [], []
    columns = ["value", "ci95_lower", "ci95_upper", "numerator", "denominator", "period_start"]
    for k in range(5):
        shifted = group[columns].shift(k)
        contiguous = (
            shifted["period_start"].to_numpy()
            == sub["period_start"].to_numpy() - k * sub["period_months"].to_numpy()
        )
        block = shifted.where(pd.Series(contiguous, index=shifted.index), np.nan, axis=0)
        rows.append(sub.index.to_numpy())
        orders.append(np.full(len(sub), 4 - k))
        frames.append(block)
    long = pd.concat(frames, ignore_index=True)
    series = np.concatenate(rows)
    order = np.concatenate(orders)
    unit_sub = pd.Series(unit, index=table.index).loc[series].to_numpy(dtype=object)
    method_sub = pd.Series(method, index=table.index).loc[series].to_numpy(dtype=object)
    value_type = np.where(
        method_sub == "wilson", np.where(unit_sub == "percentage", "percentage", "proportion"), "crude_rate"
    )
    polarity = table["indicator"].map(settings["polarity"]).loc[series].to_numpy(dtype=object)
    result = stats.recent_trend(
        series, order, long["value"].to_numpy(), long["ci95_lower"].to_numpy(), long["ci95_upper"].to_numpy(),
        long["numerator"].to_numpy(), long["denominator"].to_numpy(), value_type, polarity,
    )  # fmt: skip
    trend[np.searchsorted(table.index.to_numpy(), result.index.to_numpy())] = result["trend"].to_numpy(
        dtype=object
    )
    return trend


def _benchmark(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> None:
    """Each area against its comparator (or the indicator's), plus rank and quintile among its peers."""
    own = {a.id: a.comparator for a in framework.areas}
    override = table["indicator"].map(settings["benchmark_comparator"])
    comparator = override.where(override.notna(), table["area"].map(own))
    table["comparator"] = comparator.astype("object").where(comparator.notna(), None)
    lookup = table[KEYS + ["value"]].rename(columns={"area": "comparator", "value": "comparator_value"})
    joined = table[["indicator", "comparator", "period_months", "period_start"]].merge(
        lookup, on=["indicator", "comparator", "period_months", "period_start"], how="left"
    )
    table["comparator_value"] = joined["comparator_value"].to_numpy(dtype="float64")
    polarity = table["indicator"].map(settings["polarity"]).to_numpy(dtype=object)
    method = table["indicator"].map(settings["benchmark_method"]).to_numpy(dtype=object)
    high = table["indicator"].map(settings["confidence"]).to_numpy() == 0.998
    value, bench = (
        table["value"].to_numpy(dtype="float64"),
        table["comparator_value"].to_numpy(dtype="float64"),
    )
    lo95, hi95 = table["ci95_lower"].to_numpy(dtype="float64"), table["ci95_upper"].to_numpy(dtype="float64")
    lo998, hi998 = (
        table["ci998_lower"].to_numpy(dtype="float64"),
        table["ci998_upper"].to_numpy(dtype="float64"),
    )
    lo, hi = np.where(high, lo998, lo95), np.where(high, hi998, hi95)
    result = np.full(len(table), "not_compared", dtype=object)
    contains = method == "ci_contains_comparator"
    result[contains] = stats.compare_ci_contains(value, lo, hi, bench, polarity)[contains]
    two = method == "two_level"
    if two.any():
        label, _grade = stats.compare_two_level(value, lo95, hi95, lo998, hi998, bench, polarity)
        result[two] = label[two]
    overlap = method == "overlap"
    if overlap.any():
        cmp = table[["indicator", "comparator", "period_months", "period_start"]].merge(
            table[KEYS + ["ci_lower", "ci_upper"]].rename(columns={"area": "comparator"}),
            on=["indicator", "comparator", "period_months", "period_start"],
            how="left",
        )
        result[overlap] = stats.compare_overlap(
            value, lo, hi, bench, cmp["ci_lower"].to_numpy(), cmp["ci_upper"].to_numpy(), polarity
        )[overlap]
    levels = (
        table["area"]
        .map({a.id: a.level for a in framework.areas})
        .astype(object)
        .fillna("")
        .to_numpy(dtype=object)
    )
    table["level"] = levels
    peers = pd.Series(table["indicator"].astype(str).to_numpy() + "|" + levels.astype(str) + "|"
                      + table["period_months"].astype(str).to_numpy() + "|" + table["period_start"].astype(str).to_numpy())  # fmt: skip
    quint = stats.quintiles(value, peers, polarity)
    quintile_method = method == "quintiles"
    quintile_label = np.select(
        [quint == 1, quint == 5, quint >= 2], ["better", "worse", "similar"], "not_compared"
    )
    neutral = polarity == "no_judgement"
    quintile_label = np.where(
        neutral,
        np.select([quint == 1, quint == 5, quint >= 2], ["lower", "higher", "similar"], "not_compared"),
        quintile_label,
    )
    result[quintile_method] = quintile_label[quintile_method]
    rank, size = stats.rank_within(value, peers, polarity)
    table["rank"], table["rank_of"], table["quintile"] = rank, size, quint
    numeric = table["indicator"].map(settings["numeric"]).to_numpy(dtype=bool)
    table["benchmark"] = np.where(numeric, result, "not_compared")


def _spc(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> pd.DataFrame:
    """SPC per native indicator × area series where enabled; returns the per-series summary."""
    for column, default in (("spc_mean", np.nan), ("spc_lower", np.nan), ("spc_upper", np.nan), ("spc_signal", ""),
                            ("spc_rule", ""), ("spc_trial", False), ("spc_group", np.nan)):  # fmt: skip
        table[column] = default
    enabled = table["indicator"].map(settings["spc_enabled"]).to_numpy(dtype=bool) & table["native"].to_numpy(
        dtype=bool
    )
    enabled &= table["indicator"].map(settings["numeric"]).to_numpy(dtype=bool)
    empty = pd.DataFrame(columns=["indicator", "area", "period_months", "variation", "assurance", "spc_text"])
    if not enabled.any():
        return empty
    sub = table[enabled]
    series_keys = sub[["indicator", "area", "period_months"]]
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(series_keys))
    ys = framework.year_start_month
    rebase = np.zeros(len(sub), dtype=bool)
    rows_settings = []
    for ind in framework.indicators.values():
        spc = ind.spc or framework.defaults.spc
        if not (spc and spc.enabled):
            continue
        mask = sub["indicator"].to_numpy() == ind.id
        if spc.rebase:
            labels = {p.label for p in (_period_start(r, ys) for r in spc.rebase) if p is not None}
            rebase[mask] = sub["period"].isin(labels).to_numpy()[mask]
        rows_settings.append(
            {
                "indicator": ind.id,
                "direction": {"higher_is_better": 1, "lower_is_better": -1}.get(ind.polarity, 0),
                "target": float(ind.target.value)
                if ind.target and isinstance(ind.target.value, int | float)
                else np.nan,
                "screen_outliers": spc.screen_outliers,
                "two_in_three_counts_outside": spc.two_in_three_counts_outside,
                "run_length": spc.run_length,
                "fix_after": spc.fix_after or 0,
                "min_points": spc.min_points,
            }
        )
    per_indicator = pd.DataFrame(rows_settings).set_index("indicator")
    series_frame = pd.DataFrame(list(uniques), columns=["indicator", "area", "period_months"])
    series_settings = per_indicator.loc[series_frame["indicator"]].reset_index(drop=True)
    points = pd.DataFrame(
        {
            "series": codes,
            "order": sub["period_start"].to_numpy(),
            "value": sub["value"].to_numpy(dtype="float64"),
            "rebase": rebase,
            "label": sub["period"].to_numpy(),
        },
        index=sub.index,
    )
    computed = compute_spc(points, series_settings)
    for column in ("spc_mean", "spc_lower", "spc_upper", "spc_signal", "spc_rule", "spc_trial", "spc_group"):
        table.loc[sub.index, column] = computed[column].to_numpy()
    summary = summarise_spc(points, computed, series_settings)
    return pd.concat([series_frame, summary.reset_index(drop=True)], axis=1)


# --- stage 5: latest, roll-ups, actions, comparisons --------------------------------------------


def _latest(
    table: pd.DataFrame, framework: Framework, report: Period | None, spc_summary: pd.DataFrame
) -> pd.DataFrame:
    """The row at the report period for each indicator × area (the latest on or before it)."""
    native = table[table["native"]]
    if report is not None:
        native = native[native["period_start"] + native["period_months"] <= report.start + report.months]
    with_data = native[native["status"] != "no_data"]
    idx = with_data.groupby(["indicator", "area"])["period_start"].idxmax()
    latest = table.loc[idx.to_numpy()].copy()
    # Every indicator × area with data appears; an indicator with no data anywhere appears once per top
    # area (or once, with no area), as no_data, so that a missing return is never silently left out.
    present = table[["indicator", "area"]].drop_duplicates()
    roots = [a.id for a in framework.areas if not a.parent] or [""]
    missing = [i for i in framework.indicators if i not in set(present["indicator"])]
    grid = pd.concat(
        [present, pd.DataFrame([(i, a) for i in missing for a in roots], columns=["indicator", "area"])],
        ignore_index=True,
    )
    areas = [a.id for a in framework.areas] + sorted(set(present["area"]) - set(framework.area_map)) + [""]
    latest = grid.merge(latest, on=["indicator", "area"], how="left")
    latest["status"] = latest["status"].fillna("no_data")
    latest["reason"] = latest["reason"].fillna("No data for this indicator yet.")
    if not spc_summary.empty:
        texts = spc_summary[["indicator", "area", "period_months", "spc_text"]]
        latest = latest.merge(texts, on=["indicator", "area", "period_months"], how="left")
    for column in ("variation", "assurance", "spc_text"):
        if column not in latest:
            latest[column] = ""
        latest[column] = latest[column].fillna("")
    latest["outcome"] = latest["indicator"].map(framework.indicator_outcome)
    latest["theme"] = latest["outcome"].map(framework.outcome_theme)
    order = {i: n for n, i in enumerate(framework.indicators)}
    area_order = {a: n for n, a in enumerate(areas)}
    latest = latest.sort_values(
        ["indicator", "area"], key=lambda s: s.map(order if s.name == "indicator" else area_order)
    )
    return latest.reset_index(drop=True)


def overall_status(counts: pd.DataFrame, rule: str) -> np.ndarray:
    """Overall RAG of a group of indicators from its status counts, by the framework's rule."""
    g, a, r = (counts[s].to_numpy() for s in _RAG)
    rated = g + a + r
    if rule == "worst":
        status = np.select([r > 0, a > 0, g > 0], ["red", "amber", "green"], "no_data")
    elif rule == "best":
        status = np.select([g > 0, a > 0, r > 0], ["green", "amber", "red"], "no_data")
    else:
        top = np.maximum(np.maximum(g, a), r)
        status = np.select([r == top, a == top], ["red", "amber"], "green")
    return np.where(rated > 0, status, np.where(counts["no_target"].to_numpy() > 0, "no_target", "no_data"))


def _roll_ups(latest: pd.DataFrame, framework: Framework, key: str) -> pd.DataFrame:
    counts = pd.crosstab([latest[key], latest["area"]], latest["status"]).reindex(
        columns=STATUSES, fill_value=0
    )
    counts = counts.reset_index()
    extra = (
        latest.assign(
            worsening=(latest.get("direction") == "worsening"),
            special_cause_concern=(latest.get("spc_signal") == "special_cause_concern"),
        )
        .groupby([key, "area"])[["worsening", "special_cause_concern"]]
        .sum()
        .reset_index()
    )
    counts = counts.merge(extra, on=[key, "area"], how="left")
    counts["indicators"] = counts[STATUSES].sum(axis=1)
    counts["status"] = overall_status(counts, framework.rules.rollup)
    return counts


def _national(latest: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    links = [(no, o.id) for o in framework.outcomes.values() for no in o.contributes_to]
    columns = [
        "national_outcome",
        "area",
        *STATUSES,
        "worsening",
        "special_cause_concern",
        "indicators",
        "status",
    ]
    if not links:
        return pd.DataFrame(columns=columns)
    link = pd.DataFrame(links, columns=["national_outcome", "outcome"])
    joined = latest.merge(link, on="outcome", how="inner")
    if joined.empty:
        return pd.DataFrame(columns=columns)
    return _roll_ups(joined, framework, "national_outcome")


def _actions(framework: Framework, as_of: date, extra: list | None) -> pd.DataFrame:
    by_id = {action.id: action for action in framework.actions}
    by_id.update({action.id: action for action in extra or []})  # a progress CSV updates the plan's actions
    actions = list(by_id.values())
    due_soon = framework.defaults.due_soon_days
    rows = []
    for action in actions:
        if action.status == "done":
            state = "done"
        elif action.status == "cancelled":
            state = "cancelled"
        elif action.due and action.due < as_of:
            state = "overdue"
        elif action.due and (action.due - as_of).days <= due_soon:
            state = "due_soon"
        else:
            state = "on_track"
        rows.append(
            {
                "id": action.id, "title": action.title, "outcome": action.outcome, "indicators": list(action.indicators),
                "owner": action.owner, "due": action.due, "status": action.status, "state": state,
                "completed": action.completed, "milestones_done": sum(m.done for m in action.milestones),
                "milestones_total": len(action.milestones), "notes": action.notes,
            }
        )  # fmt: skip
    columns = ["id", "title", "outcome", "indicators", "owner", "due", "status", "state", "completed",
               "milestones_done", "milestones_total", "notes"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _comparisons(
    table: pd.DataFrame, framework: Framework, report: Period | None, years: int
) -> pd.DataFrame:
    """The reporting year beside each of the preceding years, with the change and direction from each."""
    annual = table[table["period_months"] == 12]
    columns = [
        "indicator",
        "area",
        "period",
        "compare_period",
        "years_back",
        "value",
        "compare_value",
        "change",
        "direction",
    ]
    if annual.empty:
        return pd.DataFrame(columns=columns)
    if report is not None:
        year_start = _containing_start(np.array([report.start]), np.array([12]), framework.year_start_month)[
            0
        ]
        annual = annual[annual["period_start"] <= year_start]
    latest_idx = (
        annual[annual["value"].notna() | annual["value_text"].notna()]
        .groupby(["indicator", "area"])["period_start"]
        .idxmax()
    )
    current = annual.loc[latest_idx.to_numpy(), ["indicator", "area", "period", "period_start", "value"]]
    settings = _settings(framework)
    parts = []
    for back in range(1, years + 1):
        earlier = _shifted(current.assign(period_months=12), np.full(len(current), 12 * back), annual)
        sign = np.where(
            current["indicator"].map(settings["polarity"]).to_numpy() == "lower_is_better", -1.0, 1.0
        )
        change = current["value"].to_numpy() - earlier["value"].to_numpy()
        polarity = current["indicator"].map(settings["polarity"]).to_numpy()
        direction = np.select(
            [np.isnan(change), change * sign > 0, change * sign < 0],
            ["not_comparable", "improving", "worsening"],
            "no_change",
        )
        direction = np.where(polarity == "no_judgement", "not_comparable", direction)
        labels = _labels(
            current["period_start"].to_numpy() - 12 * back,
            np.full(len(current), 12),
            framework.year_start_month,
        )
        parts.append(
            pd.DataFrame(
                {
                    "indicator": current["indicator"].to_numpy(), "area": current["area"].to_numpy(),
                    "period": current["period"].to_numpy(), "compare_period": labels, "years_back": back,
                    "value": current["value"].to_numpy(), "compare_value": earlier["value"].to_numpy(),
                    "change": change, "direction": direction,
                }
            )
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True)[columns]


# --- the pass ------------------------------------------------------------------------------------


def evaluate(
    framework: Framework,
    observations: pd.DataFrame,
    *,
    period: str | None = None,
    as_of: date | None = None,
    actions: list | None = None,
    compare_years: int = 5,
) -> Results:
    """Evaluate every indicator × area × period of `observations` against `framework`.

    `period` (a label in any accepted form) is the report period: the `latest` rows are the latest on or
    before it. `as_of` is the report date for action states (default today). `actions` adds actions from a
    CSV to the framework's own.
    """
    as_of = as_of or date.today()
    ys = framework.year_start_month
    report = parse_period(period, ys) if period else None
    settings = _settings(framework)
    obs = observations[observations["indicator"].isin(settings.index)].copy()
    obs = _fill_defaults(_standardise_bands(_fill_defaults(obs), settings))
    table = _roll_up(obs, settings, ys)
    table = _fill_defaults(table)
    table = _roll_up_areas(table, framework, settings)
    table = _fill_defaults(table)
    table["native"] = table["native"].fillna(True).astype(bool)
    table = table.sort_values(KEYS, kind="stable").reset_index(drop=True)
    table["outcome"] = table["indicator"].map(framework.indicator_outcome)
    table["theme"] = table["outcome"].map(framework.outcome_theme)
    _intervals(table, settings)
    _targets(table, framework)
    _status(table, framework, settings)
    _reasons(table, framework, settings)
    # The previous period is one period back; for biennial surveys, two years back.
    step = table["indicator"].map(settings["frequency_step"]).to_numpy(dtype="int64")
    months = table["period_months"].to_numpy(dtype="int64")
    previous = np.where(table["native"].to_numpy() & (step > months), step, months)
    table["direction"] = _direction(table, framework, settings, previous)
    table["direction_yoy"] = _direction(table, framework, settings, np.full(len(table), 12))
    table["trend"] = _trend(table, settings)
    _benchmark(table, framework, settings)
    spc_summary = _spc(table, framework, settings)
    table["spc_trial"] = table["spc_trial"].astype(bool)
    latest_spc = spc_summary
    if not spc_summary.empty:
        latest_spc = spc_summary[["indicator", "area", "period_months", "variation", "assurance", "spc_text"]]
    table = table.merge(
        latest_spc[["indicator", "area", "period_months", "variation", "assurance"]] if not spc_summary.empty
        else pd.DataFrame(columns=["indicator", "area", "period_months", "variation", "assurance"]),
        on=["indicator", "area", "period_months"], how="left",
    )  # fmt: skip
    table["variation"] = table["variation"].fillna("").where(table["native"], "")
    table["assurance"] = table["assurance"].fillna("").where(table["native"], "")
    table["spc_signal"] = table["spc_signal"].fillna("")
    table["spc_rule"] = table["spc_rule"].fillna("")
    ordered = CONTRACT_COLUMNS + [c for c in EXTRA_COLUMNS if c in table] + ["native", "target_text", "ci95_lower",
                                                                             "ci95_upper", "ci998_lower", "ci998_upper", "compared_value", "ytd"]  # fmt: skip
    table = table[ordered]
    latest = _latest(table, framework, report, latest_spc)
    outcomes = _roll_ups(latest, framework, "outcome")
    themes = _roll_ups(latest, framework, "theme")
    national = _national(latest, framework)
    action_frame = _actions(framework, as_of, actions)
    findings = _needs_action(outcomes, action_frame, framework)
    comparisons = _comparisons(table, framework, report, compare_years)
    return Results(
        framework=framework, table=table, latest=latest, comparisons=comparisons, outcomes=outcomes,
        themes=themes, national_outcomes=national, actions=action_frame, as_of=as_of,
        period=report.label if report else _latest_label(latest), findings=findings,
    )  # fmt: skip


def _latest_label(latest: pd.DataFrame) -> str | None:
    periods = latest.dropna(subset=["period_start"])
    if periods.empty:
        return None
    return str(periods.loc[periods["period_start"].idxmax(), "period"])


def _needs_action(outcomes: pd.DataFrame, actions: pd.DataFrame, framework: Framework) -> list[Finding]:
    """An outcome with red indicators and no open action is flagged for the exception report."""
    open_outcomes = set(actions.loc[~actions["state"].isin(["done", "cancelled"]), "outcome"].dropna())
    flagged = outcomes[(outcomes["red"] > 0) & ~outcomes["outcome"].isin(open_outcomes)]
    outcomes["needs_action"] = (outcomes["red"] > 0) & ~outcomes["outcome"].isin(open_outcomes)
    return [
        Finding(
            file=framework.id,
            severity="warning",
            code="outcome-without-action",
            message=f"outcome {row.outcome} ({row.area}) has {row.red} red indicator(s) and no open action",
        )  # fmt: skip
        for row in flagged.itertuples()
    ]
