"""The application layer: one path from what the user gave to finished reports.

`resolve_inputs` turns a project file, or a framework and `--data` files, into one `Inputs`; `run` loads,
checks and evaluates them; `plan` and `build` decide which reports a run builds and build them. Every
user-caused problem is raised as one `InputError` carrying all findings; warnings are returned so the
caller can print or log them. The command line (`perfwatch.cli`) calls only this module.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from perfwatch.boundary import UnsafeFile, file_problem, inside, open_regular
from perfwatch.data.actions import load_actions_csv
from perfwatch.errors import Finding, InputError, PerfwatchError, errors_only
from perfwatch.fileio import output_lock
from perfwatch.framework.project import (
    CommentarySource,
    DataSource,
    Project,
    ReportSpec,
    find_project,
    load_project,
    source_for_path,
)
from perfwatch.resources import bundled_framework
from perfwatch.stopping import stop_on_signals


@dataclass
class Inputs:
    """Everything one run reads, resolved to paths."""

    framework: Path
    data: list[DataSource]
    commentary: list[CommentarySource] = field(default_factory=list)
    actions: Path | None = None
    output: Path = Path("build")
    templates: Path | None = None
    as_of: date | None = None
    reports: list[ReportSpec] = field(default_factory=list)
    project: Project | None = None
    title: str | None = None
    organisation: str | None = None

    @property
    def root(self) -> Path:
        return self.project.root if self.project is not None else Path.cwd()

    def files(self) -> list[Path]:
        """Every input file, for the inputs hash."""
        paths = [self.framework, *(s.path for s in self.data)]
        for source in self.commentary:
            paths.extend(folder_files(source.path) if source.path.is_dir() else [source.path])
        if self.actions is not None:
            paths.append(self.actions)
        if self.templates is not None and self.templates.is_dir():
            paths.extend(folder_files(self.templates))
        if self.project is not None and self.project.file is not None:
            paths.append(self.project.file)
        return paths


def folder_files(folder: Path) -> list[Path]:
    """The regular files inside `folder` (after links, nothing hidden), sorted: what a run may read from it."""
    return sorted(p for p in folder.rglob("*") if inside(p, [folder]) and file_problem(p) is None)


def framework_path(given: str | Path) -> Path:
    """A framework file path, or the name of a bundled framework (e.g. `forth-valley-ijb`)."""
    path = Path(given)
    if path.exists() or path.suffix:
        return path
    return bundled_framework(str(given)) or path


def resolve_inputs(
    framework: str | Path | None = None,
    data: Iterable[str | Path] = (),
    project: str | Path | None = None,
    allowed: Iterable[str | Path] = (),
) -> Inputs:
    """The inputs of a run: an explicit framework and data files, else the project file in the folder.

    `allowed` are folders outside the project that its file may name (`--allow-path`).
    """
    data = list(data)
    project_file = Path(project) if project else (None if framework else find_project("."))
    if project_file is not None:
        loaded = load_project(project_file, allowed)
        sources = list(loaded.data) + [source_for_path(p) for p in data]
        return Inputs(
            framework=Path(framework) if framework else loaded.framework_path,
            data=sources,
            commentary=list(loaded.commentary),
            actions=loaded.actions,
            output=loaded.output,
            templates=loaded.templates,
            as_of=loaded.as_of,
            reports=list(loaded.reports),
            project=loaded,
            title=loaded.title,
            organisation=loaded.organisation,
        )
    if framework is None:
        raise PerfwatchError(
            "no perfwatch.yaml in this folder: give a framework file and --data FILE, "
            "or run `perfwatch init DIR` to start a project"
        )
    return Inputs(framework=framework_path(framework), data=[source_for_path(p) for p in data])


def inputs_hash(inputs: Inputs, extra: str = "") -> str:
    """A short SHA-256 over every input file's name and bytes, so a report says which data built it."""
    digest = hashlib.sha256()
    for path in inputs.files():
        digest.update(os.fsencode(path.name))  # a name that is not UTF-8 is hashed as its bytes
        try:
            with open_regular(path) as handle:
                for block in iter(lambda handle=handle: handle.read(1 << 20), b""):
                    digest.update(block)
        except UnsafeFile:
            digest.update(b"<unreadable>")
    digest.update(extra.encode())
    return digest.hexdigest()[:12]


@dataclass
class Run:
    """The outcome of `run`: the results and every warning met on the way."""

    results: object
    warnings: list[Finding]
    inputs: Inputs


def run(
    inputs: Inputs,
    *,
    period: str | None = None,
    as_of: date | None = None,
    strict: bool = False,
) -> Run:
    """Load the framework and data, check them, and evaluate. Raises `InputError` on any error."""
    from perfwatch.data.load import load_observations
    from perfwatch.evaluate.engine import evaluate
    from perfwatch.framework.load import check_framework

    as_of = as_of or inputs.as_of or date.today()
    framework, findings = check_framework(inputs.framework, strict=strict, today=as_of)
    if framework is None or errors_only(findings):
        raise InputError(findings)
    if not inputs.data:
        raise PerfwatchError("no data to evaluate: add `data:` to the project file or pass --data FILE")
    observations = load_observations(framework, inputs.data, strict=strict, as_of=as_of)
    findings.extend(observations.findings)
    actions: list = []
    if inputs.actions is not None:
        actions, action_findings, action_rows = load_actions_csv(inputs.actions)
        findings.extend(action_findings)
        known = set(framework.outcomes)
        for action in actions:
            if action.outcome and action.outcome not in known:
                findings.append(
                    Finding(
                        str(inputs.actions),
                        action_rows.get(action.id),
                        None,
                        "error",
                        "unknown-outcome",
                        f"action {action.id} names outcome {action.outcome!r}, which the framework does not have",
                    )  # fmt: skip
                )
    if errors_only(findings):
        raise InputError(findings)
    results = evaluate(framework, observations.frame, period=period, as_of=as_of, actions=actions)
    results.inputs_hash = inputs_hash(inputs, extra=f"{period}|{as_of}")
    evaluated = [replace(f, file=str(inputs.framework)) for f in results.findings]
    return Run(results, [f for f in findings if not f.is_error] + evaluated, inputs)


# --- reports: which to build, and building them ---------------------------------------------------

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
    out_dir = out_dir or inputs.output
    # One build at a time per folder; SIGTERM/SIGINT stop the workers and leave no partial file.
    with output_lock(out_dir), stop_on_signals():
        return _build_locked(inputs, requests, out_dir=out_dir, templates=templates, as_of=as_of,
                             strict=strict, force=force, jobs=jobs, progress=progress)  # fmt: skip


def _build_locked(
    inputs: Inputs, requests: list[ReportRequest], *, out_dir: Path, templates: Path | None,
    as_of: date | None, strict: bool, force: bool, jobs: int | None, progress: Progress | None,
) -> BuildOutcome:  # fmt: skip
    from perfwatch.data.commentary import load_commentary
    from perfwatch.publish.revisions import check_revisions
    from perfwatch.publish.suppression import suppress
    from perfwatch.render.build import build_each_area, build_report, write_manifest
    from perfwatch.render.views import ReportOptions

    outcome = BuildOutcome()
    manifest: dict[str, dict] = {}  # written once, at the end of the run
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
                progress=progress, manifest=manifest,
            )  # fmt: skip
            outcome.paths += paths
            outcome.failures.update(failures)
        else:
            outcome.paths += build_report(
                results, kind=request.kind, formats=request.formats, out_dir=out_dir, name=request.name,
                templates=templates, commentary=commentary, options=options, allowed_dirs=allowed, force=force,
                refused=refused, manifest=manifest,
            )  # fmt: skip
        outcome.warnings += [
            Finding("report", None, None, "warning", "refused-url", f"the PDF renderer refused to load {url}")
            for url in dict.fromkeys(refused)
        ]
    write_manifest(Path(out_dir), manifest)
    if runs and not outcome.failures:
        # A value published before and different now is said out loud ("... changed from 101.2 to 99.8").
        outcome.warnings += check_revisions(next(iter(runs.values())), out_dir)
    return outcome
