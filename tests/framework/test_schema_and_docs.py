"""The committed JSON Schema and reference are current, draft-07 friendly, and agree with the loader."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from perfwatch.framework import docgen
from perfwatch.framework.load import check_framework
from perfwatch.framework.yamlload import load_yaml

REPO = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "broken"
BUNDLED = sorted([*REPO.glob("frameworks/*.yaml"), *REPO.glob("frameworks/*.yml")])


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads((REPO / "schema" / "framework.schema.json").read_text(encoding="utf-8"))


def test_generated_files_are_current():
    """Fails when model.py changed without `python -m perfwatch.framework.docgen` being run."""
    assert docgen.main(["--check", "--root", str(REPO)]) == 0


def test_check_reports_a_stale_file(tmp_path, capsys):
    assert docgen.main(["--check", "--root", str(tmp_path)]) == 1
    assert "python -m perfwatch.framework.docgen" in capsys.readouterr().err
    assert docgen.main(["--root", str(tmp_path)]) == 0
    assert docgen.main(["--check", "--root", str(tmp_path)]) == 0


def test_schema_is_draft_07(schema):
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] and schema["title"]
    text = json.dumps(schema)
    assert "prefixItems" not in text and "2020-12" not in text and "$defs" not in text


def test_valid_framework_passes_both(schema, valid_framework):
    jsonschema.Draft7Validator(schema).validate(load_yaml(valid_framework).data)
    assert check_framework(valid_framework)[1] == []


def test_unknown_key_fails_both(schema):
    path = BROKEN / "typo_key.yaml"
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(load_yaml(path).data))
    assert any("tolerence" in e.message for e in errors)
    assert "unknown-key" in [f.code for f in check_framework(path)[1]]


def test_numeric_ids_and_periods_are_allowed_but_patterns_kept(schema):
    validator = jsonschema.Draft7Validator(schema)
    data = {"perfwatch": 1, "id": 2023, "title": "t", "themes": [{"id": "T 1", "title": "x"}]}
    messages = [e.message for e in validator.iter_errors(data)]
    assert len(messages) == 1 and "does not match" in messages[0]


@pytest.mark.parametrize(
    ("write", "root"),
    [(docgen.reference_markdown, docgen.Framework), (docgen.project_reference_markdown, docgen.Project)],
    ids=["framework", "project"],
)
def test_reference_documents_every_field(write, root):
    text = write()
    for model in docgen._models(root):
        assert f"## {model.__name__}" in text
        for name, info in model.model_fields.items():
            assert info.description, f"{model.__name__}.{name} has no description"
            assert f"| `{info.alias or name}` |" in text


@pytest.mark.parametrize("path", BUNDLED or [pytest.param(None, marks=pytest.mark.skip("no bundled frameworks yet"))],
                         ids=[p.name for p in BUNDLED] or None)  # fmt: skip
def test_bundled_framework_validates_clean_and_against_the_schema(schema, path):
    _, findings = check_framework(path)
    assert [f.format() for f in findings if f.is_error] == []
    jsonschema.Draft7Validator(schema).validate(load_yaml(path).data)
