"""`perfwatch serve` against a real HTTP client: it serves the project's HTML, rebuilds when commentary or
the framework changes, tells the open page to reload, shows a failed build in the page, and stops on
Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfwatch.cli import cli
from perfwatch.cli.serve import PreviewServer, project_preview

WAIT_SECONDS = 20  # generous for a loaded CI machine; the rebuild itself takes about half a second


@pytest.fixture()
def project(tmp_path) -> Path:
    assert CliRunner().invoke(cli, ["init", "-q", str(tmp_path / "p")]).exit_code == 0
    return tmp_path / "p"


@pytest.fixture()
def server(project):
    build, watched = project_preview(project / "perfwatch.yaml")
    running = PreviewServer(build, watched, port=0, poll_seconds=0.1, echo=lambda _: None)
    running.start()
    yield running
    running.stop()


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def version(server: PreviewServer) -> dict:
    return json.loads(get(server.url + "__perfwatch__/version"))


def wait_for_version_after(server: PreviewServer, seen: int) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        state = version(server)
        if state["version"] > seen:
            return state
        time.sleep(0.05)
    raise AssertionError("the server did not rebuild after the change")


def test_serves_the_report_with_the_reload_script(server):
    page = get(server.url)
    assert "Board performance report" in page
    assert f'<script src="/__perfwatch__/reload.js?v={version(server)["version"]}"></script></body>' in page
    assert "location.reload()" in get(server.url + "__perfwatch__/reload.js")
    assert server.url.startswith("http://127.0.0.1:")


def test_a_commentary_edit_is_rebuilt_and_the_version_moves(server, project):
    before = version(server)["version"]
    note = project / "commentary" / "reablement-91.md"
    note.write_text(note.read_text() + "\nThe step-down unit opened in May.\n")
    state = wait_for_version_after(server, before)
    assert state["error"] is None
    assert "The step-down unit opened in May." in get(server.url)


def test_a_broken_framework_is_shown_in_the_page_then_fixed(server, project):
    framework = project / "framework.yaml"
    good = framework.read_text()
    framework.write_text(good.replace("polarity: higher_is_better", "polarity: higher_is_beter", 1))
    state = wait_for_version_after(server, version(server)["version"])
    assert "invalid-choice" in state["error"]
    page = get(server.url)
    assert "could not be built" in page and "framework.yaml:" in page and "reload.js" in page
    framework.write_text(good)
    state = wait_for_version_after(server, state["version"])
    assert state["error"] is None and "Board performance report" in get(server.url)


def test_nothing_outside_the_build_is_served(server):
    for path in ("../../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "nothing.html"):
        with pytest.raises(urllib.error.HTTPError) as error:
            get(server.url + path)
        assert error.value.code == 404


def test_serve_outside_a_project_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 2
    assert "perfwatch.yaml" in result.output


def test_the_command_serves_and_ctrl_c_stops_it_cleanly(project):
    process = subprocess.Popen(
        [sys.executable, "-m", "perfwatch", "serve", "--port", "0"],
        cwd=project,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = None
        for line in process.stderr:
            match = re.search(r"Serving (http://127\.0\.0\.1:\d+/)", line)
            if match:
                url = match.group(1)
                break
        assert url, "the server never said where it serves"
        assert "Board performance report" in get(url)
        process.send_signal(signal.SIGINT)
        rest = process.stderr.read()
        assert process.wait(timeout=WAIT_SECONDS) == 0
        assert "Stopped." in rest and "Traceback" not in rest
        with pytest.raises(urllib.error.URLError):
            get(url)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_requests_for_another_host_name_are_refused(server):
    request = urllib.request.Request(server.url, headers={"Host": "attacker.example:80"})
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 403
    local = urllib.request.Request(server.url, headers={"Host": "localhost"})
    with urllib.request.urlopen(local, timeout=10) as response:
        assert response.status == 200
