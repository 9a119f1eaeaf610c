"""HTML to PDF with WeasyPrint 70: A4, cover, contents with page numbers, bookmarks, running header and
"Page X of Y" (all from the templates' print CSS), tagged for accessibility, fetching nothing unsafe.

WeasyPrint logs missing resources and unsupported CSS on its own loggers; they are routed into
perfwatch's logging (`perfwatch.render.pdf`), so `--log-file` captures them.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from perfwatch.render.fetcher import SafeFetcher

LOGGER = logging.getLogger("perfwatch.render.pdf")

#: Tagged PDF (structure tree for screen readers): measured at +12% render time on the synthetic
#: performance report (see docs/templates.md), worth it for accessibility. A tagged report is written as
#: PDF/UA-1 (ISO 14289-1): identified as such in its XMP metadata, every figure with alternative text
#: (charts carry an SVG <title>; decorative icons are backgrounds, which are artifacts, not figures).
TAGGED = True
UNIVERSAL_ACCESSIBILITY = "pdf/ua-1"


class _Forward(logging.Handler):
    """Re-emit WeasyPrint's records on perfwatch's logger."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        level = record.levelno if record.levelno < logging.ERROR else logging.WARNING
        if message.startswith("Ignored `") or message.endswith("has no required alt description"):
            level = logging.DEBUG  # SVG presentation CSS, and decorative icons with alt="": both harmless
        LOGGER.log(level, "weasyprint: %s", message)


_FORWARD = _Forward()


def route_weasyprint_logging() -> None:
    """Send `weasyprint` and `weasyprint.progress` records to perfwatch's logger, once."""
    for name in ("weasyprint", "weasyprint.progress"):
        logger = logging.getLogger(name)
        if _FORWARD not in logger.handlers:
            logger.addHandler(_FORWARD)
        logger.propagate = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while WeasyPrint lays out and writes a document.

    WeasyPrint allocates millions of small, long-lived objects (boxes, styles, glyph runs); the collector
    rescans them again and again as they accumulate, about a fifth of a PDF's render time. Objects that
    exist before the render are frozen out of its generations, and the collector is restored and run
    once afterwards, so the cycles WeasyPrint leaves are freed before the next document. The output bytes
    are the same either way.
    """
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
            gc.collect()


def render_pdf(
    html: str,
    base_dir: str | Path,
    allowed_dirs: Iterable[str | Path] = (),
    *,
    refused: list[str] | None = None,
    tagged: bool = TAGGED,
    compress: bool = True,
) -> bytes:
    """The PDF of a rendered report. URLs refused by the fetcher are appended to `refused` when given.

    `base_dir` resolves relative URLs (and is itself allowed); nothing outside it and `allowed_dirs` is read.
    """
    from weasyprint import HTML

    route_weasyprint_logging()
    base = Path(base_dir).resolve()
    fetcher = SafeFetcher([base, *allowed_dirs])
    variant = {"pdf_variant": UNIVERSAL_ACCESSIBILITY} if tagged else {}
    with collector_paused():
        document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher)
        data = document.write_pdf(pdf_tags=tagged, uncompressed_pdf=not compress, **variant)
    if refused is not None:
        refused.extend(fetcher.refused)
    return data
