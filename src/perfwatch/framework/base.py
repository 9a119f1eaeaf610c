"""The framework format's building blocks: the vocabularies as types, the words it accepts case-insensitively,
and the `Model` base every framework model shares (`framework/model.py`, `framework/measures.py`)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

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

CONFIDENCE_LEVELS = (0.95, 0.998)
"""The levels `confidence` accepts, as a share (95 and 99.8 are refused with the share to write)."""

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


def _lower_word(value: Any) -> Any:
    """`April`, `Dec`, `Percentage`, `Higher_Is_Better` mean what their lower-case spelling means."""
    return value.strip().lower() if isinstance(value, str) else value


_CASE_INSENSITIVE = BeforeValidator(_lower_word)
Month = Annotated[MonthName, _CASE_INSENSITIVE]

Id = Annotated[str, BeforeValidator(as_text), Field(pattern=ID_PATTERN, min_length=1, max_length=80)]
PeriodText = Annotated[
    str,
    BeforeValidator(as_text),
    Field(min_length=1, max_length=40, examples=["2023/24", "Q2 2024/25", "2024-09"]),
]


class Model(BaseModel):
    """Base for every framework model: unknown keys are errors, values are not silently retyped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_attribute_docstrings=False)
