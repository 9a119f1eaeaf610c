"""Which area a report is for, and which areas each indicator's comparison shows, against what: like with
like, the ends of a long list, and a sentence on the areas left out.
"""

from __future__ import annotations

import typing

import numpy as np
import pandas as pd

from perfwatch.errors import PerfwatchError
from perfwatch.render import icons
from perfwatch.render.alt_text import pretty_period
from perfwatch.render.badges import _benchmark_badge, _is_true, _plural, _shown_value, _text, status_badge
from perfwatch.render.views import AreaValue, AreaView

if typing.TYPE_CHECKING:
    from perfwatch.framework.model import Area, Indicator


#: With more areas than this, the area comparison shows the highest and lowest AREAS_SHOWN_EACH_END and
#: the report's own area, and sums up the rest in a sentence: a 274-row table per indicator helps no one.
AREAS_IN_FULL = 24
AREAS_SHOWN_EACH_END = 8


class AreaChoices:
    """The builder's choices about areas: which one the report is for, and which areas each indicator's
    comparison table and chart show, against what."""

    def _focus_area(self) -> AreaView:
        framework = self.framework
        wanted = self.options.area
        if wanted is not None:
            area = framework.area_map.get(wanted)
            if area is None:
                if wanted in set(self.results.latest["area"]):
                    return AreaView(wanted, wanted, "")
                raise PerfwatchError(f"area {wanted!r} is not in the framework")
            return AreaView(area.id, area.name, area.level)
        top: Area | None = next((a for a in framework.areas if a.parent is None), None)
        if top is None and framework.areas:
            top = framework.areas[0]
        if top is not None:
            return AreaView(top.id, top.name, top.level)
        first = str(self.results.latest["area"].iloc[0]) if len(self.results.latest) else ""
        return AreaView(first, first, "")

    def _areas(
        self, ind: Indicator
    ) -> tuple[list[AreaValue], str, pd.DataFrame | None, tuple[str, float | None]]:
        """The area comparison: views highest first (trimmed when there are many areas), a sentence on
        the areas left out, the chart's rows (None with fewer than 3 areas with data), and the comparator
        most areas are benchmarked against, with its value, for the chart's reference line."""
        start, stop = self.latest_bounds.get(ind.id, (0, 0))
        if stop - start < 2:
            return [], "", None, ("", None)
        cols = {c: values[start:stop] for c, values in self.latest_columns.items()}
        empty = np.full(stop - start, "", dtype=object)
        area_ids = cols["area"].astype(str)
        comparators = cols.get("comparator", empty)
        benchmarks = cols.get("benchmark", empty)
        comparator_id, comparator_value = "", None
        named = comparators[comparators != ""]
        if len(named):
            found, counts = np.unique(named.astype(str), return_counts=True)
            comparator_id = str(found[np.argmax(counts)])
            if "comparator_value" in cols:
                values_of = cols["comparator_value"][comparators == comparator_id].astype("float64")
                values_of = values_of[np.isfinite(values_of)]
                comparator_value = float(values_of[0]) if len(values_of) else None
        comparator = self.area_names.get(comparator_id, comparator_id)
        values = cols["value"].astype("float64") if ind.is_numeric else None
        if values is not None and "ytd" in cols:
            # Areas with a year-to-date target are compared on their year-to-date values.
            ytd = np.array([_is_true(v) for v in cols["ytd"]], dtype=bool)
            values = np.where(ytd, cols["compared_value"].astype("float64"), values)
        order = (
            np.argsort(np.where(np.isfinite(values), -values, np.inf), kind="stable")
            if values is not None
            else np.arange(stop - start)
        )
        keep = np.ones(len(order), dtype=bool)
        omitted = ""
        if len(order) > AREAS_IN_FULL:
            keep[:] = False
            has_value = np.isfinite(values[order]) if values is not None else np.ones(len(order), bool)
            with_data = np.flatnonzero(has_value)
            keep[with_data[:AREAS_SHOWN_EACH_END]] = True
            keep[with_data[-AREAS_SHOWN_EACH_END:]] = True
            keep |= area_ids[order] == self.area.id
            if not keep.all():
                omitted = self._omitted_sentence(
                    benchmarks[order][~keep], int((~has_value[~keep]).sum()), comparator
                )
        rows = order[keep]
        views = []
        for k in rows:
            area_id = str(area_ids[k])
            row = {c: values_[k] for c, values_ in cols.items()}
            comparator_of = str(comparators[k])
            views.append(
                AreaValue(
                    area_id=area_id,
                    name=self.area_names.get(area_id, area_id),
                    period=pretty_period(_text(row.get("period"))),
                    value=_shown_value(ind, row),
                    status=status_badge(_text(row.get("status")) or "no_data"),
                    benchmark=_benchmark_badge(
                        _text(row.get("benchmark")), self.area_names.get(comparator_of, comparator_of)
                    ),
                    is_focus=area_id == self.area.id,
                )  # fmt: skip
            )
        chart_rows = None
        if values is not None:
            current, older = self._current_period(ind, cols)
            if older.any():
                # The chart is titled with the report area's period: areas whose latest value is older
                # are left out of it (the table keeps them, each under its own period), and said so.
                values = np.where(older, np.nan, values)
                oldest = pretty_period(str(cols["period"][older][np.argmin(cols["period_start"][older])]))
                count = int(older.sum())
                omitted = (omitted + " " if omitted else "") + (
                    f"{count} {_plural(count, 'area has', 'areas have')} no value for {pretty_period(current)} "
                    f"(older data, back to {oldest}) and {_plural(count, 'is', 'are')} not in the chart."
                )
            shown, comparator, comparator_value = self._compared_areas(area_ids, values, cols, rows, ind.unit)
            if shown is not None:
                shown = shown[~older[shown]]
            if shown is not None and not np.isin(benchmarks[shown], ["", "not_compared"], invert=True).any():
                comparator, comparator_value = "", None
            if shown is not None:
                names = np.array([self.area_names.get(str(a), str(a)) for a in area_ids[shown]], dtype=object)
                nan = np.full(len(shown), np.nan)
                chart_rows = pd.DataFrame(
                    {
                        "area": pd.Series(names, dtype=object),
                        "value": values[shown],
                        "ci_lower": cols["ci_lower"][shown].astype("float64") if "ci_lower" in cols else nan,
                        "ci_upper": cols["ci_upper"][shown].astype("float64") if "ci_upper" in cols else nan,
                        "benchmark": pd.Series(benchmarks[shown], dtype=object),
                    }
                )
        return views, omitted, chart_rows, (comparator, comparator_value)

    def _current_period(self, ind: Indicator, cols: dict[str, np.ndarray]) -> tuple[str, np.ndarray]:
        """The report area's period for the indicator, and which areas' latest rows belong to another."""
        own = self.latest.get(ind.id, {})
        period = _text(own.get("period"))
        if not period or "period" not in cols:
            return period, np.zeros(len(cols["area"]), dtype=bool)
        labels = cols["period"].astype(str)
        return period, (labels != period) & (labels != "")

    def _compared_areas(
        self,
        area_ids: np.ndarray,
        values: np.ndarray,
        cols: dict[str, np.ndarray],
        rows: np.ndarray,
        unit: str,
    ) -> tuple[np.ndarray | None, str, float | None]:
        """Which of `rows` the area chart compares, and against what: like with like, never a total among
        its parts. The report's area among its peers (same level) against its own comparator when there
        are 3 peers with data, else the areas within it (its children) against the report's area itself; a
        count adds up, so the report area's total is no line to measure its parts against."""
        focus = self.area.id
        at = np.flatnonzero(area_ids == focus)
        levels = np.array([self.area_levels.get(str(a), "") for a in area_ids[rows]], dtype=object)
        peers = rows[levels == self.area_levels.get(focus, "")]
        if at.size and np.isfinite(values[peers]).sum() >= 3:
            comparator_id = str(cols["comparator"][at[0]]) if "comparator" in cols else ""
            value = float(cols["comparator_value"][at[0]]) if "comparator_value" in cols else np.nan
            name = self.area_names.get(comparator_id, comparator_id)
            return peers, name, value if np.isfinite(value) else None
        parents = np.array([self.area_parents.get(str(a)) for a in area_ids[rows]], dtype=object)
        children = rows[parents == focus]
        if np.isfinite(values[children]).sum() >= 3:
            if unit == "count":
                return children, "", None
            value = float(values[at[0]]) if at.size else np.nan
            return children, self.area.name, value if np.isfinite(value) else None
        return None, "", None

    def _omitted_sentence(self, benchmarks: np.ndarray, missing: int, comparator: str) -> str:
        """`258 other areas are not shown; of these, 174 better, 9 similar, 75 worse against England.`"""
        count = len(benchmarks)
        sentence = f"{count} other {_plural(count, 'area is', 'areas are')} not shown"
        parts = [
            f"{int((benchmarks == b).sum())} {b.replace('_', ' ')}"
            for b in icons.BENCHMARK_LABELS
            if (benchmarks == b).any()
        ]
        if parts:
            against = f" against {comparator}" if comparator else ""
            sentence += f"; of these, {', '.join(parts)}{against}"
        if missing:
            sentence += f"; {missing} {_plural(missing, 'has', 'have')} no data"
        return sentence + "."
