"""One period type for the whole of perfwatch: a span of whole months.

A period is `start` (a month ordinal, `year * 12 + month - 1`) and `months` (1, 3, 12, or a pooled span of
whole years such as the 36 months of `2019 - 21`). Financial years
and their quarters follow the framework's `year_start` month. Analysts write periods in a dozen ways
(`2023/24`, `FY23/24`, `Q1 2023/24`, `2023-Q2`, `Apr-23`, an Excel date ...); :func:`parse_period` reads
them all and refuses what is ambiguous or impossible, saying which forms it accepts. :func:`parse_periods`
does a whole column at once by parsing each distinct value once: a million-row column has few periods.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from perfwatch.framework.model import MONTH_NAMES, MONTHS

if TYPE_CHECKING:  # numpy and pandas load only for whole columns: `validate` must start fast
    import numpy as np
    import pandas as pd

PERIOD_LENGTHS = (1, 3, 12)
"""Single periods: a month, a quarter, a year. Pooled periods (`2019 - 21`) are 2 to MAX_POOLED_YEARS years."""
MAX_POOLED_YEARS = 10
_LENGTH_RADIX = 1024
"""Periods are packed as `start * _LENGTH_RADIX + months` where one number per period is wanted."""

frequency_months: dict[str, int] = {"monthly": 1, "quarterly": 3, "annual": 12, "biennial": 12}
"""The length of a period for each indicator frequency (biennial surveys report annual periods)."""

frequency_step: dict[str, int] = {"monthly": 1, "quarterly": 3, "annual": 12, "biennial": 24}
"""How far apart consecutive periods are expected for each frequency."""

ACCEPTED_FORMS = (
    "a year (2023), a financial year (2023/24, 2023-24, FY2023/24, FY23/24), a quarter (Q1 2023/24, "
    "2023/24 Q1, 2023-Q2, 2023 Q2), a month (2023-04, Apr 2023, April 2023, Apr-23) or a date (2023-04-01)"
)


class PeriodError(ValueError):
    """A period that cannot be read, or that could mean two different things."""


@dataclass(frozen=True, order=True)
class Period:
    """A span of whole months; sorts by start, then length."""

    start: int
    months: int
    year_start_month: int = field(default=4, compare=False, repr=False)
    label: str = field(default="", compare=False, init=False)

    def __post_init__(self) -> None:
        if not is_period_length(self.months):
            raise PeriodError(
                f"a period is 1, 3 or 12 months long, or {MAX_POOLED_YEARS} or fewer whole years pooled, "
                f"not {self.months} months"
            )
        if not 1 <= self.year_start_month <= 12:
            raise PeriodError(f"year_start_month must be 1..12, not {self.year_start_month}")
        object.__setattr__(self, "label", _label(self.start, self.months, self.year_start_month))

    @classmethod
    def month(cls, year: int, month: int, year_start_month: int = 4) -> Period:
        return cls(year * 12 + month - 1, 1, year_start_month)

    @property
    def pooled(self) -> bool:
        """Several years pooled into one published figure (`2019 - 21`)."""
        return self.months > 12

    @property
    def year(self) -> int:
        return self.start // 12

    @property
    def first_month(self) -> int:
        """Calendar month (1–12) the period starts in."""
        return self.start % 12 + 1

    @property
    def end(self) -> int:
        """Ordinal of the period's last month."""
        return self.start + self.months - 1

    @property
    def start_date(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end_date(self) -> date:
        """The last day of the period."""
        after = self.end + 1
        return date.fromordinal(date(after // 12, after % 12 + 1, 1).toordinal() - 1)

    def _same_kind(self, start: int, months: int | None = None) -> Period:
        return Period(start, self.months if months is None else months, self.year_start_month)

    def previous(self) -> Period:
        """The period of the same length that ends where this one starts."""
        return self._same_kind(self.start - self.months)

    def next(self) -> Period:
        return self._same_kind(self.start + self.months)

    def year_earlier(self) -> Period:
        return self._same_kind(self.start - 12)

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def financial_year(self, year_start_month: int | None = None) -> Period:
        """The (financial) year that contains this period's first month."""
        first = self.year_start_month if year_start_month is None else year_start_month
        return Period(self.start - (self.start - (first - 1)) % 12, 12, first)

    def quarter(self, year_start_month: int | None = None) -> Period:
        """The quarter of the (financial) year that contains this period's first month."""
        first = self.year_start_month if year_start_month is None else year_start_month
        return Period(self.start - (self.start - (first - 1)) % 3, 3, first)

    def format(self) -> str:
        """The canonical label: `2023-04`, `Q1 2023/24` or `2023 Q2`, `2023/24` or `2023`."""
        return self.label

    def __str__(self) -> str:
        return self.label


def is_period_length(months: int) -> bool:
    """A month, quarter or year, or whole years pooled (2 to MAX_POOLED_YEARS)."""
    return months in PERIOD_LENGTHS or (months % 12 == 0 and 12 < months <= 12 * MAX_POOLED_YEARS)


def _split_year(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _label(start: int, months: int, year_start_month: int) -> str:
    year, month0 = divmod(start, 12)
    if months > 12:  # pooled years, written as Fingertips publishes them
        last = year + months // 12 - 1
        if month0 == 0:
            return f"{year} - {last % 100:02d}"
        return f"{_split_year(year)} - {_split_year(last)[2:]}"
    if months == 1:
        return f"{year}-{month0 + 1:02d}"
    if months == 12:
        return str(year) if month0 == 0 else _split_year(year)
    fy_offset = (month0 - (year_start_month - 1)) % 12
    if year_start_month != 1 and fy_offset % 3 == 0:
        fy_year = year if month0 >= year_start_month - 1 else year - 1
        return f"Q{fy_offset // 3 + 1} {_split_year(fy_year)}"
    if month0 % 3 == 0:
        return f"{year} Q{month0 // 3 + 1}"
    raise PeriodError(f"a quarter starts in a quarter month of the year, not in month {month0 + 1}")


def split_year_start(year_start_month: int) -> int:
    """Split years (`2023/24`) start in the framework's year_start month; April when that is January."""
    return 4 if year_start_month == 1 else year_start_month


_MONTH_WORDS = {name: i + 1 for i, name in enumerate(MONTH_NAMES)} | {
    name: i + 1 for i, name in enumerate(MONTHS)
}
_MONTH_WORDS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))

_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SPLIT = r"(?:fy\s*)?(\d{4}|\d{2})\s*[/\-]\s*(\d{4}|\d{2})"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("year", re.compile(r"^(?:cy\s*)?(\d{4})(?:\.0+)?$")),
    ("pooled_years", re.compile(r"^(\d{4})(\s+-\s+|\s*-\s*(?=\d{4}$))(\d{4}|\d{2})$")),
    ("pooled_split", re.compile(r"^(\d{4})/(\d{2})\s*-\s*(\d{4}|\d{2})/(\d{2})$")),
    ("iso_month", _ISO_MONTH),
    ("month_slash", re.compile(r"^(\d{1,2})/(\d{4})$")),
    ("split_year", re.compile(rf"^{_SPLIT}$")),
    ("fy_quarter", re.compile(rf"^q([0-9])\s*[-,]?\s*{_SPLIT}$")),
    ("fy_quarter_after", re.compile(rf"^{_SPLIT}\s*[-,]?\s*q([0-9])$")),
    ("quarter", re.compile(r"^(\d{4})\s*[-/ ]?\s*q([0-9])$")),
    ("quarter_before", re.compile(r"^q([0-9])\s*[-/ ]?\s*(\d{4})$")),
    ("iso_date", re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")),
    ("month_name", re.compile(rf"^({_MONTH_RE})\.?[\s\-/]*(\d{{4}}|\d{{2}})$")),
    ("day_first", re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")),
]


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _fail(text: Any, why: str = "") -> PeriodError:
    reason = f" ({why})" if why else ""
    return PeriodError(f"cannot read period {text!r}{reason}; write {ACCEPTED_FORMS}")


def _split_year_value(first: str, second: str, original: Any) -> int:
    year = _full_year(first)
    if len(second) == 4:
        follows = int(second) == year + 1
    else:
        follows = int(second) == (year + 1) % 100
    if not follows:
        raise _fail(
            original, f"{second} does not follow {first}: a financial year spans two consecutive years"
        )
    return year


def _pooled(start: int, years: int, original: Any, ys: int) -> Period:
    if not 2 <= years <= MAX_POOLED_YEARS:
        raise _fail(original, f"a pooled period spans 2 to {MAX_POOLED_YEARS} years, not {years}")
    return Period(start, years * 12, ys)


def _month(year: int, month: int, original: Any, ys: int) -> Period:
    if not 1 <= month <= 12:
        raise _fail(original, f"there is no month {month}")
    return Period(year * 12 + month - 1, 1, ys)


def _quarter_number(text: str, original: Any) -> int:
    number = int(text)
    if not 1 <= number <= 4:
        raise _fail(original, f"there is no quarter {number}")
    return number


def parse_period(value: Any, year_start_month: int = 4, *, hyphen_means: str | None = None) -> Period:
    """Read one period written in any of the accepted forms.

    `2011-12` could be December 2011 or the financial year 2011/12. On its own it is the month (ISO 8601,
    and perfwatch's own month label); :func:`parse_periods` passes `hyphen_means="year"` when the other
    values in the column are hyphenated financial years (`2012-13`, `2013-14`).
    """
    ys = year_start_month
    if isinstance(value, Period):
        return Period(value.start, value.months, ys)
    if isinstance(value, bool) or value is None:
        raise _fail(value)
    if type(value).__name__ == "datetime64":
        import pandas as pd

        value = pd.Timestamp(value)
    if isinstance(value, datetime | date):
        if value != value:  # NaT
            raise _fail(value, "empty")
        return Period(value.year * 12 + value.month - 1, 1, ys)
    if isinstance(value, numbers.Integral):
        return _parse_text(str(int(value)), value, ys, hyphen_means)
    if isinstance(value, numbers.Real):
        if not math.isfinite(value) or not float(value).is_integer():
            raise _fail(value)
        return _parse_text(str(int(value)), value, ys, hyphen_means)
    if not isinstance(value, str):
        raise _fail(value)
    return _parse_text(value, value, ys, hyphen_means)


def _parse_text(text: str, original: Any, ys: int, hyphen_means: str | None) -> Period:
    clean = " ".join(text.strip().lower().replace("\u2013", "-").replace("\u2014", "-").split())
    if not clean:
        raise _fail(original, "empty")
    for kind, pattern in _PATTERNS:
        match = pattern.match(clean)
        if match:
            return _build(kind, match.groups(), original, ys, hyphen_means)
    raise _fail(original)


def _pooled_last(first: int, last_text: str) -> int:
    """The last year of a pooled span written `2019 - 21` or `2019-2021`."""
    if len(last_text) == 4:
        return int(last_text)
    century = first - first % 100
    last = century + int(last_text)
    return last if last >= first else last + 100


def _build(kind: str, parts: tuple[str, ...], original: Any, ys: int, hyphen_means: str | None) -> Period:
    fy_first = split_year_start(ys)
    if kind == "pooled_years":
        first = int(parts[0])
        last = _pooled_last(first, parts[2])
        spaced = parts[1] != "-"  # Fingertips writes pooled years `2019 - 20`; analysts write `2019-20`
        if last - first < (1 if spaced else 2):  # `2019-2020` is a financial year
            return _build("split_year", (parts[0], parts[2]), original, ys, hyphen_means)
        return _pooled(first * 12, last - first + 1, original, ys)
    if kind == "pooled_split":
        first = _split_year_value(parts[0], parts[1], original)
        last = _split_year_value(parts[2], parts[3], original)
        last = _pooled_last(first, str(last)[2:]) if len(parts[2]) == 2 else last
        return _pooled(first * 12 + fy_first - 1, last - first + 1, original, ys)
    if kind == "year":
        return Period(int(parts[0]) * 12, 12, ys)
    if kind == "iso_month":
        year, second = int(parts[0]), int(parts[1])
        could_be_year = second == (year + 1) % 100
        could_be_month = 1 <= second <= 12
        if could_be_year and could_be_month and hyphen_means == "year":
            return Period(year * 12 + fy_first - 1, 12, ys)
        if could_be_year and not could_be_month:
            return Period(year * 12 + fy_first - 1, 12, ys)
        return _month(year, second, original, ys)
    if kind == "split_year":
        year = _split_year_value(parts[0], parts[1], original)
        return Period(year * 12 + fy_first - 1, 12, ys)
    if kind in ("fy_quarter", "fy_quarter_after"):
        number_text, first, second = (
            (parts[0], parts[1], parts[2]) if kind == "fy_quarter" else (parts[2], parts[0], parts[1])
        )
        number = _quarter_number(number_text, original)
        year = _split_year_value(first, second, original)
        return Period(year * 12 + fy_first - 1 + (number - 1) * 3, 3, ys)
    if kind in ("quarter", "quarter_before"):
        year_text, number_text = parts if kind == "quarter" else (parts[1], parts[0])
        number = _quarter_number(number_text, original)
        return Period(int(year_text) * 12 + (number - 1) * 3, 3, ys)
    if kind == "iso_date":
        year, month, day = (int(p) for p in parts)
        if not 1 <= day <= 31:
            raise _fail(original, f"there is no day {day}")
        return _month(year, month, original, ys)
    if kind == "month_name":
        return Period(_full_year(parts[1]) * 12 + _MONTH_WORDS[parts[0]] - 1, 1, ys)
    if kind == "month_slash":
        return _month(int(parts[1]), int(parts[0]), original, ys)
    raise _fail(
        original,
        "a day/month/year date could be read day-first or month-first; "
        "set the source's date_format, e.g. '%d/%m/%Y'",
    )


class ParsedPeriods(NamedTuple):
    """A column of periods: `frame` (period, period_start, period_months), the rows that failed and why."""

    frame: pd.DataFrame
    failed: np.ndarray
    errors: dict[Any, str]


def _hyphen_context(uniques: list[Any]) -> str | None:
    """Whether `YYYY-YY` values in this column are months or financial years, from the unambiguous ones."""
    months = years = False
    for value in uniques:
        if isinstance(value, str):
            match = _ISO_MONTH.match(value.strip())
            if match:
                year, second = int(match.group(1)), int(match.group(2))
                is_year, is_month = second == (year + 1) % 100, 1 <= second <= 12
                months |= is_month and not is_year
                years |= is_year and not is_month
    if months and not years:
        return "month"
    if years and not months:
        return "year"
    return None


def parse_periods(
    values: pd.Series, year_start_month: int = 4, *, date_format: str | None = None
) -> ParsedPeriods:
    """Parse a whole column; each distinct value is parsed once and the answers taken back by codes.

    Dates (datetime columns, or text with `date_format`) become months. Rows that fail get period NA,
    start and months 0, and `failed` True; `errors` maps each failing value to the reason. The `period`
    column is categorical, its categories in time order.
    """
    import numpy as np
    import pandas as pd

    series = pd.Series(values).reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(series):
        codes, uniques = _distinct(series)
        starts, lengths = _stamp_periods(pd.Series(uniques, dtype=series.dtype))
        errors: dict[Any, str] = {None: _fail("", "empty").args[0]} if (codes < 0).any() else {}
        return _parsed(codes, starts, lengths, year_start_month, errors)
    codes, uniques = _distinct(series)
    errors = {}
    if date_format is not None:
        text = pd.Series([str(u) for u in uniques], dtype=object)
        starts, lengths = _stamp_periods(pd.to_datetime(text, format=date_format, errors="coerce"))
        for value, length in zip(text, lengths, strict=True):
            if length == 0:
                errors[value] = f"cannot read period {value!r} with date_format {date_format!r}"
        if (codes < 0).any():
            errors[None] = _fail("", "empty").args[0]
        return _parsed(codes, starts, lengths, year_start_month, errors)
    hyphen = _hyphen_context(uniques)
    starts = np.zeros(len(uniques), dtype="int64")
    lengths = np.zeros(len(uniques), dtype="int64")
    for i, value in enumerate(uniques):
        try:
            period = parse_period(value, year_start_month, hyphen_means=hyphen)
        except PeriodError as error:
            errors[value] = str(error)
            continue
        starts[i], lengths[i] = period.start, period.months
    if (codes < 0).any():
        errors.setdefault(None, _fail("", "empty").args[0])
    return _parsed(codes, starts, lengths, year_start_month, errors)


def _distinct(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Each row's code into the column's distinct values (-1 when missing); categories are used as they are."""
    import numpy as np
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy().astype("int64"), list(series.cat.categories)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype="int64"), list(uniques)


def _stamp_periods(stamps: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The month each timestamp falls in: starts and lengths (length 0 where there is no timestamp)."""
    import numpy as np

    bad = stamps.isna().to_numpy()
    years = stamps.dt.year.fillna(0).to_numpy(dtype="int64")
    months = stamps.dt.month.fillna(1).to_numpy(dtype="int64")
    return np.where(bad, 0, years * 12 + months - 1), np.where(bad, 0, 1).astype("int64")


def _parsed(
    codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, year_start_month: int, errors: dict[Any, str]
) -> ParsedPeriods:
    """Rows' periods from each distinct value's period (`codes` index the distinct values, -1 missing)."""
    import numpy as np
    import pandas as pd

    index = np.where(codes < 0, len(starts), codes)
    starts, lengths = np.append(starts, 0), np.append(lengths, 0)
    labels, label_codes = period_labels(starts, lengths, year_start_month)
    frame = pd.DataFrame(
        {
            "period": pd.Categorical.from_codes(label_codes[index], categories=labels),
            "period_start": starts[index],
            "period_months": lengths[index],
        },
        copy=False,
    )
    return ParsedPeriods(frame, lengths[index] == 0, errors)


def period_labels(
    starts: np.ndarray, lengths: np.ndarray, year_start_month: int
) -> tuple[pd.Index, np.ndarray]:
    """Distinct canonical labels in time order, and each period's code into them (-1 where length is 0).

    Meant for the distinct periods of a column (a few dozen), not for every row.
    """
    import numpy as np
    import pandas as pd

    radix = _LENGTH_RADIX
    key = np.asarray(starts, dtype="int64") * radix + np.asarray(lengths, dtype="int64")
    distinct, inverse = np.unique(key, return_inverse=True)
    present = distinct % radix != 0
    labels = [_label(int(k // radix), int(k % radix), year_start_month) for k in distinct[present]]
    renumber = np.where(present, np.cumsum(present) - 1, -1)
    return pd.Index(labels, dtype=object), renumber[inverse.reshape(-1)]


def expected_periods(first: Period, last: Period, frequency: str | None) -> list[Period]:
    """The periods a complete series from `first` to `last` has.

    Steps by the data's own period length, or by the frequency's spacing when that is wider (a biennial
    survey is expected every other year). Sub-annual data for an annual indicator steps by its own length.
    """
    step = first.months
    if frequency is not None and frequency_months[frequency] <= first.months:
        step = max(step, frequency_step[frequency])
    return [Period(s, first.months, first.year_start_month) for s in range(first.start, last.start + 1, step)]
