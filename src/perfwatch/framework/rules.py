"""The catalogue of lint rules, and choosing which of them run, in the style of ruff and sqlfluff.

Lints are warnings about a framework that is valid but probably wrong. Each has a code (`lint-no-owner`),
listed by `perfwatch rules`. A run chooses among them with `select`/`ignore` (on the command line, or under
`lint:` in the project file) and a YAML comment on the line a warning points at silences it there:

    owner:   # perfwatch: ignore[lint-no-owner]

Errors (a framework that does not match the format or whose references do not resolve) cannot be
selected away: `validate` must accept exactly what `report` accepts.

Date-based rules depend on the day the check runs, not on the files, so under `--strict` they stay
warnings unless selected by name: a green `--strict` CI does not turn red one morning with no file changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from perfwatch.errors import Finding

LINT_PREFIX = "lint-"

LINT_RULES: dict[str, str] = {
    "lint-review-date-past": "the framework's `review_date` has passed (date-based: depends on the day it runs)",
    "lint-max-indicators": "an outcome has more indicators than `rules.max_indicators_per_outcome` allows",
    "lint-outcome-empty": "an outcome has no indicators and no evidence",
    "lint-no-owner": "an indicator has no `owner` (when `rules.require_owner`)",
    "lint-no-source": "an indicator has no `source` (when `rules.require_source`)",
    "lint-no-frequency": "an indicator has no `frequency`",
    "lint-no-target": "a judged indicator has no `target` (when `rules.require_target`)",
    "lint-rate-without-per": "a rate has no `per`, so 100,000 is assumed",
    "lint-judgement-no-scale": "a judgement indicator has no `scale`",
    "lint-target-unreachable": "a target can never be met under the indicator's polarity and unit",
    "lint-target-range": "a target is outside the range of its unit (0–100 for a percentage, 0–1 for a proportion)",
}

DATE_BASED_RULES = frozenset({"lint-review-date-past"})

_INLINE_IGNORE = re.compile(r"#\s*perfwatch:\s*ignore(?:\[([^\]]*)\])?", re.IGNORECASE)


@dataclass(frozen=True)
class RuleSelection:
    """Which lint rules run. A selector is a rule code, a prefix of codes (`lint-target`), or `ALL`."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [s for s in (*self.select, *self.ignore) if not _known_selector(s)]
        if unknown:
            raise ValueError(
                f"unknown rule {', '.join(f'`{s}`' for s in unknown)}; `perfwatch rules` lists the rule codes"
            )

    def enabled(self, code: str) -> bool:
        selected = not self.select or any(_matches(s, code) for s in self.select)
        return selected and not any(_matches(s, code) for s in self.ignore)

    def named(self, code: str) -> bool:
        """The rule was selected by its own code, not through a prefix or by default."""
        return code in self.select


def _matches(selector: str, code: str) -> bool:
    selector = selector.strip().lower()
    if selector == "all":
        return True
    if not (selector + "-").startswith(LINT_PREFIX):
        selector = LINT_PREFIX + selector
    return code == selector or code.startswith(selector.rstrip("-") + "-")


def _known_selector(selector: str) -> bool:
    return any(_matches(selector, code) for code in LINT_RULES)


def split_selectors(values: Iterable[str]) -> tuple[str, ...]:
    """`--select a,b --select c` → `("a", "b", "c")`."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def inline_ignores(text: str) -> dict[int, frozenset[str] | None]:
    """Line number → the rule codes ignored on that line by a `# perfwatch: ignore[...]` comment.

    `None` means every lint on that line (a bare `# perfwatch: ignore`).
    """
    found: dict[int, frozenset[str] | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if "perfwatch" not in line:
            continue
        match = _INLINE_IGNORE.search(line)
        if match is None:
            continue
        codes = match.group(1)
        found[number] = (
            None if codes is None else frozenset(c.strip().lower() for c in codes.split(",") if c.strip())
        )
    return found


def apply_rules(
    findings: Iterable[Finding],
    selection: RuleSelection | None,
    ignores: dict[int, frozenset[str] | None],
    strict: bool,
) -> list[Finding]:
    """The findings that remain once lints are chosen and silenced, with `strict` applied to lints."""
    selection = selection or RuleSelection()
    kept: list[Finding] = []
    for finding in findings:
        if finding.code.startswith(LINT_PREFIX) and finding.severity == "warning":
            if not selection.enabled(finding.code) or _silenced(finding, ignores):
                continue
            promote = strict and (finding.code not in DATE_BASED_RULES or selection.named(finding.code))
            if promote:
                finding = replace(finding, severity="error")
        elif strict and finding.severity == "warning":
            finding = replace(finding, severity="error")
        kept.append(finding)
    return kept


def _silenced(finding: Finding, ignores: dict[int, frozenset[str] | None]) -> bool:
    if finding.line is None or finding.line not in ignores:
        return False
    codes = ignores[finding.line]
    return codes is None or finding.code in codes or finding.code.removeprefix(LINT_PREFIX) in codes
