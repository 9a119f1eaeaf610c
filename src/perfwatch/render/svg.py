"""SVG drawing helpers shared by the charts: text wrapping and measuring, axes, ticks, legends, icons."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np
from markupsafe import Markup, escape

from perfwatch.render.alt_text import (
    format_number,
)
from perfwatch.render.icons import (
    GREY,
    INK,
)

FONT_PX = 10.0
TITLE_PX = 11.0
LEGEND_PX = 9.0
#: Average advance of a character of the page's sans-serif font, as a share of the font size.
CHARACTER_EM = 0.58

# --- drawing helpers ---------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate: one decimal, no `-0.0`."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _text_px(text: str, size: float) -> float:
    return len(text) * CHARACTER_EM * size


def _widest_px(texts: Sequence[str], size: float) -> float:
    return max((_text_px(t, size) for t in texts), default=0.0)


def _text(x: float, y: float, text: str, *, size: float = FONT_PX, anchor: str = "start",
          weight: str = "", colour: str = INK, baseline: str = "central") -> str:  # fmt: skip
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" '
        f'dominant-baseline="{baseline}" fill="{colour}"{bold}>{escape(text)}</text>'
    )


def _polyline_path(x: np.ndarray, y: np.ndarray) -> str:
    """Path data through the points, broken wherever x or y is NaN (as a plotted line breaks at gaps)."""
    present = np.isfinite(x) & np.isfinite(y)
    if not present.any():
        return ""
    previous = np.concatenate([[False], present[:-1]])
    command = np.where(previous, "L", "M")
    points = np.char.add(
        np.char.add(command, np.char.mod("%.1f", x)), np.char.add(" ", np.char.mod("%.1f", y))
    )
    following = np.concatenate([present[1:], [False]])
    points = np.where(present & ~previous & ~following, np.char.add(points, "h0.1"), points)
    return "".join(points[present])


def _path(d: str, colour: str, width: float, dash: str = "", extra: str = "") -> str:
    if not d:
        return ""
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}"{dashes}{extra}/>'


def _marker_path(kind: str, x: np.ndarray, y: np.ndarray, r: float) -> str:
    """Path data for one marker shape at every point: distinct shapes, so colour is never the only cue."""
    cells = []
    for cx, cy in zip(x, y, strict=True):
        if kind == "diamond":
            cells.append(f"M{_n(cx)} {_n(cy - r * 1.3)}l{_n(r * 1.3)} {_n(r * 1.3)}l-{_n(r * 1.3)} {_n(r * 1.3)}"
                         f"l-{_n(r * 1.3)} -{_n(r * 1.3)}z")  # fmt: skip
        elif kind == "square":
            cells.append(f"M{_n(cx - r)} {_n(cy - r)}h{_n(2 * r)}v{_n(2 * r)}h-{_n(2 * r)}z")
        elif kind == "cross":
            a, b = r * 1.2, r * 0.45
            cells.append(
                f"M{_n(cx - a)} {_n(cy - a + b)}l{_n(b)} -{_n(b)}l{_n(a - b)} {_n(a - b)}l{_n(a - b)} -{_n(a - b)}"
                f"l{_n(b)} {_n(b)}l-{_n(a - b)} {_n(a - b)}l{_n(a - b)} {_n(a - b)}l-{_n(b)} {_n(b)}"
                f"l-{_n(a - b)} -{_n(a - b)}l-{_n(a - b)} {_n(a - b)}l-{_n(b)} -{_n(b)}l{_n(a - b)} -{_n(a - b)}z"
            )
        else:
            cells.append(
                f"M{_n(cx - r)} {_n(cy)}a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0a{_n(r)} {_n(r)} 0 1 0 -{_n(2 * r)} 0z"
            )
    return "".join(cells)


def nice_ticks(low: float, high: float, bins: int = 5) -> np.ndarray:
    """Round tick values (steps of 1, 2, 2.5 or 5 × 10^k) covering [low, high] in at most `bins` steps."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return np.array([0.0, 1.0])
    if high - low < 1e-12:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / bins
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-12)
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    count = int(round((stop - start) / step)) + 1
    return start + step * np.arange(count)


def _places(step: float) -> int:
    """Decimal places that show a tick step exactly (2.5 → 1, 0.25 → 2, 10 → 0)."""
    places = 0
    while places < 6 and abs(step * 10**places - round(step * 10**places)) > 1e-6:
        places += 1
    return places


def _tick_texts(ticks: np.ndarray, unit_label: str) -> list[str]:
    """`92.5%`, `£1,200`: the unit beside the number for % and £; other units are named above the axis."""
    beside = unit_label if unit_label in ("%", "£") else ""
    places = _places(float(ticks[1] - ticks[0])) if len(ticks) > 1 else 0
    return [format_number(v, beside, places) for v in ticks]


def _thinned_ticks(labels: Sequence[str], axes_width_px: float, font_px: float) -> np.ndarray:
    """Every k-th position, counted back from the latest so the latest period is always labelled."""
    count = len(labels)
    label_px = _widest_px(labels, font_px) + 8
    capacity = max(1, int(axes_width_px / max(label_px, 1)))
    step = math.ceil(count / capacity)
    return np.arange(count - 1, -1, -step)[::-1]


def _wrap(text: str, characters: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > characters:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _shorten(labels: Sequence[str], characters: int) -> list[str]:
    """Labels cut to a number of characters with an ellipsis; the text alternative keeps them whole."""
    return [label if len(label) <= characters else label[: characters - 1] + "…" for label in labels]


# A legend entry: (label, swatch SVG drawn in a 20 × 10 box at the origin).
LegendEntry = tuple[str, str]


def _legend(entries: list[LegendEntry], top: float, width: float) -> tuple[str, float]:
    """Entries flowing left to right in rows; returns the SVG and the height it takes."""
    if not entries:
        return "", 0.0
    row_px = LEGEND_PX * 1.6
    x, y, parts = 4.0, top, []
    for label, swatch in entries:
        entry_px = 24 + _text_px(label, LEGEND_PX) + 14
        if x > 4.0 and x + entry_px > width:
            x, y = 4.0, y + row_px
        parts.append(f'<g transform="translate({_n(x)} {_n(y)})">{swatch}</g>')
        parts.append(_text(x + 24, y + 5, label, size=LEGEND_PX))
        x += entry_px
    return "".join(parts), y - top + row_px


def _line_swatch(colour: str, width: float, dash: str = "", marker: str = "") -> str:
    return _path("M0 5H20", colour, width, dash) + marker


def _finish(body: str, width: float, height: float, title: str, alt: str, clip: tuple | None) -> Markup:
    """Wrap the drawing: size, labels, and an id (for the plot's clip path) unique to this content."""
    label = escape(title)
    digest = hashlib.sha256("\0".join((body, title, alt)).encode()).hexdigest()[:10]
    clip_id = f"pw{digest}-plot"
    defs = ""
    if clip is not None:
        x, y, w, h = clip
        defs = f'<defs><clipPath id="{clip_id}"><rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}"/></clipPath></defs>'
    body = body.replace("CLIP_URL", f"url(#{clip_id})")
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-label="{label}" class="pw-chart" '
        f'focusable="false"><title>{label}</title><desc>{escape(alt)}</desc>{defs}{body}</svg>'
    )


def _no_data(width: float, plot_height: float, title_lines: list[str], title: str, alt: str) -> Markup:
    top = _title_height(title_lines)
    body = _title_svg(title_lines) + _text(width / 2, top + plot_height / 2, "No data", size=12, anchor="middle",
                                           colour=GREY)  # fmt: skip
    return _finish(body, width, top + plot_height, title, alt, None)


def _title_height(lines: list[str]) -> float:
    return 4 + len(lines) * TITLE_PX * 1.3 if lines else 4.0


def _title_svg(lines: list[str]) -> str:
    return "".join(
        _text(2, 4 + (k + 0.5) * TITLE_PX * 1.3, line, size=TITLE_PX, weight="bold")
        for k, line in enumerate(lines)
    )
