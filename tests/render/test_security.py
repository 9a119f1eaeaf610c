"""Hostile input is rendered inert and reported: commentary, titles and names, URLs in the PDF."""

from __future__ import annotations

import re

import pytest

from perfwatch.data.commentary import load_commentary, render_markdown
from perfwatch.render.context import build_context
from perfwatch.render.fetcher import RefusedURL, SafeFetcher
from perfwatch.render.html import render_html

HOSTILE = """\
The figures improved. <script>alert("x")</script>
<img src="x" onerror="alert(1)">
![passwd](file:///etc/passwd)
![metadata](http://169.254.169.254/latest/meta-data/)
[click me](javascript:alert(1))
<p style="background: url(http://evil.example/x.png)">styled</p>
=HYPERLINK("http://evil.example","click") is only text here.
"""


def test_hostile_markdown_is_inert():
    html, findings = render_markdown(HOSTILE, "IL-1.md")
    assert not re.search(r"<(script|img|style)\b", html)
    assert not re.search(r"<[^>]+\s(on\w+|style)=", html)
    assert 'href="javascript' not in html and 'src="http' not in html and 'src="file' not in html
    assert "=HYPERLINK(" in html  # harmless text in HTML
    codes = {(f.code, f.line) for f in findings}
    assert ("commentary-raw-html", 1) in codes
    assert ("commentary-event-handler", 2) in codes
    assert ("commentary-image", 3) in codes and ("commentary-image", 4) in codes
    assert ("commentary-link", 5) in codes
    assert ("commentary-css", 6) in codes
    assert all(f.file == "IL-1.md" for f in findings)


def test_allowed_markdown_survives():
    html, findings = render_markdown("**Better** than [last year](https://example.org/r).\n\n- one\n- two\n")
    assert "<strong>Better</strong>" in html and "<li>one</li>" in html
    assert 'href="https://example.org/r"' in html and findings == []


def test_commentary_folder_and_csv(tmp_path, results):
    folder = tmp_path / "commentary"
    (folder / "IL-1" / "county").mkdir(parents=True)
    (folder / "IL-1" / "county" / "2025-03.md").write_text(HOSTILE, encoding="utf-8")
    (folder / "O1.md").write_text("Outcome story.", encoding="utf-8")
    (folder / "finance").mkdir()
    (folder / "finance" / "2024-25.md").write_text("Balanced budget.", encoding="utf-8")
    table = tmp_path / "commentary.csv"
    table.write_text(
        'id,area,period,text\nCA-2,,2025-03,"Carers ""hub"" opened"\nSA-1,,bad period,x\n', encoding="utf-8"
    )
    commentary = load_commentary([folder, table])
    assert commentary.get("IL-1", "county", "2025-03") is not None
    assert commentary.get("IL-1", "north", "2025-03") is None
    assert "hub" in commentary.get("CA-2", "county", "2025-03")
    assert commentary.get("finance", "county", "2024/25") == "<p>Balanced budget.</p>\n"
    assert any(f.code == "commentary-period" and f.line == 3 for f in commentary.findings)

    context = build_context(results, kind="performance", commentary=commentary)
    html = render_html(context)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    # The author's problem, with its file name: said on the command line, never in the published report.
    assert any(f.code == "commentary-raw-html" for f in commentary.findings)
    assert "commentary-raw-html" not in html
    exceptions = build_context(results, kind="exception", commentary=commentary)
    il1 = next(e for e in exceptions.exceptions if e.indicator.id == "IL-1")
    assert not il1.missing_commentary


def test_hostile_titles_names_and_actions_are_escaped(hostile_results):
    for kind in ("scorecard", "exception", "annual"):
        html = render_html(build_context(hostile_results, kind=kind))
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_fetcher_allows_data_and_files_inside_allowed_folders_only(tmp_path):
    inside = tmp_path / "templates"
    inside.mkdir()
    (inside / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    fetcher = SafeFetcher([inside])
    assert fetcher.fetch((inside / "logo.svg").as_uri()).read().startswith(b"<svg")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in (
        "file:///etc/passwd", (inside / ".." / ".." / "etc" / "passwd").as_uri(), "http://169.254.169.254/",
        "https://example.org/x.png", "ftp://example.org/x", "file://remote-host/share/x", "file:///dev/urandom",
    ):  # fmt: skip
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7
