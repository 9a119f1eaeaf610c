"""Small-number suppression for published output: no count below the threshold, and no way to work it out.

Disclosure control as NHS and local-authority publications practise it:

- **primary**: a count (a count indicator's value, or the numerator of a percentage, rate or ratio)
  greater than 0 and below `defaults.small_numbers` (default 5; 0 turns suppression off) is suppressed;
  for percentages and proportions so is a numerator whose complement (denominator − numerator) is that
  small, since "98 of 100" says that two did not. Zero is shown: it describes nobody.
- **secondary**: where cells add up to a published total — localities into their parent area, and
  months or quarters into the year — a group with exactly one suppressed cell would give it away by
  subtraction, so the smallest other non-zero cell of the group is suppressed too, or the total itself
  when there is no other (a parent made of one child). This repeats until every group is safe, since
  one suppression can open another group.

A suppressed row keeps its denominator (a population reveals nothing) and loses everything the count
could be worked back from: value, numerator, intervals, the year-to-date figure, its rank and quintile,
its benchmark, and the SPC limits and signals of its whole series (a mean with the other points gives the
missing one). Its status is `no_data` with `missing = "suppressed"` — the same as a value suppressed at
source — because a RAG status against a target would narrow the number down; directions and trends that
compare with a suppressed row become `not_comparable` / `cannot_be_calculated`. Roll-ups of statuses are
recounted from the suppressed rows.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.contracts import RESULTS
from perfwatch.errors import Finding
from perfwatch.evaluate.reasons import reasons
from perfwatch.framework.settings import indicator_settings

if TYPE_CHECKING:
    from perfwatch.evaluate.results import Results
    from perfwatch.framework.model import Framework

SUPPRESSED = "suppressed"
TREND_WINDOW = 5
MAX_ROUNDS = 50
"""Secondary suppression converges in a few rounds; this only bounds a pathological hierarchy."""

#: What suppression hides, as the results contract declares it: a row's count and what it can be worked
#: back from; and the statistics of the whole series a suppressed count belongs to.
COUNT_HIDDEN = RESULTS.revealing("count")
SERIES_HIDDEN_NUMBERS = RESULTS.revealing("series", "number")
SERIES_HIDDEN_TEXT = RESULTS.revealing("series", "label")
SERIES = ["indicator", "area", "period_months"]


def counts_of(table: pd.DataFrame, framework: Framework) -> np.ndarray:
    """The count behind each row: the numerator if given, else the value of a count indicator; NaN else."""
    settings = indicator_settings(framework)
    unit = table["indicator"].map(settings["unit"]).to_numpy(dtype=object)
    numerator = table["numerator"].to_numpy(dtype="float64")
    value = table["value"].to_numpy(dtype="float64")
    return np.where(np.isfinite(numerator), numerator, np.where(unit == "count", value, np.nan))


def primary_mask(table: pd.DataFrame, framework: Framework, threshold: int) -> np.ndarray:
    """Rows whose own count (or its complement, for percentages) is small."""
    settings = indicator_settings(framework)
    count = counts_of(table, framework)
    small = (count > 0) & (count < threshold)
    unit = table["indicator"].map(settings["unit"]).to_numpy(dtype=object)
    complement = table["denominator"].to_numpy(dtype="float64") - table["numerator"].to_numpy(dtype="float64")
    share = np.isin(unit, ["percentage", "proportion"])
    return small | (share & (complement > 0) & (complement < threshold))


def _groups(table: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Additive groups: columns `group` (the total's row), `row` (a part's row) and `count` of the part."""
    settings = indicator_settings(framework)
    additive = table["indicator"].map(settings["aggregation"]).isin(["sum", "ratio"]).to_numpy()
    count = counts_of(table, framework)
    frame = pd.DataFrame(
        {
            "indicator": table["indicator"].to_numpy(),
            "area": table["area"].astype(str).to_numpy(),
            "period_start": table["period_start"].to_numpy(dtype="float64"),
            "period_months": table["period_months"].to_numpy(dtype="float64"),
            "row": np.arange(len(table)),
            "count": count,
        }
    )[additive & np.isfinite(count)]
    parts = []
    parents = {a.id: a.parent for a in framework.areas if a.parent}
    if parents:
        children = frame[frame["area"].isin(parents)].assign(parent=lambda f: f["area"].map(parents))
        keyed = frame.rename(columns={"area": "parent", "row": "group"})[
            ["indicator", "parent", "period_start", "period_months", "group"]
        ]
        parts.append(children.merge(keyed, on=["indicator", "parent", "period_start", "period_months"]))
    sub_annual = frame[frame["period_months"] < 12]
    if len(sub_annual):
        year_start = framework.year_start_month - 1
        start = sub_annual["period_start"].to_numpy(dtype="int64")
        sub_annual = sub_annual.assign(year=start - (start - year_start) % 12)
        years = frame[frame["period_months"] == 12].rename(columns={"period_start": "year", "row": "group"})
        parts.append(
            sub_annual.merge(years[["indicator", "area", "year", "group"]], on=["indicator", "area", "year"])
        )
    if not parts:
        return pd.DataFrame({"group": [], "row": [], "count": []})
    return pd.concat(parts, ignore_index=True)[["group", "row", "count"]]


def secondary_mask(table: pd.DataFrame, framework: Framework, primary: np.ndarray) -> np.ndarray:
    """`primary` plus what must also be hidden so that no total gives a suppressed cell away."""
    suppressed = primary.copy()
    groups = _groups(table, framework)
    if groups.empty:
        return suppressed
    totals = groups[["group"]].drop_duplicates().assign(row=lambda f: f["group"], count=np.inf, total=True)
    members = pd.concat([groups.assign(total=False), totals], ignore_index=True)
    for _ in range(MAX_ROUNDS):
        hidden = suppressed[members["row"].to_numpy()]
        exposed = members.assign(hidden=hidden).groupby("group")["hidden"].transform("sum").to_numpy() == 1
        if not exposed.any():
            break
        candidates = members[exposed & ~hidden & (members["count"].to_numpy() > 0)]
        # the smallest non-zero part of each exposed group; the total (count inf) only when no part is left
        chosen = candidates.sort_values(["group", "count"], kind="stable").drop_duplicates("group")["row"]
        if chosen.empty:
            break
        suppressed[chosen.to_numpy()] = True
    return suppressed


def _series_codes(frame: pd.DataFrame) -> np.ndarray:
    return frame.groupby(SERIES, sort=False, dropna=False).ngroup().to_numpy()


def _spread(frame: pd.DataFrame, mask: np.ndarray, steps: int) -> np.ndarray:
    """Rows at most `steps` periods after a masked row of the same series (a window that includes it)."""
    order = np.lexsort((frame["period_start"].to_numpy(dtype="float64"), _series_codes(frame)))
    series = _series_codes(frame)[order]
    position = pd.Series(np.arange(len(frame))).groupby(series).cumcount().to_numpy()
    last_masked = pd.Series(np.where(mask[order], position, -np.inf)).groupby(series).cummax().to_numpy()
    spread = np.empty(len(frame), dtype=bool)
    spread[order] = position - last_masked <= steps
    return spread


def _shifted_hits(frame: pd.DataFrame, mask: np.ndarray, months_back: np.ndarray) -> np.ndarray:
    """Rows whose comparison row (`months_back` earlier, same series) is masked."""
    columns = [frame["indicator"], frame["area"], frame["period_months"]]
    hidden = pd.MultiIndex.from_arrays([*columns, frame["period_start"]])[mask]
    wanted = pd.MultiIndex.from_arrays([*columns, frame["period_start"] - months_back])
    return np.asarray(wanted.isin(hidden))


def _set_where(column: pd.Series, hit: np.ndarray, word: str) -> pd.Series:
    """`column` with `word` where `hit`; a categorical stays categorical (codes, not a million strings)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Series(np.where(hit, word, column.astype(object)), index=column.index)
    if word not in column.cat.categories:
        column = column.cat.add_categories([word])
    codes = np.where(hit, column.cat.categories.get_loc(word), column.cat.codes.to_numpy())
    return pd.Series(pd.Categorical.from_codes(codes, dtype=column.dtype), index=column.index)


def _apply(table: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """A copy of `table` with the masked rows' counts and everything derived from them removed."""
    out = table.copy(deep=False)  # every change below replaces a whole column
    if not mask.any():
        return out
    for column in COUNT_HIDDEN:
        if column in out:
            out[column] = out[column].astype("float64").where(~mask, np.nan)
    out["missing"] = _set_where(out["missing"], mask, SUPPRESSED)
    out["status"] = _set_where(out["status"], mask, "no_data")
    if "benchmark" in out:
        out["benchmark"] = _set_where(out["benchmark"], mask, "not_compared")
    series_hit = pd.Series(mask).groupby(_series_codes(out)).transform("any").to_numpy()
    for column in SERIES_HIDDEN_NUMBERS:
        if column in out:
            out[column] = out[column].astype("float64").where(~series_hit, np.nan)
    for column in SERIES_HIDDEN_TEXT:
        if column in out:
            out[column] = _set_where(out[column], series_hit, "")
    step = np.where(out["period_months"].to_numpy(dtype="float64") > 0, out["period_months"], 12)
    for column, back in (("direction", step), ("direction_yoy", np.full(len(out), 12))):
        if column in out:
            blocked = mask | _shifted_hits(out, mask, back)
            out[column] = _set_where(out[column], blocked, "not_comparable")
    if "trend" in out:
        out["trend"] = _set_where(out["trend"], _spread(out, mask, TREND_WINDOW - 1), "cannot_be_calculated")
    return _hide_comparators(out, mask)


def _hide_comparators(out: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Rows benchmarked against a suppressed comparator lose the comparator's value and the benchmark."""
    if "comparator" not in out or "comparator_value" not in out:
        return out
    hidden = out.loc[mask, ["indicator", "area", "period_start", "period_months"]]
    if hidden.empty:
        return out
    against = pd.MultiIndex.from_frame(
        out[["indicator", "comparator", "period_start", "period_months"]].set_axis(
            ["indicator", "area", "period_start", "period_months"], axis=1
        )
    ).isin(pd.MultiIndex.from_frame(hidden))
    out["comparator_value"] = out["comparator_value"].astype("float64").where(~against, np.nan)
    if "benchmark" in out:
        out["benchmark"] = _set_where(out["benchmark"], against, "not_compared")
    return out


def _align_latest(latest: pd.DataFrame, table: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """`latest` with every column it shares with `table` taken from the (suppressed) table row, and its
    reasons written again from them."""
    keys = ["indicator", "area", "period_start", "period_months"]
    position = pd.MultiIndex.from_frame(table[keys]).get_indexer(pd.MultiIndex.from_frame(latest[keys]))
    found = position >= 0
    out = latest.copy()
    for column in out.columns:
        if column in table and column not in keys:
            values = table[column].iloc[np.where(found, position, 0)].to_numpy()
            out[column] = np.where(found, values, out[column].to_numpy()) if len(out) else out[column]
    if "reason" in out and found.any():
        out["reason"] = np.where(found, reasons(out, framework).astype(object), out["reason"].astype(object))
    return out


def _hide_comparisons(comparisons: pd.DataFrame, table: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    if comparisons is None or comparisons.empty:
        return comparisons
    hidden = pd.MultiIndex.from_frame(table.loc[mask, ["indicator", "area", "period"]].astype(str))
    out = comparisons.copy()
    for period_column in ("period", "compare_period"):
        if period_column not in out:
            continue
        keys = (
            out[["indicator", "area", period_column]]
            .astype(str)
            .set_axis(["indicator", "area", "period"], axis=1)
        )
        hit = pd.MultiIndex.from_frame(keys).isin(hidden)
        for column in ("compare_value", "change"):
            if column in out:
                out[column] = out[column].astype("float64").where(~hit, np.nan)
        if "direction" in out:
            out["direction"] = _set_where(out["direction"], hit, "not_comparable")
    return out


def _recount(results: Results, latest: pd.DataFrame) -> dict[str, pd.DataFrame]:
    from perfwatch.evaluate.summary import national_roll_ups, outcome_roll_ups, roll_ups

    framework = results.framework
    return {
        "outcomes": outcome_roll_ups(latest, framework, results.actions),
        "themes": roll_ups(latest, framework, "theme"),
        "national_outcomes": national_roll_ups(latest, framework),
    }


def suppress(results: Results, threshold: int | None = None) -> Results:
    """A copy of `results` fit to publish: small counts and what would reveal them are suppressed.

    `threshold` defaults to the framework's `defaults.small_numbers`; 0 returns the results unchanged.
    """
    threshold = results.framework.defaults.small_numbers if threshold is None else threshold
    if threshold <= 0 or results.table.empty:
        return results
    table = results.table
    primary = primary_mask(table, results.framework, threshold)
    mask = secondary_mask(table, results.framework, primary)
    if not mask.any():
        return results
    suppressed_table = _apply(table, mask)
    latest = _align_latest(results.latest, suppressed_table, results.framework)
    findings = [
        *results.findings,
        Finding(
            "report", None, None, "warning", "small-numbers",
            f"{int(primary.sum())} counts below {threshold} are not shown, to protect the people they describe, "
            f"and {int((mask & ~primary).sum())} more so that totals cannot reveal them",
        ),
    ]  # fmt: skip
    return dataclasses.replace(
        results,
        table=suppressed_table,
        latest=latest,
        comparisons=_hide_comparisons(results.comparisons, table, mask),
        findings=findings,
        **_recount(results, latest),
    )
