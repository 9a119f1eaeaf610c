"""The `validate` and `schema` commands: check inputs without evaluating, and print findings as text, JSON
or GitHub annotations. Imports only click and the standard library at the top, for start-up speed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfwatch.cli.group import OUTPUT_FORMATS, YAML_SUFFIXES, CommandFailed, cli, log
from perfwatch.errors import EXIT_OK, EXIT_PROBLEMS, Finding
from perfwatch.vocabulary import PROJECT_FILE

if TYPE_CHECKING:
    pass


# --- validate -----------------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (lints) as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(OUTPUT_FORMATS),
    envvar="PERFWATCH_FORMAT",
    help="text (file:line:col lines), json (for tools) or github (Actions annotations plus text). "
    "Default: github when GITHUB_ACTIONS=true, else text. Env: PERFWATCH_FORMAT.",
)
@click.option(
    "--data",
    "data_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Also check these data files against the framework (repeatable; one framework only).",
)
@click.pass_context
def validate(
    ctx: click.Context,
    paths: tuple[Path, ...],
    strict: bool,
    output_format: str | None,
    data_paths: tuple[Path, ...],
) -> None:
    """Check framework files (or folders of them) and report every problem with file:line:column.

    With no PATH, in a folder with a perfwatch.yaml: check the project file, its framework and its data.

    Exit status: 0 no errors, 1 problems found, 2 usage error or failure to run.
    """
    from perfwatch import api

    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if not paths:
        if not Path(PROJECT_FILE).is_file():
            raise click.UsageError(
                f"give framework files or folders to check, or run in a folder with a {PROJECT_FILE}"
            )
        findings = api.check_project(Path(PROJECT_FILE), data=data_paths, strict=strict)
        _report(findings, 1, output_format, quiet=ctx.obj.get("quiet", False))
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
            findings += api.check_project(framework=path, data=data_paths, strict=strict)
        else:
            findings += api.check_framework_file(path, strict=strict)

    _report(findings, len(files), output_format, quiet=ctx.obj.get("quiet", False))
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


def _report(findings: list[Finding], file_count: int, output_format: str, quiet: bool) -> None:
    if output_format == "json":
        import json

        click.echo(json.dumps([_json_finding(f) for f in findings], indent=2, ensure_ascii=False))
        if not quiet:
            click.echo(summary_line(findings, file_count), err=True)
        return
    if output_format == "github":
        for finding in findings:
            click.echo(github_annotation(finding))
    for finding in findings:
        click.echo(finding.format())
    if not quiet:
        click.echo(summary_line(findings, file_count))


def _json_finding(finding: Finding) -> dict:
    """The documented JSON contract: these keys, in this order."""
    return {
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.line,
        "end_column": finding.column,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "loc": finding.loc,
    }


def summary_line(findings: list[Finding], file_count: int) -> str:
    """`2 errors and 1 warning in 3 files`, or `All 6 frameworks are valid.`"""
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
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


def github_annotation(finding: Finding) -> str:
    """A GitHub Actions workflow command: `::error file=…,line=…,col=…,title=…::message`."""
    properties = [f"file={_escape_property(finding.file)}"]
    if finding.line is not None:
        properties.append(f"line={finding.line}")
        if finding.column is not None:
            properties.append(f"col={finding.column}")
    properties.append(f"title={_escape_property(f'perfwatch {finding.code}')}")
    return f"::{finding.severity} {','.join(properties)}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


# --- schema -------------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the schema to this file instead of printing it.",
)
@click.pass_context
def schema(ctx: click.Context, out: Path | None) -> None:
    """Print the JSON Schema (draft-07) of the framework format, for editors and check-jsonschema.

    Editors that use yaml-language-server (VS Code YAML) read it from a first line such as
    `# yaml-language-server: $schema=./framework.schema.json`.
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
        click.echo(f"wrote {out}", err=True)
