"""The evaluation's output: one typed object every report and export reads.

Renderers and exporters only present what is here; they never recompute a status, a direction or a limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from perfwatch.contracts import RESULTS

if TYPE_CHECKING:
    import pandas as pd

    from perfwatch.errors import Finding
    from perfwatch.framework.model import Framework

#: The results export contract (DESIGN §6), in order; declared with the table in `contracts.RESULTS`.
CONTRACT_COLUMNS = RESULTS.names("contract", stored=False)
#: The contract columns `Results.table` carries: all but `reason`, which is written on demand.
TABLE_COLUMNS = RESULTS.names("contract")
#: Further columns of `Results.table`, after the contract ones.
EXTRA_COLUMNS = RESULTS.names("extra")
#: Columns of `Results.table` after the documented ones: what the summaries and renderers also read.
INTERNAL_COLUMNS = RESULTS.names("internal")


@dataclass
class Results:
    """Everything evaluated for one framework, data set and report date.

    - `table`: one row per indicator × area × period (TABLE_COLUMNS + EXTRA_COLUMNS), sorted by
      indicator, area, period_start; includes areas rolled up from their children. `full_table()` adds
      the `reason` sentence to every row (it is a rendering, written only when a reader asks for it).
    - `latest`: for each indicator × area, the row at the report period (or the latest period with data
      on or before it); indicators with no data at all have a `no_data` row.
    - `comparisons`: the multi-year comparison for annual reports, one row per indicator × area × each of
      the `compare_years` years before the reporting year (`years_back` 1..): year and compare_year (reporting
      years), period and compare_period (the values' own labels: `2023` for a calendar year placed in
      2023/24), value / value_text (the reporting year's, missing when it has none), compare_value /
      compare_text, change, direction.
    - `outcomes` / `themes` / `national_outcomes`: roll-ups per id × area at the report period, with a
      count column per status (`vocabulary.STATUSES`), `indicators`, `worsening`, `special_cause_concern` and `status`
      (the overall status by the framework's `rules.rollup`).
    - `actions`: one row per action: id, title, outcome, owner, due, status, state (`vocabulary.ACTION_STATES`),
      milestones_done, milestones_total, notes.
    - `findings`: data-quality warnings raised while evaluating (stale data, missing periods ...).
    """

    framework: Framework
    table: pd.DataFrame
    latest: pd.DataFrame
    comparisons: pd.DataFrame
    outcomes: pd.DataFrame
    themes: pd.DataFrame
    national_outcomes: pd.DataFrame
    actions: pd.DataFrame
    as_of: date
    period: str | None = None
    findings: list[Finding] = field(default_factory=list)
    inputs_hash: str = ""

    def full_table(self) -> pd.DataFrame:
        """`table` with the `reason` sentence after `status` on every row: the whole export contract."""
        from perfwatch.evaluate.reasons import reasons

        out = self.table.copy(deep=False)
        out.insert(int(out.columns.get_loc("status")) + 1, "reason", reasons(out, self.framework))
        return out
