"""The click group every command hangs on: global options (`--quiet`, `--log-file`), and the translation of
library errors into messages and exit codes: 0 clean, 1 problems found in the inputs (`InputError`), 2 a
failure to run (`PerfwatchError`) or a bug (the traceback is kept, on stderr and in the log), 3 some areas
of a batch failed. Start-up must stay fast (`perfwatch --help` and `perfwatch validate` under 0.5 s), so the
command modules import only click and the standard library at the top; never pandas, numpy, weasyprint or
jinja2 at module level.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

from perfwatch import __version__
from perfwatch.errors import EXIT_PROBLEMS, EXIT_USAGE, InputError, PerfwatchError

if TYPE_CHECKING:
    pass

YAML_SUFFIXES = (".yaml", ".yml")
OUTPUT_FORMATS = ("text", "json", "github")

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


def main() -> None:
    """Console-script entry point (`perfwatch`)."""
    cli(prog_name="perfwatch")


if __name__ == "__main__":
    main()
