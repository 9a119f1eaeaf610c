"""The CSV export's writer: whatever the column types, the file reads back to the same values."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from perfwatch.publish.export import _write_csv

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


def test_every_kind_of_column_reads_back(tmp_path):
    frame = pd.DataFrame(
        {
            "indicator": pd.Categorical(["A-1", "B, 2", None], categories=["A-1", "B, 2", "unused"]),
            "value": [0.1 + 0.2, 1e-7, np.nan],
            "count": [428916.0, 0.0, 1e20],
            "rank": [1, 2, 3],
            "flag": [True, False, True],
            "note": ['say "hello"', "two\nlines", None],
            "mixed": [1, "x", None],
        }
    )
    path = tmp_path / "out.csv"
    _write_csv(frame, path)
    back = pd.read_csv(path, keep_default_na=False, na_values=[""])
    assert list(back.columns) == list(frame.columns)
    np.testing.assert_array_equal(back["value"].to_numpy(), frame["value"].to_numpy())
    np.testing.assert_array_equal(back["count"].to_numpy(), frame["count"].to_numpy())
    assert list(back["indicator"].fillna("")) == ["A-1", "B, 2", ""]
    assert list(back["note"].fillna("")) == ['say "hello"', "two\nlines", ""]
    assert list(back["flag"]) == [True, False, True] and list(back["rank"]) == [1, 2, 3]
    assert list(back["mixed"].fillna("").astype(str)) == ["1", "x", ""]
    assert path.read_bytes().count(b"\r") == 0  # LF line ends, as before


@given(st.lists(st.tuples(st.floats(allow_nan=True, allow_infinity=False), TEXT), min_size=1, max_size=30))
@settings(max_examples=60, deadline=None)
def test_floats_and_text_round_trip(tmp_path_factory, rows):
    frame = pd.DataFrame({"number": [r[0] for r in rows], "text": [r[1] for r in rows]})
    path = tmp_path_factory.mktemp("csv") / "out.csv"
    _write_csv(frame, path)
    with path.open(encoding="utf-8", newline="") as handle:
        back = list(csv.DictReader(handle))
    numbers = [float(row["number"]) if row["number"] else np.nan for row in back]
    np.testing.assert_array_equal(numbers, frame["number"].to_numpy())  # exactly: Python's float() reads it
    assert [row["text"] for row in back] == list(frame["text"])
