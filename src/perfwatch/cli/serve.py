"""`perfwatch serve`: a live preview of the project's HTML reports while analysts write commentary.

It builds the reports into a private temporary folder, serves them on 127.0.0.1 (never on other
interfaces) with the standard library's HTTP server, polls the inputs' modification times, rebuilds when the
framework, data, commentary, actions, templates or project file change, and the open page reloads itself:
each served report carries a small script that asks `/__perfwatch__/version` twice a second. As
`mkdocs serve` and `quarto preview` do, a build that fails shows its message in the page instead of the
report, and the next good build replaces it. Ctrl-C stops the server and removes the folder.
"""

from __future__ import annotations

import html
import json
import shutil
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import click

from perfwatch.cli.group import CommandFailed, cli, unattended_options
from perfwatch.vocabulary import PROJECT_FILE

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler

HOST = "127.0.0.1"
LOCAL_NAMES = {"127.0.0.1", "localhost"}
VERSION_PATH = "/__perfwatch__/version"
SCRIPT_PATH = "/__perfwatch__/reload.js"
POLL_SECONDS = 0.3
RELOAD_SCRIPT = """\
(function () {
  var script = document.currentScript;
  var built = new URL(script.src).searchParams.get("v");
  function poll() {
    fetch("VERSION_PATH", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (state) { if (String(state.version) !== built) { location.reload(); } })
      .catch(function () {})
      .then(function () { setTimeout(poll, 500); });
  }
  setTimeout(poll, 500);
})();
""".replace("VERSION_PATH", VERSION_PATH)


@dataclass
class BuildState:
    """What the server shows: the build's version (bumped after every build, good or bad) and its error."""

    version: int = 0
    error: str | None = None
    reports: list[str] = field(default_factory=list)


class PreviewServer:
    """Builds with `build(out_dir) -> list of files written`, watches `watched() -> files`, serves `out_dir`."""

    def __init__(
        self,
        build: Callable[[Path], list[Path]],
        watched: Callable[[], list[Path]],
        *,
        port: int = 8000,
        poll_seconds: float = POLL_SECONDS,
        echo: Callable[[str], None] = print,
    ):
        self._build = build
        self._watched = watched
        self._poll_seconds = poll_seconds
        self._echo = echo
        self.out_dir = Path(tempfile.mkdtemp(prefix="perfwatch-serve-"))
        self.state = BuildState()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        from http.server import ThreadingHTTPServer

        self._http = ThreadingHTTPServer((HOST, port), _handler_for(self))
        self._http.daemon_threads = True
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._http.server_address[1]}/"

    def start(self) -> None:
        """Build once (a failure is shown in the page, not raised), then serve and watch in threads."""
        snapshot = self._snapshot()
        self.rebuild()
        for target in (self._http.serve_forever, lambda: self._watch(snapshot)):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        self._http.shutdown()
        self._http.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        shutil.rmtree(self.out_dir, ignore_errors=True)

    def rebuild(self) -> None:
        """Build into a fresh folder, then swap it in, so a request never sees a half-written report."""
        staging = Path(tempfile.mkdtemp(prefix="building-", dir=self.out_dir))
        try:
            written = self._build(staging)
            error = None
        except Exception as failure:  # shown in the page; a bug's traceback also goes to stderr
            written, error = [], _describe(failure)
            if not _is_user_error(failure):
                traceback.print_exc(file=sys.stderr)
        with self._lock:
            if error is None:
                current = self.out_dir / "current"
                previous = self.out_dir / f"previous-{self.state.version}"
                if current.exists():
                    current.rename(previous)
                staging.rename(current)
                shutil.rmtree(previous, ignore_errors=True)
                self.state.reports = sorted(p.name for p in written if p.suffix == ".html")
            else:
                shutil.rmtree(staging, ignore_errors=True)
            self.state.version += 1
            self.state.error = error
        self._echo(f"build {self.state.version}: " + ("ok" if error is None else error.splitlines()[0]))

    def _snapshot(self) -> dict[Path, tuple[int, int]]:
        found = {}
        for path in self._watched():
            try:
                stat = path.stat()
            except OSError:
                continue
            found[path] = (stat.st_mtime_ns, stat.st_size)
        return found

    def _watch(self, snapshot: dict[Path, tuple[int, int]]) -> None:
        while not self._stopping.wait(self._poll_seconds):
            try:
                current = self._snapshot()
            except Exception:  # a project file being rewritten: look again next time
                continue
            if current != snapshot:
                snapshot = current
                self.rebuild()

    def page(self, path: str) -> tuple[HTTPStatus, str, bytes]:
        """The response for a GET of `path`: a report with the reload script, the index, or an asset."""
        with self._lock:
            state = BuildState(self.state.version, self.state.error, list(self.state.reports))
        if path == VERSION_PATH:
            body = {"version": state.version, "error": state.error}
            return HTTPStatus.OK, "application/json", json.dumps(body).encode()
        if path == SCRIPT_PATH:
            return HTTPStatus.OK, "text/javascript; charset=utf-8", RELOAD_SCRIPT.encode()
        if state.error is not None and (path == "/" or path.endswith(".html")):
            return HTTPStatus.OK, "text/html; charset=utf-8", _error_page(state)
        if path == "/":
            if len(state.reports) == 1:
                path = "/" + state.reports[0]
            else:
                return HTTPStatus.OK, "text/html; charset=utf-8", _index_page(state)
        root = (self.out_dir / "current").resolve()
        target = (root / unquote(path).lstrip("/")).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n"
        data = target.read_bytes()
        if target.suffix == ".html":
            return HTTPStatus.OK, "text/html; charset=utf-8", _with_reload(data, state.version)
        kinds = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".pdf": "application/pdf"}
        return HTTPStatus.OK, kinds.get(target.suffix, "application/octet-stream"), data


def _handler_for(server: PreviewServer) -> type[BaseHTTPRequestHandler]:
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
            if host not in LOCAL_NAMES:
                # a page elsewhere that re-points its own name at 127.0.0.1 (DNS rebinding) reads nothing
                status, kind, body = HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", b"forbidden\n"
            else:
                status, kind, body = server.page(urlsplit(self.path).path)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # requests are not worth a line each
            return

    return Handler


def _script_tag(version: int) -> bytes:
    return f'<script src="{SCRIPT_PATH}?v={version}"></script>'.encode()


def _with_reload(document: bytes, version: int) -> bytes:
    at = document.rfind(b"</body>")
    at = len(document) if at < 0 else at
    return document[:at] + _script_tag(version) + document[at:]


def _error_page(state: BuildState) -> bytes:
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>perfwatch: the build failed</title>"
        "<body style='font-family:sans-serif;margin:2rem'><h1>The reports could not be built</h1>"
        "<p>Fix the problem below and save: this page reloads by itself.</p>"
        f"<pre style='white-space:pre-wrap'>{html.escape(state.error or '')}</pre>"
    ).encode() + _with_reload(b"</body></html>", state.version)


def _index_page(state: BuildState) -> bytes:
    links = "".join(
        f'<li><a href="/{html.escape(name)}">{html.escape(name)}</a></li>' for name in state.reports
    )
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>perfwatch reports</title>"
        f"<body style='font-family:sans-serif;margin:2rem'><h1>Reports</h1><ul>{links or '<li>none built</li>'}</ul>"
    ).encode() + _with_reload(b"</body></html>", state.version)


def _is_user_error(failure: Exception) -> bool:
    from perfwatch.errors import PerfwatchError

    return isinstance(failure, PerfwatchError)


def _describe(failure: Exception) -> str:
    from perfwatch.errors import InputError

    if isinstance(failure, InputError):
        return "\n".join(f.format() for f in failure.findings)
    if _is_user_error(failure):
        return str(failure)
    return f"internal error (a bug in perfwatch, not in your inputs): {failure!r}"


def project_preview(
    project: Path | None, as_of=None
) -> tuple[Callable[[Path], list[Path]], Callable[[], list[Path]]]:
    """The build and the watched files of the project: re-read on every build, so edits to the project
    file itself (a new data source, a new report) take effect."""
    from perfwatch.api import Choices, report, resolve_inputs

    def inputs():
        return resolve_inputs(project=project)

    def build_html(out_dir: Path) -> list[Path]:
        outcome = report(inputs(), Choices(formats=("html",)), out_dir=out_dir, as_of=as_of, force=True)
        for finding in outcome.warnings:
            click.echo(finding.format(), err=True)
        if outcome.failures:
            from perfwatch.errors import PerfwatchError

            failed = "; ".join(f"{area}: {message}" for area, message in outcome.failures.items())
            raise PerfwatchError(f"some areas failed: {failed}")
        return outcome.paths

    def watched() -> list[Path]:
        current = inputs()
        files = current.files()
        if current.templates is None:
            from perfwatch.resources import templates_dir

            files += sorted(p for p in templates_dir().rglob("*") if p.is_file())
        return files

    return build_html, watched


@cli.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")  # fmt: skip
@click.option("--project", type=click.Path(dir_okay=False, path_type=Path),
              help=f"The project file (default: {PROJECT_FILE} here or in a folder above).")  # fmt: skip
@unattended_options
@click.pass_context
def serve(ctx: click.Context, port: int, project: Path | None) -> None:
    """Preview the project's HTML reports in a browser, rebuilt and reloaded as you edit.

    Serves on 127.0.0.1 only. Edit the framework, data, commentary or templates and save: the open page
    shows the change within a second or two. Ctrl-C stops it.
    """
    from perfwatch.framework.project import find_project

    project = project or find_project(".")
    if project is None:
        raise click.UsageError(f"run perfwatch serve in a project folder (with a {PROJECT_FILE})")
    quiet = ctx.obj.get("quiet", False)
    build, watched = project_preview(project)
    try:
        server = PreviewServer(build, watched, port=port, echo=(lambda _: None) if quiet else _echo_err)
    except OSError as error:
        raise CommandFailed(
            f"cannot serve on {HOST}:{port}: {error.strerror or error}; choose another port with --port"
        ) from None
    server.start()
    click.echo(f"Serving {server.url} (Ctrl-C to stop)", err=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    if not quiet:
        click.echo("Stopped.", err=True)


def _echo_err(text: str) -> None:
    click.echo(text, err=True)
