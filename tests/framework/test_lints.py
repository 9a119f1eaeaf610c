"""Lints (warnings, errors under strict) and cross-reference checks on variations of the valid fixture."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import yaml

from perfwatch.framework.load import check_framework, load_framework
from perfwatch.framework.yamlload import load_yaml

TODAY = date(2025, 1, 1)


@pytest.fixture
def base(valid_framework) -> dict:
    return load_yaml(valid_framework).data


def indicator(data: dict, outcome: int = 0, index: int = 0) -> dict:
    return data["themes"][0]["outcomes"][outcome]["indicators"][index]


def check(tmp_path, data: dict, **options):
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return check_framework(path, today=TODAY, **options)


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_valid_fixture_has_no_findings(valid_framework):
    framework, findings = check_framework(valid_framework, today=TODAY)
    assert findings == []
    assert framework is not None and set(framework.indicators) == {"CI-2", "EA-1", "CP-1", "QJ-1", "DD-1"}
    assert load_framework(valid_framework).id == "test-ijb"


def test_too_many_indicators(tmp_path, base):
    base["rules"]["max_indicators_per_outcome"] = 1
    _, findings = check(tmp_path, base)
    lints = [f for f in findings if f.code == "lint-max-indicators"]
    assert len(lints) == 2 and all(f.severity == "warning" for f in lints)
    assert "more than the 1" in lints[0].message


@pytest.mark.parametrize(("key", "code"), [("owner", "lint-no-owner"), ("source", "lint-no-source"),
                                           ("frequency", "lint-no-frequency"), ("target", "lint-no-target")])  # fmt: skip
def test_missing_indicator_details(tmp_path, base, key, code):
    del indicator(base)[key]
    framework, findings = check(tmp_path, base)
    assert framework is not None
    assert codes(findings) == [code]
    assert "`CI-2`" in findings[0].message


def test_rules_switch_lints_off(tmp_path, base):
    for key in ("owner", "source", "target"):
        del indicator(base)[key]
    base["rules"].update(require_owner=False, require_source=False, require_target=False)
    assert check(tmp_path, base)[1] == []


def test_no_target_is_fine_for_no_judgement_and_under_development(tmp_path, base):
    del indicator(base)["target"]
    indicator(base)["under_development"] = True
    assert check(tmp_path, base)[1] == []


def test_rate_without_per(tmp_path, base):
    del indicator(base, 0, 1)["per"]
    assert codes(check(tmp_path, base)[1]) == ["lint-rate-without-per"]


@pytest.mark.parametrize(
    ("unit", "polarity", "value", "code"),
    [
        ("percentage", "higher_is_better", 105, "lint-target-unreachable"),
        ("percentage", "lower_is_better", -5, "lint-target-unreachable"),
        ("percentage", "lower_is_better", 105, "lint-target-range"),
        ("proportion", "higher_is_better", 0.5, None),
        ("proportion", "lower_is_better", 85, "lint-target-range"),
        ("count", "lower_is_better", -1, "lint-target-unreachable"),
    ],
)
def test_target_range_and_reachability(tmp_path, base, unit, polarity, value, code):
    indicator(base).update(unit=unit, polarity=polarity, target={"value": value})
    findings = check(tmp_path, base)[1]
    assert codes(findings) == ([code] if code else [])


def test_target_range_in_by_period(tmp_path, base):
    indicator(base)["target"] = {"by_period": {"2023/24": 84, "2024/25": 120}}
    [finding] = check(tmp_path, base)[1]
    assert finding.code == "lint-target-unreachable" and "120" in finding.message


def test_review_date_in_the_past(tmp_path, base):
    base["review_date"] = "2024-03-31"
    [finding] = check(tmp_path, base)[1]
    assert finding.code == "lint-review-date-past" and "2024-03-31" in finding.message


def test_outcome_without_indicators_or_evidence(tmp_path, base):
    outcome = base["themes"][0]["outcomes"][1]
    outcome["indicators"] = []
    outcome["evidence"] = []
    base["actions"][0]["indicators"] = []
    assert codes(check(tmp_path, base)[1]) == ["lint-outcome-empty"]


def test_judgement_without_scale(tmp_path, base):
    judgement = indicator(base, 1, 1)
    del judgement["scale"], judgement["scale_status"]
    assert codes(check(tmp_path, base)[1]) == ["lint-judgement-no-scale"]


def test_judgement_target_must_be_a_scale_level(tmp_path, base):
    indicator(base, 1, 1)["target"] = {"value": "mett"}
    [finding] = check(tmp_path, base)[1]
    assert finding.code == "unknown-reference" and "Did you mean `met`?" in finding.message


def test_strict_turns_warnings_into_errors(tmp_path, base):
    del indicator(base)["owner"]
    _, findings = check(tmp_path, base, strict=True)
    assert [(f.code, f.severity) for f in findings] == [("lint-no-owner", "error")]


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        (lambda d: d["themes"].append(copy.deepcopy(d["themes"][0]) | {"outcomes": []}), "theme"),
        (lambda d: d["national_outcomes"].append({"id": "NO1", "title": "Again"}), "national outcome"),
        (lambda d: d["areas"].append({"id": "test", "name": "Again", "level": "nation"}), "area"),
        (lambda d: d["reporting"]["cycles"].append({"id": "board", "title": "Again"}), "reporting cycle"),
        (lambda d: d["actions"].append({"id": "DP1", "title": "Again"}), "action"),
        (
            lambda d: d["themes"][0]["outcomes"].append({"id": "O1", "title": "Again", "evidence": ["x"]}),
            "outcome",
        ),
    ],
)
def test_duplicate_ids_per_kind(tmp_path, base, change, kind):
    change(base)
    findings = check(tmp_path, base)[1]
    assert [f.code for f in findings if f.is_error] == ["duplicate-id"]
    assert f"duplicate {kind} id" in findings[0].message


def test_same_id_in_different_kinds_is_allowed(tmp_path, base):
    base["national_outcomes"][0]["id"] = "O1"
    base["themes"][0]["outcomes"][0]["contributes_to"] = ["O1", "NO2"]
    assert check(tmp_path, base)[1] == []
