"""PDF through WeasyPrint: renders, A4, tagged, fetches nothing it should not. Slow: a few seconds each."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess

import pytest

from perfwatch.render.context import build_context
from perfwatch.render.html import render_html
from perfwatch.render.pdf import render_pdf

pytestmark = pytest.mark.slow

ATTACK = """<!DOCTYPE html><html lang="en-GB"><head><title>t</title></head><body>
<h1>Attack</h1>
<img src="file:///etc/passwd" alt="x"><img src="http://169.254.169.254/latest" alt="y">
<a rel="attachment" href="file:///etc/passwd">passwd</a>
<div style="background: url(https://example.org/x.png)">bg</div>
<img src="logo.svg" alt="logo">
</body></html>"""


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


def test_scorecard_pdf(results, tmp_path):
    html = render_html(build_context(results, kind="scorecard"))
    data = render_pdf(html, tmp_path, compress=False)
    assert data.startswith(b"%PDF")
    assert _pages(data) == 1
    assert b"/StructTreeRoot" in data  # tagged
    assert b"Performance scorecard" in data or b"/Title" in data
    if shutil.which("pdfinfo"):
        (tmp_path / "s.pdf").write_bytes(data)
        info = subprocess.run(["pdfinfo", str(tmp_path / "s.pdf")], capture_output=True, text=True).stdout
        assert "841.89 x 595.276" in info  # A4 landscape


def test_fetcher_refuses_local_files_and_network(tmp_path, caplog):
    (tmp_path / "logo.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>",
        encoding="utf-8",
    )
    refused: list[str] = []
    with caplog.at_level(logging.WARNING, logger="perfwatch"):
        data = render_pdf(ATTACK, tmp_path, refused=refused, compress=False, tagged=False)
    assert data.startswith(b"%PDF")
    assert b"root:x:" not in data
    assert "file:///etc/passwd" in refused
    assert "http://169.254.169.254/latest" in refused
    assert "https://example.org/x.png" in refused
    assert not any("logo.svg" in url for url in refused)
    assert "refused to load file:///etc/passwd" in caplog.text


def test_the_performance_report_is_pdf_ua_with_every_figure_described(results, tmp_path):
    """PDF/UA-1 is declared in the XMP metadata, and no figure lacks alternative text: charts carry their
    SVG title, and the hundreds of decorative icons are artifacts (backgrounds), not figures."""
    html = render_html(build_context(results, kind="performance"))
    data = render_pdf(html, tmp_path, compress=False)
    assert re.search(rb"pdfuaid:part>\s*1\s*<|pdfuaid:part=.1.", data)
    objects = re.split(rb"\bendobj\b", data)
    figures = [o for o in objects if re.search(rb"/S\s*/Figure\b", o)]
    assert figures, "the report has charts"
    assert all(re.search(rb"/Alt\s*[(<]", o) for o in figures), "a figure has no alternative text"
    assert len(figures) < 60  # charts only; icons are not figures


def test_pausing_the_collector_changes_no_byte_and_restores_it(tmp_path, monkeypatch):
    import contextlib
    import gc

    import perfwatch.render.pdf as pdf

    html = "<html><head><title>t</title></head><body><h1>Report</h1><p>A paragraph.</p></body></html>"
    paused = render_pdf(html, tmp_path)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    monkeypatch.setattr(pdf, "collector_paused", contextlib.nullcontext)
    assert render_pdf(html, tmp_path) == paused


def test_the_collector_is_restored_when_rendering_fails():
    import gc

    from perfwatch.render.pdf import collector_paused

    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("layout failed")
    assert gc.isenabled() and gc.get_freeze_count() == 0
