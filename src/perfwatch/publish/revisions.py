"""Published values remembered between builds, so a number revised since the last report is never silent.

After a build, `snapshot(results)` records every published value (indicator × area × period → value, or
the text answer of a yes/no or judgement indicator) and `save_snapshot` keeps it beside the outputs as
`.perfwatch-values.json`. The next build of the same framework into the same folder compares against it:
each value that changed, or that was published and has gone, is a warning finding such as
"CI-12 falkirk 2022/23 changed from 101.2 to 99.8". Values of partial periods (a year so far) are not
recorded, since they are expected to change as the year fills in.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from perfwatch.errors import Finding
from perfwatch.fileio import write_text_atomic

if TYPE_CHECKING:
    from perfwatch.evaluate.results import Results

SNAPSHOT_FILE = ".perfwatch-values.json"
FORMAT_VERSION = 1
RELATIVE_TOLERANCE = 1e-9
"""Differences below this (relative) are floating-point noise, not revisions."""

KEYS = ["indicator", "area", "period"]
LOGGER = logging.getLogger("perfwatch.publish.revisions")


def _texts(column: pd.Series) -> np.ndarray:
    """A column as an object array of Python strings (None where missing), decoded once per category."""
    values = column.astype(object).to_numpy()
    return np.where(pd.isna(values), None, values)


def _as_str(values: np.ndarray) -> np.ndarray:
    """Ids and labels as text (as a file keeps them), converted once per distinct value."""
    codes, uniques = pd.factorize(values)
    return np.asarray([str(u) for u in uniques], dtype=object)[codes]


def snapshot(results: Results) -> dict[str, Any]:
    """The published values of `results`, as plain JSON-ready data, sorted for stable files.

    Column-wise: a national table has over a million published values, so nothing here runs per row in
    pandas (the rows are put together once, from Python lists).
    """
    table = results.table
    text = _texts(table["value_text"]) if "value_text" in table else np.full(len(table), None, dtype=object)
    flag = _texts(table["flag"]) if "flag" in table else np.full(len(table), None, dtype=object)
    flag = np.where(flag == None, "", flag)  # noqa: E711 (element-wise)
    value = table["value"].to_numpy(dtype="float64")
    has_text = text != None  # noqa: E711 (element-wise)
    published = (np.isfinite(value) | has_text) & table["period"].notna().to_numpy() & (flag != "partial")
    keys = [_as_str(table[key].astype(object).to_numpy()[published]) for key in KEYS]
    order = np.lexsort(
        [pd.factorize(key, sort=True)[0] for key in reversed(keys)]
    )  # by indicator, area, period
    numbers = value[published].astype(object)
    numbers[has_text[published]] = None
    columns = [*(key[order].tolist() for key in keys), numbers[order].tolist(), text[published][order].tolist(),
               flag[published][order].tolist()]  # fmt: skip
    return {
        "perfwatch_values": FORMAT_VERSION,
        "framework": results.framework.id,
        "columns": ["indicator", "area", "period", "value", "text", "flag"],
        "values": list(zip(*columns, strict=True)),  # rows as tuples: JSON arrays, like lists
    }


def _frame(data: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(
        data.get("values", []), columns=["indicator", "area", "period", "value", "text", "flag"]
    )
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    return frame


def _number(value: float) -> str:
    """101.2, 1234567, 0.25: as many decimals as the value has, up to six."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def compare(previous: dict[str, Any] | None, current: dict[str, Any], *, file: str = "data") -> list[Finding]:
    """A warning for each value published before that has changed or gone; nothing for new values.

    Snapshots of a different framework are not compared (the folder was reused for another report).
    """
    if not previous or previous.get("framework") != current.get("framework"):
        return []
    before, after = _frame(previous), _frame(current)
    joined = before.merge(after, on=KEYS, how="left", suffixes=("_before", "_after"), indicator=True)
    gone = (joined["_merge"] == "left_only").to_numpy()
    old, new = joined["value_before"].to_numpy(), joined["value_after"].to_numpy()
    both_numbers = np.isfinite(old) & np.isfinite(new)
    with np.errstate(invalid="ignore"):
        moved = both_numbers & ~np.isclose(old, new, rtol=RELATIVE_TOLERANCE, atol=0.0)
    old_text = joined["text_before"].fillna("").astype(str).to_numpy()
    new_text = joined["text_after"].fillna("").astype(str).to_numpy()
    kind_changed = ~gone & ~both_numbers & ((np.isfinite(old) != np.isfinite(new)) | (old_text != new_text))
    findings = []
    for row, is_gone in zip(joined[gone | moved | kind_changed].itertuples(index=False),
                            gone[gone | moved | kind_changed], strict=True):  # fmt: skip
        was = row.text_before if isinstance(row.text_before, str) else _number(row.value_before)
        where = f"{row.indicator} {row.area} {row.period}"
        provisional = " (it was provisional)" if row.flag_before == "provisional" else ""
        if is_gone:
            message = f"{where} was {was} in the last build and is no longer published{provisional}"
            code = "value-withdrawn"
        else:
            now = row.text_after if isinstance(row.text_after, str) else (
                "missing" if not np.isfinite(row.value_after) else _number(row.value_after)
            )  # fmt: skip
            message = f"{where} changed from {was} to {now}{provisional}"
            code = "value-revised"
        findings.append(Finding(file, None, None, "warning", code, message))
    return findings


def load_snapshot(out_dir: str | Path) -> dict[str, Any] | None:
    """The snapshot kept in `out_dir`, or None if there is none (or it cannot be read: logged)."""
    path = Path(out_dir) / SNAPSHOT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        LOGGER.warning("ignored %s: %s", path, error)
        return None
    if not isinstance(data, dict) or data.get("perfwatch_values") != FORMAT_VERSION:
        LOGGER.warning("ignored %s: not a perfwatch values snapshot of version %d", path, FORMAT_VERSION)
        return None
    return data


def save_snapshot(out_dir: str | Path, data: dict[str, Any]) -> Path:
    """Write the snapshot beside the outputs, atomically."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return write_text_atomic(Path(out_dir) / SNAPSHOT_FILE, text.replace("],[", "],\n[") + "\n")


def check_revisions(results: Results, out_dir: str | Path, *, file: str = "data") -> list[Finding]:
    """After a successful build into `out_dir`: compare with the last build's values, then remember these.

    This is the call `api.build` (and `export`) makes once every report of the run is written.
    """
    current = snapshot(results)
    findings = compare(load_snapshot(out_dir), current, file=file)
    save_snapshot(out_dir, current)
    return findings


def mark_revisions(results: Results, out_dir: str | Path) -> Results:
    """Before rendering into `out_dir`: each figure that differs from the one the last build there
    published is flagged `revised` where it is shown, and named with its old and new figure in the data
    notes, so that a board never reads a silently changed number. The snapshot itself is updated only
    after a successful build (`check_revisions`)."""
    import dataclasses

    previous = load_snapshot(out_dir)  # the notes (render/data_notes.py) give the old and new figure
    if not previous or previous.get("framework") != results.framework.id:
        return results
    joined = _frame(previous).merge(_frame(snapshot(results)), on=KEYS, suffixes=("_before", "_after"))
    old, new = joined["value_before"].to_numpy(), joined["value_after"].to_numpy()
    with np.errstate(invalid="ignore"):
        moved = np.isfinite(old) & np.isfinite(new) & ~np.isclose(old, new, rtol=RELATIVE_TOLERANCE, atol=0.0)
    if not moved.any():
        return results
    revised = joined.loc[moved, [*KEYS, "value_before"]]
    table, latest = (_flag_revised(frame, revised) for frame in (results.table, results.latest))
    return dataclasses.replace(results, table=table, latest=latest)


def _flag_revised(frame: pd.DataFrame, revised: pd.DataFrame) -> pd.DataFrame:
    """`frame` with `revised_from` (the figure published last time) on the revised rows, and their `flag`
    set to `revised` where they carry no flag of their own."""
    if "flag" not in frame or frame.empty:
        return frame
    keys = pd.MultiIndex.from_frame(frame[KEYS].astype(str))
    position = pd.MultiIndex.from_frame(revised[KEYS].astype(str)).get_indexer(keys)
    hit = position >= 0
    empty = frame["flag"].astype(str).isin(["", "nan"]).to_numpy()
    flag = np.where(hit & empty, "revised", frame["flag"].astype(object).to_numpy())
    before = revised["value_before"].to_numpy(dtype="float64")
    revised_from = np.where(hit, before[np.where(hit, position, 0)] if len(before) else np.nan, np.nan)
    return frame.assign(flag=pd.Categorical(flag), revised_from=revised_from)
