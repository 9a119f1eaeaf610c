"""Read the actions file (actions.csv): the improvement actions a report shows beside the indicators they
follow up. Each row is checked against the `Action` model; problems are findings located at file:row.
"""

from __future__ import annotations

import csv
from pathlib import Path

from perfwatch.boundary import UnsafeFile, read_text
from perfwatch.errors import Finding, InputError


def load_actions_csv(path: Path) -> tuple[list, list[Finding], dict[str, int]]:
    """Actions from a CSV with columns id, title, outcome, owner, due, status (+ indicators, notes).

    Returns the actions, the problems found, and each action's row number (for later checks).
    """
    from pydantic import ValidationError

    from perfwatch.framework.model import Action

    findings: list[Finding] = []
    actions = []
    action_rows: dict[str, int] = {}
    try:
        text = read_text(path)
    except (UnsafeFile, UnicodeDecodeError) as error:
        reason = "it is not UTF-8 text" if isinstance(error, UnicodeDecodeError) else str(error)
        raise InputError(
            Finding(str(path), code="unreadable", message=f"cannot read the actions file: {reason}")
        ) from None
    reader = csv.DictReader(text.splitlines())
    for row_number, row in enumerate(reader, start=2):
        record = {k.strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
        record = {k: v for k, v in record.items() if v not in ("", None)}
        if "indicators" in record:
            record["indicators"] = [
                i.strip() for i in record["indicators"].replace(";", ",").split(",") if i.strip()
            ]
        try:
            action = Action.model_validate(record)
            action_rows[action.id] = row_number
            actions.append(action)
        except ValidationError as error:
            for problem in error.errors(include_url=False):
                where = ".".join(str(p) for p in problem["loc"])
                findings.append(
                    Finding(
                        str(path), row_number, None, "error", "invalid-action", f"{where}: {problem['msg']}"
                    )
                )
    return actions, findings, action_rows
