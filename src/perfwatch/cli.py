"""The `perfwatch` command line: parses options, calls the library, prints.

Start-up must stay fast (`perfwatch --help` and `perfwatch validate` under 0.5 s), so this module imports
only click and the standard library at the top; every command imports what it needs when it runs. Never
import pandas, numpy, weasyprint or jinja2 here at module level.

Exit codes follow ruff and sqlfluff: 0 clean, 1 problems found in the inputs, 2 usage or a failure to run.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfwatch import __version__
from perfwatch.errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Finding, InputError, PerfwatchError

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework

PROJECT_FILE_NAME = "perfwatch.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
FORMATS = ("text", "json", "github")

log = logging.getLogger("perfwatch")
log.addHandler(logging.NullHandler())  # warnings are echoed by the commands; the log file gets them all
MAX_WARNINGS_SHOWN = 20


class CommandFailed(click.ClickException):
    """A failure to run (bad set-up, unreadable output folder, missing feature): exit 2, not 1.

    click's own `ClickException` exits 1, which perfwatch keeps for "problems found in the inputs".
    """

    exit_code = EXIT_USAGE

    def show(self, file=None) -> None:
        click.echo(f"perfwatch: error: {self.format_message()}", err=True)


class PerfwatchGroup(click.Group):
    """Turns library errors into clean messages and the right exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as error:
            for finding in error.findings:
                click.echo(finding.format(), err=True)
            ctx.exit(EXIT_PROBLEMS)
        except PerfwatchError as error:
            raise CommandFailed(str(error)) from None
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception:
            _report_bug(ctx)


def _report_bug(ctx: click.Context) -> None:
    """An unexpected exception is a bug, not a problem in the inputs: its traceback goes to stderr and the
    log file, and the exit code is 2 ("failed to run"), so cron and CI never read it as exit 1."""
    log.exception("perfwatch crashed: this is a bug in perfwatch, not in your inputs")
    click.echo(traceback.format_exc().rstrip(), err=True)
    click.echo(
        "perfwatch: internal error: this is a bug in perfwatch, not a problem in your inputs; "
        "please report it with the traceback above",
        err=True,
    )
    ctx.exit(EXIT_USAGE)


@click.group(cls=PerfwatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="perfwatch", message="%(prog)s %(version)s")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems: no summary or progress.")
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write a detailed log (DEBUG, with timestamps) to this file; for cron jobs.",
)
@click.pass_context
def cli(ctx: click.Context, quiet: bool, log_file: Path | None) -> None:
    """perfwatch: performance management frameworks for health and social care, as code.

    Validate a framework, evaluate the data against it, and build the board reports.
    """
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet
    if log_file is not None:
        _add_log_file(ctx, log_file)


def unattended_options(command):
    """`--quiet` and `--log-file` on a command too, so `perfwatch report --quiet --log-file x` works."""

    def set_quiet(ctx: click.Context, _param, value: bool) -> bool:
        if value:
            ctx.ensure_object(dict)["quiet"] = True
        return value

    def set_log(ctx: click.Context, _param, value: Path | None) -> Path | None:
        if value is not None:
            _add_log_file(ctx, value)
        return value

    command = click.option("-q", "--quiet", "_quiet", is_flag=True, expose_value=False, callback=set_quiet,
                           help="Print only problems: no summary or progress.")(command)  # fmt: skip
    return click.option("--log-file", "_log_file", expose_value=False, callback=set_log,
                        type=click.Path(dir_okay=False, path_type=Path),
                        help="Also write a detailed log (DEBUG, timestamps) to this file.")(command)  # fmt: skip


def _add_log_file(ctx: click.Context, path: Path) -> None:
    """Log everything (DEBUG, timestamps, no colour) to `path` for this run; undone when the run ends."""
    try:
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as error:
        raise CommandFailed(f"cannot write the log file {path}: {error.strerror or error}") from None
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(name) for name in ("perfwatch", "weasyprint")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)

    def remove() -> None:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
        handler.close()

    ctx.call_on_close(remove)
    log.debug("perfwatch %s: %s", __version__, " ".join(sys.argv))


# --- validate -----------------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings (lints) as errors.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
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
    from perfwatch.framework.load import check_framework

    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if not paths:
        if not Path(PROJECT_FILE_NAME).is_file():
            raise click.UsageError(
                f"give framework files or folders to check, or run in a folder with a {PROJECT_FILE_NAME}"
            )
        findings = _check_project(Path(PROJECT_FILE_NAME), data_paths, strict)
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
        if path.name == PROJECT_FILE_NAME:
            findings += _check_project_file(path)
            continue
        framework, found = check_framework(path, strict=strict)
        findings += found
        if data_paths and framework is not None and not any(f.is_error for f in found):
            findings += _check_data(framework, data_paths, strict)

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
                if name.endswith(YAML_SUFFIXES) and name != PROJECT_FILE_NAME:
                    yield Path(folder) / name


def _check_project_file(path: Path) -> list[Finding]:
    """A project file (`perfwatch.yaml`) named explicitly: checked as a project file."""
    from perfwatch.framework.project import load_project

    try:
        load_project(path)
    except InputError as error:
        return error.findings
    return []


def _check_project(path: Path, data_paths: tuple[Path, ...], strict: bool) -> list[Finding]:
    """A project folder: the project file, then its framework, then its data through their mappings."""
    from perfwatch.data.checks import check_data
    from perfwatch.framework.load import check_framework
    from perfwatch.pipeline import resolve_inputs

    try:
        inputs = resolve_inputs(project=path, data=data_paths)
    except InputError as error:
        return error.findings
    framework, findings = check_framework(inputs.framework, strict=strict, today=inputs.as_of)
    if framework is not None and not any(f.is_error for f in findings):
        findings += check_data(framework, inputs.data, strict=strict, as_of=inputs.as_of)
    return findings


def _check_data(framework: Framework, paths: tuple[Path, ...], strict: bool) -> list[Finding]:
    from perfwatch.data.checks import check_data

    return list(check_data(framework, list(paths), strict))


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
    from perfwatch.framework.docgen import json_schema_text

    text = json_schema_text()
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


# --- commands that evaluate --------------------------------------------------------------------------


class ReportDate(click.ParamType):
    """A date as YYYY-MM-DD, or `today` (for crontab lines)."""

    name = "date"

    def convert(self, value, param, ctx):
        from datetime import date

        if isinstance(value, date):
            return value
        if str(value).lower() == "today":
            return date.today()
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date: write YYYY-MM-DD or `today`", param, ctx)


REPORT_DATE = ReportDate()


def run_options(command):
    """The inputs of a run: a project file (default: ./perfwatch.yaml) or a framework and data files."""
    options = [
        click.argument("framework", required=False, type=click.Path(path_type=Path)),
        click.option("--data", "data_paths", multiple=True, type=click.Path(path_type=Path),
                     help="A data file (CSV, XLSX, Parquet) in the canonical long layout; repeatable."),
        click.option("--project", type=click.Path(path_type=Path),
                     help="The project file (default: perfwatch.yaml in this folder)."),
        click.option("--period", help="The period reported on, e.g. 2024/25, 'Q2 2024/25', 2024-09 (default: the latest)."),
        click.option("--as-of", type=REPORT_DATE,
                     help="The report date, YYYY-MM-DD or `today` (default: the project's as_of, else today)."),
        click.option("--strict", is_flag=True, help="Treat warnings in the framework and data as errors."),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _run(framework, data_paths, project, period, as_of, strict):
    from perfwatch.pipeline import resolve_inputs, run

    inputs = resolve_inputs(framework=framework, data=data_paths, project=project)
    outcome = run(inputs, period=period, as_of=as_of, strict=strict)
    _warn(outcome.warnings)
    return outcome


def _warn(findings: list[Finding]) -> None:
    """Warnings go to stderr (the first few) and the log file (all); they never change the exit code."""
    findings = list(dict.fromkeys(findings))  # reports of several periods meet the same data warnings
    for number, finding in enumerate(findings):
        log.warning(finding.format())
        if number < MAX_WARNINGS_SHOWN:
            click.echo(finding.format(), err=True)
    if len(findings) > MAX_WARNINGS_SHOWN:
        click.echo(
            f"... and {len(findings) - MAX_WARNINGS_SHOWN} more warnings (all of them go to --log-file; "
            "`perfwatch validate` lists every one)",
            err=True,
        )


@cli.command()
@run_options
@unattended_options
@click.option("--area", "areas", multiple=True, help="Only these areas (ids); repeatable.")
@click.option("--outcome", "outcomes", multiple=True, help="Only these outcomes (ids); repeatable.")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["green", "amber", "red", "no_target", "no_data", "not_assessed"]),
              help="Only these statuses; repeatable.")  # fmt: skip
@click.pass_context
def status(ctx, framework, data_paths, project, period, as_of, strict, areas, outcomes, statuses) -> None:
    """The scorecard in the terminal: each indicator's latest value, target, status and trend.

    Piped or under cron it prints plain aligned text with no colour codes.

    Example: perfwatch status --status red --area falkirk
    """
    from rich.console import Console

    from perfwatch.terminal import filter_latest, scorecard, summary

    results = _run(framework, data_paths, project, period, as_of, strict).results
    latest = filter_latest(results, areas, outcomes, statuses)
    console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)
    console.print(scorecard(results, latest, console))
    if not ctx.obj.get("quiet"):
        console.print(summary(latest))


@cli.command()
@run_options
@unattended_options
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .csv, .xlsx or .json.")  # fmt: skip
@click.option(
    "--no-sanitize", is_flag=True, help="Do not neutralise formula-like text (machine-to-machine CSV/JSON)."
)
@click.option("--unsuppressed", is_flag=True,
              help="Keep small counts (for internal analysis); by default they are suppressed as in reports.")  # fmt: skip
@click.pass_context
def export(
    ctx, framework, data_paths, project, period, as_of, strict, out, no_sanitize, unsuppressed
) -> None:
    """Write the evaluated results, one row per indicator × area × period, as CSV, XLSX or JSON.

    Text that Excel would run as a formula (=, +, -, @ ...) is neutralised.

    Example: perfwatch export --out results.xlsx
    """
    from perfwatch.export import export_results
    from perfwatch.suppression import suppress

    results = _run(framework, data_paths, project, period, as_of, strict).results
    export_results(results if unsuppressed else suppress(results), out, sanitise=not no_sanitize)
    if not ctx.obj.get("quiet"):
        click.echo(f"Wrote {len(results.table):,} rows to {out}", err=True)


@cli.command()
@click.argument("framework", required=False, type=click.Path(path_type=Path))
@click.option(
    "--project", type=click.Path(path_type=Path), help="The project file (default: ./perfwatch.yaml)."
)
@click.option(
    "--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), help="Start date (default: today)."
)
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 60), help="How far ahead.")
def timetable(framework, project, start, months) -> None:
    """Which reports fall due when, the period each covers, and which indicators have new data for it."""
    from datetime import date

    from rich.console import Console

    from perfwatch.framework.cycles import timetable as due_reports
    from perfwatch.framework.load import load_framework
    from perfwatch.pipeline import resolve_inputs

    inputs = resolve_inputs(framework=framework, project=project)
    loaded = load_framework(inputs.framework)
    dues = due_reports(loaded, start or inputs.as_of or date.today(), months)
    if not dues:
        raise CommandFailed(f"{inputs.framework} declares no reporting cycles with months (reporting.cycles)")
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    from perfwatch.terminal import timetable_table

    console.print(timetable_table(dues, console))


@cli.command()
@run_options
@click.option(
    "--kind",
    type=click.Choice(["performance", "annual", "exception", "scorecard"]),
    help="The kind of report (default: the cycle's, else performance).",
)
@click.option(
    "--cycle", help="A reporting cycle of the framework: its kind and, without --period, its period."
)
@click.option("--area", help="Build the report for this area.")
@click.option("--each-area", is_flag=True, help="Build one report per area, in parallel processes.")
@click.option("--format", "formats", default=None, help="Comma-separated formats: html, pdf (default: both).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: the project's output, else build/).",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder of templates overriding the bundled ones.",
)
@click.option("--jobs", type=click.IntRange(1, 256), help="Processes for --each-area (default: all cores).")
@click.option("--force", is_flag=True, help="Rebuild even when the inputs have not changed.")
@unattended_options
@click.pass_context
def report(ctx, framework, data_paths, project, period, as_of, strict, kind, cycle, area, each_area, formats,
           out_dir, templates, jobs, force) -> None:  # fmt: skip
    """Build the board reports as HTML and PDF.

    In a project folder with no options it builds the project's `reports:`. A re-run whose inputs have not
    changed reuses the previous files. Output is written atomically: a failed run never replaces the last
    good report. With --each-area, areas that fail are named and the exit status is 3.

    Example (cron): perfwatch report --cycle annual --as-of today --quiet --log-file report.log
    """
    from perfwatch.errors import EXIT_PARTIAL
    from perfwatch.pipeline import resolve_inputs
    from perfwatch.reporting import build, plan

    if area and each_area:
        raise click.UsageError("give either --area or --each-area, not both")
    chosen = None
    if formats:
        chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
        bad = [f for f in chosen if f not in ("html", "pdf")]
        if bad:
            raise click.UsageError(f"unknown format {', '.join(bad)}: choose html, pdf or html,pdf")
    inputs = resolve_inputs(framework=framework, data=data_paths, project=project)
    requests = plan(inputs, kind=kind, cycle=cycle, period=period, area=area, each_area=each_area,
                    formats=chosen, as_of=as_of)  # fmt: skip
    quiet = ctx.obj.get("quiet", False)
    with _ProgressDisplay(quiet) as progress:
        outcome = build(inputs, requests, out_dir=out_dir, templates=templates, as_of=as_of, strict=strict,
                        force=force, jobs=jobs, progress=progress)  # fmt: skip
    _warn(outcome.warnings)
    if not quiet:
        for path in outcome.paths:
            click.echo(str(path))
    if outcome.failures:
        for failed_area, message in outcome.failures.items():
            log.error("area %s failed: %s", failed_area, message)
            click.echo(f"perfwatch: error: area {failed_area} failed: {message}", err=True)
        click.echo(
            f"perfwatch: {len(outcome.failures)} of the areas failed ({', '.join(outcome.failures)}); "
            "the others were built",
            err=True,
        )
        ctx.exit(EXIT_PARTIAL)


class _ProgressDisplay:
    """A rich progress bar for --each-area on a terminal; log lines (no bar, no ANSI) anywhere else."""

    def __init__(self, quiet: bool):
        from rich.console import Console

        self.console = Console(stderr=True)
        self.show = self.console.is_interactive and not quiet
        self.bar = None

    def __enter__(self):
        if self.show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("Building reports"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TextColumn("{task.description}"), console=self.console)  # fmt: skip
            self.bar.start()
            self.task = None
        return self.update

    def update(self, area: str, error: str | None, done: int, total: int) -> None:
        log.info("area %s %s (%d of %d)", area, "failed" if error else "built", done, total)
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task(area, total=total)
            self.bar.update(self.task, completed=done, description=area)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "from_framework", metavar="NAME",
              help="Start from a bundled framework, e.g. forth-valley-ijb, healthwatch-kent.")  # fmt: skip
@click.pass_context
def init(ctx, directory: Path, from_framework: str | None) -> None:
    """Write a small working project (framework, sample data, perfwatch.yaml) that builds at once.

    Example: perfwatch init my-hwb && cd my-hwb && perfwatch report
    """
    from perfwatch.framework.scaffold import init_project

    written = init_project(directory, from_framework)
    if not ctx.obj.get("quiet"):
        for path in written:
            click.echo(str(path))
        click.echo(f"\nNext: cd {directory} && perfwatch validate && perfwatch report", err=True)


def main() -> None:
    """Console-script entry point (`perfwatch`)."""
    cli(prog_name="perfwatch")


if __name__ == "__main__":
    main()
