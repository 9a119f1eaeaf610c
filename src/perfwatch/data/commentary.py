"""Commentary: the story behind the numbers, written in Markdown per indicator, outcome or report section.

Sources (`load_commentary`), each a folder or a CSV file:

- a folder of Markdown files, one per id, optionally narrowed to a period and an area::

      IL-1.md                     # every period and area
      IL-1/2024-25.md             # one period (write `2024/25` as `2024-25`, `Q4 2024/25` as `Q4 2024-25`)
      IL-1/north/2025-03.md       # one area and period

- a CSV file with the columns `id, area, period, text` (`area` and `period` may be empty).

The most specific text wins: area and period, then period, then area, then the id alone.

Markdown is rendered with markdown-it-py (CommonMark, raw HTML off, so `<script>` shows as text and never
runs), then sanitised by nh3 with an allow-list of tags and no `style` or event attributes; images survive
only as embedded `data:image/...` URIs; links only to `http`, `https` and `mailto`. Whatever was refused is
reported as a `Finding` with the file and line, so the author can fix the source.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from perfwatch.errors import Finding, InputError
from perfwatch.framework.periods import PeriodError, parse_period

if TYPE_CHECKING:
    from perfwatch.framework.model import Framework

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4",
    "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr", "img", "del", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}, "th": {"scope"}, "td": set()}
LINK_SCHEMES = {"http", "https", "mailto", "data"}
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,", re.I)
_EMPTY_IMAGE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_RAW_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][\w:-]*)[^>]*>?")
_EVENT_ATTRIBUTE = re.compile(r"\son\w+\s*=", re.I)
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)")
_MARKDOWN_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]*)")
_BAD_LINK = re.compile(r"^\s*(javascript|vbscript|file|data):", re.I)


@dataclass(frozen=True)
class CommentaryText:
    """One piece of commentary: its sanitised HTML and where it came from."""

    html: Markup
    file: str
    line: int


@dataclass
class Commentary:
    """Commentary by (id, area, period); empty area or period means 'any'."""

    texts: dict[tuple[str, str, str], CommentaryText] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def get(self, id_: str, area: str | None = None, period: str | None = None) -> Markup | None:
        """The most specific commentary for an id in an area and period, or None."""
        for key in (
            (id_, area or "", period or ""),
            (id_, "", period or ""),
            (id_, area or "", ""),
            (id_, "", ""),
        ):
            found = self.texts.get(key)
            if found is not None:
                return found.html
        return None

    def __len__(self) -> int:
        return len(self.texts)


def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def _image_source(_tag: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: an image keeps its `src` only when it is an embedded raster image."""
    if _tag == "img" and attribute == "src" and not _DATA_IMAGE.match(value):
        return None
    return value


def sanitise_html(html: str) -> str:
    """Allow-listed tags and attributes only; images only from `data:`; no scripts, styles or handlers."""
    import nh3

    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_image_source,
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _EMPTY_IMAGE.sub("", cleaned)


_CODE_SPAN = re.compile(r"`[^`]*`")


def _source_findings(text: str, file: str, first_line: int) -> list[Finding]:
    """What the renderer and sanitiser will refuse, located by line so the author can fix the source."""
    findings = []
    for offset, raw_line in enumerate(text.splitlines()):
        number = first_line + offset
        line = _CODE_SPAN.sub("", raw_line)  # `<area>` in backticks is shown as code, never run

        def finding(code: str, message: str, line_number: int = number) -> None:
            findings.append(Finding(file, line_number, None, "warning", code, message))

        for tag in dict.fromkeys(match.group(1).lower() for match in _RAW_TAG.finditer(line)):
            finding(
                "commentary-raw-html",
                f"raw HTML <{tag}> is not allowed in commentary: it is shown as text, never run",
            )
        if _EVENT_ATTRIBUTE.search(line):
            finding(
                "commentary-event-handler", "an event handler attribute (on...=) is shown as text, never run"
            )
        for match in _MARKDOWN_IMAGE.finditer(line):
            if not _DATA_IMAGE.match(match.group(1)):
                finding(
                    "commentary-image",
                    f"image {match.group(1)!r} removed: reports fetch nothing; embed images as data:image/png",
                )
        for match in _MARKDOWN_LINK.finditer(line):
            if _BAD_LINK.match(match.group(1)):
                finding(
                    "commentary-link", f"link {match.group(1)!r} removed: only http, https and mailto links"
                )
        if "url(" in line.lower():
            finding("commentary-css", "CSS url() in commentary has no effect: styles are not allowed")
    return findings


def render_markdown(
    text: str, file: str = "<commentary>", first_line: int = 1
) -> tuple[Markup, list[Finding]]:
    """Markdown to sanitised HTML, with a finding for each thing refused."""
    html = sanitise_html(_markdown().render(text))
    return Markup(html), _source_findings(text, file, first_line)


def _period_key(text: str, year_start_month: int, file: str, line: int) -> tuple[str, Finding | None]:
    if not text:
        return "", None
    try:
        return parse_period(text, year_start_month).label, None
    except PeriodError as error:
        return "", Finding(
            file, line, None, "error", "commentary-period", f"{error}; write e.g. 2024-25 or 2025-03"
        )


def _folder_entries(folder: Path) -> list[tuple[Path, str, str, str]]:
    """(file, id, area, period text) for every Markdown file in a commentary folder, sorted."""
    entries = []
    for path in sorted(folder.rglob("*.md")):
        parts = path.relative_to(folder).with_suffix("").parts
        if len(parts) == 1:
            entries.append((path, parts[0], "", ""))
        elif len(parts) == 2:
            entries.append((path, parts[0], "", parts[1]))
        elif len(parts) == 3:
            entries.append((path, parts[0], parts[1], parts[2]))
    return entries


def _load_folder(folder: Path, year_start_month: int, into: Commentary) -> None:
    for path, id_, area, period_text in _folder_entries(folder):
        file = str(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            into.findings.append(
                Finding(file, None, None, "error", "commentary-read", f"cannot read: {error}")
            )
            continue
        period, problem = _period_key(period_text, year_start_month, file, 1)
        if problem:
            into.findings.append(problem)
            continue
        _add(into, (id_, area, period), text, file, 1)


def _load_csv(path: Path, year_start_month: int, into: Commentary) -> None:
    file = str(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        into.findings.append(Finding(file, None, None, "error", "commentary-read", f"cannot read: {error}"))
        return
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = {"id", "text"} - set(header)
    if missing:
        into.findings.append(
            Finding(file, 1, None, "error", "commentary-columns",
                    f"missing column(s) {', '.join(sorted(missing))}; the columns are id, area, period, text")
        )  # fmt: skip
        return
    reader.fieldnames = header
    start = 2
    for row in reader:
        id_ = (row.get("id") or "").strip()
        if id_:
            period, problem = _period_key((row.get("period") or "").strip(), year_start_month, file, start)
            if problem:
                into.findings.append(problem)
            else:
                _add(into, (id_, (row.get("area") or "").strip(), period), row.get("text") or "", file, start)
        start = reader.line_num + 1


def _add(into: Commentary, key: tuple[str, str, str], text: str, file: str, line: int) -> None:
    if key in into.texts:
        earlier = into.texts[key]
        into.findings.append(
            Finding(file, line, None, "error", "commentary-duplicate",
                    f"commentary for {'/'.join(k for k in key if k)} is also given at {earlier.file}:{earlier.line}")
        )  # fmt: skip
        return
    html, findings = render_markdown(text, file, line)
    into.findings.extend(findings)
    into.texts[key] = CommentaryText(html, file, line)


def load_commentary(
    sources: list[str | Path] | tuple[str | Path, ...], year_start_month: int = 4, *, strict: bool = False
) -> Commentary:
    """Read every commentary source; warnings are kept on the result, errors raise with `strict=True`."""
    commentary = Commentary()
    for source in sources:
        path = Path(source)
        if path.is_dir():
            _load_folder(path, year_start_month, commentary)
        elif path.is_file():
            _load_csv(path, year_start_month, commentary)
        else:
            commentary.findings.append(
                Finding(str(path), None, None, "error", "commentary-missing", "no such file or folder")
            )
    if strict and any(f.is_error for f in commentary.findings):
        raise InputError([f for f in commentary.findings if f.is_error])
    return commentary


def orphan_findings(commentary: Commentary, framework: Framework) -> list[Finding]:
    """Commentary no report would show: for an id that is no indicator, outcome, national outcome or
    report section of the framework, or for an area it does not have. A warning, since the rest is fine."""
    ids = {
        *framework.indicators,
        *framework.outcomes,
        *(n.id for n in framework.national_outcomes),
        *(s.id for c in framework.reporting.cycles for s in c.sections),
    }
    areas = set(framework.area_map)
    findings = []
    for (id_, area, _period), text in commentary.texts.items():
        if id_ not in ids:
            problem = f"commentary for {id_!r}, which is no indicator, outcome or section of the framework"
        elif area and area not in areas:
            problem = f"commentary for {id_} in area {area!r}, which the framework does not have"
        else:
            continue
        findings.append(Finding(text.file, text.line, None, "warning", "commentary-orphan", problem))
    return findings
