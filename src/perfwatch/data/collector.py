"""Findings located at rows, collected by the data checks: at most MAX_ROW_FINDINGS of one kind per file,
the rest summarised; and the row helpers the checks share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from perfwatch.data.mapping import _clean_id
from perfwatch.data.observations import MAX_ROW_FINDINGS
from perfwatch.data.values import distinct_values
from perfwatch.errors import Finding


class _Collector:
    """Findings located at rows, at most MAX_ROW_FINDINGS of one kind per file, the rest summarised.

    Flagged rows are found with numpy over the whole table; only the few that are reported are taken out
    of it and turned into text.
    """

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def rows(
        self,
        stage: pd.DataFrame,
        mask: np.ndarray,
        code: str,
        message: Callable[[pd.DataFrame], Iterable[str]],
        severity: str = "error",
        extra: dict[str, np.ndarray] | None = None,
    ) -> None:
        """One finding per flagged row; `message` turns the reported rows (a small frame) into texts.

        `extra` holds arrays with one item per flagged row, added to the frame `message` gets.
        """
        flagged = np.flatnonzero(mask)
        if not len(flagged):
            return
        files = stage["file"].cat.codes.to_numpy()[flagged]
        groups, rank, sizes = _within_groups(files)
        shown = np.flatnonzero(rank < MAX_ROW_FINDINGS)
        picked = stage.iloc[flagged[shown]].reset_index(drop=True)
        for name, values in (extra or {}).items():
            picked[name] = np.asarray(values)[shown]
        texts = list(message(picked))
        file_names = stage["file"].cat.categories
        picked_groups = groups[shown]
        rows = picked["row"].to_numpy()
        for group, file_code in enumerate(pd.unique(files)):
            file = str(file_names[file_code])
            for position in np.flatnonzero(picked_groups == group):
                self.add(Finding(file, int(rows[position]), None, severity, code, texts[position]))
            if sizes[group] > MAX_ROW_FINDINGS:
                more = sizes[group] - MAX_ROW_FINDINGS
                first_unshown = flagged[np.flatnonzero((groups == group) & (rank == MAX_ROW_FINDINGS))[0]]
                row = int(stage["row"].iat[first_unshown])
                message_text = f"... and {more} more rows with the same problem ({code})"
                self.add(Finding(file, row, None, severity, code, message_text))

    def grouped(
        self,
        stage: pd.DataFrame,
        mask: np.ndarray,
        by: str,
        code: str,
        message: Callable[[Any], str],
        severity: str = "error",
    ) -> None:
        """One finding per distinct value of `by` per file, at its first row, with the other rows listed."""
        flagged = np.flatnonzero(mask)
        if not len(flagged):
            return
        value_codes, values = distinct_values(stage[by].iloc[flagged])
        shown = [v if isinstance(v, str) else _clean_id(v) for v in values]
        labels = pd.Index([v for v in shown if v is not None], dtype=object).unique()
        label_codes = np.append(labels.get_indexer(pd.Index(shown, dtype=object)), -1)
        label_codes = label_codes[np.where(value_codes < 0, len(values), value_codes)]
        files = stage["file"].cat.codes.to_numpy()[flagged]
        key = files.astype("int64") * (len(labels) + 1) + label_codes + 1
        groups, rank, sizes = _within_groups(key)
        order = np.lexsort((rank, groups))
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        file_names = stage["file"].cat.categories
        rows = stage["row"].to_numpy()[flagged]
        for group, start in enumerate(starts):
            members = order[start : start + sizes[group]]
            first = members[0]
            also = ""
            if len(members) > 1:
                listed = ", ".join(str(r) for r in rows[members[1:6]])
                more = f" and {len(members) - 6} more" if len(members) > 6 else ""
                also = f"; also on rows {listed}{more}"
            value = labels[label_codes[first]] if label_codes[first] >= 0 else None
            file = str(file_names[files[first]])
            self.add(Finding(file, int(rows[first]), None, severity, code, message(value) + also))


def _within_groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each item: its group (numbered in order of first appearance) and its rank within the group;
    and each group's size."""
    groups, uniques = pd.factorize(key)
    sizes = np.bincount(groups, minlength=len(uniques))
    order = np.argsort(groups, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(len(key), dtype="int64")
    rank[order] = np.arange(len(key)) - np.repeat(starts, sizes)
    return groups, rank, sizes


def _labels(rows: pd.DataFrame) -> list[str]:
    """`indicator, area, period` for each of a few flagged rows, to say which figure a message is about."""
    return [
        f"{i}, {a}, {p}"
        for i, a, p in zip(
            rows["indicator"].astype(object),
            rows["area"].astype(object),
            rows["period"].astype(object),
            strict=True,
        )
    ]
