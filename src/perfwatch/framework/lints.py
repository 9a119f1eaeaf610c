"""Framework lints: warnings (errors with --strict) about things that are valid but probably wrong, such as
a key indicator without a target or a target outside its unit's range.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from perfwatch.errors import Finding
from perfwatch.framework.model import Framework, Indicator
from perfwatch.framework.references import _target_values
from perfwatch.framework.schema_errors import Loc
from perfwatch.framework.yamlload import MarkedDocument

BOUNDED_UNITS = {"percentage": (0.0, 100.0), "proportion": (0.0, 1.0)}
NON_NEGATIVE_UNITS = {"count", "percentage", "proportion", "rate", "ratio", "days"}

# --- lints --------------------------------------------------------------------------------------------


def _lint_findings(doc: MarkedDocument, fw: Framework, today: date | None) -> Iterator[Finding]:
    def warn(loc: Loc, code: str, message: str, *, key: bool = False) -> Finding:
        return doc.finding(loc, f"lint-{code}", message, key=key, severity="warning")

    today = today or date.today()
    if fw.review_date and fw.review_date < today:
        yield warn(
            ("review_date",),
            "review-date-past",
            f"the framework was due for review on {fw.review_date.isoformat()}; review it and update "
            "`review_date`",
        )
    rules = fw.rules
    for ti, theme in enumerate(fw.themes):
        for oi, outcome in enumerate(theme.outcomes):
            oloc: Loc = ("themes", ti, "outcomes", oi)
            count = len(outcome.indicators)
            limit = rules.max_indicators_per_outcome
            if limit is not None and count > limit:
                yield warn(
                    (*oloc, "indicators"),
                    "max-indicators",
                    f"outcome `{outcome.id}` has {count} indicators, more than the {limit} that "
                    "`rules.max_indicators_per_outcome` allows; keep the few that matter most",
                    key=True,
                )
            if not outcome.indicators and not outcome.evidence:
                yield warn(
                    (*oloc, "id"),
                    "outcome-empty",
                    f"outcome `{outcome.id}` has no indicators and no evidence: nothing shows whether it "
                    "is achieved; add an indicator or list its `evidence`",
                )
            for ii, indicator in enumerate(outcome.indicators):
                yield from _indicator_lints(warn, (*oloc, "indicators", ii), indicator, rules)


def _indicator_lints(warn, loc: Loc, indicator: Indicator, rules: Any) -> Iterator[Finding]:
    name = f"indicator `{indicator.id}`"
    at_id = (*loc, "id")
    if rules.require_owner and not indicator.owner:
        yield warn(at_id, "no-owner", f"{name} has no `owner`: name the role accountable for it")
    if rules.require_source and not indicator.source:
        yield warn(at_id, "no-source", f"{name} has no `source`: say where its data comes from")
    if indicator.frequency is None:
        yield warn(at_id, "no-frequency", f"{name} has no `frequency` (monthly, quarterly, annual, biennial)")
    judged = indicator.polarity != "no_judgement" and not indicator.under_development
    if rules.require_target and judged and indicator.target is None:
        yield warn(at_id, "no-target", f"{name} has no `target`, so it cannot be RAG-rated; add one")
    if indicator.unit == "rate" and indicator.per is None:
        yield warn(
            (*loc, "unit"),
            "rate-without-per",
            f"{name} is a rate without `per`; say what it is per (e.g. `per: 100000`), otherwise 100,000 is assumed",
        )
    if indicator.unit == "judgement" and not indicator.scale:
        yield warn(
            (*loc, "unit"),
            "judgement-no-scale",
            f"{name} is a judgement without a `scale`; list its levels, worst first, e.g. "
            "`scale: [not_met, partly_met, met]`",
        )
    for rel, value in _target_values(indicator.target):
        if isinstance(value, str):
            continue
        where = (*loc, "target", *rel)
        low, high = BOUNDED_UNITS.get(
            indicator.unit, (0.0 if indicator.unit in NON_NEGATIVE_UNITS else None, None)
        )
        if indicator.polarity == "higher_is_better" and high is not None and value > high:
            yield warn(
                where,
                "target-unreachable",
                f"{name}'s target {value:g} can never be met: a {indicator.unit} cannot be above {high:g}",
            )
        elif indicator.polarity == "lower_is_better" and low is not None and value < low:
            yield warn(
                where,
                "target-unreachable",
                f"{name}'s target {value:g} can never be met: a {indicator.unit} cannot be below {low:g}",
            )
        elif indicator.unit in BOUNDED_UNITS and not (low <= value <= high):
            hint = " (is it a proportion written as a percentage?)" if indicator.unit == "proportion" else ""
            yield warn(
                where,
                "target-range",
                f"{name}'s target {value:g} is outside {low:g}–{high:g}, the range of a {indicator.unit}{hint}",
            )
