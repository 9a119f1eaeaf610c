"""Building report files: atomic writes, the inputs-hash cache, one report per area in parallel."""

from __future__ import annotations

import json

import pytest

from perfwatch.errors import PerfwatchError
from perfwatch.render import build
from perfwatch.render.build import MANIFEST, build_each_area, build_report
from perfwatch.render.views import ReportOptions


def test_build_writes_html_and_caches_by_inputs_hash(results, tmp_path):
    paths = build_report(results, kind="scorecard", formats=["html"], out_dir=tmp_path)
    assert [p.name for p in paths] == ["scorecard-2025-03.html"]
    first = paths[0].stat().st_mtime_ns
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["scorecard-2025-03"]["files"] == ["scorecard-2025-03.html"]

    again = build_report(results, kind="scorecard", formats=["html"], out_dir=tmp_path)
    assert again == paths and paths[0].stat().st_mtime_ns == first  # skipped: same inputs

    forced = build_report(results, kind="scorecard", formats=["html"], out_dir=tmp_path, force=True)
    assert forced[0].stat().st_mtime_ns != first
    other = build_report(
        results, kind="scorecard", formats=["html"], out_dir=tmp_path, options=ReportOptions(title="Other")
    )
    assert "Other" in other[0].read_text()


def test_failed_render_leaves_the_last_good_report(results, tmp_path, monkeypatch):
    good = build_report(results, kind="scorecard", formats=["html"], out_dir=tmp_path, name="board")[0]
    before = good.read_bytes()

    def broken(*_args, **_kwargs):
        raise PerfwatchError("scorecard.html.j2:3: template error: boom")

    monkeypatch.setattr(build, "render_html", broken)
    with pytest.raises(PerfwatchError, match="boom"):
        build_report(results, kind="scorecard", formats=["html"], out_dir=tmp_path, name="board", force=True)
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "board.html"]


def test_unknown_kind_or_format_is_refused(results, tmp_path):
    with pytest.raises(PerfwatchError, match="format"):
        build_report(results, kind="scorecard", formats=["docx"], out_dir=tmp_path)
    with pytest.raises(PerfwatchError, match="kind"):
        build_report(results, kind="poster", formats=["html"], out_dir=tmp_path)


def test_each_area_builds_in_parallel_and_reports_failures(results, tmp_path):
    seen = []
    built, failures = build_each_area(
        results, kind="scorecard", formats=["html"], out_dir=tmp_path, areas=["county", "nowhere", "north"],
        max_workers=2, progress=lambda area, error, done, total: seen.append((area, error is None, total)),
    )  # fmt: skip
    assert sorted(p.name for p in built) == ["scorecard-county-2025-03.html", "scorecard-north-2025-03.html"]
    assert list(failures) == ["nowhere"] and "nowhere" in failures["nowhere"]
    assert sorted(seen) == [("county", True, 3), ("north", True, 3), ("nowhere", False, 3)]
    assert "North Locality" in (tmp_path / "scorecard-north-2025-03.html").read_text()


def test_a_bug_in_one_area_is_raised_as_a_bug_with_its_cause_after_the_others_are_built(
    results, tmp_path, monkeypatch
):
    original = build.build_context

    def broken_for_north(results, *, options, **kwargs):
        if options.area == "north":
            raise ZeroDivisionError("a deliberate bug")
        return original(results, options=options, **kwargs)

    monkeypatch.setattr(build, "build_context", broken_for_north)
    with pytest.raises(build.AreaBug, match="north") as raised:
        build_each_area(
            results,
            kind="scorecard",
            formats=["html"],
            out_dir=tmp_path,
            areas=["county", "north"],
            max_workers=2,
        )
    assert isinstance(raised.value.__cause__, ZeroDivisionError)
    assert (tmp_path / "scorecard-county-2025-03.html").is_file()
