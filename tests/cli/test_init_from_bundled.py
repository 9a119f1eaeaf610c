"""`perfwatch init --from X && perfwatch report` builds for every bundled framework (issue #14): an area
with no data of its own (a county rolled up from districts, the default area of a started project) gives a
report, not a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from perfwatch.cli import cli
from perfwatch.resources import frameworks_dir

BUNDLED = sorted(p.stem for p in frameworks_dir().glob("*.yaml"))


@pytest.mark.parametrize("name", BUNDLED)
def test_a_project_started_from_a_bundled_framework_builds(name, tmp_path, monkeypatch):
    runner = CliRunner()
    project = tmp_path / "project"
    started = runner.invoke(cli, ["init", "--from", name, str(project)])
    assert started.exit_code == 0, started.output
    monkeypatch.chdir(project)
    built = runner.invoke(cli, ["report", "--format", "html", "--out", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    assert list((tmp_path / "out").glob("*.html"))
