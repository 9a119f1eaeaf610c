"""HTML rendering: every kind well-formed, accessible, self-contained and deterministic; templates
overridable; template errors located."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from perfwatch.errors import PerfwatchError
from perfwatch.render.context import build_context
from perfwatch.render.html import render_html
from perfwatch.render.views import ReportOptions
from perfwatch.vocabulary import REPORT_KINDS

GOLDEN = Path(__file__).parent / "golden" / "performance-no-charts.html"


class _Structure(HTMLParser):
    """Counts what the accessibility checks need, with the standard library's tolerant parser."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.captions_per_table: list[int] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self.captions_per_table.append(0)
        if tag == "caption":
            self.captions_per_table[-1] += 1


def _structure(html: str) -> _Structure:
    parser = _Structure()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def pages(results):
    return {kind: render_html(build_context(results, kind=kind)) for kind in REPORT_KINDS}


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_every_kind_is_accessible_html(pages, kind):
    html = pages[kind]
    found = _structure(html)
    tags = [t for t, _ in found.tags]
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert tags.count("h1") == 1 and tags.count("title") >= 1
    assert found.captions_per_table and all(n == 1 for n in found.captions_per_table)
    assert all("scope" in attrs for tag, attrs in found.tags if tag == "th")
    assert all("alt" in attrs for tag, attrs in found.tags if tag == "img")
    if kind != "scorecard":
        assert 'href="#main"' in html and "Contents" in html
    svg_charts = [attrs for tag, attrs in found.tags if tag == "svg" and "pw-chart" in attrs.get("class", "")]
    assert all(attrs.get("role") == "img" for attrs in svg_charts)
    if kind == "performance":
        assert len(svg_charts) == 10 and html.count("<desc>") >= 10  # two localities: a table, not a chart


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_html_is_self_contained(pages, kind):
    """No URL outside visible text: only SVG namespace declarations mention http."""
    html = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]*"', "", pages[kind])
    found = _structure(html)
    for _tag, attrs in found.tags:
        for name, value in attrs.items():
            assert not re.match(r"\s*(https?:|file:|//)", value or ""), (name, value)
    assert not re.search(r"url\(\s*['\"]?(https?:|file:|//)", html)
    assert "<link" not in html and not re.search(r"<script[^>]*\bsrc\s*=", html)  # inline enhancements only


def test_two_runs_are_byte_identical(results, pages):
    again = render_html(build_context(results, kind="performance"))
    assert again == pages["performance"]


def test_golden_performance_report(results):
    """A small performance report against its golden file (charts off: the golden is about the templates).

    After an intended change, regenerate with
    `PERFWATCH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/render/test_html.py -k golden` and review the diff.
    """
    html = render_html(build_context(results, kind="performance", options=ReportOptions(charts=False)))
    if os.environ.get("PERFWATCH_UPDATE_GOLDEN"):
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8")


def test_user_template_extends_builtin_and_overrides_a_block(results, tmp_path):
    (tmp_path / "scorecard.html.j2").write_text(
        '{% extends "builtin/scorecard.html.j2" %}\n'
        '{% block scorecard %}<p id="local">Local preface</p>{{ super() }}{% endblock %}\n',
        encoding="utf-8",
    )
    html = render_html(build_context(results, kind="scorecard"), templates=tmp_path)
    assert '<p id="local">Local preface</p>' in html
    assert html.index("Local preface") < html.index('<table class="scorecard"')


def test_template_errors_name_the_file_and_line(results, tmp_path):
    context = build_context(results, kind="scorecard")
    (tmp_path / "scorecard.html.j2").write_text("line one\n{{ report.no_such_field }}\n", encoding="utf-8")
    with pytest.raises(PerfwatchError, match=r"scorecard\.html\.j2:2: template error: .*no_such_field"):
        render_html(context, templates=tmp_path)
    (tmp_path / "scorecard.html.j2").write_text("ok\nok\n{% if %}\n", encoding="utf-8")
    with pytest.raises(PerfwatchError, match=r"scorecard\.html\.j2:3: template error"):
        render_html(context, templates=tmp_path)


def test_sandbox_and_folder_escape_are_refused(results, tmp_path):
    context = build_context(results, kind="scorecard")
    (tmp_path / "scorecard.html.j2").write_text("{{ report.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(PerfwatchError, match="unsafe"):
        render_html(context, templates=tmp_path)
    (tmp_path / "scorecard.html.j2").write_text('{% include "../secret.html" %}', encoding="utf-8")
    (tmp_path.parent / "secret.html").write_text("SECRET", encoding="utf-8")
    with pytest.raises(PerfwatchError, match="not found"):
        render_html(context, templates=tmp_path)
    from perfwatch.render.environment import make_environment, render_template

    with pytest.raises(PerfwatchError, match="refused"):
        render_template(make_environment(tmp_path), "../secret.html")
