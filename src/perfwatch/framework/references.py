"""Framework checks pydantic cannot do: duplicate ids, dangling references, area cycles, tolerance levels,
target values on the indicator's scale, and periods.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from perfwatch.errors import Finding, closest
from perfwatch.framework.model import Framework, Indicator, Target, TargetBand, Tolerance
from perfwatch.framework.schema_errors import Loc, _describe
from perfwatch.framework.yamlload import MarkedDocument

# --- ids, references, periods -------------------------------------------------------------------------


def _reference_findings(doc: MarkedDocument, fw: Framework) -> Iterator[Finding]:
    outcomes: list[tuple[Loc, Any]] = []
    indicators: list[tuple[Loc, Indicator]] = []
    for ti, theme in enumerate(fw.themes):
        for oi, outcome in enumerate(theme.outcomes):
            outcomes.append((("themes", ti, "outcomes", oi), outcome))
            for ii, indicator in enumerate(outcome.indicators):
                indicators.append((("themes", ti, "outcomes", oi, "indicators", ii), indicator))

    yield from _duplicates(doc, "theme", [(("themes", i), t.id) for i, t in enumerate(fw.themes)])
    yield from _duplicates(doc, "outcome", [(loc, o.id) for loc, o in outcomes])
    yield from _duplicates(doc, "indicator", [(loc, i.id) for loc, i in indicators])
    yield from _duplicates(doc, "area", [(("areas", i), a.id) for i, a in enumerate(fw.areas)])
    yield from _duplicates(
        doc,
        "national outcome",
        [(("national_outcomes", i), n.id) for i, n in enumerate(fw.national_outcomes)],
    )
    yield from _duplicates(
        doc,
        "reporting cycle",
        [(("reporting", "cycles", i), c.id) for i, c in enumerate(fw.reporting.cycles)],
    )
    for ci, cycle in enumerate(fw.reporting.cycles):
        sections = [(("reporting", "cycles", ci, "sections", i), s.id) for i, s in enumerate(cycle.sections)]
        yield from _duplicates(doc, "section", sections)
    yield from _duplicates(doc, "action", [(("actions", i), a.id) for i, a in enumerate(fw.actions)])

    national = [n.id for n in fw.national_outcomes]
    for loc, outcome in outcomes:
        for k, ref in enumerate(outcome.contributes_to):
            yield from _dangling(doc, (*loc, "contributes_to", k), ref, "national outcome", national)

    outcome_ids = [o.id for _, o in outcomes]
    indicator_ids = [i.id for _, i in indicators]
    for ai, action in enumerate(fw.actions):
        if action.outcome is not None:
            yield from _dangling(doc, ("actions", ai, "outcome"), action.outcome, "outcome", outcome_ids)
        for k, ref in enumerate(action.indicators):
            yield from _dangling(doc, ("actions", ai, "indicators", k), ref, "indicator", indicator_ids)

    area_ids = [a.id for a in fw.areas]
    for ai, action in enumerate(fw.actions):
        if action.area is not None:
            yield from _dangling(doc, ("actions", ai, "area"), action.area, "area", area_ids)
    for ai, area in enumerate(fw.areas):
        for key in ("parent", "comparator"):
            ref = getattr(area, key)
            if ref is not None:
                yield from _dangling(doc, ("areas", ai, key), ref, "area", area_ids)
    yield from _area_cycles(doc, fw)

    levels = sorted({a.level for a in fw.areas})
    if fw.defaults.benchmark and fw.defaults.benchmark.comparator:
        loc = ("defaults", "benchmark", "comparator")
        yield from _dangling(doc, loc, fw.defaults.benchmark.comparator, "area", area_ids)
    if fw.defaults.tolerance:
        yield from _tolerance_levels(doc, ("defaults", "tolerance"), fw.defaults.tolerance, levels)

    for loc, indicator in indicators:
        if indicator.benchmark and indicator.benchmark.comparator:
            ref = indicator.benchmark.comparator
            yield from _dangling(doc, (*loc, "benchmark", "comparator"), ref, "area", area_ids)
        if indicator.tolerance:
            yield from _tolerance_levels(doc, (*loc, "tolerance"), indicator.tolerance, levels)
        if indicator.target:
            yield from _tolerance_levels(doc, (*loc, "target"), indicator.target, levels, "target")
        yield from _scale_findings(doc, loc, indicator)
        yield from _target_value_findings(doc, loc, indicator)

    yield from _period_findings(doc, fw, indicators)


def _duplicates(doc: MarkedDocument, kind: str, items: list[tuple[Loc, str]]) -> Iterator[Finding]:
    first: dict[str, Loc] = {}
    for loc, ident in items:
        if ident in first:
            line, _ = doc.locate((*first[ident], "id"))
            yield doc.finding(
                (*loc, "id"),
                "duplicate-id",
                f"duplicate {kind} id `{ident}`: it is already used at line {line}; ids must be unique",
            )
        else:
            first[ident] = loc


def _suggestion(wrong: str, known: list[str], listing: str, when_none: str) -> str:
    """`. Did you mean `x`?` for a near miss, else the list of what is declared (or `when_none`)."""
    guess = closest(wrong, known)
    if guess:
        return f". Did you mean `{guess}`?"
    return listing if known else when_none


def _dangling(doc: MarkedDocument, loc: Loc, ref: str, kind: str, known: list[str]) -> Iterator[Finding]:
    if ref in known:
        return
    shown = ", ".join(known[:8]) + (" ..." if len(known) > 8 else "")
    message = f"`{ref}` is not the id of any {kind} in this framework" + _suggestion(
        ref, known, f"; declared {kind}s: {shown}", f"; no {kind}s are declared"
    )
    yield doc.finding(loc, "unknown-reference", message)


def _area_cycles(doc: MarkedDocument, fw: Framework) -> Iterator[Finding]:
    parent = {a.id: a.parent for a in fw.areas}
    index = {a.id: i for i, a in enumerate(fw.areas)}
    reported: set[str] = set()
    for area in fw.areas:
        chain: list[str] = []
        current: str | None = area.id
        while current is not None and current in parent and current not in chain:
            chain.append(current)
            current = parent[current]
        if current is None or current not in chain:
            continue
        loop = chain[chain.index(current) :]
        if reported.intersection(loop):
            continue
        reported.update(loop)
        path = " → ".join([*loop, loop[0]])
        yield doc.finding(
            ("areas", index[loop[-1]], "parent"),
            "area-cycle",
            f"area parents go round in a circle ({path}); one of these areas must have another parent or none",
        )


def _tolerance_levels(
    doc: MarkedDocument, loc: Loc, tolerance: Tolerance | Target, levels: list[str], what: str = "tolerance"
) -> Iterator[Finding]:
    """Every area level a tolerance (or a target) names must be declared by an area."""
    for level in tolerance.levels:
        if level in levels:
            continue
        message = f"{what} for area level `{level}`, but no area has `level: {level}`" + _suggestion(
            level, levels, f"; the declared levels are {', '.join(levels)}", ""
        )
        yield doc.finding((*loc, level), "unknown-reference", message, key=True)


def _scale_findings(doc: MarkedDocument, loc: Loc, indicator: Indicator) -> Iterator[Finding]:
    if indicator.scale_status is None:
        return
    scale = indicator.scale or []
    for level in indicator.scale_status:
        if level not in scale:
            message = f"`scale_status` names level `{level}`, which is not on the indicator's `scale`"
            guess = closest(level, scale)
            message += (
                f". Did you mean `{guess}`?" if guess else f" ({', '.join(scale) or 'no scale declared'})"
            )
            yield doc.finding((*loc, "scale_status", level), "unknown-reference", message, key=True)


def _target_values(target: TargetBand | None) -> list[tuple[Loc, float | str]]:
    """Every value a target names (its own and each area level's), with its location relative to it."""
    if target is None:
        return []
    found: list[tuple[Loc, float | str]] = []
    if target.value is not None:
        found.append((("value",), target.value))
    elif target.by_period is not None:
        found += [(("by_period", period), value) for period, value in target.by_period.items()]
    elif target.trajectory is not None:
        found += [(("trajectory", "from", "value"), target.trajectory.start.value),
                  (("trajectory", "to", "value"), target.trajectory.end.value)]  # fmt: skip
    if isinstance(target, Target):
        for level, band in target.levels.items():
            found += [((level, *rel), value) for rel, value in _target_values(band)]
    return found


def _target_bands(target: Target | None) -> list[tuple[Loc, TargetBand]]:
    """The target's own band and each area level's, with its location relative to the target."""
    if target is None:
        return []
    return [((), target), *(((level,), band) for level, band in target.levels.items())]


def _target_value_findings(doc: MarkedDocument, loc: Loc, indicator: Indicator) -> Iterator[Finding]:
    for rel, value in _target_values(indicator.target):
        where = (*loc, "target", *rel)
        if indicator.is_numeric and isinstance(value, str):
            yield doc.finding(
                where,
                "wrong-type",
                f"the target of a `{indicator.unit}` indicator must be a number; found {_describe(value)}",
            )
        elif indicator.unit == "judgement" and indicator.scale and str(value) not in indicator.scale:
            guess = closest(str(value), indicator.scale)
            yield doc.finding(
                where,
                "unknown-reference",
                f"target `{value}` is not a level of the indicator's scale ({', '.join(indicator.scale)})"
                + (f". Did you mean `{guess}`?" if guess else ""),
            )
        elif indicator.unit == "yes_no" and str(value).lower() not in (
            "yes",
            "no",
            "true",
            "false",
            "1.0",
            "0.0",
        ):
            yield doc.finding(
                where, "invalid-value", f"a yes/no target must be `yes` or `no`; found {_describe(value)}"
            )


def _period_findings(
    doc: MarkedDocument, fw: Framework, indicators: list[tuple[Loc, Indicator]]
) -> Iterator[Finding]:
    """Targets', baselines' and SPC rebase periods must be periods perfwatch can read."""
    try:
        from perfwatch.framework.periods import parse_period
    except ImportError:
        return
    year_start = fw.year_start_month

    def check(loc: Loc, text: str, *, key: bool = False) -> Iterator[Finding]:
        try:
            parse_period(str(text), year_start)
        except ValueError as error:
            yield doc.finding(loc, "invalid-period", str(error), key=key)

    spc_defaults = fw.defaults.spc
    if spc_defaults:
        for k, period in enumerate(spc_defaults.rebase):
            yield from check(("defaults", "spc", "rebase", k), period)
    for loc, indicator in indicators:
        if indicator.baseline:
            yield from check((*loc, "baseline", "period"), indicator.baseline.period)
        for rel, target in _target_bands(indicator.target):
            at = (*loc, "target", *rel)
            if target.by_period:
                for period in target.by_period:
                    yield from check((*at, "by_period", period), period, key=True)
            if target.trajectory:
                yield from check((*at, "trajectory", "from", "period"), target.trajectory.start.period)
                yield from check((*at, "trajectory", "to", "period"), target.trajectory.end.period)
        if indicator.spc:
            for k, period in enumerate(indicator.spc.rebase):
                yield from check((*loc, "spc", "rebase", k), period)
