"""Impossible framework settings are refused with file:line and the fix (issue #14, item 8)."""

from __future__ import annotations

import pytest

from perfwatch.framework.load import check_framework

FRAMEWORK = """\
perfwatch: 1
id: t
title: Test
areas:
  - {{id: kent, name: Kent, level: county}}
  - {{id: dover, name: Dover, level: district, parent: kent}}
themes:
- id: T1
  title: Living well
  outcomes:
  - id: O1
    title: People stay well
    indicators:
    - id: I1
      title: Indicator
      unit: rate
      polarity: higher_is_better
      {setting}
"""


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("confidence: 95", "0.95"),
        ("target: {value: .nan}", "finite"),
        ("target: {value: .inf}", "finite"),
        ("target: {by_period: {2023/24: .nan}}", "finite"),
        ("per: 1e309", "finite"),
        ("target: {value: 8, region: {value: 3}}", "region"),
        ("target: {value: 8, district: {valeu: 3}}", "value"),
    ],
)
def test_an_impossible_setting_is_an_error_on_its_line(tmp_path, setting, words):
    path = tmp_path / "framework.yaml"
    path.write_text(FRAMEWORK.format(setting=setting), encoding="utf-8")
    errors = [f for f in check_framework(path)[1] if f.is_error]
    assert len(errors) == 1, errors
    assert errors[0].line == 18
    assert words in errors[0].message


def test_a_target_per_area_level_is_accepted(tmp_path):
    path = tmp_path / "framework.yaml"
    setting = "target: {value: 8, year_to_date: true, county: {value: 24, year_to_date: true}}"
    path.write_text(FRAMEWORK.format(setting=setting), encoding="utf-8")
    framework, findings = check_framework(path)
    assert framework is not None and not [f for f in findings if f.is_error]
    target = framework.indicators["I1"].target
    assert target.for_level("county").value == 24 and target.for_level("district").value == 8


def test_a_lone_dot_is_an_error_on_its_line_not_a_crash(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text("perfwatch: .\nid: t\ntitle: Test\n", encoding="utf-8")
    errors = [f for f in check_framework(path)[1] if f.is_error]
    assert [(f.line, f.code) for f in errors] == [(1, "yaml-value")]
