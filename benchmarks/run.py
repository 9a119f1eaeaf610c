"""perfwatch benchmarks (`make bench`): timed scenarios against the bars of DESIGN §9, printed as one table.

Each run of a scenario is a fresh child process, so its peak memory is the OS's own figure for that
process (`ru_maxrss` from `wait4`) and no run warms the next one's caches. Python scenarios time only
the work named (imports and set-up excluded) and print the seconds for the parent to collect;
command-line scenarios are timed from outside, start-up included, as a user meets them. The table
shows the median of the runs, the spread, the peak memory, the ratio to the pyarrow floor and the bar.

    python benchmarks/run.py                  # everything (about 10 minutes on 2 cores)
    python benchmarks/run.py --quick          # small sizes, one run each: a smoke test
    python benchmarks/run.py --only evaluate  # one scenario or group (comma-separated)

Datasets are generated once into `build/bench/` (see `generate.py`) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import Dataset  # noqa: E402


def say(line: str) -> None:
    """A line of the result (stdout)."""
    sys.stdout.write(line + "\n")


def progress(line: str) -> None:
    """A line of progress (stderr, so the table on stdout stays clean)."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


HEAVY_MODULES = ("pandas", "numpy", "matplotlib", "weasyprint", "jinja2", "pyarrow", "scipy")


@dataclass(frozen=True)
class Sizes:
    """Dataset sizes: (areas, indicators, periods) for each family of scenarios."""

    big: tuple[int, int, int]
    report: tuple[int, int, int]
    each_area: tuple[int, int, int]
    big_runs: int
    small_runs: int


FULL = Sizes(big=(1000, 50, 20), report=(12, 100, 20), each_area=(150, 12, 20), big_runs=3, small_runs=5)
QUICK = Sizes(big=(100, 20, 8), report=(6, 20, 8), each_area=(8, 6, 8), big_runs=1, small_runs=1)


@dataclass
class Scenario:
    """One row of the table: how to run it, how often, and the bar it is held to."""

    name: str
    group: str
    what: str
    runs: int
    command: list[str] | None = None  # a command line, timed from outside
    child: str | None = None  # else a Python scenario of this file, run as `--child NAME`
    bar_seconds: float | None = None
    bar_floor_ratio: float | None = None
    bar_memory_mb: float | None = None
    floor: str | None = None  # the scenario whose time this one is compared with
    cwd: Path | None = None


@dataclass
class Outcome:
    """What the runs of one scenario measured."""

    scenario: Scenario
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    note: str = ""
    skipped: str = ""
    failed: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def is_check(self) -> bool:
        """The imports scenario is a check, not a timing: it goes under the table as a note."""
        return self.scenario.name == "imports" and bool(self.note)


# --- child scenarios (run inside a fresh process) ---------------------------------------------------


def _child(name: str, work: Path) -> dict:
    """Run one Python scenario once and return what it measured (seconds of the timed part, a note)."""
    dataset = json.loads((work / "datasets.json").read_text())
    if name == "arrow":
        import pyarrow.csv as pacsv

        path = Path(dataset["big"]["data"])
        start = time.perf_counter()
        table = pacsv.read_csv(path)
        return {"seconds": time.perf_counter() - start, "note": f"{table.num_rows:,} rows"}
    if name in ("load", "evaluate", "total"):
        return _child_pipeline(name, dataset["big"])
    if name in ("html", "pdf"):
        return _child_render(name, dataset["report"], work)
    if name == "imports":
        return _child_imports(dataset["largest_framework"])
    if name.startswith("each-area-"):
        return _child_each_area(int(name.rsplit("-", 1)[1]), dataset["each_area"], work)
    raise SystemExit(f"unknown child scenario {name}")


def _child_pipeline(name: str, big: dict) -> dict:
    from perfwatch.data.load import load_observations
    from perfwatch.evaluate.engine import evaluate
    from perfwatch.framework.load import load_framework

    framework_path, data_path = Path(big["framework"]), Path(big["data"])
    start = time.perf_counter()
    framework = load_framework(framework_path)
    observations = load_observations(framework, [data_path])
    loaded = time.perf_counter()
    if observations.errors:
        return {"failed": f"{len(observations.errors)} data errors, first: {observations.errors[0].format()}"}
    if name == "load":
        return {"seconds": loaded - start, "note": f"{len(observations.frame):,} rows checked"}
    evaluate_start = time.perf_counter()
    results = evaluate(framework, observations.frame)
    end = time.perf_counter()
    seconds = end - evaluate_start if name == "evaluate" else end - start
    return {"seconds": seconds, "note": f"{len(results.table):,} result rows"}


def _evaluated(dataset: dict):
    """Load and evaluate a dataset (set-up for the render scenarios, not timed)."""
    from perfwatch.data.load import load_observations
    from perfwatch.evaluate.engine import evaluate
    from perfwatch.framework.load import load_framework

    framework = load_framework(Path(dataset["framework"]))
    observations = load_observations(framework, [Path(dataset["data"])])
    return evaluate(framework, observations.frame)


def _render_api():
    """`perfwatch.render.build`, or None while it is not written yet."""
    import importlib.util

    if importlib.util.find_spec("perfwatch.render.build") is None:
        return None
    from perfwatch.render import build

    return build if hasattr(build, "build_report") and hasattr(build, "build_each_area") else None


def _child_render(kind: str, report: dict, work: Path) -> dict:
    build = _render_api()
    if build is None:
        return {"skipped": "perfwatch.render.build (build_report) does not exist yet"}
    from perfwatch.render.views import ReportOptions

    results = _evaluated(report)
    out = Path(tempfile.mkdtemp(prefix=f"render-{kind}-", dir=work))
    options = ReportOptions(area=report["area"], cycle="board")
    start = time.perf_counter()
    paths = build.build_report(
        results, kind="performance", formats=[kind], out_dir=out, options=options, force=True
    )
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in paths)
    return {
        "seconds": seconds,
        "note": f"{report['indicators']} indicators, one area, {size / 1e6:.1f} MB {kind}",
    }


def _child_each_area(processes: int, dataset: dict, work: Path) -> dict:
    """The library's `build_each_area`, for when the CLI has no `--each-area` yet (evaluation not timed)."""
    build = _render_api()
    if build is None:
        return {"skipped": "neither `perfwatch report --each-area` nor build_each_area exists yet"}
    results = _evaluated(dataset)
    out = Path(tempfile.mkdtemp(prefix=f"each-area-{processes}-", dir=work))
    start = time.perf_counter()
    built, failures = build.build_each_area(
        results, kind="performance", formats=["html"], out_dir=out, max_workers=processes, force=True
    )
    seconds = time.perf_counter() - start
    if failures:
        return {"failed": f"{len(failures)} areas failed, first: {next(iter(failures.items()))}"}
    return {
        "seconds": seconds,
        "note": f"{len(built)} HTML reports via build_each_area (evaluation not timed)",
    }


_IMPORTS_PROBE = """
import sys
from perfwatch.cli import cli
try:
    cli.main(["validate", sys.argv[1]], prog_name="perfwatch", standalone_mode=False)
except SystemExit:
    pass
print("heavy:" + ",".join(sorted(m for m in sys.argv[2].split(",") if m in sys.modules)))
"""


def _child_imports(framework: str) -> dict:
    """Which heavy modules `perfwatch validate` imports: start-up must not pay for pandas and friends.

    Probed in a clean interpreter, since this file itself imports numpy and pyarrow.
    """
    probe = [sys.executable, "-c", _IMPORTS_PROBE, framework, ",".join(HEAVY_MODULES)]
    done = subprocess.run(probe, capture_output=True, text=True)
    if done.returncode != 0:
        return {"failed": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "probe failed"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("heavy:")]
    heavy = lines[-1].removeprefix("heavy:") if lines else ""
    return {"seconds": 0.0, "note": "heavy imports on validate: " + (heavy.replace(",", ", ") or "none")}


# --- the parent: datasets, scenarios, timing, table ---------------------------------------------------


GROUP_FAMILY = {
    "load": "big",
    "evaluate": "big",
    "startup": None,
    "report": "report",
    "each-area": "each_area",
}
SCENARIO_GROUP = {
    "arrow": "load", "load": "load", "evaluate": "evaluate", "total": "evaluate", "help": "startup",
    "validate": "startup", "imports": "startup", "html": "report", "pdf": "report",
}  # fmt: skip


def families_for(only: str | None) -> set[str]:
    """The datasets the chosen scenarios need, so a quick `--only load` generates one dataset, not three."""
    if not only:
        return {family for family in GROUP_FAMILY.values() if family}
    families = set()
    for name in (n.strip() for n in only.split(",")):
        group = "each-area" if name.startswith("each-area") else SCENARIO_GROUP.get(name, name)
        if group not in GROUP_FAMILY:
            choices = sorted({*GROUP_FAMILY, *SCENARIO_GROUP})
            raise SystemExit(f"--only: no scenario or group named {name!r}; choose from {', '.join(choices)}")
        if GROUP_FAMILY[group]:
            families.add(GROUP_FAMILY[group])
    return families


def prepare(work: Path, sizes: Sizes, families: set[str]) -> dict:
    """Generate (or reuse) the datasets and record their paths in `datasets.json` for the children."""
    work.mkdir(parents=True, exist_ok=True)
    record = work / "datasets.json"
    info = json.loads(record.read_text()) if record.exists() else {}
    for family in sorted(families):
        areas, indicators, periods = getattr(sizes, family)
        folder = work / f"data-{areas}x{indicators}x{periods}"
        if not (folder / "data.csv").exists() or not (folder / "framework.yaml").exists():
            progress(f"generating {areas} areas × {indicators} indicators × {periods} periods ...")
            # In a child process: on Linux a child's peak memory starts at its parent's size when forked,
            # so a runner that had generated a million rows itself would inflate every later measurement.
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), "--areas", str(areas), "--indicators",
                 str(indicators), "--periods", str(periods), "--out", str(folder)],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        with (folder / "data.csv").open("rb") as data:
            rows = sum(1 for _ in data) - 1
        dataset = Dataset(folder / "framework.yaml", folder / "data.csv", rows, areas, indicators, periods)
        if family == "each_area":
            _write_project(dataset)
        info[family] = {
            "framework": str(dataset.framework), "data": str(dataset.data), "rows": dataset.rows,
            "areas": areas, "indicators": indicators, "periods": periods, "area": "area-00001",
        }  # fmt: skip
    info["largest_framework"] = str(largest_framework())
    record.write_text(json.dumps(info, indent=2))
    return {family: info[family] for family in families} | {"largest_framework": info["largest_framework"]}


def _write_project(dataset: Dataset) -> None:
    """A project file beside the each-area dataset, so `perfwatch report --each-area` runs in that folder."""
    (dataset.framework.parent / "perfwatch.yaml").write_text(
        "framework: framework.yaml\ndata: [data.csv]\noutput: out\n"
        "reports:\n  - {cycle: board, each_area: true, formats: [html]}\n",
        encoding="utf-8",
    )


def largest_framework() -> Path:
    """The bundled framework with the most text: the start-up scenarios' worst case."""
    return max((ROOT / "frameworks").glob("*.yaml"), key=lambda p: p.stat().st_size)


def perfwatch_command() -> list[str]:
    """The installed `perfwatch` script beside this Python, as a user runs it."""
    script = Path(sys.executable).parent / "perfwatch"
    return [str(script)] if script.exists() else [sys.executable, "-m", "perfwatch"]


def report_help() -> str:
    """`perfwatch report --help`, or "" when the command does not exist yet."""
    done = subprocess.run([*perfwatch_command(), "report", "--help"], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else ""


def scenarios(info: dict, sizes: Sizes) -> list[Scenario]:
    """Every scenario whose dataset was prepared, in the order of the table."""
    perfwatch = perfwatch_command()
    framework = info["largest_framework"]
    rows = f"{info['big']['rows']:,} rows" if "big" in info else ""
    report = info.get("report", {}).get("indicators")
    result = [
        Scenario("arrow", "load", f"pyarrow.csv.read_csv alone, {rows} (the floor)", sizes.big_runs, child="arrow"),
        Scenario("load", "load", f"load + check via load_observations, {rows}", sizes.big_runs, child="load", floor="arrow"),
        Scenario("evaluate", "evaluate", f"evaluate(), SPC + CIs, {rows} (load excluded)", sizes.big_runs,
                 child="evaluate", floor="arrow", bar_seconds=10.0, bar_floor_ratio=3.0),
        Scenario("total", "evaluate", f"framework + load + evaluate, {rows}", sizes.big_runs, child="total",
                 floor="arrow", bar_seconds=10.0, bar_floor_ratio=3.0, bar_memory_mb=1500.0),
        Scenario("help", "startup", "perfwatch --help (process start to exit)", sizes.small_runs,
                 command=[*perfwatch, "--help"], bar_seconds=0.5),
        Scenario("validate", "startup", f"perfwatch validate {Path(framework).name}", sizes.small_runs,
                 command=[*perfwatch, "validate", framework], bar_seconds=0.5),
        Scenario("imports", "startup", "modules imported by perfwatch validate", 1, child="imports"),
        Scenario("html", "report", f"one {report}-indicator performance report to HTML", sizes.big_runs,
                 child="html", bar_seconds=2.0),
        Scenario("pdf", "report", f"one {report}-indicator performance report to PDF", sizes.big_runs, child="pdf"),
    ]  # fmt: skip
    result = [s for s in result if GROUP_FAMILY[s.group] is None or GROUP_FAMILY[s.group] in info]
    if "each_area" not in info:
        return result
    each = info["each_area"]
    folder = Path(each["framework"]).parent
    cores = os.cpu_count() or 1
    has_cli = "--each-area" in report_help()
    how = "perfwatch report --each-area" if has_cli else "build_each_area (HTML)"
    for processes in (1, cores):
        result.append(
            Scenario(
                f"each-area-{processes}", "each-area",
                f"{how}, {each['areas']} areas × {each['indicators']} indicators, "
                f"{processes} {'process' if processes == 1 else 'processes'}",
                sizes.big_runs,
                command=_each_area_command(perfwatch, processes, cores) if has_cli else None,
                child=None if has_cli else f"each-area-{processes}", cwd=folder,
            )
        )  # fmt: skip
    return result


def _each_area_command(perfwatch: list[str], processes: int, cores: int) -> list[str]:
    """`perfwatch report --each-area`, limited to `processes` workers by `--jobs` (else by CPU affinity)."""
    options = report_help()
    command = [*perfwatch, "--quiet", "report", "--each-area", "--format", "html"]
    if "--force" in options:
        command.append("--force")  # a re-run must render again, not reuse the last run's files
    if "--jobs" in options:
        return [*command, "--jobs", str(processes)]
    if processes < cores:
        return ["taskset", "--cpu-list", ",".join(str(c) for c in range(processes)), *command]
    return command


def measure(scenario: Scenario, work: Path) -> Outcome:
    outcome = Outcome(scenario)
    for _ in range(scenario.runs):
        if scenario.command is not None:
            command = scenario.command
        else:
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                scenario.child,
                "--work",
                str(work),
            ]
        seconds, peak_mb, code, out, err = _run_child(command, scenario.cwd)
        outcome.peak_mb = max(outcome.peak_mb, peak_mb)
        if scenario.command is not None:
            if code != 0 and not (scenario.name == "validate" and code == 1):
                outcome.failed = f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}"
                return outcome
            outcome.seconds.append(seconds)
            continue
        if code != 0:
            outcome.failed = f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}"
            return outcome
        reported = json.loads(out.strip().splitlines()[-1])
        if "skipped" in reported or "failed" in reported:
            outcome.skipped = reported.get("skipped", "")
            outcome.failed = reported.get("failed", "")
            return outcome
        outcome.seconds.append(reported["seconds"])
        outcome.note = reported.get("note", "")
    return outcome


def _run_child(command: list[str], cwd: Path | None) -> tuple[float, float, int, str, str]:
    """Run a command to its end; wall seconds, peak RSS in MB (the OS's own figure), exit code, output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text_out, text_err = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    return seconds, usage.ru_maxrss / 1024, process.returncode, text_out, text_err


# --- the table ------------------------------------------------------------------------------------


def verdict(outcome: Outcome, floors: dict[str, float]) -> tuple[str, str, str]:
    """(ratio to the floor, the bars, `met` or `MISSED` and the bars missed) for one outcome."""
    scenario, median = outcome.scenario, outcome.median
    ratio = ""
    floor = floors.get(scenario.floor or "")
    if median is not None and floor:
        ratio = f"{median / floor:.1f}×"
    bars, met = [], []
    if scenario.bar_seconds is not None:
        bars.append(f"< {scenario.bar_seconds:g} s")
        met.append(median is not None and median < scenario.bar_seconds)
    if scenario.bar_floor_ratio is not None:
        bars.append(f"≤ {scenario.bar_floor_ratio:g}× floor")
        met.append(median is not None and floor is not None and median <= scenario.bar_floor_ratio * floor)
    if scenario.bar_memory_mb is not None:
        bars.append(f"< {scenario.bar_memory_mb:g} MB")
        met.append(outcome.peak_mb < scenario.bar_memory_mb)
    if not bars or median is None:
        return ratio, ", ".join(bars), ""
    missed = [bar for bar, ok in zip(bars, met, strict=True) if not ok]
    return ratio, ", ".join(bars), "met" if not missed else "MISSED " + ", ".join(missed)


def print_table(outcomes: list[Outcome], machine: str) -> None:
    floors = {o.scenario.name: o.median for o in outcomes if o.median}
    rows = [("scenario", "median s", "min–max s", "peak MB", "vs floor", "bar", "", "what")]
    notes = []
    for o in outcomes:
        if o.is_check:
            notes.append(f"{o.scenario.name}: {o.note}")
            continue
        if o.skipped or o.failed:
            rows.append(
                (
                    o.scenario.name,
                    "—",
                    "—",
                    "—",
                    "",
                    "",
                    "skipped" if o.skipped else "FAILED",
                    o.scenario.what,
                )
            )
            notes.append(f"{o.scenario.name}: {o.skipped or o.failed}")
            continue
        ratio, bar, met = verdict(o, floors)
        spread = f"{min(o.seconds):.2f}–{max(o.seconds):.2f}" if len(o.seconds) > 1 else ""
        rows.append(
            (o.scenario.name, f"{o.median:.2f}", spread, f"{o.peak_mb:.0f}", ratio, bar, met, o.scenario.what)
        )
        if o.note:
            notes.append(f"{o.scenario.name}: {o.note}")
    speedup = _speedup(outcomes)
    if speedup:
        notes.append(speedup)
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    say(machine)
    for index, row in enumerate(rows):
        say("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            say("  ".join("-" * width for width in widths))
    for note in notes:
        say(f"  · {note}")


def _speedup(outcomes: list[Outcome]) -> str:
    each = [o for o in outcomes if o.scenario.group == "each-area" and o.median]
    if len(each) < 2:
        return ""
    one, many = each[0], each[-1]
    return (
        f"each-area speed-up: {one.median / many.median:.2f}× on {many.scenario.name.rsplit('-', 1)[1]} cores"
    )


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"perfwatch benchmarks, {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, load average {load}"
    )


def select(all_scenarios: list[Scenario], only: str | None) -> list[Scenario]:
    if not only:
        return all_scenarios
    wanted = {name.strip() for name in only.split(",") if name.strip()}
    chosen = [s for s in all_scenarios if s.name in wanted or s.group in wanted]
    if not chosen:
        names = sorted({s.name for s in all_scenarios} | {s.group for s in all_scenarios})
        raise SystemExit(f"--only: no scenario or group named {only!r}; choose from {', '.join(names)}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and one run each (a smoke test)")
    parser.add_argument("--only", help="scenarios or groups to run, comma-separated (e.g. load,startup)")
    parser.add_argument("--work", type=Path, help="folder for datasets and outputs (default build/bench)")
    parser.add_argument(
        "--runs", type=int, help="runs of every scenario (default 3 for the big ones, 5 for start-up)"
    )
    parser.add_argument("--json", type=Path, help="also write the measurements to this JSON file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    work = (args.work or ROOT / "build" / ("bench-quick" if args.quick else "bench")).resolve()
    if args.child:
        say(json.dumps(_child(args.child, work)))
        return 0
    info = prepare(work, sizes, families_for(args.only))
    chosen = select(scenarios(info, sizes), args.only)
    for scenario in chosen:
        scenario.runs = args.runs or scenario.runs
    machine = machine_line()
    outcomes = []
    for scenario in chosen:
        progress(f"running {scenario.name} ({scenario.runs}×) ...")
        outcomes.append(measure(scenario, work))
    print_table(outcomes, machine)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine,
                    "results": [
                        {"name": o.scenario.name, "seconds": o.seconds, "median": o.median, "peak_mb": o.peak_mb,
                         "note": o.note, "skipped": o.skipped, "failed": o.failed}
                        for o in outcomes
                    ],
                },
                indent=2,
            )
        )  # fmt: skip
    return 1 if any(o.failed for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
