"""Shell completion for options with a fixed set of values: bundled frameworks, the project's cycles,
areas and outcomes, and the declared choices (kinds, output formats)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from perfwatch.cli import cli


def complete(words: str) -> list[str]:
    """What bash completion offers after `words` (a trailing space starts a new word)."""
    current = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {"_PERFWATCH_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(current)}
    result = CliRunner().invoke(cli, [], prog_name="perfwatch", env=env)
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line]


@pytest.fixture()
def project(tmp_path, monkeypatch):
    assert (
        CliRunner().invoke(cli, ["init", "-q", "--from", "forth-valley-ijb", str(tmp_path / "p")]).exit_code
        == 0
    )
    monkeypatch.chdir(tmp_path / "p")


def test_bundled_frameworks_complete():
    assert "forth-valley-ijb" in complete("perfwatch init x --from ")
    assert complete("perfwatch init x --from thu") == ["thurrock-hwb"]


def test_cycles_areas_and_outcomes_come_from_the_project(project):
    assert set(complete("perfwatch report --cycle ")) == {"smt", "ijb", "annual"}
    assert "falkirk" in complete("perfwatch report --area ")
    assert all(a.startswith("f") for a in complete("perfwatch status --area f"))
    assert complete("perfwatch status --outcome ")


def test_outside_a_project_nothing_is_suggested_and_nothing_breaks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert complete("perfwatch report --cycle ") == []


def test_choices_complete():
    assert set(complete("perfwatch report --kind ")) == {"performance", "annual", "exception", "scorecard"}
    assert "sarif" in complete("perfwatch validate --output-format ")
