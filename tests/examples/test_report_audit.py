"""The report audit (issue #14): for every bundled example, every figure its HTML reports mark with
`data-pw="indicator|area|period|field"` is the evaluated result for that indicator, area and period, so that
no number is ever shown under the wrong period, area or target again."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from perfwatch.api import Choices, evaluate, load, plan, publish, resolve_inputs, summarise
from perfwatch.render.alt_text import pretty_period
from perfwatch.render.badges import _format, _plain, _shown_value
from perfwatch.render.context import _own_year, build_context
from perfwatch.render.html import render_html
from perfwatch.render.views import ReportOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(p.parent.name for p in EXAMPLES.glob("*/perfwatch.yaml"))


class _Marked(HTMLParser):
    """Every element with a `data-pw` marker and the text inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: list[list] = []  # [marker, depth, text parts]
        self._depth = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("br", "img", "input", "meta", "link"):
            return
        self._depth += 1
        marker = dict(attrs).get("data-pw")
        if marker is not None:
            self._open.append([marker, self._depth, []])

    def handle_endtag(self, tag) -> None:
        if self._open and self._open[-1][1] == self._depth:
            marker, _, parts = self._open.pop()
            self.found.append((marker, " ".join("".join(parts).split())))
        self._depth -= 1

    def handle_data(self, data) -> None:
        for item in self._open:
            item[2].append(data)


def _reports(name: str):
    inputs = resolve_inputs(project=EXAMPLES / name / "perfwatch.yaml")
    loaded = load(inputs)
    loaded.raise_errors()
    table = evaluate(loaded)
    for request in plan(inputs, loaded.framework, Choices(), as_of=loaded.as_of):
        results = publish(summarise(loaded, table, request.period))
        options = ReportOptions(area=request.area, cycle=request.cycle)
        yield results, render_html(build_context(results, kind=request.kind, options=options))


def _by_label(table: pd.DataFrame) -> dict[tuple[str, str, str], list[dict]]:
    """Rows of the table by indicator, area and period as the reports write it (long and short)."""
    rows: dict[tuple[str, str, str], list[dict]] = {}
    for row in _plain(table).to_dict("records"):
        for label in {pretty_period(row["period"]), pretty_period(row["period"], short=True)}:
            rows.setdefault((str(row["indicator"]), str(row["area"]), label), []).append(row)
    return rows


def _expected_year(results, indicator, area: str, year: str) -> str:
    comparisons = results.comparisons
    mine = comparisons[(comparisons["indicator"] == indicator.id) & (comparisons["area"] == area)]
    earlier = mine[mine["compare_year"] == year]
    if len(earlier):
        row = earlier.iloc[0]
        return _own_year(
            _format(indicator, row["compare_value"], row["compare_text"]), row["compare_period"], year
        )
    current = mine[mine["year"] == year].iloc[0]
    return _own_year(_format(indicator, current["value"], current["value_text"]), current["period"], year)


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_a_report_shows_is_the_result_for_its_indicator_area_and_period(name):
    checked = 0
    for results, html in _reports(name):
        framework = results.framework
        rows = _by_label(results.table)
        parser = _Marked()
        parser.feed(html)
        assert parser.found, "the reports mark their figures"
        for marker, text in parser.found:
            indicator_id, area, period, field = marker.split("|")
            indicator = framework.indicators[indicator_id]
            if field == "year":
                assert text == _expected_year(results, indicator, area, period), marker
            elif not period:
                assert text.startswith("—"), (marker, text)  # no data at all: nothing under any period
            else:
                text = text.removesuffix(period)  # a value with its period beneath it
                candidates = rows.get((indicator_id, area, period), [])
                assert candidates, f"{marker}: no evaluated row for this indicator, area and period"
                expected = [
                    _shown_value(indicator, row) if field == "value"
                    else _format(indicator, row["target"], row.get("target_text"))
                    for row in candidates
                ]  # fmt: skip
                assert any(text == e or text.startswith(e + " (") for e in expected), (marker, text, expected)
            checked += 1
    assert checked > 20
