"""Icons: accessible, deterministic, distinct in shape, and with WCAG contrast."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from perfwatch.render import icons
from perfwatch.vocabulary import ASSURANCES, BENCHMARKS, DIRECTIONS, STATUSES, TRENDS, VARIATIONS

SVG = "{http://www.w3.org/2000/svg}"

FAMILIES = {
    "status": [(s, icons.status_icon(s)) for s in STATUSES],
    "direction higher": [(d, icons.direction_icon(d, "higher_is_better")) for d in DIRECTIONS],
    "direction lower": [(d, icons.direction_icon(d, "lower_is_better")) for d in DIRECTIONS],
    "trend": [(t, icons.trend_icon(t)) for t in TRENDS],
    "benchmark": [(b, icons.benchmark_icon(b)) for b in BENCHMARKS],
    "variation": [(v, icons.variation_icon(v)) for v in VARIATIONS],
    "assurance": [(a, icons.assurance_icon(a)) for a in ASSURANCES if a],
}
ALL_ICONS = [(family, value, svg) for family, items in FAMILIES.items() for value, svg in items]


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    darker, lighter = sorted([_luminance(first), _luminance(second)])
    return (lighter + 0.05) / (darker + 0.05)


def _geometry(svg: str) -> str:
    """The icon with its colours, words and class removed: what is left is its shape."""
    shape = re.sub(r'(fill|stroke)="#[0-9a-f]{6}"', "", svg)
    shape = re.sub(r"<title>.*?</title>", "", shape)
    return re.sub(r'(aria-label|class)="[^"]*"', "", shape)


@pytest.mark.parametrize(("family", "value", "svg"), ALL_ICONS, ids=lambda x: str(x)[:20])
def test_icon_is_accessible_well_formed_svg(family, value, svg):
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    assert root.get("aria-label") == title.text
    assert " id=" not in str(svg), "icons repeat on a page, so they must carry no id"
    assert "href" not in str(svg)


def test_titles_carry_the_word():
    assert "Green" in str(icons.status_icon("green"))
    assert "Amber" in str(icons.status_icon("amber"))
    assert "Red: off target" in str(icons.status_icon("red"))
    assert "No data" in str(icons.status_icon("no_data"))
    assert "Worsening (value rose)" in str(icons.direction_icon("worsening", "lower_is_better"))
    assert "Better than Scotland" in str(icons.benchmark_icon("better", comparator="Scotland"))
    assert "Special cause concern, high values" in str(icons.variation_icon("concern_high"))
    assert "Hit and miss" in str(icons.assurance_icon("inconsistent"))


@pytest.mark.parametrize("family", FAMILIES)
def test_icons_in_a_family_differ_in_shape_not_only_colour(family):
    shapes = [_geometry(str(svg)) for _, svg in FAMILIES[family]]
    assert len(set(shapes)) == len(shapes)


def test_direction_arrow_follows_polarity():
    up_good = _geometry(str(icons.direction_icon("improving", "higher_is_better")))
    down_good = _geometry(str(icons.direction_icon("improving", "lower_is_better")))
    up_bad = _geometry(str(icons.direction_icon("worsening", "lower_is_better")))
    assert up_good != down_good
    assert up_good == up_bad
    assert icons.GREEN in icons.direction_icon("improving", "lower_is_better")
    assert icons.RED in icons.direction_icon("worsening", "lower_is_better")


def test_mdc_colours_are_used():
    assert icons.MDC_IMPROVEMENT in icons.variation_icon("improvement_low")
    assert icons.MDC_CONCERN in icons.variation_icon("concern_high")
    assert icons.MDC_NEUTRAL in icons.variation_icon("neutral_low")
    assert icons.MDC_COMMON in icons.variation_icon("common_cause")
    assert icons.MDC_IMPROVEMENT in icons.assurance_icon("consistent_pass")
    assert icons.MDC_CONCERN in icons.assurance_icon("consistent_fail")


@pytest.mark.parametrize(("family", "value", "svg"), ALL_ICONS, ids=lambda x: str(x)[:20])
def test_contrast_meets_wcag(family, value, svg):
    """WCAG 2.1: the shape's outline ≥ 3:1 against white (1.4.11); glyphs ≥ 4.5:1 against the fill (1.4.3)."""
    elements = [e for e in ET.fromstring(str(svg)).iter() if e.tag in (f"{SVG}path", f"{SVG}circle")]
    shape, glyphs = elements[0], elements[1:]
    fill = shape.get("fill")
    assert contrast(shape.get("stroke"), "#ffffff") >= 3.0
    for glyph in glyphs:
        colour = glyph.get("stroke") if glyph.get("fill") in (None, "none") else glyph.get("fill")
        assert contrast(colour, fill) >= 4.5, (value, colour, fill)


def test_icons_are_deterministic_and_sized():
    assert icons.status_icon("red", size=32) == icons.status_icon("red", size=32)
    assert 'width="32" height="32"' in icons.status_icon("red", size=32)


def test_decorative_icon_is_hidden_from_screen_readers():
    svg = str(icons.status_icon("green", decorative=True))
    assert 'aria-hidden="true"' in svg
    assert 'role="img"' not in svg


def test_comparator_name_is_escaped():
    svg = str(icons.benchmark_icon("worse", comparator="<script>alert(1)</script>"))
    assert "<script>" not in svg
    ET.fromstring(svg)


def test_empty_spc_results_give_no_icon():
    assert icons.variation_icon("") == ""
    assert icons.assurance_icon("") == ""


def test_unknown_value_is_refused():
    with pytest.raises(ValueError, match="unknown status 'purple'"):
        icons.status_icon("purple")
