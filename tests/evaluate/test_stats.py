"""Tests for perfwatch.evaluate.stats: intervals, benchmark comparisons, quintiles and the recent trend."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from perfwatch.evaluate import stats, trends

RTOL = 1e-8
POLARITIES = ["higher_is_better", "lower_is_better", "no_judgement"]


# --- z values ---------------------------------------------------------------------------------------------


def test_z_value_levels_and_percent_form():
    assert stats.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert stats.z_value(0.998) == pytest.approx(3.090232, abs=1e-6)
    assert stats.z_value(95) == stats.z_value(0.95)
    assert stats.z_value(99.8) == stats.z_value(0.998)
    np.testing.assert_allclose(stats.z_value([0.95, 99.8]), [1.959964, 3.090232], atol=1e-6)
    assert math.isnan(stats.z_value(float("nan")))


# --- known answers: PHEindicatormethods test data (methods/indicator-stats.md section 5) -------------------

# Source: ukhsa-collaboration/PHEindicatormethods test data (testdata for phe_proportion / phe_rate).
KNOWN = [
    # method, numerator, denominator, multiplier, lower95, upper95, lower99.8, upper99.8
    (
        "wilson",
        1,
        100,
        1,
        0.0017674320641406511,
        0.054486196178705294,
        0.000873065697299977,
        0.1045544528370582,
    ),
    (
        "wilson",
        5,
        100,
        1,
        0.02154367915436798,
        0.11175046923191911,
        0.013865320725997183,
        0.16458852282596442,
    ),
    ("rate", 1, 100, 100000, 25.317807984289896, 5571.643390938898, 1.0005003335835343, 9233.413476451586),
    ("rate", 20, 100, 100000, 12211.428834875936, 30889.880369197064, 8922.802365144193, 38085.03562504191),
]


@pytest.mark.parametrize(("method", "x", "n", "mult", "lo95", "hi95", "lo998", "hi998"), KNOWN)
def test_known_answers_pheindicatormethods(method, x, n, mult, lo95, hi95, lo998, hi998):
    """PHEindicatormethods test data, at both 95% and 99.8%."""
    ci = stats.wilson_ci if method == "wilson" else stats.rate_ci
    for level, expected in ((0.95, (lo95, hi95)), (0.998, (lo998, hi998))):
        lower, upper = ci(x, n, level, mult)
        np.testing.assert_allclose([lower, upper], expected, rtol=RTOL)


def test_known_answers_vectorised_and_percent_confidence():
    """The same rows in one call give the same answers; confidence 95 means 0.95."""
    x = np.array([1, 5])
    lower, upper = stats.wilson_ci(x, np.array([100, 100]), 95)
    np.testing.assert_allclose(lower, [KNOWN[0][4], KNOWN[1][4]], rtol=RTOL)
    np.testing.assert_allclose(upper, [KNOWN[0][5], KNOWN[1][5]], rtol=RTOL)


# --- Wilson edge cases --------------------------------------------------------------------------------------


def test_wilson_zero_and_all():
    lower, upper = stats.wilson_ci([0, 10], [10, 10], 0.95, 100)
    assert lower[0] == 0.0
    assert upper[1] == 100.0
    assert 0 < upper[0] < 100
    assert 0 < lower[1] < 100


def test_wilson_bad_rows_give_nan_and_leave_others():
    lower, upper = stats.wilson_ci([11, -1, 3, np.nan, 3, 3], [10, 10, 0, 10, np.nan, 10], 0.95)
    assert np.isnan(lower[:5]).all() and np.isnan(upper[:5]).all()
    assert np.isfinite([lower[5], upper[5]]).all()


def test_wilson_confidence_one_gives_full_range_and_nullable_input():
    lower, upper = stats.wilson_ci(pd.Series([3, pd.NA], dtype="Int64"), pd.Series([10, 10]), 1.0, 100)
    assert (lower[0], upper[0]) == (0.0, 100.0)
    assert np.isnan(lower[1])


# --- Poisson: exact below 10, Byar's from 10 ---------------------------------------------------------------


def _exact(x, level):
    alpha = 1 - level
    low = 0.0 if x == 0 else sps.chi2.ppf(alpha / 2, 2 * x) / 2
    return low, sps.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2


def _byar(x, level):
    z = sps.norm.ppf(1 - (1 - level) / 2)
    low = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    high = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return low, high


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_poisson_switches_from_exact_to_byar_at_ten(level):
    lower, upper = stats.poisson_count_ci([0, 9, 10, 11], level)
    expected = [_exact(0, level), _exact(9, level), _byar(10, level), _byar(11, level)]
    np.testing.assert_allclose(lower, [e[0] for e in expected], rtol=RTOL)
    np.testing.assert_allclose(upper, [e[1] for e in expected], rtol=RTOL)
    assert lower[0] == 0.0
    assert _exact(9, level) != pytest.approx(_byar(9, level), rel=1e-6)


def test_rate_allows_numerator_above_denominator_and_rejects_bad_rows():
    lower, upper = stats.rate_ci([250, -1, 5, 5], [220, 100, 0, -3], 0.95, 100000)
    assert lower[0] < 250 / 220 * 100000 < upper[0]
    assert np.isnan(lower[1:]).all() and np.isnan(upper[1:]).all()


def test_isr_is_poisson_limits_of_observed_over_expected():
    lower, upper = stats.isr_ci([20, 4], [15.5, 6.0], 0.95, refvalue=100)
    np.testing.assert_allclose(
        lower, [_byar(20, 0.95)[0] / 15.5 * 100, _exact(4, 0.95)[0] / 6 * 100], rtol=RTOL
    )
    np.testing.assert_allclose(
        upper, [_byar(20, 0.95)[1] / 15.5 * 100, _exact(4, 0.95)[1] / 6 * 100], rtol=RTOL
    )
    assert np.isnan(stats.isr_ci(3, 0, 0.95)[0])


def test_mean_ci_uses_t_distribution():
    lower, upper = stats.mean_ci([10.0, 10.0, 5.0], [2.0, 2.0, 1.0], [16, 1, 30], 0.95)
    expected = sps.t.interval(0.95, 15, loc=10, scale=2 / 4)
    np.testing.assert_allclose([lower[0], upper[0]], expected, rtol=RTOL)
    assert np.isnan(lower[1]) and np.isnan(upper[1])
    assert lower[2] < 5 < upper[2]


# --- DSR ----------------------------------------------------------------------------------------------------


def test_dsr_dobson_small_example():
    """Three ESP2013 bands (65-69, 70-74, 75-79) for area A; B has too few events; C a zero population."""
    frame = pd.DataFrame(
        {
            "area": ["A", "A", "A", "B", "B", "C", "C"],
            "band": ["65-69", "70 – 74", "75-79", "65-69", "70-74", "65-69", "70-74"],
            "deaths": [5, 8, 12, 2, np.nan, 30, 40],
            "pop": [1000, 800, 500, 900, 700, 1000, 0],
        }
    )
    weighted = stats.attach_weights(frame, "band")
    assert weighted["weight"].tolist() == [5500, 5000, 4000, 5500, 5000, 5500, 5000]
    result = stats.dsr(weighted, "area", "deaths", "pop", "weight", 0.95).set_index("area")

    # Expected for A by hand from section 2.4: DSR = Σ(w·x/n)/Σw × 100000,
    # V = Σ x·(w/n)² / (Σw)², O = 25, Byar limits of O, then Dobson.
    w, x, n = [5500, 5000, 4000], [5, 8, 12], [1000, 800, 500]
    sum_w = sum(w)
    rate = sum(wi * xi / ni for wi, xi, ni in zip(w, x, n, strict=True)) / sum_w
    var = sum(xi * (wi / ni) ** 2 for wi, xi, ni in zip(w, x, n, strict=True)) / sum_w**2
    events = 25
    o_low, o_high = _byar(events, 0.95)
    a = result.loc["A"]
    assert a["value"] == pytest.approx(rate * 100000, rel=RTOL)
    assert a["lower"] == pytest.approx((rate + math.sqrt(var / events) * (o_low - events)) * 100000, rel=RTOL)
    assert a["upper"] == pytest.approx(
        (rate + math.sqrt(var / events) * (o_high - events)) * 100000, rel=RTOL
    )
    assert (a["total_count"], a["total_pop"], a["reason"]) == (25, 2300, "")

    b = result.loc["B"]
    assert np.isnan([b["value"], b["lower"], b["upper"]]).all()
    assert (b["reason"], b["total_count"], b["total_pop"]) == ("fewer than 10 events", 2, 1600)
    c = result.loc["C"]
    assert np.isnan(c["value"]) and "population" in c["reason"]


def test_dsr_several_group_columns_and_99_8():
    frame = pd.DataFrame(
        {
            "area": ["A", "A", "A", "A"],
            "year": [2022, 2022, 2023, 2023],
            "band": ["0-4", "90 and over", "0-4", "90+"],
            "n": [40, 30, 50, 60],
            "pop": [2000, 300, 2100, 320],
        },
        index=[10, 11, 12, 13],
    )
    frame = stats.attach_weights(frame, "band", weight_col="w")
    narrow = stats.dsr(frame, ["area", "year"], "n", "pop", "w", 0.95)
    wide = stats.dsr(frame, ["area", "year"], "n", "pop", "w", 99.8)
    assert list(narrow["year"]) == [2022, 2023]
    assert (wide["lower"] < narrow["lower"]).all() and (wide["upper"] > narrow["upper"]).all()
    assert (narrow["lower"] < narrow["value"]).all() and (narrow["value"] < narrow["upper"]).all()


def test_esp2013_has_19_bands_summing_to_100000():
    assert len(stats.ESP2013) == 19
    assert sum(stats.ESP2013.values()) == 100000


# --- benchmark comparisons ---------------------------------------------------------------------------------


def test_ci_contains_inclusive_ends_and_polarity():
    value = [50, 50, 50, 50, 50, 50]
    lower = [45, 45, 45, 45, 45, 45]
    upper = [55, 55, 55, 55, 55, 55]
    bench = [45, 55, 40, 60, 40, 60]
    pol = ["higher_is_better"] * 4 + ["lower_is_better"] * 2
    got = stats.compare_ci_contains(value, lower, upper, bench, pol)
    assert list(got) == ["similar", "similar", "better", "worse", "worse", "better"]
    neutral = stats.compare_ci_contains(value, lower, upper, bench, "no_judgement")
    assert list(neutral) == ["similar", "similar", "higher", "lower", "higher", "lower"]


def test_ci_contains_not_compared_when_missing():
    got = stats.compare_ci_contains(
        [np.nan, 50, 50, 50, 50], [45, np.nan, 45, 45, 45], [55, 55, 55, 55, 55], [40, 40, np.nan, 40, 40],
        ["higher_is_better", "higher_is_better", "higher_is_better", None, "sideways"],
    )  # fmt: skip
    assert list(got) == ["not_compared"] * 5


def test_two_level_grades():
    # 95%: 45-55; 99.8%: 42-58.
    bench = [50, 43, 42, 41, 57, 58, 59, 45]
    label, grade = stats.compare_two_level(50, 45, 55, 42, 58, bench, "higher_is_better")
    assert list(label) == ["similar", "better", "better", "better", "worse", "worse", "worse", "similar"]
    assert list(grade) == [
        "similar", "better_95", "better_95", "better_99.8", "worse_95", "worse_95", "worse_99.8", "similar",
    ]  # fmt: skip
    _, swapped = stats.compare_two_level(50, 45, 55, 42, 58, bench, "lower_is_better")
    assert list(swapped)[1:7] == [
        "worse_95",
        "worse_95",
        "worse_99.8",
        "better_95",
        "better_95",
        "better_99.8",
    ]
    _, neutral = stats.compare_two_level(50, 45, 55, 42, 58, [41, 59], "no_judgement")
    assert list(neutral) == ["higher_99.8", "lower_99.8"]
    label, grade = stats.compare_two_level(50, 45, 55, np.nan, 58, 40, "higher_is_better")
    assert (label[()], grade[()]) == ("not_compared", "not_compared")


def test_overlap_touching_counts_as_similar():
    got = stats.compare_overlap(
        [10, 10, 10, 20], [8, 8, 8, 18], [12, 12, 12, 22], [14, 15, 5, 10], [12, 13, 3, 8], [16, 17, 7, 12],
        "higher_is_better",
    )  # fmt: skip
    assert list(got) == ["similar", "worse", "better", "better"]
    assert list(stats.compare_overlap(10, 8, 12, 15, 13, 17, ["lower_is_better", "no_judgement"])) == [
        "better", "lower",
    ]  # fmt: skip
    assert stats.compare_overlap(10, np.nan, 12, 15, 13, 17, "lower_is_better")[()] == "not_compared"


# --- quintiles and ranks -----------------------------------------------------------------------------------


def test_quintiles_match_numpy_linear_percentiles():
    rng = np.random.default_rng(7)
    groups = np.repeat(["a", "b", "c", "d"], [23, 5, 4, 40])
    values = np.round(rng.normal(50, 10, len(groups)), 1)
    values[[3, 30]] = np.nan
    low = stats.quintiles(values, groups, "lower_is_better")
    high = stats.quintiles(values, groups, "higher_is_better")
    for group in ["a", "b", "d"]:
        mask = groups == group
        valid = values[mask][~np.isnan(values[mask])]
        bounds = np.round(np.percentile(valid, [20, 40, 60, 80], method="linear"), 10)
        expected = 1 + (values[mask][:, None] > bounds).sum(axis=1)
        expected = np.where(np.isnan(values[mask]), np.nan, expected)
        np.testing.assert_array_equal(low[mask], expected)
        np.testing.assert_array_equal(high[mask], 6 - expected)
    assert np.isnan(low[groups == "c"]).all()
    assert np.isnan(low[3])


def test_quintiles_no_judgement_is_low_to_high():
    got = stats.quintiles([1, 2, 3, 4, 5], ["g"] * 5, "no_judgement")
    assert list(got) == [1, 2, 3, 4, 5]
    assert list(stats.quintiles([1, 2, 3, 4, 5], ["g"] * 5, "higher_is_better")) == [5, 4, 3, 2, 1]


def test_rank_within_by_polarity():
    values = [3.0, 1.0, 2.0, np.nan, 2.0, 9.0]
    groups = ["a", "a", "a", "a", "a", "b"]
    rank, size = stats.rank_within(values, groups, "higher_is_better")
    np.testing.assert_array_equal(rank, [1, 4, 2, np.nan, 2, 1])
    np.testing.assert_array_equal(size, [4, 4, 4, 4, 4, 1])
    rank, _ = stats.rank_within(values, groups, "lower_is_better")
    np.testing.assert_array_equal(rank, [4, 1, 2, np.nan, 2, 1])
    rank, _ = stats.rank_within(values, groups, "no_judgement")
    np.testing.assert_array_equal(rank, [1, 4, 2, np.nan, 2, 1])


@given(
    st.lists(
        st.tuples(st.sampled_from([1.0, 2.0, 2.5, np.nan, -1.0, 7.0]), st.integers(0, 3)),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(["higher_is_better", "lower_is_better", "no_judgement"]),
)
@settings(max_examples=150, deadline=None)
def test_rank_within_matches_pandas_min_rank(rows, polarity):
    values = np.array([v for v, _ in rows])
    groups = np.array([g for _, g in rows])
    key = values if polarity == "lower_is_better" else -values
    expected = pd.Series(key).groupby(groups).rank(method="min").to_numpy()
    rank, size = stats.rank_within(values, groups, polarity)
    np.testing.assert_array_equal(rank, expected)
    np.testing.assert_array_equal(size, pd.Series(np.isfinite(values)).groupby(groups).transform("sum"))


@given(st.lists(st.sampled_from([-2.0, -1.0, 0.0, 1.0, 3.0, np.nan]), min_size=1, max_size=40))
@settings(max_examples=100, deadline=None)
def test_judgements_follow_polarity(raw):
    """The words of a raw comparison (+ area higher, − lower, 0 similar, NaN not compared), by polarity."""
    raw = np.array(raw)
    expected = {
        "higher_is_better": ("better", "worse"), "lower_is_better": ("worse", "better"),
        "no_judgement": ("higher", "lower"), "unknown": ("not_compared", "not_compared"),
    }  # fmt: skip
    for polarity, (above, below) in expected.items():
        words = stats._judge(raw, polarity)
        for word, r in zip(words, raw, strict=True):
            if np.isnan(r) or polarity == "unknown":
                assert word == "not_compared"
            else:
                assert word == (above if r > 0 else below if r < 0 else "similar")


# --- recent trend ------------------------------------------------------------------------------------------


def _series(name, counts, denominators, orders=None, level=0.95):
    counts = np.asarray(counts, dtype=float)
    denominators = np.asarray(denominators, dtype=float)
    lower, upper = stats.wilson_ci(counts, denominators, level, 100)
    return pd.DataFrame(
        {
            "id": name,
            "order": np.arange(len(counts)) if orders is None else orders,
            "value": counts / denominators * 100,
            "lower": lower,
            "upper": upper,
            "num": counts,
            "den": denominators,
        }
    )


def _trend(frame, value_type="proportion", polarity="higher_is_better", test="A"):
    return trends.recent_trend(
        frame["id"], frame["order"], frame["value"], frame["lower"], frame["upper"], frame["num"], frame["den"],
        value_type, polarity, test,
    )  # fmt: skip


RISING = _series("rising", [300, 340, 380, 420, 460], [1000] * 5)
FLAT = _series("flat", [300, 310, 295, 305, 302], [1000] * 5)


@pytest.mark.parametrize("test", ["A", "B"])
def test_recent_trend_significant_and_not(test):
    result = _trend(pd.concat([RISING, FLAT]), test=test)
    assert result.loc["rising", "trend"] == "improving"
    assert result.loc["rising", "chi2"] > stats.TREND_CHI2_THRESHOLD
    assert result.loc["flat", "trend"] == "no_significant_change"
    assert (result["trend_reason"] == "").all()
    assert _trend(RISING, polarity="lower_is_better", test=test).loc["rising", "trend"] == "worsening"
    assert _trend(RISING, polarity="no_judgement", test=test).loc["rising", "trend"] == "increasing"
    falling = RISING.assign(order=-RISING["order"])
    assert _trend(falling, test=test).loc["rising", "trend"] == "worsening"
    assert _trend(falling, polarity="no_judgement", test=test).loc["rising", "trend"] == "decreasing"


def test_recent_trend_test_a_matches_weighted_least_squares():
    """χ² = b²·Σw(t − t̄)², b the inverse-variance weighted slope (an independent route to section 4)."""
    result = _trend(FLAT.assign(id="x"))
    se = (FLAT["upper"] - FLAT["lower"]).to_numpy() / 3.92
    w, t, y = 1 / se**2, np.arange(1, 6), FLAT["value"].to_numpy()
    t_bar = (w * t).sum() / w.sum()
    sxx = (w * (t - t_bar) ** 2).sum()
    slope = (w * (t - t_bar) * y).sum() / sxx
    assert result.loc["x", "slope"] == pytest.approx(slope, rel=RTOL)
    assert result.loc["x", "chi2"] == pytest.approx(slope**2 * sxx, rel=RTOL)


def test_recent_trend_test_b_matches_prop_trend_test():
    """χ² = [Σ Oₜ(t − t̄)]² / [p(1 − p) Σ Nₜ(t − t̄)²] with t̄ = ΣNₜt/N (R prop.trend.test, scores 1..5)."""
    counts, dens = np.array([30, 36, 33, 41, 45.0]), np.array([200, 210, 190, 205, 215.0])
    result = _trend(_series("x", counts, dens), test="B")
    t = np.arange(1, 6)
    t_bar = (dens * t).sum() / dens.sum()
    p = counts.sum() / dens.sum()
    chi2 = (counts * (t - t_bar)).sum() ** 2 / (p * (1 - p) * (dens * (t - t_bar) ** 2).sum())
    assert result.loc["x", "chi2"] == pytest.approx(chi2, rel=RTOL)
    logit = np.log(counts / (dens - counts))
    assert result.loc["x", "slope"] == pytest.approx(np.polyfit(t, logit, 1)[0], rel=RTOL)


def test_recent_trend_inconsistent_leave_one_out_is_not_significant():
    """Values 20, 10, 10, 10, 40 with narrow intervals: χ² is large but dropping the last point reverses the slope."""
    frame = pd.DataFrame(
        {
            "id": "x", "order": range(5), "value": [20.0, 10, 10, 10, 40], "num": 5.0, "den": 100.0,
        }
    )  # fmt: skip
    frame["lower"], frame["upper"] = frame["value"] - 0.196, frame["value"] + 0.196
    result = _trend(frame)
    assert result.loc["x", "chi2"] > 1000
    assert result.loc["x", "trend"] == "no_significant_change"


def test_recent_trend_uses_only_the_five_most_recent_points():
    older = _series("x", [900, 100, 300, 340, 380, 420, 460], [1000] * 7, orders=[0, 1, 2, 3, 4, 5, 6])
    assert _trend(older).loc["x", "trend"] == "improving"
    shuffled = older.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(_trend(shuffled), _trend(older))


def _with(frame, **changes):
    frame = frame.copy()
    for column, (position, value) in changes.items():
        frame.loc[frame.index[position], column] = value
    return frame


INELIGIBLE = {
    "value_type": (RISING, {"value_type": "dsr"}, "only for proportions and crude rates"),
    "too_few": (RISING.iloc[:4], {}, "fewer than 5 points"),
    "broken_run": (
        _series("x", [300, 340, 380, 420, 460, 480], [1000] * 6).pipe(_with, num=(2, np.nan)),
        {},
        "unbroken run",
    ),
    "count_equals_denominator": (
        _series("x", [300, 340, 380, 420, 1000], [1000] * 5),
        {},
        "equals its denominator",
    ),
    "missing_interval": (_with(RISING, lower=(1, np.nan)), {}, "95% confidence intervals"),
    "zero_width": (_with(RISING, upper=(2, RISING["lower"].iloc[2])), {}, "zero width"),
    "zero_count_test_b": (
        _series("x", [0, 340, 380, 420, 460], [1000] * 5),
        {"test": "B"},
        "logit undefined",
    ),
    "unknown_test": (RISING, {"test": "C"}, "must be A or B"),
}


@pytest.mark.parametrize("case", list(INELIGIBLE))
def test_recent_trend_ineligible(case):
    frame, options, reason = INELIGIBLE[case]
    result = _trend(frame.assign(id="x"), **options)
    assert result.loc["x", "trend"] == "cannot_be_calculated"
    assert reason in result.loc["x", "trend_reason"]
    assert np.isnan(result.loc["x", "slope"]) and np.isnan(result.loc["x", "chi2"])


def test_recent_trend_mixed_batch_keeps_rows_independent():
    frames = [
        RISING,
        FLAT,
        RISING.iloc[:3].assign(id="short"),
        _series("crude", [30, 40, 50, 60, 80], [1e5] * 5),
    ]
    frame = pd.concat(frames, ignore_index=True)
    kinds = np.where(frame["id"] == "crude", "crude_rate", "proportion")
    tests = np.where(frame["id"] == "flat", "B", "A")
    result = _trend(frame, value_type=kinds, test=tests)
    assert result["trend"].to_dict() == {
        "crude": "improving", "flat": "no_significant_change", "rising": "improving",
        "short": "cannot_be_calculated",
    }  # fmt: skip


# --- properties ---------------------------------------------------------------------------------------------

levels = st.sampled_from([0.95, 0.998])
counts = st.integers(min_value=0, max_value=100_000)


@st.composite
def proportions(draw):
    n = draw(st.integers(min_value=1, max_value=100_000))
    return draw(st.integers(min_value=0, max_value=n)), n


@given(proportions(), levels)
def test_wilson_contains_estimate(xn, level):
    x, n = xn
    lower, upper = stats.wilson_ci(x, n, level)
    assert 0 <= lower <= x / n <= upper <= 1


@given(counts, st.floats(min_value=0.5, max_value=1e7), levels)
def test_rate_contains_estimate(x, n, level):
    lower, upper = stats.rate_ci(x, n, level, 1000)
    assert lower <= x / n * 1000 * (1 + 1e-12) and x / n * 1000 <= upper * (1 + 1e-12)
    assert lower <= upper


@given(st.floats(-1e6, 1e6), st.floats(0, 1e4), st.integers(2, 10_000), levels)
def test_mean_contains_estimate(mean, sd, n, level):
    lower, upper = stats.mean_ci(mean, sd, n, level)
    assert lower <= mean <= upper


@given(proportions(), st.integers(min_value=2, max_value=50), levels)
def test_wilson_narrows_with_denominator(xn, factor, level):
    x, n = xn
    lower1, upper1 = stats.wilson_ci(x, n, level)
    lower2, upper2 = stats.wilson_ci(x * factor, n * factor, level)
    assert upper2 - lower2 < upper1 - lower1


@given(st.integers(0, 10_000), st.integers(1, 10_000), st.integers(min_value=2, max_value=50), levels)
def test_rate_narrows_with_denominator(x, n, factor, level):
    lower1, upper1 = stats.rate_ci(x, n, level)
    lower2, upper2 = stats.rate_ci(x * factor, n * factor, level)
    assert upper2 - lower2 < upper1 - lower1


@settings(max_examples=50)
@given(st.lists(st.tuples(st.integers(-5, 200), st.integers(-5, 200)), min_size=1, max_size=30), levels)
def test_lower_never_above_upper(pairs, level):
    x, n = np.array(pairs, dtype=float).T
    for lower, upper in (
        stats.wilson_ci(x, n, level),
        stats.rate_ci(x, n, level),
        stats.poisson_count_ci(x, level),
        stats.isr_ci(x, n, level),
    ):
        computed = ~np.isnan(lower) & ~np.isnan(upper)
        assert (lower[computed] <= upper[computed]).all()


finite = st.floats(-1e6, 1e6)


@given(finite, finite, st.floats(0, 1e3), finite, st.floats(0, 1e3), st.floats(0, 1e3))
def test_swapping_polarity_swaps_better_and_worse(value, bench, half95, other, extra, half_b):
    swap = {"better": "worse", "worse": "better", "similar": "similar", "not_compared": "not_compared"}
    lo95, hi95 = value - half95, value + half95
    lo998, hi998 = lo95 - extra, hi95 + extra
    for compare in (
        lambda p: stats.compare_ci_contains(value, lo95, hi95, bench, p),
        lambda p: stats.compare_two_level(value, lo95, hi95, lo998, hi998, bench, p)[0],
        lambda p: stats.compare_overlap(value, lo95, hi95, other, other - half_b, other + half_b, p),
    ):
        assert compare("lower_is_better")[()] == swap[compare("higher_is_better")[()]]


def test_recent_trend_accepts_key_columns_and_missing_order():
    frame = pd.concat([RISING.assign(indicator="i1", area="a"), FLAT.assign(indicator="i1", area="b")])
    frame = pd.concat([frame, RISING.iloc[:1].assign(indicator="i1", area="a", order=np.nan, num=np.nan)])
    result = trends.recent_trend(
        frame[["indicator", "area"]], frame["order"], frame["value"], frame["lower"], frame["upper"],
        frame["num"], frame["den"], "proportion", "higher_is_better",
    )  # fmt: skip
    assert result.index.names == ["indicator", "area"]
    assert result.loc[("i1", "a"), "trend"] == "improving"
    assert result.loc[("i1", "b"), "trend"] == "no_significant_change"
