"""The application layer: one path from what the user gave to finished reports.

`resolve_inputs` turns a project file, or a framework and `--data` files, into one `Inputs`; `run` loads,
checks and evaluates them; `plan` and `build` decide which reports a run builds and build them. Every
user-caused problem is raised as one `InputError` carrying all findings; warnings are returned so the
caller can print or log them. The command line (`perfwatch.cli`) calls only this module.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from perfwatch.boundary import UnsafeFile, file_problem, inside, open_regular
from perfwatch.errors import Finding, InputError, PerfwatchError, errors_only, promote_warnings
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
from perfwatch.vocabulary import DEFAULT_REPORT_FORMATS, DEFAULT_REPORT_KIND, PROJECT_FILE

if TYPE_CHECKING:
    import pandas as pd

    from perfwatch.data.commentary import Commentary
    from perfwatch.data.fetch import Fetched
    from perfwatch.evaluate.results import Results
    from perfwatch.framework.cycles import Due
    from perfwatch.framework.model import Action, Framework
    from perfwatch.framework.rules import RuleSelection


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

    def report_date(self, given: date | None = None) -> date:
        """The report date: as given, else the project's `as_of`, else today (the one place this default lives)."""
        return given or self.as_of or date.today()

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


def files_digest(inputs: Inputs) -> hashlib._Hash:
    """SHA-256 over every input file's name and bytes: read once per run, extended per report."""
    digest = hashlib.sha256()
    for path in inputs.files():
        digest.update(os.fsencode(path.name))  # a name that is not UTF-8 is hashed as its bytes
        try:
            with open_regular(path) as handle:
                for block in iter(lambda handle=handle: handle.read(1 << 20), b""):
                    digest.update(block)
        except UnsafeFile:
            digest.update(b"<unreadable>")
    return digest


def inputs_hash(inputs: Inputs, extra: str = "", *, files: hashlib._Hash | None = None) -> str:
    """A short hash of the input files (`files`, if already read) and `extra`: which data built a report."""
    digest = (files or files_digest(inputs)).copy()
    digest.update(extra.encode())
    return digest.hexdigest()[:12]


@dataclass
class Loaded:
    """Every input of a run, read and checked, with every finding met on the way.

    `validate` prints the findings; the other commands go on only when there are no errors, so the two
    accept and reject the same projects. `observations` is the observations frame (`contracts.OBSERVATIONS`).
    """

    inputs: Inputs
    as_of: date
    findings: list[Finding]
    framework: Framework | None = None
    observations: pd.DataFrame | None = None
    actions: list[Action] = field(default_factory=list)
    commentary: Commentary | None = None
    strict: bool = False
    #: A Fingertips export's own benchmark verdicts (`Observations.published_comparisons`), if any.
    published_comparisons: pd.DataFrame | None = None

    @property
    def errors(self) -> list[Finding]:
        return errors_only(self.findings)

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @functools.cached_property
    def files_digest(self) -> hashlib._Hash:
        return files_digest(self.inputs)

    def raise_errors(self) -> None:
        """Raise one `InputError` carrying every error, if there is any."""
        if self.errors:
            raise InputError(self.errors)


def load(
    inputs: Inputs, *, strict: bool = False, as_of: date | None = None, rules: RuleSelection | None = None
) -> Loaded:
    """Read and check every input of a run: the framework, the data, the actions and the commentary.

    Problems are collected, not raised, so one pass reports them all. The data, actions and commentary
    are checked only against a framework without errors (their checks need its ids). The lint rules are
    `rules` (validate's --select/--ignore), else the project file's `lint:`, else the defaults.
    """
    from perfwatch.data.actions import load_actions
    from perfwatch.data.commentary import load_commentary, orphan_findings
    from perfwatch.framework.load import check_framework

    as_of = inputs.report_date(as_of)
    if rules is None and inputs.project is not None and inputs.project.lint is not None:
        rules = inputs.project.lint.selection()
    framework, findings = check_framework(inputs.framework, strict=strict, today=as_of, rules=rules)
    loaded = Loaded(inputs, as_of, findings, strict=strict)
    if framework is None or errors_only(findings):
        return loaded
    loaded.framework = framework
    if inputs.data:
        from perfwatch.data.load import load_observations

        observations = load_observations(framework, inputs.data, strict=strict, as_of=as_of)
        loaded.observations = observations.frame
        loaded.published_comparisons = observations.published_comparisons
        loaded.findings += observations.findings
    else:
        where = (
            inputs.project.file if inputs.project is not None and inputs.project.file else inputs.framework
        )
        loaded.findings.append(
            Finding(str(where), None, None, "error", "no-data",
                    "no data to evaluate: add `data:` to the project file or pass --data FILE")
        )  # fmt: skip
    if inputs.actions is not None:
        loaded.actions, action_findings = load_actions(inputs.actions, framework)
        loaded.findings += promote_warnings(action_findings) if strict else action_findings
    commentary = load_commentary([s.path for s in inputs.commentary], framework.year_start_month)
    loaded.commentary = commentary
    commentary_findings = commentary.findings + orphan_findings(commentary, framework)
    loaded.findings += promote_warnings(commentary_findings) if strict else commentary_findings
    return loaded


def evaluate(loaded: Loaded) -> pd.DataFrame:
    """The results table of a checked run: every indicator × area × period, evaluated once per run."""
    from perfwatch.evaluate.engine import evaluate_table

    loaded.raise_errors()
    return evaluate_table(loaded.framework, loaded.observations)


def summarise(loaded: Loaded, table: pd.DataFrame, period: str | None) -> Results:
    """`Results` at one report period, from the run's one evaluated table."""
    from perfwatch.evaluate.engine import summarise as summarise_table

    framework = loaded.framework
    _check_report_period(period, framework)
    # Enough years for every annual cycle; each report shows its own cycle's `compare_years`.
    compare_years = max(
        (c.compare_years for c in framework.reporting.cycles if c.kind == "annual"), default=5
    )
    results = summarise_table(
        framework,
        table,
        period=period,
        as_of=loaded.as_of,
        actions=loaded.actions,
        compare_years=compare_years,
    )
    results.inputs_hash = inputs_hash(loaded.inputs, f"{period}|{loaded.as_of}", files=loaded.files_digest)
    return results


@dataclass
class Run:
    """The outcome of `run`: the results at one period and every warning met on the way."""

    results: Results
    warnings: list[Finding]
    inputs: Inputs


def run(
    inputs: Inputs,
    *,
    period: str | None = None,
    as_of: date | None = None,
    strict: bool = False,
) -> Run:
    """Load and check every input, evaluate, and summarise at `period`. Raises `InputError` on any error."""
    loaded = load(inputs, strict=strict, as_of=as_of)
    loaded.raise_errors()
    results = summarise(loaded, evaluate(loaded), period)
    return Run(results, loaded.warnings + _evaluation_warnings(loaded, results), inputs)


def _evaluation_warnings(loaded: Loaded, results: Results) -> list[Finding]:
    """Warnings the evaluation raised (stale data, outcomes without actions), located at the framework, and
    where a Fingertips export's own benchmark verdict differs from perfwatch's."""
    from perfwatch.evaluate.published import published_disagreements

    found = [replace(f, file=str(loaded.inputs.framework)) for f in results.findings]
    return found + published_disagreements(results.table, loaded.published_comparisons, loaded.framework)


def _check_report_period(period: str | None, framework: Framework) -> None:
    """A report period that cannot be read (`Q9 2024/25`) is the user's to fix, not a crash."""
    from perfwatch.framework.periods import PeriodError, parse_period

    if period is None:
        return
    try:
        parse_period(period, framework.year_start_month)
    except PeriodError as error:
        raise InputError(Finding("--period", None, None, "error", "invalid-period", str(error))) from None


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


@dataclass(frozen=True)
class Choices:
    """The reports asked for on the command line; none given means the project's `reports:`."""

    kind: str | None = None
    cycle: str | None = None
    period: str | None = None
    area: str | None = None
    each_area: bool = False
    formats: tuple[str, ...] | None = None

    @property
    def given(self) -> bool:
        return any((self.kind, self.cycle, self.period, self.area, self.each_area))


def plan(
    inputs: Inputs, framework: Framework, choices: Choices, *, as_of: date | None = None
) -> list[ReportRequest]:
    """The reports to build: from the options if any is given, else the project's `reports:`."""
    from perfwatch.framework.cycles import report_period

    as_of = inputs.report_date(as_of)
    chosen = choices.formats or None
    if choices.given or not inputs.reports:
        c = choices
        specs = [
            ReportRequest(
                c.kind or "", chosen or DEFAULT_REPORT_FORMATS, c.cycle, c.period, c.area, c.each_area
            )
        ]
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
        report_kind = spec.kind or (found.kind if found else DEFAULT_REPORT_KIND)
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


def report(
    inputs: Inputs,
    choices: Choices,
    *,
    out_dir: Path | None = None,
    templates: Path | None = None,
    as_of: date | None = None,
    strict: bool = False,
    force: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> BuildOutcome:
    """`perfwatch report`: load and check once, plan, evaluate once, then publish and render each report.

    Raises `InputError` on any problem in the inputs; areas that fail on their own inputs are collected
    in the outcome's `failures`, and the other areas are still built.
    """
    loaded = load(inputs, strict=strict, as_of=as_of)
    loaded.raise_errors()
    requests = plan(inputs, loaded.framework, choices, as_of=loaded.as_of)
    outcome = build(loaded, requests, out_dir=out_dir, templates=templates, force=force, jobs=jobs,
                    progress=progress)  # fmt: skip
    outcome.warnings[:0] = loaded.warnings
    return outcome


def publish(results: Results) -> Results:
    """The results fit to publish: small counts, and whatever would reveal them, suppressed."""
    from perfwatch.contracts import RESULTS
    from perfwatch.publish.suppression import suppress

    published = suppress(results)
    RESULTS.check(published.table, "publish")
    return published


def _completeness(
    results, commentary, requests: list[ReportRequest], project: list[ReportRequest], *, strict: bool
) -> list[Finding]:
    """Missing required sections and passed deadlines of the reports built: warnings, or with `strict` an
    `InputError`; and commentary that neither they nor the project's other reports can show."""
    from perfwatch.publish.completeness import PlannedReport, completeness_findings, unplaceable_commentary

    framework = results.framework
    roots = tuple(a.id for a in framework.areas if not a.parent)[:1] or ("",)
    every = tuple(a.id for a in framework.areas) or ("",)

    def planned(chosen: list[ReportRequest]) -> list[PlannedReport]:
        return [
            PlannedReport(r.kind, r.cycle, r.period, (r.area,) if r.area else every if r.each_area else roots)
            for r in chosen
        ]

    findings = completeness_findings(framework, commentary, planned(requests), results.as_of, strict=strict)
    table = results.table[
        results.table["value"].notna().to_numpy() | results.table["value_text"].notna().to_numpy()
    ]
    data_periods: dict[str, set[str]] = {}
    for indicator, period in (
        table[["indicator", "period"]].astype(str).drop_duplicates().itertuples(index=False)
    ):
        data_periods.setdefault(indicator, set()).add(period)
    findings += unplaceable_commentary(framework, commentary, data_periods, planned(requests + project))
    if errors_only(findings):
        raise InputError(findings)
    return findings


def build(
    loaded: Loaded,
    requests: list[ReportRequest],
    *,
    out_dir: Path | None = None,
    templates: Path | None = None,
    force: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
) -> BuildOutcome:
    """Build every requested report from one evaluation: summarise and publish once per distinct period.

    One build at a time per output folder (`fileio.output_lock`); SIGTERM/SIGINT stop the workers and
    leave no partial file (`stopping.stop_on_signals`).
    """
    out_dir = out_dir or loaded.inputs.output
    with output_lock(out_dir), stop_on_signals():
        return _build_locked(loaded, requests, out_dir=out_dir, templates=templates, force=force, jobs=jobs,
                             progress=progress)  # fmt: skip


def _build_locked(
    loaded: Loaded, requests: list[ReportRequest], *, out_dir: Path, templates: Path | None, force: bool,
    jobs: int | None, progress: Progress | None,
) -> BuildOutcome:  # fmt: skip
    from perfwatch.publish.revisions import check_revisions, mark_revisions
    from perfwatch.render.build import build_each_area, build_report, write_manifest
    from perfwatch.render.views import ReportOptions

    inputs = loaded.inputs
    outcome = BuildOutcome()
    manifest: dict[str, dict] = {}  # written once, at the end of the run
    templates = templates or inputs.templates
    table = evaluate(loaded)
    published: dict[str | None, Results] = {}
    allowed = [inputs.root, *(s.path if s.path.is_dir() else s.path.parent for s in inputs.commentary)]
    for request in requests:
        if request.period not in published:
            results = summarise(loaded, table, request.period)
            outcome.warnings += _evaluation_warnings(loaded, results)
            # Published output never shows small counts, and marks each figure revised since the last build.
            published[request.period] = mark_revisions(publish(results), out_dir)
            if len(published) == 1:  # sections, deadlines and commentary are checked once per run
                project = (
                    plan(inputs, loaded.framework, Choices(), as_of=loaded.as_of) if inputs.reports else []
                )
                outcome.warnings += _completeness(
                    results, loaded.commentary, requests, project, strict=loaded.strict
                )
        results = published[request.period]
        options = ReportOptions(
            area=request.area, title=inputs.title, organisation=inputs.organisation, cycle=request.cycle
        )
        refused: list[str] = []
        if request.each_area:
            paths, failures = build_each_area(
                results, kind=request.kind, formats=request.formats, out_dir=out_dir, templates=templates,
                commentary=loaded.commentary, options=options, allowed_dirs=allowed, force=force,
                max_workers=jobs, progress=progress, manifest=manifest,
            )  # fmt: skip
            outcome.paths += paths
            outcome.failures.update(failures)
        else:
            outcome.paths += build_report(
                results, kind=request.kind, formats=request.formats, out_dir=out_dir, name=request.name,
                templates=templates, commentary=loaded.commentary, options=options, allowed_dirs=allowed,
                force=force, refused=refused, manifest=manifest,
            )  # fmt: skip
        outcome.warnings += [
            Finding("report", None, None, "warning", "refused-url", f"the PDF renderer refused to load {url}")
            for url in dict.fromkeys(refused)
        ]
    write_manifest(Path(out_dir), manifest)
    if published and not outcome.failures:
        # A value published before and different now is said out loud ("... changed from 101.2 to 99.8").
        outcome.warnings += check_revisions(next(iter(published.values())), out_dir)
    return outcome


# --- the other commands ------------------------------------------------------------------------------


def export(
    inputs: Inputs,
    out: Path | None,
    *,
    period: str | None = None,
    as_of: date | None = None,
    strict: bool = False,
    sanitise: bool = True,
    unsuppressed: bool = False,
    to_format: str | None = None,
    stream: BinaryIO | None = None,
) -> Run:
    """`perfwatch export`: run, publish (unless `unsuppressed`, for internal analysis) and write `out`.

    With `stream` (`--out -`) the bytes go there instead, as `to_format` (csv, xlsx, json or parquet;
    default csv)."""
    from perfwatch.publish.export import export_bytes, export_results

    evaluated = run(inputs, period=period, as_of=as_of, strict=strict)
    published = evaluated.results if unsuppressed else publish(evaluated.results)
    if stream is not None:
        stream.write(export_bytes(published, f".{to_format or 'csv'}", sanitise=sanitise))
        stream.flush()
    else:
        if out is None:
            raise PerfwatchError("export needs a file to write, or a stream")
        export_results(published, out, sanitise=sanitise)
    return evaluated


def timetable(inputs: Inputs, start: date | None = None, months: int = 12) -> list[Due]:
    """`perfwatch timetable`: the reports due from `start` (default: the report date) for `months` months."""
    from perfwatch.framework.cycles import latest_data_ends
    from perfwatch.framework.cycles import timetable as due_reports
    from perfwatch.framework.load import load_framework

    framework = load_framework(inputs.framework)
    ends = None
    if inputs.data:  # "new data" from the data itself, not from the frequency
        from perfwatch.data.load import load_observations

        ends = latest_data_ends(load_observations(framework, inputs.data).frame)
    return due_reports(framework, inputs.report_date(start), months, data_ends=ends)


def fetch(inputs: Inputs, **options) -> Fetched:
    """`perfwatch fetch`: every Fingertips indicator the framework names, downloaded (or taken from the
    cache) into the project's `data/fingertips.csv`. `options` are `data.fetch.fetch_fingertips`'s."""
    from perfwatch.data.fetch import fetch_fingertips
    from perfwatch.framework.load import load_framework

    if inputs.project is None:
        raise PerfwatchError("`perfwatch fetch` needs a project file (perfwatch.yaml)")
    return fetch_fingertips(load_framework(inputs.framework), inputs.project.root / "data", **options)


def check_framework_file(
    path: Path,
    *,
    strict: bool = False,
    rules: RuleSelection | None = None,
    allowed: Iterable[str | Path] = (),
) -> list[Finding]:
    """`perfwatch validate FILE`: a framework file's findings, or a project file's when it is one.

    `allowed` are folders outside the project that a project file may name (`--allow-path`).
    """
    if path.name == PROJECT_FILE:
        from perfwatch.framework.project import load_project

        try:
            load_project(path, allowed)
        except InputError as error:
            return error.findings
        return []
    from perfwatch.framework.load import check_framework

    return check_framework(path, strict=strict, rules=rules)[1]


def check_project(
    project: Path | None = None,
    framework: Path | None = None,
    data: Iterable[Path] = (),
    *,
    strict: bool = False,
    rules: RuleSelection | None = None,
    allowed: Iterable[str | Path] = (),
) -> list[Finding]:
    """`perfwatch validate` in a project, or on a framework with `--data`: every finding `report` would meet.

    `rules` (validate's --select/--ignore) replace the project file's `lint:` selection."""
    try:
        inputs = resolve_inputs(framework=framework, data=data, project=project, allowed=allowed)
    except InputError as error:
        return error.findings
    return load(inputs, strict=strict, rules=rules).findings


def schema_text() -> str:
    """`perfwatch schema`: the framework's JSON Schema."""
    from perfwatch.framework.docgen import json_schema_text

    return json_schema_text()


def init(directory: Path, from_framework: str | None = None) -> list[Path]:
    """`perfwatch init`: a small working project in `directory`; returns the files written."""
    from perfwatch.framework.scaffold import init_project

    return init_project(directory, from_framework)
