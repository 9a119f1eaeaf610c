"""The template context: built once from Results, numbers pre-formatted, nothing recomputed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from perfwatch.errors import PerfwatchError
from perfwatch.render import area_choices
from perfwatch.render.context import build_context, summary_sentence
from perfwatch.render.views import ReportOptions, context_reference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


@pytest.fixture(scope="module")
def scorecard(results):
    return build_context(results, kind="scorecard")


def test_summary_sentence_numbers_match_the_counts(results, scorecard):
    latest = results.latest[results.latest["area"] == "county"]
    counts = latest["status"].value_counts()
    numbers = [int(n) for n in re.findall(r"\d+", scorecard.summary)]
    expected = [
        len(latest), counts.get("green", 0), counts.get("amber", 0), counts.get("red", 0),
        counts.get("not_assessed", 0), (latest["direction"] == "worsening").sum(),
        (latest["spc_signal"] == "special_cause_concern").sum(),
    ]  # fmt: skip
    assert numbers == expected
    assert {c.status: c.count for c in scorecard.status_counts}["red"] == counts.get("red", 0)


def test_summary_sentence_wording():
    counts = {"green": 14, "amber": 5, "red": 4, "no_target": 0, "no_data": 0, "not_assessed": 0}
    assert summary_sentence(counts, 3, 2) == (
        "Of 23 indicators, 14 are on target, 5 close, 4 off target; 3 are worsening; "
        "2 show special cause of concern."
    )
    assert summary_sentence({"green": 1, "amber": 0, "red": 0}, 1, None) == (
        "Of 1 indicator, 1 is on target, 0 close, 0 off target; 1 is worsening."
    )


def test_indicator_views_present_results_without_recomputing(results, scorecard):
    row = results.latest.set_index(["indicator", "area"]).loc[("IL-1", "county")]
    view = next(i for i in scorecard.indicators if i.id == "IL-1")
    assert view.status.value == row["status"]
    assert view.reason == row["reason"]
    assert view.value == f"{row['value']:.1f}%"
    assert view.target == "85.0%"
    assert "Red" in view.status.word and view.status.icon.startswith(
        '<span class="pw-icon" aria-hidden="true"'
    )
    assert len(view.history) == 5 and view.history[-1].period == "Mar 2025"
    by_area = results.latest[results.latest["indicator"] == "IL-1"].set_index("area")["value"]
    assert [a.area_id for a in view.areas] == list(by_area.sort_values(ascending=False).index)
    assert view.areas_omitted == ""
    text_view = next(i for i in scorecard.indicators if i.id == "SA-3")
    assert text_view.value == "Not met" and text_view.chart is None


def test_exceptions_and_actions(scorecard):
    reasons = {e.indicator.id: e.reasons for e in scorecard.exceptions}
    assert "Off target" in reasons["IL-1"] and "No commentary" in reasons["IL-1"]
    assert "Worsening" in reasons["SA-2"]
    assert all(e.indicator.status.value in ("red", "amber") or e.reasons for e in scorecard.exceptions)
    assert [a.id for a in scorecard.overdue_actions] == ["DP1"]
    il1 = next(e for e in scorecard.exceptions if e.indicator.id == "IL-1")
    assert il1.next_action is None or il1.next_action.state not in ("done", "cancelled")
    assert all(
        set(a.indicator_ids) >= {e.indicator.id}
        for e in scorecard.exceptions
        for a in e.indicator.own_actions
    )
    assert scorecard.actions[0].due == "31 January 2025"


def test_annual_context_has_comparisons_sections_and_checklist(results):
    annual = build_context(results, kind="annual", options=ReportOptions(charts=False))
    assert annual.year_label == "2024/25"
    assert annual.comparison_years == ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    assert all(len(row.years) == 5 for row in annual.comparisons)
    assert [s.id for s in annual.missing_sections] == ["finance", "localities"]
    assert [d.id for d in annual.delivered_actions] == ["DP2"]
    assert [n.id for n in annual.national_outcomes] == ["NO1", "NO2"]
    assert [o.id for o in annual.national_outcomes[0].outcomes] == ["O1", "O4"]


def test_focus_area_option_and_provenance(results):
    north = build_context(results, kind="scorecard", options=ReportOptions(area="north"))
    assert north.area.name == "North Locality"
    assert north.inputs_hash == "3f9a1c27b8e0"
    assert north.data_cutoff == "31 March 2025" and north.generated_at is None
    with pytest.raises(PerfwatchError, match="nowhere"):
        build_context(results, kind="scorecard", options=ReportOptions(area="nowhere"))


def test_docs_list_every_context_field():
    """docs/templates.md embeds `context_reference()`; regenerate it when a dataclass changes."""
    assert context_reference() in DOCS.read_text(encoding="utf-8")


def test_many_areas_show_the_ends_and_sum_up_the_rest(results, monkeypatch):
    """With more areas than AREAS_IN_FULL, the highest and lowest few and the report's area are shown."""
    monkeypatch.setattr(area_choices, "AREAS_IN_FULL", 2)
    monkeypatch.setattr(area_choices, "AREAS_SHOWN_EACH_END", 1)
    for area in ("county", "north", "south"):
        report = build_context(results, kind="scorecard", options=ReportOptions(area=area))
        view = next(i for i in report.indicators if i.id == "IL-1")
        assert any(a.is_focus for a in view.areas)
        if len(view.areas) == 2:
            assert view.areas_omitted.startswith("1 other area is not shown")
        else:
            assert len(view.areas) == 3 and view.areas_omitted == ""
