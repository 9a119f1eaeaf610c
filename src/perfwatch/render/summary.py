"""The board's first page: the Making Data Count summary matrix and the key to every icon a report uses.

NHS England's Making Data Count places each indicator in a matrix of *variation* (is the latest point a
special cause of improvement or concern, or common cause?) by *assurance* (will the process reliably hit
its target?). The cells are read from the evaluated `variation` and `assurance` columns: nothing here
decides a signal, it only groups what the evaluation decided.
"""

from __future__ import annotations

from collections.abc import Iterable

from perfwatch.render import icons
from perfwatch.render.badges import _image
from perfwatch.render.views import Badge, IconKeyEntry, IndicatorView, MatrixCell, MatrixRow, SpcMatrix

#: Columns of the matrix: a heading and the `variation` codes it holds.
VARIATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "Special cause improvement": ("improvement_high", "improvement_low"),
    "Common cause": ("common_cause",),
    "Special cause concern": ("concern_high", "concern_low"),
    "Special cause, neither better nor worse": ("neutral_high", "neutral_low"),
}
#: Rows of the matrix: a heading and the `assurance` code it holds ('' is an indicator with no target).
ASSURANCE_ROWS: dict[str, str] = {
    "Consistently passing the target": "consistent_pass",
    "Hit and miss": "inconsistent",
    "Consistently failing the target": "consistent_fail",
    "No target to assure": "",
}
#: The icon that stands for each column and row in the headings.
_COLUMN_ICONS = ("improvement_high", "common_cause", "concern_high", "neutral_high")
_ROW_ICONS = ("consistent_pass", "inconsistent", "consistent_fail", "")


def spc_matrix(indicators: Iterable[IndicatorView]) -> SpcMatrix | None:
    """Every indicator with SPC in the cell of its variation and assurance, in framework order; None when
    no indicator of the report has SPC switched on."""
    with_spc = [ind for ind in indicators if ind.variation.value]
    if not with_spc:
        return None
    columns = [
        Badge(code, name, _image(icons.variation_icon(code, decorative=True)))
        for name, code in zip(VARIATION_COLUMNS, _COLUMN_ICONS, strict=True)
    ]
    rows = []
    for (name, assurance), icon in zip(ASSURANCE_ROWS.items(), _ROW_ICONS, strict=True):
        heading = Badge(
            assurance or "none", name, _image(icons.assurance_icon(icon, decorative=True)) if icon else ""
        )
        cells = [
            MatrixCell(
                [ind for ind in with_spc if ind.assurance.value == assurance and ind.variation.value in codes]
            )
            for codes in VARIATION_COLUMNS.values()
        ]
        rows.append(MatrixRow(heading, cells))
    return SpcMatrix(columns, rows, len(with_spc))


def icon_key(indicators: Iterable[IndicatorView]) -> list[IconKeyEntry]:
    """One entry for each distinct icon the report's indicators show, with its meaning, in reading order
    (status, direction, trend, benchmark, variation, assurance), so no mark on the page goes unexplained."""
    seen: dict[tuple[int, str], IconKeyEntry] = {}
    for ind in indicators:
        for group, badge in (
            ("Status", ind.status), ("Direction", ind.direction), ("Direction", ind.direction_yoy),
            ("Recent trend", ind.trend), ("Benchmark", ind.benchmark), ("SPC variation", ind.variation),
            ("SPC assurance", ind.assurance),
        ):  # fmt: skip
            if badge.value and badge.icon:
                key = (KEY_GROUPS.index(group), str(badge.icon))
                if key not in seen:
                    meaning = badge.word
                    if group == "Benchmark":
                        meaning = icons.BENCHMARK_LABELS[badge.value].format(comparator="the comparator area")
                    seen[key] = IconKeyEntry(group, badge.icon, meaning)
    return [seen[key] for key in sorted(seen, key=lambda key: key[0])]


KEY_GROUPS = ["Status", "Direction", "Recent trend", "Benchmark", "SPC variation", "SPC assurance"]
