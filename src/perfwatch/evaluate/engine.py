"""The evaluation engine: from a framework and the canonical observations, how every indicator is doing.

One pass over the long table, group-wise and vectorised: a small Python loop over indicators (tens to
hundreds) builds per-indicator settings; nothing loops per row or per series. Ids and vocabularies are
integer codes throughout (categoricals at the edges). Two steps: `evaluate_table` gives the long table
(`Results.table`, which partitions by indicator) and `summarise` the latest rows, roll-ups and comparisons
that every report and export reads; `evaluate` is the two together.

Decisions, documented here and in `docs/evaluation.md`:

- A series is one indicator × area × period length. Data finer than the indicator's frequency roll up to
  it (and sub-annual indicators also get year rows for the annual report) by the indicator's aggregation:
  sums for counts, summed numerators over summed denominators for percentages and rates, never a mean of
  percentages. A year or quarter built from fewer months than it spans is flagged `partial`.
- Parent areas without their own data get rows summed from their children (numerators and denominators),
  flagged `rolled_up`.
- Status: a value on the target is green; a value that misses by exactly the tolerance is amber; beyond
  the tolerance it is red. Relative tolerances (`5%`) are a share of the target.
- Direction compares a point with the previous period and with the same period a year earlier; when both
  points have intervals the double-overlap rule decides (overlapping = no change), otherwise the plain
  difference. `no_judgement` indicators have no direction (`not_comparable`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.contracts import RESULTS
from perfwatch.evaluate.change import _benchmark, _direction, _keys_of, _series_ids, _spc, _trend
from perfwatch.evaluate.consistency import parent_child_disagreements
from perfwatch.evaluate.results import Results
from perfwatch.evaluate.series import _fill_defaults, _roll_up, _roll_up_areas, _standardise_bands
from perfwatch.evaluate.settings import KEYS, _coded, _ind
from perfwatch.evaluate.status import _intervals, _status, _targets
from perfwatch.evaluate.summary import (
    _actions,
    _comparisons,
    _latest,
    _latest_label,
    national_roll_ups,
    needs_action_findings,
    outcome_roll_ups,
    roll_ups,
)
from perfwatch.framework.periods import (
    parse_period,
)
from perfwatch.framework.settings import indicator_settings
from perfwatch.vocabulary import DIRECTIONS, TRENDS

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework

# --- the pass ------------------------------------------------------------------------------------


def _areas(framework: Framework, present) -> pd.Index:
    """The framework's areas in its order, then any others the data has, sorted."""
    known = [a.id for a in framework.areas]
    others = {str(a) for a in pd.unique(pd.Series(present, dtype=object)) if pd.notna(a)} - set(known)
    return pd.Index(known + sorted(others), dtype=object)


def evaluate_table(framework: Framework, observations: pd.DataFrame) -> pd.DataFrame:
    """The results table (`Results.table`) of `observations`: every indicator × area × period evaluated.

    Nothing in it needs rows of another indicator, so evaluating a national dataset one indicator (or one
    group of indicators) at a time and concatenating the tables gives the same rows as one call: a way to
    bound memory, or to spread the work over processes or machines (docs/scaling.md). `summarise` turns
    the table, whole or concatenated, into `Results`.
    """
    ys = framework.year_start_month
    settings = indicator_settings(framework)
    known_indicator = observations["indicator"].isin(settings.index).to_numpy()
    obs = observations.copy(deep=False) if known_indicator.all() else observations[known_indicator]
    # Ids as categories in framework order from the start: every concat keeps them compact and every
    # per-indicator setting is a take on integer codes.
    areas = _areas(framework, obs["area"].astype(object))
    obs["indicator"] = pd.Categorical(obs["indicator"].astype(object), categories=settings.index)
    obs["area"] = pd.Categorical(obs["area"].astype(object), categories=areas)
    obs = _fill_defaults(_standardise_bands(_fill_defaults(obs), settings))
    table = _fill_defaults(_roll_up(obs, settings, areas, ys))
    table = _fill_defaults(_roll_up_areas(table, framework, settings, areas))
    table["native"] = table["native"].fillna(True).astype(bool)
    table["indicator"] = pd.Categorical(table["indicator"], categories=settings.index)
    table["area"] = pd.Categorical(table["area"], categories=areas)
    for column in ("period", "missing", "flag", "note"):
        table[column] = table[column].astype("category")
    table = table.sort_values(KEYS, kind="stable").reset_index(drop=True)
    table["outcome"] = _ind(table, settings, "outcome")
    table["theme"] = _ind(table, settings, "theme")
    _intervals(table, settings)
    _targets(table, framework, settings)
    _status(table, framework, settings)
    # The previous period is one period back; for biennial surveys, two years back.
    step = _ind(table, settings, "frequency_step").to_numpy(dtype="int64")
    months = table["period_months"].to_numpy(dtype="int64")
    previous = np.where(table["native"].to_numpy() & (step > months), step, months)
    keys = _keys_of(table, settings, areas)
    table["direction"] = _coded(_direction(table, framework, settings, keys, previous), DIRECTIONS)
    table["direction_yoy"] = _coded(_direction(table, framework, settings, keys, 12), DIRECTIONS)
    series = _series_ids(table, settings, areas)
    table["trend"] = _coded(_trend(table, settings, series, previous), TRENDS)
    _benchmark(table, framework, settings, areas, keys)
    _spc(table, framework, settings, series)
    return RESULTS.check(table[RESULTS.names()], "evaluate_table")


def _conformed(table: pd.DataFrame, framework: Framework, settings: pd.DataFrame) -> pd.DataFrame:
    """A table (or pieces of tables concatenated) with ids as categories in framework order, sorted."""
    area = table["area"]
    areas = _areas(framework, area.cat.categories if isinstance(area.dtype, pd.CategoricalDtype) else area)
    indicators_ok = isinstance(table["indicator"].dtype, pd.CategoricalDtype) and table[
        "indicator"
    ].cat.categories.equals(settings.index)
    areas_ok = isinstance(table["area"].dtype, pd.CategoricalDtype) and table["area"].cat.categories.equals(
        areas
    )
    if not (indicators_ok and areas_ok):
        table = table.assign(
            indicator=pd.Categorical(table["indicator"].astype(object), categories=settings.index),
            area=pd.Categorical(table["area"].astype(object), categories=areas),
        )
    keys = _keys_of(table, settings, areas)
    if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():
        table = table.sort_values(KEYS, kind="stable").reset_index(drop=True)
    return table


def summarise(
    framework: Framework,
    table: pd.DataFrame,
    *,
    period: str | None = None,
    as_of: date | None = None,
    actions: list | None = None,
    compare_years: int = 5,
) -> Results:
    """`Results` from an evaluated table (`evaluate_table`'s, or several indicators' concatenated).

    `period` (a label in any accepted form) is the report period: the `latest` rows are the latest on or
    before it. `as_of` is the report date for action states (default today). `actions` adds actions from a
    CSV to the framework's own.
    """
    as_of = as_of or date.today()
    report = parse_period(period, framework.year_start_month) if period else None
    settings = indicator_settings(framework)
    table = RESULTS.check(_conformed(table, framework, settings), "summarise")
    latest = _latest(table, framework, settings, report)
    action_frame = _actions(framework, as_of, actions)
    outcomes = outcome_roll_ups(latest, framework, action_frame)
    areas = table["area"].cat.categories
    return Results(
        framework=framework, table=table, latest=latest,
        comparisons=_comparisons(table, framework, settings, areas, report, compare_years),
        outcomes=outcomes, themes=roll_ups(latest, framework, "theme"),
        national_outcomes=national_roll_ups(latest, framework), actions=action_frame, as_of=as_of,
        period=report.label if report else _latest_label(latest),
        findings=needs_action_findings(outcomes, framework)
        + parent_child_disagreements(table, framework, settings),
    )  # fmt: skip


def evaluate(
    framework: Framework,
    observations: pd.DataFrame,
    *,
    period: str | None = None,
    as_of: date | None = None,
    actions: list | None = None,
    compare_years: int = 5,
) -> Results:
    """Evaluate every indicator × area × period of `observations` against `framework`: `evaluate_table`
    then `summarise` (see both for the arguments)."""
    return summarise(
        framework,
        evaluate_table(framework, observations),
        period=period,
        as_of=as_of,
        actions=actions,
        compare_years=compare_years,
    )
