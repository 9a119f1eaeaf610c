"""The scorecard and timetable in a terminal, with rich.

On a terminal: a coloured table with status icons and words. Piped or under cron: plain aligned text with no
colour codes (rich decides from the stream; `NO_COLOR` is honoured). Status is always a symbol and a word,
never colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from perfwatch.evaluate.results import Results
from perfwatch.formatting import format_value, format_year_to_date
from perfwatch.framework.cycles import Due

STATUS_STYLE = {
    "green": ("✔", "on target", "green"),
    "amber": ("▲", "close", "yellow"),
    "red": ("✖", "off target", "red"),
    "no_target": ("○", "no target", "dim"),
    "no_data": ("–", "no data", "dim"),
    "not_assessed": ("·", "not rated", "dim"),
}
DIRECTION_SYMBOL = {"improving": "↑ improving", "worsening": "↓ worsening", "no_change": "→ no change",
                    "not_comparable": ""}  # fmt: skip
SPC_WORDS = {
    "common_cause": "common cause", "improvement_high": "improving (high)", "improvement_low": "improving (low)",
    "concern_high": "concern (high)", "concern_low": "concern (low)", "neutral_high": "special (high)",
    "neutral_low": "special (low)",
}  # fmt: skip
ASSURANCE_WORDS = {"consistent_pass": "will meet target", "consistent_fail": "will miss target",
                   "inconsistent": "hit and miss"}  # fmt: skip


def filter_latest(
    results: Results,
    areas: Sequence[str] = (),
    outcomes: Sequence[str] = (),
    statuses: Sequence[str] = (),
) -> pd.DataFrame:
    latest = results.latest
    if areas:
        latest = latest[latest["area"].isin(areas)]
    if outcomes:
        latest = latest[latest["outcome"].isin(outcomes)]
    if statuses:
        latest = latest[latest["status"].isin(statuses)]
    return latest


def status_text(status: str, colour: bool) -> Text:
    symbol, word, style = STATUS_STYLE.get(status, ("?", status, ""))
    return Text(f"{symbol} {word}", style=style if colour else "")


def scorecard(results: Results, latest: pd.DataFrame, console: Console) -> Table:
    """The scorecard as a rich table: one row per indicator × area."""
    framework = results.framework
    colour = console.color_system is not None
    table = Table(
        title=f"{framework.title} — {results.period or 'latest'}",
        box=box.SIMPLE_HEAD if console.is_terminal else box.ASCII2,
        show_lines=False,
        expand=False,
    )
    for name, justify in (("Indicator", "left"), ("Area", "left"), ("Period", "left"), ("Value", "right"),
                          ("Target", "right"), ("Status", "left"), ("Direction", "left"), ("Benchmark", "left"),
                          ("SPC", "left")):  # fmt: skip
        table.add_column(name, justify=justify, overflow="fold")
    areas = framework.area_map
    for row in latest.itertuples(index=False):
        indicator = framework.indicators[row.indicator]
        value = (
            row.value_text
            if isinstance(row.value_text, str)
            else format_value(row.value, indicator.unit, indicator.decimals)
        )
        to_date = getattr(row, "ytd", False)
        if indicator.is_numeric and isinstance(to_date, bool | np.bool_) and to_date:
            value = format_year_to_date(
                row.compared_value, row.value, row.period_months, indicator.unit, indicator.decimals
            )
        target = format_value(row.target, indicator.unit, indicator.decimals)
        if isinstance(getattr(row, "target_text", None), str):
            target = row.target_text
        spc = ", ".join(
            w for w in (SPC_WORDS.get(row.variation, ""), ASSURANCE_WORDS.get(row.assurance, "")) if w
        )
        benchmark = (
            "" if row.benchmark in (None, "not_compared") or pd.isna(row.benchmark) else str(row.benchmark)
        )
        table.add_row(
            f"{indicator.id} {indicator.title}",
            areas[row.area].name if row.area in areas else str(row.area),
            "" if pd.isna(row.period) else str(row.period),
            value,
            target,
            status_text(row.status, colour),
            DIRECTION_SYMBOL.get(row.direction, "") if isinstance(row.direction, str) else "",
            benchmark,
            spc,
        )
    return table


def summary(latest: pd.DataFrame) -> str:
    counts = latest["status"].value_counts()
    parts = [f"{counts.get(s, 0)} {STATUS_STYLE[s][1]}" for s in STATUS_STYLE if counts.get(s, 0)]
    return f"{len(latest)} indicator results: " + ", ".join(parts) + "."


def timetable_table(dues: Iterable[Due], console: Console) -> Table:
    table = Table(title="Reports due", box=box.SIMPLE_HEAD if console.is_terminal else box.ASCII2)
    for name in ("Due", "Report", "Covers", "New data", "Nothing new"):
        table.add_column(name, overflow="fold")
    for due in dues:
        table.add_row(
            due.due.strftime("%d %b %Y"),
            f"{due.cycle.title} ({due.cycle.kind})",
            due.period.label,
            ", ".join(due.new_data) or "—",
            ", ".join(due.stale) or "—",
        )
    return table
