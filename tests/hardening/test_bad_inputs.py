"""Every broken input gets one clear message with its file and line (or row), exit 1, and no traceback.

The corpus (`hardening_corpus.py`) is run through the real CLI in process (click's runner); a few cases
are also run as real subprocesses, as cron runs them. Whole-file problems (empty, binary, a folder, too
large, unreadable) name the file without a line, since there is none to give.
"""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

import pytest
from hardening_corpus import DATA_FILE, FRAMEWORK_FILE, KNOWN_FAILURES, XLSX_FILE, Case, cases
from hardening_support import FRAMEWORK, Project

CASES = cases(FRAMEWORK)
ERROR_LINE = re.compile(r"^(?:::error .*|.*\berror\[[\w-]+\]: .*|perfwatch: error: .*)$", re.M)


def run_case(project: Project, case: Case):
    """Put the broken file in place and run the command that reads it."""
    default = {
        "framework": FRAMEWORK_FILE,
        "project": "perfwatch.yaml",
        "data": DATA_FILE,
        "xlsx": XLSX_FILE,
        "actions": "actions.csv",
        "commentary": "commentary/AD-1.md",
    }[case.target]
    path = project.root / (case.path or default)
    if path.exists():
        path.unlink()
    if callable(case.content):
        case.content(path)
    else:
        project.write(case.path or default, case.content)
    if case.id == "project-framework-is-directory":
        (project.root / "fwdir").mkdir()
    if case.target == "framework":
        return project.invoke("validate", FRAMEWORK_FILE)
    if case.target == "project":
        return project.invoke("validate")
    if case.target in ("data", "xlsx"):
        return project.invoke("validate", FRAMEWORK_FILE, "--data", str(path.relative_to(project.root)))
    if case.target == "actions":
        return project.invoke("export", "--out", "results.csv")
    if case.path == "commentary.csv":
        project.write("perfwatch.yaml", project.root.joinpath("perfwatch.yaml").read_text().replace(
            "commentary: [commentary]", "commentary: [commentary, commentary.csv]"))  # fmt: skip
    return project.invoke("report", "--format", "html", "--out", "out")


def error_lines(output: str) -> list[str]:
    return [line for line in ERROR_LINE.findall(output) if not line.startswith("::")]


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[c.id]))
        if c.id in KNOWN_FAILURES
        else c
        for c in CASES
    ],
    ids=[c.id for c in CASES],
)
def test_broken_input_gets_one_clear_message(project: Project, case: Case):
    result = run_case(project, case)
    errors = error_lines(result.output)
    assert result.exit_code == case.exit_code, result.output
    assert len(errors) == 1, result.output
    [message] = errors
    location = message.split(": ", 1)[0]
    assert (
        location == case.where
        or location.startswith(case.where + ":")
        or (case.where.endswith(":") and location.startswith(case.where))
    ), f"expected {case.where}, got {location}"
    for word in case.words:
        assert word in message, message
    if case.codes:
        assert re.search(r"\berror\[([\w-]+)\]", message).group(1) in case.codes, message


def test_a_50_megabyte_framework_is_refused_at_once(project: Project):
    path = project.root / "huge.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("perfwatch: 1\nnotes: |\n")
        line = "  " + "x" * 1022 + "\n"
        handle.writelines(line for _ in range(50 * 1024))
    result = project.invoke("validate", "huge.yaml", expect=1)
    [message] = error_lines(result.output)
    assert message.startswith("huge.yaml: error[file-too-large]")
    assert "MB" in message


def test_a_50_megabyte_binary_data_file_is_refused_at_once(project: Project):
    """50 MB of random bytes named .csv: refused from its first block, without reading the rest."""
    path = project.root / DATA_FILE
    path.parent.mkdir(exist_ok=True)
    block = os.urandom(1024 * 1024)
    with path.open("wb") as handle:
        for _ in range(50):
            handle.write(block)
    started = time.perf_counter()
    result = project.invoke("validate", FRAMEWORK_FILE, "--data", DATA_FILE, expect=1)
    assert time.perf_counter() - started < 5
    [message] = error_lines(result.output)
    assert message.startswith(f"{DATA_FILE}: error[") and "binary" in message


def _unreadable(path: Path, monkeypatch) -> None:
    """Make `path` unreadable even to root: open() on it raises PermissionError."""
    real_open = os.open

    def refusing_open(file, flags, *args, **kwargs):
        if Path(file).resolve() == path.resolve():
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    import io

    real_io_open = io.open

    def refusing_io_open(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file).resolve() == path.resolve():
            raise PermissionError(13, "Permission denied", str(file))
        return real_io_open(file, *args, **kwargs)

    monkeypatch.setattr(io, "open", refusing_io_open)
    monkeypatch.setattr("builtins.open", refusing_io_open)


def test_unreadable_framework(project: Project, monkeypatch):
    path = project.root / FRAMEWORK_FILE
    path.chmod(0)
    if os.access(path, os.R_OK):  # root reads anything: refuse it by hand
        _unreadable(path, monkeypatch)
    result = project.invoke("validate", FRAMEWORK_FILE, expect=1)
    [message] = error_lines(result.output)
    assert message.startswith(f"{FRAMEWORK_FILE}: error[file-unreadable]")
    assert "permission denied" in message.lower()


def test_unreadable_data_file(project: Project, monkeypatch):
    path = project.write(DATA_FILE, "indicator,area,period,value\n")
    path.chmod(0)
    if os.access(path, os.R_OK):
        _unreadable(path, monkeypatch)
    result = project.invoke("validate", FRAMEWORK_FILE, "--data", DATA_FILE, expect=1)
    [message] = error_lines(result.output)
    assert message.startswith(f"{DATA_FILE}: error[")
    assert "permission denied" in message.lower()


@pytest.mark.parametrize("kind", ["framework", "data"])
def test_a_fifo_is_not_read_forever(project: Project, kind: str):
    """A named pipe where a file should be (nobody writing to it) must not hang an unattended run."""
    name = "pipe.yaml" if kind == "framework" else "data/pipe.csv"
    path = project.root / name
    path.parent.mkdir(exist_ok=True)
    os.mkfifo(path)
    assert stat.S_ISFIFO(path.stat().st_mode)
    args = ["validate", name] if kind == "framework" else ["validate", FRAMEWORK_FILE, "--data", name]
    result = project.subprocess(*args, timeout=30)
    assert result.returncode == 1, result.stdout + result.stderr
    [message] = error_lines(result.stdout + result.stderr)
    assert message.startswith(f"{name}: error[")
    assert "not a regular file" in message


SUBPROCESS_CASES = ["fw-unknown-key", "csv-duplicate-row", "fw-binary"]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_broken_input_in_a_real_process(project: Project, case_id: str):
    """As cron runs it: a child process; the message and exit code are the same as in process."""
    case = next(c for c in CASES if c.id == case_id)
    run_case(project, case)  # writes the file (and checks the in-process run)
    args = ["validate", FRAMEWORK_FILE]
    if case.target == "data":
        args += ["--data", DATA_FILE]
    completed = project.subprocess(*args)
    assert completed.returncode == 1
    [message] = error_lines(completed.stdout + completed.stderr)
    assert message.split(": ", 1)[0].startswith(case.where)


def test_usage_errors_exit_2(project: Project):
    result = project.invoke("report", "--area", "north", "--each-area", expect=2)
    assert "either --area or --each-area" in result.output
    result = project.invoke("report", "--format", "docx", expect=2)
    assert "unknown format docx" in result.output
    result = project.invoke("status", "--as-of", "yesterday-ish", expect=2)
    assert "is not a date" in result.output
