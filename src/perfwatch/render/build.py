"""Build report files: context → HTML (→ PDF), written atomically, cached by inputs hash, one per area.

`build_report` renders everything in memory first and only then writes each file through
`perfwatch.fileio`, so a failure leaves the last good report in place. A small manifest beside the outputs
(`.perfwatch-manifest.json`) records the key each report was built from — the inputs hash plus the kind,
options, templates and perfwatch version — so a cron run with unchanged inputs skips the work (`force=True`
rebuilds). `build_each_area` builds one report per area in worker processes; an area whose inputs fail
(`PerfwatchError`) is reported and the others go on; an unexpected exception is a bug and is raised with
its traceback once the others are built; a worker the system kills fails only its own area, which is named.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from perfwatch.errors import PerfwatchError
from perfwatch.fileio import atomic_path, write_text_atomic
from perfwatch.render.context import build_context
from perfwatch.render.html import render_html
from perfwatch.render.views import ReportOptions
from perfwatch.resources import templates_dir
from perfwatch.stopping import prepare_worker
from perfwatch.vocabulary import DEFAULT_REPORT_FORMATS, REPORT_FORMATS, REPORT_KINDS

if TYPE_CHECKING:
    from perfwatch.data.commentary import Commentary
    from perfwatch.evaluate.results import Results

LOGGER = logging.getLogger("perfwatch.render.build")
MANIFEST = ".perfwatch-manifest.json"


class AreaBug(RuntimeError):
    """An area's report failed with an unexpected exception (its cause, with the worker's traceback): a bug,
    raised once the other areas are built, so the command line shows the traceback and exits 2."""


#: progress(area, error or None, done, total)
Progress = Callable[[str, "str | None", int, int], None]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-").lower() or "report"


def default_name(results: Results, kind: str, area: str | None) -> str:
    """`performance-county-2025-03`: kind, area and period, safe as a file name."""
    parts = [kind, area or "", results.period or ""]
    return _slug("-".join(p for p in parts if p))


def _folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _build_key(
    results: Results, kind: str, formats: Sequence[str], options: ReportOptions,
    templates: Path | None, commentary: Commentary | None,
) -> str | None:  # fmt: skip
    """What the outputs depend on; None (never cached) when the results carry no inputs hash."""
    if not results.inputs_hash:
        return None
    from perfwatch import __version__

    digest = hashlib.sha256()
    commentary_text = "" if commentary is None else "\0".join(
        f"{k}={v.html}" for k, v in sorted(commentary.texts.items())
    )  # fmt: skip
    for part in (
        results.inputs_hash, kind, ",".join(formats), json.dumps(asdict(options), sort_keys=True, default=str),
        str(results.period), str(results.as_of), _folder_digest(templates_dir()),
        _folder_digest(templates) if templates else "", commentary_text, __version__,
    ):  # fmt: skip
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _read_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_manifest(out_dir: Path, entries: dict[str, dict]) -> None:
    """Add this run's entries to the manifest in one atomic write (the caller holds the folder's lock)."""
    if not entries:
        return
    manifest = _read_manifest(out_dir)
    manifest.update(entries)
    write_text_atomic(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def build_report(
    results: Results,
    *,
    kind: str = "performance",
    formats: Iterable[str] = DEFAULT_REPORT_FORMATS,
    out_dir: str | Path,
    name: str | None = None,
    templates: str | Path | None = None,
    commentary: Commentary | None = None,
    options: ReportOptions | None = None,
    allowed_dirs: Iterable[str | Path] = (),
    force: bool = False,
    refused: list[str] | None = None,
    manifest: dict[str, dict] | None = None,
) -> list[Path]:
    """Render one report and write `<name>.html`, `<name>.pdf` and/or `<name>.pptx` into `out_dir`; returns the paths.

    Skips the work when the manifest says the same inputs built the same files (unless `force`).
    `refused` collects URLs the PDF renderer refused to load, for the caller to report as warnings.
    The report's manifest entry goes into `manifest` when given (the caller writes it once per run),
    else straight to the folder's manifest.
    """
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in REPORT_FORMATS]
    if unknown or kind not in REPORT_KINDS:
        raise PerfwatchError(
            f"unknown report {'format' if unknown else 'kind'}: {', '.join(unknown) or kind}"
        )
    options = options or ReportOptions()
    out_dir = Path(out_dir)
    template_folder = Path(templates) if templates is not None else None
    name = name or default_name(results, kind, options.area)
    if Path(name).name != name or name in (".", "..") or "/" in name or "\\" in name:
        raise PerfwatchError(f"report name {name!r} must be a file name, not a path")
    paths = [out_dir / f"{name}.{fmt}" for fmt in formats]
    key = _build_key(results, kind, formats, options, template_folder, commentary)
    if key is not None and not force:
        entry = _read_manifest(out_dir).get(name, {})
        if entry.get("key") == key and all(p.is_file() for p in paths):
            LOGGER.info("%s is up to date (inputs %s)", name, results.inputs_hash[:12])
            return paths
    context = build_context(results, kind=kind, commentary=commentary, options=options)
    outputs: dict[str, str | bytes] = {}
    if "html" in formats or "pdf" in formats:
        html = outputs["html"] = render_html(context, kind, template_folder)
    if "pptx" in formats:
        from perfwatch.render.pptx import render_pptx

        outputs["pptx"] = render_pptx(context)
    if "pdf" in formats:
        from perfwatch.render.pdf import render_pdf

        allowed = [d for d in (template_folder, *allowed_dirs) if d is not None]
        outputs["pdf"] = render_pdf(html, template_folder or templates_dir(), allowed, refused=refused)
    # Every format is written to its temporary first and all are renamed at the end, so a run killed
    # part-way never leaves a new HTML beside an old PDF.
    with ExitStack() as stack:
        for fmt, path in zip(formats, paths, strict=True):
            data = outputs[fmt]
            temporary = stack.enter_context(atomic_path(path))
            if isinstance(data, bytes):
                temporary.write_bytes(data)
            else:
                temporary.write_text(data, encoding="utf-8")
    if key is not None:
        entry = {name: {"key": key, "files": sorted(p.name for p in paths)}}
        if manifest is not None:
            manifest.update(entry)
        else:
            write_manifest(out_dir, entry)
    return paths


@dataclass(frozen=True)
class _AreaJob:
    """Everything a worker needs besides the results, which each worker receives once."""

    kind: str
    formats: tuple[str, ...]
    out_dir: str
    templates: str | None
    options: ReportOptions
    allowed_dirs: tuple[str, ...]
    force: bool


_WORKER_STATE: dict[str, object] = {}


def _init_worker(results: Results, commentary: Commentary | None) -> None:
    prepare_worker()
    _WORKER_STATE["results"] = results
    _WORKER_STATE["commentary"] = commentary


def _build_area(job: _AreaJob, area: str) -> tuple[list[str], dict[str, dict]]:
    """One area's report in a worker process (picklable: module-level, plain arguments).

    Returns the paths and the manifest entry, which the parent writes once for the whole batch.
    """
    results = _WORKER_STATE["results"]
    entries: dict[str, dict] = {}
    try:
        paths = _build_one_area(job, area, results, entries)
    except SystemExit as stop:  # SIGTERM: the temporaries are gone; leave the pool rather than take more work
        os._exit(stop.code if isinstance(stop.code, int) else 1)
    return [str(p) for p in paths], entries


def _build_one_area(job: _AreaJob, area: str, results: object, entries: dict[str, dict]) -> list[Path]:
    return build_report(
        results,  # type: ignore[arg-type]
        kind=job.kind, formats=job.formats, out_dir=job.out_dir, templates=job.templates,
        commentary=_WORKER_STATE["commentary"],  # type: ignore[arg-type]
        options=replace(job.options, area=area), allowed_dirs=job.allowed_dirs, force=job.force,
        manifest=entries,
    )  # fmt: skip


WORKER_DIED = (
    "its worker process died (killed by the system, perhaps for lack of memory); the other areas were built"
)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now: SIGTERM (each removes its temporaries), then SIGKILL after 10 s."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # the executor has no public handle
    pool.shutdown(wait=False, cancel_futures=True)  # first, so no worker is handed another area
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join(5)


def _run_pool(
    job: _AreaJob, areas: list[str], workers: int, initargs: tuple, finished: Callable[[str, object], None]
) -> list[str]:
    """Build `areas` in a pool; `finished(area, result or exception)` for each. Returns the areas whose
    pool broke under them (a worker died), for the caller to rebuild one by one and name the culprit."""
    broken: list[str] = []
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=initargs)
    try:
        futures = {pool.submit(_build_area, job, area): area for area in areas}
        for future in as_completed(futures):
            area = futures[future]
            try:
                outcome: object = future.result()
            except BrokenProcessPool:
                broken.append(area)
                continue
            except Exception as exc:  # noqa: BLE001 - one area's failure is reported, the rest go on
                outcome = exc
            finished(area, outcome)
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    return broken


def build_each_area(
    results: Results,
    *,
    kind: str = "performance",
    formats: Iterable[str] = DEFAULT_REPORT_FORMATS,
    out_dir: str | Path,
    areas: Iterable[str] | None = None,
    templates: str | Path | None = None,
    commentary: Commentary | None = None,
    options: ReportOptions | None = None,
    allowed_dirs: Iterable[str | Path] = (),
    force: bool = False,
    max_workers: int | None = None,
    progress: Progress | None = None,
    manifest: dict[str, dict] | None = None,
) -> tuple[list[Path], dict[str, str]]:
    """One report per area (default: every area of the framework), built in parallel processes.

    Returns the built paths and the failures as {area: message}; a failing area never stops the others,
    and a worker that dies (the OOM killer) fails only its own area, which is named. Manifest entries go
    into `manifest` when given, else to the folder's manifest in one write at the end.
    """
    wanted = list(areas) if areas is not None else [a.id for a in results.framework.areas]
    job = _AreaJob(
        kind=kind, formats=tuple(formats), out_dir=str(out_dir),
        templates=str(templates) if templates is not None else None, options=options or ReportOptions(),
        allowed_dirs=tuple(str(d) for d in allowed_dirs), force=force,
    )  # fmt: skip
    built: list[Path] = []
    failures: dict[str, str] = {}
    entries: dict[str, dict] = {}
    bugs: list[tuple[str, BaseException]] = []

    def finished(area: str, outcome: object) -> None:
        error: str | None = None
        if isinstance(outcome, PerfwatchError):  # a problem with this area's inputs: reported, the rest go on
            error = str(outcome) or type(outcome).__name__
            failures[area] = error
            LOGGER.error("area %s failed: %s", area, error)
        elif isinstance(outcome, BaseException):  # a bug: its traceback is logged now and raised below
            error = f"bug: {type(outcome).__name__}: {outcome}"
            bugs.append((area, outcome))
            LOGGER.error("area %s failed with a bug in perfwatch", area, exc_info=outcome)
        else:
            paths, entry = outcome  # type: ignore[misc]
            built.extend(Path(p) for p in paths)
            entries.update(entry)
        if progress is not None:
            progress(area, error, len(built_areas) + 1, len(wanted))
        built_areas.append(area)

    built_areas: list[str] = []
    workers = max(1, min(max_workers or os.cpu_count() or 1, len(wanted) or 1))
    initargs = (results, commentary)
    broken = _run_pool(job, wanted, workers, initargs, finished)
    for area in broken:  # alone in a fresh worker each, so a death names its own area only
        if _run_pool(job, [area], 1, initargs, finished):
            finished(area, PerfwatchError(WORKER_DIED))  # the system killed it: this area fails, not a bug
    if manifest is not None:
        manifest.update(entries)
    else:
        write_manifest(Path(out_dir), entries)
    if bugs:
        area, first = bugs[0]
        others = f" (and {len(bugs) - 1} more areas)" if len(bugs) > 1 else ""
        raise AreaBug(f"building the report for area {area}{others} hit a bug in perfwatch") from first
    order = {area: n for n, area in enumerate(wanted)}
    return sorted(built, key=lambda p: (p.name, order.get(p.stem, 0))), dict(
        sorted(failures.items(), key=lambda item: order[item[0]])
    )
