"""The one typed object a report template receives, built in one place from the evaluated `Results`.

Templates only lay out what is here: every number is already formatted by `perfwatch.formatting`, every
status, direction and signal comes from `Results` (nothing is recomputed), every icon is an inline SVG
beside a word (never colour alone), every chart carries its text alternative. `docs/templates.md` lists
every field; it is generated from these dataclasses by `context_reference()`, so it cannot drift.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import re
import typing
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from perfwatch.formatting import decimals_for, format_value
from perfwatch.framework.periods import Period, PeriodError, parse_period
from perfwatch.render import icons
from perfwatch.render.alt_text import pretty_period

if typing.TYPE_CHECKING:
    from perfwatch.data.commentary import Commentary
    from perfwatch.evaluate.results import Results
    from perfwatch.framework.model import Area, Cycle, Framework, Indicator
    from perfwatch.render.charts import Chart

KINDS = ("performance", "annual", "exception", "scorecard")
HISTORY_PERIODS = 5
CHART_PERIODS = 24
SPARKLINE_PERIODS = 12
#: With more areas than this, the area comparison shows the highest and lowest AREAS_SHOWN_EACH_END and
#: the report's own area, and sums up the rest in a sentence: a 274-row table per indicator helps no one.
AREAS_IN_FULL = 24
AREAS_SHOWN_EACH_END = 8
#: The columns of `Results.table` the views read; selecting them first keeps row access cheap.
SERIES_COLUMNS = [
    "indicator",
    "area",
    "period",
    "period_start",
    "period_months",
    "value",
    "value_text",
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
    "variation", "assurance", "note",
]  # fmt: skip
DEFAULT_TITLES = {
    "performance": "Performance report",
    "annual": "Annual performance report",
    "exception": "Exception report",
    "scorecard": "Performance scorecard",
}
PURPOSES = {
    "performance": "How {area} performed against the {framework} in {period}: what is on target, what is "
    "not, and the actions in hand.",
    "annual": "The annual performance report of {area} for {period}: each key indicator against the "
    "preceding years, progress on the outcomes, and the actions delivered in the year.",
    "exception": "The indicators of {area} that need the board's attention in {period}, each with its "
    "owner and next action, and the actions that are overdue.",
    "scorecard": "Every indicator of {area} in {period} on one page.",
}
ACTION_STATE_WORDS = {
    "done": "Done", "on_track": "On track", "due_soon": "Due soon", "overdue": "Overdue", "cancelled": "Cancelled",
}  # fmt: skip
POLARITY_WORDS = {
    "higher_is_better": "Higher is better", "lower_is_better": "Lower is better", "no_judgement": "No judgement",
}  # fmt: skip


def _doc(text: str, **kwargs: Any) -> Any:
    """A dataclass field with its documentation, for docs/templates.md."""
    return field(metadata={"doc": text}, **kwargs)


@dataclass(frozen=True)
class Badge:
    """A coded result shown as an icon beside its word: status, direction, trend, benchmark, SPC."""

    value: str = _doc("The code from `Results`, e.g. `red`, `worsening`, `concern_high` ('' when none).")
    word: str = _doc("The code in words, e.g. `Red: off target`.")
    icon: Markup = _doc("Inline SVG icon, hidden from screen readers because the word follows it.")


@dataclass(frozen=True)
class PeriodRow:
    """One row of an indicator's recent-periods table."""

    period: str = _doc("Period label as a reader writes it: `March 2025`, `2024/25`, `Q4 2024/25`.")
    value: str = _doc("Formatted value (`81.2%`, `£1,200`, `Yes`, `—` when missing).")
    target: str = _doc("Formatted target (`—` when none).")
    status: Badge = _doc("Status badge of the period.")
    ci: str = _doc("Confidence interval as `77.1% to 80.2%`, or ''.")
    flag: str = _doc("Data-quality flag (`provisional`, `partial` ...), or ''.")


@dataclass(frozen=True)
class AreaValue:
    """The indicator's latest value in one area, for the area comparison table."""

    area_id: str = _doc("Area id.")
    name: str = _doc("Area name.")
    period: str = _doc("Period of the value.")
    value: str = _doc("Formatted value.")
    status: Badge = _doc("Status badge.")
    benchmark: Badge = _doc("Benchmark badge against the area's comparator.")
    is_focus: bool = _doc("True for the area the report is about.")


@dataclass(frozen=True)
class ActionView:
    """A delivery-plan action with its state as of the report date."""

    id: str = _doc("Action id.")
    title: str = _doc("What will be done.")
    owner: str = _doc("Who is responsible ('' when not given).")
    due: str = _doc("Deadline as `31 January 2025` ('' when none).")
    state: str = _doc("`done`, `on_track`, `due_soon`, `overdue` or `cancelled` (from Results).")
    state_word: str = _doc("The state in words.")
    status: str = _doc("The status the plan records (`in_progress` ...).")
    completed: str = _doc("Completion date, or ''.")
    milestones: str = _doc("`1 of 3 milestones done`, or ''.")
    notes: str = _doc("Progress notes, or ''.")
    outcome_id: str = _doc("The outcome it delivers, or ''.")
    outcome_title: str = _doc("That outcome's title, or ''.")
    indicator_ids: list[str] = _doc("Indicators it is meant to move.")


@dataclass(frozen=True)
class IndicatorView:
    """One indicator in the report's area at the report period, everything pre-formatted."""

    id: str = _doc("Indicator id.")
    anchor: str = _doc("HTML id of the indicator's block (`ind-<id>`).")
    title: str = _doc("Indicator title.")
    description: str = _doc("Definition, or ''.")
    unit: str = _doc("Unit code (`percentage`, `count`, `yes_no` ...).")
    polarity: str = _doc("`higher_is_better`, `lower_is_better` or `no_judgement`.")
    polarity_word: str = _doc("The polarity in words.")
    frequency: str = _doc("`monthly`, `quarterly` ..., or ''.")
    source: str = _doc("Data source, or ''.")
    owner: str = _doc("Accountable owner, or ''.")
    national_id: str = _doc("Number in a national set, or ''.")
    notes: str = _doc("Caveats, or ''.")
    key: bool = _doc("A key indicator (annual 5-year comparison).")
    under_development: bool = _doc("Defined but not yet rated.")
    outcome_id: str = _doc("Outcome id.")
    theme_id: str = _doc("Theme id.")
    period: str = _doc("Period of the latest value, as a reader writes it ('' when no data).")
    value: str = _doc("Latest value, formatted.")
    target: str = _doc("Target for that period, formatted.")
    ci: str = _doc("Confidence interval, formatted, or ''.")
    flag: str = _doc("Data-quality flag of the latest value, or ''.")
    note: str = _doc("Footnote or evidence of the latest value, or ''.")
    status: Badge = _doc("Status (green / amber / red / no_target / no_data / not_assessed).")
    reason: str = _doc("Why it has that status, in one sentence (from Results).")
    direction: Badge = _doc("Direction against the previous period.")
    direction_yoy: Badge = _doc("Direction against the same period a year earlier.")
    trend: Badge = _doc("Recent trend over the last five points.")
    benchmark: Badge = _doc("Benchmark against the comparator.")
    comparator: str = _doc("Comparator area name, or ''.")
    comparator_value: str = _doc("Comparator's value, formatted, or ''.")
    variation: Badge = _doc("Making Data Count variation icon (value '' when SPC is off).")
    assurance: Badge = _doc("Making Data Count assurance icon (value '' when none).")
    spc_signal: str = _doc("SPC signal of the latest point (`special_cause_concern` ...), or ''.")
    chart: Chart | None = _doc("Line chart (inline SVG, `.svg`, `.alt`); None for yes/no and judgements.")
    sparkline: Chart = _doc("Sparkline of recent values for the scorecard (`.svg`, `.alt`).")
    history: list[PeriodRow] = _doc("The last five periods, oldest first.")
    areas: list[AreaValue] = _doc(
        "Latest value by area, highest first (empty with one area); with many areas only the highest and "
        "lowest few and the report's area."
    )
    areas_omitted: str = _doc("The areas left out of `areas`, summed up in a sentence, or ''.")
    area_chart: Chart | None = _doc(
        "Area comparison bar chart of `areas` (performance report, numeric indicators, 3+ areas), or None."
    )
    commentary: Markup | None = _doc("Sanitised commentary HTML, or None.")
    actions: list[ActionView] = _doc("Actions linked to the indicator or to its outcome.")
    own_actions: list[ActionView] = _doc(
        "Actions that name this indicator (the outcome's other actions are shown once, with the outcome)."
    )


@dataclass(frozen=True)
class OutcomeView:
    id: str = _doc("Outcome id.")
    anchor: str = _doc("HTML id (`out-<id>`).")
    title: str = _doc("Outcome title.")
    description: str = _doc("Longer statement, or ''.")
    lead: str = _doc("Who leads, or ''.")
    status: Badge = _doc("Overall status by the framework's roll-up rule (from Results).")
    counts: dict[str, int] = _doc("Indicators per status code.")
    national_outcomes: list[str] = _doc("Titles of the national outcomes it contributes to.")
    indicators: list[IndicatorView] = _doc("Its indicators.")
    commentary: Markup | None = _doc("Sanitised commentary on the outcome, or None.")
    actions: list[ActionView] = _doc("Actions delivering the outcome.")
    needs_action: bool = _doc("Red indicators and no open action (from Results).")


@dataclass(frozen=True)
class ThemeView:
    id: str = _doc("Theme id.")
    anchor: str = _doc("HTML id (`theme-<id>`).")
    title: str = _doc("Theme title.")
    description: str = _doc("What it covers, or ''.")
    status: Badge = _doc("Overall status (from Results).")
    outcomes: list[OutcomeView] = _doc("Its outcomes.")


@dataclass(frozen=True)
class StatusCount:
    status: str = _doc("Status code.")
    word: str = _doc("Status in words.")
    icon: Markup = _doc("Status icon (decorative).")
    count: int = _doc("Indicators with that status.")
    percent: float = _doc("Share of all indicators, 0–100, for bar widths.")


@dataclass(frozen=True)
class ExceptionView:
    """An indicator that needs escalation, and why."""

    indicator: IndicatorView = _doc("The indicator.")
    reasons: list[str] = _doc(
        "Why it is an exception: `Off target`, `Worsening`, `Special cause of concern` ..."
    )
    missing_commentary: bool = _doc("Red and no commentary for the period.")
    next_action: ActionView | None = _doc(
        "The first open action for the indicator (its own before its outcome's), or None."
    )


@dataclass(frozen=True)
class NationalOutcomeView:
    id: str = _doc("National outcome id.")
    anchor: str = _doc("HTML id (`no-<id>`).")
    title: str = _doc("National outcome wording.")
    status: Badge = _doc("Roll-up status of the indicators that serve it (from Results).")
    counts: dict[str, int] = _doc("Indicators per status code.")
    outcomes: list[OutcomeView] = _doc("Local outcomes contributing to it (the golden thread).")
    commentary: Markup | None = _doc("Sanitised commentary, or None.")


@dataclass(frozen=True)
class ComparisonCell:
    period: str = _doc("The earlier year.")
    value: str = _doc("Its value, formatted.")
    direction: Badge = _doc("Direction from that year to the reporting year.")


@dataclass(frozen=True)
class ComparisonRow:
    """A key indicator's reporting year beside each preceding year (annual report)."""

    indicator: IndicatorView = _doc("The indicator.")
    period: str = _doc("The reporting year.")
    value: str = _doc("The reporting year's value, formatted.")
    years: list[ComparisonCell] = _doc(
        "Preceding years, oldest first, matching `ReportContext.comparison_years`."
    )


@dataclass(frozen=True)
class SectionView:
    """A narrative section the reporting cycle requires (annual report)."""

    id: str = _doc("Section id (the commentary id that supplies its text).")
    anchor: str = _doc("HTML id (`sec-<id>`).")
    title: str = _doc("Section heading.")
    description: str = _doc("What it must cover, or ''.")
    required: bool = _doc("The report is incomplete without it.")
    text: Markup | None = _doc("Sanitised narrative, or None when missing.")
    present: bool = _doc("Narrative was supplied.")
    status: Badge = _doc(
        "Checklist badge: green `Present`, red `Missing` (required), `Not supplied` (optional)."
    )


@dataclass(frozen=True)
class AreaView:
    id: str = _doc("Area id.")
    name: str = _doc("Area name.")
    level: str = _doc("Area level.")


@dataclass(frozen=True)
class ContentsEntry:
    anchor: str = _doc("HTML id of the heading.")
    title: str = _doc("Heading text.")
    level: int = _doc("1 for a section, 2 for a subsection.")


@dataclass(frozen=True)
class ReportContext:
    """Everything a report template receives, as `report`."""

    kind: str = _doc("`performance`, `annual`, `exception` or `scorecard`.")
    title: str = _doc("Report title.")
    organisation: str = _doc("Organisation, or ''.")
    audience: str = _doc("Who receives the report (the cycle's `audience`), or ''.")
    purpose: str = _doc("One sentence on what the report is for, for the cover.")
    framework_id: str = _doc("Framework id.")
    framework_title: str = _doc("Framework title.")
    framework_version: str = _doc("Framework version, or ''.")
    period: str = _doc("Report period, canonical label (`2025-03`, `2024/25`).")
    period_label: str = _doc("Report period as a reader writes it (`March 2025`).")
    year_label: str = _doc("The reporting year containing the period (`2024/25`).")
    data_cutoff: str = _doc("End of the report period, `31 March 2025`.")
    as_of: str = _doc("Report date, `20 April 2025`.")
    generated_at: str | None = _doc("Build time when asked for (`--timestamp`), else None (deterministic).")
    inputs_hash: str = _doc("Short hash of the inputs (framework, data, commentary), for provenance.")
    area: AreaView = _doc("The area the report is about.")
    areas: list[AreaView] = _doc("Every area in the results.")
    summary: str = _doc("The plain-words summary sentence.")
    status_counts: list[StatusCount] = _doc("Indicators per status, in status order (zero counts kept).")
    total: int = _doc("Number of indicators.")
    worsening: int = _doc("Indicators worsening against the previous period.")
    special_cause_concern: int = _doc("Indicators whose latest point is a special cause of concern.")
    themes: list[ThemeView] = _doc("Themes → outcomes → indicators, in framework order.")
    indicators: list[IndicatorView] = _doc("Every indicator, flat, in framework order (the scorecard).")
    exceptions: list[ExceptionView] = _doc("Red, amber, worsening and special-cause-of-concern indicators.")
    actions: list[ActionView] = _doc("Every action.")
    overdue_actions: list[ActionView] = _doc("Actions overdue at the report date.")
    delivered_actions: list[ActionView] = _doc("Actions completed in the reporting year.")
    national_outcomes: list[NationalOutcomeView] = _doc("National outcomes with their local outcomes.")
    comparison_years: list[str] = _doc("The preceding years compared, oldest first (annual report).")
    comparisons: list[ComparisonRow] = _doc("Key indicators' multi-year comparison (annual report).")
    sections: list[SectionView] = _doc("The cycle's narrative sections (annual report).")
    missing_sections: list[SectionView] = _doc("Required sections with no narrative.")
    warnings: list[str] = _doc("Data-quality and commentary warnings to show in the report.")
    contents: list[ContentsEntry] = _doc("The contents list for this kind of report.")


@dataclass(frozen=True)
class ReportOptions:
    """What a caller may choose about a report beyond the results themselves."""

    area: str | None = None
    title: str | None = None
    organisation: str | None = None
    cycle: str | None = None
    generated_at: str | None = None
    charts: bool = True


# --- helpers -----------------------------------------------------------------------------------------


def long_date(value: date | None) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value):
        return ""
    return f"{value.day} {value:%B %Y}"


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _number(value: Any) -> float:
    try:
        result = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return result


@functools.lru_cache(maxsize=4096)
def _image(svg: Markup) -> Markup:
    """A decorative icon as an `<img>` with a `data:` URI: still inside the one HTML file, and WeasyPrint
    parses each distinct icon once instead of once per use (a quarter of a report's layout time)."""
    if not svg:
        return svg
    size = re.search(r'width="(\d+)"', svg)
    data = base64.b64encode(str(svg).encode()).decode()
    width = size.group(1) if size else "20"
    return Markup(
        f'<img class="pw-icon" alt="" width="{width}" height="{width}" src="data:image/svg+xml;base64,{data}">'
    )


@functools.lru_cache(maxsize=4096)
def status_badge(status: str) -> Badge:
    status = status if status in icons.STATUS_LABELS else "no_data"
    return Badge(status, icons.STATUS_LABELS[status], _image(icons.status_icon(status, decorative=True)))


@functools.lru_cache(maxsize=4096)
def _direction_badge(direction: str, polarity: str) -> Badge:
    direction = direction if direction in icons.DIRECTION_LABELS else "not_comparable"
    return Badge(
        direction,
        icons.DIRECTION_LABELS[direction],
        _image(icons.direction_icon(direction, polarity, decorative=True)),
    )


@functools.lru_cache(maxsize=4096)
def _trend_badge(trend: str, polarity: str) -> Badge:
    trend = trend if trend in icons.TREND_LABELS else "cannot_be_calculated"
    return Badge(trend, icons.TREND_LABELS[trend], _image(icons.trend_icon(trend, polarity, decorative=True)))


@functools.lru_cache(maxsize=4096)
def _benchmark_badge(benchmark: str, comparator: str) -> Badge:
    benchmark = benchmark if benchmark in icons.BENCHMARK_LABELS else "not_compared"
    if benchmark == "not_compared" and not comparator:
        return Badge(
            "not_compared", "Not compared", _image(icons.benchmark_icon("not_compared", decorative=True))
        )
    name = comparator or "the comparator"
    return Badge(
        benchmark,
        icons.BENCHMARK_LABELS[benchmark].format(comparator=name),
        _image(icons.benchmark_icon(benchmark, comparator=name, decorative=True)),
    )


@functools.lru_cache(maxsize=4096)
def _variation_badge(variation: str) -> Badge:
    if variation not in icons.VARIATION_LABELS:
        return Badge("", "", Markup(""))
    return Badge(
        variation, icons.VARIATION_LABELS[variation], _image(icons.variation_icon(variation, decorative=True))
    )


@functools.lru_cache(maxsize=4096)
def _assurance_badge(assurance: str) -> Badge:
    if assurance not in icons.ASSURANCE_LABELS:
        return Badge("", "", Markup(""))
    return Badge(
        assurance, icons.ASSURANCE_LABELS[assurance], _image(icons.assurance_icon(assurance, decorative=True))
    )


def _section_badge(present: bool, required: bool) -> Badge:
    if present:
        return Badge("green", "Present", _image(icons.status_icon("green", decorative=True)))
    if required:
        return Badge("red", "Missing", _image(icons.status_icon("red", decorative=True)))
    return Badge("no_data", "Not supplied (optional)", _image(icons.status_icon("no_data", decorative=True)))


def _unit_label(ind: Indicator) -> str:
    if ind.unit == "percentage":
        return "%"
    if ind.unit == "currency":
        return "£"
    if ind.unit == "days":
        return "days"
    if ind.unit == "rate":
        return f"per {ind.effective_per:,.0f}"
    return ""


def _show_text(value: Any) -> str:
    text = _text(value)
    return text.replace("_", " ").capitalize() if text else "—"


def _format(ind: Indicator, value: Any, text: Any = None) -> str:
    if not ind.is_numeric:
        return _show_text(text)
    return format_value(_number(value), ind.unit, ind.decimals)


def _flag(value: Any) -> str:
    """A data-quality flag in words; `rolled_up` says where a value came from, not its quality."""
    text = _text(value)
    return "" if text == "rolled_up" else text.replace("_", " ")


def _ci(ind: Indicator, lower: Any, upper: Any) -> str:
    low, high = _number(lower), _number(upper)
    if not ind.is_numeric or np.isnan(low) or np.isnan(high):
        return ""
    return f"{format_value(low, ind.unit, ind.decimals)} to {format_value(high, ind.unit, ind.decimals)}"


def _period_of(text: str | None, framework: Framework) -> Period | None:
    if not text:
        return None
    try:
        return parse_period(text, framework.year_start_month)
    except PeriodError:
        return None


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with numpy columns: float64 numbers, and text as Python strings with '' for missing.

    Done once over all rows, so that the many small per-indicator slices the charts and tables read
    need no Arrow-to-Python conversion each (that conversion was most of the build time)."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind in "fiu":
            columns[name] = column.to_numpy(dtype="float64", na_value=np.nan)
        elif column.dtype.kind == "b":
            columns[name] = column.to_numpy()
        else:
            text = column.astype(object).where(column.notna(), "").astype(str).to_numpy(dtype=object)
            columns[name] = pd.Series(text, dtype=object)  # object, not pandas' Arrow-backed strings
    return pd.DataFrame(columns)


def _anchor(prefix: str, id_: str) -> str:
    return f"{prefix}-{id_}"


# --- building ---------------------------------------------------------------------------------------


class _Builder:
    """Reads `Results` once for one area and hands out the views the templates need."""

    def __init__(self, results: Results, kind: str, commentary: Commentary | None, options: ReportOptions):
        if kind not in KINDS:
            raise ValueError(f"unknown report kind {kind!r}; expected one of {', '.join(KINDS)}")
        self.results = results
        self.framework = results.framework
        self.kind = kind
        self.commentary = commentary
        self.options = options
        self.area = self._focus_area()
        self.report_period = _period_of(results.period, self.framework)
        self.area_names = {a.id: a.name for a in self.framework.areas}
        self.area_levels = {a.id: a.level for a in self.framework.areas}
        self.area_parents = {a.id: a.parent for a in self.framework.areas}
        latest = results.latest[[c for c in LATEST_COLUMNS if c in results.latest.columns]]
        # Every area's latest row, grouped by indicator by position (cheaper than a groupby of frames).
        codes = latest["indicator"].astype(str).to_numpy()
        order = np.argsort(codes, kind="stable")
        self.latest_sorted = _plain(latest.iloc[order])
        self.latest_columns = {c: self.latest_sorted[c].to_numpy() for c in self.latest_sorted.columns}
        codes = codes[order]
        starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]])) if len(codes) else codes
        stops = np.append(starts[1:], len(codes))
        self.latest_bounds = {codes[a]: (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}
        self.latest = {
            str(row["indicator"]): row for row in latest[latest["area"] == self.area.id].to_dict("records")
        }
        self._series()
        self.rollups = {
            key: {
                str(row[key]): row
                for row in frame[frame["area"] == self.area.id].to_dict("records")
            }
            if len(frame) else {}
            for key, frame in (
                ("outcome", results.outcomes), ("theme", results.themes),
                ("national_outcome", results.national_outcomes),
            )
        }  # fmt: skip
        self.actions = [self._action(row) for row in results.actions.to_dict("records")]

    def _focus_area(self) -> AreaView:
        framework = self.framework
        wanted = self.options.area
        if wanted is not None:
            area = framework.area_map.get(wanted)
            if area is None:
                if wanted in set(self.results.latest["area"]):
                    return AreaView(wanted, wanted, "")
                raise ValueError(f"area {wanted!r} is not in the framework")
            return AreaView(area.id, area.name, area.level)
        top: Area | None = next((a for a in framework.areas if a.parent is None), None)
        if top is None and framework.areas:
            top = framework.areas[0]
        if top is not None:
            return AreaView(top.id, top.name, top.level)
        first = str(self.results.latest["area"].iloc[0]) if len(self.results.latest) else ""
        return AreaView(first, first, "")

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
        stops = np.append(starts[1:], len(codes))
        rows = _plain(rows)
        self.series_rows = rows
        self.series_bounds = {codes[a]: (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}
        self.series_columns = {c: rows[c].tolist() for c in rows.columns}

    def _series_frame(self, indicator_id: str) -> pd.DataFrame:
        bounds = self.series_bounds.get(indicator_id)
        if bounds is None:
            return pd.DataFrame(columns=["period", "value"])
        return self.series_rows.iloc[bounds[0] : bounds[1]]

    def _series_records(self, indicator_id: str, last: int) -> list[dict]:
        start, stop = self.series_bounds.get(indicator_id, (0, 0))
        columns = self.series_columns
        return [{c: values[k] for c, values in columns.items()} for k in range(max(start, stop - last), stop)]

    def _action(self, row: dict) -> ActionView:
        outcome_id = _text(row.get("outcome"))
        outcome = self.framework.outcomes.get(outcome_id)
        total = int(row.get("milestones_total") or 0)
        milestones = f"{int(row.get('milestones_done') or 0)} of {total} milestones done" if total else ""
        state = _text(row.get("state"))
        return ActionView(
            id=_text(row.get("id")), title=_text(row.get("title")), owner=_text(row.get("owner")),
            due=long_date(row.get("due")), state=state, state_word=ACTION_STATE_WORDS.get(state, state),
            status=_text(row.get("status")).replace("_", " "), completed=long_date(row.get("completed")),
            milestones=milestones, notes=_text(row.get("notes")), outcome_id=outcome_id,
            outcome_title=outcome.title if outcome else "", indicator_ids=list(row.get("indicators") or []),
        )  # fmt: skip

    def _comment(self, id_: str, period: str | None) -> Markup | None:
        if self.commentary is None:
            return None
        return self.commentary.get(id_, self.area.id, period or self.results.period)

    def indicator(self, ind: Indicator, outcome_id: str, theme_id: str) -> IndicatorView:
        from perfwatch.render.charts import area_bar_chart, indicator_chart, sparkline

        row = self.latest.get(ind.id, {})
        series = self._series_frame(ind.id)
        status = _text(row.get("status")) or "no_data"
        comparator_id = _text(row.get("comparator"))
        comparator = self.area_names.get(comparator_id, comparator_id)
        unit_label = _unit_label(ind)
        places = decimals_for(ind.unit, ind.decimals)
        chart = None
        if ind.is_numeric and self.options.charts and self.kind == "performance":
            chart = indicator_chart(
                series, title=f"{ind.id} {ind.title}, {self.area.name}", unit_label=unit_label,
                polarity=ind.polarity, decimals=places, width="half", show_title=False,
            )  # fmt: skip
        start, stop = self.series_bounds.get(ind.id, (0, 0))
        recent = self.series_columns.get("value", [])[max(start, stop - SPARKLINE_PERIODS) : stop]
        spark = sparkline(
            np.asarray(recent, dtype="float64") if ind.is_numeric else np.array([]),
            status=status, unit_label=unit_label if unit_label in ("%", "£") else "", decimals=places,
        )  # fmt: skip
        own = [a for a in self.actions if ind.id in a.indicator_ids]
        linked = own + [
            a for a in self.actions if a.outcome_id == outcome_id and ind.id not in a.indicator_ids
        ]
        period = _text(row.get("period"))
        areas, omitted, area_rows, against = self._areas(ind)
        area_chart = None
        if area_rows is not None and ind.is_numeric and self.options.charts and self.kind == "performance":
            area_chart = area_bar_chart(
                area_rows, title=f"{ind.id} {ind.title}: latest value by area", unit_label=unit_label,
                comparator_value=against[1], comparator_name=against[0], highlight_area=self.area.name,
                decimals=places, width="full", show_title=False,
            )  # fmt: skip
        return IndicatorView(
            id=ind.id, anchor=_anchor("ind", ind.id), title=ind.title, description=_text(ind.description),
            unit=ind.unit, polarity=ind.polarity, polarity_word=POLARITY_WORDS[ind.polarity],
            frequency=_text(ind.frequency), source=_text(ind.source), owner=_text(ind.owner),
            national_id=_text(ind.national_id), notes=_text(ind.notes), key=ind.key,
            under_development=ind.under_development, outcome_id=outcome_id, theme_id=theme_id,
            period=pretty_period(period) if period else "",
            value=_format(ind, row.get("value"), row.get("value_text")),
            target=_format(ind, row.get("target"), row.get("target_text")),
            ci=_ci(ind, row.get("ci_lower"), row.get("ci_upper")), flag=_flag(row.get("flag")),
            note=_text(row.get("note")), status=status_badge(status), reason=_text(row.get("reason")),
            direction=_direction_badge(_text(row.get("direction")), ind.polarity),
            direction_yoy=_direction_badge(_text(row.get("direction_yoy")), ind.polarity),
            trend=_trend_badge(_text(row.get("trend")), ind.polarity),
            benchmark=_benchmark_badge(_text(row.get("benchmark")), comparator),
            comparator=comparator,
            comparator_value=format_value(_number(row.get("comparator_value")), ind.unit, ind.decimals)
            if comparator and ind.is_numeric else "",
            variation=_variation_badge(_text(row.get("variation"))),
            assurance=_assurance_badge(_text(row.get("assurance"))),
            spc_signal=_text(row.get("spc_signal")), chart=chart, sparkline=spark,
            history=self._history(ind), areas=areas, areas_omitted=omitted, area_chart=area_chart,
            commentary=self._comment(ind.id, _text(row.get("period")) or None), actions=linked,
            own_actions=own,
        )  # fmt: skip

    def _history(self, ind: Indicator) -> list[PeriodRow]:
        rows = []
        for row in self._series_records(ind.id, HISTORY_PERIODS):
            rows.append(
                PeriodRow(
                    period=pretty_period(_text(row.get("period")), short=True),
                    value=_format(ind, row.get("value"), row.get("value_text")),
                    target=_format(ind, row.get("target"), row.get("target_text")),
                    status=status_badge(_text(row.get("status")) or "no_data"),
                    ci=_ci(ind, row.get("ci_lower"), row.get("ci_upper")),
                    flag=_flag(row.get("flag")),
                )  # fmt: skip
            )
        return rows

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
                    value=_format(ind, row.get("value"), row.get("value_text")),
                    status=status_badge(_text(row.get("status")) or "no_data"),
                    benchmark=_benchmark_badge(
                        _text(row.get("benchmark")), self.area_names.get(comparator_of, comparator_of)
                    ),
                    is_focus=area_id == self.area.id,
                )  # fmt: skip
            )
        chart_rows = None
        if values is not None:
            shown, comparator, comparator_value = self._compared_areas(area_ids, values, cols, rows, ind.unit)
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

    def _rollup(self, frame: pd.DataFrame, key: str, id_: str) -> tuple[Badge, dict[str, int], bool]:
        row = self.rollups[key].get(id_)
        if row is None:
            return status_badge("no_data"), {}, False
        counts = {s: int(row[s]) for s in icons.STATUS_LABELS if s in row}
        return status_badge(_text(row["status"])), counts, bool(row.get("needs_action", False))

    def themes(self) -> list[ThemeView]:
        titles = {n.id: n.title for n in self.framework.national_outcomes}
        themes = []
        for theme in self.framework.themes:
            outcomes = []
            for outcome in theme.outcomes:
                status, counts, needs = self._rollup(self.results.outcomes, "outcome", outcome.id)
                outcomes.append(
                    OutcomeView(
                        id=outcome.id,
                        anchor=_anchor("out", outcome.id),
                        title=outcome.title,
                        description=_text(outcome.description),
                        lead=_text(outcome.lead),
                        status=status,
                        counts=counts,
                        national_outcomes=[titles.get(n, n) for n in outcome.contributes_to],
                        indicators=[self.indicator(i, outcome.id, theme.id) for i in outcome.indicators],
                        commentary=self._comment(outcome.id, None),
                        actions=[a for a in self.actions if a.outcome_id == outcome.id],
                        needs_action=needs,
                    )  # fmt: skip
                )
            status, _, _ = self._rollup(self.results.themes, "theme", theme.id)
            themes.append(
                ThemeView(
                    theme.id,
                    _anchor("theme", theme.id),
                    theme.title,
                    _text(theme.description),
                    status,
                    outcomes,
                )
            )
        return themes

    def national_outcomes(self, themes: list[ThemeView]) -> list[NationalOutcomeView]:
        outcomes = {o.id: o for t in themes for o in t.outcomes}
        views = []
        for national in self.framework.national_outcomes:
            status, counts, _ = self._rollup(self.results.national_outcomes, "national_outcome", national.id)
            linked = [
                outcomes[o.id] for o in self.framework.outcomes.values() if national.id in o.contributes_to
            ]
            views.append(
                NationalOutcomeView(
                    id=national.id,
                    anchor=_anchor("no", national.id),
                    title=national.title,
                    status=status,
                    counts=counts,
                    outcomes=linked,
                    commentary=self._comment(national.id, None),
                )  # fmt: skip
            )
        return views

    def year(self) -> Period | None:
        if self.report_period is None:
            return None
        return self.report_period.financial_year(self.framework.year_start_month)

    def comparisons(self, indicators: dict[str, IndicatorView]) -> tuple[list[str], list[ComparisonRow]]:
        year = self.year()
        frame = self.results.comparisons
        if year is None or frame is None or frame.empty:
            return [], []
        frame = frame[frame["area"] == self.area.id]
        back = int(frame["years_back"].max()) if len(frame) else 0
        labels = [Period(year.start - 12 * k, 12, year.year_start_month).label for k in range(back, 0, -1)]
        rows = []
        for ind_id, group in frame.groupby("indicator", sort=False):
            ind = self.framework.indicators.get(str(ind_id))
            if ind is None or not ind.key or str(ind_id) not in indicators:
                continue
            by_period = {r["compare_period"]: r for r in group.to_dict("records")}
            cells = []
            for label in labels:
                found = by_period.get(label, {})
                cells.append(
                    ComparisonCell(
                        period=label,
                        value=_format(ind, found.get("compare_value")),
                        direction=_direction_badge(_text(found.get("direction")), ind.polarity),
                    )  # fmt: skip
                )
            first = group.iloc[0]
            rows.append(
                ComparisonRow(
                    indicators[str(ind_id)], _text(first["period"]), _format(ind, first["value"]), cells
                )
            )
        order = {i: n for n, i in enumerate(self.framework.indicators)}
        rows.sort(key=lambda r: order.get(r.indicator.id, 0))
        return labels, rows

    def cycle(self) -> Cycle | None:
        if self.options.cycle:
            return self.framework.cycle(self.options.cycle)
        return next((c for c in self.framework.reporting.cycles if c.kind == self.kind), None)

    def sections(self) -> list[SectionView]:
        cycle = self.cycle()
        if cycle is None:
            return []
        year = self.year()
        views = []
        for section in cycle.sections:
            text = None
            if self.commentary is not None:
                text = self.commentary.get(section.id, self.area.id, year.label if year else None)
            views.append(
                SectionView(
                    id=section.id,
                    anchor=_anchor("sec", section.id),
                    title=section.title,
                    description=_text(section.description),
                    required=section.required,
                    text=text,
                    present=text is not None,
                    status=_section_badge(text is not None, section.required),
                )  # fmt: skip
            )
        return views

    def delivered(self) -> list[ActionView]:
        """Actions completed within the reporting year (all done actions when there is no period)."""
        year = self.year()
        done = self.results.actions[self.results.actions["state"] == "done"]
        completed = pd.to_datetime(done["completed"], errors="coerce")
        if year is not None:
            inside = (completed >= pd.Timestamp(year.start_date)) & (completed <= pd.Timestamp(year.end_date))
            done = done[inside.to_numpy()]
        ids = set(done["id"])
        return [a for a in self.actions if a.id in ids]


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def summary_sentence(counts: dict[str, int], worsening: int, concern: int | None) -> str:
    """'Of 23 indicators, 14 are on target, 5 close, 4 off target; 3 are worsening; 2 show ...'."""
    total = sum(counts.values())
    if total == 0:
        return "There are no indicators to report."
    green, amber, red = counts.get("green", 0), counts.get("amber", 0), counts.get("red", 0)
    parts = [f"{green} {_plural(green, 'is', 'are')} on target", f"{amber} close", f"{red} off target"]
    extras = (
        ("no_target", "has no target", "have no target"),
        ("no_data", "has no data", "have no data"),
        ("not_assessed", "is not rated", "are not rated"),
    )
    parts += [f"{counts[s]} {_plural(counts[s], one, many)}" for s, one, many in extras if counts.get(s)]
    sentence = f"Of {total} {_plural(total, 'indicator', 'indicators')}, " + ", ".join(parts[:-1])
    sentence += f" and {parts[-1]}" if len(parts) > 3 else f", {parts[-1]}"
    sentence += f"; {worsening} {_plural(worsening, 'is', 'are')} worsening"
    if concern is not None:
        sentence += f"; {concern} {_plural(concern, 'shows', 'show')} special cause of concern"
    return sentence + "."


def _exceptions(indicators: list[IndicatorView]) -> list[ExceptionView]:
    views = []
    for ind in indicators:
        reasons = []
        if ind.status.value == "red":
            reasons.append("Off target")
        elif ind.status.value == "amber":
            reasons.append("Close to target")
        if ind.direction.value == "worsening":
            reasons.append("Worsening")
        if ind.spc_signal == "special_cause_concern" or ind.variation.value.startswith("concern"):
            reasons.append("Special cause of concern")
        missing = ind.status.value == "red" and ind.commentary is None
        if missing:
            reasons.append("No commentary")
        if reasons:
            open_actions = [a for a in ind.actions if a.state not in ("done", "cancelled")]
            views.append(ExceptionView(ind, reasons, missing, open_actions[0] if open_actions else None))
    return views


def _contents(kind: str, themes: list[ThemeView], context: dict) -> list[ContentsEntry]:
    entries = [ContentsEntry("at-a-glance", "At a glance", 1)]
    if kind == "performance":
        entries.append(ContentsEntry("scorecard", "Scorecard", 1))
        for theme in themes:
            entries.append(ContentsEntry(theme.anchor, theme.title, 1))
            entries += [ContentsEntry(o.anchor, o.title, 2) for o in theme.outcomes]
    elif kind == "annual":
        entries.append(ContentsEntry("comparison", "Key indicators over the years", 1))
        if context["national_outcomes"]:
            entries.append(ContentsEntry("national-outcomes", "National outcomes", 1))
            entries += [ContentsEntry(n.anchor, n.title, 2) for n in context["national_outcomes"]]
        entries.append(ContentsEntry("actions", "Actions in the year", 1))
        if context["sections"]:
            entries.append(ContentsEntry("sections", "Required sections", 1))
            entries += [ContentsEntry(s.anchor, s.title, 2) for s in context["sections"]]
    elif kind == "exception":
        entries += [
            ContentsEntry("exceptions", "Indicators needing attention", 1),
            ContentsEntry("overdue-actions", "Overdue actions", 1),
        ]
    if context["warnings"]:
        entries.append(ContentsEntry("notes", "Data notes", 1))
    return entries


def build_context(
    results: Results,
    *,
    kind: str = "performance",
    commentary: Commentary | None = None,
    options: ReportOptions | None = None,
) -> ReportContext:
    """The template context for one report of `kind` about one area (default: the top of the hierarchy)."""
    options = options or ReportOptions()
    builder = _Builder(results, kind, commentary, options)
    framework = results.framework
    themes = builder.themes()
    indicators = [i for t in themes for o in t.outcomes for i in o.indicators]
    counts = {s: 0 for s in icons.STATUS_LABELS}
    for ind in indicators:
        counts[ind.status.value] += 1
    total = len(indicators)
    worsening = sum(ind.direction.value == "worsening" for ind in indicators)
    concern = sum(ind.spc_signal == "special_cause_concern" for ind in indicators)
    spc_used = any(ind.variation.value for ind in indicators)
    status_counts = [
        StatusCount(s, icons.STATUS_LABELS[s], _image(icons.status_icon(s, decorative=True)), n,
                    round(100 * n / total, 1) if total else 0.0)
        for s, n in counts.items()
    ]  # fmt: skip
    national = builder.national_outcomes(themes) if kind == "annual" else []
    labels, comparisons = builder.comparisons({i.id: i for i in indicators}) if kind == "annual" else ([], [])
    sections = builder.sections() if kind == "annual" else []
    warnings = [f.message for f in results.findings if not f.is_error]
    if commentary is not None:
        warnings += [f.format() for f in commentary.findings]
    cycle = builder.cycle()
    period = builder.report_period
    year = builder.year()
    parts: dict[str, Any] = {"national_outcomes": national, "sections": sections, "warnings": warnings}
    organisation = options.organisation or _text(framework.organisation)
    period_label = year.label if kind == "annual" and year else pretty_period(_text(results.period))
    return ReportContext(
        kind=kind,
        title=options.title or (cycle.title if cycle else DEFAULT_TITLES[kind]),
        organisation=organisation, audience=_text(cycle.audience) if cycle else "",
        purpose=PURPOSES[kind].format(
            area=builder.area.name or organisation or framework.title, framework=framework.title,
            period=period_label,
        ),
        framework_id=framework.id, framework_title=framework.title, framework_version=_text(framework.version),
        period=_text(results.period),
        period_label=period_label,
        year_label=year.label if year else "", data_cutoff=long_date(period.end_date) if period else "",
        as_of=long_date(results.as_of), generated_at=options.generated_at,
        inputs_hash=(results.inputs_hash or "")[:12], area=builder.area,
        areas=[AreaView(a.id, a.name, a.level) for a in framework.areas],
        summary=summary_sentence(counts, worsening, concern if spc_used else None),
        status_counts=status_counts, total=total, worsening=worsening, special_cause_concern=concern,
        themes=themes, indicators=indicators, exceptions=_exceptions(indicators), actions=builder.actions,
        overdue_actions=[a for a in builder.actions if a.state == "overdue"],
        delivered_actions=builder.delivered(), national_outcomes=national, comparison_years=labels,
        comparisons=comparisons, sections=sections,
        missing_sections=[s for s in sections if s.required and not s.present], warnings=warnings,
        contents=_contents(kind, themes, parts),
    )  # fmt: skip


# --- documentation ---------------------------------------------------------------------------------

CONTEXT_CLASSES = (
    ReportContext, AreaView, StatusCount, ThemeView, OutcomeView, IndicatorView, Badge, PeriodRow, AreaValue,
    ActionView, ExceptionView, NationalOutcomeView, ComparisonRow, ComparisonCell, SectionView, ContentsEntry,
)  # fmt: skip


def _type_name(annotation: Any) -> str:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", repr(annotation))
    return text.replace("typing.", "")


def context_reference() -> str:
    """Markdown tables of every context field, generated from the dataclasses for docs/templates.md."""
    lines = []
    for cls in CONTEXT_CLASSES:
        doc = (
            (cls.__doc__ or "").strip().splitlines()[0]
            if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "(")
            else ""
        )
        lines += [f"### `{cls.__name__}`", ""]
        if doc:
            lines += [doc, ""]
        lines += ["| field | type | meaning |", "|---|---|---|"]
        for item in dataclasses.fields(cls):
            type_text = _type_name(item.type).replace("|", "\\|")
            lines.append(f"| `{item.name}` | `{type_text}` | {item.metadata.get('doc', '')} |")
        lines.append("")
    return "\n".join(lines)
