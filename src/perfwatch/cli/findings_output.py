"""Findings written where CI tools read them: text, JSON, GitHub annotations, SARIF 2.1.0 and GitLab's
code-quality report. Pure functions of the findings (no click), imported only by `validate`.

SARIF is what GitHub code scanning uploads (`github/codeql-action/upload-sarif`); GitLab reads the
code-quality JSON from `artifacts:reports:codequality`. Both want paths relative to the repository, so
paths are written relative to the current folder when they lie under it, with `/` separators.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePath

from perfwatch import __version__
from perfwatch.errors import Finding

OUTPUT_FORMATS = ("text", "json", "github", "sarif", "gitlab")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/perfwatch/perfwatch"
GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}
#: SARIF 2.1.0 result levels: an `info` finding is a note.
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render_findings(findings: list[Finding], output_format: str) -> str:
    """The findings in `output_format`, as the text to print (ending in a newline, or empty)."""
    if output_format == "json":
        return json.dumps([json_finding(f) for f in findings], indent=2, ensure_ascii=False) + "\n"
    if output_format == "sarif":
        return json.dumps(sarif_log(findings), indent=2, ensure_ascii=False) + "\n"
    if output_format == "gitlab":
        return json.dumps(gitlab_report(findings), indent=2, ensure_ascii=False) + "\n"
    lines = [github_annotation(f) for f in findings] if output_format == "github" else []
    lines += [f.format() for f in findings]
    return "".join(line + "\n" for line in lines)


def json_finding(finding: Finding) -> dict:
    """The documented JSON contract: these keys, in this order."""
    end_line, end_column = finding.end()
    return {
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "end_line": end_line,
        "end_column": end_column,
        "severity": finding.severity,
        "code": finding.code,
        "message": finding.message,
        "loc": finding.loc,
    }


def github_annotation(finding: Finding) -> str:
    """A GitHub Actions workflow command: `::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`."""
    properties = [f"file={_escape_property(finding.file)}"]
    if finding.line is not None:
        end_line, end_column = finding.end()
        properties += [f"line={finding.line}", f"endLine={end_line}"]
        if finding.column is not None and end_line == finding.line:
            # GitHub reads columns only on one-line annotations
            properties += [f"col={finding.column}", f"endColumn={end_column}"]
    properties.append(f"title={_escape_property(f'perfwatch {finding.code}')}")
    command = "notice" if finding.severity == "info" else finding.severity
    return f"::{command} {','.join(properties)}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def relative_uri(file: str) -> str:
    """`file` relative to the current folder when under it, with `/` separators (a URI reference)."""
    path = PurePath(file)
    if path.is_absolute():
        try:
            path = Path(file).resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return Path(file).resolve().as_uri()
    return "/".join(_quote(part) for part in path.parts)


def _quote(part: str) -> str:
    from urllib.parse import quote

    return quote(part, safe="-_.~@")


def sarif_log(findings: list[Finding]) -> dict:
    """A SARIF 2.1.0 log with one run: the rules that fired, and one result per finding."""
    from perfwatch.framework.rules import LINT_RULES

    codes = sorted({f.code for f in findings})
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "name": code,
            "shortDescription": {"text": LINT_RULES.get(code, f"perfwatch check `{code}`")},
            "defaultConfiguration": {"level": "warning" if code in LINT_RULES else "error"},
        }
        for code in codes
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "perfwatch",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(f, index[f.code]) for f in findings],
            }
        ],
    }


def _sarif_result(finding: Finding, rule_index: int) -> dict:
    physical: dict = {"artifactLocation": {"uri": relative_uri(finding.file)}}
    if finding.line is not None:
        end_line, end_column = finding.end()
        region = {"startLine": finding.line, "endLine": end_line}
        if finding.column is not None:
            region["startColumn"] = finding.column
            region["endColumn"] = max(end_column or finding.column, finding.column)
        physical["region"] = region
    result = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {"perfwatch/v1": _fingerprint(finding)},
    }
    if finding.loc:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": finding.loc, "kind": "member"}]
    return result


def gitlab_report(findings: list[Finding]) -> list[dict]:
    """GitLab's code-quality report: a list of issues, each with a unique fingerprint."""
    return [
        {
            "description": f"{finding.message} [{finding.code}]",
            "check_name": finding.code,
            "fingerprint": _fingerprint(finding),
            "severity": GITLAB_SEVERITY[finding.severity],
            "location": {"path": relative_uri(finding.file), "lines": {"begin": finding.line or 1}},
        }
        for finding in findings
    ]


def _fingerprint(finding: Finding) -> str:
    """Stable across runs for the same problem at the same place, different for different problems."""
    key = "\0".join(
        [relative_uri(finding.file), finding.code, str(finding.line), str(finding.column), finding.message]
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
