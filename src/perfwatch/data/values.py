"""Cleaning the numbers analysts type: `95%`, `1,234`, `(12)`, `£1,200`, and the many ways to say "missing".

A missing value is never zero: it is NaN with a reason, `suppressed` (small-number suppression markers such
as `*`, `c`, `<5`, `[c]`), `not_available` (`n/a`, `-`, an empty cell) or `error` (Excel's `#DIV/0!` and
friends, or text that is not a number at all). Text columns are cleaned by distinct value, so a million rows
of a few markers cost a few regular-expression passes, and numeric columns pass straight through.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from perfwatch.errors import closest

SUPPRESSED = "suppressed"
NOT_AVAILABLE = "not_available"
ERROR = "error"
MISSING_REASONS = ("", SUPPRESSED, NOT_AVAILABLE, ERROR)

SUPPRESSION_MARKERS = frozenset(
    {"*", "**", "***", "c", "[c]", "..", ":", "x", "[x]", "[z]", "~", "[low]", "s", "supp", "suppressed"}
)
NOT_AVAILABLE_MARKERS = frozenset(
    {"", "n/a", "na", "n.a.", "n.a", "-", "--", "\u2014", "\u2013", "nan", "none", "null", "not available",
     "no data", "nil return"}
)  # fmt: skip
EXCEL_ERRORS = re.compile(
    r"^#(?:div/0!|n/a|value!|ref!|num!|name\?|null!|getting_data|spill!|calc!|field!|blocked!|unknown!)$"
)
_PLAIN_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
"""A number written plainly (`12`, `-0.5`, `1e3`): most cells of a text column, read without the full parse."""
_BELOW_THRESHOLD = re.compile(r"^<\s*\d+(?:\.\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_LOOSE_SPACES = re.compile(r"(?<!\d)[\s\u00a0\u2009\u202f]+|[\s\u00a0\u2009\u202f]+(?!\d)")

YES_WORDS = frozenset({"yes", "y", "true", "achieved", "met", "1", "1.0"})
NO_WORDS = frozenset({"no", "n", "false", "not achieved", "not met", "0", "0.0"})


_REASON_TEXT = np.array(MISSING_REASONS, dtype=object)
_REASON_CODE = {reason: code for code, reason in enumerate(MISSING_REASONS)}


class CleanedColumn(NamedTuple):
    """A cleaned column: numbers (NaN when missing), why each missing one is missing, and `%` signs.

    `reasons` are codes into `MISSING_REASONS` (0 = present), cheaper to carry than a million strings.
    """

    values: np.ndarray
    reasons: np.ndarray
    percent: np.ndarray

    @property
    def missing(self) -> np.ndarray:
        """The reasons as text: `""`, `suppressed`, `not_available` or `error`."""
        return _REASON_TEXT[self.reasons]


def _number_pattern(thousands: str | None, decimal: str) -> re.Pattern[str]:
    dec = re.escape(decimal)
    grouped = rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+" if thousands else None
    integer = rf"(?:{grouped}|\d+)" if grouped else r"\d+"
    return re.compile(
        r"^(?P<open>\()?(?P<sign>[-+\u2212])?(?P<currency>[£$€])?(?P<sign2>[-+\u2212])?"
        rf"(?P<number>{integer}(?:{dec}\d*)?|{dec}\d+)(?P<exponent>[eE][-+]?\d+)?"
        r"(?P<percent>%)?(?P<close>\))?$"
    )


def clean_column(values: pd.Series, *, thousands: str | None = ",", decimal: str = ".") -> CleanedColumn:
    """Clean a column of values; never raises.

    `thousands` and `decimal` are the separators the source uses (`1.234,5` needs `thousands="."`,
    `decimal=","`); grouping is only removed where it is well formed (`1,234`, not `1,5`).
    """
    series = pd.Series(values).reset_index(drop=True)
    size = len(series)
    if pd.api.types.is_bool_dtype(series):
        numbers = series.astype("float64").to_numpy()
        return CleanedColumn(numbers, np.zeros(size, dtype="int8"), np.zeros(size, dtype=bool))
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        return _from_numbers(numbers, np.zeros(size, dtype=bool))
    codes, uniques = distinct_values(series)
    unique_values, unique_missing, unique_percent = _clean_uniques(
        pd.Series(uniques, dtype=object), thousands, decimal
    )
    unique_values = np.append(unique_values, np.nan)
    unique_missing = np.append(unique_missing, _REASON_CODE[NOT_AVAILABLE]).astype("int8")
    unique_percent = np.append(unique_percent, False)
    index = np.where(codes < 0, len(uniques), codes)
    return CleanedColumn(unique_values[index], unique_missing[index], unique_percent[index])


def distinct_values(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code into the distinct values (-1 when missing), and those values as an object array.

    A categorical column already is this; anything else is factorised once.
    """
    series = pd.Series(values).reset_index(drop=True)
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories.to_numpy(dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes), np.asarray(uniques, dtype=object)


def clean_values(
    values: pd.Series, *, thousands: str | None = ",", decimal: str = "."
) -> tuple[np.ndarray, np.ndarray]:
    """`(values, missing)`: float64 numbers and, per row, `""` or the reason the value is missing."""
    cleaned = clean_column(values, thousands=thousands, decimal=decimal)
    return cleaned.values, cleaned.missing


def _from_numbers(numbers: np.ndarray, percent: np.ndarray) -> CleanedColumn:
    missing = np.where(np.isnan(numbers), _REASON_CODE[NOT_AVAILABLE], 0).astype("int8")
    infinite = np.isinf(numbers)
    if infinite.any():
        missing[infinite] = _REASON_CODE[ERROR]
        numbers = np.where(infinite, np.nan, numbers)
    return CleanedColumn(numbers, missing, percent)


def _clean_uniques(
    uniques: pd.Series, thousands: str | None, decimal: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Clean distinct values (objects of any type): numbers pass, text is parsed or classified."""
    size = len(uniques)
    numbers = np.full(size, np.nan)
    missing = np.full(size, "", dtype=object)
    percent = np.zeros(size, dtype=bool)
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":  # the usual case, checked in C
        number_mask = bool_mask = np.zeros(size, dtype=bool)
    else:
        number_mask = uniques.map(
            lambda v: isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
        ).to_numpy(dtype=bool)
        bool_mask = uniques.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    if number_mask.any():
        given = uniques[number_mask].to_numpy(dtype="float64")
        numbers[number_mask] = given
        missing[number_mask] = np.where(np.isnan(given), NOT_AVAILABLE, np.where(np.isinf(given), ERROR, ""))
        numbers[number_mask] = np.where(np.isinf(given), np.nan, given)
    numbers[bool_mask] = uniques[bool_mask].astype(float).to_numpy()
    text_mask = ~(number_mask | bool_mask)
    if not text_mask.any():
        return numbers, np.array([_REASON_CODE[m] for m in missing], dtype="int8"), percent
    text = uniques[text_mask].map(str).str.strip()
    if decimal == "." and thousands != ".":
        plain = np.array(text.str.fullmatch(_PLAIN_NUMBER), dtype=bool)
        read = np.full(len(text), np.nan)
        read[plain] = pd.to_numeric(text[plain], errors="coerce").to_numpy(dtype="float64")
        plain &= np.isfinite(read)
        if plain.any():
            where = np.flatnonzero(text_mask)[plain]
            numbers[where] = read[plain]
            text_mask[where] = False
            text = text[~plain]
            if text.empty:
                return numbers, np.array([_REASON_CODE[m] for m in missing], dtype="int8"), percent
    compact = text.str.replace(_LOOSE_SPACES, "", regex=True)
    lower = text.str.replace(_SPACES, " ", regex=True).str.lower()
    suppressed = (lower.isin(SUPPRESSION_MARKERS) | lower.str.match(_BELOW_THRESHOLD)).to_numpy(dtype=bool)
    unavailable = lower.isin(NOT_AVAILABLE_MARKERS).to_numpy(dtype=bool)
    excel_error = lower.str.match(EXCEL_ERRORS).to_numpy(dtype=bool)
    parts = compact.str.extract(_number_pattern(thousands, decimal))
    opened, closed = parts["open"].notna().to_numpy(), parts["close"].notna().to_numpy()
    parsed = parts["number"].notna().to_numpy() & (opened == closed)
    digits = parts["number"].fillna("")
    if thousands:
        digits = digits.str.replace(thousands, "", regex=False)
    digits = digits.str.replace(decimal, ".", regex=False) + parts["exponent"].fillna("")
    magnitude = pd.to_numeric(digits.where(parsed, None), errors="coerce").to_numpy(dtype="float64")
    minus = parts["sign"].isin(["-", "\u2212"]) | parts["sign2"].isin(["-", "\u2212"])
    negative = minus.to_numpy(dtype=bool) ^ (opened & closed)
    text_numbers = np.where(negative, -magnitude, magnitude)
    good = parsed & np.isfinite(text_numbers) & ~(suppressed | unavailable | excel_error)
    text_missing = np.where(
        good,
        "",
        np.where(suppressed, SUPPRESSED, np.where(unavailable, NOT_AVAILABLE, ERROR)),
    ).astype(object)
    numbers[text_mask] = np.where(good, text_numbers, np.nan)
    missing[text_mask] = text_missing
    percent[text_mask] = good & parts["percent"].notna().to_numpy()
    return numbers, np.array([_REASON_CODE[m] for m in missing], dtype="int8"), percent


def _answer_key(text: pd.Series) -> pd.Series:
    return text.map(str).str.strip().str.lower().str.replace(_SPACES, " ", regex=True)


def _per_distinct(values: pd.Series, answer: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
    """`answer` applied to the distinct non-missing values only, and taken back to every row (None if missing)."""
    codes, uniques = distinct_values(values)
    answers = np.append(answer(pd.Series(uniques, dtype=object)), None).astype(object)
    return answers[np.where(codes < 0, len(uniques), codes)]


def normalise_yes_no(values: pd.Series) -> np.ndarray:
    """`yes`/`no` from the ways people write them (`Y`, `TRUE`, `Achieved`, `Not met` ...); None otherwise."""

    def answer(distinct: pd.Series) -> np.ndarray:
        key = _answer_key(distinct).str.replace("_", " ", regex=False)
        answers = np.full(len(distinct), None, dtype=object)
        answers[key.isin(YES_WORDS).to_numpy(dtype=bool)] = "yes"
        answers[key.isin(NO_WORDS).to_numpy(dtype=bool)] = "no"
        return answers

    return _per_distinct(values, answer)


def _level_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def match_levels(values: pd.Series, scale: list[str]) -> np.ndarray:
    """The scale level each value names (case, spaces and hyphens ignored); None when it names none."""
    lookup = {_level_key(level): level for level in scale}

    def answer(distinct: pd.Series) -> np.ndarray:
        return np.array([lookup.get(_level_key(str(v))) for v in distinct], dtype=object)

    return _per_distinct(values, answer)


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    """` (did you mean 'x'?)`, or nothing when no choice is close."""
    guess = closest(word, choices)
    return f" (did you mean {guess!r}?)" if guess else ""
