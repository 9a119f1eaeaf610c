"""Data checks across a series rather than a row: periods that do not fit the indicator's frequency,
duplicate rows, gaps and stale series.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from perfwatch.data.collector import _Collector, _labels
from perfwatch.data.observations import (
    MAX_ROW_FINDINGS,
    STALE_GRACE_MONTHS,
)
from perfwatch.errors import Finding
from perfwatch.framework.model import Framework
from perfwatch.framework.periods import (
    Period,
    expected_periods,
)
from perfwatch.framework.settings import indicator_settings, per_indicator

NAMES = {1: "month", 3: "quarter", 12: "year"}


def _frequency_fit(stage: pd.DataFrame, framework: Framework, out: _Collector) -> None:
    """Monthly indicators need monthly data, quarterly ones monthly or quarterly; any may have year outturns."""
    longest = {"monthly": 1, "quarterly": 3}
    frequency = indicator_settings(framework)["frequency"]
    limit = pd.Series(per_indicator(stage, frequency.to_frame(), "frequency", "")).map(longest).fillna(12)
    limit = limit.to_numpy(dtype="int64")
    months = stage["period_months"].to_numpy()
    bad = (months > limit) & (months != 12)  # a whole-year outturn is accepted for any indicator
    names = NAMES
    out.rows(
        stage, bad, "period-frequency",
        lambda rows: [
            f"{i} is {frequency[i]} but this row is for a {names[m]} ({p}): give {frequency[i]} data"
            for i, m, p in zip(rows["indicator"].astype(object), rows["period_months"], rows["period"].astype(object), strict=True)
        ],
    )  # fmt: skip
    _parts_of_given_periods(stage, framework, limit, out)


def _parts_of_given_periods(
    stage: pd.DataFrame, framework: Framework, native: np.ndarray, out: _Collector
) -> None:
    """A month given for a quarterly indicator whose quarter is also given: the quarter's own row is used,
    and the month is named so that nobody thinks it was added in."""
    months = stage["period_months"].to_numpy(dtype="int64")
    starts = stage["period_start"].to_numpy(dtype="int64")
    finer = months < native
    if not finer.any():
        return
    offset = (starts - (framework.year_start_month - 1)) % np.maximum(native, 1)
    ids = [stage["indicator"].astype(object).to_numpy(), stage["area"].astype(object).to_numpy()]
    given = pd.MultiIndex.from_arrays([*ids, months, starts])
    containing = pd.MultiIndex.from_arrays([*ids, native, starts - offset])
    shadowed = finer & containing.isin(given)
    out.rows(
        stage, shadowed, "part-of-given-period",
        lambda rows: [f"this {NAMES[int(m)]} lies in a period that has its own row ({x}): that row is used and "
                      "this one is not added in; remove one of them" for m, x in
                      zip(rows["period_months"], _labels(rows), strict=True)],
        severity="warning",
    )  # fmt: skip


def _series_key(stage: pd.DataFrame, with_period: bool) -> np.ndarray:
    """One int64 per indicator × area × band × period length (× period start), from integer codes.

    Mixed-radix over each column's codes; renumbered densely whenever the next column would overflow.
    """
    key = np.zeros(len(stage), dtype="int64")
    span = 1
    for column in ["indicator", "area", "band", "period_months"] + (["period_start"] if with_period else []):
        values = stage[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes, size = values.cat.codes.to_numpy().astype("int64") + 1, len(values.cat.categories) + 1
        else:
            numbers = values.to_numpy(dtype="int64")
            low = int(numbers.min()) if len(numbers) else 0
            codes, size = numbers - low, (int(numbers.max()) - low + 1 if len(numbers) else 1)
        if span * size >= 2**62:
            key, uniques = pd.factorize(key)
            key, span = key.astype("int64"), len(uniques)
        key = key * size + codes
        span *= size
    return key


def _groups_of(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by key (stably), where each run of equal keys starts, and each run's length."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) if len(key) else order
    return order, starts, np.diff(np.append(starts, len(key)))


def _duplicates(stage: pd.DataFrame, out: _Collector) -> pd.DataFrame:
    """Two rows for one indicator × area × period (× band) are an error; the first is kept."""
    order, starts, sizes = _groups_of(_series_key(stage, with_period=True))
    if len(starts) == len(stage):
        return stage
    first_of = np.empty(len(stage), dtype="int64")
    first_of[order] = np.repeat(order[starts], sizes)
    repeated = first_of != np.arange(len(stage))
    files = stage["file"].cat.codes.to_numpy()
    rows = stage["row"].to_numpy()
    earlier = first_of[repeated]
    file_names = stage["file"].cat.categories

    def messages(flagged: pd.DataFrame) -> list[str]:
        texts = []
        for label, file, first_file, first_row in zip(
            _labels(flagged), flagged["file"].astype(object), flagged["__first_file"], flagged["__first_row"],
            strict=True,
        ):  # fmt: skip
            where = (
                f"row {first_row}"
                if file_names[first_file] == file
                else f"{file_names[first_file]}:{first_row}"
            )
            texts.append(
                f"{label} appears twice: first on {where}; keep one row (or set `sum_duplicates: true` on the "
                "source to add such rows up)"
            )
        return texts

    out.rows(
        stage, repeated, "duplicate-row", messages,
        extra={"__first_file": files[earlier], "__first_row": rows[earlier]},
    )  # fmt: skip
    return stage.loc[~repeated].reset_index(drop=True)


def _series_checks(stage: pd.DataFrame, framework: Framework, out: _Collector, as_of: date | None) -> None:
    """Warnings per series and per indicator: missing periods, data after the report date, stale data."""
    settings = indicator_settings(framework)
    natural = per_indicator(stage, settings, "frequency_months", 0).astype("int64")
    wider = per_indicator(stage, settings, "frequency_step", 0).astype("int64")
    months = stage["period_months"].to_numpy()
    step = np.where((natural > 0) & (natural <= months), np.maximum(months, wider), months)
    starts = stage["period_start"].to_numpy()
    order, bounds, sizes = _groups_of(_series_key(stage, with_period=False))
    ordered_starts = starts[order]
    first_start = np.minimum.reduceat(ordered_starts, bounds)
    last_start = np.maximum.reduceat(ordered_starts, bounds)
    series_step = step[order[bounds]]
    expected = (last_start - first_start) // series_step + 1
    gappy = np.flatnonzero(sizes < expected)
    gappy = gappy[np.argsort(order[bounds[gappy]], kind="stable")]  # in the order the series first appear
    described = {column: stage[column] for column in ("file", "indicator", "area", "band")}
    year_start = framework.year_start_month
    for series in gappy[:MAX_ROW_FINDINGS]:
        members = order[bounds[series] : bounds[series] + sizes[series]]
        row = {name: column.iat[members[0]] for name, column in described.items()}
        have = set(starts[members].tolist())
        length = int(months[members[0]])
        first = Period(int(first_start[series]), length, year_start)
        last = Period(int(last_start[series]), length, year_start)
        gaps = [
            p.label
            for p in expected_periods(first, last, settings.at[row["indicator"], "frequency"] or None)
            if p.start not in have
        ]
        if not gaps:
            continue
        shown = ", ".join(gaps[:12]) + (f" and {len(gaps) - 12} more" if len(gaps) > 12 else "")
        band = f", band {row['band']}" if isinstance(row["band"], str) else ""
        out.add(
            Finding(
                str(row["file"]), None, None, "warning", "missing-period",
                f"{row['indicator']}, {row['area']}{band}: no data for {shown} (between {first.label} and {last.label})",
            )
        )  # fmt: skip
    if as_of is None:
        return
    as_of_month = as_of.year * 12 + as_of.month - 1
    out.grouped(
        stage, starts > as_of_month, "indicator", "future-data",
        lambda ind: f"{ind} has data for periods after the report date {as_of.isoformat()}; check the period "
        "or set a later `as_of`",
        severity="warning",
    )  # fmt: skip
    indicator_codes = stage["indicator"].cat.codes.to_numpy()
    latest = (
        pd.DataFrame({"indicator": indicator_codes, "end": starts + months - 1, "step": step}, copy=False)
        .groupby("indicator")
        .agg(end=("end", "max"), step=("step", "max"))
    )
    stale = latest[as_of_month - latest["end"] > latest["step"] + STALE_GRACE_MONTHS]
    categories = stage["indicator"].cat.categories
    for code, info in stale.iterrows():
        indicator_id = categories[code]
        last_position = len(stage) - 1 - int(np.argmax(indicator_codes[::-1] == code))
        end = Period(int(info["end"]), 1, year_start)
        every = settings.at[indicator_id, "frequency"] or f"{int(info['step'])}-monthly"
        out.add(
            Finding(
                str(stage["file"].iat[last_position]), None, None, "warning", "stale-data",
                f"{indicator_id}: the latest data ends {end.end_date.isoformat()}; for {every} data a newer "
                f"period was due by {as_of.isoformat()} (allowing {STALE_GRACE_MONTHS} months' grace)",
            )
        )  # fmt: skip
