"""The JSON Schema and the validator agree wherever the schema can speak: on single values (enums,
patterns, minimums, types, unknown and missing keys). Cross-references stay the validator's job."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from perfwatch.errors import InputError
from perfwatch.framework.load import check_document
from perfwatch.framework.model import Framework
from perfwatch.framework.yamlload import load_yaml

REPO = Path(__file__).resolve().parents[2]
BROKEN = Path(__file__).parent / "broken"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads((REPO / "schema" / "framework.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def loadable(paths):
    for path in sorted(paths):
        try:
            yield path.name, load_yaml(path)
        except InputError:
            continue  # YAML-level problems: neither the schema nor the models see them


BROKEN_DOCUMENTS = dict(loadable(BROKEN.glob("*.yaml")))
FRAMEWORKS = dict(loadable([*REPO.glob("frameworks/*.yaml"), *REPO.glob("examples/*/framework.yaml")]))


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_every_bundled_and_example_framework_passes_both(validator, name):
    document = FRAMEWORKS[name]
    assert list(validator.iter_errors(document.data)) == []
    assert [f.format() for f in check_document(document)[1] if f.is_error] == []


@pytest.mark.parametrize("name", sorted(BROKEN_DOCUMENTS))
def test_broken_corpus_schema_agrees_with_the_validator(validator, name):
    """The models' stage (keys, types, enums, patterns, bounds) is what the schema mirrors: where it fails
    the schema must fail; where only cross-references fail, the schema must pass."""
    document = BROKEN_DOCUMENTS[name]
    schema_errors = list(validator.iter_errors(document.data))
    try:
        Framework.model_validate(document.data)
    except ValidationError:
        assert schema_errors, f"the models refuse {name} but the schema accepts it"
    else:
        assert schema_errors == [], f"the schema refuses {name}, which only cross-field checks look at"


def indicator_with(base, **changes):
    data = copy.deepcopy(base)
    data["themes"][0]["outcomes"][0]["indicators"][0].update(changes)
    return data


@pytest.mark.parametrize(
    "changes",
    [
        {"tolerance": {"amber": "5 percent"}},
        {"tolerance": {"amber": -5}},
        {"tolerance": {"amber": "5"}},
        {"confidence": 0.9},
        {"confidence": 95},
        {"unit": "percent"},
        {"polarity": "higher"},
        {"per": 0},
        {"decimals": 7},
        {"id": "bad id"},
    ],
)
def test_single_value_the_validator_refuses_the_schema_refuses(validator, valid_framework, tmp_path, changes):
    data = indicator_with(load_yaml(valid_framework).data, **changes)
    assert list(validator.iter_errors(data)), f"the schema accepts {changes}"
    path = tmp_path / "fw.yaml"
    path.write_text(json.dumps(data, default=str))
    _, findings = check_document(load_yaml(path))
    assert any(f.is_error for f in findings), f"the validator accepts {changes}"


@pytest.mark.parametrize(
    "changes",
    [
        {"tolerance": {"amber": "5%"}},
        {"tolerance": {"amber": " 2.5 % "}},
        {"tolerance": {"amber": 0}},
        {"unit": "Percentage"},
        {"polarity": "Higher_Is_Better"},
    ],
)
def test_single_value_the_validator_accepts_the_schema_accepts(validator, valid_framework, tmp_path, changes):
    data = indicator_with(load_yaml(valid_framework).data, **changes)
    assert list(validator.iter_errors(data)) == []
    path = tmp_path / "fw.yaml"
    path.write_text(json.dumps(data, default=str))
    assert [f for f in check_document(load_yaml(path))[1] if f.is_error] == []


def test_words_are_case_insensitive_and_normalised_on_load(validator, valid_framework, tmp_path):
    data = indicator_with(load_yaml(valid_framework).data, unit="Percentage", polarity="Higher_Is_Better")
    data["year_start"] = "April"
    data["reporting"] = {"cycles": [{"id": "b", "title": "Board", "months": ["Dec", "JUL", "March"]}]}
    assert list(validator.iter_errors(data)) == []
    path = tmp_path / "fw.yaml"
    path.write_text(json.dumps(data, default=str))
    framework, findings = check_document(load_yaml(path))
    assert [f for f in findings if f.is_error] == []
    indicator = framework.themes[0].outcomes[0].indicators[0]
    assert (indicator.unit, indicator.polarity) == ("percentage", "higher_is_better")
    assert framework.year_start == "april" and framework.year_start_month == 4
    assert framework.reporting.cycles[0].months == ["dec", "jul", "march"]
