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

from perfwatch.framework.model import Cycle, Framework, month_number
from perfwatch.framework.periods import Period, frequency_months


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


def timetable(framework: Framework, start: date, months: int = 12) -> list[Due]:
    """Every report due in the `months` from `start`, in date order."""
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
                new, stale = _indicators_with_new_data(framework, previous_end, end)
                dues.append(Due(day, cycle, period, new, stale))
            previous_end = end
    return sorted(dues, key=lambda d: (d.due, d.cycle.id))


def _indicators_with_new_data(
    framework: Framework, after: int | None, until: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Indicators with a period ending in (after, until]; the rest have nothing new for the report."""
    new, stale = [], []
    for indicator in framework.indicators.values():
        length = frequency_months.get(indicator.frequency or "", 0)
        if not length:
            stale.append(indicator.id)
            continue
        step = 24 if indicator.frequency == "biennial" else length
        aligned = (until - (framework.year_start_month - 1)) % length
        latest_end = until - aligned
        window_start = after if after is not None else until - step
        (new if latest_end > window_start else stale).append(indicator.id)
    return tuple(new), tuple(stale)
