"""Small numbers are suppressed in published output, secondary suppression protects them, and a suppressed
cell never becomes zero in a total.

The rules follow NHS Digital's and ONS's practice (suppress counts 1 to threshold−1, keep zeros, and
suppress the next smallest cell where a total would otherwise give a suppressed one away by subtraction).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hardening_support import FRAMEWORK, Project, evaluate_project

from perfwatch.publish.export import export_results
from perfwatch.publish.suppression import SUPPRESSED, _groups, primary_mask, suppress


def set_value(project: Project, old: str, new: str) -> None:
    path = project.root / "data" / "data.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def row(results, indicator: str, area: str, period: str) -> pd.Series:
    table = results.full_table()
    found = table[(table["indicator"] == indicator) & (table["area"] == area) & (table["period"] == period)]
    assert len(found) == 1, (indicator, area, period, len(found))
    return found.iloc[0]


def assert_no_group_exposes_one(results) -> None:
    """Every additive group (parent and children, year and its quarters) hides 0 or at least 2 cells."""
    hidden = (results.table["missing"] == SUPPRESSED).to_numpy()
    groups = _groups(results.table, results.framework)
    members = pd.concat(
        [groups[["group", "row"]], groups[["group"]].drop_duplicates().assign(row=lambda f: f["group"])]
    )
    per_group = pd.Series(hidden[members["row"].to_numpy()]).groupby(members["group"].to_numpy()).sum()
    assert not (per_group == 1).any(), per_group[per_group == 1]


@pytest.fixture
def small(project: Project):
    """South had 3 admissions in Q1 2024/25 (primary); east's 12 is the next smallest locality."""
    set_value(project, "AD-1,south,Q1 2024/25,25,,", "AD-1,south,Q1 2024/25,3,,")
    return project


def test_primary_and_secondary_suppression(small: Project):
    results = evaluate_project(small)
    published = suppress(results)
    south = row(published, "AD-1", "south", "Q1 2024/25")
    assert np.isnan(south["value"]) and south["missing"] == SUPPRESSED
    assert south["status"] == "no_data" and "suppressed" in south["reason"]
    assert south["benchmark"] == "not_compared" and south["direction"] == "not_comparable"
    east = row(published, "AD-1", "east", "Q1 2024/25")
    assert np.isnan(east["value"]) and east["missing"] == SUPPRESSED  # secondary: next smallest sibling
    north = row(published, "AD-1", "north", "Q1 2024/25")
    assert north["value"] == 40 and north["missing"] == ""
    region = row(published, "AD-1", "region", "Q1 2024/25")
    assert region["value"] == 40 + 3 + 12  # the total stays right; two hidden parts cannot be told apart
    assert_no_group_exposes_one(published)
    # the original results are untouched
    assert row(results, "AD-1", "south", "Q1 2024/25")["value"] == 3


def test_time_groups_are_protected_too(small: Project):
    """South's year total is the sum of its quarters: another quarter is hidden so Q1 cannot be derived."""
    published = suppress(evaluate_project(small))
    quarters = [row(published, "AD-1", "south", q)["missing"] for q in
                ["Q1 2024/25", "Q2 2024/25", "Q3 2024/25", "Q4 2024/25"]]  # fmt: skip
    year = row(published, "AD-1", "south", "2024/25")["missing"]
    assert sum(m == SUPPRESSED for m in [*quarters, year]) >= 2
    assert_no_group_exposes_one(published)


def test_a_parent_made_of_one_child_is_suppressed_with_it(project: Project):
    framework = FRAMEWORK.replace(
        "  - {id: east, name: East, level: locality, parent: region, comparator: region}\n",
        "  - {id: east, name: East, level: locality, parent: region, comparator: region}\n"
        "  - {id: isles, name: Isles, level: region}\n"
        "  - {id: skerry, name: Skerry, level: locality, parent: isles}\n",
    )
    project.write("framework.yaml", framework)
    extra = "".join(f"AD-1,skerry,{q},{n},,\n" for q, n in
                    [("Q1 2024/25", 2), ("Q2 2024/25", 9), ("Q3 2024/25", 8), ("Q4 2024/25", 7)])  # fmt: skip
    path = project.root / "data" / "data.csv"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    results = evaluate_project(project)
    assert row(results, "AD-1", "isles", "Q1 2024/25")["value"] == 2  # rolled up from its only child
    published = suppress(results, threshold=2)  # skerry's 2 is not below 2: nothing to do
    assert row(published, "AD-1", "isles", "Q1 2024/25")["value"] == 2
    published = suppress(results, threshold=3)
    assert row(published, "AD-1", "skerry", "Q1 2024/25")["missing"] == SUPPRESSED
    assert row(published, "AD-1", "isles", "Q1 2024/25")["missing"] == SUPPRESSED
    assert_no_group_exposes_one(published)


def test_percentage_numerators_and_their_complement(project: Project):
    set_value(project, "PC-1,north,Q1 2024/25,,300,360", "PC-1,north,Q1 2024/25,,358,360")
    set_value(project, "PC-1,east,Q2 2024/25,,93,108", "PC-1,east,Q2 2024/25,,4,108")
    published = suppress(evaluate_project(project))
    north = row(published, "PC-1", "north", "Q1 2024/25")
    assert north["missing"] == SUPPRESSED and np.isnan(north["value"]) and np.isnan(north["numerator"])
    assert north["denominator"] == 360  # a population reveals nothing
    assert np.isnan(north["ci_lower"]) and np.isnan(north["ci_upper"])
    assert row(published, "PC-1", "east", "Q2 2024/25")["missing"] == SUPPRESSED
    assert_no_group_exposes_one(published)


def test_zero_is_shown_and_the_threshold_is_configurable(small: Project):
    set_value(small, "AD-1,north,Q2 2024/25,41,,", "AD-1,north,Q2 2024/25,0,,")
    results = evaluate_project(small)
    assert not primary_mask(results.table, results.framework, 5)[
        (
            (results.table["area"] == "north")
            & (results.table["period"] == "Q2 2024/25")
            & (results.table["indicator"] == "AD-1")
        ).to_numpy()  # fmt: skip
    ].any()
    assert suppress(results, threshold=0) is results
    assert suppress(results, threshold=3) is results  # 3 is not below 3
    small.write("framework.yaml", FRAMEWORK.replace("defaults:\n", "defaults:\n  small_numbers: 0\n"))
    assert suppress(evaluate_project(small)).table.equals(evaluate_project(small).table)


def test_roll_ups_recount_the_hidden_statuses(small: Project):
    results = evaluate_project(small, period="Q1 2024/25")
    published = suppress(results)
    latest = published.latest
    hidden = latest[(latest["indicator"] == "AD-1") & (latest["area"] == "south")].iloc[0]
    assert hidden["status"] == "no_data" and np.isnan(hidden["value"])
    outcome = published.outcomes[
        (published.outcomes["outcome"] == "O1") & (published.outcomes["area"] == "south")
    ]
    assert int(outcome["no_data"].iloc[0]) >= 1
    counts = latest[latest["area"] == "south"]["status"].value_counts()
    for status, count in counts.items():
        assert int(outcome[status].iloc[0]) == count
    assert any(f.code == "small-numbers" for f in published.findings)
    # needs_action is a roll-up column: recounted from the suppressed rows, never lost
    recounted = published.outcomes
    assert recounted["needs_action"].dtype == bool
    assert (recounted["needs_action"] == ((recounted["red"] > 0) & recounted["needs_action"])).all()


def test_a_value_suppressed_at_source_never_becomes_zero_in_a_total(project: Project):
    """`*` in the data: the region total and the year total are missing, never the sum of the rest."""
    set_value(project, "AD-1,south,Q1 2024/25,25,,", "AD-1,south,Q1 2024/25,*,,")
    results = evaluate_project(project)
    south = row(results, "AD-1", "south", "Q1 2024/25")
    assert np.isnan(south["value"]) and south["missing"] == "suppressed"
    region = results.table[(results.table["indicator"] == "AD-1") & (results.table["area"] == "region")
                           & (results.table["period"] == "Q1 2024/25")]  # fmt: skip
    assert region.empty or np.isnan(region["value"]).all()
    year = results.table[(results.table["indicator"] == "AD-1") & (results.table["area"] == "south")
                         & (results.table["period"] == "2024/25")]  # fmt: skip
    assert year.empty or np.isnan(year["value"]).all()
    assert not (results.table["value"] == 40 + 12).any()  # north + east, as if south were 0


def test_available_roll_up_skips_missing_children_but_not_suppressed_ones(project: Project):
    project.write("framework.yaml", FRAMEWORK.replace("level: region}", "level: region, roll_up: available}"))
    set_value(project, "AD-1,south,Q1 2024/25,25,,", "AD-1,south,Q1 2024/25,c,,")
    results = evaluate_project(project)
    region = results.table[(results.table["indicator"] == "AD-1") & (results.table["area"] == "region")
                           & (results.table["period"] == "Q1 2024/25")]  # fmt: skip
    assert region.empty or np.isnan(region["value"]).all()


def test_export_of_suppressed_results_writes_no_number(small: Project, tmp_path):
    path = export_results(suppress(evaluate_project(small)), tmp_path / "results.csv")
    frame = pd.read_csv(path, keep_default_na=False)
    south = frame[
        (frame["indicator"] == "AD-1") & (frame["area"] == "south") & (frame["period"] == "Q1 2024/25")
    ]
    assert south["value"].iloc[0] == "" and south["missing"].iloc[0] == SUPPRESSED
    assert "3" not in {south["value"].iloc[0], south["numerator"].iloc[0]}
