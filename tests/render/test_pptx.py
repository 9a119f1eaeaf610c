"""`--format pptx`: the report as slides, opened with python-pptx and checked against the report's context."""

from __future__ import annotations

import io
import zipfile

import pytest
from pptx import Presentation

from perfwatch.render.build import build_report
from perfwatch.render.context import build_context
from perfwatch.render.pptx import render_pptx
from perfwatch.render.views import ReportOptions


@pytest.fixture(scope="module")
def context(results):
    return build_context(results, kind="performance", options=ReportOptions(area="north"))


@pytest.fixture(scope="module")
def deck(context):
    return Presentation(io.BytesIO(render_pptx(context)))


def slide_texts(slide) -> str:
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(texts)


def test_one_slide_per_indicator_with_its_own_figures_and_chart(context, deck):
    slides = {slide_texts(s).split("\n", 1)[0]: s for s in deck.slides}
    for indicator in context.indicators:
        slide = slides[indicator.title]
        text = slide_texts(slide)
        assert indicator.value in text and indicator.target in text and indicator.status.word in text
        assert indicator.reason in text
        charts = [shape.chart for shape in slide.shapes if shape.has_chart]
        if indicator.chart is None or indicator.chart.series is None:
            assert not charts
            continue
        [chart] = charts
        plotted = {s.name: tuple(s.values) for s in chart.plots[0].series}
        expected = {name: tuple(v if v is not None else None for v in values)
                    for name, values in indicator.chart.series.lines.items()}  # fmt: skip
        assert plotted.keys() == expected.keys()
        for name, values in expected.items():
            assert plotted[name] == pytest.approx(values, nan_ok=True), name
        assert list(chart.plots[0].categories) == list(indicator.chart.series.periods)


def test_the_summary_places_every_spc_indicator_once_in_the_matrix(context, deck):
    summary = next(s for s in deck.slides if slide_texts(s).startswith("At a glance"))
    [table] = [shape.table for shape in summary.shapes if shape.has_table]
    cells = "\n".join(cell.text for row in list(table.rows)[1:] for cell in list(row.cells)[1:])
    spc = [i for i in context.indicators if i.variation.value]
    assert spc, "the synthetic report has SPC indicators"
    for indicator in spc:
        assert cells.count(f"{indicator.id} ") == 1, indicator.id
    assert context.summary in slide_texts(summary)


def test_scorecard_and_exceptions_carry_every_indicator_and_exception(context, deck):
    text = "\n".join(slide_texts(s) for s in deck.slides)
    for indicator in context.indicators:
        assert f"{indicator.title} ({indicator.id})" in text
    for exception in context.exceptions:
        assert exception.indicator.status.word in text


def test_the_same_inputs_give_the_same_bytes(context):
    first, second = render_pptx(context), render_pptx(context)
    assert first == second
    assert {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {
        (2000, 1, 1, 0, 0, 0)
    }


def test_build_report_writes_a_deck_beside_the_html(results, tmp_path):
    paths = build_report(results, kind="exception", formats=["pptx"], out_dir=tmp_path)
    [path] = paths
    assert path.suffix == ".pptx"
    assert len(Presentation(str(path)).slides) >= 3
