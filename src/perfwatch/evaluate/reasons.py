"""The plain-English sentence that says why a row has its status.

A reason is a rendering of what the evaluation decided (status, value, target, gap, tolerance), not a
decision of its own, so it is written on demand for the rows a reader needs: the evaluation writes it for
`Results.latest` (what every report and `perfwatch status` shows); `Results.full_table()` writes it for
every row of `Results.table` (what an export writes). At a million rows that is ~6 s saved from every
evaluation that is not exported.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.formatting import format_amounts, format_values
from perfwatch.framework.model import MONTH_NAMES

if TYPE_CHECKING:
    import pyarrow as pa

    from perfwatch.framework.model import Framework

#: The columns a frame needs for its reasons (all are columns of `Results.table` and `Results.latest`).
REASON_COLUMNS = [
    "indicator", "period", "status", "compared_value", "target", "gap", "tolerance", "ytd", "value_text",
    "missing",
]  # fmt: skip
NO_DATA_YET = "No data for this indicator yet."
_MISSING_WORDS = {
    "suppressed": "the value is suppressed (small numbers)",
    "not_available": "the value is not available",
    "error": "the value could not be read",
}


def _formatted(values: np.ndarray, format_all) -> np.ndarray:
    """Formatted texts for a column of numbers: each distinct value is formatted once, then taken."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(format_all(np.asarray(uniques, dtype="float64")), dtype=object)[codes]


def _period_words(label: str) -> str:
    """`2018-03` → `March 2018`; quarters and years are already words."""
    if len(label) == 7 and label[4] == "-" and label[:4].isdigit():
        return f"{MONTH_NAMES[int(label[5:]) - 1].title()} {label[:4]}"
    return label


def _column(frame: pd.DataFrame, name: str, dtype: str) -> np.ndarray:
    return frame[name].to_numpy(dtype=dtype, na_value=np.nan if dtype == "float64" else False)


def _number_texts(frame: pd.DataFrame, framework: Framework) -> dict[str, np.ndarray]:
    """Value, target, gap and tolerance formatted in each row's indicator's unit and decimals."""
    n = len(frame)
    ids = frame["indicator"].astype(object).to_numpy()
    order = np.argsort(ids.astype(str), kind="stable") if n else np.zeros(0, dtype="int64")
    sorted_ids = ids[order]
    bounds = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1], True]) if n else np.array([0])
    numbers = {name: _column(frame, column, "float64") for name, column in
               (("value", "compared_value"), ("target", "target"), ("gap", "gap"), ("tolerance", "tolerance"))}  # fmt: skip
    numbers["gap"] = np.abs(numbers["gap"])
    texts = {name: np.full(n, "", dtype=object) for name in numbers}
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        indicator = framework.indicators.get(str(sorted_ids[start]))
        if indicator is None:
            continue
        rows = order[start:end]
        value_format = partial(format_values, unit=indicator.unit, decimals=indicator.decimals)
        amount_format = partial(format_amounts, unit=indicator.unit, decimals=indicator.decimals)
        for name, formatter in (
            ("value", value_format), ("target", value_format),
            ("gap", partial(amount_format, exact=False)), ("tolerance", amount_format),
        ):  # fmt: skip
            texts[name][rows] = _formatted(numbers[name][rows], formatter)
    return texts


def reasons(frame: pd.DataFrame, framework: Framework) -> pd.Categorical:
    """One sentence per row of `frame` (any rows of `Results.table` or `Results.latest`, any order).

    Numbers are formatted once per distinct value and indicator; the sentences are then put together with
    whole-column Arrow string operations, never a Python call per row.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if frame.empty:
        return pd.Categorical([], categories=pd.Index([], dtype=object))
    texts = _number_texts(frame, framework)

    def text(values) -> pa.Array:
        return pa.array(values, type=pa.string(), from_pandas=True)

    def join(*parts) -> pa.Array:
        return pc.binary_join_element_wise(
            *[p if isinstance(p, pa.Array | pa.ChunkedArray) else pa.scalar(p) for p in parts], ""
        )

    def choose(mask: np.ndarray, yes, no) -> pa.Array:
        return pc.if_else(pa.array(mask), yes, no)

    value = _column(frame, "compared_value", "float64")
    target = _column(frame, "target", "float64")
    gap = _column(frame, "gap", "float64")
    tolerance = _column(frame, "tolerance", "float64")
    status = frame["status"].astype(object).to_numpy()
    ytd = _column(frame, "ytd", "bool")
    ids = frame["indicator"].astype(object).to_numpy()
    id_codes, id_uniques = pd.factorize(ids)
    known = [framework.indicators.get(str(i)) for i in id_uniques]
    is_numeric = np.array([bool(k and k.is_numeric) for k in known] + [False])[id_codes]
    developing = np.array([bool(k and k.under_development) for k in known] + [False])[id_codes]
    value_text, target_text = text(texts["value"]), text(texts["target"])
    gap_text, tolerance_text = text(texts["gap"]), text(texts["tolerance"])
    lead = choose(ytd, "Year to date, ", "")
    period_codes, period_labels = pd.factorize(frame["period"].astype(object).fillna("").to_numpy())
    period_names = np.array([_period_words(str(p)) for p in period_labels] + [""], dtype=object)[period_codes]
    due = choose(ytd, join(" due by the end of ", text(period_names)), "")
    target_words = join("the ", target_text, " target", due)
    side = choose(value - target >= 0, " above ", " below ")
    has_tolerance = ~np.isnan(tolerance) & (tolerance > 0)
    tolerance_words = choose(has_tolerance, join("the ", tolerance_text, " tolerance"), "no tolerance")
    missed = join(lead, value_text, " is ", gap_text, side, target_words)
    within = choose(status == "amber", ", within ", ", outside ")
    beyond = choose(has_tolerance, join(within, tolerance_words, "."), ".")
    numeric = choose(
        status == "green",
        choose(np.abs(gap) < 1e-9, join(lead, value_text, " meets ", target_words, "."),
               join(missed, ", better than target.")),
        choose(np.isin(status, ["amber", "red"]), join(missed, beyond), ""),
    )  # fmt: skip
    answer_codes, levels = pd.factorize(frame["value_text"].astype(object).to_numpy())
    words = np.array([str(level).replace("_", " ") for level in levels] + [""], dtype=object)
    answers = words[answer_codes]  # scale levels read as words: 'partly met', not 'partly_met'; -1 → ""
    verbs = np.select(
        [status == "green", status == "red", status == "amber"],
        ["meets", "does not meet", "partly meets"],
        "",
    )
    answered = choose(
        verbs != "", join("Answer '", text(answers), "' ", text(verbs), " the target."), ""
    )  # fmt: skip
    missing = (
        pd.Series(frame["missing"].astype(object).to_numpy()).map(_MISSING_WORDS).fillna("there is no value")
    )
    sentence = choose(
        status == "no_data",
        join("No data: ", text(missing.to_numpy(dtype=object)), "."),
        choose(
            status == "no_target",
            "No target is set for this period.",
            choose(
                status == "not_assessed",
                choose(developing, "Under development: not yet rated.",
                       "Context indicator: shown for information, not rated."),
                choose(is_numeric, numeric, answered),
            ),
        ),
    )  # fmt: skip
    return _categorical(sentence)


def _categorical(sentences: pa.Array | pa.ChunkedArray) -> pd.Categorical:
    """Arrow strings as a pandas categorical (repeated sentences are stored once)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(sentences, pa.ChunkedArray):
        sentences = sentences.combine_chunks()
    encoded = pc.dictionary_encode(sentences)
    return pd.Categorical.from_codes(
        encoded.indices.to_numpy(zero_copy_only=False),
        categories=pd.Index(encoded.dictionary.to_pylist(), dtype=object),
    )
