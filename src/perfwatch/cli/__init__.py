"""The `perfwatch` command line: `group` (the click group, errors and exit codes), `validate` (validate,
schema), `run` (status, export, timetable, report, init), `fetch` (Fingertips downloads), `serve` (the live
preview); `terminal` draws tables, `syscheck` checks the system libraries PDF needs. Importing this package
registers every command on `cli`."""

from perfwatch.cli import fetch, run, serve, validate  # noqa: F401  (registers the commands)
from perfwatch.cli.group import cli, main

__all__ = ["cli", "main"]
