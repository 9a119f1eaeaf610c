"""Mutated frameworks never crash the loader: it returns a model or its own findings, nothing else."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfwatch.errors import Finding, InputError
from perfwatch.framework.load import check_framework, load_framework
from perfwatch.framework.model import Framework
from perfwatch.framework.yamlload import load_yaml

VALID = Path(__file__).parent / "valid.yaml"
BASE = load_yaml(VALID).data
BASE_TEXT = VALID.read_text(encoding="utf-8")

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", "NO", "on", "12:30", "017", "2024-02-30", "5%", "higher_is_better", "O1", "CI-2"]),
)
VALUES = st.one_of(
    SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=6), SCALARS, max_size=3)
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a node in the data, containers included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def parent_and_key(data: Any, path: tuple) -> tuple[Any, Any]:
    for part in path[:-1]:
        data = data[part]
    return data, path[-1]


@st.composite
def mutated(draw) -> Any:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        candidates = [p for p in paths(data) if p]
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent, key = parent_and_key(data, path)
        action = draw(st.sampled_from(["delete", "duplicate", "retype", "rename"]))
        if action == "delete":
            del parent[key]
        elif action == "duplicate":
            if isinstance(parent, list):
                parent.append(copy.deepcopy(parent[key]))
            else:
                parent[f"{key}_copy"] = copy.deepcopy(parent[key])
        elif action == "retype":
            parent[key] = draw(VALUES)
        elif isinstance(parent, dict):
            parent[f"{str(key)[:-1]}{draw(st.sampled_from('aex_'))}"] = parent.pop(key)
        else:
            parent[key] = draw(VALUES)
    return data


def assert_only_own_results(path: Path) -> None:
    framework, findings = check_framework(path)
    assert framework is None or isinstance(framework, Framework)
    assert all(isinstance(f, Finding) and f.file == str(path) and f.message for f in findings)
    assert all(f.line is None or f.line >= 1 for f in findings)
    try:
        load_framework(path)
    except InputError as error:
        assert error.findings


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_data_gives_a_model_or_findings(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "framework.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        assert_only_own_results(path)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["delete", "duplicate", "tab", "truncate", "insert"]),
            st.integers(0, BASE_TEXT.count("\n")),
            st.text(alphabet=st.sampled_from(list(" -:{}[]&*!|>'\"#\t\x00é") + ["a", "\n"]), max_size=6),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_mutated_text_gives_a_model_or_findings(edits):
    lines = BASE_TEXT.splitlines(keepends=True)
    for action, index, text in edits:
        index = min(index, len(lines) - 1) if lines else 0
        if not lines:
            lines = [text]
        elif action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "tab":
            lines[index] = "\t" + lines[index]
        elif action == "truncate":
            lines[index] = lines[index][: len(text)]
        else:
            lines.insert(index, text + "\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "framework.yaml"
        path.write_bytes("".join(lines).encode("utf-8", errors="surrogatepass"))
        assert_only_own_results(path)
