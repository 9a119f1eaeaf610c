"""A value revised since the last build of the same report is reported, never published in silence."""

from __future__ import annotations

import json

import pytest
from hardening_support import Project, evaluate_project

from perfwatch.publish.revisions import (
    SNAPSHOT_FILE,
    check_revisions,
    compare,
    load_snapshot,
    save_snapshot,
    snapshot,
)


def evaluate(project: Project):
    return evaluate_project(project)


def revise(project: Project, old: str, new: str) -> None:
    path = project.root / "data" / "data.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_revised_value_is_reported_with_old_and_new(project: Project, tmp_path):
    out = tmp_path / "out"
    assert check_revisions(evaluate(project), out) == []  # first build: nothing to compare
    assert (out / SNAPSHOT_FILE).is_file()
    revise(project, "AD-1,south,Q2 2024/25,26,,", "AD-1,south,Q2 2024/25,29,,")
    findings = check_revisions(evaluate(project), out, file="data/data.csv")
    messages = [f.message for f in findings]
    assert "AD-1 south Q2 2024/25 changed from 26 to 29" in messages
    assert "AD-1 region Q2 2024/25 changed from 80 to 83" in messages  # the rolled-up total moved too
    assert all(f.severity == "warning" and f.code == "value-revised" for f in findings)
    assert all(f.file == "data/data.csv" for f in findings)
    assert check_revisions(evaluate(project), out) == []  # reported once, then it is the new baseline


def test_decimals_and_the_issue_example():
    def snap(value):
        return {
            "perfwatch_values": 1,
            "framework": "fv",
            "values": [["CI-12", "falkirk", "2022/23", value, None, ""]],
        }

    [finding] = compare(snap(101.2), snap(99.8))
    assert finding.message == "CI-12 falkirk 2022/23 changed from 101.2 to 99.8"
    assert compare(snap(0.1 + 0.2), snap(0.3)) == []  # float noise is not a revision


def test_withdrawn_and_text_values_and_provisional(project: Project):
    before = snapshot(evaluate(project))
    before["values"].append(["AD-1", "north", "Q4 2023/24", 12.0, None, "provisional"])
    before["values"].append(["YN-1", "north", "2024/25", None, "yes", ""])
    current = dict(before, values=[*before["values"][:-2], ["YN-1", "north", "2024/25", None, "no", ""]])
    messages = {f.message for f in compare(before, current)}
    assert (
        "AD-1 north Q4 2023/24 was 12 in the last build and is no longer published (it was provisional)"
        in messages
    )
    assert "YN-1 north 2024/25 changed from yes to no" in messages


def test_new_periods_are_not_revisions(project: Project):
    before = snapshot(evaluate(project))
    revise(project, "AD-1,north,Q1 2024/25,40,,", "AD-1,north,Q1 2024/25,40,,\nAD-1,north,Q1 2025/26,44,,")
    assert compare(before, snapshot(evaluate(project))) == []


def test_another_framework_in_the_same_folder_is_not_compared(project: Project):
    current = snapshot(evaluate(project))
    other = dict(current, framework="someone-else", values=[["AD-1", "north", "Q1 2024/25", 1.0, None, ""]])
    assert compare(other, current) == []


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"perfwatch_values": 99}'])
def test_a_damaged_snapshot_is_ignored_not_fatal(tmp_path, content):
    (tmp_path / SNAPSHOT_FILE).write_text(content, encoding="utf-8")
    assert load_snapshot(tmp_path) is None


def test_snapshot_round_trips_and_is_stable(project: Project, tmp_path):
    data = snapshot(evaluate(project))
    save_snapshot(tmp_path, data)
    assert load_snapshot(tmp_path) == json.loads(json.dumps(data))
    first = (tmp_path / SNAPSHOT_FILE).read_bytes()
    save_snapshot(tmp_path, snapshot(evaluate(project)))
    assert (tmp_path / SNAPSHOT_FILE).read_bytes() == first
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
