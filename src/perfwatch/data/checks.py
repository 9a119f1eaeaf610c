"""Check mapped data against the framework, collecting every problem as a `Finding` located at `file:row`:
unknown ids, values out of range, periods that do not fit the frequency, duplicates, stale series.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, get_args

import numpy as np
import pandas as pd

from perfwatch.data.collector import _Collector, _labels
from perfwatch.data.mapping import _constant
from perfwatch.data.observations import (
    _REASON,
    NUMERIC_COLUMNS,
    _empty_frame,
    _final_frame,
)
from perfwatch.data.plausibility import refuse_impossible
from perfwatch.data.series_checks import _duplicates, _frequency_fit, _series_checks
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
from perfwatch.framework.settings import indicator_settings, per_indicator

# --- checking -----------------------------------------------------------------------------------------


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

    settings = indicator_settings(framework)
    unit_of = per_indicator(stage, settings, "unit", "")
    unit = {name: unit_of == name for name in get_args(Unit)}
    per = per_indicator(stage, settings, "per", 1.0).astype("float64")
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
    refuse_impossible(stage, value, value_given, numerator, denominator, unit, out)
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
    # A value written with `%` is already a percentage: never read as a fraction.
    written_percent = stage["value_percent"].to_numpy(dtype=bool)
    candidates = unit["percentage"] & ~np.isnan(value) & ~written_percent
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
        rows = (group == code) & ~written_percent
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
