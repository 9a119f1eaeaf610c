"""WeasyPrint's URL fetcher, locked down: `data:` URIs and regular files inside allowed folders only.

"Inside" is `perfwatch.boundary`'s: after links, and through no hidden folder, so a template's
`<a rel="attachment" href="../.git/config">` embeds nothing.

WeasyPrint's default fetcher will read any `file://` URL and any http URL it is given: a `file:///etc/passwd`
attachment ends up inside the PDF and an `http://169.254.169.254/` image is a request to the cloud metadata
service (ECOSYSTEM §5, GHSA-35jj-wx47-4w8r). perfwatch's HTML is self-contained, so the PDF renderer needs
nothing else; whatever a template or commentary asks for beyond that is refused and recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher

from perfwatch.boundary import file_problem, inside

LOGGER = logging.getLogger("perfwatch.render.fetcher")


class RefusedURL(ValueError):
    """A URL the report may not load."""


class SafeFetcher(URLFetcher):
    """Allows `data:` and `file:` URLs of regular files inside `allowed_dirs`; refuses and records the rest."""

    def __init__(self, allowed_dirs: Iterable[str | Path] = (), **kwargs):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, timeout=5, **kwargs)
        self.allowed_dirs = [Path(d).resolve() for d in allowed_dirs]
        self.refused: list[str] = []

    def _allowed_file(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path))
        return inside(path, self.allowed_dirs) and file_problem(path) is None

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data" or (scheme == "file" and self._allowed_file(url)):
            return super().fetch(url, headers)
        self.refused.append(url)
        LOGGER.warning("refused to load %s: reports load only data: URIs and files inside %s", url,
                       ", ".join(str(d) for d in self.allowed_dirs) or "no folder")  # fmt: skip
        raise RefusedURL(f"blocked: {url}")
