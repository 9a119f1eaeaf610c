"""Every kind of mistake in tests/framework/broken/ gets one finding at the exact line and column.

Each case names the file, the position of the finding, its code and words the message must contain, so
a change in wording that drops the fix or the did-you-mean is caught.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from perfwatch.errors import InputError
from perfwatch.framework.load import check_framework, load_framework
from perfwatch.framework.yamlload import load_yaml

BROKEN = Path(__file__).parent / "broken"

CASES = [
    ("typo_key.yaml", 15, 13, "unknown-key", ["`tolerence`", "indicator `I1`", "Did you mean `tolerance`?"]),
    ("duplicate_key.yaml", 16, 13, "yaml-duplicate-key", ["`target`", "first at line 15", "line 16"]),
    ("duplicate_id.yaml", 12, 18, "duplicate-id", ["indicator id `I1`", "line 11"]),
    ("dangling_contributes_to.yaml", 13, 31, "unknown-reference", ["`N01`", "national outcome", "`NO1`"]),
    ("dangling_action_outcome.yaml", 12, 14, "unknown-reference", ["`O2`", "outcome", "O1"]),
    ("dangling_action_indicator.yaml", 13, 66, "unknown-reference", ["`I-1`", "indicator", "`I1`"]),
    ("dangling_area_parent.yaml", 6, 62, "unknown-reference", ["`scotlnd`", "area", "`scotland`"]),
    ("dangling_area_comparator.yaml", 10, 17, "unknown-reference", ["`england`", "scotland, falkirk"]),
    ("dangling_benchmark_comparator.yaml", 7, 44, "unknown-reference", ["`scotand`", "`scotland`"]),
    ("dangling_tolerance_level.yaml", 10, 5, "unknown-reference", ["level `localty`", "`locality`"]),
    ("dangling_scale_status.yaml", 16, 42, "unknown-reference", ["`partially_met`", "`partly_met`"]),
    ("area_cycle.yaml", 7, 50, "area-cycle", ["a → b → c → a"]),
    ("wrong_type.yaml", 14, 18, "wrong-type", ["`per`", "expected a number", "'lots'"]),
    ("bad_enum.yaml", 14, 23, "invalid-choice", ["lower_is_better", "Did you mean `higher_is_better`?"]),
    ("missing_field.yaml", 11, 13, "missing-key", ["`unit`", "indicator `I1`", "percentage"]),
    ("tabs.yaml", 6, 1, "yaml-tab", ["tab", "spaces"]),
    ("empty.yaml", 1, 1, "yaml-empty", ["empty"]),
    ("top_level_list.yaml", 1, 1, "yaml-not-mapping", ["top level", "a list"]),
    ("binary.yaml", 2, 6, "file-binary", ["binary"]),
    ("non_utf8.yaml", 3, 11, "file-encoding", ["not UTF-8", "0xe9", "save the file as UTF-8"]),
    ("alias_bomb.yaml", 5, 4, "yaml-alias-bomb", ["alias", "expand"]),
    ("recursive_alias.yaml", 4, 9, "yaml-recursive-alias", ["alias"]),
    ("bad_date.yaml", 4, 14, "invalid-date", ["`review_date`", "YYYY-MM-DD", "not a day in the calendar"]),
    ("bad_date.yaml", 6, 25, "invalid-date", ["`on`", "Did you mean 2016-03-24?"]),
    ("yaml_traps.yaml", 19, 23, "invalid-choice", ["`polarity`", "found the text 'no'"]),
    ("syntax_error.yaml", 7, 13, "yaml-syntax", ["YAML syntax error", "line 6"]),
    ("unknown_tag.yaml", 4, 14, "yaml-tag", ["python/object", "not allowed"]),
    ("two_documents.yaml", 4, 1, "yaml-syntax", ["one YAML document", "`---`"]),
    ("tolerance_key_typo.yaml", 5, 15, "unknown-key", ["`amberr`", "Did you mean `amber`?"]),
    ("target_two_kinds.yaml", 15, 21, "invalid-value", ["exactly one of", "value and by_period"]),
    ("target_not_number.yaml", 15, 29, "wrong-type", ["must be a number", "'85%'"]),
    ("bad_union_value.yaml", 5, 22, "wrong-type", ["expected a number or text", "a list"]),
    ("bad_id.yaml", 5, 9, "invalid-value", ["an id made of letters", "'T 1'"]),
    ("bad_period.yaml", 15, 32, "invalid-period", ["last year", "2023/24"]),
]


@pytest.mark.parametrize(
    ("name", "line", "column", "code", "words"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES]
)
def test_broken_framework_is_reported_at_its_line_and_column(name, line, column, code, words):
    _, findings = check_framework(BROKEN / name)
    matching = [f for f in findings if (f.line, f.column, f.code) == (line, column, code)]
    assert matching, "\n".join(f.format() for f in findings)
    finding = matching[0]
    assert finding.is_error
    assert finding.file == str(BROKEN / name)
    for word in words:
        assert word in finding.message


@pytest.mark.parametrize("name", sorted({c[0] for c in CASES}))
def test_load_framework_raises_input_error_with_every_error(name):
    with pytest.raises(InputError) as raised:
        load_framework(BROKEN / name)
    assert raised.value.findings
    assert all(f.is_error for f in raised.value.findings)


def test_every_corpus_file_has_a_case():
    covered = {c[0] for c in CASES}
    assert {p.name for p in BROKEN.iterdir()} == covered


def test_missing_file():
    _, findings = check_framework(BROKEN / "no-such-framework.yaml")
    [finding] = findings
    assert (finding.code, finding.line) == ("file-not-found", None)
    assert "no such file" in finding.message


def test_directory():
    _, findings = check_framework(BROKEN)
    [finding] = findings
    assert finding.code == "file-is-directory"
    assert "directory" in finding.message


def test_unreadable_file(monkeypatch, tmp_path):
    path = tmp_path / "locked.yaml"
    path.write_text("perfwatch: 1\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    _, findings = check_framework(path)
    [finding] = findings
    assert finding.code == "file-unreadable"
    assert "permission denied" in finding.message


def test_utf16_file_is_named(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_bytes("perfwatch: 1\n".encode("utf-16"))
    _, [finding] = check_framework(path)
    assert finding.code == "file-encoding"
    assert "UTF-16" in finding.message


def test_alias_bomb_is_refused_quickly():
    started = time.perf_counter()
    _, findings = check_framework(BROKEN / "alias_bomb.yaml")
    assert time.perf_counter() - started < 0.5
    assert findings[0].code == "yaml-alias-bomb"


def test_yaml_traps_stay_text():
    """`NO`, `on`, `12:30`, `017` and dates are read as written; booleans still work where expected."""
    data = load_yaml(BROKEN / "yaml_traps.yaml").data
    assert data["version"] == "12:30"
    assert data["areas"][0] == {"id": "NO", "name": "Norway", "level": "nation", "code": "017"}
    assert data["approved"][0] == {"by": "The Board", "on": "2016-03-24"}
    indicator = data["themes"][0]["outcomes"][0]["indicators"][0]
    assert indicator["polarity"] == "no"
    assert indicator["under_development"] == "yes"
    _, findings = check_framework(BROKEN / "yaml_traps.yaml")
    assert [f.code for f in findings if f.is_error] == ["invalid-choice"]
