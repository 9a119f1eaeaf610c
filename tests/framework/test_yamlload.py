"""The marked YAML loader: narrowed typing, duplicate keys with merges, and locating pydantic `loc`s."""

from __future__ import annotations

import textwrap

import pytest

from perfwatch.errors import InputError
from perfwatch.framework.yamlload import dotted, load_yaml


def write(tmp_path, text: str, name: str = "doc.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_implicit_typing_is_narrowed(tmp_path):
    doc = load_yaml(
        write(
            tmp_path,
            """\
            country: NO
            switch: on
            on: yes
            time: 12:30
            octal: 017
            day: 2024-01-01
            sci: 1e3
            year: 2023
            hex: 0x1F
            half: 0.5
            flag: true
            empty: ~
            """,
        )
    )
    assert doc.data == {
        "country": "NO",
        "switch": "on",
        "on": "yes",
        "time": "12:30",
        "octal": "017",
        "day": "2024-01-01",
        "sci": 1000.0,
        "year": 2023,
        "hex": 31,
        "half": 0.5,
        "flag": True,
        "empty": None,
    }


def test_merge_keys_work_and_explicit_keys_override(tmp_path):
    doc = load_yaml(
        write(
            tmp_path,
            """\
            base: &band {amber: 2, note: shared}
            indicator:
              <<: *band
              amber: 3
            """,
        )
    )
    assert doc.data["indicator"] == {"amber": 3, "note": "shared"}
    assert doc.locate(("indicator", "amber")) == (4, 10)
    assert doc.locate(("indicator", "note")) == (1, 30)


def test_duplicate_key_names_both_lines(tmp_path):
    path = write(tmp_path, "a: 1\nb:\n  c: 2\n  d: 3\n  c: 4\n")
    with pytest.raises(InputError) as raised:
        load_yaml(path)
    [finding] = raised.value.findings
    assert (finding.line, finding.column, finding.code) == (5, 3, "yaml-duplicate-key")
    assert "first at line 3" in finding.message


def test_locate_skips_union_member_names_and_points_at_keys(tmp_path):
    doc = load_yaml(
        write(
            tmp_path,
            """\
            themes:
              - id: T1
                outcomes:
                  - {id: O1, tolerance: {amber: [1]}}
            """,
        )
    )
    loc = ("themes", 0, "outcomes", 0, "tolerance", "amber", "float")
    assert doc.locate(loc) == (4, 37)
    assert doc.locate(loc, key=True) == (4, 30)
    node, _, walked = doc.resolve(loc)
    assert walked == ("themes", 0, "outcomes", 0, "tolerance", "amber")


def test_locate_missing_key_points_at_the_mapping(tmp_path):
    doc = load_yaml(write(tmp_path, "themes:\n  - id: T1\n    title: x\n"))
    assert doc.locate(("themes", 0, "outcomes")) == (2, 5)


def test_finding_carries_dotted_location(tmp_path):
    doc = load_yaml(write(tmp_path, "themes:\n  - id: T1\n"))
    finding = doc.finding(("themes", 0, "id"), "code", "message")
    assert (finding.line, finding.column, finding.loc) == (2, 9, "themes[0].id")
    assert dotted(("a", 0, "b", 2)) == "a[0].b[2]"


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfid: x\n")
    assert load_yaml(path).data == {"id": "x"}


def test_tab_inside_a_value_is_not_indentation(tmp_path):
    assert load_yaml(write(tmp_path, 'title: "a\\tb"\nnote: a\tb\n')).data == {
        "title": "a\tb",
        "note": "a\tb",
    }


def test_shared_anchor_used_many_times_is_fine(tmp_path):
    lines = ["band: &band {amber: 2, locality: {amber: 4}}", "items:"]
    lines += [f"  - {{id: I{i}, tolerance: *band}}" for i in range(300)]
    doc = load_yaml(write(tmp_path, "\n".join(lines) + "\n"))
    assert len(doc.data["items"]) == 300


@pytest.mark.parametrize(
    ("text", "code"),
    [("- a\n- b\n", "yaml-not-mapping"), ("just text\n", "yaml-not-mapping"), ("", "yaml-empty")],
)
def test_documents_that_are_not_mappings(tmp_path, text, code):
    with pytest.raises(InputError) as raised:
        load_yaml(write(tmp_path, text))
    assert raised.value.findings[0].code == code
