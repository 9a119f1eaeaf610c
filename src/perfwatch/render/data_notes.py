"""The report's data notes in the board's words: which figures are provisional or revised, which periods
have no figure and why, and which indicators are not up to date for the report's period. Read from the
evaluated table (the flags, missing reasons and periods the data stage recorded), for the report's area;
no file names or settings, which belong on the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.formatting import format_value
from perfwatch.framework.periods import frequency_months, frequency_step
from perfwatch.render.alt_text import pretty_period

if TYPE_CHECKING:
    from perfwatch.evaluate.results import Results
    from perfwatch.formatting import format_value
from perfwatch.framework.periods import Period

MISSING_WORDS = {
    "suppressed": "suppressed at source",
    "not_available": "not available",
    "error": "an error in the source figure",
}
FLAG_WORDS = {
    "provisional": "Provisional figures, which may change",
    "revised": "Figures revised by their source since first published",
}
_PERIODS_LISTED = 3
_INDICATORS_LISTED = 8


def _listing(rows: pd.DataFrame) -> str:
    """`CI-19 (March 2025, April 2025); CI-2 (2023/24) and 3 more indicators`."""
    parts = []
    for indicator, group in rows.groupby("indicator", sort=False, observed=True):
        periods = [pretty_period(p) for p in group["period"].astype(str)]
        shown = ", ".join(periods[:_PERIODS_LISTED])
        if len(periods) > _PERIODS_LISTED:
            shown += f" and {len(periods) - _PERIODS_LISTED} more"
        parts.append(f"{indicator} ({shown})")
    text = "; ".join(parts[:_INDICATORS_LISTED])
    if len(parts) > _INDICATORS_LISTED:
        text += f"; and {len(parts) - _INDICATORS_LISTED} more indicators"
    return text


def data_notes(results: Results, area: str, report: Period | None) -> list[str]:
    """Sentences for the report's data notes about the area's figures up to the report period."""
    table = results.table
    rows = table[(table["area"].astype(str) == area).to_numpy()]
    # A year the evaluation rolled up from quarters or months is not a supplied figure: only periods of the
    # indicator's own frequency are noted.
    length = {i.id: frequency_months.get(i.frequency or "", 0) for i in results.framework.indicators.values()}
    own = rows["indicator"].astype(str).map(length).fillna(0).to_numpy(dtype="int64")
    rows = rows[(own == 0) | (own == rows["period_months"].to_numpy(dtype="int64"))]
    if report is not None:
        ends = rows["period_start"].to_numpy() + rows["period_months"].to_numpy()
        rows = rows[ends <= report.start + report.months]
    notes = []
    flags = rows["flag"].astype(str).to_numpy()
    for flag, words in FLAG_WORDS.items():
        flagged = rows[flags == flag]
        if len(flagged):
            notes.append(f"{words}: {_listing(flagged)}.")
    if "revised_from" in rows:
        notes += _revised_since(results, rows[np.isfinite(rows["revised_from"].to_numpy(dtype="float64"))])
    missing = rows["missing"].astype(str).to_numpy()
    for reason, words in MISSING_WORDS.items():
        gaps = rows[missing == reason]
        if len(gaps):
            notes.append(f"No figure ({words}): {_listing(gaps)}.")
    if report is not None:
        notes += _stale(results, area, report)
    return notes


def _revised_since(results: Results, rows: pd.DataFrame) -> list[str]:
    """Figures that changed since the last report built into the same folder, with the old and new figure."""
    if rows.empty:
        return []
    parts = []
    for indicator, period, before, after in zip(
        rows["indicator"].astype(str),
        rows["period"].astype(str),
        rows["revised_from"],
        rows["value"],
        strict=True,
    ):
        ind = results.framework.indicators[indicator]
        parts.append(
            f"{indicator} ({pretty_period(period)}: {format_value(before, ind.unit, ind.decimals)} then, "
            f"{format_value(after, ind.unit, ind.decimals)} now)"
        )
    listed = "; ".join(parts[:_INDICATORS_LISTED])
    if len(parts) > _INDICATORS_LISTED:
        listed += f"; and {len(parts) - _INDICATORS_LISTED} more"
    return [f"Changed since the last report: {listed}."]


def _stale(results: Results, area: str, report: Period) -> list[str]:
    """Indicators whose latest figure is more than one reporting step older than the report's period."""
    latest = results.latest[(results.latest["area"].astype(str) == area).to_numpy()]
    latest = latest[latest["period_start"].notna().to_numpy()]
    framework = results.framework
    step = np.array(
        [frequency_step.get(framework.indicators[str(i)].frequency or "", 0) for i in latest["indicator"]],
        dtype="int64",
    )
    ends = latest["period_start"].to_numpy(dtype="int64") + latest["period_months"].to_numpy(dtype="int64")
    behind = (step > 0) & (ends + step <= report.start + report.months - 1)
    if not behind.any():
        return []
    late = latest[behind]
    listed = "; ".join(
        f"{i} (latest {pretty_period(str(p))})"
        for i, p in zip(late["indicator"], late["period"], strict=True)
    )
    return [f"Not up to date for {pretty_period(report.label)}: {listed}."]
