"""The evaluation engine: from a framework and the canonical observations, how every indicator is doing.

One pass over the long table, group-wise and vectorised: a small Python loop over indicators (tens to
hundreds) builds per-indicator settings; nothing loops per row or per series. Ids and vocabularies are
integer codes throughout (categoricals at the edges). Two steps: `evaluate_table` gives the long table
(`Results.table`, which partitions by indicator) and `summarise` the latest rows, roll-ups and comparisons
that every report and export reads; `evaluate` is the two together.

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

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.errors import Finding
from perfwatch.evaluate import stats
from perfwatch.evaluate.reasons import NO_DATA_YET, reasons
from perfwatch.evaluate.results import (
    ASSURANCES,
    BENCHMARKS,
    DIRECTIONS,
    EXTRA_COLUMNS,
    SPC_RULES,
    SPC_SIGNALS,
    STATUSES,
    TABLE_COLUMNS,
    TRENDS,
    VARIATIONS,
    Results,
    codes_of,
)
from perfwatch.evaluate.spc import compute_spc, summarise_spc
from perfwatch.framework.periods import (
    Period,
    PeriodError,
    frequency_months,
    frequency_step,
    parse_period,
    period_labels,
)

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework, Indicator

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
        "indicator", "unit", "polarity", "sign", "per", "aggregation", "frequency_months", "frequency_step", "ci_method", "confidence",
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


def _roll_up(obs: pd.DataFrame, settings: pd.DataFrame, areas: pd.Index, year_start: int) -> pd.DataFrame:
    """Data finer than an indicator's frequency rolled up to it; sub-annual indicators also get years."""
    freq = _ind(obs, settings, "frequency_months").fillna(0).to_numpy(dtype="int64")
    native = np.where(freq > 0, np.maximum(freq, obs["period_months"].to_numpy()), obs["period_months"])
    finer = obs["period_months"].to_numpy() < native
    out = [obs[~finer].assign(native=True)]
    if finer.any():
        out.append(_aggregate(obs[finer], settings, areas, native[finer], year_start).assign(native=True))
    # Year rows for sub-annual indicators (the annual report compares years).
    sub_annual = obs[(native < 12) & (obs["period_months"].to_numpy() < 12)]
    if len(sub_annual):
        twelve = np.full(len(sub_annual), 12)
        years = _aggregate(sub_annual, settings, areas, twelve, year_start).assign(native=False)
        given = pd.MultiIndex.from_frame(obs.loc[obs["period_months"] == 12, KEYS])
        out.append(years[~pd.MultiIndex.from_frame(years[KEYS]).isin(given)])  # a given outturn wins
    combined = pd.concat(out, ignore_index=True)
    # Year outturns of monthly or quarterly indicators sit beside their series, not in it.
    frequency = _ind(combined, settings, "frequency_months").to_numpy()
    outturn = (combined["period_months"].to_numpy() == 12) & (frequency > 0) & (frequency < 12)
    combined["native"] = combined["native"].to_numpy(dtype=bool) & ~outturn
    return combined


class _Groups:
    """Rows grouped by an int64 key, each group in `order`: sums, means and last values by bincount and
    reduceat, with no pandas groupby over wide frames."""

    def __init__(self, key: np.ndarray, order: np.ndarray) -> None:
        self.sort = np.lexsort((order, key))
        sorted_key = key[self.sort]
        first = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
        self.group = np.cumsum(first) - 1
        self.first = np.flatnonzero(first)  # positions in sorted order
        self.size = np.diff(np.r_[self.first, len(sorted_key)])

    @property
    def first_rows(self) -> np.ndarray:
        """Each group's first row (in the caller's row order)."""
        return self.sort[self.first]

    def complete_sum(self, values: np.ndarray) -> np.ndarray:
        """Sums that are NaN unless every row of the group has a value (a gap never reads as zero)."""
        v = values[self.sort]
        present = ~np.isnan(v)
        total = np.bincount(self.group, weights=np.where(present, v, 0.0), minlength=len(self.first))
        return np.where(
            np.bincount(self.group, weights=present, minlength=len(self.first)) == self.size, total, np.nan
        )

    def mean(self, values: np.ndarray) -> np.ndarray:
        v = values[self.sort]
        present = ~np.isnan(v)
        with np.errstate(all="ignore"):
            return np.bincount(
                self.group, weights=np.where(present, v, 0.0), minlength=len(self.first)
            ) / np.bincount(self.group, weights=present, minlength=len(self.first))

    def total(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.group, weights=values[self.sort], minlength=len(self.first))

    def last(self, values: np.ndarray, present: np.ndarray) -> np.ndarray:
        """The last present value of each group (missing where the group has none)."""
        sorted_present = present[self.sort]
        position = np.where(sorted_present, np.arange(len(self.sort)), -1)
        last = np.maximum.reduceat(position, self.first) if len(self.first) else position[:0]
        return _take(values[self.sort], last)


def _aggregate(
    rows: pd.DataFrame, settings: pd.DataFrame, areas: pd.Index, target: np.ndarray, year_start: int
) -> pd.DataFrame:
    """Sum, ratio, mean or last of the rows in each containing period of `target` months."""
    start = _containing_start(rows["period_start"].to_numpy(dtype="int64"), target, year_start)
    indicator_codes = _indicator_codes(rows, settings)
    area_codes = _area_codes(rows, "area", areas)
    groups = _Groups(
        _row_keys(indicator_codes, np.maximum(area_codes, 0), target, start), rows["period_start"].to_numpy()
    )
    first = groups.first_rows
    value = rows["value"].to_numpy(dtype="float64")
    numerator = groups.complete_sum(rows["numerator"].to_numpy(dtype="float64"))
    denominator = groups.complete_sum(rows["denominator"].to_numpy(dtype="float64"))
    months = groups.total(rows["period_months"].to_numpy(dtype="float64"))
    suppressed = groups.total((rows["missing"] == "suppressed").to_numpy(dtype="float64")) > 0
    texts = rows["value_text"].astype(object).to_numpy()
    agg = settings["aggregation"].to_numpy(dtype=object)[indicator_codes[first]]
    per = settings["per"].to_numpy(dtype="float64")[indicator_codes[first]]
    with np.errstate(all="ignore"):
        ratio = numerator / denominator * per
    value = np.select(
        [agg == "sum", agg == "ratio", agg == "mean"],
        [groups.complete_sum(value), ratio, groups.mean(value)],
        default=groups.last(value, ~np.isnan(value)),
    )
    group_months, group_start = target[first], start[first]
    return pd.DataFrame(
        {
            "indicator": rows["indicator"].array.take(first),
            "area": rows["area"].array.take(first),
            "period": _labels(group_start, group_months, year_start),
            "period_start": group_start,
            "period_months": group_months,
            "value": value,
            "numerator": np.where(agg == "ratio", numerator, np.nan),
            "denominator": np.where(agg == "ratio", denominator, np.nan),
            "value_text": groups.last(texts, pd.notna(texts)),
            "missing": np.where(np.isnan(value), np.where(suppressed, "suppressed", "not_available"), ""),
            "flag": np.where(months < group_months, "partial", ""),
            "note": "",
        }
    )


def _roll_up_areas(
    table: pd.DataFrame, framework: Framework, settings: pd.DataFrame, areas: pd.Index
) -> pd.DataFrame:
    """Parents without their own data get the sum of their children's numerators and denominators.

    Only where every child of the parent has data for that indicator and period (a missing child never
    lowers a total) unless the parent's `roll_up` is `available`; never for parents whose `roll_up` is `off`
    (a nation listed with one council is not the sum of its children).
    """
    rolls = {a.id for a in framework.areas if a.roll_up != "off"}
    parents = {a.id: a.parent for a in framework.areas if a.parent and a.parent in rolls}
    if not parents:
        return table
    depth = {}
    for area in framework.areas:
        d, seen, node = 0, set(), area.id
        while node in parents and node not in seen:
            seen.add(node)
            node, d = parents[node], d + 1
        depth[area.id] = d
    # Per area code: its parent's code (−1: none), depth, number of children, and whether all are needed.
    parent_of = np.full(len(areas), -1, dtype="int64")
    parent_of[areas.get_indexer(list(parents))] = areas.get_indexer(list(parents.values()))
    depth_of = np.zeros(len(areas), dtype="int64")
    depth_of[areas.get_indexer(list(depth))] = list(depth.values())
    children_of = np.bincount(parent_of[parent_of >= 0], minlength=len(areas))
    needs_all = np.zeros(len(areas), dtype=bool)
    needs_all[areas.get_indexer([a.id for a in framework.areas if a.roll_up == "complete"])] = True
    summable = settings["aggregation"].isin(["sum", "ratio"]).to_numpy()
    is_ratio = (settings["aggregation"] == "ratio").to_numpy()
    per = settings["per"].to_numpy(dtype="float64")
    for level in sorted({d for d in depth.values() if d > 0}, reverse=True):
        indicator_codes = _indicator_codes(table, settings)
        area_codes = _area_codes(table, "area", areas)
        months = table["period_months"].to_numpy(dtype="int64")
        starts = table["period_start"].to_numpy(dtype="int64")
        rows = np.flatnonzero(summable[indicator_codes] & (depth_of[area_codes] == level) & (area_codes >= 0))
        parent = parent_of[area_codes[rows]]
        parent_keys = _row_keys(indicator_codes[rows], parent, months[rows], starts[rows])
        # A parent's own data wins: only keys the table does not have yet are summed.
        absent = ~pd.Index(parent_keys).isin(
            _row_keys(indicator_codes, np.maximum(area_codes, 0), months, starts)
        )
        rows, parent, parent_keys = rows[absent], parent[absent], parent_keys[absent]
        if not len(rows):
            continue
        native = table["native"].to_numpy(dtype=bool)[rows]
        groups = _Groups(parent_keys * 2 + native, np.zeros(len(rows)))
        sums = {
            column: groups.complete_sum(table[column].to_numpy(dtype="float64")[rows])
            for column in ("value", "numerator", "denominator")
        }
        first = rows[groups.first_rows]
        group_parent = parent[groups.first_rows]
        ratio = is_ratio[indicator_codes[first]]
        with np.errstate(all="ignore"):
            value = np.where(
                ratio, sums["numerator"] / sums["denominator"] * per[indicator_codes[first]], sums["value"]
            )
        keep = ((groups.size == children_of[group_parent]) | ~needs_all[group_parent]) & ~np.isnan(value)
        if not keep.any():
            continue
        first, ratio = first[keep], ratio[keep]
        new = pd.DataFrame(
            {
                "indicator": table["indicator"].array.take(first),
                "area": pd.Categorical.from_codes(group_parent[keep], categories=areas),
                "period": table["period"].array.take(first),
                "period_start": starts[first],
                "period_months": months[first],
                "native": native[groups.first_rows][keep],
                "value": value[keep],
                "numerator": np.where(ratio, sums["numerator"][keep], np.nan),
                "denominator": np.where(ratio, sums["denominator"][keep], np.nan),
                "flag": "rolled_up",
                "missing": "",
            }
        )
        table = _fill_defaults(pd.concat([table, new], ignore_index=True))
    return table


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
    bounds = _indicator_bounds(_indicator_codes(table, settings), settings)
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
    bounds = _indicator_bounds(_indicator_codes(table, settings), settings)
    for position, ind_id in enumerate(settings.index):
        ind = framework.indicators[ind_id]
        rows = slice(bounds[position], bounds[position + 1])
        if ind.is_numeric or rows.start == rows.stop:
            continue
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


# --- stage 4: direction, trend, benchmark, SPC ------------------------------------------------------


def _area_codes(frame: pd.DataFrame, column: str, areas: pd.Index) -> np.ndarray:
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.equals(areas):
        return values.cat.codes.to_numpy().astype("int64")
    return pd.Categorical(values, categories=areas).codes.astype("int64")


def _row_keys(ind: np.ndarray, area: np.ndarray, months: np.ndarray, start: np.ndarray) -> np.ndarray:
    """One int64 per indicator × area × period length × period start (codes must be non-negative)."""
    return ((ind.astype("int64") * 100_000 + area) * 13 + months) * 1_000_000 + start


def _keys_of(
    frame: pd.DataFrame, settings: pd.DataFrame, areas: pd.Index, area_column: str = "area"
) -> np.ndarray:
    return _row_keys(
        _indicator_codes(frame, settings),
        _area_codes(frame, area_column, areas),
        frame["period_months"].to_numpy(dtype="int64"),
        frame["period_start"].to_numpy(dtype="int64"),
    )


def _lookup(source_keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row positions in the source of each wanted key; -1 where there is none.

    The evaluation's tables are sorted by their keys, so this is a binary search; an unsorted source
    falls back to a hash index.
    """
    if len(source_keys) == 0:
        return np.full(len(wanted), -1, dtype="int64")
    if (source_keys[1:] > source_keys[:-1]).all():
        positions = np.minimum(np.searchsorted(source_keys, wanted), len(source_keys) - 1)
        return np.where(source_keys[positions] == wanted, positions, -1)
    return pd.Index(source_keys).get_indexer(wanted)


def _take(values: np.ndarray, positions: np.ndarray, fill=np.nan) -> np.ndarray:
    out = np.asarray(values)[np.where(positions >= 0, positions, 0)]
    if out.dtype.kind in "fc":
        return np.where(positions >= 0, out, fill)
    out = out.astype(object)
    out[positions < 0] = None if fill is np.nan else fill
    return out


#: Direction of travel from the double-overlap judgement (codes into stats.JUDGEMENTS).
_DIRECTION_OF_JUDGEMENT = np.array(
    [
        {
            "better": DIRECTION["improving"],
            "similar": DIRECTION["no_change"],
            "worse": DIRECTION["worsening"],
        }.get(j, DIRECTION["not_comparable"])
        for j in stats.JUDGEMENTS
    ]
)


def _direction(
    table: pd.DataFrame, framework: Framework, settings: pd.DataFrame, keys: np.ndarray, back: np.ndarray
) -> np.ndarray:
    """Codes into DIRECTIONS: each row against the row of its series `back` months earlier."""
    earlier = _lookup(keys, keys - back)  # the period start is the key's last term
    sign = _ind(table, settings, "sign").to_numpy(dtype="float64")
    numeric = _ind(table, settings, "numeric").to_numpy(dtype=bool)
    value = table["value"].to_numpy(dtype="float64")
    lo, hi = table["ci_lower"].to_numpy(dtype="float64"), table["ci_upper"].to_numpy(dtype="float64")
    prev, plo, phi = _take(value, earlier), _take(lo, earlier), _take(hi, earlier)
    with_ci = ~np.isnan(lo) & ~np.isnan(plo)
    by_ci = _DIRECTION_OF_JUDGEMENT[
        stats.judgement_codes(stats.overlap_raw(value, lo, hi, prev, plo, phi), sign)
    ]
    diff = (value - prev) * np.where(sign < 0, -1.0, 1.0)
    plain = np.select(
        [np.isnan(diff), diff > 0, diff < 0],
        [DIRECTION["not_comparable"], DIRECTION["improving"], DIRECTION["worsening"]],
        DIRECTION["no_change"],
    )
    direction = np.where(with_ci, by_ci, plain)
    # Yes/no and judgement indicators: compare positions on the scale.
    if (~numeric).any():
        rank = _text_rank(table, framework, settings)
        step = rank - _take(rank, earlier)
        text_dir = np.select(
            [np.isnan(step), step > 0, step < 0],
            [DIRECTION["not_comparable"], DIRECTION["improving"], DIRECTION["worsening"]],
            DIRECTION["no_change"],
        )
        direction = np.where(numeric, direction, text_dir)
    return np.where(sign == 0, DIRECTION["not_comparable"], direction)


def _text_rank(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> np.ndarray:
    """Position of each yes/no or judgement answer on its scale (NaN for numeric rows and no answer)."""
    rank = np.full(len(table), np.nan)
    bounds = _indicator_bounds(_indicator_codes(table, settings), settings)
    for position, ind_id in enumerate(settings.index):
        ind = framework.indicators[ind_id]
        rows = slice(bounds[position], bounds[position + 1])
        if ind.is_numeric or rows.start == rows.stop:
            continue
        order = (
            {"no": 0, "yes": 1} if ind.unit == "yes_no" else {lvl: i for i, lvl in enumerate(ind.scale or [])}
        )
        answers = table["value_text"].iloc[rows].astype(object)
        rank[rows] = answers.map(order).to_numpy(dtype="float64", na_value=np.nan)
    return rank


def _series_ids(table: pd.DataFrame, settings: pd.DataFrame, areas: pd.Index) -> np.ndarray:
    """A number per indicator × area × period length, for a table sorted by KEYS."""
    key = (
        _indicator_codes(table, settings).astype("int64") * 100_000 + _area_codes(table, "area", areas)
    ) * 13 + table["period_months"].to_numpy(dtype="int64")
    return np.cumsum(np.r_[True, key[1:] != key[:-1]]) - 1 if len(key) else key


def _trend(table: pd.DataFrame, settings: pd.DataFrame, series: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Codes into TRENDS: the Fingertips recent trend at every point, over the five points ending there
    (native series only).

    The table is sorted by series and period, so the four points before a row are the four rows before
    it, when they are in the same series and one step apart each (a missing period ends the run).
    """
    trend = np.full(len(table), codes_of(TRENDS)["cannot_be_calculated"], dtype="int8")
    codes = _indicator_codes(table, settings)
    method = settings["ci_method"].to_numpy(dtype=object)
    value_type = np.where(
        method == "wilson",
        np.where(settings["unit"].to_numpy(dtype=object) == "percentage", "percentage", "proportion"),
        np.where(method == "poisson", "crude_rate", ""),
    )[codes]
    rows = np.flatnonzero(
        table["native"].to_numpy(dtype=bool) & (value_type != "") & table["denominator"].notna().to_numpy()
    )
    # Only windows of five points one step apart in the same series can be tested; the rest stay
    # `cannot_be_calculated` without being gathered.
    start = table["period_start"].to_numpy(dtype="int64")
    for back in range(1, 5):
        source = np.maximum(rows - back, 0)
        rows = rows[
            (rows >= back)
            & (series[source] == series[rows])
            & (start[source] == start[rows] - back * step[rows])
        ]
    if not len(rows):
        return trend
    matrices = []
    for column in ("value", "ci95_lower", "ci95_upper", "numerator", "denominator"):
        values = table[column].to_numpy(dtype="float64")
        matrices.append(np.lib.stride_tricks.sliding_window_view(values, 5)[rows - 4])  # oldest first
    polarity = settings["polarity"].to_numpy(dtype=object)[codes[rows]]
    trend[rows] = stats.trend_window_codes(*matrices, value_type[rows], polarity)
    return trend


def _benchmark(
    table: pd.DataFrame, framework: Framework, settings: pd.DataFrame, areas: pd.Index, keys: np.ndarray
) -> None:
    """Each area against its comparator (or the indicator's), plus rank and quintile among its peers."""
    own = areas.get_indexer(pd.Index([a.comparator for a in framework.areas], dtype=object))
    own_by_area = np.full(len(areas), -1, dtype="int64")
    own_by_area[: len(own)] = own  # the framework's areas come first in `areas`
    override = areas.get_indexer(pd.Index(settings["benchmark_comparator"].to_numpy(dtype=object)))
    area_codes = _area_codes(table, "area", areas)
    indicator_codes = _indicator_codes(table, settings)
    by_indicator = override[indicator_codes]
    comparator = np.where(by_indicator >= 0, by_indicator, own_by_area[area_codes])
    table["comparator"] = pd.Categorical.from_codes(comparator, categories=areas)
    months = table["period_months"].to_numpy(dtype="int64")
    starts = table["period_start"].to_numpy(dtype="int64")
    wanted = _row_keys(indicator_codes, np.maximum(comparator, 0), months, starts)
    positions = np.where(comparator >= 0, _lookup(keys, wanted), -1)
    value = table["value"].to_numpy(dtype="float64")
    bench = _take(value, positions)
    table["comparator_value"] = bench
    sign = _ind(table, settings, "sign").to_numpy(dtype="float64")
    polarity = _ind(table, settings, "polarity").to_numpy(dtype=object)
    method = _ind(table, settings, "benchmark_method").to_numpy(dtype=object)
    high = _ind(table, settings, "confidence").to_numpy() == 0.998
    lo95, hi95 = table["ci95_lower"].to_numpy(dtype="float64"), table["ci95_upper"].to_numpy(dtype="float64")
    lo998 = table["ci998_lower"].to_numpy(dtype="float64")
    hi998 = table["ci998_upper"].to_numpy(dtype="float64")
    lo, hi = np.where(high, lo998, lo95), np.where(high, hi998, hi95)
    not_compared = BENCHMARK["not_compared"]
    result = np.full(len(table), not_compared, dtype="int8")
    for name, compared in (
        ("ci_contains_comparator", lambda: stats.ci_contains_raw(value, lo, hi, bench)),
        ("two_level", lambda: stats.two_level_raw(value, lo95, hi95, lo998, hi998, bench)[0]),
        ("overlap", lambda: stats.overlap_raw(
            value, lo, hi, bench, _take(table["ci_lower"].to_numpy(dtype="float64"), positions),
            _take(table["ci_upper"].to_numpy(dtype="float64"), positions))),
    ):  # fmt: skip
        rows = method == name
        if rows.any():
            result[rows] = stats.judgement_codes(compared()[rows], sign[rows])
    level_of = pd.Series({a.id: a.level for a in framework.areas}, dtype=object).reindex(areas).fillna("")
    level_codes, level_names = pd.factorize(level_of)
    table["level"] = pd.Categorical.from_codes(level_codes[area_codes], categories=level_names)
    peers = _row_keys(indicator_codes, level_codes[area_codes].astype("int64"), months, starts)
    quint = stats.quintiles(value, peers, polarity)
    rows = method == "quintiles"
    if rows.any():
        best = np.where(sign == 0, BENCHMARK["lower"], BENCHMARK["better"])
        worst = np.where(sign == 0, BENCHMARK["higher"], BENCHMARK["worse"])
        by_quintile = np.select(
            [quint == 1, quint == 5, quint >= 2], [best, worst, BENCHMARK["similar"]], not_compared
        )
        result[rows] = by_quintile[rows]
    rank, size = stats.rank_within(value, peers, polarity)
    table["rank"], table["rank_of"], table["quintile"] = rank, size, quint
    # A count is not benchmarked against a total (a district's visits against the county's): only rates,
    # percentages and other ratios are comparable across areas of different sizes.
    comparable = _ind(table, settings, "numeric").to_numpy(dtype=bool) & (
        _ind(table, settings, "aggregation").to_numpy(dtype=object) != "sum"
    )
    table["benchmark"] = _coded(np.where(comparable, result, not_compared), BENCHMARKS)


def _spc(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame, series: np.ndarray) -> None:
    """SPC per native indicator × area series where enabled. Every point of a series also carries the
    series' summary (its latest point's variation and assurance icons and the sentence that says so)."""
    numbers = {c: np.full(len(table), np.nan) for c in ("spc_mean", "spc_lower", "spc_upper", "spc_group")}
    vocabularies = {
        column: list(dict.fromkeys([*words, ""]))
        for column, words in (("spc_signal", SPC_SIGNALS), ("spc_rule", SPC_RULES), ("variation", VARIATIONS),
                              ("assurance", ASSURANCES))
    }  # fmt: skip
    texts = {
        column: np.full(len(table), words.index(""), dtype="int8") for column, words in vocabularies.items()
    }
    trial = np.zeros(len(table), dtype=bool)
    sentence_codes, sentences = np.full(len(table), 0, dtype="int32"), pd.Index([""], dtype=object)

    def store() -> None:
        for column, values in numbers.items():
            table[column] = values
        for column, codes in texts.items():
            table[column] = _coded(codes, vocabularies[column])
        table["spc_trial"] = trial
        table["spc_text"] = pd.Categorical.from_codes(sentence_codes, categories=sentences)

    enabled = _ind(table, settings, "spc_enabled").to_numpy(dtype=bool) & table["native"].to_numpy(dtype=bool)
    enabled &= _ind(table, settings, "numeric").to_numpy(dtype=bool)
    if not enabled.any():
        store()
        return
    sub = table[enabled]
    codes = pd.factorize(series[enabled])[0]  # series in table order, so codes ascend
    first_rows = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ys = framework.year_start_month
    rebase = np.zeros(len(sub), dtype=bool)
    rows_settings = []
    for ind in framework.indicators.values():
        spc = ind.spc or framework.defaults.spc
        if not (spc and spc.enabled):
            continue
        mask = (sub["indicator"] == ind.id).to_numpy()
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
    series_settings = per_indicator.loc[sub["indicator"].iloc[first_rows].astype(str)].reset_index(drop=True)
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
    rows = np.flatnonzero(enabled)
    for column in numbers:
        numbers[column][rows] = computed[column].to_numpy(dtype="float64")
    for column in ("spc_signal", "spc_rule"):
        texts[column][rows] = _vocabulary_codes(computed[column], vocabularies[column])
    trial[rows] = computed["spc_trial"].to_numpy(dtype=bool)
    summary = summarise_spc(points, computed, series_settings).reset_index(drop=True)
    # Every point of a series carries the series' (latest point's) variation and assurance icons.
    for column in ("variation", "assurance"):
        texts[column][rows] = _vocabulary_codes(summary[column], vocabularies[column])[codes]
    series_sentences, distinct = pd.factorize(pd.Index(["", *summary["spc_text"].astype(object)]))
    sentence_codes[rows] = series_sentences[1:][codes]
    sentences = pd.Index(distinct, dtype=object)
    store()


# --- stage 5: latest, roll-ups, actions, comparisons --------------------------------------------


def _latest(
    table: pd.DataFrame,
    framework: Framework,
    settings: pd.DataFrame,
    report: Period | None,
) -> pd.DataFrame:
    """The row at the report period for each indicator × area (the latest on or before it).

    Every indicator × area with data appears; an indicator with no data anywhere appears once per top area
    (or once, with no area) as no_data, so that a missing return is never silently left out.
    """
    eligible = table["native"].to_numpy(dtype=bool).copy()
    if report is not None and report.months == 12:
        # An annual report shows each sub-annual indicator's year (its year row), not its last month.
        frequency = _ind(table, settings, "frequency_months").to_numpy()
        year_rows = (table["period_months"].to_numpy() == 12) & (frequency > 0) & (frequency < 12)
        eligible = np.where((frequency > 0) & (frequency < 12), year_rows, eligible)
    eligible &= table["status"].cat.codes.to_numpy() != STATUS["no_data"]
    if report is not None:
        ends = table["period_start"].to_numpy() + table["period_months"].to_numpy()
        eligible &= ends <= report.start + report.months
    rows = np.flatnonzero(eligible)
    latest = table.iloc[rows[_last_positions(table.iloc[rows][["indicator", "area", "period_start"]])]]
    present = table[["indicator", "area"]].drop_duplicates()
    grid = present.merge(latest, on=["indicator", "area"], how="left")
    roots = [a.id for a in framework.areas if not a.parent] or [""]
    reported = {str(i) for i in present["indicator"].astype(object).unique()}
    missing = pd.DataFrame(
        [(i, a) for i in framework.indicators if i not in reported for a in roots],
        columns=["indicator", "area"],
    )
    grid = grid.astype({c: object for c in grid.columns if isinstance(grid[c].dtype, pd.CategoricalDtype)})
    latest = pd.concat([grid, missing], ignore_index=True) if len(missing) else grid
    latest["status"] = latest["status"].fillna("no_data")
    latest.insert(
        int(latest.columns.get_loc("status")) + 1,
        "reason",
        np.where(latest["period_start"].notna(), reasons(latest, framework).astype(object), NO_DATA_YET),
    )
    for column in ("variation", "assurance", "spc_text"):
        if column not in latest:
            latest[column] = ""
        latest[column] = latest[column].fillna("")
    latest["outcome"] = latest["indicator"].map(framework.indicator_outcome)
    latest["theme"] = latest["outcome"].map(framework.outcome_theme)
    indicator_order = pd.Categorical(latest["indicator"], categories=list(framework.indicators)).codes
    area_ids = [a.id for a in framework.areas]
    area_order = pd.Categorical(
        latest["area"], categories=area_ids + sorted(set(latest["area"]) - set(area_ids))
    ).codes
    order = np.lexsort((area_order, indicator_order))
    return latest.iloc[order].reset_index(drop=True)


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


def roll_ups(latest: pd.DataFrame, framework: Framework, key: str) -> pd.DataFrame:
    """Per outcome or theme (`key`) and area: a count per status, worsening and concern counts, overall status."""
    status = pd.Categorical(latest["status"].astype(object), categories=STATUSES).codes
    flags = pd.DataFrame(
        {
            key: latest[key].to_numpy(dtype=object),
            "area": latest["area"].to_numpy(dtype=object),
            **{name: status == code for code, name in enumerate(STATUSES)},
            "worsening": (latest["direction"] == "worsening").to_numpy() if "direction" in latest else False,
            "special_cause_concern": (latest["spc_signal"] == "special_cause_concern").to_numpy()
            if "spc_signal" in latest
            else False,
        }
    )
    counts = flags.groupby([key, "area"], sort=True).sum().reset_index()
    counts["indicators"] = counts[STATUSES].sum(axis=1)
    counts["status"] = overall_status(counts, framework.rules.rollup)
    return counts


def national_roll_ups(latest: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """The golden thread: what the local indicators contributing to each national outcome say."""
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
    return roll_ups(joined, framework, "national_outcome")


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


def _last_positions(frame: pd.DataFrame) -> np.ndarray:
    """Positions of each indicator × area's row with the latest period_start (frame in any order; of
    rows with the same start, the last), in indicator and area order."""
    pair = (
        frame["indicator"].cat.codes.to_numpy().astype("int64") * 100_000 + frame["area"].cat.codes.to_numpy()
    )
    order = np.lexsort((frame["period_start"].to_numpy(), pair))
    paired = pair[order]
    return order[np.r_[paired[1:] != paired[:-1], True]] if len(order) else order


def _last_per_pair(frame: pd.DataFrame) -> pd.DataFrame:
    """For each indicator × area, the row with the latest period_start (frame in any order)."""
    return frame.iloc[_last_positions(frame)]


def _comparisons(
    table: pd.DataFrame,
    framework: Framework,
    settings: pd.DataFrame,
    areas: pd.Index,
    report: Period | None,
    years: int,
) -> pd.DataFrame:
    """The reporting year beside each of the preceding years, with the change and direction from each."""
    columns = ["indicator", "area", "period", "compare_period", "years_back", "value", "compare_value", "change",
               "direction"]  # fmt: skip
    annual = table[table["period_months"].to_numpy() == 12]
    if report is not None:
        year_start = _containing_start(np.array([report.start]), np.array([12]), framework.year_start_month)[
            0
        ]
        annual = annual[annual["period_start"].to_numpy() <= year_start]
    annual = annual[annual["value"].notna().to_numpy() | annual["value_text"].notna().to_numpy()]
    if annual.empty:
        return pd.DataFrame(columns=columns)
    current = _last_per_pair(annual)
    polarity = _ind(current, settings, "polarity").to_numpy(dtype=object)
    sign = np.where(polarity == "lower_is_better", -1.0, 1.0)
    annual_keys, current_keys = _keys_of(annual, settings, areas), _keys_of(current, settings, areas)
    annual_values = annual["value"].to_numpy(dtype="float64")
    parts = []
    for back in range(1, years + 1):
        earlier = _take(annual_values, _lookup(annual_keys, current_keys - 12 * back))
        change = current["value"].to_numpy(dtype="float64") - earlier
        direction = np.select(
            [np.isnan(change), change * sign > 0, change * sign < 0], ["not_comparable", "improving", "worsening"],
            "no_change",
        )  # fmt: skip
        direction = np.where(polarity == "no_judgement", "not_comparable", direction)
        starts = current["period_start"].to_numpy(dtype="int64") - 12 * back
        parts.append(
            pd.DataFrame(
                {
                    "indicator": current["indicator"].to_numpy(), "area": current["area"].to_numpy(),
                    "period": current["period"].astype(str).to_numpy(),
                    "compare_period": _labels(starts, np.full(len(current), 12), framework.year_start_month),
                    "years_back": back, "value": current["value"].to_numpy(), "compare_value": earlier,
                    "change": change, "direction": direction,
                }
            )
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True)[columns]


# --- the pass ------------------------------------------------------------------------------------


#: Columns of `Results.table` after the documented ones: what the summaries and renderers also read.
INTERNAL_COLUMNS = [
    "native", "target_text", "ci95_lower", "ci95_upper", "ci998_lower", "ci998_upper", "compared_value", "gap",
    "ytd", "spc_text",
]  # fmt: skip


def _areas(framework: Framework, present) -> pd.Index:
    """The framework's areas in its order, then any others the data has, sorted."""
    known = [a.id for a in framework.areas]
    others = {str(a) for a in pd.unique(pd.Series(present, dtype=object)) if pd.notna(a)} - set(known)
    return pd.Index(known + sorted(others), dtype=object)


def evaluate_table(framework: Framework, observations: pd.DataFrame) -> pd.DataFrame:
    """The results table (`Results.table`) of `observations`: every indicator × area × period evaluated.

    Nothing in it needs rows of another indicator, so evaluating a national dataset one indicator (or one
    group of indicators) at a time and concatenating the tables gives the same rows as one call: a way to
    bound memory, or to spread the work over processes or machines (docs/scaling.md). `summarise` turns
    the table, whole or concatenated, into `Results`.
    """
    ys = framework.year_start_month
    settings = _settings(framework)
    known_indicator = observations["indicator"].isin(settings.index).to_numpy()
    obs = observations.copy(deep=False) if known_indicator.all() else observations[known_indicator]
    # Ids as categories in framework order from the start: every concat keeps them compact and every
    # per-indicator setting is a take on integer codes.
    areas = _areas(framework, obs["area"].astype(object))
    obs["indicator"] = pd.Categorical(obs["indicator"].astype(object), categories=settings.index)
    obs["area"] = pd.Categorical(obs["area"].astype(object), categories=areas)
    obs = _fill_defaults(_standardise_bands(_fill_defaults(obs), settings))
    table = _fill_defaults(_roll_up(obs, settings, areas, ys))
    table = _fill_defaults(_roll_up_areas(table, framework, settings, areas))
    table["native"] = table["native"].fillna(True).astype(bool)
    table["indicator"] = pd.Categorical(table["indicator"], categories=settings.index)
    table["area"] = pd.Categorical(table["area"], categories=areas)
    for column in ("period", "missing", "flag", "note"):
        table[column] = table[column].astype("category")
    table = table.sort_values(KEYS, kind="stable").reset_index(drop=True)
    table["outcome"] = _ind(table, settings, "outcome")
    table["theme"] = _ind(table, settings, "theme")
    _intervals(table, settings)
    _targets(table, framework, settings)
    _status(table, framework, settings)
    # The previous period is one period back; for biennial surveys, two years back.
    step = _ind(table, settings, "frequency_step").to_numpy(dtype="int64")
    months = table["period_months"].to_numpy(dtype="int64")
    previous = np.where(table["native"].to_numpy() & (step > months), step, months)
    keys = _keys_of(table, settings, areas)
    table["direction"] = _coded(_direction(table, framework, settings, keys, previous), DIRECTIONS)
    table["direction_yoy"] = _coded(_direction(table, framework, settings, keys, 12), DIRECTIONS)
    series = _series_ids(table, settings, areas)
    table["trend"] = _coded(_trend(table, settings, series, previous), TRENDS)
    _benchmark(table, framework, settings, areas, keys)
    _spc(table, framework, settings, series)
    return table[TABLE_COLUMNS + [c for c in EXTRA_COLUMNS if c in table] + INTERNAL_COLUMNS]


def _conformed(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> pd.DataFrame:
    """A table (or pieces of tables concatenated) with ids as categories in framework order, sorted."""
    area = table["area"]
    areas = _areas(framework, area.cat.categories if isinstance(area.dtype, pd.CategoricalDtype) else area)
    indicators_ok = isinstance(table["indicator"].dtype, pd.CategoricalDtype) and table[
        "indicator"
    ].cat.categories.equals(settings.index)
    areas_ok = isinstance(table["area"].dtype, pd.CategoricalDtype) and table["area"].cat.categories.equals(
        areas
    )
    if not (indicators_ok and areas_ok):
        table = table.assign(
            indicator=pd.Categorical(table["indicator"].astype(object), categories=settings.index),
            area=pd.Categorical(table["area"].astype(object), categories=areas),
        )
    keys = _keys_of(table, settings, areas)
    if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():
        table = table.sort_values(KEYS, kind="stable").reset_index(drop=True)
    return table


def summarise(
    framework: Framework,
    table: pd.DataFrame,
    *,
    period: str | None = None,
    as_of: date | None = None,
    actions: list | None = None,
    compare_years: int = 5,
) -> Results:
    """`Results` from an evaluated table (`evaluate_table`'s, or several indicators' concatenated).

    `period` (a label in any accepted form) is the report period: the `latest` rows are the latest on or
    before it. `as_of` is the report date for action states (default today). `actions` adds actions from a
    CSV to the framework's own.
    """
    as_of = as_of or date.today()
    report = parse_period(period, framework.year_start_month) if period else None
    settings = _settings(framework)
    table = _conformed(table, framework, settings)
    latest = _latest(table, framework, settings, report)
    outcomes = roll_ups(latest, framework, "outcome")
    action_frame = _actions(framework, as_of, actions)
    areas = table["area"].cat.categories
    return Results(
        framework=framework, table=table, latest=latest,
        comparisons=_comparisons(table, framework, settings, areas, report, compare_years),
        outcomes=outcomes, themes=roll_ups(latest, framework, "theme"),
        national_outcomes=national_roll_ups(latest, framework), actions=action_frame, as_of=as_of,
        period=report.label if report else _latest_label(latest),
        findings=_needs_action(outcomes, action_frame, framework),
    )  # fmt: skip


def evaluate(
    framework: Framework,
    observations: pd.DataFrame,
    *,
    period: str | None = None,
    as_of: date | None = None,
    actions: list | None = None,
    compare_years: int = 5,
) -> Results:
    """Evaluate every indicator × area × period of `observations` against `framework`: `evaluate_table`
    then `summarise` (see both for the arguments)."""
    return summarise(
        framework,
        evaluate_table(framework, observations),
        period=period,
        as_of=as_of,
        actions=actions,
        compare_years=compare_years,
    )


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
    findings = []
    for outcome, group in flagged.groupby("outcome", sort=False):
        areas = [str(a) for a in group["area"]]
        named = ", ".join(areas[:5]) + (f" and {len(areas) - 5} more" if len(areas) > 5 else "")
        findings.append(
            Finding(
                file=framework.id,
                severity="warning",
                code="outcome-without-action",
                message=f"outcome {outcome} has red indicators and no open action in {named}",
            )  # fmt: skip
        )
    return findings
