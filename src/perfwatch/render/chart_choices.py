"""Which of the focus area's rows the charts, sparklines and recent-periods tables show: the native series
up to the report period, the last CHART_PERIODS per indicator, found by position.
"""

from __future__ import annotations

import typing

import numpy as np
import pandas as pd

from perfwatch.render.alt_text import pretty_period
from perfwatch.render.badges import (
    _flag,
    _format,
    _is_true,
    _plain,
    _row_ci,
    _shown_value,
    _text,
    status_badge,
)
from perfwatch.render.views import PeriodRow

if typing.TYPE_CHECKING:
    from perfwatch.framework.model import Indicator


HISTORY_PERIODS = 5
CHART_PERIODS = 24
SPARKLINE_PERIODS = 12
#: The columns of `Results.table` the views read; selecting them first keeps row access cheap.
SERIES_COLUMNS = [
    "indicator",
    "area",
    "period",
    "period_start",
    "period_months",
    "value",
    "value_text",
    "compared_value",
    "ytd",
    "target",
    "target_text",
    "status",
    "ci_lower",
    "ci_upper",
    "flag",
    "tolerance",
    "spc_mean",
    "spc_lower",
    "spc_upper",
    "spc_signal",
    "spc_group",
    "spc_trial",
]
LATEST_COLUMNS = SERIES_COLUMNS + [
    "reason", "direction", "direction_yoy", "trend", "benchmark", "comparator", "comparator_value",
    "variation", "assurance", "note", "numerator", "denominator",
]  # fmt: skip


class ChartChoices:
    """The builder's choices about series: which of the focus area's rows the charts, sparklines and
    recent-periods tables show."""

    def _series(self) -> None:
        """The focus area's native series up to the report period, sorted, last CHART_PERIODS per
        indicator: one frame, each indicator's rows found by position, and the columns as plain lists
        so that the recent-periods tables need no per-row pandas access (a quarter of the build time)."""
        table = self.results.table
        rows = table[table["area"] == self.area.id]
        if "native" in rows:
            rows = rows[rows["native"].astype(bool)]
        rows = rows[[c for c in SERIES_COLUMNS if c in rows.columns]]
        if self.report_period is not None:
            end = self.report_period.start + self.report_period.months
            rows = rows[rows["period_start"] + rows["period_months"] <= end]
        rows = rows.sort_values(["indicator", "period_start"], kind="stable")
        rows = rows.groupby("indicator", sort=False, observed=True).tail(CHART_PERIODS).reset_index(drop=True)
        codes = rows["indicator"].astype(str).to_numpy()
        starts = (
            np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
            if len(codes)
            else np.array([], int)
        )
        stops = np.append(starts[1:], len(codes))[: len(starts)]  # an area with no rows: no series
        rows = _plain(rows)
        self.series_rows = rows
        self.series_bounds = {codes[a]: (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}
        self.series_columns = {c: rows[c].tolist() for c in rows.columns}

    def _series_frame(self, indicator_id: str) -> pd.DataFrame:
        bounds = self.series_bounds.get(indicator_id)
        if bounds is None:
            return pd.DataFrame(columns=["period", "value"])
        frame = self.series_rows.iloc[bounds[0] : bounds[1]]
        ytd = (
            np.array([_is_true(v) for v in frame["ytd"]], dtype=bool) if "ytd" in frame else np.zeros(0, bool)
        )
        if ytd.any():
            # A year-to-date target line is met by the year-to-date value, never by one period's value.
            frame = frame.assign(value=np.where(ytd, frame["compared_value"], frame["value"]))
        return frame

    def _series_records(self, indicator_id: str, last: int) -> list[dict]:
        start, stop = self.series_bounds.get(indicator_id, (0, 0))
        columns = self.series_columns
        return [{c: values[k] for c, values in columns.items()} for k in range(max(start, stop - last), stop)]

    def _history(self, ind: Indicator) -> list[PeriodRow]:
        rows = []
        for row in self._series_records(ind.id, HISTORY_PERIODS):
            rows.append(
                PeriodRow(
                    period=pretty_period(_text(row.get("period")), short=True),
                    value=_shown_value(ind, row),
                    target=_format(ind, row.get("target"), row.get("target_text")),
                    status=status_badge(_text(row.get("status")) or "no_data"),
                    ci=_row_ci(ind, row),
                    flag=_flag(row.get("flag")),
                )  # fmt: skip
            )
        return rows
