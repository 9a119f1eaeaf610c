"""Reports on a phone and on a desktop, in headless Chromium: no sideways scrolling at 390 px, and the
scorecard's sorting and filtering (a progressive enhancement) do what they say.

Each page is loaded in an iframe of the wanted width (Chromium's own window has a minimum width), and a
script writes what it measured into the DOM, which `--dump-dom` returns. Skips without Chromium.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from perfwatch.render.context import build_context
from perfwatch.render.html import render_html
from perfwatch.render.views import ReportOptions
from perfwatch.vocabulary import REPORT_KINDS

pytestmark = pytest.mark.browser

RESULT = re.compile(r'<pre id="measured">(.*?)</pre>', re.S)
HOST = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" style="border:0" width="{width}" height="900" srcdoc="{page}"></iframe>
<script>
document.getElementById("page").addEventListener("load", function () {{
  var doc = this.contentDocument, win = this.contentWindow, out = {{}};
  try {{ {probe} }} catch (error) {{ out.error = String(error); }}
  var pre = document.createElement("pre"); pre.id = "measured"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}});
</script></body></html>"""
OVERFLOW = "out.page = doc.documentElement.scrollWidth; out.viewport = doc.documentElement.clientWidth;"
SORT_AND_FILTER = """
var table = doc.querySelector("table.scorecard");
var rows = function () { return Array.prototype.slice.call(table.querySelectorAll("tr[data-status]")); };
var select = doc.querySelector(".table-tools select");
select.value = "red"; select.dispatchEvent(new win.Event("change"));
out.shown = rows().filter(function (r) { return !r.hidden; }).map(function (r) { return r.dataset.status; });
out.counter = doc.querySelector(".filter-count").textContent;
select.value = ""; select.dispatchEvent(new win.Event("change"));
var button = Array.prototype.slice.call(table.querySelectorAll("button.sort"))
  .filter(function (b) { return b.textContent === "Status"; })[0];
button.click();
out.sorted = Array.prototype.slice.call(table.querySelectorAll("tbody")).map(function (body) {
  return Array.prototype.slice.call(body.querySelectorAll("tr[data-status]")).map(function (r) { return r.dataset.status; });
});
out.sort = button.closest("th").getAttribute("aria-sort");
"""
STATUS_ORDER = ["red", "amber", "green", "no_target", "not_assessed", "no_data"]


@pytest.fixture(scope="module")
def browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium is not installed (run scripts/install-browser.sh as root)")
    return found


def measure(browser: str, page: str, width: int, probe: str, folder: Path) -> dict:
    path = folder / f"host-{width}.html"
    path.write_text(
        HOST.format(width=width, page=html.escape(page, quote=True), probe=probe), encoding="utf-8"
    )
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--hide-scrollbars", f"--user-data-dir={folder / 'profile'}",
        f"--window-size={max(width, 800)},900", "--virtual-time-budget=10000", "--dump-dom", path.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    found = RESULT.search(done.stdout)
    assert found, f"no measurement from Chromium: {done.stderr[-500:]}"
    out = json.loads(html.unescape(found.group(1)))
    assert "error" not in out, out["error"]
    return out


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_no_sideways_scrolling_on_a_phone(browser, results, kind, tmp_path):
    page = render_html(build_context(results, kind=kind, options=ReportOptions(area="north")), kind)
    out = measure(browser, page, 390, OVERFLOW, tmp_path)
    assert out["viewport"] == 390
    assert out["page"] <= out["viewport"], f"the {kind} report scrolls sideways: {out['page']} px wide"


def test_the_scorecard_filters_by_status_and_sorts_by_severity(browser, results, tmp_path):
    report = build_context(results, kind="performance", options=ReportOptions(area="north"))
    out = measure(browser, render_html(report, "performance"), 1280, SORT_AND_FILTER, tmp_path)
    reds = [i for i in report.indicators if i.status.value == "red"]
    assert reds, "the synthetic report has red indicators"
    assert out["shown"] == ["red"] * len(reds)
    assert out["counter"] == f"{len(reds)} of {len(report.indicators)} indicators shown"
    assert out["sort"] == "ascending"
    for group in out["sorted"]:
        ranks = [STATUS_ORDER.index(status) for status in group]
        assert ranks == sorted(ranks), group
