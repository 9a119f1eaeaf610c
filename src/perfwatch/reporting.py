"""Which reports a run builds, and building them: the orchestration behind `perfwatch report`.

A report request comes from the command line (`--kind`, `--cycle`, `--period`, `--area`, `--each-area`) or,
with none of those, from the project file's `reports:`. The period of each is worked out once: given,
else from its reporting cycle and the report date (so a crontab line needs no date arithmetic), else the
latest with data. Results are evaluated once per distinct period and shared by the reports that need them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from perfwatch.errors import Finding, PerfwatchError
from perfwatch.pipeline import Inputs, run

Progress = Callable[[str, str | None, int, int], None]


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    formats: tuple[str, ...]
    cycle: str | None = None
    period: str | None = None
    area: str | None = None
    each_area: bool = False
    name: str | None = None


@dataclass
class BuildOutcome:
    paths: list[Path] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)


def plan(
    inputs: Inputs,
    *,
    kind: str | None = None,
    cycle: str | None = None,
    period: str | None = None,
    area: str | None = None,
    each_area: bool = False,
    formats: Iterable[str] | None = None,
    as_of: date | None = None,
) -> list[ReportRequest]:
    """The reports to build: from the options if any is given, else the project's `reports:`."""
    from perfwatch.framework.cycles import report_period
    from perfwatch.framework.load import load_framework

    framework = load_framework(inputs.framework)
    as_of = as_of or inputs.as_of or date.today()
    chosen = tuple(formats) if formats else None
    if any((kind, cycle, period, area, each_area)) or not inputs.reports:
        specs = [ReportRequest(kind or "", chosen or ("html", "pdf"), cycle, period, area, each_area)]
    else:
        specs = [
            ReportRequest(
                s.kind or "", chosen or tuple(s.formats), s.cycle, s.period, s.area, s.each_area, s.name
            )
            for s in inputs.reports
        ]
    requests = []
    for spec in specs:
        found = framework.cycle(spec.cycle) if spec.cycle else None
        if spec.cycle and found is None:
            known = ", ".join(c.id for c in framework.reporting.cycles) or "none are declared"
            raise PerfwatchError(
                f"there is no reporting cycle {spec.cycle!r} in {inputs.framework} ({known})"
            )
        report_kind = spec.kind or (found.kind if found else "performance")
        chosen_period = spec.period
        if chosen_period is None and found is not None:
            chosen_period = report_period(found, as_of, framework.year_start_month).label
        if spec.area and spec.area not in framework.area_map:
            raise PerfwatchError(f"there is no area {spec.area!r} in {inputs.framework}")
        requests.append(
            ReportRequest(
                report_kind, spec.formats, spec.cycle, chosen_period, spec.area, spec.each_area, spec.name
            )
        )
    return requests


def build(
    inputs: Inputs,
    requests: list[ReportRequest],
    *,
    out_dir: Path | None = None,
    templates: Path | None = None,
    as_of: date | None = None,
    strict: bool = False,
    force: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> BuildOutcome:
    """Evaluate once per period and build every requested report; failed areas are collected, not raised."""
    from perfwatch.data.commentary import load_commentary
    from perfwatch.publish.revisions import check_revisions
    from perfwatch.publish.suppression import suppress
    from perfwatch.render.build import build_each_area, build_report
    from perfwatch.render.context import ReportOptions

    outcome = BuildOutcome()
    out_dir = out_dir or inputs.output
    templates = templates or inputs.templates
    runs: dict[str | None, object] = {}
    commentary = None
    allowed = [inputs.root, *(s.path if s.path.is_dir() else s.path.parent for s in inputs.commentary)]
    for request in requests:
        if request.period not in runs:
            evaluated = run(inputs, period=request.period, as_of=as_of, strict=strict)
            outcome.warnings.extend(evaluated.warnings)
            runs[request.period] = suppress(evaluated.results)  # published output never shows small counts
        results = runs[request.period]
        if commentary is None:
            commentary = load_commentary(
                [s.path for s in inputs.commentary], results.framework.year_start_month, strict=True
            )
            outcome.warnings.extend(f for f in commentary.findings if not f.is_error)
        options = ReportOptions(
            area=request.area, title=inputs.title, organisation=inputs.organisation, cycle=request.cycle
        )
        refused: list[str] = []
        if request.each_area:
            paths, failures = build_each_area(
                results, kind=request.kind, formats=request.formats, out_dir=out_dir, templates=templates,
                commentary=commentary, options=options, allowed_dirs=allowed, force=force, max_workers=jobs,
                progress=progress,
            )  # fmt: skip
            outcome.paths += paths
            outcome.failures.update(failures)
        else:
            outcome.paths += build_report(
                results, kind=request.kind, formats=request.formats, out_dir=out_dir, name=request.name,
                templates=templates, commentary=commentary, options=options, allowed_dirs=allowed, force=force,
                refused=refused,
            )  # fmt: skip
        outcome.warnings += [
            Finding("report", None, None, "warning", "refused-url", f"the PDF renderer refused to load {url}")
            for url in dict.fromkeys(refused)
        ]
    if runs and not outcome.failures:
        # A value published before and different now is said out loud ("... changed from 101.2 to 99.8").
        outcome.warnings += check_revisions(next(iter(runs.values())), out_dir)
    return outcome
