"""Everything supplied reaches the report it belongs to, and only that one (issue #15): cycle sections in
every report kind, actions and commentary scoped to their area, actions against the indicators they name,
and an incomplete statutory report said on the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfwatch.api import Choices, build, load, plan, report, resolve_inputs, run
from perfwatch.cli import cli
from perfwatch.render.context import build_context
from perfwatch.render.views import ReportOptions

FORTH_VALLEY = Path(__file__).resolve().parents[2] / "examples" / "forth-valley-ijb"


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, str]:
    """The Forth Valley example's HTML reports by file name."""
    out = tmp_path_factory.mktemp("forth-valley")
    inputs = resolve_inputs(project=FORTH_VALLEY / "perfwatch.yaml")
    built = report(inputs, Choices(formats=("html",)), out_dir=out)
    assert built.failures == {}
    return {p.name: p.read_text(encoding="utf-8") for p in built.paths}


def test_a_performance_cycle_section_reaches_the_performance_report(reports: dict[str, str]) -> None:
    performance = reports["performance-falkirk-2025-03.html"]
    assert "Exceptions and escalation" in performance
    assert "Delayed discharge bed days (CI-19) are the one exception" in performance


def test_an_areas_finance_and_actions_stay_in_that_areas_report(reports: dict[str, str]) -> None:
    falkirk, clacks = reports["annual-falkirk-2024-25.html"], reports["annual-clacks-stirling-2024-25.html"]
    assert "Falkirk IJB overspent" in falkirk and "Falkirk IJB overspent" not in clacks
    assert "Clackmannanshire &amp; Stirling IJB underspent" in clacks and "underspent" not in falkirk
    assert "FV-02" in falkirk and "FV-02" not in clacks  # Falkirk's interim beds
    assert "FV-03" in falkirk and "FV-03" in clacks  # a Forth Valley action serves both partnerships


def test_a_section_with_figures_is_never_headed_no_data(reports: dict[str, str]) -> None:
    """FIN-locality has no Falkirk-wide figure but three localities' (issue #15: "Last 0 periods")."""
    performance = reports["performance-falkirk-2025-03.html"]
    assert "Last 0 periods" not in performance
    assert "No figures for this area yet; the areas below have them." in performance


def test_the_scorecard_is_the_partnerships(reports: dict[str, str]) -> None:
    assert "scorecard-falkirk-2025-03.html" in reports


def test_an_action_is_shown_against_the_indicators_it_names_only() -> None:
    result = run(resolve_inputs(project=FORTH_VALLEY / "perfwatch.yaml"), period="2025-03")
    context = build_context(result.results, kind="exception", options=ReportOptions(area="falkirk"))
    by_id = {i.id: i for i in context.indicators}
    assert {a.id for a in by_id["CI-19"].actions} == {"FV-01", "FV-02"}
    assert {a.id for a in by_id["CI-22"].actions} == {"FV-01"}  # FV-02 names CI-19 only
    assert {a.id for a in by_id["CI-21"].actions} == set()  # same outcome, named by no action


def test_a_missing_required_section_warns_and_fails_with_strict(tmp_path: Path) -> None:
    project = tmp_path / "forth-valley-ijb"
    shutil.copytree(FORTH_VALLEY, project, ignore=shutil.ignore_patterns("build"))
    shutil.rmtree(project / "commentary" / "exceptions")
    args = [
        "report",
        "--project",
        str(project / "perfwatch.yaml"),
        "--format",
        "html",
        "--out",
        str(tmp_path / "o"),
    ]
    relaxed = CliRunner().invoke(cli, args)
    assert relaxed.exit_code == 0, relaxed.output
    assert "missing-section" in relaxed.output and "'exceptions'" in relaxed.output
    strict = CliRunner().invoke(cli, [*args, "--strict"])
    assert strict.exit_code == 1, strict.output
    assert "missing-section" in strict.output
    assert "Traceback" not in strict.output


EXAMPLES = FORTH_VALLEY.parent


def _built(name: str, out: Path) -> dict[str, str]:
    inputs = resolve_inputs(project=EXAMPLES / name / "perfwatch.yaml")
    built = report(inputs, Choices(formats=("html",)), out_dir=out)
    assert built.failures == {}
    return {p.name: p.read_text(encoding="utf-8") for p in built.paths}


def test_indicator_and_outcome_fields_reach_the_report(reports: dict[str, str]) -> None:
    performance = reports["performance-falkirk-2025-03.html"]
    assert "National user feedback is available every 2 years" in performance  # indicator `notes`
    assert "Is anyone better off?" in performance  # `rba`, and the view grouping by it
    assert 'id="rba"' in performance
    assert "Evidence</dt><dd>Health and Care Experience Survey" in performance  # outcome `evidence`


def test_statutory_function_and_social_value_reach_the_report(tmp_path: Path) -> None:
    performance = _built("healthwatch-kent", tmp_path)["performance-kent-q4-2017-18.html"]
    assert "Make reports and recommendations about how local health and social care services" in performance
    assert "Facilitating networks around public voice/engagement" in performance


def test_annual_reports_carry_indicator_and_outcome_commentary(tmp_path: Path) -> None:
    """National Voices wrote three commentary files on outcomes and indicators; all reach its annual."""
    annual = _built("national-voices", tmp_path)["annual-2018-19.html"]
    assert "narrowed to 12.6 points" in annual  # NV3-gap/2018-19.md
    assert "one patient in ten" in annual  # P1-O/2018-19.md (outcome)
    assert "who have a written care plan" in annual  # NV1-care-planning.md


def test_cycle_sections_and_data_quality_reach_the_performance_report(tmp_path: Path) -> None:
    reports = _built("thurrock-hwb", tmp_path)
    performance = reports["performance-thurrock-q4-2013-14.html"]
    assert "Part 2 of the Strategy is on track" in performance  # children-highlight section
    assert "The partnership boards met between January and March 2014" in performance  # qualitative section
    assert '<span class="flag">(provisional)</span>' in performance  # marked beside the figure
    assert "Provisional figures, which may change: TH-reception-weight" in performance  # and in the notes
    for html in reports.values():  # data notes in the board's words: no settings, no file names
        assert "defaults." not in html and ".csv" not in html and ".xlsx" not in html


def test_commentary_no_report_can_show_is_a_warning_naming_the_file(tmp_path: Path) -> None:
    project = tmp_path / "forth-valley-ijb"
    shutil.copytree(FORTH_VALLEY, project, ignore=shutil.ignore_patterns("build"))
    (project / "commentary" / "CI-99.md").write_text(
        "An indicator the framework does not have.\n", encoding="utf-8"
    )
    (project / "commentary" / "finance" / "falkirk" / "2019-20.md").write_text("A year not reported.\n")
    (project / "commentary" / "CI-19" / "stirling").mkdir()
    (project / "commentary" / "CI-19" / "stirling" / "2025-03.md").write_text("No such area.\n")
    inputs = resolve_inputs(project=project / "perfwatch.yaml")
    built = report(inputs, Choices(formats=("html",)), out_dir=tmp_path / "out")
    unshown = {Path(f.file).name: f.message for f in built.warnings if f.code == "commentary-not-shown"}
    assert set(unshown) == {"CI-99.md", "2019-20.md", "2025-03.md"}
    assert "CI-99" in unshown["CI-99.md"] and "stirling" in unshown["2025-03.md"]
    assert "2019/20" in unshown["2019-20.md"]


def test_a_figure_revised_since_the_last_build_is_marked_with_its_old_and_new_value(tmp_path: Path) -> None:
    project = tmp_path / "thurrock-hwb"
    shutil.copytree(EXAMPLES / "thurrock-hwb", project, ignore=shutil.ignore_patterns("build"))
    out = tmp_path / "out"
    inputs = resolve_inputs(project=project / "perfwatch.yaml")
    loaded = load(inputs)
    requests = [r for r in plan(inputs, loaded.framework, Choices(formats=("html",))) if r.kind == "annual"]
    first = build(loaded, requests, out_dir=out)
    assert first.failures == {}
    outturn = project / "data" / "annual-outturn.csv"
    text = outturn.read_text(encoding="utf-8")
    outturn.write_text(text.replace("TH-reception-weight,thurrock,2012/13,23.6,452,1915,",
                                    "TH-reception-weight,thurrock,2012/13,24.2,463,1915,"), encoding="utf-8")  # fmt: skip
    second = build(
        load(resolve_inputs(project=project / "perfwatch.yaml")), requests, out_dir=out, force=True
    )
    html = second.paths[0].read_text(encoding="utf-8")
    assert "Changed since the last report: TH-reception-weight (2012/13: 23.6% then, 24.2% now)." in html
    assert any(f.code == "value-revised" for f in second.warnings)  # and on the command line


def test_an_annual_report_built_after_its_statutory_deadline_is_warned_and_strict_refuses() -> None:
    """Forth Valley's annual report is due 4 months after the year end (31 July 2025)."""
    from datetime import date

    from perfwatch.framework.load import load_framework
    from perfwatch.publish.completeness import PlannedReport, completeness_findings

    inputs = resolve_inputs(project=FORTH_VALLEY / "perfwatch.yaml")
    framework = load_framework(inputs.framework)
    report = [PlannedReport("annual", "annual", "2024/25", ("falkirk",))]

    def late(as_of: date, strict: bool) -> list:
        found = completeness_findings(framework, None, report, as_of, strict=strict)
        return [f for f in found if f.code == "deadline-passed"]

    assert late(date(2025, 7, 31), strict=False) == []
    (warning,) = late(date(2025, 8, 1), strict=False)
    assert warning.severity == "warning" and "31 July 2025" in warning.message
    assert late(date(2025, 8, 1), strict=True)[0].severity == "error"
