"""Reporting cycles: which period a report covers on a given date, and the timetable of reports due.

A crontab line should need no date arithmetic: `perfwatch report --cycle annual --as-of 2025-06-01` works
out that the annual report due then covers 2024/25. The rules:

- A report covers periods that ended at least `lag_months` before the report's month (data take time).
- A report due every month covers the latest complete month; one due four times a year or less often
  (e.g. July, November and March) covers the latest complete quarter of the reporting year.
- An annual report covers the latest complete reporting year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from perfwatch.framework.model import Cycle, Framework, month_number
from perfwatch.framework.periods import Period, frequency_months

if TYPE_CHECKING:  # pandas loads only when data is given: `timetable` on a framework must start fast
    import pandas as pd


def _ordinal(day: date) -> int:
    return day.year * 12 + day.month - 1


def report_period(cycle: Cycle, as_of: date, year_start_month: int) -> Period:
    """The period a report of `cycle` due on `as_of` covers."""
    length = 12 if cycle.kind == "annual" else (1 if len({m[:3] for m in cycle.months}) >= 12 else 3)
    cutoff = _ordinal(as_of) - cycle.lag_months  # periods must end on or before the start of this month
    offset = (cutoff - (year_start_month - 1)) % length
    start = cutoff - offset - length
    return Period(start, length, year_start_month)


@dataclass(frozen=True)
class Due:
    """One report falling due: when, which period it covers, and which indicators have new data for it."""

    due: date
    cycle: Cycle
    period: Period
    new_data: tuple[str, ...]
    stale: tuple[str, ...]


def timetable(
    framework: Framework, start: date, months: int = 12, data_ends: dict[str, int] | None = None
) -> list[Due]:
    """Every report due in the `months` from `start`, in date order.

    With `data_ends` (each indicator's latest period end in the data, from :func:`latest_data_ends`), an
    indicator has new data for a report only when the data holds a period ending in that report's window;
    without it, when a period could have been published by the due date, allowing for the indicator's `lag`.
    """
    ys = framework.year_start_month
    dues: list[Due] = []
    first = _ordinal(start)
    for cycle in framework.reporting.cycles:
        due_months = sorted({month_number(m) for m in cycle.months})
        if not due_months:
            continue
        previous_end: int | None = None
        for ordinal in range(first - 12, first + months):
            year, month0 = divmod(ordinal, 12)
            if month0 + 1 not in due_months:
                continue
            day = date(year, month0 + 1, 1)
            period = report_period(cycle, day, ys)
            end = period.start + period.months
            if ordinal >= first:
                new, stale = _indicators_with_new_data(framework, previous_end, end, ordinal, data_ends)
                dues.append(Due(day, cycle, period, new, stale))
            previous_end = end
    return sorted(dues, key=lambda d: (d.due, d.cycle.id))


def _indicators_with_new_data(
    framework: Framework, after: int | None, until: int, due: int, data_ends: dict[str, int] | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Indicators with a period ending in (after, until]; the rest have nothing new for the report."""
    new, stale = [], []
    for indicator in framework.indicators.values():
        length = frequency_months.get(indicator.frequency or "", 0)
        if not length and data_ends is None:
            stale.append(indicator.id)
            continue
        step = 24 if indicator.frequency == "biennial" else max(length, 1)
        window_start = after if after is not None else until - step
        if data_ends is not None:
            latest_end = data_ends.get(indicator.id, window_start)
        else:
            published_by = min(until, due - indicator.lag_months)  # a period ending later is not out yet
            latest_end = published_by - (published_by - (framework.year_start_month - 1)) % length
        (new if window_start < latest_end <= until else stale).append(indicator.id)
    return tuple(new), tuple(stale)


def latest_data_ends(frame: pd.DataFrame) -> dict[str, int]:
    """Each indicator's latest period end in an observations frame (the month ordinal after its last month)."""
    ends = frame["period_start"] + frame["period_months"]
    return {str(k): int(v) for k, v in ends.groupby(frame["indicator"].astype(object)).max().items()}
