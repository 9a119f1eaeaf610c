"""Nothing lost: a killed run, a full disk or an unwritable folder never costs the last good report, and in
`--each-area` one failing area does not stop the others.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hardening_support import HERE, PYTHON, Project, subprocess_env, write_project

from perfwatch.fileio import atomic_path, remove_stale_temporaries, write_text_atomic


def snapshot_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def revise_data(project: Project) -> None:
    path = project.root / "data" / "data.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("AD-1,north,Q4 2024/25,43", "AD-1,north,Q4 2024/25,99")
    )


@pytest.fixture(scope="module")
def killed_run(tmp_path_factory):
    """Build html+pdf, change the data, start a rebuild and SIGKILL it while it writes the new PDF."""
    project = write_project(tmp_path_factory.mktemp("killed") / "project")
    project.invoke("report", "--kind", "scorecard", "--format", "html,pdf", "--out", "out", expect=0)
    before = snapshot_files(project.root / "out")
    assert any(name.endswith(".pdf") for name in before)
    revise_data(project)
    child = subprocess.Popen(
        [PYTHON, str(HERE / "slow_writer.py"), "report", "--kind", "scorecard", "--format", "html,pdf", "--out", "out"],
        cwd=project.root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=subprocess_env(),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        stalled = ""
        while time.monotonic() < deadline:
            line = child.stderr.readline()
            if line.startswith("STALLED") or not line:
                stalled = line
                break
        assert stalled.startswith("STALLED"), f"the run ended before writing the PDF: {child.stderr.read()}"
        partial = Path(stalled.split(" ", 1)[1].strip())
        assert partial.is_file() and partial.stat().st_size > 0  # really killed in the middle of the write
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return project, before, snapshot_files(project.root / "out"), partial


@pytest.mark.slow
def test_a_killed_run_leaves_the_last_pdf_intact_and_no_partial_file(killed_run):
    project, before, after, partial = killed_run
    pdfs = [name for name in before if name.endswith(".pdf")]
    for name in pdfs:
        assert after[name] == before[name], f"{name} changed"
    visible = {name for name in after if not name.startswith(".")}
    assert visible == {name for name in before if not name.startswith(".")}
    assert partial.name.startswith(".") and partial.name.endswith(".tmp")  # only a dot-named temporary


@pytest.mark.slow
def test_a_killed_run_leaves_the_report_pair_consistent(killed_run):
    _, before, after, _ = killed_run
    for name, data in before.items():
        if name.endswith((".html", ".pdf")):
            assert after[name] == data, f"{name} changed although the run was killed"


def test_stale_temporaries_are_cleaned_by_the_next_write(tmp_path):
    target = tmp_path / "report.pdf"
    stale = tmp_path / ".report.pdf.abc123.tmp"
    fresh = tmp_path / ".report.pdf.def456.tmp"
    other = tmp_path / ".other.pdf.abc123.tmp"
    for path in (stale, fresh, other):
        path.write_bytes(b"half a pdf")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))
    write_text_atomic(target, "new")
    assert not stale.exists()  # left by a killed run: removed
    assert fresh.exists()  # perhaps another run's, being written now: kept
    assert other.exists()  # another output's: not ours to touch
    assert remove_stale_temporaries(tmp_path / "other.pdf") == [other]


def _disk_full(monkeypatch):
    """Every temporary output file fails as on a full disk (whoever opens it: pathlib, pandas, xlsxwriter)."""
    import builtins
    import io

    real_open = io.open

    def full_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and str(file).endswith(".tmp") and set(mode) & set("wax"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", full_open)
    monkeypatch.setattr(io, "open", full_open)


def _only_error_line(output: str) -> str:
    errors = [line for line in output.splitlines() if line.startswith("perfwatch: error:")]
    assert len(errors) == 1, output
    return errors[0]


def test_disk_full_is_one_clear_message_and_keeps_the_last_report(project: Project, monkeypatch):
    project.invoke("report", "--format", "html", "--out", "out", "--area", "north", expect=0)
    before = snapshot_files(project.root / "out")
    revise_data(project)
    _disk_full(monkeypatch)
    result = project.invoke("report", "--format", "html", "--out", "out", "--area", "north", expect=2)
    message = _only_error_line(result.output)
    assert "No space left on device" in message and "out" in message
    monkeypatch.undo()
    assert snapshot_files(project.root / "out") == before
    assert not list((project.root / "out").glob(".*.tmp"))


def test_disk_full_during_export(project: Project, monkeypatch):
    _disk_full(monkeypatch)
    result = project.invoke("export", "--out", "results.xlsx", expect=2)
    assert "No space left on device" in _only_error_line(result.output)
    result = project.invoke("export", "--out", "results.csv", expect=2)
    assert "No space left on device" in _only_error_line(result.output)
    monkeypatch.undo()
    assert not (project.root / "results.csv").exists() and not list(project.root.glob(".results.*"))


def test_permission_denied_on_the_output_folder(project: Project, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = project.invoke("report", "--format", "html", "--out", "out", expect=2)
    assert "Permission denied" in _only_error_line(result.output)


def test_an_output_folder_that_is_a_file(project: Project):
    project.write("taken", "a file, not a folder")
    result = project.invoke("report", "--format", "html", "--out", "taken/reports", expect=2)
    assert "taken" in _only_error_line(result.output)
    result = project.invoke("export", "--out", "taken/results.csv", expect=2)
    assert "taken" in _only_error_line(result.output)


def test_atomic_path_never_leaves_a_partial_file_under_the_final_name(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("the last good report")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half a rep")
        raise RuntimeError("renderer crashed")
    assert target.read_text() == "the last good report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def _fail_for_south(monkeypatch, error: Exception) -> None:
    import perfwatch.render.build as build

    real = build.build_context

    def failing_for_south(results, *args, options=None, **kwargs):
        if options is not None and options.area == "south":
            raise error
        return real(results, *args, options=options, **kwargs)

    monkeypatch.setattr(build, "build_context", failing_for_south)


def _built(project: Project) -> list[str]:
    built = sorted(p.name for p in (project.root / "out").glob("*.html"))
    assert [name for name in built if "south" in name] == []
    for area in ("region", "north", "east"):
        assert any(area in name for name in built), built
    return built


@pytest.mark.slow
def test_an_area_with_a_problem_in_its_inputs_does_not_stop_the_others(project: Project, monkeypatch):
    from perfwatch.errors import PerfwatchError

    _fail_for_south(monkeypatch, PerfwatchError("south's logo file cannot be read"))
    result = project.invoke("report", "--each-area", "--format", "html", "--out", "out", "--jobs", "2")
    assert result.exit_code == 3, result.output
    assert "area south failed: south's logo file cannot be read" in result.output
    assert "1 of the areas failed (south)" in result.output
    _built(project)


@pytest.mark.slow
def test_a_bug_in_one_area_keeps_its_traceback_and_exits_2_after_the_others_are_built(
    project: Project, monkeypatch
):
    from click.testing import CliRunner

    from perfwatch.cli import cli

    _fail_for_south(monkeypatch, ValueError("south's chart could not be drawn"))
    monkeypatch.chdir(project.root)
    result = CliRunner().invoke(
        cli, ["report", "--each-area", "--format", "html", "--out", "out", "--jobs", "2"]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" in result.stderr and "ValueError: south's chart could not be drawn" in result.stderr
    assert "bug in perfwatch" in result.stderr and "area south" in result.stderr
    _built(project)
