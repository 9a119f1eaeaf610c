"""Smoke tests of the benchmark tooling: the generator's output is valid input, and the runner runs.

The benchmarks themselves are never part of `make test` (they take minutes); these check at a tiny size
that `make bench` would not break on a generator or runner bug.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from perfwatch.data.load import load_observations
from perfwatch.framework.load import check_framework, load_framework

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", BENCHMARKS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_generate", module)
    spec.loader.exec_module(module)
    return module


def test_generated_framework_validates_and_data_loads_without_errors(tmp_path: Path) -> None:
    dataset = _generator().generate(tmp_path, areas=12, indicators=10, periods=8)
    framework, findings = check_framework(dataset.framework)
    assert framework is not None
    assert [f for f in findings if f.is_error] == []
    framework = load_framework(dataset.framework)
    assert len(framework.indicators) == 10
    assert len(framework.areas) == 12
    observations = load_observations(framework, [dataset.data])
    assert observations.errors == []
    assert len(observations.frame) == dataset.rows
    assert 0.95 * 12 * 10 * 8 <= dataset.rows <= 12 * 10 * 8
    units = {indicator.unit for indicator in framework.indicators.values()}
    assert {"percentage", "rate", "count", "days"} <= units
    assert any(i.spc and i.spc.enabled for i in framework.indicators.values())
    text = dataset.data.read_text()
    assert ",*," in text  # some suppressed cells


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate = _generator().generate
    first = generate(tmp_path / "a", areas=5, indicators=4, periods=4)
    second = generate(tmp_path / "b", areas=5, indicators=4, periods=4)
    assert first.data.read_bytes() == second.data.read_bytes()
    assert first.framework.read_bytes() == second.framework.read_bytes()


def test_quick_load_benchmark_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--only", "load", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "arrow" in done.stdout
    assert "load" in done.stdout


def test_evaluation_partitioned_by_indicator_equals_the_whole(tmp_path: Path) -> None:
    """docs/scaling.md relies on this: evaluating each indicator's rows alone (`evaluate_table`) and
    summarising the concatenated tables gives the same results as one call."""
    from datetime import date

    import pandas as pd

    from perfwatch.evaluate.engine import evaluate, evaluate_table, summarise

    dataset = _generator().generate(tmp_path, areas=8, indicators=6, periods=8)
    framework = load_framework(dataset.framework)
    frame = load_observations(framework, [dataset.data]).frame
    as_of = date(2024, 6, 30)
    whole = evaluate(framework, frame, as_of=as_of)
    pieces = [evaluate_table(framework, rows) for _, rows in frame.groupby("indicator", observed=True)]
    joined = summarise(framework, pd.concat(pieces[::-1], ignore_index=True), as_of=as_of)  # any order
    _assert_same_table(whole.table, joined.table)
    for name in ("latest", "outcomes", "themes", "comparisons"):
        got, expected = getattr(joined, name), getattr(whole, name)
        pd.testing.assert_frame_equal(got.astype(str), expected.astype(str), obj=name)


def _assert_same_table(whole, joined) -> None:
    import pandas as pd

    text = [c for c in whole.columns if not pd.api.types.is_numeric_dtype(whole[c])]
    whole, joined = whole.copy(), joined.copy()
    whole[text], joined[text] = whole[text].astype(str), joined[text].astype(str)
    # Floats may differ in the last bit (a mean summed in another order), hence not check_exact; such
    # noise can move a value across a quintile boundary or break a tie, so ranks are compared exactly
    # only among areas whose values came out bit-identical.
    ranks = ["rank", "quintile"]
    pd.testing.assert_frame_equal(whole.drop(columns=ranks), joined.drop(columns=ranks), check_dtype=False)
    differs = ~(whole[ranks].fillna(-1) == joined[ranks].fillna(-1)).all(axis=1)
    noise = ~((whole["value"] == joined["value"]) | (whole["value"].isna() & joined["value"].isna()))
    noisy = noise.groupby([whole["indicator"], whole["period"]]).transform("any")
    assert not (differs & ~noisy).any()
