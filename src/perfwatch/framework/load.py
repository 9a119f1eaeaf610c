"""Load and check a framework file: the format, the cross-references, and the lints.

Three layers, each reporting :class:`~perfwatch.errors.Finding` objects located at the YAML node:

1. :mod:`perfwatch.framework.yamlload` reads the file safely (syntax, duplicate keys, YAML traps);
2. the pydantic models check the format; their errors are rewritten in plain words with the position,
   what was expected, what was found, and a "did you mean" where one helps;
3. cross-field rules: ids are unique, every reference resolves, area parents do not loop, periods parse;
   and lints (warnings, errors under `strict`) that keep a framework honest.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import ValidationError

from perfwatch.errors import Finding, InputError, errors_only
from perfwatch.framework.lints import _lint_findings
from perfwatch.framework.model import Framework
from perfwatch.framework.references import _reference_findings
from perfwatch.framework.rules import RuleSelection, apply_rules, inline_ignores
from perfwatch.framework.schema_errors import schema_findings
from perfwatch.framework.yamlload import MarkedDocument, load_yaml


def load_framework(path: str | Path) -> Framework:
    """The framework in `path`, or `InputError` carrying every error found (warnings do not stop it)."""
    framework, findings = check_framework(path)
    errors = errors_only(findings)
    if errors or framework is None:
        raise InputError(errors or findings)
    return framework


def check_framework(
    path: str | Path, strict: bool = False, today: date | None = None, rules: RuleSelection | None = None
) -> tuple[Framework | None, list[Finding]]:
    """Every finding for the framework in `path`, and the model when the file matches the format.

    The model is returned even when cross-reference errors were found, so callers can report more; use
    :func:`load_framework` to get a framework that is known to be sound.
    """
    try:
        document = load_yaml(path)
    except InputError as error:
        return None, error.findings
    return check_document(document, strict=strict, today=today, rules=rules)


def check_document(
    document: MarkedDocument,
    strict: bool = False,
    today: date | None = None,
    rules: RuleSelection | None = None,
) -> tuple[Framework | None, list[Finding]]:
    """Like :func:`check_framework`, for YAML already loaded. `rules` chooses the lints
    (:mod:`perfwatch.framework.rules`); `# perfwatch: ignore[...]` comments in the file silence them."""
    try:
        framework = Framework.model_validate(document.data)
    except ValidationError as error:
        return None, sorted(schema_findings(document, error, Framework))
    findings = [*_reference_findings(document, framework), *_lint_findings(document, framework, today)]
    findings = apply_rules(findings, rules, inline_ignores(document.text), strict)
    return framework, sorted(set(findings))
