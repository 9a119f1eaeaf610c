"""Fuzzing the readers: random bytes and mutated valid files only ever give a result or perfwatch's own error.

"perfwatch's own error" is `InputError` (framework and project YAML), `PeriodError` (one period), or a
finding in the returned list (data files, which report problems without raising). Anything else — a
`KeyError`, a `UnicodeDecodeError`, a crash in a reader library — fails the property.
"""

from __future__ import annotations

import functools
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from hardening_corpus import XLSX_HEADER, xlsx
from hardening_support import FRAMEWORK, data_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfwatch.data.load import load_observations
from perfwatch.data.values import clean_values
from perfwatch.errors import InputError
from perfwatch.framework.load import load_framework
from perfwatch.framework.model import Framework
from perfwatch.framework.periods import Period, PeriodError, parse_period, parse_periods
from perfwatch.framework.project import DataSource
from perfwatch.framework.yamlload import MarkedDocument, load_yaml

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID_CSV = data_csv().encode()
VALID_XLSX = xlsx(
    [XLSX_HEADER, ["AD-1", "north", "Q1 2024/25", 40], ["PC-1", "south", "2024-05", "95%", 1, 2]]
)
SCRATCH = Path(tempfile.mkdtemp(prefix="perfwatch-fuzz-"))


@functools.cache
def _framework() -> Framework:
    path = SCRATCH / "framework.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    return load_framework(path)


@st.composite
def mutated(draw, valid: bytes) -> bytes:
    """A valid file with a few bytes flipped, inserted or deleted, or cut short."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        else:
            del data[at:]
    return bytes(data)


def _write(name: str, data: bytes) -> Path:
    path = SCRATCH / name
    path.write_bytes(data)
    return path


YAML_PIECES = st.sampled_from(
    ["&a ", "*a ", "<<: *a\n", "!!python/object ", "[", "]", "{", "}", ": ", "- ", "\t", "\n", "'", '"', "%YAML 1.1\n",
     "---\n", "...\n", "? ", "|\n", ">\n", "#", "\x00", "\ufeff", "key", "1e400", "NO", "2024-02-30", "12:30"]
)  # fmt: skip


@FUZZ
@given(st.one_of(st.binary(max_size=400), mutated(FRAMEWORK.encode()),
                 st.lists(YAML_PIECES, max_size=40).map(lambda parts: "".join(parts).encode("utf-8"))))  # fmt: skip
def test_yaml_loader_returns_a_document_or_input_error(data: bytes):
    path = _write("fuzz.yaml", data)
    try:
        document = load_yaml(path)
    except InputError as error:
        assert error.findings and all(f.file == str(path) for f in error.findings)
        return
    assert isinstance(document, MarkedDocument) and isinstance(document.data, dict)


@FUZZ
@given(mutated(FRAMEWORK.encode()))
def test_framework_loader_returns_a_model_or_input_error(data: bytes):
    path = _write("fuzz-framework.yaml", data)
    try:
        assert isinstance(load_framework(path), Framework)
    except InputError as error:
        assert error.findings


PERIOD_TEXT = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"(Q[0-9]|FY)?\s?[0-9]{1,5}([-/ ][0-9]{1,4})?(\s?Q[0-9])?", fullmatch=True),
    st.sampled_from(["2023/24", "Q1 2023/24", "Apr-23", "2023-Q2", "0000", "9999/00", "2023/25", "Q0 2023/24",
                     "2023-00", "2023-13", "Feb 30 2024", "FY99/00", "٢٠٢٣", "２０２３"]),
)  # fmt: skip


@FUZZ
@given(
    st.one_of(PERIOD_TEXT, st.integers(), st.floats(), st.none(), st.booleans(), st.dates()),
    st.integers(1, 12),
)
def test_period_parser_returns_a_period_or_period_error(value, year_start):
    try:
        period = parse_period(value, year_start)
    except PeriodError:
        return
    assert isinstance(period, Period) and period.months in (1, 3, 12, 24)


@FUZZ
@given(
    st.lists(st.one_of(PERIOD_TEXT, st.integers(-(10**6), 10**6), st.none()), max_size=30), st.integers(1, 12)
)
def test_vectorised_period_parser_never_raises(values, year_start):
    parsed = parse_periods(pd.Series(values, dtype=object), year_start)
    assert len(parsed.failed) == len(values)


VALUE_TEXT = st.one_of(
    st.text(max_size=15),
    st.sampled_from(["95%", "1,234", "*", "c", "..", "n/a", "-", "#DIV/0!", "", " ", "1e400", "-0", "NaN", "inf",
                     "(5)", "£1,200.50", "1.234,5", "１２３", "\u00a0", "5 %", "1,2,3"]),
)  # fmt: skip


@FUZZ
@given(st.lists(st.one_of(VALUE_TEXT, st.floats(), st.integers(), st.none(), st.booleans()), max_size=30))
def test_value_cleaner_never_raises_and_never_invents_zero(values):
    numbers, missing = clean_values(pd.Series(values, dtype=object))
    assert len(numbers) == len(values) == len(missing)
    assert numbers.dtype == np.float64
    for raw, number, reason in zip(values, numbers, missing, strict=True):
        if reason:
            assert np.isnan(number)  # a missing value is never read as a number (or as zero)
        if isinstance(raw, str) and raw.strip() in ("*", "c", "..", "n/a", "#DIV/0!", ""):
            assert np.isnan(number)


def _load(path: Path, source_format: str) -> None:
    """Read, map and check: never raises, every finding names the file."""
    observations = load_observations(
        _framework(), [DataSource(path=path, format=source_format)], as_of=date(2025, 5, 15)
    )
    for finding in observations.findings:
        assert finding.file.endswith(path.name)


@FUZZ
@given(st.one_of(st.binary(max_size=600), mutated(VALID_CSV)))
def test_csv_reader_returns_data_or_findings(data: bytes):
    _load(_write("fuzz.csv", data), "csv")


CELLS = st.one_of(st.text(max_size=12), st.integers(-(10**9), 10**9), st.floats(allow_nan=False, allow_infinity=False),
                  st.booleans(), st.sampled_from(["AD-1", "PC-1", "north", "Q1 2024/25", "2024-05", "95%"]))  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated(VALID_XLSX), st.lists(st.lists(CELLS, max_size=7), max_size=6).map(xlsx)))
def test_xlsx_reader_returns_data_or_findings(data: bytes):
    _load(_write("fuzz.xlsx", data), "xlsx")
