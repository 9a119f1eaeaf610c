"""Choosing lint rules: `--select`/`--ignore`, the project file's `lint:`, inline `# perfwatch: ignore[...]`
and `perfwatch rules`; date-based rules kept apart under `--strict`."""

from __future__ import annotations

import re
from datetime import date

import pytest
from click.testing import CliRunner

from perfwatch.cli import cli
from perfwatch.framework.load import check_framework
from perfwatch.framework.rules import LINT_RULES, RuleSelection, inline_ignores

PAST = date(2100, 1, 1)  # after valid.yaml's review date


def framework_without_owner(tmp_path, valid_framework, comment: str = ""):
    text = valid_framework.read_text()
    assert "            owner: Head of Strategic Planning\n" in text
    text = text.replace("            owner: Head of Strategic Planning\n", "", 1)
    text = text.replace("          - id: CI-2\n", f"          - id: CI-2{comment}\n", 1)
    path = tmp_path / "fw.yaml"
    path.write_text(text)
    return path


def codes(path, **options) -> list[str]:
    _, findings = check_framework(path, today=PAST, **options)
    return sorted(f.code for f in findings)


def test_every_lint_is_listed_and_selected_by_default(tmp_path, valid_framework):
    path = framework_without_owner(tmp_path, valid_framework)
    assert codes(path) == ["lint-no-owner", "lint-review-date-past"]
    assert set(codes(path)) <= set(LINT_RULES)


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (RuleSelection(select=("lint-no-owner",)), ["lint-no-owner"]),
        (RuleSelection(select=("no-owner",)), ["lint-no-owner"]),
        (RuleSelection(ignore=("lint-review-date-past",)), ["lint-no-owner"]),
        (RuleSelection(ignore=("lint-review",)), ["lint-no-owner"]),
        (RuleSelection(select=("ALL",), ignore=("lint-no-owner",)), ["lint-review-date-past"]),
        (RuleSelection(ignore=("lint",)), []),
    ],
)
def test_select_and_ignore_by_code_or_prefix(tmp_path, valid_framework, selection, expected):
    assert codes(framework_without_owner(tmp_path, valid_framework), rules=selection) == expected


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="perfwatch rules"):
        RuleSelection(select=("lint-no-owners",))


def test_errors_cannot_be_ignored(tmp_path):
    path = tmp_path / "fw.yaml"
    path.write_text("perfwatch: 1\nid: x\ntitle: X\ntitel: Y  # perfwatch: ignore\n")
    assert codes(path, rules=RuleSelection(ignore=("lint",))) == ["unknown-key"]


def test_inline_comment_silences_that_rule_on_that_line(tmp_path, valid_framework):
    path = framework_without_owner(tmp_path, valid_framework, "  # perfwatch: ignore[lint-no-owner]")
    assert codes(path) == ["lint-review-date-past"]
    other = framework_without_owner(tmp_path, valid_framework, "  # perfwatch: ignore[lint-no-source]")
    assert codes(other) == ["lint-no-owner", "lint-review-date-past"]


def test_inline_ignores_parse():
    text = "a: 1  # perfwatch: ignore[lint-no-owner, no-source]\nb: 2\nc: 3 # perfwatch: ignore\n"
    assert inline_ignores(text) == {1: frozenset({"lint-no-owner", "no-source"}), 3: None}


def test_cli_select_ignore_and_strict(tmp_path, valid_framework):
    path = framework_without_owner(tmp_path, valid_framework)
    runner = CliRunner()
    env = {"GITHUB_ACTIONS": "", "PERFWATCH_FORMAT": None}
    only = runner.invoke(cli, ["validate", "--select", "lint-no-owner,lint-no-source", str(path)], env=env)
    assert "lint-no-owner" in only.stdout
    strict = runner.invoke(cli, ["validate", "--strict", "--ignore", "lint-no-owner", str(path)], env=env)
    assert strict.exit_code == 0, strict.output
    bad = runner.invoke(cli, ["validate", "--select", "nonsense", str(path)], env=env)
    assert bad.exit_code == 2
    assert "perfwatch rules" in bad.output


def test_project_file_lint_settings_apply_to_validate_and_are_checked(tmp_path, monkeypatch):
    runner = CliRunner()
    env = {"GITHUB_ACTIONS": "", "PERFWATCH_FORMAT": None}
    assert runner.invoke(cli, ["init", "-q", str(tmp_path / "p")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "p")
    framework = tmp_path / "p" / "framework.yaml"
    framework.write_text(re.sub(r"review_date: \S+", "review_date: 2001-01-01", framework.read_text()))
    project = tmp_path / "p" / "perfwatch.yaml"
    base = project.read_text()
    project.write_text(base + "lint: {ignore: [lint-review-date-past]}\n")
    project.write_text(base)
    assert "lint-review-date-past" in runner.invoke(cli, ["validate"], env=env).output
    project.write_text(base + "lint: {ignore: [lint-review-date-past]}\n")
    quiet = runner.invoke(cli, ["validate"], env=env)
    assert quiet.exit_code == 0, quiet.output
    assert "lint-review-date-past" not in quiet.output
    project.write_text(base + "lint: {select: [lint-no-ownr]}\n")
    wrong = runner.invoke(cli, ["validate"], env=env)
    assert wrong.exit_code == 1
    assert "lint-no-ownr" in wrong.output


def test_rules_command_lists_every_code():
    result = CliRunner().invoke(cli, ["rules"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == list(LINT_RULES)


def test_project_lint_settings_apply_to_report_runs_too(tmp_path, monkeypatch):
    """`validate` accepts exactly what `report` accepts: the project's `lint:` reaches every command."""
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "-q", str(tmp_path / "p")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "p")
    framework = tmp_path / "p" / "framework.yaml"
    framework.write_text(re.sub(r"\n +owner: Head of Adult Social Care", "", framework.read_text(), count=1))
    refused = runner.invoke(cli, ["status", "-q", "--strict"])
    assert refused.exit_code == 1 and "error[lint-no-owner]" in refused.output
    project = tmp_path / "p" / "perfwatch.yaml"
    project.write_text(project.read_text() + "lint: {ignore: [lint-no-owner]}\n")
    assert runner.invoke(cli, ["status", "-q", "--strict"]).exit_code == 0
    assert runner.invoke(cli, ["validate", "-q", "--strict"]).exit_code == 0
