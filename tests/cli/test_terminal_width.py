"""`perfwatch status` fits the terminal: `COLUMNS` is honoured when piped, and a narrow one gets one block
per indicator instead of a table whose columns fold to a few characters."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from perfwatch.cli import cli
from perfwatch.cli.terminal import PIPED_WIDTH, console_width


@pytest.fixture()
def project(tmp_path, monkeypatch):
    assert CliRunner().invoke(cli, ["init", "-q", str(tmp_path / "p")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "p")


def status(columns: str | None):
    result = CliRunner().invoke(cli, ["status", "-q"], env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    return [line.rstrip() for line in result.stdout.splitlines()]


def test_columns_is_honoured_when_piped():
    assert console_width(False, {"COLUMNS": "72"}) == 72
    assert console_width(False, {}) == PIPED_WIDTH
    assert console_width(True, {}) is None  # rich measures the terminal
    assert console_width(False, {"COLUMNS": "wide"}) == PIPED_WIDTH


@pytest.mark.parametrize("columns", ["60", "80"])
def test_narrow_status_is_stacked_and_readable(project, columns):
    lines = status(columns)
    assert max(map(len, lines)) <= int(columns)
    assert not any(line.startswith("|") for line in lines)  # no table
    text = "\n".join(lines)
    assert "Older people still at home 91 days" in text.replace("\n", " ")  # words kept whole
    assert "Indi" not in text  # no header folded to "Indi/cato/r"
    assert "(target 85.0%)" in text


def test_wide_status_is_a_table_within_columns(project):
    lines = status("120")
    assert max(map(len, lines)) <= 120
    header = next(line for line in lines if "Indicator" in line)
    for name in ("Area", "Period", "Value", "Target", "Status", "Direction"):
        assert name in header
