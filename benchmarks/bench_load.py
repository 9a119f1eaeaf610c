"""Loading benchmark: a 1,000,000-row long CSV (1,000 areas × 50 indicators × 20 periods).

Times `perfwatch.data.load_observations` (read, map, clean, check) against `pyarrow.csv.read_csv` alone on
the same file, median of 3 runs each. Not part of the test suite: run `python benchmarks/bench_load.py`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from perfwatch.data import load_observations
from perfwatch.model import Framework
from perfwatch.project import DataSource

AREAS, INDICATORS, PERIODS, RUNS = 1000, 50, 20, 3


def framework() -> Framework:
    indicators = [
        {"id": f"IND-{i:02d}", "title": f"Indicator {i}", "unit": "percentage", "polarity": "higher_is_better",
         "frequency": "quarterly"}
        for i in range(INDICATORS)
    ]  # fmt: skip
    areas = [{"id": f"area-{a:04d}", "name": f"Area {a}", "level": "district"} for a in range(AREAS)]
    return Framework.model_validate(
        {"perfwatch": 1, "id": "bench", "title": "Benchmark", "areas": areas,
         "themes": [{"id": "T", "title": "T", "outcomes": [{"id": "O", "title": "O", "indicators": indicators}]}]}
    )  # fmt: skip


def write_csv(path: Path) -> None:
    """The long table, written with pyarrow (columns built with numpy, no per-row Python)."""
    rng = np.random.default_rng(1)
    n = AREAS * INDICATORS * PERIODS
    quarters = [f"Q{q % 4 + 1} {2019 + q // 4}/{(20 + q // 4) % 100:02d}" for q in range(PERIODS)]
    indicator = np.repeat([f"IND-{i:02d}" for i in range(INDICATORS)], AREAS * PERIODS)
    area = np.tile(np.repeat([f"area-{a:04d}" for a in range(AREAS)], PERIODS), INDICATORS)
    period = np.tile(quarters, AREAS * INDICATORS)
    denominator = rng.integers(100, 5000, n)
    numerator = rng.binomial(denominator, 0.8)
    value = np.round(numerator / denominator * 100, 1)
    table = pa.table(
        {"indicator": indicator, "area": area, "period": period, "value": value, "numerator": numerator,
         "denominator": denominator}
    )  # fmt: skip
    pacsv.write_csv(table, path)


def median_time(action) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    fw = framework()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.csv"
        write_csv(path)
        size = path.stat().st_size / 1e6
        source = DataSource(path=path)
        observations = load_observations(fw, [source])
        assert len(observations.frame) == AREAS * INDICATORS * PERIODS, len(observations.frame)
        assert not observations.errors, observations.errors[:3]
        arrow = median_time(lambda: pacsv.read_csv(path))
        load = median_time(lambda: load_observations(fw, [source]))
    print(f"{AREAS * INDICATORS * PERIODS:,} rows, {size:.0f} MB CSV, median of {RUNS} runs")  # noqa: T201
    print(f"pyarrow.csv.read_csv alone: {arrow:.2f} s")  # noqa: T201
    print(f"load_observations:          {load:.2f} s ({load / arrow:.1f}x)")  # noqa: T201


if __name__ == "__main__":
    main()
