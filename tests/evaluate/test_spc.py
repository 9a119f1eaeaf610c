"""SPC (Making Data Count XmR) against NHSRplotthedots v0.2.2 and perfwatch's decisions in methods/spc.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from perfwatch.evaluate.spc import LIMIT, NEAR_LIMIT, RULES, SIGNALS, compute_spc
from perfwatch.evaluate.spc_summary import summarise_spc
from perfwatch.vocabulary import ASSURANCES, SPC_RULES, SPC_SIGNALS, VARIATIONS

# set.seed(123); rnorm(20) in R: the series of NHSRplotthedots v0.2.2's own snapshots
# (tests/testthat/_snaps/ptd_spc_standard.md, _snaps/ptd_spc.md).
RNORM_20 = [
    -0.5604756466, -0.2301774895, 1.5587083141, 0.0705083914, 0.1292877352, 1.7150649869,
    0.4609162060, -1.2650612346, -0.6868528519, -0.4456619701, 1.2240817974, 0.3598138271,
    0.4007714506, 0.1106827159, -0.5558411348, 1.7869131368, 0.4978504782, -1.9666171566,
    0.7013559016, -0.4727914077,
]  # fmt: skip

# Mean 6 and average moving range 2 exactly: with fix_after=12 the limits are 6 ± 5.32 and the 2-sigma
# lines 6 ± 3.5467, whatever follows.
BASELINE = [5.0, 7.0] * 6
MONTHS = [f"{year}-{month:02d}" for year in (2022, 2023, 2024) for month in range(1, 13)]


def one_series(values, rebase=None, labels=None, **options):
    """Points and settings frames for a single series (key 1)."""
    points = pd.DataFrame(
        {
            "series": 1,
            "order": np.arange(len(values)),
            "value": np.asarray(values, dtype=float),
            "rebase": False if rebase is None else rebase,
        }
    )
    if labels is not None:
        points["label"] = labels[: len(values)]
    return points, pd.DataFrame([options], index=[1]) if options else pd.DataFrame(index=[1])


def spc_one(values, rebase=None, labels=None, **options):
    """compute_spc and summarise_spc for a single series (key 1)."""
    points, settings_frame = one_series(values, rebase, labels, **options)
    computed = compute_spc(points, settings_frame)
    return computed, summarise_spc(points, computed, settings_frame).iloc[0]


def compute_one(values, **options):
    return compute_spc(*one_series(values, **options))


def rules(computed):
    return computed["spc_rule"].tolist()


def test_vocabularies_match_the_results_contract():
    assert SIGNALS == SPC_SIGNALS and RULES == SPC_RULES
    points, settings_frame = random_panel(4)
    computed = compute_spc(points, settings_frame)
    summary = summarise_spc(points, computed, settings_frame)
    assert set(computed["spc_signal"]) <= {*SPC_SIGNALS, ""}
    assert set(computed["spc_rule"]) <= set(SPC_RULES)
    assert set(summary["variation"]) <= {*VARIATIONS, ""}
    assert set(summary["assurance"]) <= set(ASSURANCES)


# --- known answers ---------------------------------------------------------------------------------


def test_known_answer_rnorm_series():
    """NHSRplotthedots v0.2.2 snapshot: mean 0.1416238, lpl -3.01138, upl 3.294627."""
    computed, summary = spc_one(RNORM_20)
    assert computed["spc_mean"].to_numpy() == pytest.approx([0.1416238] * 20, abs=1e-6)
    assert computed["spc_lower"].to_numpy() == pytest.approx([-3.01138] * 20, abs=1e-6)
    assert computed["spc_upper"].to_numpy() == pytest.approx([3.294627] * 20, abs=1e-6)
    assert set(computed["spc_signal"]) == {"common_cause"}
    assert summary["variation"] == "common_cause"


def test_known_answer_outlier_screened():
    """NHSRplotthedots v0.2.2 snapshot, y15 = 10, screened: mean 0.6694159, lpl -2.383666, upl 3.722497."""
    values = list(RNORM_20)
    values[14] = 10
    computed, _ = spc_one(values)
    first = computed.iloc[0]
    assert first["spc_mean"] == pytest.approx(0.6694159, abs=1e-6)
    assert first["spc_lower"] == pytest.approx(-2.383666, abs=1e-6)
    assert first["spc_upper"] == pytest.approx(3.722497, abs=1e-6)
    assert computed["spc_rule"].iloc[14] == "outside_limits"
    assert computed["spc_side"].iloc[14] == 1
    assert computed["spc_signal"].iloc[14] == "special_cause_improvement"
    assert rules(computed).count("outside_limits") == 1


def test_known_answer_outlier_unscreened():
    """NHSRplotthedots v0.2.2 snapshot, y15 = 10, screen_outliers = FALSE: lpl -4.596625, upl 5.935457."""
    values = list(RNORM_20)
    values[14] = 10
    computed, _ = spc_one(values, screen_outliers=False)
    assert computed["spc_mean"].iloc[0] == pytest.approx(0.6694159, abs=1e-6)
    assert computed["spc_lower"].iloc[0] == pytest.approx(-4.596625, abs=1e-6)
    assert computed["spc_upper"].iloc[0] == pytest.approx(5.935457, abs=1e-6)
    assert computed["spc_rule"].iloc[14] == "outside_limits"


# --- rules ----------------------------------------------------------------------------------------


def test_trend_of_seven_crossing_the_mean():
    # BASELINE[:-1] ends on 5.0, the first point of the trend.
    computed, _ = spc_one(BASELINE[:-1] + [5.3, 5.6, 5.9, 6.2, 6.5, 6.8, 6.1], fix_after=12)
    assert rules(computed) == [""] * 10 + ["trend"] * 7 + [""]
    assert computed["spc_side"].iloc[10:17].tolist() == [1] * 7
    assert set(computed["spc_signal"].iloc[10:17]) == {"special_cause_improvement"}


def test_tie_breaks_a_trend():
    computed, _ = spc_one(BASELINE[:-1] + [5.3, 5.6, 5.6, 6.2, 6.5, 6.8, 6.1], fix_after=12)
    assert "trend" not in rules(computed)


def test_package_trend_vectors():
    """NHSRplotthedots v0.2.2 tests/testthat/test-ptd_calculate_point_type.R: c(1:3, 3:6) has no trend."""
    computed, _ = spc_one([1, 2, 3, 3, 4, 5, 6])
    assert "trend" not in rules(computed)
    computed, _ = spc_one([1, 2, 3, 4, 5, 6, 7])
    # 1 and 7 are beyond mean 4 ± 2.66; the rule precedence gives them to outside_limits.
    assert rules(computed) == ["outside_limits"] + ["trend"] * 5 + ["outside_limits"]


def test_decreasing_trend_of_eight_flags_all_eight():
    computed, _ = spc_one(BASELINE[:-1] + [6.8, 6.5, 6.2, 5.9, 5.6, 5.3, 5.0, 4.7], fix_after=12)
    assert rules(computed) == [""] * 11 + ["trend"] * 8
    assert computed["spc_side"].iloc[11:].tolist() == [-1] * 8


def test_trends_touching_at_a_tie_take_their_own_direction():
    """perfwatch decision: where two trends touch at a tie, each point gets its own trend's direction
    (NHSRplotthedots labels the shared 7 'Decreasing')."""
    computed, _ = spc_one(list(range(1, 8)) + list(range(7, 14)))
    in_trend = computed["spc_rule"] == "trend"
    assert in_trend.iloc[6] and in_trend.iloc[7]
    assert set(computed.loc[in_trend, "spc_side"]) == {1}


def test_turning_point_takes_the_later_trend():
    """A peak shared by a rising and a falling trend is labelled by the later one, as NHSRplotthedots does."""
    computed, _ = spc_one([0.0, 10.0] * 6 + [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], fix_after=12)
    assert rules(computed)[12:] == ["trend"] * 13
    assert computed["spc_side"].iloc[12:].tolist() == [1] * 6 + [-1] * 7


def test_trends_touching_at_a_jump_take_their_own_direction():
    """perfwatch decision, same principle: 1..7 then 3..9 is two rising trends; NHSRplotthedots labels the 7
    'Decreasing' from the step down to 3."""
    computed, _ = spc_one([0.0, 10.0] * 6 + [1, 2, 3, 4, 5, 6, 7, 3, 4, 5, 6, 7, 8, 9], fix_after=12)
    assert rules(computed)[12:] == ["trend"] * 14
    assert set(computed["spc_side"].iloc[12:]) == {1}


def test_run_of_seven_each_side():
    values = [7.0, 5.0] * 5 + [6.5] * 7 + [5.5] * 7  # mean exactly 6
    computed, _ = spc_one(values)
    assert computed["spc_mean"].iloc[0] == 6.0
    assert rules(computed) == [""] * 10 + ["run"] * 14
    assert computed["spc_side"].iloc[10:].tolist() == [1] * 7 + [-1] * 7


def test_point_on_the_mean_breaks_a_run():
    values = [7.0, 5.0] * 5 + [6.5, 6.5, 6.5, 6.0, 6.5, 6.5, 6.5] + [5.5] * 6  # mean exactly 6
    computed, _ = spc_one(values)
    assert computed["spc_mean"].iloc[0] == 6.0
    assert "run" not in rules(computed)


def test_run_length_six():
    values = [7.0, 5.0] * 5 + [6.5] * 6 + [5.5] * 6  # mean exactly 6
    computed, _ = spc_one(values)
    assert "run" not in rules(computed)
    computed, _ = spc_one(values, run_length=6)
    assert rules(computed) == [""] * 10 + ["run"] * 12


def test_trend_length_six():
    values = BASELINE[:-1] + [5.3, 5.6, 5.9, 6.2, 6.5, 6.1]
    assert "trend" not in rules(spc_one(values, fix_after=12)[0])
    computed, _ = spc_one(values, fix_after=12, run_length=6)
    assert rules(computed) == [""] * 10 + ["trend"] * 6 + [""]


def test_two_in_three_same_side():
    computed, _ = spc_one(BASELINE + [10.0, 6.5, 10.0], fix_after=12)
    assert rules(computed)[12:] == ["two_in_three", "", "two_in_three"]
    assert computed["spc_side"].iloc[12] == 1


def test_two_in_three_needs_one_side():
    computed, _ = spc_one(BASELINE + [10.0, 5.5, 10.0], fix_after=12)
    assert rules(computed)[12:] == ["", "", ""]


def test_two_in_three_below():
    computed, _ = spc_one(BASELINE + [2.0, 2.2, 5.0], fix_after=12)
    assert rules(computed)[12:] == ["two_in_three", "two_in_three", ""]
    assert computed["spc_side"].iloc[12:14].tolist() == [-1, -1]


def test_two_in_three_counts_outside_option():
    """Beyond the limits does not count as close in NHSRplotthedots; MDC 2023 counts it (the option)."""
    values = BASELINE + [12.0, 6.5, 10.0]
    assert rules(spc_one(values, fix_after=12)[0])[12:] == ["outside_limits", "", ""]
    computed, _ = spc_one(values, fix_after=12, two_in_three_counts_outside=True)
    assert rules(computed)[12:] == ["outside_limits", "", "two_in_three"]


def test_rule_precedence():
    """Outside limits beats trend, trend beats two-in-three and run."""
    rising = [6.1, 6.2, 6.3, 6.4, 6.5, 9.6, 9.7, 11.5]
    computed, _ = spc_one(BASELINE + rising, fix_after=12)
    assert rules(computed)[12:] == ["trend"] * 7 + ["outside_limits"]


# --- improvement, concern and neutral -------------------------------------------------------------


FALLING = [6.8, 6.5, 6.2, 5.9, 5.6, 5.3, 5.0]
RISING_BELOW = [3.0, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6]


@pytest.mark.parametrize(
    ("tail", "direction", "signal", "variation"),
    [
        (FALLING, -1, "special_cause_improvement", "improvement_low"),
        (FALLING, 1, "special_cause_concern", "concern_low"),
        (FALLING, 0, "special_cause_neutral_low", "neutral_low"),
        (RISING_BELOW, -1, "special_cause_concern", "concern_high"),
        (RISING_BELOW, 1, "special_cause_improvement", "improvement_high"),
        (RISING_BELOW, 0, "special_cause_neutral_high", "neutral_high"),
    ],
)
def test_trend_direction_decides_improvement(tail, direction, signal, variation):
    computed, summary = spc_one(BASELINE + tail, fix_after=12, direction=direction)
    assert set(computed["spc_rule"].iloc[12:]) == {"trend"}
    assert set(computed["spc_signal"].iloc[12:]) == {signal}
    assert summary["variation"] == variation


@pytest.mark.parametrize(
    ("direction", "signal", "variation"),
    [
        (-1, "special_cause_improvement", "improvement_low"),
        (1, "special_cause_concern", "concern_low"),
        (0, "special_cause_neutral_low", "neutral_low"),
    ],
)
def test_run_below_the_mean(direction, signal, variation):
    values = [7.0, 5.0] * 5 + [6.5] * 7 + [5.5] * 7
    computed, summary = spc_one(values, direction=direction)
    assert computed["spc_signal"].iloc[-1] == signal
    assert summary["variation"] == variation


# --- rebase, fixed baseline, minimum points ---------------------------------------------------------


def test_rebase_point_starts_the_new_group():
    values = [0.0, 2.0] * 6 + [10.0, 12.0] * 6
    rebase = [False] * 12 + [True] + [False] * 11
    computed, summary = spc_one(values, rebase=rebase, target=11.0)
    assert computed["spc_group"].tolist() == [0] * 12 + [1] * 12
    assert computed["spc_mean"].iloc[0] == pytest.approx(1.0)
    assert computed["spc_mean"].iloc[12] == pytest.approx(11.0)
    assert computed["spc_upper"].iloc[0] == pytest.approx(1.0 + LIMIT * 2)
    assert computed["spc_upper"].iloc[12] == pytest.approx(11.0 + LIMIT * 2)
    assert set(computed["spc_signal"]) == {"common_cause"}
    assert summary["latest_group"] == 1
    assert summary["latest_mean"] == pytest.approx(11.0)
    assert summary["assurance"] == "inconsistent"
    assert "recalculated from" in summary["spc_text"]


def test_assurance_uses_the_latest_group():
    values = [0.0, 2.0] * 6 + [10.0, 12.0] * 6
    rebase = [False] * 12 + [True] + [False] * 11
    _, summary = spc_one(values, rebase=rebase, target=3.0)
    assert summary["assurance"] == "consistent_pass"  # target 3 is inside group 0's limits
    _, summary = spc_one(values, rebase=rebase, target=3.0, direction=-1)
    assert summary["assurance"] == "consistent_fail"
    _, summary = spc_one(values, rebase=rebase, target=20.0)
    assert summary["assurance"] == "consistent_fail"


def test_assurance_at_a_limit_is_inconsistent():
    upper = spc_one(BASELINE)[1]["latest_upper"]
    _, summary = spc_one(BASELINE, target=upper)
    assert summary["assurance"] == "inconsistent"
    _, summary = spc_one(BASELINE, target=np.nextafter(upper, np.inf))
    assert summary["assurance"] == "consistent_fail"
    _, summary = spc_one(BASELINE, target=upper + 1, direction=0)
    assert summary["assurance"] == ""
    _, summary = spc_one(BASELINE)
    assert summary["assurance"] == ""


def test_rules_do_not_cross_a_rebase():
    # 4 points above group 0's mean, then 3 above group 1's mean: 7 in a row only if groups were ignored.
    values = [0.0, 2.0] * 4 + [1.5] * 4 + [11.5] * 3 + [10.0, 12.0] * 4
    rebase = [False] * 12 + [True] + [False] * 10
    computed, _ = spc_one(values, rebase=rebase)
    assert (computed["spc_side"].iloc[8:15] == 0).all()
    assert "run" not in rules(computed)


def test_fix_after_uses_the_first_points_only():
    computed, summary = spc_one(BASELINE + [20.0, 30.0, 40.0], fix_after=12)
    assert computed["spc_mean"].iloc[-1] == 6.0
    assert computed["spc_upper"].iloc[-1] == pytest.approx(6.0 + LIMIT * 2)
    assert rules(computed)[12:] == ["outside_limits"] * 3
    assert "fixed on the first 12 points" in summary["spc_text"]


def test_trial_limits_below_thirteen_points():
    computed, summary = spc_one(BASELINE)
    assert computed["spc_trial"].all() and summary["trial"]
    assert "trial limits" in summary["spc_text"]
    computed, summary = spc_one([*BASELINE, 6.0])
    assert not computed["spc_trial"].any() and not summary["trial"]


def test_min_points_hides_limits_and_signals():
    computed, summary = spc_one(BASELINE, min_points=13)
    assert not computed["spc_shown"].any()
    assert computed[["spc_mean", "spc_lower", "spc_upper"]].isna().all().all()
    assert set(computed["spc_signal"]) == {""}
    assert summary["variation"] == "" and summary["assurance"] == ""
    assert summary["spc_text"] == "Not enough data for SPC: 12 points, and at least 13 are needed."
    computed, summary = spc_one([*BASELINE, 6.0], min_points=13)
    assert computed["spc_shown"].all()
    assert summary["variation"] == "common_cause"


# --- data edge cases ---------------------------------------------------------------------------------


def test_missing_values_are_dropped():
    values = [7.0, 5.0] * 5 + [6.5] * 4 + [np.nan] + [6.5] * 3 + [5.5] * 7
    computed, summary = spc_one(values)
    clean, _ = spc_one([v for v in values if not np.isnan(v)])
    missing = computed.iloc[14]
    assert np.isnan(missing["spc_mean"]) and missing["spc_signal"] == "" and missing["spc_rule"] == ""
    assert not missing["spc_shown"]
    kept = computed.drop(index=14).reset_index(drop=True)
    pd.testing.assert_frame_equal(kept.drop(columns="spc_group"), clean.drop(columns="spc_group"))
    assert rules(kept)[10:17] == ["run"] * 7
    assert summary["n_points"] == 24 and summary["n_missing"] == 1


def test_rebase_on_a_missing_value_starts_the_group_at_the_next_point():
    values = [0.0, 2.0] * 6 + [np.nan] + [10.0, 12.0] * 6
    rebase = [False] * 12 + [True] + [False] * 12
    computed, _ = spc_one(values, rebase=rebase)
    assert computed["spc_group"].tolist() == [0] * 12 + [1] * 13
    assert computed["spc_mean"].iloc[13] == pytest.approx(11.0)


def test_all_equal_values():
    computed, summary = spc_one([4.2] * 20)
    assert (computed["spc_mean"] == 4.2).all()
    assert (computed["spc_lower"] == 4.2).all() and (computed["spc_upper"] == 4.2).all()
    assert set(computed["spc_signal"]) == {"common_cause"} and set(computed["spc_rule"]) == {""}
    assert summary["variation"] == "common_cause"


def test_one_point_series():
    computed, summary = spc_one([3.0])
    assert computed["spc_mean"].iloc[0] == 3.0
    assert np.isnan(computed["spc_lower"].iloc[0]) and np.isnan(computed["spc_upper"].iloc[0])
    assert computed["spc_signal"].iloc[0] == "common_cause"
    assert summary["variation"] == "" and summary["assurance"] == ""
    assert summary["spc_text"] == "Not enough data for SPC: 1 point."


def test_no_points_at_all():
    points = pd.DataFrame(
        {
            "series": [1, 1],
            "order": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "value": np.nan,
            "rebase": False,
        }
    )
    settings_frame = pd.DataFrame(index=[1])
    for frame in (points, points.iloc[:0]):
        computed = compute_spc(frame, settings_frame)
        assert len(computed) == len(frame) and not computed["spc_shown"].any()
        summary = summarise_spc(frame, computed, settings_frame).loc[1]
        assert summary["spc_text"] == "No data for SPC." and summary["n_missing"] == len(frame)


def test_series_without_points_and_bad_input():
    points = pd.DataFrame({"series": [1, 1], "order": [1, 1], "value": [1.0, 2.0], "rebase": False})
    with pytest.raises(ValueError, match="repeat order"):
        compute_spc(points, pd.DataFrame(index=[1]))
    with pytest.raises(ValueError, match="without settings"):
        compute_spc(points.assign(order=[1, 2]), pd.DataFrame(index=[2]))
    points = points.assign(order=[1, 2])
    settings_frame = pd.DataFrame({"direction": [1, -1]}, index=[1, 2])
    summary = summarise_spc(points, compute_spc(points, settings_frame), settings_frame)
    assert summary.loc[2, "n_points"] == 0 and summary.loc[2, "spc_text"] == "No data for SPC."


# --- text --------------------------------------------------------------------------------------------


def test_text_describes_the_latest_point():
    values = [88.0, 92.0, 90.0, 94.0, 89.0, 91.0, 93.0, 87.0, 90.0, 92.0, 91.0, 89.0, 91.2]
    _, summary = spc_one(values, labels=MONTHS)
    assert summary["spc_text"] == (
        f"Common cause variation only: the latest value, 91.2, is within the process limits "
        f"({summary['latest_lower']:.1f} to {summary['latest_upper']:.1f})."
    )
    values = [7.0, 5.0] * 5 + [6.5] * 7 + [5.5] * 7
    _, summary = spc_one(values, labels=MONTHS, direction=1, target=3.0)
    assert summary["spc_text"] == (
        "Special cause of concern: 7 points in a row below the mean (6.00) since 2023-06. "
        "The process will consistently meet the target (3.00)."
    )
    _, summary = spc_one(BASELINE + FALLING, labels=MONTHS, fix_after=12, direction=-1)
    assert summary["spc_text"].startswith(
        "Special cause of improvement: 8 points in a row, each lower than the one before, since 2022-12."
    )
    _, summary = spc_one(BASELINE + [20.0], labels=MONTHS, fix_after=12)
    assert summary["spc_text"] == (
        "Special cause of improvement: the latest value, 20.0, is above the upper process limit (11.3). "
        "The limits are fixed on the first 12 points."
    )


# --- many series at once ---------------------------------------------------------------------------


def random_panel(seed: int, n_series: int = 40):
    rng = np.random.default_rng(seed)
    frames, rows = [], []
    for key in range(n_series):
        n = int(rng.integers(1, 30))
        values = rng.normal(50, 5, n) + np.arange(n) * rng.choice([0.0, 0.8])
        values[rng.random(n) < 0.08] = np.nan
        rebase = rng.random(n) < 0.06
        frames.append(
            pd.DataFrame({"series": key, "order": 24000 + np.arange(n), "value": values, "rebase": rebase})
        )
        rows.append(
            {
                "direction": int(rng.choice([-1, 0, 1])),
                "target": float(rng.choice([np.nan, 50.0, 65.0])),
                "screen_outliers": bool(rng.random() < 0.5),
                "two_in_three_counts_outside": bool(rng.random() < 0.5),
                "run_length": int(rng.choice([6, 7])),
                "fix_after": int(rng.choice([0, 12])),
                "min_points": int(rng.choice([0, 5])),
            }
        )
    points = pd.concat(frames, ignore_index=True)
    return points, pd.DataFrame(rows, index=range(n_series))


@pytest.mark.parametrize("seed", [1, 2])
def test_many_series_at_once_equal_each_alone(seed):
    points, settings_frame = random_panel(seed, n_series=20)
    shuffled = points.sample(frac=1, random_state=seed)
    shuffled.index = shuffled.index * 7 + 1000  # an index that is neither sorted nor positional
    together = compute_spc(shuffled, settings_frame).loc[points.index * 7 + 1000]
    together.index = points.index
    summary = summarise_spc(shuffled, compute_spc(shuffled, settings_frame), settings_frame)
    for key, alone_points in points.groupby("series"):
        alone_settings = settings_frame.loc[[key]]
        alone = compute_spc(alone_points, alone_settings)
        pd.testing.assert_frame_equal(together.loc[alone_points.index], alone)
        pd.testing.assert_frame_equal(
            summary.loc[[key]], summarise_spc(alone_points, alone, alone_settings), check_dtype=False
        )


# --- properties ------------------------------------------------------------------------------------


def near_a_boundary(values: np.ndarray, computed: pd.DataFrame) -> bool:
    """A point within rounding of a limit or 2-sigma line, where a tiny float change may flip a rule."""
    mean = computed["spc_mean"].to_numpy()
    amr = (computed["spc_upper"].to_numpy() - mean) / LIMIT
    if not np.any(amr > 0):
        return False  # no spread: the limits are the mean, and a point on the mean stays on it exactly
    for width in (LIMIT, NEAR_LIMIT):
        for line in (mean - width * amr, mean + width * amr):
            if np.any(np.abs(values - line) <= 1e-7 * (1 + np.abs(line))):
                return True
    return False


SERIES = st.lists(st.integers(-50, 50), min_size=1, max_size=30)
OPTIONS = st.fixed_dictionaries(
    {
        "direction": st.sampled_from([-1, 0, 1]),
        "screen_outliers": st.booleans(),
        "two_in_three_counts_outside": st.booleans(),
        "run_length": st.sampled_from([6, 7]),
    }
)
SIGNAL_COLUMNS = ["spc_signal", "spc_rule", "spc_side", "spc_trial", "spc_shown", "spc_group"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=SERIES, shift=st.integers(-10_000, 10_000), options=OPTIONS)
def test_adding_a_constant_shifts_limits_and_keeps_signals(values, shift, options):
    base = np.asarray(values, dtype=float)
    computed = compute_one(base, **options)
    shifted = compute_one(base + shift, **options)
    assume(not near_a_boundary(base, computed))
    for column in ["spc_mean", "spc_lower", "spc_upper"]:
        np.testing.assert_allclose(shifted[column], computed[column] + shift, rtol=0, atol=1e-9)
    pd.testing.assert_frame_equal(shifted[SIGNAL_COLUMNS], computed[SIGNAL_COLUMNS])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=SERIES, factor=st.one_of(st.integers(2, 1000), st.floats(0.01, 100)), options=OPTIONS)
def test_multiplying_by_a_positive_constant_keeps_signals(values, factor, options):
    """Integer data times an integer keeps a point on the mean exactly on it; a fractional factor can move
    such a point by one rounding step, so those cases are left to the exact power-of-two test below."""
    base = np.asarray(values, dtype=float)
    computed = compute_one(base, **options)
    scaled = compute_one(base * factor, **options)
    assume(not near_a_boundary(base, computed))
    assume(isinstance(factor, int) or not np.any(base == computed["spc_mean"].to_numpy()))
    np.testing.assert_allclose(
        scaled["spc_upper"], computed["spc_upper"] * factor, rtol=1e-9, atol=1e-9 * float(factor)
    )
    pd.testing.assert_frame_equal(scaled[SIGNAL_COLUMNS], computed[SIGNAL_COLUMNS])


@settings(max_examples=30, deadline=None)
@given(values=SERIES, power=st.integers(-4, 4), options=OPTIONS)
def test_scaling_by_a_power_of_two_keeps_every_signal_exactly(values, power, options):
    base = np.asarray(values, dtype=float)
    computed = compute_one(base, **options)
    scaled = compute_one(base * 2.0**power, **options)
    pd.testing.assert_frame_equal(scaled[SIGNAL_COLUMNS], computed[SIGNAL_COLUMNS])


# --- an independent, loop-by-loop port of NHSRplotthedots v0.2.2 (R/ptd_spc_standard.R,
# R/ptd_calculate_point_type.R) with perfwatch's decisions, to check the vectorised code against ---------


def reference_group(y, screen, counts_outside, length):
    """Limits, rule and side for one rebase group, written the way the R package does it."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    mean = y.mean()
    mr = np.abs(np.diff(y))
    amr = mr.mean() if len(mr) else np.nan
    if screen and len(mr) and amr > 0:
        amr = mr[mr < 3.267 * amr].mean()
    lower, upper = mean - 2.66 * amr, mean + 2.66 * amr
    near_lower, near_upper = mean - 2 * (2.66 / 3) * amr, mean + 2 * (2.66 / 3) * amr
    outside = [bool(v > upper or v < lower) for v in y]
    side = [int(np.sign(v - mean)) for v in y]
    close = [
        bool((v < near_lower or v > near_upper) and (counts_outside or not o))
        for v, o in zip(y, outside, strict=True)
    ]

    trend_end = [0] * n
    run_end = [0] * n
    for i in range(length - 1, n):
        steps = [np.sign(y[k] - y[k - 1]) for k in range(i - length + 2, i + 1)]
        if all(d == 1 for d in steps):
            trend_end[i] = 1
        elif all(d == -1 for d in steps):
            trend_end[i] = -1
        window = side[i - length + 1 : i + 1]
        if window[0] != 0 and all(v == window[0] for v in window):
            run_end[i] = 1
    rules_, sides = [], []
    for i in range(n):
        ahead = range(i, min(i + length, n))
        rising = any(trend_end[j] == 1 for j in ahead)
        falling = any(trend_end[j] == -1 for j in ahead)
        in_run = any(run_end[j] for j in ahead)
        in_two_of_three = close[i] and any(
            0 <= start and start + 2 < n
            and sum(close[start : start + 3]) >= 2
            and abs(sum(side[start : start + 3])) == 3
            for start in (i - 2, i - 1, i)
        )  # fmt: skip
        if outside[i]:
            rules_.append("outside_limits")
            sides.append(1 if side[i] == 1 else -1)
        elif rising or falling:
            rules_.append("trend")
            if rising and falling:
                sides.append(1 if y[i + 1] > y[i] else -1)
            else:
                sides.append(1 if rising else -1)
        elif in_two_of_three or in_run:
            rules_.append("two_in_three" if in_two_of_three else "run")
            sides.append(1 if side[i] > 0 else -1)
        else:
            rules_.append("")
            sides.append(0)
    return mean, lower, upper, rules_, sides


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(st.integers(0, 12), min_size=1, max_size=40),
    rebase_every=st.integers(5, 60),
    options=OPTIONS,
)
def test_matches_a_loop_by_loop_port_of_the_package(values, rebase_every, options):
    base = np.asarray(values, dtype=float)
    rebase = (np.arange(len(base)) % rebase_every == 0) & (np.arange(len(base)) > 0)
    computed = compute_spc(*one_series(base, rebase=rebase, **options))
    assume(not near_a_boundary(base, computed))
    group = np.cumsum(rebase)
    for number in np.unique(group):
        members = group == number
        mean, lower, upper, expected_rules, expected_sides = reference_group(
            base[members], options["screen_outliers"], options["two_in_three_counts_outside"],
            options["run_length"],
        )  # fmt: skip
        part = computed[members]
        np.testing.assert_allclose(part["spc_mean"], mean, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(part["spc_upper"], upper, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(part["spc_lower"], lower, rtol=1e-12, atol=1e-12)
        assert part["spc_rule"].tolist() == expected_rules
        assert part["spc_side"].tolist() == expected_sides
