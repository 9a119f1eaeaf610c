"""Load and check a framework file: the format, the cross-references, and the lints.

Three layers, each reporting :class:`~perfwatch.errors.Finding` objects located at the YAML node:

1. :mod:`perfwatch.framework.yamlload` reads the file safely (syntax, duplicate keys, YAML traps);
2. the pydantic models check the format; their errors are rewritten in plain words with the position,
   what was expected, what was found, and a "did you mean" where one helps;
3. cross-field rules: ids are unique, every reference resolves, area parents do not loop, periods parse;
   and lints (warnings, errors under `strict`) that keep a framework honest.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from perfwatch.errors import Finding, InputError, errors_only, promote_warnings
from perfwatch.framework.model import Framework, Indicator, Target, Tolerance, ToleranceBand
from perfwatch.framework.yamlload import MarkedDocument, load_yaml

Loc = tuple[Any, ...]

BOUNDED_UNITS = {"percentage": (0.0, 100.0), "proportion": (0.0, 1.0)}
NON_NEGATIVE_UNITS = {"count", "percentage", "proportion", "rate", "ratio", "days"}


def load_framework(path: str | Path) -> Framework:
    """The framework in `path`, or `InputError` carrying every error found (warnings do not stop it)."""
    framework, findings = check_framework(path)
    errors = errors_only(findings)
    if errors or framework is None:
        raise InputError(errors or findings)
    return framework


def check_framework(
    path: str | Path, strict: bool = False, today: date | None = None
) -> tuple[Framework | None, list[Finding]]:
    """Every finding for the framework in `path`, and the model when the file matches the format.

    The model is returned even when cross-reference errors were found, so callers can report more; use
    :func:`load_framework` to get a framework that is known to be sound.
    """
    try:
        document = load_yaml(path)
    except InputError as error:
        return None, error.findings
    return check_document(document, strict=strict, today=today)


def check_document(
    document: MarkedDocument, strict: bool = False, today: date | None = None
) -> tuple[Framework | None, list[Finding]]:
    """Like :func:`check_framework`, for YAML already loaded."""
    try:
        framework = Framework.model_validate(document.data)
    except ValidationError as error:
        return None, sorted(schema_findings(document, error, Framework))
    findings = [*_reference_findings(document, framework), *_lint_findings(document, framework, today)]
    if strict:
        findings = promote_warnings(findings)
    return framework, sorted(set(findings))


# --- pydantic errors in plain words -------------------------------------------------------------------

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list (lines starting with `- `, or `[a, b]`)",
    "dict_type": "a mapping of `key: value` lines",
    "model_type": "a mapping of `key: value` lines",
    "model_attributes_type": "a mapping of `key: value` lines",
    "date_type": "a date written YYYY-MM-DD",
    "date_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_inexact": "a date written YYYY-MM-DD, without a time",
    "date_future": "a date in the future",
    "date_past": "a date in the past",
    "string_pattern_mismatch": "an id made of letters, digits, `_`, `.` and `-`, starting with a letter or digit",
    "string_too_short": "non-empty text",
    "too_short": "a non-empty list",
}

_DATE_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def schema_findings(document: MarkedDocument, error: ValidationError, root: type[BaseModel]) -> list[Finding]:
    """Pydantic's errors for `document` rewritten in plain words and located in the file.

    Union members make pydantic report one problem several times (once per member, e.g. `float` and `str`);
    those are merged into one finding that lists every acceptable kind.
    """
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for item in error.errors(include_url=False):
        _, _, walked = document.resolve(item["loc"])
        kind = item["type"]
        group = (walked, kind, item["loc"]) if kind in ("missing", "extra_forbidden") else (walked,)
        grouped.setdefault(group, []).append(item)
    return [_schema_finding(document, items, root) for items in grouped.values()]


def _schema_finding(document: MarkedDocument, items: list[dict[str, Any]], root: type[BaseModel]) -> Finding:
    item = items[0]
    loc: Loc = item["loc"]
    kind = item["type"]
    _, _, walked = document.resolve(loc)
    parent_model, annotation, via_extra = _type_at(root, loc)
    where = _where(document, walked if kind == "missing" else walked[:-1], parent_model)
    field = str(loc[-1]) if loc else ""

    if kind == "missing":
        return document.finding(loc, "missing-key", _missing_message(field, annotation, where))
    if kind == "extra_forbidden":
        return document.finding(
            loc, "unknown-key", _unknown_key_message(field, parent_model, where), key=True
        )
    if via_extra and parent_model is Tolerance and kind in ("model_type", "dict_type"):
        return document.finding(walked, "unknown-key", _tolerance_key_message(field), key=True)

    found = _describe(item.get("input"))
    if kind in ("literal_error", "enum"):
        allowed = [str(v) for v in _literal_values(annotation)] or [item.get("ctx", {}).get("expected", "")]
        message = f"`{field}` must be one of {', '.join(allowed)}; found {found}"
        guess = _did_you_mean(str(item.get("input")), allowed)
        message += f". Did you mean `{guess}`?" if guess else ""
        return document.finding(loc, "invalid-choice", message)
    if kind in ("value_error", "assertion_error"):
        text = str(item.get("ctx", {}).get("error") or item["msg"]).removeprefix("Value error, ")
        if not isinstance(item.get("input"), dict | list):
            text += f"; found {found}"
        return document.finding(loc, "invalid-value", f"`{_name(walked, field)}`{where}: {text}")
    if kind.startswith("date"):
        return document.finding(loc, "invalid-date", _date_message(_name(walked, field), item.get("input")))

    expected = []
    for each in items:
        wanted = _EXPECTED.get(each["type"]) or _bound_text(each) or each["msg"]
        if wanted not in expected:
            expected.append(wanted)
    message = f"`{_name(walked, field)}`{where}: expected {' or '.join(expected)}, found {found}"
    hint = _type_hint(item)
    code = (
        "invalid-value" if item["type"] in ("string_pattern_mismatch", "string_too_short") else "wrong-type"
    )
    if _bound_text(item):
        code = "out-of-range"
    return document.finding(loc, code, message + (f"; {hint}" if hint else ""))


def _name(walked: Loc, fallback: str) -> str:
    names = [p for p in walked if isinstance(p, str)]
    return names[-1] if names else fallback


def _where(document: MarkedDocument, walked: Loc, model: type[BaseModel] | None) -> str:
    """` in indicator `CI-2``: the object the problem is in, by its kind and id when it has one."""
    if model is None or model is Framework:
        return ""
    data: Any = document.data
    nearest_mapping: Any = data
    for part in walked:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(data, dict):
            nearest_mapping = data
    data = nearest_mapping
    label = _model_label(model)
    if isinstance(data, dict) and isinstance(data.get("id"), str | int):
        return f" in {label} `{data['id']}`"
    return f" in {_article(label)} {label}"


def _model_label(model: type[BaseModel]) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _missing_message(field: str, annotation: Any, where: str) -> str:
    message = f"missing required key `{field}`{where}"
    allowed = _literal_values(annotation)
    if allowed:
        return message + f"; add `{field}:` with one of {', '.join(map(str, allowed))}"
    return message + f"; add `{field}: ...`"


def _unknown_key_message(field: str, model: type[BaseModel] | None, where: str) -> str:
    keys = _field_keys(model) if model is not None else []
    message = f"unknown key `{field}`{where}"
    guess = _did_you_mean(field, keys)
    if guess:
        return message + f". Did you mean `{guess}`?"
    if keys:
        return message + f"; the keys allowed here are {', '.join(keys)}"
    return message


def _tolerance_key_message(field: str) -> str:
    guess = _did_you_mean(field, _field_keys(ToleranceBand))
    message = f"unknown key `{field}` in a tolerance"
    if guess:
        return message + f". Did you mean `{guess}`?"
    return message + ("; a tolerance takes `amber`, and per area level a band such as `locality: {amber: 4}`")


def _date_message(field: str, value: Any) -> str:
    text = str(value)
    message = f"`{field}` must be a date written YYYY-MM-DD; found {_describe(value)}"
    match = _DATE_DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return message + f". Did you mean {date(year, month, day).isoformat()}?"
        except ValueError:
            pass
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        return message + ", which is not a day in the calendar"
    return message


def _type_hint(item: dict[str, Any]) -> str:
    value = item.get("input")
    if item["type"] in ("string_type",) and isinstance(value, bool):
        return "put the value in quotes to keep it as text"
    if (
        item["type"] in ("float_parsing", "int_parsing")
        and isinstance(value, str)
        and value.strip().endswith("%")
    ):
        return "write the number without `%` (the unit says it is a percentage)"
    if item["type"] in ("float_parsing", "int_parsing") and isinstance(value, str) and "," in value:
        return "write the number without thousands separators"
    if item["type"] in ("model_type", "dict_type") and isinstance(value, str):
        return "indent the keys that belong under it, or write it as `{key: value}`"
    if item["type"] == "list_type" and not isinstance(value, list):
        return "write it as a list, e.g. `[a, b]`"
    return ""


def _bound_text(item: dict[str, Any]) -> str:
    ctx = item.get("ctx", {})
    symbols = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<", "less_than_equal": "≤"}
    if item["type"] in symbols:
        bound = next(iter(ctx.values()), "")
        return f"a number {symbols[item['type']]} {bound}"
    if item["type"] == "string_too_long":
        return f"text of at most {ctx.get('max_length')} characters"
    return ""


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    by_lower = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[matches[0]] if matches else None


def _field_keys(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _literal_values(annotation: Any) -> list[Any]:
    values: list[Any] = []
    for member in _members(annotation):
        if typing.get_origin(member) is Literal:
            values.extend(typing.get_args(member))
    return values


def _members(annotation: Any) -> list[Any]:
    """The members of a union (or the annotation itself), with `Annotated` wrappers removed."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _type_at(root: type[BaseModel], loc: Loc) -> tuple[type[BaseModel] | None, Any, bool]:
    """The model that holds the last key of `loc`, that key's annotation, and whether it is a typed extra.

    Parts that match nothing (pydantic's union member names) are skipped, as in `MarkedDocument.resolve`.
    """
    current: Any = root
    parent: type[BaseModel] | None = None
    annotation: Any = root
    via_extra = False
    for part in loc:
        step = _step(current, part)
        if step is None:
            continue
        parent_candidate, annotation, via_extra = step
        if parent_candidate is not None:
            parent = parent_candidate
        current = annotation
    return parent, annotation, via_extra


def _step(annotation: Any, part: Any) -> tuple[type[BaseModel] | None, Any, bool] | None:
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            for name, info in member.model_fields.items():
                if part in (name, info.alias):
                    return member, info.annotation, False
            if member is Tolerance and isinstance(part, str):
                return member, ToleranceBand, True
            if isinstance(part, str):
                return member, None, False
        origin = typing.get_origin(member)
        if origin is list and isinstance(part, int):
            return None, typing.get_args(member)[0], False
        if origin is dict:
            return None, typing.get_args(member)[1], False
    return None


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
    guess = _did_you_mean(wrong, known)
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
    doc: MarkedDocument, loc: Loc, tolerance: Tolerance, levels: list[str]
) -> Iterator[Finding]:
    for level in tolerance.levels:
        if level in levels:
            continue
        message = f"tolerance for area level `{level}`, but no area has `level: {level}`" + _suggestion(
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
            guess = _did_you_mean(level, scale)
            message += (
                f". Did you mean `{guess}`?" if guess else f" ({', '.join(scale) or 'no scale declared'})"
            )
            yield doc.finding((*loc, "scale_status", level), "unknown-reference", message, key=True)


def _target_values(target: Target | None) -> list[tuple[Loc, float | str]]:
    """Every value a target names, with its location relative to the target."""
    if target is None:
        return []
    if target.value is not None:
        return [(("value",), target.value)]
    if target.by_period is not None:
        return [(("by_period", period), value) for period, value in target.by_period.items()]
    if target.trajectory is not None:
        return [(("trajectory", "from", "value"), target.trajectory.start.value),
                (("trajectory", "to", "value"), target.trajectory.end.value)]  # fmt: skip
    return []


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
            guess = _did_you_mean(str(value), indicator.scale)
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
        target = indicator.target
        if target and target.by_period:
            for period in target.by_period:
                yield from check((*loc, "target", "by_period", period), period, key=True)
        if target and target.trajectory:
            yield from check((*loc, "target", "trajectory", "from", "period"), target.trajectory.start.period)
            yield from check((*loc, "target", "trajectory", "to", "period"), target.trajectory.end.period)
        if indicator.spc:
            for k, period in enumerate(indicator.spc.rebase):
                yield from check((*loc, "spc", "rebase", k), period)


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
