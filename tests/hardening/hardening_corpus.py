"""The corpus of broken inputs: each case is one mistake in one file, and what perfwatch must say about it.

A case names the file it breaks (`target`), how to make it (text, bytes, or a function that writes it),
and the `file:line` (or `file:row`, or just `file` for a whole-file problem) plus words the single error
message must contain. `tests/hardening/test_bad_inputs.py` runs every case through the real CLI.
Cases are built from the valid project in `hardening_support.py`, so each differs from a working project by exactly
the mistake it names.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FRAMEWORK_FILE = "framework.yaml"
DATA_FILE = "data/bad.csv"
XLSX_FILE = "data/bad.xlsx"


@dataclass(frozen=True)
class Case:
    id: str
    target: str  # framework | project | data | xlsx | actions | commentary
    content: str | bytes | Callable[[Path], None]
    where: str  # "file:line" (or just "file" for a problem with the whole file) the message starts with
    words: tuple[str, ...] = ()
    path: str | None = None  # where the content goes, when not the target's usual file
    exit_code: int = 1
    codes: tuple[str, ...] = ()  # finding codes any one of which is right, where the wording is not ours


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def xlsx(rows: list[list]) -> bytes:
    """A real workbook with these rows on its first sheet (row 1 is the header)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("data")
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            sheet.write(r, c, cell)
    book.close()
    return buffer.getvalue()


HEADER = "indicator,area,period,value,numerator,denominator\n"
GOOD_ROW = "AD-1,north,Q1 2024/25,40,,\n"
XLSX_HEADER = ["indicator", "area", "period", "value", "numerator", "denominator"]


def cases(framework: str) -> list[Case]:
    """Every case, built from the valid framework text."""

    def fw(old: str, new: str, words: tuple[str, ...], *, at: str | None = None, id: str) -> Case:
        text = replace(framework, old, new)
        return Case(id, "framework", text, f"{FRAMEWORK_FILE}:{line_of(text, at or new)}", words)

    def csv(id: str, body: str, row: int | None, words: tuple[str, ...], header: str = HEADER) -> Case:
        where = DATA_FILE if row is None else f"{DATA_FILE}:{row}"
        return Case(id, "data", header + body, where, words)

    bomb = "perfwatch: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    deep = "perfwatch: 1\nid: x\ntitle: " + "[" * 20000 + "]" * 20000 + "\n"
    truncated = framework[: framework.index("title: Board perf") + len("title: Board perf")]

    return [
        # --- framework YAML -------------------------------------------------------------------------
        fw("{amber: \"5%\"}", "{amber: \"5%\"", ("YAML syntax error",), at="areas:", id="fw-unclosed-flow"),
        fw("        title: People live well", "\ttitle: People live well", ("tab", "spaces"),
           id="fw-tab-indent"),
        fw("per: 1000", "per: lots", ("`per`", "expected a number", "'lots'"), id="fw-wrong-type"),
        fw("source: Hospital episodes", "sourse: Hospital episodes", ("`sourse`", "Did you mean `source`?"),
           at="sourse", id="fw-unknown-key"),
        fw("parent: region, comparator: region}\n  - {id: south",
           "parent: regoin, comparator: region}\n  - {id: south", ("`regoin`", "`region`"), at="regoin",
           id="fw-dangling-parent"),
        fw("- id: PC-1", "- id: AD-1", ("indicator id `AD-1`",), at="- id: AD-1\n            title: People",
           id="fw-duplicate-id"),
        fw("per: 1000\n", "per: 1000\n            per: 100\n", ("duplicate key `per`",),
           at="            per: 100\n", id="fw-duplicate-key"),
        Case("fw-empty", "framework", b"", f"{FRAMEWORK_FILE}:1", ("empty",)),
        Case("fw-comments-only", "framework", "# nothing here yet\n# still nothing\n", f"{FRAMEWORK_FILE}:1",
             ("empty",)),
        Case("fw-truncated", "framework", truncated, f"{FRAMEWORK_FILE}:", ("YAML syntax error",)),
        Case("fw-binary", "framework", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", f"{FRAMEWORK_FILE}:3",
             ("binary",)),
        Case("fw-cp1252", "framework", replace(framework, "Hardening test framework", "Cafés framework")
             .encode("cp1252"), f"{FRAMEWORK_FILE}:3", ("not UTF-8", "0xe9")),
        Case("fw-utf16", "framework", framework.encode("utf-16"), f"{FRAMEWORK_FILE}:1", ("UTF-16",)),
        Case("fw-top-level-list", "framework", "- perfwatch: 1\n- id: x\n", f"{FRAMEWORK_FILE}:1",
             ("top level", "a list")),
        Case("fw-alias-bomb", "framework", bomb, f"{FRAMEWORK_FILE}:", ("alias",)),
        Case("fw-deep-nesting", "framework", deep, f"{FRAMEWORK_FILE}:3",
             codes=("yaml-too-deep", "yaml-syntax")),  # our depth check or PyYAML's own (6.0.4+) may catch it
        fw("version: \"1.0\"", "version: !!python/object/apply:os.system [\"echo pwned\"]",
           ("not allowed",), at="version", id="fw-python-tag"),
        fw("target: {value: 60}", "target: {by_period: {2024/26: 60}}", ("2024/26",), at="2024/26",
           id="fw-impossible-period"),
        fw("version: \"1.0\"", "version: \"1.0\"\nreview_date: 2025-02-30", ("not a day in the calendar",),
           at="review_date", id="fw-impossible-date"),
        fw("            unit: count\n", "", ("`unit`",), at="- id: AD-1", id="fw-missing-field"),
        fw("polarity: higher_is_better\n            frequency: quarterly\n            source: Survey",
           "polarity: hgher_is_better\n            frequency: quarterly\n            source: Survey",
           ("Did you mean `higher_is_better`?",), at="hgher", id="fw-bad-choice"),
        fw("comparator: region}\n  - {id: east", "comparator: england}\n  - {id: east", ("`england`",),
           at="england", id="fw-dangling-comparator"),
        # --- project file --------------------------------------------------------------------------
        Case("project-unknown-key", "project", "framework: framework.yaml\ndata: [data/data.csv]\nouptut: build\n",
             "perfwatch.yaml:3", ("ouptut",)),
        Case("project-wrong-type", "project", "framework: framework.yaml\ndata: 5\n", "perfwatch.yaml:2",
             ("data",)),
        Case("project-syntax", "project", "framework: framework.yaml\ndata: [data/data.csv\n",
             "perfwatch.yaml:", ("YAML syntax error",)),
        Case("project-framework-is-directory", "project", "framework: fwdir\ndata: [data/data.csv]\n",
             "fwdir", ("directory",)),
        Case("project-framework-missing", "project", "framework: nowhere.yaml\ndata: [data/data.csv]\n",
             "nowhere.yaml", ("no such file",)),
        Case("project-data-missing", "project", "framework: framework.yaml\ndata: [data/nowhere.csv]\n",
             "data/nowhere.csv", ("not found",)),
        # --- data CSV ------------------------------------------------------------------------------
        csv("csv-not-a-number", GOOD_ROW + "AD-1,south,Q1 2024/25,lots,,\n", 3, ("'lots'", "not a number")),
        csv("csv-unknown-indicator", "AD-9,north,Q1 2024/25,40,,\n", 2, ("AD-9",)),
        csv("csv-unknown-area", GOOD_ROW + "AD-1,westeros,Q1 2024/25,40,,\n", 3, ("westeros",)),
        csv("csv-impossible-quarter", "AD-1,north,Q5 2024/25,40,,\n", 2, ("Q5 2024/25",)),
        csv("csv-impossible-month", "AD-1,north,2024-13,40,,\n", 2, ("2024-13",)),
        csv("csv-impossible-year", "AD-1,north,2024/26,40,,\n", 2, ("2024/26",)),
        csv("csv-duplicate-row", GOOD_ROW + GOOD_ROW, 3, ("appears twice", "row 2")),
        csv("csv-numerator-above-denominator", "PC-1,north,Q1 2024/25,,300,200\n", 2, ("numerator",)),
        csv("csv-missing-column", "north,Q1 2024/25,40\n", None, ("indicator",), header="area,period,value\n"),
        Case("csv-empty", "data", b"", DATA_FILE, ("empty",)),
        Case("csv-binary", "data", bytes(range(256)) * 4, DATA_FILE, ("binary",)),
        Case("csv-is-a-workbook", "data", xlsx([XLSX_HEADER]), DATA_FILE, ("Excel workbook",)),
        csv("csv-unterminated-quote", GOOD_ROW + 'AD-1,south,"Q1 2024/25,40,,\n', None, ("never closed",)),
        csv("csv-ragged-row", GOOD_ROW + "AD-1,south,Q1 2024/25,40,,,,,\n", 3, ("9 fields", "header has 6")),
        Case("csv-utf16", "data", (HEADER + GOOD_ROW).encode("utf-16"), DATA_FILE, ("UTF-16",)),
        Case("csv-is-a-directory", "data", lambda path: path.mkdir(parents=True), DATA_FILE, ("folder",)),
        # --- data XLSX -----------------------------------------------------------------------------
        Case("xlsx-corrupt-zip", "xlsx", b"PK\x03\x04" + b"\x00garbage" * 40, XLSX_FILE, ("XLSX",)),
        Case("xlsx-old-xls", "xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, XLSX_FILE, (".xls",)),
        Case("xlsx-is-text", "xlsx", HEADER + GOOD_ROW, XLSX_FILE, ("not an Excel",)),
        Case("xlsx-truncated", "xlsx", xlsx([XLSX_HEADER, ["AD-1", "north", "Q1 2024/25", 40]])[:700],
             XLSX_FILE, ("XLSX",)),
        Case("xlsx-not-a-number", "xlsx", xlsx([XLSX_HEADER, ["AD-1", "north", "Q1 2024/25", 40],
                                                ["AD-1", "south", "Q1 2024/25", "forty"]]),
             f"{XLSX_FILE}:3", ("'forty'",)),
        Case("xlsx-unknown-area", "xlsx", xlsx([XLSX_HEADER, ["AD-1", "north", "Q1 2024/25", 40],
                                                ["AD-1", "north", "Q2 2024/25", 41],
                                                ["AD-1", "mordor", "Q1 2024/25", 4]]),
             f"{XLSX_FILE}:4", ("mordor",)),
        Case("xlsx-empty-sheet", "xlsx", xlsx([]), XLSX_FILE, ("empty",)),
        # --- actions CSV (read by every evaluating command) -------------------------------------
        Case("actions-impossible-date", "actions",
             "id,title,outcome,owner,due,status\nA1,Clinic,O1,Head,2025-13-01,in_progress\n",
             "actions.csv:2", ("due",)),
        Case("actions-bad-status", "actions",
             "id,title,outcome,owner,due,status\nA1,Clinic,O1,Head,2025-09-30,half_done\n",
             "actions.csv:2", ("status",)),
        Case("actions-unknown-outcome", "actions",
             "id,title,outcome,owner,due,status\nA1,Clinic,O1,Head,2025-09-30,in_progress\n"
             "A2,Clinic,O9,Head,2025-09-30,in_progress\n", "actions.csv:3", ("O9",)),
        Case("actions-missing-title", "actions",
             "id,outcome,owner,due,status\nA1,O1,Head,2025-09-30,in_progress\n", "actions.csv:2", ("title",)),
        # --- commentary (read by `perfwatch report`) --------------------------------------------
        Case("commentary-csv-missing-text", "commentary", "id,area,period,words\nAD-1,,2024-25,Fine\n",
             "commentary.csv:1", ("text",), path="commentary.csv"),
    ]  # fmt: skip


#: Cases that fail today: id -> what is wrong (see the xfail tests and the hardening report).
KNOWN_FAILURES: dict[str, str] = {}
