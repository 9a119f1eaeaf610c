"""The data stage's entry points: `load_observations` (read → map → check every source, then one frame)
and `check_data` (the same, keeping only the findings).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from perfwatch.contracts import OBSERVATIONS
from perfwatch.data.checks import _check
from perfwatch.data.collector import _Collector
from perfwatch.data.mapping import _text_columns_of, map_table
from perfwatch.data.observations import Observations, _empty_frame
from perfwatch.data.readers import read_tables
from perfwatch.errors import Finding, promote_warnings
from perfwatch.framework.model import Framework
from perfwatch.framework.project import DataSource, source_for_path


def _sources(paths_or_sources: Iterable[str | Path | DataSource]) -> list[DataSource]:
    return [item if isinstance(item, DataSource) else source_for_path(item) for item in paths_or_sources]


def load_observations(
    framework: Framework,
    sources: Iterable[str | Path | DataSource],
    strict: bool = False,
    as_of: date | None = None,
) -> Observations:
    """Read, map and check every source; return the canonical table and every finding.

    Rows with an unknown indicator or area, an unreadable period, or that duplicate an earlier row are
    left out of the table (and reported). `strict` makes warnings errors. Staleness and future-data
    checks need `as_of` (the report date).
    """
    collector = _Collector()
    stages = []
    for source in _sources(sources):
        tables, findings = read_tables(source, _text_columns_of(source))
        collector.findings.extend(findings)
        for table in tables:
            mapped = map_table(table, source, framework)
            collector.findings.extend(mapped.findings)
            if len(mapped.frame):
                stages.append(mapped.frame)
    frame = _empty_frame()
    if stages:
        stage = _concat(stages)
        frame = _check(stage, framework, collector, as_of)
    findings = sorted(collector.findings, key=lambda f: (f.file, f.line or 0, f.code))
    return Observations(
        OBSERVATIONS.check(frame, "load_observations"), promote_warnings(findings) if strict else findings
    )


def _concat(stages: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack mapped tables, keeping categorical columns categorical (their categories are merged).

    A raw column that is categorical in one table and numbers or dates in another becomes objects.
    """
    if len(stages) == 1:
        return stages[0]
    for column in stages[0].columns:
        kinds = [isinstance(stage[column].dtype, pd.CategoricalDtype) for stage in stages]
        if all(kinds):
            union = pd.Index(
                [c for stage in stages for c in stage[column].cat.categories], dtype=object
            ).unique()
            ordered = stages[0][column].cat.ordered
            for stage in stages:
                stage[column] = stage[column].cat.set_categories(union, ordered=ordered)
        elif any(kinds) or len({str(stage[column].dtype) for stage in stages}) > 1:
            for stage in stages:
                stage[column] = stage[column].astype(object)
    return pd.concat(stages, ignore_index=True)


def check_data(
    framework: Framework,
    paths_or_sources: Iterable[str | Path | DataSource],
    strict: bool = False,
    as_of: date | None = None,
) -> list[Finding]:
    """Every problem in the data files, as `file:row: message` findings."""
    return load_observations(framework, paths_or_sources, strict=strict, as_of=as_of).findings
