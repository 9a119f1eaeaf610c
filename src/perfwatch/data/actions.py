"""Read the actions file (actions.csv): the improvement actions a report shows beside the indicators they
follow up. Each row is checked against the `Action` model; problems are findings located at file:row.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from perfwatch.errors import Finding

if TYPE_CHECKING:
    from perfwatch.framework.model import Action, Framework


def load_actions(path: Path, framework: Framework) -> tuple[list[Action], list[Finding]]:
    """Actions from a CSV with columns id, title, outcome, owner, due, status (+ indicators, notes).

    Returns the valid actions and every problem: an unreadable file, a row the `Action` model rejects, an
    outcome the framework does not have. Nothing is raised, so `validate` lists them with the rest.
    """
    from pydantic import ValidationError

    from perfwatch.framework.model import Action

    findings: list[Finding] = []
    actions: list[Action] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        message = f"cannot read the actions file: {error.strerror if isinstance(error, OSError) else error}"
        return [], [Finding(str(path), None, None, "error", "actions-unreadable", message)]
    known = {"outcome": set(framework.outcomes), "area": set(framework.area_map)}
    for row_number, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        record = {k.strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
        record = {k: v for k, v in record.items() if v not in ("", None)}
        if "indicators" in record:
            record["indicators"] = [
                i.strip() for i in record["indicators"].replace(";", ",").split(",") if i.strip()
            ]
        try:
            action = Action.model_validate(record)
        except ValidationError as error:
            for problem in error.errors(include_url=False):
                where = ".".join(str(p) for p in problem["loc"])
                findings.append(
                    Finding(
                        str(path), row_number, None, "error", "invalid-action", f"{where}: {problem['msg']}"
                    )
                )
            continue
        actions.append(action)
        for field, ids in known.items():
            named = getattr(action, field)
            if named and named not in ids:
                findings.append(
                    Finding(str(path), row_number, None, "error", f"unknown-{field}",
                            f"action {action.id} names {field} {named!r}, which the framework does not have")
                )  # fmt: skip
    return actions, findings
