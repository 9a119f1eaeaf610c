"""A small, self-contained project to break, attack and kill; and a CLI runner that insists on no traceback.

The project is written fresh into each test's tmp folder (no dependence on `perfwatch init` or the
examples, which other people change): a region with three localities that roll up into it, a count, a
percentage with numerator and denominator, and a rate, four quarters of data, commentary and actions.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import traceback
import zlib
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from perfwatch.cli import cli

HERE = Path(__file__).parent
AS_OF = "2025-05-15"
PYTHON = sys.executable

FRAMEWORK = """\
perfwatch: 1
id: hardening
title: Hardening test framework
organisation: Test Partnership
version: "1.0"
year_start: april
defaults:
  tolerance: {amber: "5%"}
areas:
  - {id: region, name: The Region, level: region}
  - {id: north, name: North, level: locality, parent: region, comparator: region}
  - {id: south, name: South, level: locality, parent: region, comparator: region}
  - {id: east, name: East, level: locality, parent: region, comparator: region}
themes:
  - id: T1
    title: Living well
    outcomes:
      - id: O1
        title: People live well at home
        indicators:
          - id: AD-1
            title: Emergency admissions
            unit: count
            polarity: lower_is_better
            frequency: quarterly
            source: Hospital episodes
            owner: Head of Service
            target: {value: 60}
          - id: PC-1
            title: People who feel safe
            unit: percentage
            polarity: higher_is_better
            frequency: quarterly
            source: Survey
            owner: Head of Service
            target: {value: 80}
          - id: RT-1
            title: Falls per 1,000 people
            unit: rate
            per: 1000
            polarity: lower_is_better
            frequency: quarterly
            source: Falls register
            owner: Head of Service
            target: {value: 20}
reporting:
  cycles:
    - {id: board, title: Board performance report, kind: performance, months: [may, aug, nov, feb]}
"""

QUARTERS = ["Q1 2024/25", "Q2 2024/25", "Q3 2024/25", "Q4 2024/25"]
LOCALITIES = {"north": (40, 300, 2000), "south": (25, 200, 1500), "east": (12, 90, 800)}


def data_csv() -> str:
    """Four quarters for each locality; the region is rolled up from them."""
    lines = ["indicator,area,period,value,numerator,denominator"]
    for area, (admissions, safe, people) in LOCALITIES.items():
        for step, quarter in enumerate(QUARTERS):
            lines.append(f"AD-1,{area},{quarter},{admissions + step},,")
            lines.append(f"PC-1,{area},{quarter},,{safe + 3 * step},{int(safe * 1.2)}")
            lines.append(f"RT-1,{area},{quarter},,{people // 100 + step},{people}")
    return "\n".join(lines) + "\n"


PROJECT = f"""\
framework: framework.yaml
title: Hardening test report
as_of: {AS_OF}
data:
  - data/data.csv
commentary: [commentary]
actions: actions.csv
output: build
reports:
  - {{kind: performance, formats: [html]}}
"""

ACTIONS = """\
id,title,outcome,owner,due,status
A1,Open a falls clinic,O1,Head of Service,2025-09-30,in_progress
"""


@dataclass
class Project:
    """A project folder and the CLI run inside it."""

    root: Path

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def invoke(self, *args: str, expect: int | None = None, env: dict | None = None) -> Result:
        """Run `perfwatch ARGS` in the project folder, in process; never a traceback."""
        return invoke(*args, cwd=self.root, expect=expect, env=env)

    def subprocess(self, *args: str, timeout: float = 120, **extra_env: str) -> subprocess.CompletedProcess:
        """Run `perfwatch ARGS` as cron would: a child process, stdin closed, output to pipes."""
        completed = subprocess.run(
            [PYTHON, "-m", "perfwatch", *args],
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=subprocess_env(**extra_env),
        )
        assert_clean(completed.stdout + completed.stderr)
        return completed


def invoke(*args: str, cwd: Path, expect: int | None = None, env: dict | None = None) -> Result:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, list(args), env=env)
    finally:
        os.chdir(old)
    assert_clean(result.output, result.exception if not isinstance(result.exception, SystemExit) else None)
    if expect is not None:
        assert result.exit_code == expect, f"exit {result.exit_code}, expected {expect}:\n{result.output}"
    return result


def assert_clean(output: str, exception: BaseException | None = None) -> None:
    """No traceback, no Python exception class names leaking out as the message."""
    if exception is not None:
        trace = "".join(traceback.format_exception(exception))
        raise AssertionError(f"uncaught {type(exception).__name__}: {exception}\n{output}\n{trace}")
    assert "Traceback" not in output, output
    assert 'File "' not in output, output


def write_project(root: Path) -> Project:
    project = Project(root)
    project.write("framework.yaml", FRAMEWORK)
    project.write("data/data.csv", data_csv())
    project.write("commentary/AD-1.md", "Admissions fell in the winter.\n")
    project.write("actions.csv", ACTIONS)
    project.write("perfwatch.yaml", PROJECT)
    return project


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment cron gives a job: no TERM, no colour forcing, a plain PATH."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TERM", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS", "PY_COLORS", "GITHUB_ACTIONS")
    }
    env.update({"PYTHONDONTWRITEBYTECODE": "1", **extra})
    return env


def evaluate_project(project: Project, period: str | None = None):
    """The project's results, evaluated in process as `perfwatch report` would."""
    from datetime import date

    from perfwatch.api import resolve_inputs, run

    inputs = resolve_inputs(project=project.root / "perfwatch.yaml")
    return run(inputs, period=period, as_of=date.fromisoformat(AS_OF)).results


def inflated(pdf: bytes) -> bytes:
    """The PDF with every Flate stream decompressed, so embedded files can be searched."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() : match.end() + 10_000_000]))
        except zlib.error:
            continue
    return b"".join(parts)
