"""The frame contracts: checked at each hand-off, and what suppression hides derived from them."""

from __future__ import annotations

import pandas as pd
import pytest

from perfwatch.contracts import OBSERVATIONS, RESULTS, ContractError
from perfwatch.data.observations import _empty_frame
from perfwatch.publish import suppression


def test_a_missing_or_retyped_column_is_named_at_the_boundary():
    frame = _empty_frame().drop(columns=["period_start"])
    with pytest.raises(ContractError, match="load_observations.*missing period_start"):
        OBSERVATIONS.check(frame, "load_observations")
    rows = pd.DataFrame({c: ["x"] for c in OBSERVATIONS.names()})
    with pytest.raises(ContractError, match="value"):
        OBSERVATIONS.check(rows, "load_observations")


def test_the_empty_observations_frame_meets_its_contract():
    assert OBSERVATIONS.check(_empty_frame(), "test").columns.tolist() == OBSERVATIONS.names()


def test_suppression_hides_every_column_declared_to_reveal_a_count_and_nothing_else():
    revealing = {c.name for c in RESULTS.columns if c.reveals == "count" and c.stored}
    assert set(suppression.COUNT_HIDDEN) == revealing
    assert {"value", "numerator", "gap", "compared_value"} <= revealing
    assert "denominator" not in revealing  # a population reveals nothing
    series = set(suppression.SERIES_HIDDEN_NUMBERS) | set(suppression.SERIES_HIDDEN_TEXT)
    assert series == {c.name for c in RESULTS.columns if c.reveals == "series"}


def test_the_export_contract_is_the_results_contract_in_order():
    from perfwatch.evaluate.results import CONTRACT_COLUMNS, TABLE_COLUMNS

    assert CONTRACT_COLUMNS[:3] == ["indicator", "area", "period"] and "reason" in CONTRACT_COLUMNS
    assert TABLE_COLUMNS == [c for c in CONTRACT_COLUMNS if c != "reason"]
