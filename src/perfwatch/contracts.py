"""The frames handed from stage to stage, declared once: their columns, dtypes and what each reveals.

`MAPPED` is one data table in canonical columns, as mapping hands it to the checks; `OBSERVATIONS` is
what the data stage hands evaluation (`data/load.py` → `evaluate/engine.py`); `RESULTS` is
the results table evaluation hands publishing and rendering (`Results.table`). A frame is checked where it
crosses a stage boundary (`FrameContract.check`: column names and dtype kinds, no copy, microseconds), so a
stage that drops or retypes a column fails at the hand-off, named, rather than three modules later.

Everything that lists columns derives from these declarations: the export contract and the table's column
order (`evaluate/results.py`), the observations' columns (`data/observations.py`), and what small-number
suppression hides (`publish/suppression.py`, from each column's `reveals`). Standard library only: pandas is
imported when a frame is checked, never when this module is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas as pd

#: label: words or ids (object, string or categorical); number: int or float; integer; flag: bool; raw: a
#: cell as the file held it, any dtype.
Kind = Literal["label", "number", "integer", "flag", "raw"]
#: What a column gives away about a suppressed count: the count itself or something it can be worked back
#: from ("count"), or a statistic of the whole series the count belongs to ("series").
Reveals = Literal["", "count", "series"]
#: contract: the results export (DESIGN §6); extra: documented, not exported; internal: for the summaries
#: and renderers only.
Role = Literal["contract", "extra", "internal"]


class ContractError(RuntimeError):
    """A frame crossed a stage boundary without the columns its contract declares: a bug, not an input."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    reveals: Reveals = ""
    role: Role = "contract"
    #: False for a contract column written on demand rather than carried in the frame (`reason`).
    stored: bool = True


@dataclass(frozen=True)
class FrameContract:
    """A frame's declared columns, in order."""

    name: str
    columns: tuple[Column, ...]

    def names(self, role: Role | None = None, *, stored: bool = True) -> list[str]:
        """Column names in order: all stored ones, or those of one role (with `stored=False`, also the
        columns written on demand)."""
        return [c.name for c in self.columns if (role is None or c.role == role) and (c.stored or not stored)]

    def revealing(self, what: Reveals, kind: Kind | None = None) -> list[str]:
        """The stored columns that reveal `what` (optionally only those of one kind)."""
        return [c.name for c in self.columns if c.reveals == what and c.stored and kind in (None, c.kind)]

    def check(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        """`frame`, unchanged, if it has every stored column with a dtype of the declared kind.

        An empty frame's dtypes say nothing about its values, so only its column names are checked.
        """
        missing = [c.name for c in self.columns if c.stored and c.name not in frame.columns]
        wrong = []
        if len(frame):
            dtypes = frame.dtypes
            wrong = [
                f"{c.name} ({dtypes[c.name]}, not {c.kind})"
                for c in self.columns
                if c.stored and c.name in frame.columns and not _is_kind(dtypes[c.name], c.kind)
            ]
        if missing or wrong:
            problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
                [f"wrong dtype: {', '.join(wrong)}"] if wrong else []
            )
            raise ContractError(f"{where}: the {self.name} frame breaks its contract: {'; '.join(problems)}")
        return frame


def _is_kind(dtype, kind: Kind) -> bool:
    from pandas.api import types

    if kind == "label":
        return (
            types.is_object_dtype(dtype)
            or types.is_string_dtype(dtype)
            or isinstance(dtype, types.CategoricalDtype)
        )
    if kind == "raw":
        return True
    if kind == "flag":
        return types.is_bool_dtype(dtype)
    if kind == "integer":
        return types.is_integer_dtype(dtype)
    return types.is_numeric_dtype(dtype) and not types.is_bool_dtype(dtype)


def _columns(kind: Kind, names: str, **declared) -> tuple[Column, ...]:
    return tuple(Column(name, kind, **declared) for name in names.split())


#: One data table mapped to the canonical columns (`data/mapping.py` → `data/checks.py`): every numeric column
#: with its missing reasons, the raw cells the checks quote, and where each row came from.
MAPPED = FrameContract(
    "mapped",
    (
        *_columns("label", "indicator area period"),
        *_columns("integer", "period_start period_months"),
        *_columns("raw", "period_raw"),
        *_columns("flag", "period_failed"),
        *_columns("label", "band"),
        *(c for name in "value numerator denominator ci_lower ci_upper".split()
          for c in (Column(name, "number"), Column(f"{name}_missing", "label"))),
        *_columns("raw", "value_raw"),
        *_columns("flag", "value_percent"),
        *_columns("label", "flag note source file"),
        *_columns("integer", "row"),
    ),
)  # fmt: skip

#: The canonical long table of observations: one row per indicator × area × period × band, as read.
OBSERVATIONS = FrameContract(
    "observations",
    (
        *_columns("label", "indicator area period"),
        *_columns("integer", "period_start period_months"),
        *_columns("label", "band"),
        *_columns("number", "value"),
        *_columns("label", "value_text"),
        *_columns("number", "numerator denominator ci_lower ci_upper"),
        *_columns("label", "missing flag note source"),
        *_columns("integer", "row"),
    ),
)

#: The results table: one row per indicator × area × period (and roll-ups), contract columns first.
RESULTS = FrameContract(
    "results",
    (
        *_columns("label", "indicator area period"),
        *_columns("number", "value numerator", reveals="count"),
        *_columns("number", "denominator target"),
        *_columns("label", "status"),
        Column("reason", "label", stored=False),
        *_columns("label", "direction direction_yoy trend"),
        *_columns("number", "ci_lower ci_upper", reveals="count"),
        *_columns("label", "benchmark"),
        *_columns("number", "spc_mean spc_lower spc_upper", reveals="series"),
        *_columns("label", "spc_signal spc_rule variation assurance", reveals="series"),
        *_columns("integer", "period_start period_months", role="extra"),
        *_columns("label", "value_text outcome theme level missing flag note", role="extra"),
        *_columns("number", "tolerance", role="extra"),
        *_columns("label", "comparator", role="extra"),
        *_columns("number", "comparator_value", role="extra"),
        *_columns("number", "rank", reveals="count", role="extra"),
        *_columns("number", "rank_of", role="extra"),
        *_columns("number", "quintile", reveals="count", role="extra"),
        *_columns("flag", "spc_trial", role="extra"),
        *_columns("number", "spc_group", role="extra"),
        *_columns("label", "ci_method", role="extra"),
        *_columns("flag", "native", role="internal"),
        *_columns("label", "target_text", role="internal"),
        *_columns(
            "number",
            "ci95_lower ci95_upper ci998_lower ci998_upper compared_value gap",
            reveals="count",
            role="internal",
        ),  # fmt: skip
        *_columns("flag", "ytd", role="internal"),
        *_columns("label", "spc_text", reveals="series", role="internal"),
    ),
)
