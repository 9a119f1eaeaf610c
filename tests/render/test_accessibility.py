"""axe-core in headless Chromium: no serious or critical accessibility violation in any report kind.

Needs `chromium` on the PATH and axe-core's `axe.min.js` (`scripts/install-browser.sh` installs both, as
root on Debian, into `.cache/axe/`; `PERFWATCH_AXE` may point at another copy). Skips, saying which is
missing, when either is absent. Each report is rendered from the synthetic fixture, axe and a small
runner are injected into a copy of the HTML, and Chromium's `--dump-dom` returns the page with axe's
result written into it.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from perfwatch.render.context import build_context
from perfwatch.render.html import render_html
from perfwatch.vocabulary import REPORT_KINDS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(
    os.environ.get("PERFWATCH_AXE", ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js")
)
BLOCKING = ("serious", "critical")
RESULT = re.compile(r'<pre id="axe-result">(.*?)</pre>', re.S)
#: Runs axe over the whole page once loaded and writes the violations (or the error) into the DOM.
RUNNER = """
<script>
window.addEventListener("load", function () {
  axe.run(document, {resultTypes: ["violations"]}).then(function (result) {
    var out = result.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(" ") + " :: " + n.failureSummary; })};
    });
    write({violations: out});
  }, function (error) { write({error: String(error)}); });
  function write(data) {
    var pre = document.createElement("pre");
    pre.id = "axe-result";
    pre.textContent = JSON.stringify(data);
    document.body.appendChild(pre);
  }
});
</script>
"""


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> str:
    found = _chromium()
    if found is None:
        pytest.skip("chromium is not installed (run scripts/install-browser.sh as root)")
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE} (run scripts/install-browser.sh)")
    return found


def axe_violations(browser: str, page: str, folder: Path) -> list[dict]:
    """The violations axe-core finds in `page`, run in headless Chromium."""
    script = f"<script>{AXE.read_text(encoding='utf-8')}</script>{RUNNER}"
    injected = page.replace("</body>", script + "</body>", 1)
    path = folder / "page.html"
    path.write_text(injected, encoding="utf-8")
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", f"--user-data-dir={folder / 'profile'}", "--virtual-time-budget=10000",
        "--dump-dom", path.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    found = RESULT.search(done.stdout)
    assert found, f"axe wrote no result; chromium said: {done.stderr[-2000:]}"
    data = json.loads(html.unescape(found.group(1)))
    assert "error" not in data, data.get("error")
    return data["violations"]


@pytest.mark.parametrize("kind", REPORT_KINDS)
def test_no_serious_or_critical_violations(browser, results, tmp_path, kind):
    page = render_html(build_context(results, kind=kind))
    violations = axe_violations(browser, page, tmp_path)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, json.dumps(blocking, indent=1)


def test_the_check_sees_a_violation(browser, tmp_path):
    """The harness itself works: an image with no text alternative is a critical violation."""
    page = '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><img src="data:,"></main></body></html>'
    ids = {v["id"] for v in axe_violations(browser, page, tmp_path) if v["impact"] in BLOCKING}
    assert "image-alt" in ids
