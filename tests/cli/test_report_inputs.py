"""Report options a user can get wrong give one clear message, never a traceback (issue #14, item 7)."""

from __future__ import annotations

from click.testing import CliRunner

from perfwatch.cli import cli


def _report(tmp_path, monkeypatch, framework: str, period: str):
    """`perfwatch init --from framework` then `perfwatch report --period period` in it."""
    runner = CliRunner()
    project = tmp_path / "project"
    assert runner.invoke(cli, ["init", "--from", framework, str(project)]).exit_code == 0
    monkeypatch.chdir(project)
    return runner.invoke(
        cli, ["report", "--period", period, "--format", "html", "--out", str(tmp_path / "out")]
    )


def test_an_impossible_report_period_is_a_clear_error(tmp_path, monkeypatch):
    result = _report(tmp_path, monkeypatch, "thurrock-hwb", "Q9 2024/25")
    assert result.exit_code == 1
    assert "Q9 2024/25" in result.output and "quarter" in result.output
    assert "Traceback" not in result.output


def test_a_report_period_before_the_data_builds_a_report(tmp_path, monkeypatch):
    result = _report(tmp_path, monkeypatch, "healthwatch-kent", "2001/02")
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "out").glob("*.html"))
