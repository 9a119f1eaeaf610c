"""The framework format: pydantic models for every field of a perfwatch framework file.

These models are the single definition of the YAML language. The JSON Schema (`perfwatch schema`) and the
framework reference (`docs/reference.md`) are generated from them, so every field carries a description.
Keep to constructs that draft-07 JSON Schema tools understand: no tuples, no `$schema` key.

Cross-field rules (references resolve, ids are unique, lints) live in :mod:`perfwatch.framework.load`, where
they can report the file position of the offending node.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Literal

from pydantic import Field, field_validator

from perfwatch.framework.base import (
    CONFIDENCE_LEVELS,
    ID_PATTERN,
    MONTH_NAMES,
    MONTHS,
    PERCENT_PATTERN,
    RAG,
    ActionStatus,
    Aggregation,
    BenchmarkMethod,
    CIMethod,
    DenominatorKind,
    Frequency,
    Id,
    LogicStage,
    Model,
    Month,
    MonthName,
    PeriodText,
    Polarity,
    RBACategory,
    ReportKind,
    RollUpRule,
    Status,
    Unit,
    as_text,
    month_number,
)
from perfwatch.framework.measures import (
    Benchmark,
    FingertipsSeries,
    Indicator,
    PeriodValue,
    SPCOptions,
    Target,
    TargetBand,
    Tolerance,
    ToleranceBand,
    Trajectory,
    _check_level,
)

__all__ = [
    "ActionStatus",
    "Aggregation",
    "Benchmark",
    "BenchmarkMethod",
    "CIMethod",
    "CONFIDENCE_LEVELS",
    "DenominatorKind",
    "FingertipsSeries",
    "Frequency",
    "ID_PATTERN",
    "Id",
    "Indicator",
    "LogicStage",
    "MONTHS",
    "MONTH_NAMES",
    "Model",
    "Month",
    "MonthName",
    "PERCENT_PATTERN",
    "PeriodText",
    "PeriodValue",
    "Polarity",
    "RAG",
    "RBACategory",
    "ReportKind",
    "RollUpRule",
    "SPCOptions",
    "Status",
    "Target",
    "TargetBand",
    "Tolerance",
    "ToleranceBand",
    "Trajectory",
    "Unit",
    "as_text",
    "month_number",
]


class Approval(Model):
    by: str = Field(description="Body that approved the framework, e.g. 'Falkirk Integration Joint Board'.")
    on: date = Field(description="Date of approval (YYYY-MM-DD).")
    minute: str | None = Field(None, description="Minute or paper reference for the decision.")


class Rules(Model):
    max_indicators_per_outcome: int | None = Field(
        None, ge=1, description="Lint: warn when an outcome has more indicators than this (Thurrock: 3)."
    )
    rollup: RollUpRule = Field(
        "worst",
        description="How an outcome's or theme's overall status is decided from its indicators: `worst` "
        "(any red makes it red), `majority` (the most common RAG status, ties to the worse) or `best`.",
    )
    require_owner: bool = Field(True, description="Lint: warn when an indicator has no owner.")
    require_source: bool = Field(True, description="Lint: warn when an indicator has no source.")
    require_target: bool = Field(
        True, description="Lint: warn when a judged indicator (not `no_judgement`) has no target."
    )


class Outcome(Model):
    id: Id = Field(description="Unique id of the outcome.")
    title: str = Field(min_length=1, description="What the organisation is trying to achieve.")
    description: str | None = Field(None, description="Longer statement of the outcome.")
    contributes_to: list[Id] = Field(
        default_factory=list, description="Ids of the national outcomes this contributes to (golden thread)."
    )
    statutory_function: str | None = Field(None, description="The statutory duty the outcome serves.")
    outputs: list[str] = Field(
        default_factory=list, description="Expected outputs, as the source lists them."
    )
    evidence: list[str] = Field(default_factory=list, description="Evidence sources for the outcome.")
    social_value: str | None = Field(None, description="Social impact and added value.")
    lead: str | None = Field(None, description="Who leads on the outcome.")
    priority: bool = Field(False, description="A priority outcome (subject to `rules`).")
    indicators: list[Indicator] = Field(default_factory=list, description="The outcome's indicators.")


class Theme(Model):
    id: Id = Field(description="Unique id of the theme.")
    title: str = Field(min_length=1, description="Section, domain or principle heading.")
    description: str | None = Field(None, description="What the theme covers.")
    outcomes: list[Outcome] = Field(default_factory=list, description="The theme's outcomes.")


class NationalOutcome(Model):
    id: Id = Field(description="Unique id, referenced by outcomes' `contributes_to`.")
    title: str = Field(min_length=1, description="The national outcome's wording.")
    description: str | None = Field(None, description="Longer text.")


class Area(Model):
    id: Id = Field(description="Unique id, as used in the data's `area` column.")
    name: str = Field(min_length=1, description="Name shown in reports.")
    level: str = Field(
        min_length=1, description="Geography or organisation level, e.g. nation, partnership, locality."
    )
    parent: Id | None = Field(None, description="The area this one rolls up into.")
    comparator: Id | None = Field(None, description="The area it is benchmarked against (e.g. the nation).")
    code: str | None = Field(None, description="Official code (ONS, ODS, GSS).")
    roll_up: Literal["complete", "available", "off"] = Field(
        "complete",
        description="Where this area has no data of its own, sum its children's numerators and denominators: "
        "`complete` only in periods where every child has data (a missing child never lowers a total), "
        "`available` over the children that reported (a national total of whichever providers were open), "
        "`off` never (e.g. England listed with one council, whose children are not the whole of it).",
    )


class Section(Model):
    id: Id = Field(description="Unique id within the cycle.")
    title: str = Field(min_length=1, description="Section heading.")
    required: bool = Field(True, description="The report is incomplete without this section's narrative.")
    description: str | None = Field(None, description="What the section must cover (e.g. from regulations).")


class Cycle(Model):
    id: Id = Field(description="Unique id of the reporting cycle.")
    title: str = Field(min_length=1, description="Report title.")
    kind: ReportKind = Field("performance", description="performance, annual, exception or scorecard report.")
    months: list[Month] = Field(
        default_factory=list, description="Months in which the report is due, e.g. [jul, nov, mar]."
    )
    audience: str | None = Field(None, description="Who receives the report.")
    compare_years: int = Field(5, ge=1, le=20, description="For annual reports: preceding years to compare.")
    due_months_after_year_end: int | None = Field(
        None, ge=0, le=24, description="For annual reports: months after the year end by which it is due."
    )
    lag_months: int = Field(
        1, ge=0, le=24, description="Months between the end of a period and the report that covers it."
    )
    sections: list[Section] = Field(
        default_factory=list, description="Narrative sections the report must carry."
    )


class Reporting(Model):
    cycles: list[Cycle] = Field(default_factory=list, description="The reporting cycles.")


class Milestone(Model):
    title: str = Field(min_length=1, description="What is to be achieved.")
    due: date | None = Field(None, description="When.")
    done: bool = Field(False, description="Achieved.")


class Action(Model):
    id: Id = Field(description="Unique id of the action.")
    title: str = Field(min_length=1, description="What will be done.")
    outcome: Id | None = Field(None, description="The outcome it delivers.")
    indicators: list[Id] = Field(default_factory=list, description="Indicators it is meant to move.")
    area: Id | None = Field(
        None,
        description="The area it is for: shown in that area's reports and its sub-areas' (none: every report).",
    )
    owner: str | None = Field(None, description="Who is responsible.")
    due: date | None = Field(None, description="Deadline.")
    status: ActionStatus = Field("not_started", description="Where the action stands.")
    completed: date | None = Field(None, description="Date completed, for done actions.")
    milestones: list[Milestone] = Field(default_factory=list, description="Milestones on the way.")
    notes: str | None = Field(None, description="Progress notes.")


class Defaults(Model):
    tolerance: Tolerance | None = Field(None, description="Default tolerance for every indicator.")
    confidence: float = Field(
        0.95,
        description="Confidence level for intervals and comparisons: 0.95 or 0.998.",
        json_schema_extra={"enum": list(CONFIDENCE_LEVELS)},
    )
    spc: SPCOptions | None = Field(None, description="Default SPC settings, merged under each indicator's.")
    benchmark: Benchmark | None = Field(None, description="Default benchmarking method.")
    small_numbers: int = Field(
        5, ge=0, description="Counts below this are suppressed in published output (0 turns it off)."
    )
    due_soon_days: int = Field(30, ge=0, description="Actions due within this many days are `due_soon`.")

    @field_validator("confidence")
    @classmethod
    def _check_confidence(cls, value: float) -> float:
        checked = _check_level(value)
        assert checked is not None
        return checked


class Framework(Model):
    perfwatch: Literal[1] = Field(description="Version of the perfwatch framework format (1).")
    id: Id = Field(description="Short id of the framework.")
    title: str = Field(min_length=1, description="Full title of the framework.")
    organisation: str | None = Field(None, description="Organisation(s) the framework belongs to.")
    version: str | None = Field(None, description="Version of this framework, e.g. '2016.1'.")
    description: str | None = Field(None, description="Purpose and scope.")
    source: str | None = Field(None, description="The document the framework was written from.")
    approved: list[Approval] = Field(default_factory=list, description="Approvals of the framework.")
    review_date: date | None = Field(None, description="When the framework is due for review.")
    year_start: Month = Field(
        "april", description="First month of the reporting year (april for UK financial years)."
    )
    rules: Rules = Field(default_factory=Rules, description="The framework's own rules, checked as lints.")
    defaults: Defaults = Field(default_factory=Defaults, description="Defaults for every indicator.")
    areas: list[Area] = Field(
        default_factory=list, description="Areas reported on, with levels and comparators."
    )
    national_outcomes: list[NationalOutcome] = Field(
        default_factory=list, description="National outcomes local outcomes contribute to."
    )
    themes: list[Theme] = Field(
        default_factory=list, description="Themes, each with outcomes and indicators."
    )
    reporting: Reporting = Field(default_factory=Reporting, description="Reporting cycles.")
    actions: list[Action] = Field(default_factory=list, description="Delivery-plan actions.")

    @property
    def year_start_month(self) -> int:
        return month_number(self.year_start)

    @cached_property
    def outcomes(self) -> dict[str, Outcome]:
        return {o.id: o for t in self.themes for o in t.outcomes}

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.id: i for t in self.themes for o in t.outcomes for i in o.indicators}

    @cached_property
    def indicator_outcome(self) -> dict[str, str]:
        """Indicator id → outcome id."""
        return {i.id: o.id for t in self.themes for o in t.outcomes for i in o.indicators}

    @cached_property
    def outcome_theme(self) -> dict[str, str]:
        """Outcome id → theme id."""
        return {o.id: t.id for t in self.themes for o in t.outcomes}

    @cached_property
    def area_map(self) -> dict[str, Area]:
        return {a.id: a for a in self.areas}

    def cycle(self, cycle_id: str) -> Cycle | None:
        return next((c for c in self.reporting.cycles if c.id == cycle_id), None)
