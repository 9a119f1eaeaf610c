"""`validate`'s findings where CI tools read them (SARIF, GitLab, GitHub), stdin, `-q` everywhere and the
project file found from a subfolder, through click's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from perfwatch.cli import cli

BROKEN = Path(__file__).resolve().parents[1] / "framework" / "broken"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The OASIS SARIF 2.1.0 schema (errata01), from github.com/oasis-tcs/sarif-spec, sarif-2.1/schema/.
SARIF_SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def run(*args: str, stdin: str | None = None):
    env = {"GITHUB_ACTIONS": "", "PERFWATCH_FORMAT": None}
    return CliRunner().invoke(cli, list(args), env=env, input=stdin)


def broken_files() -> list[Path]:
    return sorted(p for p in BROKEN.glob("*.yaml") if p.stat().st_size < 100_000)


def test_sarif_of_the_whole_broken_corpus_is_valid_sarif_2_1_0():
    result = run("validate", "--output-format", "sarif", str(BROKEN))
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    [sarif_run] = log["runs"]
    results = sarif_run["results"]
    rules = sarif_run["tool"]["driver"]["rules"]
    assert len(results) >= len(broken_files()) - 1
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        region = location.get("region")
        if region and "startColumn" in region:
            assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
    assert {r["level"] for r in results} <= {"error", "warning"}


def test_sarif_region_spans_the_bad_value():
    result = run("validate", "--output-format", "sarif", str(BROKEN / "bad_enum.yaml"))
    [item] = json.loads(result.stdout)["runs"][0]["results"]
    region = item["locations"][0]["physicalLocation"]["region"]
    # line 14 is `polarity: higher_is_beter`, the value in columns 23-37
    assert region == {"startLine": 14, "startColumn": 23, "endLine": 14, "endColumn": 38}
    assert item["ruleId"] == "invalid-choice" and item["level"] == "error"


def test_gitlab_code_quality_report():
    result = run("validate", "--output-format", "gitlab", str(BROKEN))
    issues = json.loads(result.stdout)
    assert issues, result.output
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    for issue in issues:
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["path"] and issue["check_name"] and issue["description"]
    again = json.loads(run("validate", "--output-format", "gitlab", str(BROKEN)).stdout)
    assert [i["fingerprint"] for i in again] == fingerprints


def test_json_end_positions_span_the_value():
    result = run("validate", "--output-format", "json", str(BROKEN / "bad_enum.yaml"))
    [item] = json.loads(result.stdout)
    assert (item["line"], item["column"], item["end_line"], item["end_column"]) == (14, 23, 14, 38)


def test_old_format_option_still_works():
    new = run("validate", "--output-format", "json", str(BROKEN / "bad_enum.yaml"))
    old = run("validate", "--format", "json", str(BROKEN / "bad_enum.yaml"))
    assert old.exit_code == new.exit_code == 1
    assert old.stdout == new.stdout


def test_list_index_is_written_after_its_key(tmp_path):
    path = tmp_path / "fw.yaml"
    path.write_text(
        "perfwatch: 1\nid: x\ntitle: X\nreporting:\n  cycles:\n"
        "    - {id: b, title: B, kind: performance, months: [jul, dexember]}\n"
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert "`months[1]` must be one of" in result.stdout
    assert "`1` must" not in result.stdout


def test_stdin_is_read_for_dash(valid_framework):
    text = valid_framework.read_text()
    assert run("validate", "-", stdin=text).exit_code == 0
    broken = (BROKEN / "bad_enum.yaml").read_text()
    result = run("validate", "--stdin-filename", "fw.yaml", "-", stdin=broken)
    assert result.exit_code == 1
    assert result.stdout.startswith("fw.yaml:14:23: error[invalid-choice]")
    assert run("validate", "-", stdin=broken).stdout.startswith("-:14:23:")


@pytest.mark.parametrize(
    "command", ["validate", "schema", "rules", "timetable", "status", "export", "report", "init"]
)
def test_every_command_takes_quiet(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "-q, --quiet" in result.stdout


def test_quiet_validate_prints_nothing_for_a_clean_file(valid_framework):
    result = run("validate", "-q", str(valid_framework))
    assert result.exit_code == 0
    assert result.output == ""


def test_project_file_is_found_from_a_subfolder(tmp_path, monkeypatch):
    project = tmp_path / "proj"
    assert run("init", "-q", str(project)).exit_code == 0
    (project / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(project / "deep" / "er")
    result = run("validate")
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path)
    assert run("validate").exit_code == 2


def test_sarif_for_a_clean_file_has_no_results(valid_framework):
    result = run("validate", "--output-format", "sarif", str(valid_framework))
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["runs"][0]["results"] == []


def test_sarif_paths_outside_the_folder_are_file_uris(tmp_path, monkeypatch, valid_framework):
    path = tmp_path / "a b.yaml"
    shutil.copy(BROKEN / "bad_enum.yaml", path)
    monkeypatch.chdir(Path(__file__).parent)
    log = json.loads(run("validate", "--output-format", "sarif", str(path)).stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file:///") and uri.endswith("a%20b.yaml")
