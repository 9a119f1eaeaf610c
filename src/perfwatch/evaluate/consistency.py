"""A parent area's own figure against the sum of its children's (issue #14).

Where the data give a parent its own value (a county's total) and all of its children's, the two should
agree for counts. When they do not (200 where the districts sum to 86), the documented rule holds, the
parent's own figure is shown, and a warning names both figures so that nobody reads one as the other.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.errors import Finding
from perfwatch.evaluate.reasons import _period_words

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework

#: Differences up to this much are rounding, not disagreement.
ROUNDING = 0.5


def parent_child_disagreements(
    table: pd.DataFrame, framework: Framework, settings: pd.DataFrame
) -> list[Finding]:
    """One warning per indicator × parent whose own counts differ from its complete children's sums."""
    # Only parents declared to be the whole of their children (`roll_up: complete`): a nation listed with
    # a few of its councils is not their sum.
    complete = {a.id for a in framework.areas if a.roll_up == "complete"}
    parent_of = {a.id: a.parent for a in framework.areas if a.parent in complete}
    if not parent_of:
        return []
    children = Counter(parent_of.values())
    counts = settings.index[settings["aggregation"] == "sum"]
    rows = table[table["indicator"].isin(counts).to_numpy() & table["value"].notna().to_numpy()]
    area = rows["area"].astype(object)
    keys = ["indicator", "parent", "period_months", "period_start"]
    child = rows[area.isin(parent_of).to_numpy()].assign(parent=area.map(parent_of))
    if child.empty:
        return []
    sums = child.groupby(keys, observed=True, sort=False).agg(
        total=("value", "sum"), reported=("value", "size")
    )
    sums = sums[sums["reported"].to_numpy() == sums.index.get_level_values("parent").map(children).to_numpy()]
    own = rows[area.isin(children).to_numpy()].rename(columns={"area": "parent"})
    own = own.assign(parent=own["parent"].astype(object), indicator=own["indicator"].astype(object))
    sums = sums.reset_index().assign(indicator=lambda f: f["indicator"].astype(object))
    both = own.merge(sums, on=keys, how="inner")
    both = both[np.abs(both["value"].to_numpy() - both["total"].to_numpy()) > ROUNDING]
    findings = []
    names = {a.id: a.name for a in framework.areas}
    for (indicator, parent), group in both.sort_values("period_start").groupby(
        ["indicator", "parent"], sort=False
    ):
        latest = group.iloc[-1]
        more = len(group) - 1
        findings.append(
            Finding(
                file=framework.id,
                severity="warning",
                code="parent-disagrees-with-children",
                message=f"{indicator}: {names.get(parent, parent)}'s own figure for "
                f"{_period_words(str(latest['period']))} is {latest['value']:,.6g}, but its areas sum to "
                f"{latest['total']:,.6g}"
                + (f" (and {more} more periods)" if more else "")
                + f"; reports show {names.get(parent, parent)}'s own figure: correct whichever is wrong",
            )  # fmt: skip
        )
    return findings
