"""The commands that evaluate or build: `status`, `export`, `timetable`, `report`, `init`. Each imports
what it needs when it runs, so `perfwatch --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfwatch.cli.completion import (
    complete_area,
    complete_bundled_framework,
    complete_cycle,
    complete_outcome,
)
from perfwatch.cli.group import (
    MAX_WARNINGS_SHOWN,
    CommandFailed,
    allow_path_option,
    allowed_paths,
    cli,
    log,
    unattended_options,
)
from perfwatch.errors import Finding
from perfwatch.vocabulary import (
    DEFAULT_REPORT_FORMATS,
    EXPORT_FORMATS,
    REPORT_FORMATS,
    REPORT_KINDS,
    STATUSES,
)

if TYPE_CHECKING:
    pass


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
        allow_path_option,
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _run(framework, data_paths, project, period, as_of, strict):
    from perfwatch.api import resolve_inputs, run

    inputs = resolve_inputs(framework=framework, data=data_paths, project=project, allowed=allowed_paths())
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
@click.option(
    "--area", "areas", multiple=True, shell_complete=complete_area, help="Only these areas (ids); repeatable."
)
@click.option("--outcome", "outcomes", multiple=True, shell_complete=complete_outcome,
              help="Only these outcomes (ids); repeatable.")  # fmt: skip
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(STATUSES),
              help="Only these statuses; repeatable.")  # fmt: skip
@click.pass_context
def status(ctx, framework, data_paths, project, period, as_of, strict, areas, outcomes, statuses) -> None:
    """The scorecard in the terminal: each indicator's latest value, target, status and trend.

    Piped or under cron it prints plain aligned text with no colour codes, as wide as `COLUMNS` says (else
    160). Below 100 columns each indicator gets a block of short lines instead of a table row.

    Example: perfwatch status --status red --area falkirk
    """
    from rich.console import Console

    from perfwatch.cli.terminal import console_width, filter_latest, scorecard, summary

    results = _run(framework, data_paths, project, period, as_of, strict).results
    latest = filter_latest(results, areas, outcomes, statuses)
    console = Console(highlight=False, soft_wrap=False, width=console_width(sys.stdout.isatty(), os.environ))
    console.print(scorecard(results, latest, console))
    if not ctx.obj.get("quiet"):
        console.print(summary(latest))


@cli.command()
@run_options
@unattended_options
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="The file to write: .csv, .xlsx, .json or .parquet; `-` for standard output.",
)
@click.option("--to", "to_format", type=click.Choice([f.lstrip(".") for f in EXPORT_FORMATS]),
              help="The format for `--out -` (default: csv), or instead of the file's extension.")  # fmt: skip
@click.option(
    "--no-sanitize", is_flag=True, help="Do not neutralise formula-like text (machine-to-machine CSV/JSON)."
)
@click.option("--unsuppressed", is_flag=True,
              help="Keep small counts (for internal analysis); by default they are suppressed as in reports.")  # fmt: skip
@click.pass_context
def export(
    ctx, framework, data_paths, project, period, as_of, strict, out, to_format, no_sanitize, unsuppressed
) -> None:
    """Write the evaluated results, one row per indicator × area × period, as CSV, XLSX, JSON or Parquet.

    Text that Excel would run as a formula (=, +, -, @ ...) is neutralised. Each row carries the
    indicator's title and unit, the area's name, and the period's first and last day as dates.

    Example: perfwatch export --out results.xlsx;  perfwatch export --out - --to json | jq
    """
    from perfwatch import api

    inputs = api.resolve_inputs(
        framework=framework, data=data_paths, project=project, allowed=allowed_paths()
    )
    if str(out) == "-":
        sys.stdout.flush()
        evaluated = api.export(inputs, None, period=period, as_of=as_of, strict=strict, sanitise=not no_sanitize,
                               unsuppressed=unsuppressed, to_format=to_format, stream=sys.stdout.buffer)  # fmt: skip
    else:
        if to_format and out.suffix.lower() != f".{to_format}":
            out = out.with_suffix(f".{to_format}")
        evaluated = api.export(inputs, out, period=period, as_of=as_of, strict=strict, sanitise=not no_sanitize,
                               unsuppressed=unsuppressed)  # fmt: skip
    _warn(evaluated.warnings)
    if not ctx.obj.get("quiet"):
        click.echo(f"Wrote {len(evaluated.results.table):,} rows to {out}", err=True)


@cli.command()
@click.argument("framework", required=False, type=click.Path(path_type=Path))
@click.option(
    "--project", type=click.Path(path_type=Path), help="The project file (default: ./perfwatch.yaml)."
)
@click.option(
    "--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), help="Start date (default: today)."
)
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 60), help="How far ahead.")
@unattended_options
@allow_path_option
def timetable(framework, project, start, months) -> None:
    """Which reports fall due when, the period each covers, and which indicators have new data for it."""

    from rich.console import Console

    from perfwatch import api

    inputs = api.resolve_inputs(framework=framework, project=project, allowed=allowed_paths())
    dues = api.timetable(inputs, start, months)
    if not dues:
        raise CommandFailed(f"{inputs.framework} declares no reporting cycles with months (reporting.cycles)")
    from perfwatch.cli.terminal import console_width, timetable_table

    console = Console(highlight=False, width=console_width(sys.stdout.isatty(), os.environ))

    console.print(timetable_table(dues, console))


@cli.command()
@run_options
@click.option(
    "--kind",
    type=click.Choice(REPORT_KINDS),
    help="The kind of report (default: the cycle's, else performance).",
)
@click.option(
    "--cycle",
    shell_complete=complete_cycle,
    help="A reporting cycle of the framework: its kind and, without --period, its period.",
)
@click.option("--area", shell_complete=complete_area, help="Build the report for this area.")
@click.option("--each-area", is_flag=True, help="Build one report per area, in parallel processes.")
@click.option(
    "--format",
    "formats",
    default=None,
    help=f"Comma-separated formats: {', '.join(REPORT_FORMATS)} (default: {','.join(DEFAULT_REPORT_FORMATS)}).",
)
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
    from perfwatch import api
    from perfwatch.api import resolve_inputs
    from perfwatch.errors import EXIT_PARTIAL
    from perfwatch.safetext import terminal_safe

    if area and each_area:
        raise click.UsageError("give either --area or --each-area, not both")
    chosen = None
    if formats:
        chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
        bad = [f for f in chosen if f not in REPORT_FORMATS]
        if bad:
            raise click.UsageError(
                f"unknown format {', '.join(bad)}: choose from {', '.join(REPORT_FORMATS)}"
            )
    inputs = resolve_inputs(framework=framework, data=data_paths, project=project, allowed=allowed_paths())
    choices = api.Choices(kind, cycle, period, area, each_area, chosen)
    quiet = ctx.obj.get("quiet", False)
    with _ProgressDisplay(quiet) as progress:
        outcome = api.report(inputs, choices, out_dir=out_dir, templates=templates, as_of=as_of, strict=strict,
                             force=force, jobs=jobs, progress=progress)  # fmt: skip
    _warn(outcome.warnings)
    if not quiet:
        for path in outcome.paths:
            click.echo(str(path))
    if outcome.failures:
        for failed_area, message in outcome.failures.items():
            log.error("area %s failed: %s", failed_area, message)
            click.echo(terminal_safe(f"perfwatch: error: area {failed_area} failed: {message}"), err=True)
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
@unattended_options
@click.option("--from", "from_framework", metavar="NAME", shell_complete=complete_bundled_framework,
              help="Start from a bundled framework, e.g. forth-valley-ijb, healthwatch-kent.")  # fmt: skip
@click.pass_context
def init(ctx, directory: Path, from_framework: str | None) -> None:
    """Write a small working project (framework, sample data, perfwatch.yaml) that builds at once.

    Example: perfwatch init my-hwb && cd my-hwb && perfwatch report
    """
    from perfwatch import api

    written = api.init(directory, from_framework)
    if not ctx.obj.get("quiet"):
        for path in written:
            click.echo(str(path))
        click.echo(f"\nNext: cd {directory} && perfwatch validate && perfwatch report", err=True)
