"""What an indicator is measured against: tolerances, targets (per period, trajectory and per area level),
SPC and benchmark options, Fingertips series, and the indicator itself (re-exported by `framework/model.py`)."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from perfwatch.framework.base import (
    _CASE_INSENSITIVE,
    CONFIDENCE_LEVELS,
    PERCENT_PATTERN,
    RAG,
    Aggregation,
    BenchmarkMethod,
    CIMethod,
    DenominatorKind,
    Frequency,
    Id,
    LogicStage,
    Model,
    PeriodText,
    Polarity,
    RBACategory,
    Unit,
    _keys_as_text,
)


class ToleranceBand(Model):
    amber: float | str = Field(
        description="How far a result may miss its target and still be amber: an absolute amount in the "
        "indicator's unit (`2` = 2 points) or relative to the target (`'5%'` = within 5% of the target).",
        examples=[2, "5%"],
        json_schema_extra={
            "anyOf": [
                {"type": "number", "minimum": 0},
                {"type": "string", "pattern": PERCENT_PATTERN.pattern},
            ]
        },
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
        None,
        description="Confidence level for the comparison: 0.95 or 0.998 (default: the indicator's).",
        json_schema_extra={"enum": [*CONFIDENCE_LEVELS, None]},
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

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": [kind]} for kind in ("value", "by_period", "trajectory")]}
    )

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

    model_config = ConfigDict(
        extra="allow",
        # At most one kind of its own; none is fine when levels carry their own targets.
        json_schema_extra={
            "not": {
                "anyOf": [
                    {"required": list(pair)}
                    for pair in (("value", "by_period"), ("value", "trajectory"), ("by_period", "trajectory"))
                ]
            }
        },
    )
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
    unit: Annotated[Unit, _CASE_INSENSITIVE] = Field(
        description="`count`, `percentage` (0–100), `proportion` (0–1), `rate` (per `per`), `ratio`, "
        "`mean`, `currency`, `days`, `number`, `yes_no` (achieved or not) or `judgement` (a level on `scale`)."
    )
    per: float | None = Field(
        None, gt=0, description="Multiplier for rates and percentages: 100, 1000, 100000 ..."
    )
    decimals: int | None = Field(None, ge=0, le=6, description="Decimal places to show in reports.")
    polarity: Annotated[Polarity, _CASE_INSENSITIVE] = Field(
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
        None,
        description="Confidence level, 0.95 or 0.998 (default: framework's).",
        json_schema_extra={"enum": [*CONFIDENCE_LEVELS, None]},
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
    fingertips: int | FingertipsSeries | None = Field(
        None,
        description="The Fingertips (OHID) indicator this is, read from a Fingertips export with no mapping: "
        "an ID (`93085`), or `{id: 90366, sex: Male, age: All ages}` where one ID carries several series.",
    )
    lag: int | str | None = Field(
        None,
        description="Publication lag: how long after a period ends its data is published, e.g. `15 months` "
        "or `2 years` (a number is months). Staleness is judged from when data could exist.",
    )
    gaps: list[PeriodText] = Field(
        default_factory=list,
        description="Periods known to have no data (e.g. `[2020/21]`, a collection paused): not reported "
        "as missing.",
    )

    @field_validator("lag")
    @classmethod
    def _check_lag(cls, value: int | str | None) -> int | str | None:
        if isinstance(value, str) and not _LAG.match(value):
            raise ValueError("write a lag as a number of months or years, e.g. `15 months` or `2 years`")
        if isinstance(value, int) and value < 0:
            raise ValueError("a publication lag cannot be negative")
        return value

    @property
    def lag_months(self) -> int:
        """The publication lag in months (0 when none is declared)."""
        if self.lag is None:
            return 0
        if isinstance(self.lag, int):
            return self.lag
        number, word = _LAG.match(self.lag).groups()  # type: ignore[union-attr]
        return int(number) * (12 if word and word.lower().startswith("year") else 1)

    @property
    def fingertips_series(self) -> FingertipsSeries | None:
        """`fingertips:` as a series, whichever way it was written."""
        if isinstance(self.fingertips, int):
            return FingertipsSeries(id=self.fingertips)
        return self.fingertips

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


_LAG = re.compile(r"^\s*(\d+)\s*(month|months|year|years)?\s*$", re.IGNORECASE)


class FingertipsSeries(Model):
    """One series of a Fingertips indicator, where its ID carries several (by sex, age or category)."""

    id: int = Field(ge=1, description="The Fingertips indicator ID (the `Indicator ID` column).")
    sex: str | None = Field(None, description="The `Sex` column's value, e.g. `Male`, `Female`, `Persons`.")
    age: str | None = Field(None, description="The `Age` column's value, e.g. `All ages`, `65+ yrs`.")
    category_type: str | None = Field(
        None,
        description="An inequality breakdown's `Category Type` (e.g. a deprivation decile set); default: "
        "none, the indicator's own value.",
    )
    category: str | None = Field(
        None, description="The breakdown's `Category` (e.g. `Most deprived decile`), with `category_type`."
    )

    @model_validator(mode="after")
    def _category_with_type(self) -> FingertipsSeries:
        if (self.category is None) != (self.category_type is None):
            raise ValueError("give `category_type` and `category` together (a breakdown is named by both)")
        return self
