"""The schema travels with every framework: `perfwatch init` writes it and a modeline that finds it, and
the bundled frameworks' modelines find it inside the installed wheel as in the repository."""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from perfwatch.cli import cli
from perfwatch.framework.docgen import json_schema
from perfwatch.framework.yamlload import load_yaml

REPO = Path(__file__).resolve().parents[2]
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def modeline_target(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = MODELINE.match(first)
    assert match, f"{path.name} does not start with a yaml-language-server modeline"
    return match.group(1)


@pytest.mark.parametrize("bundled", [None, "thurrock-hwb", "forth-valley-ijb"])
def test_init_writes_the_schema_and_a_modeline_that_finds_it(tmp_path, bundled):
    args = ["init", "-q", str(tmp_path / "p")] + (["--from", bundled] if bundled else [])
    assert CliRunner().invoke(cli, args).exit_code == 0
    framework = next(p for p in (tmp_path / "p").glob("*.yaml") if p.name != "perfwatch.yaml")
    schema_path = framework.parent / modeline_target(framework)
    assert schema_path.is_file()
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert schema == json_schema()
    jsonschema.Draft7Validator(schema).validate(load_yaml(framework).data)


def test_a_typo_in_an_init_framework_is_flagged_by_its_schema(tmp_path):
    assert CliRunner().invoke(cli, ["init", "-q", str(tmp_path / "p")]).exit_code == 0
    framework = tmp_path / "p" / "framework.yaml"
    framework.write_text(framework.read_text().replace("polarity: higher_is_better", "polarity: higher", 1))
    schema = json.loads((tmp_path / "p" / modeline_target(framework)).read_text())
    assert list(jsonschema.Draft7Validator(schema).iter_errors(load_yaml(framework).data))


def test_bundled_frameworks_find_the_schema_in_the_repository_and_in_the_wheel():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    installed = {destination: REPO / source for source, destination in shipped.items()}
    for framework in sorted((REPO / "frameworks").glob("*.yaml")):
        target = modeline_target(framework)
        assert (framework.parent / target).resolve().is_file(), (
            f"{framework.name}: {target} not in the repository"
        )
        in_wheel = posixpath.normpath(posixpath.join("perfwatch/frameworks", target))
        folder, name = posixpath.split(in_wheel)
        assert folder in installed and (installed[folder] / name).is_file(), f"{in_wheel} is not in the wheel"
