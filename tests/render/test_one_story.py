"""One story per indicator (issue #15): every word of status, direction and trend shown anywhere in the
bundled examples' HTML reports is the one the evaluation decided for that question, indicator, area and
period. The templates tag each judgement badge with `data-question` and `data-subject`
(indicator@area@period); this test reads every tagged badge of every report the examples build."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

from perfwatch.api import Choices, build, evaluate, load, plan, publish, resolve_inputs, summarise
from perfwatch.render.alt_text import pretty_period

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(p.parent.name for p in EXAMPLES.glob("*/perfwatch.yaml"))
BADGE = re.compile(r'<span class="badge badge-(\w+)" data-question="(\w+)" data-subject="([^"]*)">')
LATEST_QUESTIONS = ("status", "direction", "direction_yoy", "trend")


def _decided(results) -> dict[tuple[str, str, str, str], str]:
    """What the evaluation decided, keyed by question, indicator, area and the period as the report prints it."""
    table = results.table
    decided = {}
    for question in LATEST_QUESTIONS:
        for ind, area, period, word in zip(
            table["indicator"].astype(str), table["area"].astype(str), table["period"].astype(str),
            table[question].astype(str), strict=True,
        ):  # fmt: skip
            decided[(question, ind, area, pretty_period(period))] = word
    comparisons = results.comparisons
    for ind, area, period, word in zip(
        comparisons["indicator"].astype(str), comparisons["area"].astype(str),
        comparisons["compare_period"].astype(str), comparisons["direction"].astype(str), strict=True,
    ):  # fmt: skip
        decided[("change_since", ind, area, period)] = word
    return decided


@pytest.mark.parametrize("name", NAMES)
def test_every_judgement_shown_is_the_one_the_evaluation_decided(name: str, tmp_path: Path) -> None:
    inputs = resolve_inputs(project=EXAMPLES / name / "perfwatch.yaml")
    checked = 0
    loaded = load(inputs)
    loaded.raise_errors()
    table = evaluate(loaded)
    for number, request in enumerate(plan(inputs, loaded.framework, Choices(), as_of=loaded.as_of)):
        request = replace(request, formats=("html",))
        out = tmp_path / str(number)
        built = build(loaded, [request], out_dir=out)
        assert built.failures == {}
        decided = _decided(publish(summarise(loaded, table, request.period)))
        for path in built.paths:
            for value, question, subject in BADGE.findall(path.read_text(encoding="utf-8")):
                ind, area, period = html.unescape(subject).split("@")
                if not period:  # an indicator with no data at all for this area
                    assert value in ("no_data", "not_comparable", "cannot_be_calculated"), (
                        path.name,
                        subject,
                    )
                    continue
                expected = decided.get((question, ind, area, period))
                assert expected == value, (path.name, question, subject, value, expected)
                checked += 1
    assert checked > 0


def test_a_run_of_rises_beside_no_change_says_why() -> None:
    """'Rose for 4 years in a row' never sits beside 'No change' without saying the intervals overlap."""
    import pandas as pd

    from perfwatch.render.alt_text import describe_indicator_series

    points = pd.DataFrame(
        {
            "period": ["2020/21", "2021/22", "2022/23", "2023/24", "2024/25"],
            "value": [105.6, 106.8, 108.1, 109.4, 110.6],
            "direction": ["not_comparable", "no_change", "no_change", "no_change", "no_change"],
        }
    )
    text = describe_indicator_series(points)
    assert "Rose for 4 years in a row, though the latest change is within the confidence intervals" in text
    assert "within the confidence intervals" not in describe_indicator_series(
        points.assign(direction="worsening")
    )
