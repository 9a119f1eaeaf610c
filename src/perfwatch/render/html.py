"""Render a report context to one self-contained HTML page.

Deterministic: the output depends only on the context (no clock unless the caller put a build time in
`ReportOptions.generated_at`; chart SVG ids are content hashes), so two runs give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

from perfwatch.render.environment import make_environment, render_template
from perfwatch.render.views import ReportContext
from perfwatch.vocabulary import REPORT_KINDS


def template_name(kind: str) -> str:
    if kind not in REPORT_KINDS:
        raise ValueError(f"unknown report kind {kind!r}; expected one of {', '.join(REPORT_KINDS)}")
    return f"{kind}.html.j2"


def render_html(context: ReportContext, kind: str | None = None, templates: str | Path | None = None) -> str:
    """The report as HTML; `templates` is a folder whose templates override the bundled ones."""
    environment = make_environment(templates)
    return render_template(environment, template_name(kind or context.kind), report=context)
