"""Unattended, as under cron: no terminal, stdin closed, output to pipes. No progress bars, no colour codes,
no prompts; `--log-file` gets every warning; exit codes 0 / 1 / 2 / 3 as documented.
"""

from __future__ import annotations

import re

import pytest
from hardening_support import FRAMEWORK, Project

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
OWNERLESS = 25


def many_warnings(project: Project) -> None:
    """25 extra indicators with no owner and no source: each a lint warning (and no data, more warnings)."""
    extra = "".join(
        f"          - {{id: X-{n}, title: Extra {n}, unit: count, polarity: higher_is_better, frequency: quarterly}}\n"
        for n in range(1, OWNERLESS + 1)
    )
    project.write("framework.yaml", FRAMEWORK.replace("reporting:\n", "", 1).replace(
        "            target: {value: 20}\n", "            target: {value: 20}\n" + extra, 1,
    ) + "")  # fmt: skip
    text = (project.root / "framework.yaml").read_text(encoding="utf-8")
    project.write("framework.yaml", text.replace("  cycles:\n", "reporting:\n  cycles:\n", 1))


@pytest.mark.slow
def test_a_cron_run_has_no_colour_no_bar_and_logs_every_warning(project: Project):
    many_warnings(project)
    completed = project.subprocess(
        "--log-file", "run.log", "report", "--each-area", "--format", "html", "--out", "out", "--jobs", "2"
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert not ANSI.search(output), repr(output[:500])
    assert "\r" not in output and "━" not in output and "Building reports" not in output
    shown = [line for line in completed.stderr.splitlines() if "warning[" in line]
    hidden = re.search(r"\.\.\. and (\d+) more warnings", completed.stderr)
    assert hidden, completed.stderr
    log = (project.root / "run.log").read_text(encoding="utf-8")
    logged = [line for line in log.splitlines() if "warning[" in line]
    assert len(logged) == len(shown) + int(hidden.group(1))
    assert not ANSI.search(log)
    for line in shown:
        assert line in log
    for area in ("region", "north", "south", "east"):
        assert f"area {area} built" in log


def test_the_documented_cron_line_works(project: Project):
    result = project.invoke(
        "report", "--format", "html", "--out", "out", "--quiet", "--log-file", "report.log"
    )
    assert result.exit_code == 0, result.output
    assert (project.root / "report.log").is_file()


def test_status_piped_is_plain_text(project: Project):
    completed = project.subprocess("status", "--as-of", "2025-05-15")
    assert completed.returncode == 0, completed.stderr
    assert not ANSI.search(completed.stdout + completed.stderr)
    assert "AD-1" in completed.stdout


def test_no_prompt_ever_waits_for_an_answer(project: Project):
    """stdin is closed: a command that would ask a question must fail (or go on) instead of waiting."""
    completed = project.subprocess("init", str(project.root), timeout=60)
    assert completed.returncode in (0, 1, 2)
    assert not ANSI.search(completed.stdout + completed.stderr)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("validate", "framework.yaml"), 0),
        (("validate", "no-such.yaml"), 1),
        (("report", "--format", "nope"), 2),
        (("frobnicate",), 2),
    ],
)
def test_exit_codes_are_stable(project: Project, args, code):
    assert project.invoke(*args).exit_code == code


def test_exit_codes_are_documented_in_the_errors_module():
    from perfwatch import errors

    assert (errors.EXIT_OK, errors.EXIT_PROBLEMS, errors.EXIT_USAGE, errors.EXIT_PARTIAL) == (0, 1, 2, 3)
