"""Errors and findings shared by every stage.

A *finding* is one problem in a user's input, located by file, line and column (or row). Library code
collects findings and raises :class:`InputError` with all of them, so the user fixes everything in one go;
the CLI prints them and exits 1. :class:`PerfwatchError` is a failure to run (exit 2). Anything else is a
bug and is allowed to crash with its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in an input file, with where it is and how to fix it."""

    file: str
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    code: str = "error"
    message: str = ""
    loc: str = field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def where(self) -> str:
        """`file:line:col`, `file:line` or `file`, as editors and CI tools expect."""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        return f"{self.where()}: {self.severity}[{self.code}]: {self.message}"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["end_line"] = self.line
        data["end_column"] = self.column
        return data


class PerfwatchError(Exception):
    """A failure to run that is not a problem in the inputs' content (exit code 2)."""

    exit_code = EXIT_USAGE


class InputError(PerfwatchError):
    """The user's inputs have problems; carries every finding (exit code 1)."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, findings: list[Finding] | Finding, message: str | None = None):
        self.findings = [findings] if isinstance(findings, Finding) else list(findings)
        super().__init__(message or "\n".join(f.format() for f in self.findings))

    def __reduce__(self):
        # An area's worker process sends its error back pickled: keep the findings and the message.
        return type(self), (self.findings, str(self))


def errors_only(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_error]


def promote_warnings(findings: list[Finding]) -> list[Finding]:
    """`--strict`: every warning becomes an error."""
    return [
        Finding(f.file, f.line, f.column, "error", f.code, f.message, f.loc) if not f.is_error else f
        for f in findings
    ]


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate a mistyped `word` most likely meant (case aside), for "did you mean" hints; or None."""
    by_lower = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[matches[0]] if matches else None
