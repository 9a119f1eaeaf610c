"""`perfwatch fetch` against a local server on 127.0.0.1 that replays Fingertips API answers in the
documented format (`all_data/csv/by_indicator_id?indicator_ids=...`): the tests never reach the internet."""

from __future__ import annotations

import csv
import io
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from perfwatch.cli import cli
from perfwatch.data.fetch import ENDPOINT

EXPORT = Path(__file__).parents[1] / "data" / "fixtures" / "fingertips_export.csv"


def recorded_answers() -> dict[str, bytes]:
    """The export split by indicator, each as the API sends it (its own header, CRLF lines)."""
    rows = list(csv.reader(EXPORT.open(encoding="utf-8")))
    answers: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        answers.setdefault(row[0], []).append(row)
    out = {}
    for indicator, body in answers.items():
        buffer = io.StringIO()
        csv.writer(buffer).writerows([rows[0], *body])
        out[indicator] = buffer.getvalue().encode("utf-8-sig")
    return out


class Replay(BaseHTTPRequestHandler):
    answers: dict[str, bytes] = {}
    failures_left = 0
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the http.server name)
        type(self).requests.append(self.path)
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        if type(self).failures_left:
            type(self).failures_left -= 1
            self.send_error(503, "Service Unavailable")
            return
        body = self.answers.get(query.get("indicator_ids", [""])[0])
        if not url.path.endswith(ENDPOINT) or body is None or "child_area_type_id" not in query:
            self.send_error(400, "Bad Request")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        return


@pytest.fixture
def server():
    Replay.answers, Replay.failures_left, Replay.requests = recorded_answers(), 0, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/api/"
    httpd.shutdown()
    httpd.server_close()


def make_project(folder: Path) -> Path:
    indicators = [
        {"id": "LE-M", "title": "Life expectancy (male)", "unit": "number", "polarity": "higher_is_better",
         "frequency": "annual", "fingertips": {"id": 90366, "sex": "Male"}},
        {"id": "SUI", "title": "Suicide rate", "unit": "rate", "per": 100000, "polarity": "lower_is_better",
         "frequency": "annual", "fingertips": 41001},
    ]  # fmt: skip
    framework = {
        "perfwatch": 1, "id": "kent", "title": "Kent",
        "areas": [{"id": "england", "name": "England", "level": "nation", "code": "E92000001"},
                  {"id": "kent", "name": "Kent", "level": "county", "code": "E10000016", "parent": "england"}],
        "themes": [{"id": "T", "title": "T", "outcomes": [{"id": "O", "title": "O", "indicators": indicators}]}],
    }  # fmt: skip
    (folder / "framework.yaml").write_text(yaml.safe_dump(framework))
    (folder / "perfwatch.yaml").write_text("framework: framework.yaml\ndata: [data/fingertips.csv]\n")
    return folder / "perfwatch.yaml"


def fetch(project_file: Path, url: str, *extra: str):
    return CliRunner().invoke(
        cli, ["fetch", "--project", str(project_file), "--url", url, "--timeout", "5", *extra]
    )


def test_fetch_writes_one_export_that_the_project_reads_with_no_mapping(tmp_path, server):
    project_file = make_project(tmp_path)
    result = fetch(project_file, server)
    assert result.exit_code == 0, result.output
    export = tmp_path / "data" / "fingertips.csv"
    rows = list(csv.DictReader(export.open(encoding="utf-8")))
    assert {r["Indicator ID"] for r in rows} == {"90366", "41001"}
    assert sorted(q.split("indicator_ids=")[1].split("&")[0] for q in Replay.requests) == ["41001", "90366"]
    from perfwatch.api import resolve_inputs
    from perfwatch.data.load import load_observations
    from perfwatch.framework.load import load_framework

    inputs = resolve_inputs(project=project_file)
    observations = load_observations(load_framework(inputs.framework), inputs.data)
    assert observations.errors == []
    kent = observations.frame[
        (observations.frame["indicator"] == "LE-M") & (observations.frame["area"] == "kent")
    ]
    assert list(kent["value"]) == [80.2, 79.8, 79.6]


def test_a_busy_service_is_retried(tmp_path, server):
    Replay.failures_left = 1
    result = fetch(make_project(tmp_path), server, "--retries", "2")
    assert result.exit_code == 0, result.output
    assert len(Replay.requests) == 3  # one 503, then both indicators


def test_when_the_service_is_down_the_cache_is_used_and_said_so(tmp_path, server):
    project_file = make_project(tmp_path)
    assert fetch(project_file, server).exit_code == 0
    first = (tmp_path / "data" / "fingertips.csv").read_bytes()
    Replay.failures_left = 100
    result = fetch(project_file, server, "--retries", "0")
    assert result.exit_code == 0, result.output
    assert "used the cached download" in result.output
    assert (tmp_path / "data" / "fingertips.csv").read_bytes() == first


def test_offline_uses_only_the_cache(tmp_path, server):
    project_file = make_project(tmp_path)
    assert fetch(project_file, server).exit_code == 0
    Replay.requests.clear()
    result = fetch(project_file, server, "--offline")
    assert result.exit_code == 0 and Replay.requests == []


def test_down_with_nothing_cached_is_a_clear_message_not_a_traceback(tmp_path):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = fetch(make_project(tmp_path), f"http://127.0.0.1:{port}/api/", "--retries", "0")
    assert result.exit_code == 2
    assert "cannot fetch Fingertips indicator 90366" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "data" / "fingertips.csv").exists()
