"""Small inline SVG icons for status, direction, benchmark and Making Data Count SPC results.

Every icon differs from its siblings in shape as well as colour, so that status never relies on colour
alone, and names itself in a `<title>` and `aria-label`. Glyphs are drawn as paths rather than text, so an
icon looks the same whatever fonts the page or the PDF has. Icons carry no `id`, so any number of them can
sit in one HTML page.

Colours meet WCAG 2.1 contrast: each glyph against its fill at least 4.5:1, and each shape's outline
against white at least 3:1 (non-text contrast). The Making Data Count colours are kept as fills and given a
darker outline where the MDC colour alone is too light for white paper.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from perfwatch.vocabulary import ASSURANCES, BENCHMARKS, DIRECTIONS, STATUSES, TRENDS, VARIATIONS

INK = "#212b32"
WHITE = "#ffffff"
GREY = "#4c6272"
GREEN = "#007f3b"
AMBER = "#ffb81c"
AMBER_DARK = "#8a4b00"
RED = "#d5281b"
BLUE = "#005eb8"
DARK_BLUE = "#003087"
LIGHT_BLUE = "#41b6e6"
LIGHT_BLUE_EDGE = "#0072a3"

#: Making Data Count colours (NHSRplotthedots `ptd_spc_colours`), with outlines dark enough for white paper.
MDC_IMPROVEMENT = "#00b0f0"
MDC_CONCERN = "#e46c0a"
MDC_NEUTRAL = "#490092"
MDC_COMMON = "#a6a6a6"
_MDC_EDGE = {
    MDC_IMPROVEMENT: "#0072a3",
    MDC_CONCERN: "#b35806",
    MDC_NEUTRAL: MDC_NEUTRAL,
    MDC_COMMON: "#768692",
}
_MDC_INK = {MDC_IMPROVEMENT: "#000000", MDC_CONCERN: "#000000", MDC_NEUTRAL: WHITE, MDC_COMMON: "#000000"}

STATUS_LABELS = {
    "green": "Green: on target",
    "amber": "Amber: close to target",
    "red": "Red: off target",
    "no_target": "No target",
    "no_data": "No data",
    "not_assessed": "Not assessed",
}
DIRECTION_LABELS = {
    "improving": "Improving",
    "worsening": "Worsening",
    "no_change": "No change",
    "not_comparable": "Not comparable",
}
TREND_LABELS = {  # "trend" in every word: a different question from the direction against a period
    "improving": "Improving trend",
    "worsening": "Worsening trend",
    "increasing": "Rising trend",
    "decreasing": "Falling trend",
    "no_significant_change": "No significant trend",
    "cannot_be_calculated": "Trend cannot be calculated",
}
BENCHMARK_LABELS = {
    "better": "Better than {comparator}",
    "similar": "Similar to {comparator}",
    "worse": "Worse than {comparator}",
    "higher": "Higher than {comparator}",
    "lower": "Lower than {comparator}",
    "not_compared": "Not compared with {comparator}",
}
VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement, high values",
    "improvement_low": "Special cause improvement, low values",
    "concern_high": "Special cause concern, high values",
    "concern_low": "Special cause concern, low values",
    "neutral_high": "Special cause variation, high values",
    "neutral_low": "Special cause variation, low values",
}
ASSURANCE_LABELS = {
    "consistent_pass": "Consistently passing the target",
    "consistent_fail": "Consistently failing the target",
    "inconsistent": "Hit and miss: the target lies within the process limits",
}

_DEFAULT_SIZE = 20


def _stroke(d: str, colour: str, width: float = 2.4, dash: str | None = None) -> str:
    dasharray = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}" '
        f'stroke-linecap="round" stroke-linejoin="round"{dasharray}/>'
    )


def _shape(d: str, fill: str, edge: str, width: float = 1.2, dash: str | None = None) -> str:
    dasharray = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<path d="{d}" fill="{fill}" stroke="{edge}" stroke-width="{width}" stroke-linejoin="round"{dasharray}/>'


def _dot(cx: float, cy: float, r: float, colour: str) -> str:
    return f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>'


CIRCLE = "M12 2a10 10 0 1 1 0 20a10 10 0 1 1 0-20z"
SMALL_CIRCLE = "M12 3.5a8.5 8.5 0 1 1 0 17a8.5 8.5 0 1 1 0-17z"
TRIANGLE = "M12 2.2L22.6 20.8H1.4z"
SQUARE = "M3.5 3.5H20.5V20.5H3.5z"
DIAMOND = "M12 1.8L22.2 12L12 22.2L1.8 12z"
ARROW_UP = "M12 2.5L20.5 11.5H15.2V21.5H8.8V11.5H3.5z"
ARROW_DOWN = "M12 21.5L20.5 12.5H15.2V2.5H8.8V12.5H3.5z"
LINE_ARROW_UP = "M12 20.5V4M5.5 10.5L12 4L18.5 10.5"
LINE_ARROW_DOWN = "M12 3.5V20M5.5 13.5L12 20L18.5 13.5"
ARROW_RIGHT = "M21.5 12L12.5 3.5V8.8H2.5V15.2H12.5V20.5z"
TICK = "M7 12.5L10.5 16L17 8.5"
CROSS = "M8 8L16 16M16 8L8 16"
DASH = "M7.5 12H16.5"
SLASH = "M6 18L18 6"
PLUS = "M12 7V17M7 12H17"
EQUALS = "M7 9.5H17M7 14.5H17"
MINUS = "M7 12H17"
CHEVRON_UP = "M7 14.5L12 9.5L17 14.5"
CHEVRON_DOWN = "M7 9.5L12 14.5L17 9.5"
LETTER_H = "M6 7V17M11 7V17M6 12H11"
LETTER_L = "M6.5 7V17H11"
LETTER_P = "M8.5 18V6H12.5a3.5 3.5 0 0 1 0 7H8.5"
LETTER_F = "M8.5 18V6H15.5M8.5 12H14"
QUESTION = "M8.8 9a3.3 3.3 0 1 1 4.6 3c-0.9 0.4-1.4 1.1-1.4 2.1V15"
WAVE = "M5 13L8 10.5L11 13.5L14 10.5L17 13L19 11.5"
SMALL_TICK = "M13.5 12.5L15.5 14.5L19 10"


def _exclamation(colour: str, top: float, bottom: float, dot_y: float) -> str:
    return _stroke(f"M12 {top}V{bottom}", colour, 2.4) + _dot(12, dot_y, 1.4, colour)


_STATUS_BODIES = {
    "green": _shape(CIRCLE, GREEN, GREEN) + _stroke(TICK, WHITE),
    "amber": _shape(TRIANGLE, AMBER, AMBER_DARK) + _exclamation(INK, 8.5, 14, 17.6),
    "red": _shape(SQUARE, RED, RED) + _stroke(CROSS, WHITE),
    "no_target": _shape(DIAMOND, WHITE, GREY, 1.6) + _stroke(DASH, GREY, 2),
    "no_data": _shape(SMALL_CIRCLE, WHITE, GREY, 1.6) + _stroke(SLASH, GREY, 2),
    "not_assessed": _shape(SMALL_CIRCLE, WHITE, GREY, 1.6, dash="2.6 2") + _stroke(DASH, GREY, 2),
}


def _arrow_up(direction: str, polarity: str | None) -> bool:
    """Improving is a rise unless lower is better; the arrow shows which way the value moved."""
    return (direction == "improving") == (polarity != "lower_is_better")


def _edge_only(path: str) -> str:
    return _shape(path, WHITE, GREY, 1.6, dash="2.6 2") + _stroke(DASH, GREY, 2)


def _benchmark_body(benchmark: str) -> str:
    return {
        "better": _shape(CIRCLE, GREEN, GREEN) + _stroke(PLUS, WHITE),
        "similar": _shape(CIRCLE, AMBER, AMBER_DARK) + _stroke(EQUALS, INK, 2.2),
        "worse": _shape(CIRCLE, RED, RED) + _stroke(MINUS, WHITE),
        "higher": _shape(CIRCLE, DARK_BLUE, DARK_BLUE) + _stroke(CHEVRON_UP, WHITE),
        "lower": _shape(CIRCLE, LIGHT_BLUE, LIGHT_BLUE_EDGE) + _stroke(CHEVRON_DOWN, INK),
        "not_compared": _shape(SMALL_CIRCLE, WHITE, GREY, 1.6, dash="2.6 2"),
    }[benchmark]


def _mdc_disc(colour: str, glyph: str) -> str:
    return _shape(CIRCLE, colour, _MDC_EDGE[colour], 1.4) + glyph


def _variation_body(variation: str) -> str:
    if variation == "common_cause":
        return _mdc_disc(MDC_COMMON, _stroke(WAVE, "#000000", 1.8))
    kind, level = variation.split("_")
    colour = {"improvement": MDC_IMPROVEMENT, "concern": MDC_CONCERN, "neutral": MDC_NEUTRAL}[kind]
    ink = _MDC_INK[colour]
    letter = _stroke(LETTER_H if level == "high" else LETTER_L, ink, 1.9)
    if kind == "neutral":
        return _mdc_disc(colour, f'<g transform="translate(3.5 0)">{letter}</g>')
    marker = (
        _stroke(SMALL_TICK, ink, 1.8)
        if kind == "improvement"
        else _stroke("M16.5 7.5V12.5", ink, 1.9) + _dot(16.5, 15.8, 1.2, ink)
    )
    return _mdc_disc(colour, letter + marker)


def _assurance_body(assurance: str) -> str:
    return {
        "consistent_pass": _mdc_disc(MDC_IMPROVEMENT, _stroke(LETTER_P, "#000000", 2)),
        "consistent_fail": _mdc_disc(MDC_CONCERN, _stroke(LETTER_F, "#000000", 2)),
        "inconsistent": _mdc_disc(
            MDC_COMMON, _stroke(QUESTION, "#000000", 2) + _dot(12, 18.4, 1.3, "#000000")
        ),
    }[assurance]


def _svg(kind: str, value: str, label: str, body: str, size: int, decorative: bool) -> Markup:
    text = escape(label)
    access = 'aria-hidden="true"' if decorative else f'role="img" aria-label="{text}"'
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 24 24" '
        f'class="pw-icon pw-{kind} pw-{kind}-{value}" {access} focusable="false">'
        f"<title>{text}</title>{body}</svg>"
    )


def _check(value: str, vocabulary: list[str], what: str) -> None:
    if value not in vocabulary:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(v for v in vocabulary if v)}")


def status_icon(status: str, *, size: int = _DEFAULT_SIZE, decorative: bool = False) -> Markup:
    """Green tick in a circle, amber ! in a triangle, red cross in a square, grey outlines otherwise.

    `decorative=True` hides the icon from screen readers, for use beside the status word.
    """
    _check(status, STATUSES, "status")
    return _svg("status", status, STATUS_LABELS[status], _STATUS_BODIES[status], size, decorative)


def direction_icon(
    direction: str, polarity: str | None = None, *, size: int = _DEFAULT_SIZE, decorative: bool = False
) -> Markup:
    """An arrow the way the value moved (up, or down when lower is better), green improving, red worsening."""
    _check(direction, DIRECTIONS, "direction")
    label = DIRECTION_LABELS[direction]
    if direction in ("improving", "worsening"):
        up = _arrow_up(direction, polarity)
        colour = GREEN if direction == "improving" else RED
        body = _shape(ARROW_UP if up else ARROW_DOWN, colour, colour)
        label = f"{label} (value {'rose' if up else 'fell'})"
    elif direction == "no_change":
        body = _shape(ARROW_RIGHT, GREY, GREY)
    else:
        body = _edge_only(SMALL_CIRCLE)
    return _svg("direction", direction, label, body, size, decorative)


def trend_icon(
    trend: str, polarity: str | None = None, *, size: int = _DEFAULT_SIZE, decorative: bool = False
) -> Markup:
    """The recent-trend column: as `direction_icon`, with thin blue arrows for a rise or fall without judgement."""
    _check(trend, TRENDS, "trend")
    if trend in ("improving", "worsening"):
        return direction_icon(trend, polarity, size=size, decorative=decorative)
    if trend in ("increasing", "decreasing"):
        body = _stroke(LINE_ARROW_UP if trend == "increasing" else LINE_ARROW_DOWN, BLUE, 2.6)
    elif trend == "no_significant_change":
        body = _shape(ARROW_RIGHT, GREY, GREY)
    else:
        body = _edge_only(SMALL_CIRCLE)
    return _svg("trend", trend, TREND_LABELS[trend], body, size, decorative)


def benchmark_icon(
    benchmark: str,
    *,
    comparator: str = "the comparator",
    size: int = _DEFAULT_SIZE,
    decorative: bool = False,
) -> Markup:
    """+ better, = similar, − worse, chevrons for higher/lower, a dashed ring when not compared."""
    _check(benchmark, BENCHMARKS, "benchmark")
    label = BENCHMARK_LABELS[benchmark].format(comparator=comparator)
    return _svg("benchmark", benchmark, label, _benchmark_body(benchmark), size, decorative)


def variation_icon(variation: str, *, size: int = _DEFAULT_SIZE, decorative: bool = False) -> Markup:
    """The Making Data Count variation icon: H or L in the MDC colour; a tick marks improvement, ! concern.

    An empty `variation` (SPC not run) gives an empty string.
    """
    if not variation:
        return Markup("")
    _check(variation, VARIATIONS, "variation")
    return _svg(
        "variation", variation, VARIATION_LABELS[variation], _variation_body(variation), size, decorative
    )


def assurance_icon(assurance: str, *, size: int = _DEFAULT_SIZE, decorative: bool = False) -> Markup:
    """The Making Data Count assurance icon: P pass, F fail, ? hit and miss. Empty (no target) gives ""."""
    if not assurance:
        return Markup("")
    _check(assurance, ASSURANCES, "assurance")
    return _svg(
        "assurance", assurance, ASSURANCE_LABELS[assurance], _assurance_body(assurance), size, decorative
    )
