"""Evaluation step 1: shape the observations into series. Standardise bands, fill defaults, roll finer data
up to each indicator's frequency (sums, or summed numerators over summed denominators) and parent areas up
from their children.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.evaluate import stats
from perfwatch.evaluate.change import _area_codes, _row_keys, _take
from perfwatch.evaluate.settings import KEYS, _ind, _labels
from perfwatch.framework.settings import indicator_positions

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework


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
    for indicator_id in pd.unique(banded.loc[is_dsr, "indicator"].astype(object)):
        # Each indicator's own standard population (ESP2013 by default) and multiplier (`per`).
        mine = banded[is_dsr & (banded["indicator"] == indicator_id).to_numpy()]
        weights, per = settings.at[indicator_id, "standard_population"], settings.at[indicator_id, "per"]
        weighted = stats.attach_weights(mine, "band", weights)
        for confidence in (0.95, 0.998):
            result = stats.dsr(weighted, group, "numerator", "denominator", "weight", confidence, per)
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
    if finer.any():
        # A period given in the data wins over its parts, which are then left out of every roll-up (the
        # data stage warns about them): a quarter is never counted twice.
        containing = _containing_start(obs["period_start"].to_numpy(dtype="int64"), native, year_start)
        given = pd.MultiIndex.from_frame(obs.loc[~finer, KEYS].astype({"period_months": "int64"}))
        parts = pd.MultiIndex.from_arrays(
            [obs["indicator"], obs["area"], native.astype("int64"), containing.astype("int64")]
        )
        shadowed = finer & parts.isin(given)
        if shadowed.any():
            obs, native, finer = obs[~shadowed], native[~shadowed], finer[~shadowed]
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

    def maximum(self, values: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(values[self.sort], self.first) if len(self.first) else values[:0]

    def last(self, values: np.ndarray, present: np.ndarray) -> np.ndarray:
        """The last present value of each group (missing where the group has none)."""
        sorted_present = present[self.sort]
        position = np.where(sorted_present, np.arange(len(self.sort)), -1)
        last = np.maximum.reduceat(position, self.first) if len(self.first) else position[:0]
        return _take(values[self.sort], last)


#: Data-quality flags that a total inherits from any value in it, strongest first in the reader's eyes.
CARRIED_FLAGS = ("revised", "estimated", "provisional")


def _carried_flag(groups: _Groups, flags: pd.Series, otherwise: np.ndarray) -> np.ndarray:
    """Each group's flag: `includes_provisional` (or estimated, revised) where any of its rows carries that
    flag, itself or from an earlier roll-up, else `otherwise` (so a total never hides a provisional part)."""
    words = flags.astype(object).fillna("").astype(str).str.removeprefix("includes_").to_numpy(dtype=object)
    rank = np.zeros(len(words), dtype="int64")
    for position, word in enumerate(CARRIED_FLAGS, start=1):
        rank[words == word] = position
    strongest = groups.maximum(rank)
    carried = np.array(["", *(f"includes_{word}" for word in CARRIED_FLAGS)], dtype=object)[strongest]
    return np.where(strongest > 0, carried, otherwise)


def _period_denominator(groups: _Groups, denominators: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Each group's denominator: summed for events, the mean of the periods' values for a population
    (NaN unless every period has one, as for sums)."""
    summed = groups.complete_sum(denominators)
    with np.errstate(all="ignore"):
        mean = summed / groups.size
    return np.where(population, mean, summed)


def _aggregate(
    rows: pd.DataFrame, settings: pd.DataFrame, areas: pd.Index, target: np.ndarray, year_start: int
) -> pd.DataFrame:
    """Sum, ratio, mean or last of the rows in each containing period of `target` months."""
    start = _containing_start(rows["period_start"].to_numpy(dtype="int64"), target, year_start)
    indicator_codes = indicator_positions(rows, settings)
    area_codes = _area_codes(rows, "area", areas)
    groups = _Groups(
        _row_keys(indicator_codes, np.maximum(area_codes, 0), target, start), rows["period_start"].to_numpy()
    )
    first = groups.first_rows
    value = rows["value"].to_numpy(dtype="float64")
    numerator = groups.complete_sum(rows["numerator"].to_numpy(dtype="float64"))
    months = groups.total(rows["period_months"].to_numpy(dtype="float64"))
    population = settings["population"].to_numpy(dtype=bool)[indicator_codes[first]]
    # A population is a stock: a year of quarters has one population (their mean), not four.
    denominator = _period_denominator(groups, rows["denominator"].to_numpy(dtype="float64"), population)
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
            "flag": np.where(
                months < group_months,
                "partial",
                _carried_flag(groups, rows["flag"], np.full(len(groups.first), "", dtype=object)),
            ),
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
        indicator_codes = indicator_positions(table, settings)
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
                "flag": _carried_flag(
                    groups, table["flag"].iloc[rows], np.full(len(keep), "rolled_up", dtype=object)
                )[keep],
                "missing": "",
            }
        )
        table = _fill_defaults(pd.concat([table, new], ignore_index=True))
    return table
