"""Loading benchmark: `load_observations` on the 1,000,000-row long CSV of `generate.py`, against the floor.

Times `perfwatch.data.load.load_observations` (read, map, clean, check) and `pyarrow.csv.read_csv` alone on the
same file, the median of a few runs each. Every run is a fresh child process, so its peak memory (the
OS's `ru_maxrss`) is that run's own, imports included. Not part of the test suite:

    python benchmarks/bench_load.py                      # 1000 areas x 50 indicators x 20 quarters
    python benchmarks/bench_load.py --work /tmp/load-bench --runs 5
    python benchmarks/bench_load.py --profile            # one in-process run under cProfile, top entries
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = date(2025, 6, 1)


def child(kind: str, framework_path: str, data_path: str) -> None:
    """One timed run in this process; prints the seconds and the rows."""
    if kind == "arrow":
        import pyarrow.csv as pacsv

        start = time.perf_counter()
        rows = pacsv.read_csv(data_path).num_rows
    else:
        from perfwatch.data.load import load_observations
        from perfwatch.framework.load import load_framework

        framework = load_framework(framework_path)
        start = time.perf_counter()
        observations = load_observations(framework, [data_path], as_of=AS_OF)
        rows = len(observations.frame)
        if observations.errors:
            raise SystemExit(f"unexpected errors: {observations.errors[:3]}")
    sys.stdout.write(f"{time.perf_counter() - start} {rows}\n")


def measure(kind: str, framework_path: Path, data_path: Path, runs: int) -> tuple[float, float, float, int]:
    """Median and spread of the seconds, and the largest peak memory (MB), over `runs` fresh processes."""
    times, peaks, rows = [], [], 0
    for _ in range(runs):
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", kind, str(framework_path), str(data_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        output = process.stdout.read() if process.stdout else ""
        _, status, usage = os.wait4(process.pid, 0)
        if status != 0:
            raise SystemExit(f"the {kind} run failed")
        seconds, count = output.split()
        times.append(float(seconds))
        peaks.append(usage.ru_maxrss / 1024)
        rows = int(count)
    return statistics.median(times), max(times) - min(times), max(peaks), rows


def profile(framework_path: Path, data_path: Path, top: int = 25) -> None:
    import cProfile
    import pstats

    from perfwatch.data.load import load_observations
    from perfwatch.framework.load import load_framework

    framework = load_framework(framework_path)
    profiler = cProfile.Profile()
    profiler.runcall(load_observations, framework, [data_path], as_of=AS_OF)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--areas", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--periods", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, help="folder for the dataset (kept; default: a temporary one)")
    parser.add_argument("--profile", action="store_true", help="profile one run instead of timing")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(*arguments.child)
        return
    sys.path.insert(0, str(HERE))
    from generate import generate

    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.work or Path(scratch)
        framework_path, data_path = folder / "framework.yaml", folder / "data.csv"
        if not (framework_path.exists() and data_path.exists()):
            generate(folder, arguments.areas, arguments.indicators, arguments.periods)
        if arguments.profile:
            profile(framework_path, data_path)
            return
        size = data_path.stat().st_size / 1e6
        arrow, arrow_spread, arrow_peak, rows = measure("arrow", framework_path, data_path, arguments.runs)
        load, load_spread, load_peak, loaded = measure("load", framework_path, data_path, arguments.runs)
    say = sys.stdout.write
    say(f"{rows:,} rows ({loaded:,} loaded), {size:.0f} MB CSV, median of {arguments.runs} fresh processes\n")
    say(f"pyarrow.csv.read_csv alone: {arrow:5.2f} s (±{arrow_spread:.2f}), peak {arrow_peak:4.0f} MB\n")
    say(
        f"load_observations:          {load:5.2f} s (±{load_spread:.2f}), peak {load_peak:4.0f} MB "
        f"({load / arrow:.1f}x the parse)\n"
    )


if __name__ == "__main__":
    main()
