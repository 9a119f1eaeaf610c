"""The board's first page: the Making Data Count matrix, the top exceptions and the key to every icon."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from perfwatch.render.context import build_context
from perfwatch.render.html import render_html
from perfwatch.render.summary import ASSURANCE_ROWS, VARIATION_COLUMNS
from perfwatch.render.views import ReportOptions


@pytest.fixture(scope="module")
def report(results):
    return build_context(results, kind="performance", options=ReportOptions(area="north"))


def test_every_spc_indicator_sits_once_in_the_cell_of_its_variation_and_assurance(report):
    matrix = report.spc_matrix
    spc = [i for i in report.indicators if i.variation.value]
    assert matrix is not None and matrix.total == len(spc) > 0
    placed = {}
    for row, assurance in zip(matrix.rows, ASSURANCE_ROWS.values(), strict=True):
        for cell, variations in zip(row.cells, VARIATION_COLUMNS.values(), strict=True):
            for ind in cell.indicators:
                assert ind.id not in placed, f"{ind.id} placed twice"
                placed[ind.id] = (assurance, variations)
    assert set(placed) == {i.id for i in spc}
    for ind in spc:
        assurance, variations = placed[ind.id]
        assert ind.assurance.value == assurance and ind.variation.value in variations


def test_no_matrix_without_spc(results):
    report = build_context(results, kind="performance", options=ReportOptions(area="north"))
    indicators = [i for i in report.indicators if not i.variation.value]
    from perfwatch.render.summary import spc_matrix

    assert spc_matrix(indicators) is None


def test_top_exceptions_are_exactly_the_red_and_the_special_causes_of_concern(report):
    expected = {
        i.id for i in report.indicators
        if i.status.value == "red" or i.spc_signal == "special_cause_concern" or i.variation.value.startswith("concern")
    }  # fmt: skip
    assert {e.indicator.id for e in report.top_exceptions} == expected


def test_the_first_page_shows_the_matrix_and_the_key_explains_every_icon_shown(report):
    html = render_html(report, "performance")
    glance = html[html.index('id="at-a-glance"') : html.index('id="scorecard"')]
    assert 'class="spc-matrix"' in glance
    for ind in (i for i in report.indicators if i.variation.value):
        assert f'href="#{ind.anchor}"' in glance
    for exception in report.top_exceptions:
        assert str(escape(exception.indicator.reason)) in glance
    scorecard = html[html.index('id="scorecard"') :]
    scorecard = scorecard[: scorecard.index('class="icon-key"')]
    key = html[html.index('class="icon-key"') :]
    key = key[: key.index("</section>")]
    icons_shown = set(re.findall(r'<span class="pw-icon"[^>]*></span>', scorecard))
    assert icons_shown, "the scorecard shows icons"
    for icon in icons_shown:
        assert icon in key, icon[:120]


def test_an_exception_names_a_few_sub_areas_and_counts_the_rest():
    """A region with a hundred providers off target says so in one line, not a hundred names."""
    from perfwatch.render.context import _some_areas

    assert _some_areas(["Ashford", "Dover"]) == "Ashford, Dover"
    many = [f"Area {n}" for n in range(100)]
    assert _some_areas(many) == "Area 0, Area 1, Area 2 and 97 more areas"
