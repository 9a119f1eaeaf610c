"""The `validate` and `schema` commands: check inputs without evaluating, and print findings as text, JSON
or GitHub annotations. Imports only click and the standard library at the top, for start-up speed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfwatch.cli.findings_output import OUTPUT_FORMATS, render_findings
from perfwatch.cli.group import (
    YAML_SUFFIXES,
    CommandFailed,
    allow_path_option,
    allowed_paths,
    cli,
    log,
    unattended_options,
)
from perfwatch.errors import EXIT_OK, EXIT_PROBLEMS, Finding
from perfwatch.vocabulary import PROJECT_FILE

if TYPE_CHECKING:
    pass


# --- validate -----------------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--strict", is_flag=True, help="Treat warnings (lints) as errors (date-based lints only if selected)."
)
@click.option(
    "--output-format",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS),
    envvar="PERFWATCH_FORMAT",
    help="text (file:line:col lines), json (for tools), github (Actions annotations plus text), sarif "
    "(SARIF 2.1.0, for GitHub code scanning) or gitlab (GitLab code quality). "
    "Default: github when GITHUB_ACTIONS=true, else text. Env: PERFWATCH_FORMAT.",
)
@click.option("--format", "legacy_format", type=click.Choice(OUTPUT_FORMATS), hidden=True,
              help="Old name of --output-format.")  # fmt: skip
@click.option("--select", "select", multiple=True, metavar="RULES",
              help="Run only these lint rules (codes or prefixes, comma-separated; `perfwatch rules` lists them).")  # fmt: skip
@click.option("--ignore", "ignore", multiple=True, metavar="RULES", help="Do not run these lint rules.")
@click.option(
    "--stdin-filename", metavar="NAME", help="The file name to report for a framework read from `-`."
)
@click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Also check these data files against the framework (repeatable; one framework only).",
)
@unattended_options
@allow_path_option
@click.pass_context
def validate(
    ctx: click.Context,
    paths: tuple[Path, ...],
    strict: bool,
    output_format: str | None,
    legacy_format: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    stdin_filename: str | None,
    data_paths: tuple[Path, ...],
) -> None:
    """Check framework files (or folders of them) and report every problem with file:line:column.

    With no PATH, in a project (a perfwatch.yaml here or in a folder above): check the project file, its
    framework and its data. PATH `-` reads a framework from standard input.

    Exit status: 0 no errors, 1 problems found, 2 usage error or failure to run.
    """
    from perfwatch import api

    output_format = output_format or legacy_format
    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    quiet = ctx.obj.get("quiet", False)
    project_file = _find_project() if not paths else None
    rules = _rule_selection(select, ignore, project_file)
    if not paths:
        if project_file is None:
            raise click.UsageError(
                f"give framework files or folders to check, or run in a folder with a {PROJECT_FILE}"
            )
        findings = api.check_project(
            project_file, data=data_paths, strict=strict, rules=rules, allowed=allowed_paths()
        )
        _report(findings, 1, output_format, quiet=quiet)
        ctx.exit(EXIT_PROBLEMS if any(f.is_error for f in findings) else EXIT_OK)
    if Path("-") in paths:
        if len(paths) != 1 or data_paths:
            raise click.UsageError("`-` (standard input) must be the only PATH, without --data")
        findings = _check_stdin(stdin_filename or "-", strict, rules)
        _report(findings, 1, output_format, quiet=quiet)
        ctx.exit(EXIT_PROBLEMS if any(f.is_error for f in findings) else EXIT_OK)
    files = list(_framework_files(paths))
    if not files:
        raise CommandFailed(f"no *.yaml or *.yml files found in {', '.join(map(str, paths))}")
    if data_paths and len(files) != 1:
        raise click.UsageError("--data checks data against one framework: give exactly one framework file")

    findings: list[Finding] = []
    for path in files:
        log.debug("checking %s", path)
        if data_paths and path.name != PROJECT_FILE:
            findings += api.check_project(
                framework=path, data=data_paths, strict=strict, rules=rules, allowed=allowed_paths()
            )
        else:
            findings += api.check_framework_file(path, strict=strict, rules=rules, allowed=allowed_paths())

    _report(findings, len(files), output_format, quiet=quiet)
    ctx.exit(EXIT_PROBLEMS if any(f.is_error for f in findings) else EXIT_OK)


def _framework_files(paths: Iterable[Path]) -> Iterable[Path]:
    """Files as given; folders searched for YAML, skipping hidden folders and project files.

    A project file (`perfwatch.yaml`) named explicitly is checked as a project file; found in a folder it
    is left out, since a folder of frameworks may sit in a project.
    """
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            for name in sorted(names):
                if name.endswith(YAML_SUFFIXES) and name != PROJECT_FILE:
                    yield Path(folder) / name


def _find_project() -> Path | None:
    from perfwatch.framework.project import find_project

    return find_project(".")


def _rule_selection(select: tuple[str, ...], ignore: tuple[str, ...], project_file: Path | None):
    """The lint rules to run: the options, else the project file's `lint:` (read only when no PATH)."""
    from perfwatch.framework.rules import RuleSelection, split_selectors

    if not select and not ignore:
        return None  # the project's own `lint:` settings apply, read with the project
    try:
        return RuleSelection(split_selectors(select), split_selectors(ignore))
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _check_stdin(name: str, strict: bool, rules) -> list[Finding]:
    """A framework piped in: written to a private temporary file, reported under `name`."""
    import dataclasses
    import sys
    import tempfile

    from perfwatch import api

    data = sys.stdin.buffer.read()
    with tempfile.TemporaryDirectory(prefix="perfwatch-stdin-") as folder:
        path = Path(folder) / "stdin.yaml"
        path.write_bytes(data)
        findings = api.check_framework_file(path, strict=strict, rules=rules)
    return [dataclasses.replace(f, file=name) for f in findings]


def _report(findings: list[Finding], file_count: int, output_format: str, quiet: bool) -> None:
    """The findings on stdout; the summary line too for text, on stderr for machine-readable formats."""
    click.echo(render_findings(findings, output_format), nl=False)
    if not quiet:
        click.echo(summary_line(findings, file_count), err=output_format in ("json", "sarif", "gitlab"))


def summary_line(findings: list[Finding], file_count: int) -> str:
    """`2 errors and 1 warning in 3 files`, or `All 6 frameworks are valid.`"""
    errors = sum(f.is_error for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    findings = [f for f in findings if f.severity != "info"]
    files = _plural(file_count, "file")
    if not findings:
        return (
            f"All {_plural(file_count, 'framework')} are valid."
            if file_count > 1
            else "The framework is valid."
        )
    if not errors:
        return f"{_plural(warnings, 'warning')} in {files}; no errors."
    if not warnings:
        return f"{_plural(errors, 'error')} in {files}."
    return f"{_plural(errors, 'error')} and {_plural(warnings, 'warning')} in {files}."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- rules --------------------------------------------------------------------------------------------


@cli.command()
@unattended_options
@click.pass_context
def rules(ctx: click.Context) -> None:
    """List every lint rule with its code and meaning, for --select, --ignore and `# perfwatch: ignore[...]`."""
    from perfwatch.framework.rules import DATE_BASED_RULES, LINT_RULES

    width = max(map(len, LINT_RULES))
    for code, meaning in LINT_RULES.items():
        click.echo(f"{code:<{width}}  {meaning}")
    if ctx.obj.get("quiet"):
        return
    click.echo(
        f"\nUnder --strict, {', '.join(sorted(DATE_BASED_RULES))} stays a warning unless selected by name.",
        err=True,
    )


# --- schema -------------------------------------------------------------------------------------------


@cli.command()
@unattended_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
@click.pass_context
def schema(ctx: click.Context, out: Path | None) -> None:
    """Print the JSON Schema (draft-07) of the framework format, for editors and check-jsonschema.

    Save it beside your frameworks (`perfwatch schema --out framework.schema.json`) and make this the first
    line of each: `# yaml-language-server: $schema=./framework.schema.json` (the path is relative to the
    framework file). VS Code's YAML extension then checks the framework as you type. `perfwatch init`
    does both for you.
    """
    from perfwatch.api import schema_text

    text = schema_text()
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CommandFailed(f"cannot write {out}: {error.strerror or error}") from None
    if not ctx.obj.get("quiet"):
        click.echo(
            f"wrote {out}; for VS Code's YAML extension, make the first line of each framework beside it\n"
            f"# yaml-language-server: $schema=./{out.name}",
            err=True,
        )
