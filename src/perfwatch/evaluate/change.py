"""Evaluation step 4: how each series is changing. Direction against the previous period and a year
earlier, trend, benchmark against the comparator, and SPC (`evaluate/spc.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.evaluate import stats, trends
from perfwatch.evaluate.judgements import change_direction, direction_of_step, printed_places
from perfwatch.evaluate.settings import (
    BENCHMARK,
    DIRECTION,
    _coded,
    _ind,
    _period_start,
    _text_indicator_rows,
    _vocabulary_codes,
)
from perfwatch.evaluate.spc import compute_spc
from perfwatch.evaluate.spc_summary import summarise_spc
from perfwatch.framework.settings import indicator_positions
from perfwatch.vocabulary import ASSURANCES, BENCHMARKS, SPC_RULES, SPC_SIGNALS, TRENDS, VARIATIONS, codes_of

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework


# --- stage 4: direction, trend, benchmark, SPC ------------------------------------------------------


def _area_codes(frame: pd.DataFrame, column: str, areas: pd.Index) -> np.ndarray:
    values = frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.equals(areas):
        return values.cat.codes.to_numpy().astype("int64")
    return pd.Categorical(values, categories=areas).codes.astype("int64")


def _row_keys(ind: np.ndarray, area: np.ndarray, months: np.ndarray, start: np.ndarray) -> np.ndarray:
    """One int64 per indicator × area × period length × period start (codes must be non-negative)."""
    return ((ind.astype("int64") * 100_000 + area) * 13 + months) * 1_000_000 + start


def _keys_of(
    frame: pd.DataFrame, settings: pd.DataFrame, areas: pd.Index, area_column: str = "area"
) -> np.ndarray:
    return _row_keys(
        indicator_positions(frame, settings),
        _area_codes(frame, area_column, areas),
        frame["period_months"].to_numpy(dtype="int64"),
        frame["period_start"].to_numpy(dtype="int64"),
    )


def _lookup(source_keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row positions in the source of each wanted key; -1 where there is none.

    The evaluation's tables are sorted by their keys, so this is a binary search; an unsorted source
    falls back to a hash index.
    """
    if len(source_keys) == 0:
        return np.full(len(wanted), -1, dtype="int64")
    if (source_keys[1:] > source_keys[:-1]).all():
        positions = np.minimum(np.searchsorted(source_keys, wanted), len(source_keys) - 1)
        return np.where(source_keys[positions] == wanted, positions, -1)
    return pd.Index(source_keys).get_indexer(wanted)


def _take(values: np.ndarray, positions: np.ndarray, fill=np.nan) -> np.ndarray:
    out = np.asarray(values)[np.where(positions >= 0, positions, 0)]
    if out.dtype.kind in "fc":
        return np.where(positions >= 0, out, fill)
    out = out.astype(object)
    out[positions < 0] = None if fill is np.nan else fill
    return out


def _direction(
    table: pd.DataFrame, framework: Framework, settings: pd.DataFrame, keys: np.ndarray, back: np.ndarray
) -> np.ndarray:
    """Codes into DIRECTIONS: each row against the row of its series `back` months earlier."""
    earlier = _lookup(keys, keys - back)  # the period start is the key's last term
    sign = _ind(table, settings, "sign").to_numpy(dtype="float64")
    numeric = _ind(table, settings, "numeric").to_numpy(dtype=bool)
    value = table["value"].to_numpy(dtype="float64")
    lo, hi = table["ci_lower"].to_numpy(dtype="float64"), table["ci_upper"].to_numpy(dtype="float64")
    direction = change_direction(
        value, lo, hi, _take(value, earlier), _take(lo, earlier), _take(hi, earlier), sign,
        printed_places(table, settings),
    )  # fmt: skip
    # Yes/no and judgement indicators: compare positions on the scale.
    if (~numeric).any():
        rank = _text_rank(table, framework, settings)
        step = rank - _take(rank, earlier)
        direction = np.where(numeric, direction, direction_of_step(step))
    return np.where(sign == 0, DIRECTION["not_comparable"], direction)


def _text_rank(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> np.ndarray:
    """Position of each yes/no or judgement answer on its scale (NaN for numeric rows and no answer)."""
    rank = np.full(len(table), np.nan)
    for ind, rows in _text_indicator_rows(table, framework, settings):
        order = (
            {"no": 0, "yes": 1} if ind.unit == "yes_no" else {lvl: i for i, lvl in enumerate(ind.scale or [])}
        )
        answers = table["value_text"].iloc[rows].astype(object)
        rank[rows] = answers.map(order).to_numpy(dtype="float64", na_value=np.nan)
    return rank


def _series_ids(table: pd.DataFrame, settings: pd.DataFrame, areas: pd.Index) -> np.ndarray:
    """A number per indicator × area × period length, for a table sorted by KEYS."""
    key = (
        indicator_positions(table, settings).astype("int64") * 100_000 + _area_codes(table, "area", areas)
    ) * 13 + table["period_months"].to_numpy(dtype="int64")
    return np.cumsum(np.r_[True, key[1:] != key[:-1]]) - 1 if len(key) else key


def _trend(table: pd.DataFrame, settings: pd.DataFrame, series: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Codes into TRENDS: the Fingertips recent trend at every point, over the five points ending there
    (native series only).

    The table is sorted by series and period, so the four points before a row are the four rows before
    it, when they are in the same series and one step apart each (a missing period ends the run).
    """
    trend = np.full(len(table), codes_of(TRENDS)["cannot_be_calculated"], dtype="int8")
    codes = indicator_positions(table, settings)
    method = settings["ci_method"].to_numpy(dtype=object)
    value_type = np.where(
        method == "wilson",
        np.where(settings["unit"].to_numpy(dtype=object) == "percentage", "percentage", "proportion"),
        np.where(method == "poisson", "crude_rate", ""),
    )[codes]
    rows = np.flatnonzero(
        table["native"].to_numpy(dtype=bool) & (value_type != "") & table["denominator"].notna().to_numpy()
    )
    # Only windows of five points one step apart in the same series can be tested; the rest stay
    # `cannot_be_calculated` without being gathered.
    start = table["period_start"].to_numpy(dtype="int64")
    for back in range(1, 5):
        source = np.maximum(rows - back, 0)
        rows = rows[
            (rows >= back)
            & (series[source] == series[rows])
            & (start[source] == start[rows] - back * step[rows])
        ]
    if not len(rows):
        return trend
    matrices = []
    for column in ("value", "ci95_lower", "ci95_upper", "numerator", "denominator"):
        values = table[column].to_numpy(dtype="float64")
        matrices.append(np.lib.stride_tricks.sliding_window_view(values, 5)[rows - 4])  # oldest first
    polarity = settings["polarity"].to_numpy(dtype=object)[codes[rows]]
    trend[rows] = trends.trend_window_codes(*matrices, value_type[rows], polarity)
    return trend


def _benchmark(
    table: pd.DataFrame, framework: Framework, settings: pd.DataFrame, areas: pd.Index, keys: np.ndarray
) -> None:
    """Each area against its comparator (or the indicator's), plus rank and quintile among its peers."""
    own = areas.get_indexer(pd.Index([a.comparator for a in framework.areas], dtype=object))
    own_by_area = np.full(len(areas), -1, dtype="int64")
    own_by_area[: len(own)] = own  # the framework's areas come first in `areas`
    override = areas.get_indexer(pd.Index(settings["benchmark_comparator"].to_numpy(dtype=object)))
    area_codes = _area_codes(table, "area", areas)
    indicator_codes = indicator_positions(table, settings)
    by_indicator = override[indicator_codes]
    comparator = np.where(by_indicator >= 0, by_indicator, own_by_area[area_codes])
    table["comparator"] = pd.Categorical.from_codes(comparator, categories=areas)
    months = table["period_months"].to_numpy(dtype="int64")
    starts = table["period_start"].to_numpy(dtype="int64")
    wanted = _row_keys(indicator_codes, np.maximum(comparator, 0), months, starts)
    positions = np.where(comparator >= 0, _lookup(keys, wanted), -1)
    value = table["value"].to_numpy(dtype="float64")
    bench = _take(value, positions)
    table["comparator_value"] = bench
    sign = _ind(table, settings, "sign").to_numpy(dtype="float64")
    polarity = _ind(table, settings, "polarity").to_numpy(dtype=object)
    method = _ind(table, settings, "benchmark_method").to_numpy(dtype=object)
    high = _ind(table, settings, "confidence").to_numpy() == 0.998
    lo95, hi95 = table["ci95_lower"].to_numpy(dtype="float64"), table["ci95_upper"].to_numpy(dtype="float64")
    lo998 = table["ci998_lower"].to_numpy(dtype="float64")
    hi998 = table["ci998_upper"].to_numpy(dtype="float64")
    lo, hi = np.where(high, lo998, lo95), np.where(high, hi998, hi95)
    not_compared = BENCHMARK["not_compared"]
    result = np.full(len(table), not_compared, dtype="int8")
    for name, compared in (
        ("ci_contains_comparator", lambda: stats.ci_contains_raw(value, lo, hi, bench)),
        ("two_level", lambda: stats.two_level_raw(value, lo95, hi95, lo998, hi998, bench)[0]),
        ("overlap", lambda: stats.overlap_raw(
            value, lo, hi, bench, _take(table["ci_lower"].to_numpy(dtype="float64"), positions),
            _take(table["ci_upper"].to_numpy(dtype="float64"), positions))),
    ):  # fmt: skip
        rows = method == name
        if rows.any():
            result[rows] = stats.judgement_codes(compared()[rows], sign[rows])
    level_of = pd.Series({a.id: a.level for a in framework.areas}, dtype=object).reindex(areas).fillna("")
    level_codes, level_names = pd.factorize(level_of)
    table["level"] = pd.Categorical.from_codes(level_codes[area_codes], categories=level_names)
    peers = _row_keys(indicator_codes, level_codes[area_codes].astype("int64"), months, starts)
    quint = stats.quintiles(value, peers, polarity)
    rows = method == "quintiles"
    if rows.any():
        best = np.where(sign == 0, BENCHMARK["lower"], BENCHMARK["better"])
        worst = np.where(sign == 0, BENCHMARK["higher"], BENCHMARK["worse"])
        by_quintile = np.select(
            [quint == 1, quint == 5, quint >= 2], [best, worst, BENCHMARK["similar"]], not_compared
        )
        result[rows] = by_quintile[rows]
    rank, size = stats.rank_within(value, peers, polarity)
    table["rank"], table["rank_of"], table["quintile"] = rank, size, quint
    # A count is not benchmarked against a total (a district's visits against the county's): only rates,
    # percentages and other ratios are comparable across areas of different sizes.
    comparable = _ind(table, settings, "numeric").to_numpy(dtype=bool) & (
        _ind(table, settings, "aggregation").to_numpy(dtype=object) != "sum"
    )
    table["benchmark"] = _coded(np.where(comparable, result, not_compared), BENCHMARKS)


def _spc(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame, series: np.ndarray) -> None:
    """SPC per native indicator × area series where enabled. Every point of a series also carries the
    series' summary (its latest point's variation and assurance icons and the sentence that says so)."""
    numbers = {c: np.full(len(table), np.nan) for c in ("spc_mean", "spc_lower", "spc_upper", "spc_group")}
    vocabularies = {
        column: list(dict.fromkeys([*words, ""]))
        for column, words in (("spc_signal", SPC_SIGNALS), ("spc_rule", SPC_RULES), ("variation", VARIATIONS),
                              ("assurance", ASSURANCES))
    }  # fmt: skip
    texts = {
        column: np.full(len(table), words.index(""), dtype="int8") for column, words in vocabularies.items()
    }
    trial = np.zeros(len(table), dtype=bool)
    sentence_codes, sentences = np.full(len(table), 0, dtype="int32"), pd.Index([""], dtype=object)

    def store() -> None:
        for column, values in numbers.items():
            table[column] = values
        for column, codes in texts.items():
            table[column] = _coded(codes, vocabularies[column])
        table["spc_trial"] = trial
        table["spc_text"] = pd.Categorical.from_codes(sentence_codes, categories=sentences)

    enabled = _ind(table, settings, "spc_enabled").to_numpy(dtype=bool) & table["native"].to_numpy(dtype=bool)
    enabled &= _ind(table, settings, "numeric").to_numpy(dtype=bool)
    if not enabled.any():
        store()
        return
    sub = table[enabled]
    codes = pd.factorize(series[enabled])[0]  # series in table order, so codes ascend
    first_rows = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ys = framework.year_start_month
    rebase = np.zeros(len(sub), dtype=bool)
    rows_settings = []
    for ind in framework.indicators.values():
        spc = ind.spc or framework.defaults.spc
        if not (spc and spc.enabled):
            continue
        mask = (sub["indicator"] == ind.id).to_numpy()
        if spc.rebase:
            labels = {p.label for p in (_period_start(r, ys) for r in spc.rebase) if p is not None}
            rebase[mask] = sub["period"].isin(labels).to_numpy()[mask]
        rows_settings.append(
            {
                "indicator": ind.id,
                "direction": {"higher_is_better": 1, "lower_is_better": -1}.get(ind.polarity, 0),
                "screen_outliers": spc.screen_outliers,
                "two_in_three_counts_outside": spc.two_in_three_counts_outside,
                "run_length": spc.run_length,
                "fix_after": spc.fix_after or 0,
                "min_points": spc.min_points,
            }
        )
    per_indicator = pd.DataFrame(rows_settings).set_index("indicator")
    series_settings = per_indicator.loc[sub["indicator"].iloc[first_rows].astype(str)].reset_index(drop=True)
    # The assurance icon holds each series' points to its own area's target for one period (a month's
    # share of a year-to-date target, not the whole year's).
    last_rows = np.r_[first_rows[1:] - 1, len(codes) - 1]
    series_settings["target"] = sub["period_target"].to_numpy(dtype="float64")[last_rows]
    points = pd.DataFrame(
        {
            "series": codes,
            "order": sub["period_start"].to_numpy(),
            "value": sub["value"].to_numpy(dtype="float64"),
            "rebase": rebase,
            "label": sub["period"].to_numpy(),
        },
        index=sub.index,
    )
    computed = compute_spc(points, series_settings)
    rows = np.flatnonzero(enabled)
    for column in numbers:
        numbers[column][rows] = computed[column].to_numpy(dtype="float64")
    for column in ("spc_signal", "spc_rule"):
        texts[column][rows] = _vocabulary_codes(computed[column], vocabularies[column])
    trial[rows] = computed["spc_trial"].to_numpy(dtype=bool)
    summary = summarise_spc(points, computed, series_settings).reset_index(drop=True)
    # Every point of a series carries the series' (latest point's) variation and assurance icons.
    for column in ("variation", "assurance"):
        texts[column][rows] = _vocabulary_codes(summary[column], vocabularies[column])[codes]
    series_sentences, distinct = pd.factorize(pd.Index(["", *summary["spc_text"].astype(object)]))
    sentence_codes[rows] = series_sentences[1:][codes]
    sentences = pd.Index(distinct, dtype=object)
    store()
