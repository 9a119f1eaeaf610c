"""Pydantic validation errors in plain words, each located at its file, line and column in the YAML."""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from perfwatch.errors import Finding, closest
from perfwatch.framework.model import Framework, Target, TargetBand, Tolerance, ToleranceBand
from perfwatch.framework.yamlload import MarkedDocument

Loc = tuple[Any, ...]

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
    if via_extra and parent_model is Target and kind in ("model_type", "dict_type"):
        return document.finding(walked, "unknown-key", _target_key_message(field), key=True)

    found = _describe(item.get("input"))
    if kind in ("literal_error", "enum"):
        allowed = [str(v) for v in _literal_values(annotation)] or [item.get("ctx", {}).get("expected", "")]
        message = f"`{field}` must be one of {', '.join(allowed)}; found {found}"
        guess = closest(str(item.get("input")), allowed)
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
    guess = closest(field, keys)
    if guess:
        return message + f". Did you mean `{guess}`?"
    if keys:
        return message + f"; the keys allowed here are {', '.join(keys)}"
    return message


def _tolerance_key_message(field: str) -> str:
    guess = closest(field, _field_keys(ToleranceBand))
    message = f"unknown key `{field}` in a tolerance"
    if guess:
        return message + f". Did you mean `{guess}`?"
    return message + ("; a tolerance takes `amber`, and per area level a band such as `locality: {amber: 4}`")


def _target_key_message(field: str) -> str:
    guess = closest(field, _field_keys(TargetBand))
    message = f"unknown key `{field}` in a target"
    if guess:
        return message + f". Did you mean `{guess}`?"
    return (
        message
        + "; a target takes `value`, `by_period` or `trajectory`, and per area level a target such as `county: {value: 24}`"
    )


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
            if member is Target and isinstance(part, str):
                return member, TargetBand, True
            if isinstance(part, str):
                return member, None, False
        origin = typing.get_origin(member)
        if origin is list and isinstance(part, int):
            return None, typing.get_args(member)[0], False
        if origin is dict:
            return None, typing.get_args(member)[1], False
    return None
