"""The typed context a report template receives: one dataclass per view, each field documented. The
templates lay out only what is here; `docs/templates.md` lists every field, generated from these classes by
`context_reference()`, so it cannot drift.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

if typing.TYPE_CHECKING:
    from perfwatch.render.charts import Chart


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
    value: str = _doc(
        "Formatted value (`81.2%`, `£1,200`, `Yes`, `—` when missing). Where the target is year to date: `12 year to date (2 this quarter)`."
    )
    target: str = _doc("Formatted target (`—` when none).")
    status: Badge = _doc("Status badge of the period.")
    ci: str = _doc(
        "Confidence interval as `77.1% to 80.2%`, or ''. Beside a year-to-date value: `2 to 13 (this quarter)`."
    )
    flag: str = _doc("Data-quality flag (`provisional`, `partial` ...), or ''.")


@dataclass(frozen=True)
class AreaValue:
    """The indicator's latest value in one area, for the area comparison table."""

    area_id: str = _doc("Area id.")
    name: str = _doc("Area name.")
    period: str = _doc("Period of the value.")
    value: str = _doc(
        "Formatted value. Where the target is year to date: `12 year to date (2 this quarter)`."
    )
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
    value: str = _doc(
        "Latest value, formatted. Where the target is year to date: `12 year to date (2 this quarter)`."
    )
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
    actions: list[ActionView] = _doc(
        "Actions that name the indicator, then its outcome's actions that name no indicator (outcome actions)."
    )
    own_actions: list[ActionView] = _doc(
        "Actions that name this indicator (the outcome's other actions are shown once, with the outcome)."
    )
    baseline: str = _doc("The framework's baseline, `82.0% in 2013/14`, or ''.", default="")
    rba: str = _doc(
        "Results-based accountability question in words (`Is anyone better off?`), or ''.", default=""
    )
    stage: str = _doc("Logic model stage in words (`Outcome`), or ''.", default="")
    counts: str = _doc("The latest value's numerator and denominator, `1,590 of 2,000`, or ''.", default="")


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
    statutory_function: str = _doc("The statutory duty the outcome serves, or ''.", default="")
    evidence: list[str] = _doc("Evidence sources for the outcome.", default_factory=list)
    social_value: str = _doc("Social impact and added value, or ''.", default="")


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
class MatrixCell:
    indicators: list[IndicatorView] = _doc("The indicators in this cell, in framework order.")


@dataclass(frozen=True)
class MatrixRow:
    assurance: Badge = _doc(
        "The row's assurance (`consistent_pass`, `inconsistent`, `consistent_fail`, `none`)."
    )
    cells: list[MatrixCell] = _doc("One cell per column of `SpcMatrix.columns`.")


@dataclass(frozen=True)
class SpcMatrix:
    """The Making Data Count summary: every SPC indicator placed by its variation and its assurance."""

    columns: list[Badge] = _doc("Variation headings: improvement, common cause, concern, neutral.")
    rows: list[MatrixRow] = _doc("Assurance rows: passing, hit and miss, failing, no target.")
    total: int = _doc("Indicators with SPC in the matrix.")


@dataclass(frozen=True)
class IconKeyEntry:
    """One icon the report shows and what it means."""

    group: str = _doc(
        "What it marks: `Status`, `Direction`, `Recent trend`, `Benchmark`, `SPC variation` ..."
    )
    icon: Markup = _doc("The icon (decorative; the meaning follows it).")
    meaning: str = _doc("Its meaning in words.")


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
    top_exceptions: list[ExceptionView] = _doc(
        "The exceptions a board sees first: off target (red) or a special cause of concern."
    )
    spc_matrix: SpcMatrix | None = _doc("The Making Data Count matrix, or None when no indicator has SPC.")
    icon_key: list[IconKeyEntry] = _doc("Every icon the report's indicators show, with its meaning.")
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


# --- documentation ---------------------------------------------------------------------------------

CONTEXT_CLASSES = (
    ReportContext, AreaView, StatusCount, ThemeView, OutcomeView, IndicatorView, Badge, PeriodRow, AreaValue,
    ActionView, ExceptionView, SpcMatrix, MatrixRow, MatrixCell, IconKeyEntry, NationalOutcomeView,
    ComparisonRow, ComparisonCell, SectionView, ContentsEntry,
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
