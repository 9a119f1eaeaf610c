"""The example projects load and evaluate cleanly, `examples/generate.py` is deterministic, and
`perfwatch init` writes a project that evaluates at once."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from perfwatch.api import resolve_inputs, run
from perfwatch.data.commentary import load_commentary
from perfwatch.errors import InputError
from perfwatch.framework.scaffold import init_project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAMES = sorted(p.parent.name for p in EXAMPLES.glob("*/perfwatch.yaml"))
# Warnings a board may see: they are the data-quality facts the examples are built to show.
BOARD_WARNINGS = {"missing-period", "outcome-without-action"}
# evaluate._roll_up_areas rolls NHS Forth Valley's monthly CI-19 up into Scotland although Scotland has its
# own rows (the existence check includes `native`), leaving duplicate keys that break `_direction`.


def _generator():
    spec = importlib.util.spec_from_file_location("examples_generate", EXAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_example_is_present() -> None:
    assert NAMES == sorted(_generator().GENERATORS)


@pytest.mark.parametrize("name", NAMES)
def test_example_evaluates_without_unexpected_warnings(name: str) -> None:
    project = EXAMPLES / name / "perfwatch.yaml"
    result = run(resolve_inputs(project=project))
    unexpected = [w.format() for w in result.warnings if w.code not in BOARD_WARNINGS]
    assert unexpected == []
    latest = result.results.latest
    assert (latest["status"] != "no_data").sum() > 0
    year_start = result.results.framework.year_start_month
    commentary = load_commentary([s.path for s in result.inputs.commentary], year_start, strict=True)
    assert commentary.findings == []
    assert len(commentary) > 0


def test_examples_show_what_they_promise() -> None:
    """Some indicators off target, some without commentary among them, a special-cause shift."""
    kent = run(resolve_inputs(project=EXAMPLES / "healthwatch-kent" / "perfwatch.yaml")).results
    red = kent.latest[kent.latest["status"] == "red"]
    assert {"ev-visits", "emails-3-days", "district-visits"} <= set(red["indicator"])
    forth_valley = run(resolve_inputs(project=EXAMPLES / "forth-valley-ijb" / "perfwatch.yaml")).results
    delays = forth_valley.latest.set_index(["indicator", "area"]).loc[("CI-19", "falkirk")]
    assert delays["variation"] == "concern_high"


def test_generate_is_deterministic(tmp_path: Path) -> None:
    written = _generator().generate(tmp_path)
    assert written
    different = [
        str(path.relative_to(tmp_path))
        for path in written
        if path.read_bytes() != (EXAMPLES / path.relative_to(tmp_path)).read_bytes()
    ]
    assert different == []


def test_examples_stay_small() -> None:
    total = sum(p.stat().st_size for p in EXAMPLES.rglob("*") if p.is_file() and "build" not in p.parts)
    assert total < 3 * 1024 * 1024


@pytest.mark.parametrize("framework", [None, "forth-valley-ijb"])
def test_init_project_evaluates_cleanly(tmp_path: Path, framework: str | None) -> None:
    written = init_project(tmp_path / "project", framework, today=date(2025, 5, 20))
    assert {p.name for p in written} >= {"perfwatch.yaml", "sample.csv"}
    assert all(p.is_file() for p in written)
    result = run(resolve_inputs(project=tmp_path / "project" / "perfwatch.yaml"), as_of=date(2025, 5, 20))
    assert [w.format() for w in result.warnings] == []
    statuses = set(result.results.latest["status"])
    assert statuses & {"green", "amber", "red", "no_target", "not_assessed"}
    assert "red" not in statuses


def test_init_project_refuses_to_overwrite(tmp_path: Path) -> None:
    init_project(tmp_path, today=date(2025, 5, 20))
    before = (tmp_path / "perfwatch.yaml").read_bytes()
    with pytest.raises(InputError) as error:
        init_project(tmp_path, today=date(2025, 5, 20))
    assert "never overwrites" in str(error.value)
    assert (tmp_path / "perfwatch.yaml").read_bytes() == before


def test_init_project_names_the_bundled_frameworks_when_one_is_unknown(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="forth-valley-ijb"):
        init_project(tmp_path, "forth-valley")
    assert not (tmp_path / "perfwatch.yaml").exists()
