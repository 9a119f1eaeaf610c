"""The framework format: pydantic models for every field of a perfwatch framework file.

These models are the single definition of the YAML language. The JSON Schema (`perfwatch schema`) and the
framework reference (`docs/reference.md`) are generated from them, so every field carries a description.
Keep to constructs that draft-07 JSON Schema tools understand: no tuples, no `$schema` key.

Cross-field rules (references resolve, ids are unique, lints) live in :mod:`perfwatch.framework.load`, where
they can report the file position of the offending node.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from perfwatch.vocabulary import RATED_STATUSES, REPORT_KINDS, STATUSES

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

MonthName = Literal[
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
]  # fmt: skip

Unit = Literal[
    "count", "percentage", "proportion", "rate", "ratio", "mean", "currency", "days", "number",
    "yes_no", "judgement",
]  # fmt: skip
Polarity = Literal["higher_is_better", "lower_is_better", "no_judgement"]
RBACategory = Literal["how_much", "how_well", "better_off"]
LogicStage = Literal["input", "process", "output", "outcome"]
Frequency = Literal["monthly", "quarterly", "annual", "biennial"]
Aggregation = Literal["sum", "ratio", "mean", "last"]
DenominatorKind = Literal["population", "events"]
CIMethod = Literal["wilson", "poisson", "dobson", "isr", "mean", "none"]
BenchmarkMethod = Literal["ci_contains_comparator", "two_level", "overlap", "quintiles", "none"]
Status = Literal[STATUSES]
RAG = Literal[RATED_STATUSES]
ReportKind = Literal[REPORT_KINDS]
ActionStatus = Literal["not_started", "in_progress", "done", "cancelled", "on_hold"]
RollUpRule = Literal["worst", "majority", "best"]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
PERCENT_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def month_number(name: str) -> int:
    """1 for January ... 12 for December, from a full or three-letter month name."""
    return MONTHS.index(name.lower()[:3]) + 1


def as_text(value: Any) -> Any:
    """Periods and ids are text, but YAML reads `2023` as a number: accept it and keep its spelling."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    return value


def _keys_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {as_text(k): v for k, v in value.items()}
    return value


Id = Annotated[str, BeforeValidator(as_text), Field(pattern=ID_PATTERN, min_length=1, max_length=80)]
PeriodText = Annotated[
    str,
    BeforeValidator(as_text),
    Field(min_length=1, max_length=40, examples=["2023/24", "Q2 2024/25", "2024-09"]),
]


class Model(BaseModel):
    """Base for every framework model: unknown keys are errors, values are not silently retyped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_attribute_docstrings=False)


class Approval(Model):
    by: str = Field(description="Body that approved the framework, e.g. 'Falkirk Integration Joint Board'.")
    on: date = Field(description="Date of approval (YYYY-MM-DD).")
    minute: str | None = Field(None, description="Minute or paper reference for the decision.")


class ToleranceBand(Model):
    amber: float | str = Field(
        description="How far a result may miss its target and still be amber: an absolute amount in the "
        "indicator's unit (`2` = 2 points) or relative to the target (`'5%'` = within 5% of the target).",
        examples=[2, "5%"],
    )

    @field_validator("amber")
    @classmethod
    def _check_amber(cls, value: float | str) -> float | str:
        if isinstance(value, str):
            if not PERCENT_PATTERN.match(value):
                raise ValueError(
                    f"tolerance must be a number in the indicator's unit (e.g. 2) or a percentage of the "
                    f"target written with % (e.g. '5%'), not {value!r}"
                )
        elif value < 0:
            raise ValueError("tolerance cannot be negative")
        return value

    @property
    def is_relative(self) -> bool:
        return isinstance(self.amber, str)

    @property
    def amount(self) -> float:
        """The absolute amount, or the relative fraction (0.05 for '5%')."""
        if isinstance(self.amber, str):
            match = PERCENT_PATTERN.match(self.amber)
            assert match is not None
            return float(match.group(1)) / 100
        return float(self.amber)


class Tolerance(ToleranceBand):
    """A tolerance, optionally different per area level: `{amber: 2, locality: {amber: 4}}`."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, ToleranceBand] = Field(init=False)

    def for_level(self, level: str | None) -> ToleranceBand:
        extra = self.__pydantic_extra__ or {}
        if level is not None and level in extra:
            return extra[level]
        return ToleranceBand(amber=self.amber)

    @property
    def levels(self) -> dict[str, ToleranceBand]:
        return dict(self.__pydantic_extra__ or {})


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


class SPCOptions(Model):
    enabled: bool = Field(False, description="Run statistical process control (XmR, Making Data Count).")
    rebase: list[PeriodText] = Field(
        default_factory=list,
        description="Periods at which the process changed for a known reason: limits are recalculated from "
        "each of these periods onwards (the period itself is the first point of the new group).",
    )
    fix_after: int | None = Field(
        None, ge=12, description="Fix the mean and limits on the first n points of each group (at least 12)."
    )
    screen_outliers: bool = Field(
        True,
        description="Drop moving ranges of 3.267 × the mean moving range or more before computing limits "
        "(NHSRplotthedots default); `false` matches the Making Data Count Excel tool.",
    )
    two_in_three_counts_outside: bool = Field(
        False,
        description="Count points beyond the process limits towards the 2-of-3 rule (MDC guidance, 2023).",
    )
    run_length: Literal[6, 7] = Field(7, description="Points in a run or trend that signal special cause.")
    min_points: int = Field(
        0,
        ge=0,
        description="Below this many points no limits or icons are shown; from there to 12 points the "
        "limits are shown as trial limits.",
    )


class Benchmark(Model):
    method: BenchmarkMethod = Field(
        "ci_contains_comparator",
        description="How the area is compared with its comparator: `ci_contains_comparator` (similar when "
        "the comparator's value lies in the area's interval; Fingertips), `two_level` (graded at 95% and "
        "99.8%), `overlap` (the two intervals overlap), `quintiles` (rank among peer areas), `none`.",
    )
    comparator: Id | None = Field(
        None, description="Area to compare with, instead of each area's own `comparator`."
    )
    confidence: float | None = Field(
        None, description="Confidence level for the comparison: 0.95 or 0.998 (default: the indicator's)."
    )

    @field_validator("confidence")
    @classmethod
    def _check_confidence(cls, value: float | None) -> float | None:
        return _check_level(value)


def _check_level(value: float | None) -> float | None:
    if value is None:
        return None
    if value in (95, 99.8):
        raise ValueError(f"confidence is a share between 0 and 1: write {value / 100:g}, not {value:g}")
    if value not in (0.95, 0.998):
        raise ValueError("confidence must be 0.95 or 0.998 (95% or 99.8%)")
    return value


def _finite(value: Any) -> Any:
    """Targets and multipliers are finite numbers: `.nan`, `.inf` and `1e309` (read as infinity) are not."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"must be a finite number, not {value}; write the number itself (e.g. 85 or 100000)")
    return value


class PeriodValue(Model):
    period: PeriodText = Field(description="The period, as written in the data (e.g. 2012/13).")
    value: float | str = Field(description="The value in that period (a number, or a scale level).")

    @field_validator("value")
    @classmethod
    def _finite_value(cls, value: float | str) -> float | str:
        return _finite(value)


class Trajectory(Model):
    start: PeriodValue = Field(
        alias="from", description="Where the trajectory starts (defaults to the indicator's baseline)."
    )
    end: PeriodValue = Field(alias="to", description="The target value and the period by which to reach it.")


class TargetBand(Model):
    """A target for one area level (or, in `Target`, for every level without its own)."""

    value: float | str | None = Field(
        None,
        description="A constant target for every period (a number; `yes` for a yes/no indicator; a scale "
        "level for a judgement).",
    )
    by_period: dict[PeriodText, float | str] | None = Field(
        None, description="A target per period, e.g. `{2022/23: 84, 2023/24: 85}`."
    )
    trajectory: Trajectory | None = Field(
        None,
        description="A straight line from a starting value to a target value, interpolated per period.",
    )
    year_to_date: bool = Field(
        False,
        description="The target is an annual total (counts): for monthly or quarterly data compare the "
        "year-to-date total with the share of the annual target due by then (24 a year is 12 by September).",
    )
    description: str | None = Field(None, description="The target as the source document words it.")

    @model_validator(mode="before")
    @classmethod
    def _period_keys_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and "by_period" in data:
            return {**data, "by_period": _keys_as_text(data["by_period"])}
        return data

    @field_validator("value")
    @classmethod
    def _finite_value(cls, value: float | str | None) -> float | str | None:
        return _finite(value)

    @field_validator("by_period")
    @classmethod
    def _finite_by_period(cls, value: dict[str, float | str] | None) -> dict[str, float | str] | None:
        for each in (value or {}).values():
            _finite(each)
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> TargetBand:
        kinds = self._kinds()
        if len(kinds) != 1:
            raise ValueError(
                "a target needs exactly one of `value`, `by_period` or `trajectory`"
                + (f", not {' and '.join(kinds)}" if kinds else "")
            )
        return self

    def _kinds(self) -> list[str]:
        return [k for k in ("value", "by_period", "trajectory") if getattr(self, k) is not None]

    @property
    def is_set(self) -> bool:
        return bool(self._kinds())


class Target(TargetBand):
    """A target, optionally different per area level, shaped like a tolerance:
    `{value: 8, year_to_date: true, county: {value: 24, year_to_date: true}}`. Each area is judged against
    its own level's target; levels without one take the target's own `value`/`by_period`/`trajectory`, and
    when the target has none of its own (`{district: {value: 8}}`) those levels have no target."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, TargetBand] = Field(init=False)

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        kinds = self._kinds()
        if len(kinds) > 1 or (not kinds and not self.levels):
            raise ValueError(
                "a target needs exactly one of `value`, `by_period` or `trajectory` (or a target per area "
                "level, e.g. `county: {value: 24}`)" + (f", not {' and '.join(kinds)}" if kinds else "")
            )
        return self

    @property
    def levels(self) -> dict[str, TargetBand]:
        return dict(self.__pydantic_extra__ or {})

    def for_level(self, level: str | None) -> TargetBand | None:
        """The target areas at `level` are judged against (None: that level has no target)."""
        if level is not None and level in self.levels:
            return self.levels[level]
        return self if self.is_set else None

    @property
    def any_year_to_date(self) -> bool:
        return self.year_to_date or any(band.year_to_date for band in self.levels.values())


class Indicator(Model):
    id: Id = Field(description="Unique id of the indicator, as used in the data's `indicator` column.")
    title: str = Field(min_length=1, description="What is measured, in words a board member understands.")
    description: str | None = Field(None, description="Longer definition: what is counted and how.")
    unit: Unit = Field(
        description="`count`, `percentage` (0–100), `proportion` (0–1), `rate` (per `per`), `ratio`, "
        "`mean`, `currency`, `days`, `number`, `yes_no` (achieved or not) or `judgement` (a level on `scale`)."
    )
    per: float | None = Field(
        None, gt=0, description="Multiplier for rates and percentages: 100, 1000, 100000 ..."
    )
    decimals: int | None = Field(None, ge=0, le=6, description="Decimal places to show in reports.")
    polarity: Polarity = Field(
        description="`higher_is_better`, `lower_is_better`, or `no_judgement` (context only: no RAG)."
    )
    rba: RBACategory | None = Field(
        None, description="Results-based accountability: `how_much`, `how_well` or `better_off`."
    )
    stage: LogicStage | None = Field(None, description="Logic model stage: input, process, output, outcome.")
    frequency: Frequency | None = Field(
        None, description="How often new data arrives: monthly, quarterly, annual, biennial."
    )
    aggregation: Aggregation | None = Field(
        None,
        description="How sub-annual data rolls up to a year: `sum` (counts), `ratio` (sum numerators and "
        "denominators), `mean` or `last`. Default: from the unit.",
    )
    denominator: DenominatorKind | None = Field(
        None,
        description="What the denominator counts, which decides how sub-annual data roll up to a year: "
        "`population` (a stock, e.g. adults resident: the year's denominator is the mean of its periods' "
        "populations, never their sum) or `events` (a flow, e.g. attendances: summed over the periods). "
        "Default: `population` for rates, `events` for every other unit. Areas always sum both upward.",
    )
    source: str | None = Field(None, description="Where the data comes from (system, survey, return).")
    owner: str | None = Field(None, description="Who is accountable for the indicator (a role).")
    baseline: PeriodValue | None = Field(None, description="The starting point: a period and its value.")
    target: Target | None = Field(None, description="What the indicator should reach.")
    tolerance: Tolerance | None = Field(
        None, description="Band around the target that makes a miss amber rather than red."
    )
    ci: CIMethod | None = Field(
        None,
        description="Confidence interval method: wilson (proportions), poisson (rates and counts), dobson "
        "(directly standardised rates), isr, mean, none. Default: from the unit.",
    )
    confidence: float | None = Field(
        None, description="Confidence level, 0.95 or 0.998 (default: framework's)."
    )
    benchmark: Benchmark | None = Field(None, description="How to compare areas with their comparator.")
    spc: SPCOptions | None = Field(None, description="Statistical process control settings.")
    scale: list[str] | None = Field(
        None,
        description="For `unit: judgement`: the ordered levels, worst first, e.g. [not_met, partly_met, met].",
    )
    scale_status: dict[str, RAG] | None = Field(
        None,
        description="For `unit: judgement`: the RAG status of each level (default: worst red, best green, "
        "the rest amber).",
    )
    standard_population: dict[str, float] | None = Field(
        None,
        description="For `ci: dobson`: weights per band; default the European Standard Population 2013, "
        "restricted to the bands in the data.",
    )
    key: bool = Field(True, description="A key indicator, shown in the annual report's 5-year comparison.")
    under_development: bool = Field(
        False, description="Defined but not yet reported: shown as under development, never RAG-rated."
    )
    national_id: str | None = Field(
        None, description="The indicator's number in a national set, e.g. 'NI-2'."
    )
    notes: str | None = Field(None, description="Caveats, definitions changes, interpretation notes.")

    @field_validator("confidence")
    @classmethod
    def _check_confidence(cls, value: float | None) -> float | None:
        return _check_level(value)

    @field_validator("per")
    @classmethod
    def _finite_per(cls, value: float | None) -> float | None:
        return _finite(value)

    @property
    def effective_aggregation(self) -> Aggregation:
        if self.aggregation:
            return self.aggregation
        if self.unit in ("count", "currency"):
            return "sum"
        if self.unit in ("percentage", "proportion", "rate", "ratio"):
            return "ratio"
        if self.unit in ("yes_no", "judgement"):
            return "last"
        return "mean"

    @property
    def effective_denominator(self) -> DenominatorKind:
        """Rates are per head of a population unless the framework says the denominator counts events."""
        if self.denominator:
            return self.denominator
        return "population" if self.unit == "rate" else "events"

    @property
    def effective_per(self) -> float:
        """The multiplier from numerator/denominator to value."""
        if self.per is not None:
            return self.per
        return {"percentage": 100.0, "rate": 100000.0}.get(self.unit, 1.0)

    @property
    def effective_ci(self) -> CIMethod:
        if self.ci:
            return self.ci
        return {"percentage": "wilson", "proportion": "wilson", "rate": "poisson", "count": "poisson"}.get(
            self.unit, "none"
        )

    @property
    def is_numeric(self) -> bool:
        return self.unit not in ("yes_no", "judgement")


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
    months: list[MonthName] = Field(
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
        0.95, description="Confidence level for intervals and comparisons: 0.95 or 0.998."
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
    year_start: MonthName = Field(
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
