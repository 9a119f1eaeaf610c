"""`perfwatch validate`, `perfwatch schema` and the group options, through click's CliRunner."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfwatch.cli import cli
from perfwatch.cli.findings_output import github_annotation
from perfwatch.cli.validate import summary_line
from perfwatch.errors import Finding

BROKEN = Path(__file__).resolve().parents[1] / "framework" / "broken"
HEAVY = ("pandas", "numpy", "matplotlib", "weasyprint", "jinja2")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(
        cli, list(args), env={"GITHUB_ACTIONS": "", "PERFWATCH_FORMAT": None, **(env or {})}
    )


def test_valid_framework_exits_0(valid_framework):
    result = run("validate", str(valid_framework))
    assert result.exit_code == 0, result.output
    assert result.stdout == "The framework is valid.\n"


def test_broken_framework_exits_1_with_file_line_col():
    path = BROKEN / "typo_key.yaml"
    result = run("validate", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{path}:15:13: error[unknown-key]: unknown key `tolerence` in indicator `I1`. Did you mean `tolerance`?"
    )
    assert lines[-1] == "1 error in 1 file."
    assert "Traceback" not in result.output


def test_folder_is_searched_and_project_file_left_out(tmp_path, valid_framework):
    (tmp_path / "sub").mkdir()
    shutil.copy(valid_framework, tmp_path / "a.yaml")
    shutil.copy(valid_framework, tmp_path / "sub" / "b.yml")
    (tmp_path / "perfwatch.yaml").write_text("framework: a.yaml\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.yaml").write_text("- not a framework\n")
    (tmp_path / "notes.txt").write_text("not yaml")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout == "All 2 frameworks are valid.\n"


def test_many_files_summary_counts_errors_and_warnings(valid_framework):
    paths = [BROKEN / "typo_key.yaml", BROKEN / "dangling_action_indicator.yaml", valid_framework]
    result = run("validate", *map(str, paths))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "2 errors and 3 warnings in 3 files."


def test_warnings_alone_exit_0_and_strict_makes_them_errors(tmp_path, valid_framework):
    path = tmp_path / "fw.yaml"
    path.write_text(valid_framework.read_text().replace("review_date: 2099-03-31", "review_date: 2001-03-31"))
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert "warning[lint-review-date-past]" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 warning in 1 file; no errors."
    strict = run("validate", "--strict", "--select", "lint-review-date-past", str(path))
    assert strict.exit_code == 1
    assert "error[lint-review-date-past]" in strict.stdout


def test_strict_promotes_lints_but_not_the_date_based_rule_unless_named(tmp_path, valid_framework):
    text = valid_framework.read_text().replace("review_date: 2099-03-31", "review_date: 2001-03-31")
    path = tmp_path / "fw.yaml"
    path.write_text(text.replace("            owner: Carers lead\n", "", 1))
    strict = run("validate", "--strict", str(path))
    assert strict.exit_code == 1
    assert "error[lint-no-owner]" in strict.stdout
    assert "warning[lint-review-date-past]" in strict.stdout


def test_json_format_is_a_stable_list():
    result = run("validate", "--format", "json", str(BROKEN / "duplicate_key.yaml"))
    assert result.exit_code == 1
    [item] = json.loads(result.stdout)
    assert list(item) == [
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "code",
        "message",
        "loc",
    ]
    assert (item["line"], item["column"], item["code"]) == (16, 13, "yaml-duplicate-key")
    assert result.stderr == "1 error in 1 file.\n"


def test_github_format_prints_annotations_and_the_text_report():
    path = BROKEN / "bad_enum.yaml"
    result = run("validate", "--format", "github", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        f"::error file={path},line=14,endLine=14,col=23,endColumn=38,title=perfwatch invalid-choice::`polarity`"
    )  # `higher_is_beter` spans columns 23 to 37; the end column is the one just past it
    assert lines[1].startswith(f"{path}:14:23: error[invalid-choice]")
    assert lines[-1] == "1 error in 1 file."


def test_github_format_is_chosen_on_actions_and_by_env(valid_framework):
    path = str(BROKEN / "bad_enum.yaml")
    assert run("validate", path, env={"GITHUB_ACTIONS": "true"}).stdout.startswith("::error ")
    assert (
        json.loads(run("validate", path, env={"PERFWATCH_FORMAT": "json"}).stdout)[0]["code"]
        == "invalid-choice"
    )
    assert run("validate", "--format", "text", path, env={"GITHUB_ACTIONS": "true"}).stdout.startswith(path)


def test_github_annotation_escaping():
    finding = Finding("dir,1/a:b%.yaml", 3, 4, "warning", "lint-x", "50% done\r\nnext: line")
    assert github_annotation(finding) == (
        "::warning file=dir%2C1/a%3Ab%25.yaml,line=3,endLine=3,col=4,endColumn=4,title=perfwatch lint-x::50%25 done%0D%0Anext: line"
    )
    assert github_annotation(Finding("a.yaml", code="file-not-found", message="m")) == (
        "::error file=a.yaml,title=perfwatch file-not-found::m"
    )


def test_summary_line_wording():
    error = Finding("a", 1, 1, "error", "x", "m")
    warning = Finding("a", 1, 1, "warning", "x", "m")
    assert summary_line([], 6) == "All 6 frameworks are valid."
    assert summary_line([error, error, warning], 3) == "2 errors and 1 warning in 3 files."
    assert summary_line([error], 1) == "1 error in 1 file."


def test_quiet_drops_the_summary(valid_framework):
    result = run("--quiet", "validate", str(valid_framework))
    assert (result.exit_code, result.stdout) == (0, "")


def test_missing_path_is_a_finding():
    result = run("validate", "no/such/framework.yaml")
    assert result.exit_code == 1
    assert "no/such/framework.yaml: error[file-not-found]" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", "--format", "xml", "x.yaml"],
        ["validate", "--bogus", "x.yaml"],
        ["nonsense"],
    ],
)
def test_usage_errors_exit_2(args):
    assert run(*args).exit_code == 2


def test_folder_without_yaml_exits_2(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.exit_code == 2
    assert "no *.yaml or *.yml files" in result.stderr
    assert "Traceback" not in result.output


def test_data_needs_one_framework(valid_framework):
    result = run("validate", "--data", "x.csv", str(valid_framework), str(valid_framework))
    assert result.exit_code == 2


def test_data_checks_run_or_say_they_are_unavailable(valid_framework, tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("indicator,area,period,value\nCI-2,test,2023/24,80\n")
    result = run("validate", "--data", str(data), str(valid_framework))
    try:
        import perfwatch.data.checks  # noqa: F401
    except ImportError:
        assert result.exit_code == 2
        assert "data checks are not available" in result.stderr
    else:
        assert result.exit_code in (0, 1), result.output


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("perfwatch ")


def test_log_file(tmp_path, valid_framework):
    log = tmp_path / "run.log"
    result = run("--log-file", str(log), "validate", str(valid_framework))
    assert result.exit_code == 0
    assert f"checking {valid_framework}" in log.read_text()


def test_schema_prints_the_committed_schema(repo_root, tmp_path):
    committed = (repo_root / "schema" / "framework.schema.json").read_text(encoding="utf-8")
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == committed
    out = tmp_path / "out" / "framework.schema.json"
    assert run("schema", "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == committed


def _imported_after(args: list[str]) -> set[str]:
    code = (
        "import sys\nfrom perfwatch.cli import cli\n"
        f"try:\n    cli({args!r}, prog_name='perfwatch')\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    [line] = [line for line in done.stdout.splitlines() if line.startswith("HEAVY=")]
    return set(filter(None, line.removeprefix("HEAVY=").split(",")))


def test_help_imports_nothing_heavy():
    assert _imported_after(["--help"]) == set()


def test_validate_imports_nothing_heavy(valid_framework):
    assert _imported_after(["--quiet", "validate", str(valid_framework)]) == set()


def test_project_file_named_explicitly_is_checked_as_a_project(tmp_path):
    pytest.importorskip("perfwatch.framework.project")
    project = tmp_path / "perfwatch.yaml"
    project.write_text("framework: fw.yaml\nframwork_title: x\n")
    result = run("validate", str(project))
    assert result.exit_code == 1, result.output
    assert f"{project}:2:1: error[unknown-key]" in result.stdout


def test_info_findings_are_notices_count_as_nothing_and_strict_keeps_them():
    from perfwatch.errors import promote_warnings

    info = Finding("data.csv", None, None, "info", "other-areas", "12 rows for 3 areas were left out")
    assert github_annotation(info).startswith("::notice file=data.csv,")
    assert summary_line([info], 1) == "The framework is valid."
    assert promote_warnings([info]) == [info]
    warning = Finding("data.csv", 2, None, "warning", "stale-data", "m")
    assert summary_line([info, warning], 1) == "1 warning in 1 file; no errors."
