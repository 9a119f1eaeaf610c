"""Reason sentences: written for `latest` at evaluation and for any rows of the table on demand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from test_evaluate import APRIL_2023, make_framework, observations, pct

from perfwatch.evaluate.engine import evaluate
from perfwatch.evaluate.reasons import NO_DATA_YET, reasons
from perfwatch.evaluate.results import CONTRACT_COLUMNS, TABLE_COLUMNS


@pytest.fixture(scope="module")
def results():
    framework = make_framework(
        [
            pct(target={"value": 85}, tolerance={"amber": 2}),
            pct(id="P2", title="q", unit="count", polarity="lower_is_better", target={"value": 10}),
            pct(id="P3", title="r", unit="yes_no", target={"value": "yes"}),
            pct(id="P4", title="s"),
        ]
    )
    rows = [
        {"indicator": "P1", "area": area, "period_start": APRIL_2023 + m, "value": value + m}
        for area, value in (("a1", 80.0), ("a2", 86.0), ("eng", 70.0))
        for m in range(4)
    ]
    rows += [
        {"indicator": "P2", "area": "a1", "period_start": APRIL_2023 + m, "value": 9.0 + m} for m in range(4)
    ]
    rows += [
        {"indicator": "P3", "area": "a1", "period_start": APRIL_2023 + m, "value_text": answer}
        for m, answer in enumerate(["yes", "no", "yes", None])
    ]
    return evaluate(framework, observations(rows), as_of=date(2024, 1, 1))


def test_the_table_leaves_reasons_to_readers_and_full_table_writes_them(results):
    assert "reason" not in results.table
    full = results.full_table()
    assert list(full.columns[: len(CONTRACT_COLUMNS)]) == CONTRACT_COLUMNS
    assert list(results.table.columns[: len(TABLE_COLUMNS)]) == TABLE_COLUMNS
    assert full["reason"].notna().all() and (full["reason"].astype(str) != "").all()


def test_latest_reasons_are_the_full_tables(results):
    full = results.full_table().set_index(["indicator", "area", "period"])["reason"].astype(str)
    for row in results.latest.itertuples():
        if row.reason == NO_DATA_YET:
            continue
        assert full[(row.indicator, row.area, row.period)] == row.reason


def test_reasons_do_not_depend_on_row_order(results):
    table = results.table
    shuffled = table.sample(frac=1.0, random_state=7)
    expected = np.asarray(reasons(table, results.framework).astype(object))
    got = np.asarray(reasons(shuffled, results.framework).astype(object))
    positions = table.index.get_indexer(shuffled.index)
    assert list(got) == list(expected[positions])


def test_sentences_say_why(results):
    latest = results.latest.set_index(["indicator", "area"])["reason"]
    assert (
        latest[("P1", "a1")] == "83.0% is 2.0 points below the 85.0% target, within the 2.0 points tolerance."
    )
    assert latest[("P1", "a2")].startswith("89.0% is 4.0 points above the 85.0% target")
    assert latest[("P2", "a1")].startswith("12 is 2 above the 10 target")
    assert (
        latest[("P1", "eng")]
        == "73.0% is 12.0 points below the 85.0% target, outside the 2.0 points tolerance."
    )
    assert latest[("P3", "a1")] == "Answer 'yes' meets the target."
    assert latest[("P4", "eng")] == NO_DATA_YET  # no data anywhere: one row, at the top area
    assert reasons(results.table.iloc[:0], results.framework).size == 0
