"""Hostile content is shown as text or dropped; nothing outside the allowed folders reaches the PDF; nothing
is fetched from the network; exports run no formula; YAML bombs are refused fast; no name escapes its folder.
"""

from __future__ import annotations

import re
import threading
import time
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from hardening_support import FRAMEWORK, Project

from perfwatch.errors import InputError
from perfwatch.framework.yamlload import load_yaml

SCRIPT = '<script>alert("pwned")</script>'
HANDLER = '<img src=x onerror="alert(2)">'
SECRET_FILE_TEXT = "root:x:0:0"  # what /etc/passwd starts with on every Linux


def hostile_project(project: Project) -> Project:
    """Markup in an indicator title, an area name, an outcome title, an action title and commentary."""
    framework = (
        FRAMEWORK.replace("title: Emergency admissions", f"title: 'Emergency admissions {SCRIPT}'")
        .replace("name: South,", f"name: 'South {HANDLER}',")
        .replace("title: People live well at home", "title: '<a href=\"javascript:alert(3)\">home</a>'")
    )
    project.write("framework.yaml", framework)
    project.write(
        "actions.csv",
        "id,title,outcome,owner,due,status\n"
        f'A1,"Falls clinic {SCRIPT.replace(chr(34), chr(39))}",O1,<b onmouseover=alert(4)>Head</b>,2025-09-30,'
        "in_progress\n",
    )
    project.write(
        "commentary/AD-1.md",
        f"Admissions fell. {SCRIPT}\n\n{HANDLER}\n\n![passwd](file:///etc/passwd)\n\n"
        "![tracker](http://127.0.0.1:9/pixel.png)\n\n[click](javascript:alert(5))\n\n"
        '<p style="background: url(http://127.0.0.1:9/css.png)">styled</p>\n\n'
        '<img src="file:///etc/passwd">\n',
    )
    return project


def test_hostile_text_is_inert_in_the_html_report(project: Project):
    hostile_project(project)
    result = project.invoke("report", "--format", "html", "--out", "out", "--area", "south")
    assert result.exit_code == 0, result.output
    [html_file] = (project.root / "out").glob("*.html")
    html = html_file.read_text(encoding="utf-8")
    assert "alert(" in html and "&lt;script&gt;" in html  # the text is there, shown to the reader...
    tags = Tags()
    tags.feed(html)
    assert not [text for text in tags.scripts if "alert" in text]  # ...but never as a script
    for tag, attributes in tags.found:
        for name, value in attributes:
            assert not name.lower().startswith("on"), (tag, name, value)
            if name in ("href", "src", "xlink:href", "action", "data"):
                assert not re.match(r"\s*(javascript|vbscript|file|https?):", value or "", re.I) or (
                    tag == "a" and name == "href" and (value or "").startswith("http")
                ), (tag, name, value)
            if name == "style":  # perfwatch's own icons are data: backgrounds; nothing may point outside
                assert not re.search(r"url\(\s*(?!['\"]?data:image/svg\+xml;base64,)", value or ""), (
                    tag,
                    value,
                )
    assert not [css for css in tags.styles if re.search(r"url\(\s*['\"]?(https?|file):", css)]


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of every <script> and <style>."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_pdf_embeds_no_outside_file_and_fetches_nothing(tmp_path, web_server):
    """A template (or anything that slipped through) asks for files and URLs: the fetcher refuses them all."""
    from perfwatch.render.pdf import render_pdf

    allowed = tmp_path / "templates"
    allowed.mkdir()
    (allowed / "logo.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'><rect width='4' height='4'/></svg>"
    )
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP-SECRET-OUTSIDE-THE-FOLDERS")
    html = f"""<html><head>
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="attachment" href="{outside.as_uri()}">
      <link rel="stylesheet" href="{web_server}/style.css">
      <style>@import url("{web_server}/import.css"); body {{ background: url("{web_server}/bg.png"); }}
             @font-face {{ font-family: x; src: url("{web_server}/font.woff"); }}</style>
      </head><body><p>Report</p>
      <img src="file:///etc/passwd"><img src="{outside.as_uri()}"><img src="{web_server}/img.png">
      <img src="{(allowed / ".." / "secret.txt").as_uri()}"><img src="logo.svg">
      <object data="file:///etc/passwd"></object><iframe src="file:///etc/passwd"></iframe>
      </body></html>"""
    refused: list[str] = []
    data = render_pdf(html, allowed, [], refused=refused, compress=False, tagged=False)
    assert data.startswith(b"%PDF")
    assert SECRET_FILE_TEXT.encode() not in data
    assert b"TOP-SECRET-OUTSIDE-THE-FOLDERS" not in data
    assert _Recorder.hits == []  # no request reached the network
    assert "file:///etc/passwd" in refused and outside.as_uri() in refused
    assert any(url.startswith(web_server) for url in refused)
    assert not any(url.endswith("logo.svg") for url in refused)  # inside the allowed folder: loaded


def test_exports_neutralise_formulas(project: Project):
    """Text from the data (notes, flags) that Excel would run is neutralised in CSV and inert in XLSX."""
    formulas = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3*cmd|' /C x'!A1",
                "\t=1+1", "＝1+1"]  # fmt: skip
    lines = ["indicator,area,period,value,numerator,denominator,note"]
    for n, formula in enumerate(formulas):
        quoted = '"' + formula.replace('"', '""') + '"'
        lines.append(f"AD-1,north,Q{n % 4 + 1} {2020 + n // 4}/{21 + n // 4},{10 + n},,,{quoted}")
    project.write("data/data.csv", "\n".join(lines) + "\n")
    project.invoke("export", "--out", "results.csv", expect=0)
    project.invoke("export", "--out", "results.xlsx", expect=0)
    import csv

    with (project.root / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    notes = [row["note"] for row in rows if row["note"]]
    assert len(notes) == len(formulas)
    for note in notes:
        assert note.startswith("'"), note  # shown as text, after an apostrophe
    for row in rows:
        for column, cell in row.items():
            if column not in ("value", "numerator", "denominator", "target", "change"):
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")), (
                    column,
                    cell,
                )
    import openpyxl

    book = openpyxl.load_workbook(project.root / "results.xlsx")
    sheet = book.active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value}"
    texts = {cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert {f.strip() for f in formulas} <= {t.strip() for t in texts}  # shown as the text they are


@pytest.mark.parametrize("name", ["framework.yaml", "perfwatch.yaml"])
def test_alias_bombs_and_deep_nesting_are_refused_within_a_second(tmp_path, name):
    laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 12):
        prev, cur = chr(96 + i), chr(97 + i)
        laughs.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    documents = {
        "bomb": "\n".join(laughs) + "\n",
        "deep-flow": "x: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "deep-block": "".join(" " * i + f"k{i}:\n" for i in range(3000)) + " " * 3000 + "v\n",
        "merge-bomb": "\n".join(
            ["a: &a {k0: 1, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1}"]
            + [
                f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]"
                for i in range(9)
            ]
        )
        + "\n",  # fmt: skip
    }
    for label, text in documents.items():
        path = tmp_path / label / name
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        with pytest.raises(InputError) as raised:
            load_yaml(path)
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0, f"{label} took {elapsed:.2f} s"
        [finding] = raised.value.findings
        assert finding.code in ("yaml-alias-bomb", "yaml-too-deep", "yaml-syntax"), (label, finding)


def test_a_template_cannot_include_a_file_outside_its_folder(project: Project):
    templates = project.root / "my-templates"
    templates.mkdir()
    (templates / "performance.html.j2").write_text(
        '{% extends "builtin/performance.html.j2" %}{% block content %}'
        '{% include "../../../../../../../../etc/passwd" %}{% endblock %}',
        encoding="utf-8",
    )
    result = project.invoke(
        "report", "--format", "html", "--out", "out", "--templates", "my-templates", "--force"
    )
    assert result.exit_code == 2, result.output
    assert "passwd" in result.output and "not found" in result.output
    assert not (project.root / "out").exists() or SECRET_FILE_TEXT not in "".join(
        p.read_text(errors="replace") for p in (project.root / "out").glob("*.html")
    )


def test_a_template_cannot_reach_python_internals(project: Project):
    templates = project.root / "my-templates"
    templates.mkdir()
    (templates / "performance.html.j2").write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8"
    )
    result = project.invoke(
        "report", "--format", "html", "--out", "out", "--templates", "my-templates", "--force"
    )
    assert result.exit_code == 2, result.output
    assert "template error" in result.output and "unsafe" in result.output


def test_a_report_name_cannot_escape_the_output_folder(project: Project):
    text = (project.root / "perfwatch.yaml").read_text(encoding="utf-8")
    project.write("perfwatch.yaml", text.replace("{kind: performance, formats: [html]}",
                                                 "{kind: performance, formats: [html], name: ../escaped}"))  # fmt: skip
    result = project.invoke("report")
    assert not (project.root / "escaped.html").exists(), "the report was written outside build/"
    assert result.exit_code in (1, 2)
    assert "name" in result.output


def test_the_output_folder_option_writes_only_inside_it(project: Project):
    result = project.invoke("report", "--format", "html", "--out", "out/../out2/./", "--area", "north")
    assert result.exit_code == 0, result.output
    written = {p.relative_to(project.root).parts[0] for p in project.root.rglob("*.html")}
    assert written == {"out2"}
