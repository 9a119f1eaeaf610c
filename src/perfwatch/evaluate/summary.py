"""Evaluation step 5: from the long table to what every report reads. Latest rows, roll-ups (per area and
national), actions joined to the rows they follow up, and comparisons between areas.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from perfwatch.errors import Finding
from perfwatch.evaluate.change import _area_codes, _lookup, _row_keys, _take
from perfwatch.evaluate.judgements import change_direction, printed_places
from perfwatch.evaluate.reasons import NO_DATA_YET, reasons
from perfwatch.evaluate.series import _containing_start
from perfwatch.evaluate.settings import _RAG, STATUS, _ind, _labels
from perfwatch.framework.periods import (
    Period,
)
from perfwatch.framework.settings import indicator_positions
from perfwatch.vocabulary import CLOSED_ACTION_STATES, DIRECTIONS, STATUSES

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework


# --- stage 5: latest, roll-ups, actions, comparisons --------------------------------------------


def _latest(
    table: pd.DataFrame,
    framework: Framework,
    settings: pd.DataFrame,
    report: Period | None,
) -> pd.DataFrame:
    """The row at the report period for each indicator × area (the latest on or before it).

    Every indicator × area with data appears; an indicator with no data anywhere appears once per top area
    (or once, with no area) as no_data, so that a missing return is never silently left out.
    """
    eligible = table["native"].to_numpy(dtype=bool).copy()
    if report is not None and report.months == 12:
        # An annual report shows each sub-annual indicator's year (its year row), not its last month.
        frequency = _ind(table, settings, "frequency_months").to_numpy()
        year_rows = (table["period_months"].to_numpy() == 12) & (frequency > 0) & (frequency < 12)
        eligible = np.where((frequency > 0) & (frequency < 12), year_rows, eligible)
    eligible &= table["status"].cat.codes.to_numpy() != STATUS["no_data"]
    if report is not None:
        ends = table["period_start"].to_numpy() + table["period_months"].to_numpy()
        eligible &= ends <= report.start + report.months
    rows = np.flatnonzero(eligible)
    latest = table.iloc[rows[_last_positions(table.iloc[rows][["indicator", "area", "period_start"]])]]
    present = table[["indicator", "area"]].drop_duplicates()
    grid = present.merge(latest, on=["indicator", "area"], how="left")
    roots = [a.id for a in framework.areas if not a.parent] or [""]
    reported = {str(i) for i in present["indicator"].astype(object).unique()}
    missing = pd.DataFrame(
        [(i, a) for i in framework.indicators if i not in reported for a in roots],
        columns=["indicator", "area"],
    )
    grid = grid.astype({c: object for c in grid.columns if isinstance(grid[c].dtype, pd.CategoricalDtype)})
    latest = pd.concat([grid, missing], ignore_index=True) if len(missing) else grid
    latest["status"] = latest["status"].fillna("no_data")
    latest.insert(
        int(latest.columns.get_loc("status")) + 1,
        "reason",
        np.where(latest["period_start"].notna(), reasons(latest, framework).astype(object), NO_DATA_YET),
    )
    for column in ("variation", "assurance", "spc_text"):
        if column not in latest:
            latest[column] = ""
        latest[column] = latest[column].fillna("")
    latest["outcome"] = latest["indicator"].map(framework.indicator_outcome)
    latest["theme"] = latest["outcome"].map(framework.outcome_theme)
    indicator_order = pd.Categorical(latest["indicator"], categories=list(framework.indicators)).codes
    area_ids = [a.id for a in framework.areas]
    area_order = pd.Categorical(
        latest["area"], categories=area_ids + sorted(set(latest["area"]) - set(area_ids))
    ).codes
    order = np.lexsort((area_order, indicator_order))
    return latest.iloc[order].reset_index(drop=True)


def overall_status(counts: pd.DataFrame, rule: str) -> np.ndarray:
    """Overall RAG of a group of indicators from its status counts, by the framework's rule."""
    g, a, r = (counts[s].to_numpy() for s in _RAG)
    rated = g + a + r
    if rule == "worst":
        status = np.select([r > 0, a > 0, g > 0], ["red", "amber", "green"], "no_data")
    elif rule == "best":
        status = np.select([g > 0, a > 0, r > 0], ["green", "amber", "red"], "no_data")
    else:
        top = np.maximum(np.maximum(g, a), r)
        status = np.select([r == top, a == top], ["red", "amber"], "green")
    # A group with figures but nothing rated says why (no target, not assessed), never "no data".
    no_target, not_assessed = (
        counts.get(s, pd.Series(0, index=counts.index)).to_numpy() > 0 for s in ("no_target", "not_assessed")
    )
    unrated = np.select([no_target, not_assessed], ["no_target", "not_assessed"], "no_data")
    return np.where(rated > 0, status, unrated)


def roll_ups(latest: pd.DataFrame, framework: Framework, key: str) -> pd.DataFrame:
    """Per outcome or theme (`key`) and area: a count per status, worsening and concern counts, overall status."""
    status = pd.Categorical(latest["status"].astype(object), categories=STATUSES).codes
    flags = pd.DataFrame(
        {
            key: latest[key].to_numpy(dtype=object),
            "area": latest["area"].to_numpy(dtype=object),
            **{name: status == code for code, name in enumerate(STATUSES)},
            "worsening": (latest["direction"] == "worsening").to_numpy() if "direction" in latest else False,
            "special_cause_concern": (latest["spc_signal"] == "special_cause_concern").to_numpy()
            if "spc_signal" in latest
            else False,
        }
    )
    counts = flags.groupby([key, "area"], sort=True).sum().reset_index()
    counts["indicators"] = counts[list(STATUSES)].sum(axis=1)
    counts["status"] = overall_status(counts, framework.rules.rollup)
    return counts


def national_roll_ups(latest: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """The golden thread: what the local indicators contributing to each national outcome say."""
    links = [(no, o.id) for o in framework.outcomes.values() for no in o.contributes_to]
    columns = [
        "national_outcome",
        "area",
        *STATUSES,
        "worsening",
        "special_cause_concern",
        "indicators",
        "status",
    ]
    if not links:
        return pd.DataFrame(columns=columns)
    link = pd.DataFrame(links, columns=["national_outcome", "outcome"])
    joined = latest.merge(link, on="outcome", how="inner")
    if joined.empty:
        return pd.DataFrame(columns=columns)
    return roll_ups(joined, framework, "national_outcome")


def _actions(framework: Framework, as_of: date, extra: list | None) -> pd.DataFrame:
    by_id = {action.id: action for action in framework.actions}
    by_id.update({action.id: action for action in extra or []})  # a progress CSV updates the plan's actions
    actions = list(by_id.values())
    due_soon = framework.defaults.due_soon_days
    rows = []
    for action in actions:
        if action.status == "done":
            state = "done"
        elif action.status == "cancelled":
            state = "cancelled"
        elif action.due and action.due < as_of:
            state = "overdue"
        elif action.due and (action.due - as_of).days <= due_soon:
            state = "due_soon"
        else:
            state = "on_track"
        rows.append(
            {
                "id": action.id, "title": action.title, "outcome": action.outcome, "indicators": list(action.indicators),
                "area": action.area,
                "owner": action.owner, "due": action.due, "status": action.status, "state": state,
                "completed": action.completed, "milestones_done": sum(m.done for m in action.milestones),
                "milestones_total": len(action.milestones), "notes": action.notes,
            }
        )  # fmt: skip
    columns = ["id", "title", "outcome", "indicators", "area", "owner", "due", "status", "state", "completed",
               "milestones_done", "milestones_total", "notes"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _last_positions(frame: pd.DataFrame) -> np.ndarray:
    """Positions of each indicator × area's row with the latest period_start (frame in any order; of
    rows with the same start, the last), in indicator and area order."""
    pair = (
        frame["indicator"].cat.codes.to_numpy().astype("int64") * 100_000 + frame["area"].cat.codes.to_numpy()
    )
    order = np.lexsort((frame["period_start"].to_numpy(), pair))
    paired = pair[order]
    return order[np.r_[paired[1:] != paired[:-1], True]] if len(order) else order


def _last_per_pair(frame: pd.DataFrame) -> pd.DataFrame:
    """For each indicator × area, the row with the latest period_start (frame in any order)."""
    return frame.iloc[_last_positions(frame)]


def _comparisons(
    table: pd.DataFrame,
    framework: Framework,
    settings: pd.DataFrame,
    areas: pd.Index,
    report: Period | None,
    years: int,
) -> pd.DataFrame:
    """The reporting year beside each of the `years` preceding years, each value under its own year.

    Every year row of an indicator (a financial year, a calendar year, a survey year) is placed in the
    reporting year that contains its last month: calendar year 2023 sits in 2023/24 when years start in
    April. The reporting year is the report period's (else the latest year with data); an indicator with
    no value in it shows none there, never its latest value from an earlier year. `period` and
    `compare_period` are the values' own labels (`2023`), `year` and `compare_year` the reporting years.
    """
    columns = ["indicator", "area", "year", "period", "compare_year", "compare_period", "years_back", "value",
               "value_text", "compare_value", "compare_text", "change", "direction"]  # fmt: skip
    ys = framework.year_start_month
    annual = table[table["period_months"].to_numpy() == 12]
    annual = annual[annual["value"].notna().to_numpy() | annual["value_text"].notna().to_numpy()]
    starts = annual["period_start"].to_numpy(dtype="int64")
    slot = _containing_start(starts + 11, np.full(len(annual), 12), ys)
    if report is not None:
        reporting = int(
            _containing_start(np.array([report.start + report.months - 1]), np.array([12]), ys)[0]
        )
    elif len(slot):
        reporting = int(slot.max())
    else:
        return pd.DataFrame(columns=columns)
    keep = slot <= reporting
    annual, slot = annual[keep], slot[keep]
    if annual.empty:
        return pd.DataFrame(columns=columns)
    # One row per indicator × area × reporting year (the latest-starting where two fall in one year).
    indicator_codes = indicator_positions(annual, settings)
    area_codes = _area_codes(annual, "area", areas)
    keys = _row_keys(indicator_codes, np.maximum(area_codes, 0), np.full(len(annual), 12), slot)
    order = np.lexsort((annual["period_start"].to_numpy(dtype="int64"), keys))
    last = np.r_[keys[order][1:] != keys[order][:-1], True]
    rows = order[last]
    keys = keys[rows]
    pair_keys = _row_keys(indicator_codes[rows], np.maximum(area_codes[rows], 0), np.full(len(rows), 12),
                          np.zeros(len(rows), dtype="int64"))  # fmt: skip
    first_of_pair = np.r_[True, pair_keys[1:] != pair_keys[:-1]]
    pair_rows = rows[first_of_pair]
    values = annual["value"].to_numpy(dtype="float64")
    texts = annual["value_text"].astype(object).to_numpy()
    labels = annual["period"].astype(str).to_numpy()

    def at(back: int) -> np.ndarray:
        wanted = _row_keys(indicator_codes[pair_rows], np.maximum(area_codes[pair_rows], 0),
                           np.full(len(pair_rows), 12), np.full(len(pair_rows), reporting - 12 * back))  # fmt: skip
        found = _lookup(keys, wanted)
        return np.where(found >= 0, rows[np.maximum(found, 0)], -1)

    current = at(0)
    current_value = _take(values, current)
    year_labels = _labels(reporting - 12 * np.arange(years + 1), np.full(years + 1, 12), ys)
    pairs = annual.iloc[pair_rows]
    polarity = _ind(pairs, settings, "polarity").to_numpy(dtype=object)
    sign = _ind(pairs, settings, "sign").to_numpy(dtype="float64")
    places = printed_places(pairs, settings)
    lower, upper = (annual[c].to_numpy(dtype="float64") for c in ("ci_lower", "ci_upper"))
    words = np.array(DIRECTIONS, dtype=object)
    parts = []
    for back in range(1, years + 1):
        earlier = at(back)
        earlier_value = _take(values, earlier)
        change = current_value - earlier_value
        # The same rule as every other change on the page (evaluate/judgements.py): intervals where both
        # values have them, else the printed difference.
        direction = words[
            change_direction(
                current_value, _take(lower, current), _take(upper, current),
                earlier_value, _take(lower, earlier), _take(upper, earlier), sign, places,
            )
        ]  # fmt: skip
        direction = np.where(polarity == "no_judgement", "not_comparable", direction)
        parts.append(
            pd.DataFrame(
                {
                    "indicator": annual["indicator"].to_numpy()[pair_rows],
                    "area": annual["area"].to_numpy()[pair_rows],
                    "year": year_labels[0], "period": np.where(current >= 0, _take(labels, current), year_labels[0]),
                    "compare_year": year_labels[back],
                    "compare_period": np.where(earlier >= 0, _take(labels, earlier), year_labels[back]),
                    "years_back": back, "value": current_value, "value_text": _take(texts, current),
                    "compare_value": earlier_value, "compare_text": _take(texts, earlier),
                    "change": change, "direction": direction,
                }
            )
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True)[columns]


def _latest_label(latest: pd.DataFrame) -> str | None:
    periods = latest.dropna(subset=["period_start"])
    if periods.empty:
        return None
    return str(periods.loc[periods["period_start"].idxmax(), "period"])


def outcome_roll_ups(latest: pd.DataFrame, framework: Framework, actions: pd.DataFrame) -> pd.DataFrame:
    """The per outcome × area roll-up, with `needs_action`: red indicators and no open action."""
    outcomes = roll_ups(latest, framework, "outcome")
    open_outcomes = actions.loc[~actions["state"].isin(CLOSED_ACTION_STATES), "outcome"].dropna().unique()
    return outcomes.assign(
        needs_action=(outcomes["red"] > 0).to_numpy() & ~outcomes["outcome"].isin(open_outcomes)
    )


def needs_action_findings(outcomes: pd.DataFrame, framework: Framework) -> list[Finding]:
    """One warning per outcome flagged `needs_action`, naming the areas, for the exception report."""
    findings = []
    for outcome, group in outcomes[outcomes["needs_action"]].groupby("outcome", sort=False):
        areas = [str(a) for a in group["area"]]
        named = ", ".join(areas[:5]) + (f" and {len(areas) - 5} more" if len(areas) > 5 else "")
        findings.append(
            Finding(
                file=framework.id,
                severity="warning",
                code="outcome-without-action",
                message=f"outcome {outcome} has red indicators and no open action in {named}",
            )  # fmt: skip
        )
    return findings
