"""The project boundary (issue 16): a project file from a pull request reads, prints and publishes nothing
outside its project folder. Each case edits the small valid project the way an attacker would and checks
the outcome: the exit code, no traceback, the outside file's text in no message and no output, nothing
written outside the project. The secret is planted in a file beside the project (and, for
`/proc/self/environ`, in the environment of a child process, as a CI token would be).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hardening_support import Project, inflated

SECRET = "TOKEN-0f1e2d3c-OUTSIDE-THE-PROJECT"


@pytest.fixture
def outside(project: Project) -> Path:
    """A folder beside the project holding a secret file, a CSV and a framework an attacker would aim at."""
    folder = project.root.parent / "elsewhere"
    folder.mkdir()
    (folder / "secret.txt").write_text(f"name,value\n{SECRET},1\n", encoding="utf-8")
    (folder / "framework.yaml").write_text((project.root / "framework.yaml").read_text(), encoding="utf-8")
    (folder / "data.csv").write_text((project.root / "data" / "data.csv").read_text(), encoding="utf-8")
    return folder


def edit(project: Project, old: str, new: str) -> None:
    text = (project.root / "perfwatch.yaml").read_text(encoding="utf-8")
    assert old in text
    project.write("perfwatch.yaml", text.replace(old, new, 1))


def written_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def assert_refused(output: str, *secrets: str) -> None:
    assert "outside-project" in output or "refused" in output or "not a regular file" in output, output
    for secret in (SECRET, *secrets):
        assert secret not in output, output


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("  - data/data.csv", "  - {path: ../elsewhere/secret.txt}", ("data",)),
        ("  - data/data.csv", "  - {path: /etc/passwd, delimiter: ':'}", ("data",)),
        ("actions: actions.csv", "actions: ../elsewhere/secret.txt", ("actions",)),
        ("commentary: [commentary]", "commentary: [../elsewhere/secret.txt]", ("commentary",)),
        ("framework: framework.yaml", "framework: ../elsewhere/framework.yaml", ("framework",)),
        ("framework: framework.yaml", "framework: ../elsewhere/framework", ("framework",)),
        ("output: build", "output: ../../elsewhere-out", ("output",)),
        ("output: build", "output: .git/hooks", ("output", ".git")),
        ("output: build", "output: build\ntemplates: ../elsewhere", ("templates",)),
    ],
    ids=[
        "data",
        "passwd",
        "actions",
        "commentary",
        "framework",
        "framework-name",
        "output",
        "hidden-output",
        "templates",
    ],  # fmt: skip
)
@pytest.mark.parametrize("command", ["validate", "report"])
def test_a_path_outside_the_project_is_refused(project, outside, old, new, words, command):
    before = written_files(project.root.parent)
    edit(project, old, new)
    result = project.invoke(command, expect=1)
    assert_refused(result.output, "root:x:0")
    assert all(word in result.output for word in words), result.output
    assert "perfwatch.yaml:" in result.output  # located in the project file
    assert written_files(project.root.parent) == before  # nothing written anywhere


def test_the_environment_of_a_ci_job_is_never_printed(project: Project):
    """`/proc/self/environ` read as latin-1 CSV once printed every variable (CI tokens) in its message."""
    edit(project, "  - data/data.csv", "  - {path: /proc/self/environ, encoding: latin-1}")
    for command in ("validate", "status", "report"):
        completed = project.subprocess(command, CI_JOB_TOKEN=SECRET)
        assert completed.returncode == 1, completed.stderr
        assert_refused(completed.stdout + completed.stderr)
    edit(project, "actions: actions.csv", "actions: /proc/self/status")
    completed = project.subprocess("validate", CI_JOB_TOKEN=SECRET)
    assert completed.returncode == 1 and "Name:" not in completed.stdout + completed.stderr


def test_a_link_inside_the_project_to_a_file_outside_is_refused(project: Project, outside: Path):
    (project.root / "data" / "link.csv").symlink_to(outside / "secret.txt")
    (project.root / "commentary" / "PC-1.md").symlink_to(outside / "secret.txt")
    edit(project, "  - data/data.csv", "  - data/data.csv\n  - data/link.csv")
    result = project.invoke("report", "--format", "html", expect=1)
    assert_refused(result.output)
    assert "link.csv" in result.output
    for path in (project.root / "build").rglob("*") if (project.root / "build").exists() else ():
        assert SECRET not in path.read_text(errors="replace")


def test_a_commentary_link_out_of_its_folder_is_refused_by_name(project: Project, outside: Path):
    (project.root / "commentary" / "PC-1.md").symlink_to(outside / "secret.txt")
    result = project.invoke("report", "--format", "html", "--force", expect=1)
    assert "PC-1.md" in result.output and "outside the commentary folder" in result.output
    assert SECRET not in result.output


def test_allow_path_on_the_command_line_widens_the_boundary(project: Project, outside: Path):
    """The person running the command may allow a folder; the project file alone never can."""
    edit(project, "  - data/data.csv", "  - ../elsewhere/data.csv")
    project.invoke("validate", expect=1)
    result = project.invoke("validate", "--allow-path", str(outside), expect=0)
    assert "outside-project" not in result.output
    result = project.invoke("report", "--allow-path", str(outside), "--format", "html", expect=0)
    assert (project.root / "build").is_dir()


def test_the_command_line_output_folder_is_trusted(project: Project, tmp_path: Path):
    """`--out` is chosen by whoever runs perfwatch, so it may be anywhere."""
    target = tmp_path / "published"
    project.invoke("report", "--format", "html", "--out", str(target), expect=0)
    assert list(target.glob("*.html"))


def test_a_template_link_to_git_config_or_an_outside_file_embeds_nothing(project: Project, outside: Path):
    """`<a rel="attachment">` once embedded `.git/config` (where CI keeps its token) or any file in the PDF."""
    git = project.root / ".git"
    git.mkdir()
    (git / "config").write_text(f'[http]\n\textraheader = "AUTHORIZATION: basic {SECRET}"\n')
    project.write(
        "templates/performance.html.j2",
        '{% extends "builtin/performance.html.j2" %}{% block content %}'
        '<a rel="attachment" href="../.git/config">config</a>'
        f'<a rel="attachment" href="{(outside / "secret.txt").as_uri()}">secret</a>'
        f'<img src="{(outside / "secret.txt").as_uri()}">'
        "{{ super() }}{% endblock %}",
    )
    edit(project, "output: build", "output: build\ntemplates: templates")
    result = project.invoke("report", "--format", "pdf", "--force", expect=0)
    assert "refused-url" in result.output and SECRET not in result.output
    [pdf] = (project.root / "build").glob("*.pdf")
    assert SECRET.encode() not in inflated(pdf.read_bytes())


def test_a_template_file_linking_outside_its_folder_is_refused(project: Project, outside: Path):
    (project.root / "templates").mkdir()
    (project.root / "templates" / "performance.html.j2").symlink_to(outside / "secret.txt")
    edit(project, "output: build", "output: build\ntemplates: templates")
    result = project.invoke("report", "--format", "html", "--force", expect=2)
    assert "refused" in result.output and SECRET not in result.output


_RECORDING: list[list[str]] = []


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _RECORDING and isinstance(args[0], str | bytes | os.PathLike):
        _RECORDING[-1].append(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one records only inside `recorded_opens`


@contextmanager
def recorded_opens() -> Iterator[list[str]]:
    """Every path opened by Python code (`open`, `os.open`, `io.open_code`) inside the block."""
    opened: list[str] = []
    _RECORDING.append(opened)
    try:
        yield opened
    finally:
        _RECORDING.pop()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_nothing_is_opened_outside_the_project(project: Project):
    """Property: whatever paths a project file names, no file outside the project (and allowed folders)
    is opened, whatever the outcome. Every `open` call of the run is recorded."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    segments = st.sampled_from(["..", ".", "data", "data.csv", "elsewhere", "secret.txt", "etc", "passwd",
                                ".git", "config", "commentary", "build", "/", "/etc", "/proc", "self", "environ",
                                "~", "framework.yaml", "%2e%2e"])  # fmt: skip
    root = project.root.resolve()
    outside_folder = root.parent / "elsewhere"
    aimed = st.sampled_from(["../elsewhere/secret.txt", "data/elsewhere/secret.txt", "/etc/passwd", "../elsewhere",
                             "/proc/self/environ", str(outside_folder / "secret.txt"), "data/elsewhere", "/etc"])  # fmt: skip
    paths = st.one_of(
        aimed,
        st.lists(segments, min_size=1, max_size=5).map(lambda parts: "/".join(parts).replace("//", "/")),
    )
    outside_folder.mkdir(exist_ok=True)
    (outside_folder / "secret.txt").write_text(f"a,b\n{SECRET},1\n")
    (root / "data" / "elsewhere").symlink_to(outside_folder)
    original = (root / "perfwatch.yaml").read_text(encoding="utf-8")

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=paths, actions=paths, commentary=paths, output=paths, templates=paths, framework=paths)
    def check(data, actions, commentary, output, templates, framework):
        text = original.replace("  - data/data.csv", f"  - {{path: {data!r}}}")
        text = text.replace("actions: actions.csv", f"actions: {actions!r}")
        text = text.replace("commentary: [commentary]", f"commentary: [{commentary!r}]")
        text = text.replace("output: build", f"output: {output!r}\ntemplates: {templates!r}")
        text = text.replace("framework: framework.yaml", f"framework: {framework!r}")
        (root / "perfwatch.yaml").write_text(text, encoding="utf-8")
        with recorded_opens() as opened:
            project.invoke("validate")
            project.invoke("report", "--format", "html")
        from perfwatch.resources import bundled_dir

        trusted = (root, *(bundled_dir(name).resolve() for name in ("frameworks", "templates")))
        for path in opened:
            resolved = Path(path).resolve()
            if resolved.is_relative_to(outside_folder) or str(resolved).startswith(("/etc", "/proc")):
                raise AssertionError(f"opened {resolved} outside the project for {text}")
            if resolved.is_relative_to(root.parent) and not any(resolved.is_relative_to(t) for t in trusted):
                raise AssertionError(f"opened {resolved} outside the project for {text}")

    check()
