"""Check mapped data against the framework, collecting every problem as a `Finding` located at `file:row`:
unknown ids, values out of range, periods that do not fit the frequency, duplicates, stale series.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, get_args

import numpy as np
import pandas as pd

from perfwatch.data.mapping import _clean_id, _constant
from perfwatch.data.observations import (
    _REASON,
    MAX_ROW_FINDINGS,
    NUMERIC_COLUMNS,
    STALE_GRACE_MONTHS,
    _empty_frame,
    _final_frame,
)
from perfwatch.data.values import (
    ERROR,
    EXCEL_ERRORS,
    MISSING_REASONS,
    NOT_AVAILABLE,
    SUPPRESSED,
    did_you_mean,
    distinct_values,
    match_levels,
    normalise_yes_no,
)
from perfwatch.errors import Finding
from perfwatch.framework.model import Framework, Unit
from perfwatch.framework.periods import (
    Period,
    expected_periods,
    frequency_months,
    frequency_step,
)

# --- checking -----------------------------------------------------------------------------------------


class _Collector:
    """Findings located at rows, at most MAX_ROW_FINDINGS of one kind per file, the rest summarised.

    Flagged rows are found with numpy over the whole table; only the few that are reported are taken out
    of it and turned into text.
    """

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def rows(
        self,
        stage: pd.DataFrame,
        mask: np.ndarray,
        code: str,
        message: Callable[[pd.DataFrame], Iterable[str]],
        severity: str = "error",
        extra: dict[str, np.ndarray] | None = None,
    ) -> None:
        """One finding per flagged row; `message` turns the reported rows (a small frame) into texts.

        `extra` holds arrays with one item per flagged row, added to the frame `message` gets.
        """
        flagged = np.flatnonzero(mask)
        if not len(flagged):
            return
        files = stage["file"].cat.codes.to_numpy()[flagged]
        groups, rank, sizes = _within_groups(files)
        shown = np.flatnonzero(rank < MAX_ROW_FINDINGS)
        picked = stage.iloc[flagged[shown]].reset_index(drop=True)
        for name, values in (extra or {}).items():
            picked[name] = np.asarray(values)[shown]
        texts = list(message(picked))
        file_names = stage["file"].cat.categories
        picked_groups = groups[shown]
        rows = picked["row"].to_numpy()
        for group, file_code in enumerate(pd.unique(files)):
            file = str(file_names[file_code])
            for position in np.flatnonzero(picked_groups == group):
                self.add(Finding(file, int(rows[position]), None, severity, code, texts[position]))
            if sizes[group] > MAX_ROW_FINDINGS:
                more = sizes[group] - MAX_ROW_FINDINGS
                first_unshown = flagged[np.flatnonzero((groups == group) & (rank == MAX_ROW_FINDINGS))[0]]
                row = int(stage["row"].iat[first_unshown])
                message_text = f"... and {more} more rows with the same problem ({code})"
                self.add(Finding(file, row, None, severity, code, message_text))

    def grouped(
        self,
        stage: pd.DataFrame,
        mask: np.ndarray,
        by: str,
        code: str,
        message: Callable[[Any], str],
        severity: str = "error",
    ) -> None:
        """One finding per distinct value of `by` per file, at its first row, with the other rows listed."""
        flagged = np.flatnonzero(mask)
        if not len(flagged):
            return
        value_codes, values = distinct_values(stage[by].iloc[flagged])
        shown = [v if isinstance(v, str) else _clean_id(v) for v in values]
        labels = pd.Index([v for v in shown if v is not None], dtype=object).unique()
        label_codes = np.append(labels.get_indexer(pd.Index(shown, dtype=object)), -1)
        label_codes = label_codes[np.where(value_codes < 0, len(values), value_codes)]
        files = stage["file"].cat.codes.to_numpy()[flagged]
        key = files.astype("int64") * (len(labels) + 1) + label_codes + 1
        groups, rank, sizes = _within_groups(key)
        order = np.lexsort((rank, groups))
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        file_names = stage["file"].cat.categories
        rows = stage["row"].to_numpy()[flagged]
        for group, start in enumerate(starts):
            members = order[start : start + sizes[group]]
            first = members[0]
            also = ""
            if len(members) > 1:
                listed = ", ".join(str(r) for r in rows[members[1:6]])
                more = f" and {len(members) - 6} more" if len(members) > 6 else ""
                also = f"; also on rows {listed}{more}"
            value = labels[label_codes[first]] if label_codes[first] >= 0 else None
            file = str(file_names[files[first]])
            self.add(Finding(file, int(rows[first]), None, severity, code, message(value) + also))


def _within_groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each item: its group (numbered in order of first appearance) and its rank within the group;
    and each group's size."""
    groups, uniques = pd.factorize(key)
    sizes = np.bincount(groups, minlength=len(uniques))
    order = np.argsort(groups, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(len(key), dtype="int64")
    rank[order] = np.arange(len(key)) - np.repeat(starts, sizes)
    return groups, rank, sizes


def _resolve_ids(
    column: pd.Series, exact: dict[str, str], extra: dict[str, str]
) -> tuple[pd.Categorical, np.ndarray]:
    """Map written ids to framework ids (exact, then other spellings), once per distinct id.

    Returns the ids (unknown ones as written) and a mask of the rows whose id is known.
    """
    categories = list(column.cat.categories)
    codes = column.cat.codes.to_numpy()
    targets = [exact.get(c) or extra.get(c.casefold()) for c in categories]
    names = [t or c for t, c in zip(targets, categories, strict=True)]
    labels = pd.Index(names, dtype=object).unique()
    lookup = np.append(labels.get_indexer(names), -1)
    known = np.append(np.array([t is not None for t in targets], dtype=bool), False)
    index = np.where(codes < 0, len(categories), codes)
    return pd.Categorical.from_codes(lookup[index], categories=labels), known[index]


def _labels(rows: pd.DataFrame) -> list[str]:
    """`indicator, area, period` for each of a few flagged rows, to say which figure a message is about."""
    return [
        f"{i}, {a}, {p}"
        for i, a, p in zip(
            rows["indicator"].astype(object),
            rows["area"].astype(object),
            rows["period"].astype(object),
            strict=True,
        )
    ]


def _per_indicator(
    stage: pd.DataFrame, attribute: dict[str, Any], default: Any, dtype: Any = object
) -> np.ndarray:
    """An indicator attribute for every row, looked up once per distinct indicator."""
    categories = stage["indicator"].cat.categories
    values = np.array([attribute.get(c, default) for c in categories] + [default], dtype=dtype)
    codes = stage["indicator"].cat.codes.to_numpy()
    return values[codes if len(codes) and codes.min() >= 0 else np.where(codes < 0, len(categories), codes)]


def _check(stage: pd.DataFrame, framework: Framework, out: _Collector, as_of: date | None) -> pd.DataFrame:
    indicators = framework.indicators
    stage["indicator"], ind_known = _resolve_ids(
        stage["indicator"], {i: i for i in indicators}, {i.casefold(): i for i in indicators}
    )
    ids = sorted(indicators)
    no_indicator = (stage["indicator"].cat.codes < 0).to_numpy()
    out.grouped(
        stage, no_indicator, "indicator", "missing-indicator", lambda _: "no indicator id on this row"
    )
    out.grouped(
        stage, ~ind_known & ~no_indicator, "indicator", "unknown-indicator",
        lambda v: f"unknown indicator {v!r}{did_you_mean(str(v), ids)}: it is not in the framework",
    )  # fmt: skip
    no_area = (stage["area"].cat.codes < 0).to_numpy()
    if framework.areas:
        exact_area = {a.id: a.id for a in framework.areas}
        extra_area = {a.id.casefold(): a.id for a in framework.areas} | {
            a.code.casefold(): a.id for a in framework.areas if a.code
        }
        stage["area"], area_known = _resolve_ids(stage["area"], exact_area, extra_area)
        area_names = [a.id for a in framework.areas] + [a.code for a in framework.areas if a.code]
        out.grouped(
            stage, ~area_known & ~no_area, "area", "unknown-area",
            lambda v: f"unknown area {v!r}{did_you_mean(str(v), area_names)}: add it to the framework's "
            "`areas` (its id, or its official `code`), or correct the data",
        )  # fmt: skip
    else:
        area_known = ~no_area
    out.grouped(stage, no_area, "area", "missing-area", lambda _: "no area id on this row")
    failed = stage["period_failed"].to_numpy()
    out.grouped(
        stage, failed, "period_raw", "bad-period", lambda v: _period_message(v, framework.year_start_month)
    )

    keep = ind_known & area_known & ~failed
    if not keep.all():
        stage = stage.loc[keep].reset_index(drop=True)
    if stage.empty:
        return _empty_frame()

    used_units = {i.unit for i in indicators.values()}
    unit = {
        name: _per_indicator(stage, {i.id: i.unit == name for i in indicators.values()}, False, "bool")
        if name in used_units
        else np.zeros(len(stage), dtype=bool)
        for name in get_args(Unit)
    }
    per = _per_indicator(stage, {i.id: i.effective_per for i in indicators.values()}, 1.0, "float64")
    numeric = ~(unit["yes_no"] | unit["judgement"])
    _text_answers(stage, framework, unit, out)
    for canonical in NUMERIC_COLUMNS:
        bad = numeric & (stage[f"{canonical}_missing"].cat.codes.to_numpy() == _REASON[ERROR])
        if canonical == "value":
            excel = np.zeros(len(stage), dtype=bool)
            flagged = np.flatnonzero(bad)
            if len(flagged):
                codes, cells = distinct_values(stage["value_raw"].iloc[flagged])
                used = np.unique(codes[codes >= 0])
                is_excel = np.zeros(len(cells) + 1, dtype=bool)
                is_excel[used] = [
                    isinstance(v, str) and bool(EXCEL_ERRORS.match(v.strip().lower())) for v in cells[used]
                ]
                excel[flagged] = is_excel[codes]
            out.rows(
                stage, excel, "excel-error",
                lambda rows: [f"the cell holds the Excel error {v}: treated as missing; fix the formula ({label})"
                              for v, label in zip(_raw_cells(rows), _labels(rows), strict=True)],
                severity="warning",
            )  # fmt: skip
            out.rows(
                stage, bad & ~excel, "not-a-number",
                lambda rows: [f"value {v!r} is not a number ({label})" for v, label in
                              zip(_raw_cells(rows), _labels(rows), strict=True)],
            )  # fmt: skip
        else:
            out.rows(
                stage,
                bad,
                "not-a-number",
                lambda rows, c=canonical: [f"{c} is not a number ({x})" for x in _labels(rows)],
            )

    value = stage["value"].to_numpy(dtype="float64").copy()
    proportion_percent = unit["proportion"] & stage["value_percent"].to_numpy(dtype=bool)
    value[proportion_percent] /= 100
    _fraction_percentages(stage, value, unit, out)

    numerator = stage["numerator"].to_numpy(dtype="float64")
    denominator = stage["denominator"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = np.where(denominator != 0, numerator / denominator * per, np.nan)
    value_given = ~np.isnan(value)
    fill = ~value_given & ~np.isnan(computed) & numeric
    value[fill] = computed[fill]
    stage["value"] = np.where(numeric, value, np.nan)
    stage["missing"] = _missing_reasons(stage, value, fill, numeric)

    negative = (unit["count"] & (value < 0)) | (numerator < 0) | (denominator < 0)
    out.rows(
        stage,
        negative,
        "negative-count",
        lambda rows: [f"a count cannot be negative ({x})" for x in _labels(rows)],
    )
    above = (unit["percentage"] | unit["proportion"]) & (numerator > denominator)
    out.rows(
        stage, above, "numerator-above-denominator",
        lambda rows: [f"the numerator is larger than the denominator for a percentage or proportion ({x})"
                      for x in _labels(rows)],
    )  # fmt: skip
    _value_mismatch(stage, value_given & numeric, value, computed, out)
    _frequency_fit(stage, framework, out)
    stage = _duplicates(stage, out)
    _series_checks(stage, framework, out, as_of)
    return _final_frame(stage)


def _raw_cells(rows: pd.DataFrame) -> list[Any]:
    """The cells as written (None where there was none), for messages."""
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in rows["value_raw"]]


def _missing_reasons(
    stage: pd.DataFrame, value: np.ndarray, fill: np.ndarray, numeric: np.ndarray
) -> pd.Categorical:
    """Why each value is missing: its own cell's reason, else its counts' reason, else not available."""
    own = stage["value_missing"].cat.codes.to_numpy()
    numerator_reason = stage["numerator_missing"].cat.codes.to_numpy()
    counts_reason = np.where(
        numerator_reason != 0, numerator_reason, stage["denominator_missing"].cat.codes.to_numpy()
    )
    absent = np.isnan(value)
    reason = np.where(fill, 0, own)
    reason = np.where(absent & (reason == 0), counts_reason, reason)
    reason = np.where(absent & (reason == 0), _REASON[NOT_AVAILABLE], reason)
    reason = np.where(numeric, reason, stage["text_missing"].to_numpy())
    return pd.Categorical.from_codes(
        reason.astype("int8"), categories=pd.Index(MISSING_REASONS, dtype=object)
    )


def _period_message(value: Any, year_start_month: int) -> str:
    from perfwatch.framework.periods import PeriodError, parse_period

    if value is None:
        return "no period on this row"
    try:
        parse_period(value, year_start_month)
    except PeriodError as error:
        return str(error)
    return f"cannot read period {value!r} as written in this column; write financial years as 2011/12"


def _text_answers(
    stage: pd.DataFrame, framework: Framework, unit: dict[str, np.ndarray], out: _Collector
) -> None:
    """Normalise yes/no answers and judgement levels into `value_text`; report the ones that are neither.

    Answers are matched once per distinct cell; `value_text` is built as codes into the answer words.
    """
    size = len(stage)
    text_rows = unit["yes_no"] | unit["judgement"]
    reasons = np.zeros(size, dtype="int8")
    if not text_rows.any():
        stage["value_text"] = _constant(None, size)
        stage["text_missing"] = reasons
        return
    words: dict[str, int] = {}
    answer_codes = np.full(size, -1, dtype="int64")
    raw = stage["value_raw"]
    marker = stage["value_missing"].cat.codes.to_numpy()
    blank_or_marker = (marker == _REASON[SUPPRESSED]) | (marker == _REASON[NOT_AVAILABLE])

    def record(rows: np.ndarray, answers: np.ndarray) -> np.ndarray:
        """Store the rows' answers; return which of them were answered."""
        codes, distinct = pd.factorize(answers, use_na_sentinel=True)
        lookup = np.array([words.setdefault(str(w), len(words)) for w in distinct] + [-1], dtype="int64")
        answer_codes[rows] = lookup[np.where(codes < 0, len(distinct), codes)]
        return answer_codes[rows] >= 0

    yes_no_rows = np.flatnonzero(unit["yes_no"])
    if len(yes_no_rows):
        answered = record(yes_no_rows, normalise_yes_no(raw.iloc[yes_no_rows]))
        bad = np.zeros(size, dtype=bool)
        bad[yes_no_rows] = ~answered & ~blank_or_marker[yes_no_rows]
        out.rows(
            stage, bad, "bad-answer",
            lambda rows: [f"{v!r} is not an answer for a yes/no indicator: write yes or no ({x})"
                          for v, x in zip(_raw_cells(rows), _labels(rows), strict=True)],
        )  # fmt: skip
        reasons[bad] = _REASON[ERROR]
    indicator_codes = stage["indicator"].cat.codes.to_numpy()
    categories = stage["indicator"].cat.categories
    for indicator_id, indicator in framework.indicators.items():
        if indicator.unit != "judgement" or indicator_id not in categories:
            continue
        judged = np.flatnonzero(indicator_codes == categories.get_loc(indicator_id))
        if not len(judged):
            continue
        scale = indicator.scale or []
        answered = record(judged, match_levels(raw.iloc[judged], scale))
        bad = np.zeros(size, dtype=bool)
        bad[judged] = ~answered & ~blank_or_marker[judged]
        out.rows(
            stage, bad, "bad-answer",
            lambda rows, scale=scale, ind=indicator_id: [
                f"{v!r} is not a level of {ind}'s scale ({', '.join(scale)}){did_you_mean(str(v), scale)}"
                for v in _raw_cells(rows)
            ],
        )  # fmt: skip
        reasons[bad] = _REASON[ERROR]
    unanswered = text_rows & (answer_codes < 0) & (reasons == 0)
    reasons[unanswered] = np.where(blank_or_marker[unanswered], marker[unanswered], _REASON[NOT_AVAILABLE])
    stage["value_text"] = pd.Categorical.from_codes(
        answer_codes, categories=pd.Index(list(words), dtype=object)
    )
    stage["text_missing"] = reasons


def _fraction_percentages(
    stage: pd.DataFrame, value: np.ndarray, unit: dict[str, np.ndarray], out: _Collector
) -> None:
    """A percentage source whose values all lie in [0, 1.5], some not whole: multiply by 100 and say so."""
    candidates = unit["percentage"] & ~np.isnan(value)
    if not candidates.any():
        return
    indicator_codes = stage["indicator"].cat.codes.to_numpy().astype("int64")
    source_codes = stage["source"].cat.codes.to_numpy().astype("int64")
    sources = len(stage["source"].cat.categories)
    group = indicator_codes * sources + source_codes
    size = len(stage["indicator"].cat.categories) * sources
    with np.errstate(invalid="ignore"):
        outside = candidates & ((value < 0) | (value > 1.5))
        fractional = candidates & (value != np.floor(value))
    counts = np.bincount(group[candidates], minlength=size)
    converted = (
        (counts > 0)
        & (np.bincount(group[outside], minlength=size) == 0)
        & (np.bincount(group[fractional], minlength=size) > 0)
    )
    for code in np.flatnonzero(converted):
        rows = group == code
        value[rows] *= 100
        for column in ("ci_lower", "ci_upper"):
            stage.loc[rows, column] = stage.loc[rows, column] * 100
        first = stage.iloc[int(np.argmax(rows))]
        out.add(
            Finding(
                str(first["file"]), int(first["row"]), None, "warning", "fraction-percentage",
                f"{first['indicator']} is a percentage but every value in {first['source']} lies between 0 "
                "and 1.5: read as fractions and multiplied by 100 (write 95 or 95% for ninety-five percent)",
            )
        )  # fmt: skip


def _decimals_shown(values: np.ndarray) -> np.ndarray:
    """How many decimal places each value was written with (0–6)."""
    places = np.full(values.shape, 6, dtype="int64")
    for digits in range(6, -1, -1):
        exact = np.abs(np.round(values, digits) - values) <= 1e-9 * np.maximum(1, np.abs(values))
        places = np.where(exact, digits, places)
    return places


def _value_mismatch(
    stage: pd.DataFrame, given: np.ndarray, value: np.ndarray, computed: np.ndarray, out: _Collector
) -> None:
    """A value further from numerator/denominator × per than rounding explains (0.5%, or half its last digit)."""
    both = given & ~np.isnan(computed)
    if not both.any():
        return
    with np.errstate(invalid="ignore"):
        bad = both & (np.abs(value - computed) > 0.005 * np.abs(computed))
    if bad.any():  # outside 0.5%: still fine if within half the last digit the value was written with
        suspect = np.flatnonzero(bad)
        half_digit = 0.5 * 10.0 ** (-_decimals_shown(value[suspect]))
        bad[suspect] = np.abs(value[suspect] - computed[suspect]) > half_digit
    if bad.any():
        out.rows(
            stage, bad, "value-mismatch",
            lambda rows: [f"value {v:g} disagrees with numerator / denominator, which gives {c:.6g} ({x})"
                          for v, c, x in zip(rows["__value"], rows["__computed"], _labels(rows), strict=True)],
            extra={"__value": value[bad], "__computed": computed[bad]},
        )  # fmt: skip


def _frequency_fit(stage: pd.DataFrame, framework: Framework, out: _Collector) -> None:
    """Monthly indicators need monthly data, quarterly ones monthly or quarterly; any may have year outturns."""
    longest = {"monthly": 1, "quarterly": 3}
    frequency = {i.id: i.frequency for i in framework.indicators.values()}
    limit = _per_indicator(stage, {i: longest.get(f or "", 12) for i, f in frequency.items()}, 12, "int64")
    months = stage["period_months"].to_numpy()
    bad = (months > limit) & (months != 12)  # a whole-year outturn is accepted for any indicator
    names = {1: "month", 3: "quarter", 12: "year"}
    out.rows(
        stage, bad, "period-frequency",
        lambda rows: [
            f"{i} is {frequency[i]} but this row is for a {names[m]} ({p}): give {frequency[i]} data"
            for i, m, p in zip(rows["indicator"].astype(object), rows["period_months"], rows["period"].astype(object), strict=True)
        ],
    )  # fmt: skip


def _series_key(stage: pd.DataFrame, with_period: bool) -> np.ndarray:
    """One int64 per indicator × area × band × period length (× period start), from integer codes.

    Mixed-radix over each column's codes; renumbered densely whenever the next column would overflow.
    """
    key = np.zeros(len(stage), dtype="int64")
    span = 1
    for column in ["indicator", "area", "band", "period_months"] + (["period_start"] if with_period else []):
        values = stage[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes, size = values.cat.codes.to_numpy().astype("int64") + 1, len(values.cat.categories) + 1
        else:
            numbers = values.to_numpy(dtype="int64")
            low = int(numbers.min()) if len(numbers) else 0
            codes, size = numbers - low, (int(numbers.max()) - low + 1 if len(numbers) else 1)
        if span * size >= 2**62:
            key, uniques = pd.factorize(key)
            key, span = key.astype("int64"), len(uniques)
        key = key * size + codes
        span *= size
    return key


def _groups_of(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows sorted by key (stably), where each run of equal keys starts, and each run's length."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) if len(key) else order
    return order, starts, np.diff(np.append(starts, len(key)))


def _duplicates(stage: pd.DataFrame, out: _Collector) -> pd.DataFrame:
    """Two rows for one indicator × area × period (× band) are an error; the first is kept."""
    order, starts, sizes = _groups_of(_series_key(stage, with_period=True))
    if len(starts) == len(stage):
        return stage
    first_of = np.empty(len(stage), dtype="int64")
    first_of[order] = np.repeat(order[starts], sizes)
    repeated = first_of != np.arange(len(stage))
    files = stage["file"].cat.codes.to_numpy()
    rows = stage["row"].to_numpy()
    earlier = first_of[repeated]
    file_names = stage["file"].cat.categories

    def messages(flagged: pd.DataFrame) -> list[str]:
        texts = []
        for label, file, first_file, first_row in zip(
            _labels(flagged), flagged["file"].astype(object), flagged["__first_file"], flagged["__first_row"],
            strict=True,
        ):  # fmt: skip
            where = (
                f"row {first_row}"
                if file_names[first_file] == file
                else f"{file_names[first_file]}:{first_row}"
            )
            texts.append(
                f"{label} appears twice: first on {where}; keep one row (or set `sum_duplicates: true` on the "
                "source to add such rows up)"
            )
        return texts

    out.rows(
        stage, repeated, "duplicate-row", messages,
        extra={"__first_file": files[earlier], "__first_row": rows[earlier]},
    )  # fmt: skip
    return stage.loc[~repeated].reset_index(drop=True)


def _series_checks(stage: pd.DataFrame, framework: Framework, out: _Collector, as_of: date | None) -> None:
    """Warnings per series and per indicator: missing periods, data after the report date, stale data."""
    frequency = {i.id: i.frequency or "" for i in framework.indicators.values()}
    natural = _per_indicator(stage, {i: frequency_months.get(f, 0) for i, f in frequency.items()}, 0, "int64")
    wider = _per_indicator(stage, {i: frequency_step.get(f, 0) for i, f in frequency.items()}, 0, "int64")
    months = stage["period_months"].to_numpy()
    step = np.where((natural > 0) & (natural <= months), np.maximum(months, wider), months)
    starts = stage["period_start"].to_numpy()
    order, bounds, sizes = _groups_of(_series_key(stage, with_period=False))
    ordered_starts = starts[order]
    first_start = np.minimum.reduceat(ordered_starts, bounds)
    last_start = np.maximum.reduceat(ordered_starts, bounds)
    series_step = step[order[bounds]]
    expected = (last_start - first_start) // series_step + 1
    gappy = np.flatnonzero(sizes < expected)
    gappy = gappy[np.argsort(order[bounds[gappy]], kind="stable")]  # in the order the series first appear
    described = {column: stage[column] for column in ("file", "indicator", "area", "band")}
    year_start = framework.year_start_month
    for series in gappy[:MAX_ROW_FINDINGS]:
        members = order[bounds[series] : bounds[series] + sizes[series]]
        row = {name: column.iat[members[0]] for name, column in described.items()}
        have = set(starts[members].tolist())
        length = int(months[members[0]])
        first = Period(int(first_start[series]), length, year_start)
        last = Period(int(last_start[series]), length, year_start)
        gaps = [
            p.label
            for p in expected_periods(first, last, frequency[row["indicator"]] or None)
            if p.start not in have
        ]
        if not gaps:
            continue
        shown = ", ".join(gaps[:12]) + (f" and {len(gaps) - 12} more" if len(gaps) > 12 else "")
        band = f", band {row['band']}" if isinstance(row["band"], str) else ""
        out.add(
            Finding(
                str(row["file"]), None, None, "warning", "missing-period",
                f"{row['indicator']}, {row['area']}{band}: no data for {shown} (between {first.label} and {last.label})",
            )
        )  # fmt: skip
    if as_of is None:
        return
    as_of_month = as_of.year * 12 + as_of.month - 1
    out.grouped(
        stage, starts > as_of_month, "indicator", "future-data",
        lambda ind: f"{ind} has data for periods after the report date {as_of.isoformat()}; check the period "
        "or set a later `as_of`",
        severity="warning",
    )  # fmt: skip
    indicator_codes = stage["indicator"].cat.codes.to_numpy()
    latest = (
        pd.DataFrame({"indicator": indicator_codes, "end": starts + months - 1, "step": step}, copy=False)
        .groupby("indicator")
        .agg(end=("end", "max"), step=("step", "max"))
    )
    stale = latest[as_of_month - latest["end"] > latest["step"] + STALE_GRACE_MONTHS]
    categories = stage["indicator"].cat.categories
    for code, info in stale.iterrows():
        indicator_id = categories[code]
        last_position = len(stage) - 1 - int(np.argmax(indicator_codes[::-1] == code))
        end = Period(int(info["end"]), 1, year_start)
        every = frequency[indicator_id] or f"{int(info['step'])}-monthly"
        out.add(
            Finding(
                str(stage["file"].iat[last_position]), None, None, "warning", "stale-data",
                f"{indicator_id}: the latest data ends {end.end_date.isoformat()}; for {every} data a newer "
                f"period was due by {as_of.isoformat()} (allowing {STALE_GRACE_MONTHS} months' grace)",
            )
        )  # fmt: skip
