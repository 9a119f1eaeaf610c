"""Safe YAML loading that remembers where every value came from.

PyYAML's `safe_load` returns plain dicts, keeps the last of two duplicate keys without a word, reads
`NO` as false, `12:30` as 750 and `017` as 15, and will happily expand an alias bomb. This loader composes
the node tree once, checks it (duplicate keys, alias expansion), then constructs plain data with YAML 1.1's
implicit typing narrowed to text, integers, floats, null and true/false. The node tree is kept so that a
pydantic error location can be mapped back to `file:line:column` (:meth:`MarkedDocument.locate`).

Every problem a user can cause is raised as :class:`~perfwatch.errors.InputError` carrying one
:class:`~perfwatch.errors.Finding`, never a traceback. The loader is generic: frameworks and project files
both use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from perfwatch.errors import Finding, InputError

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""A framework is a few hundred kilobytes at most; anything this big is not one."""

MAX_EXPANDED_NODES = 50_000
"""Aliases may expand the document to this many nodes, or to `MAX_EXPANSION_RATIO` × its written size."""

MAX_EXPANSION_RATIO = 20

MAX_DEPTH = 100
"""Collections nested deeper than this are refused before composing: a framework is about 10 deep, and
PyYAML's C composer recurses once per level, so a hostile `[[[[…` 30,000 deep crashes the interpreter."""

MERGE_TAG = "tag:yaml.org,2002:merge"

_OPENING = (
    yaml.BlockSequenceStartToken, yaml.BlockMappingStartToken, yaml.FlowSequenceStartToken,
    yaml.FlowMappingStartToken,
)  # fmt: skip
_CLOSING = (yaml.BlockEndToken, yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)

_INT = re.compile(r"^(?:[-+]?0|[-+]?[1-9][0-9_]*|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_MERGE = re.compile(r"^(?:<<)$")


def _narrow_resolvers() -> dict[str | None, list[tuple[str, re.Pattern[str]]]]:
    """Implicit types as YAML 1.2's core schema has them, plus `<<` merges.

    Dropped on purpose: yes/no/on/off/y/n as booleans, timestamps (dates stay text; pydantic parses ISO
    dates where a date is expected), base-60 numbers (`12:30`), leading-zero octal (`017`) and `=`.
    """
    resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
    table = [
        ("tag:yaml.org,2002:bool", _BOOL, "tTfF"),
        ("tag:yaml.org,2002:int", _INT, "-+0123456789"),
        ("tag:yaml.org,2002:float", _FLOAT, "-+0123456789."),
        ("tag:yaml.org,2002:null", _NULL, ["~", "n", "N", ""]),
        (MERGE_TAG, _MERGE, "<"),
    ]
    for tag, regexp, first in table:
        for char in first:
            resolvers.setdefault(char or None, []).append((tag, regexp))
    return resolvers


class MarkedLoader(_BaseLoader):
    """A safe loader with narrowed implicit typing; `load_yaml` drives it node by node."""

    yaml_implicit_resolvers = _narrow_resolvers()


@dataclass
class MarkedDocument:
    """Plain data loaded from a YAML file, with the node tree to find where any part of it was written."""

    path: Path
    data: Any
    root: Node

    @property
    def file(self) -> str:
        return str(self.path)

    def resolve(self, loc: tuple[Any, ...]) -> tuple[Node, Node | None, tuple[Any, ...]]:
        """Walk a pydantic `loc` down the node tree.

        Returns the deepest node reached, the key node of the last mapping step (or None), and the parts of
        `loc` that were real keys or indexes. Parts that are not (pydantic's union member names such as
        `float` or `str`, or a missing key) are skipped, so the walk ends as deep as the document goes.
        """
        node: Node = self.root
        key_node: Node | None = None
        walked: list[Any] = []
        for part in loc:
            child, child_key = _child(node, part)
            if child is None:
                continue
            node, key_node = child, child_key
            walked.append(part)
        return node, key_node, tuple(walked)

    def locate(self, loc: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at `loc`; with `key=True`, of its key when it has one.

        For a key that is missing the walk stops at the mapping that should hold it, so the position is
        that mapping's first line: where the user has to add the key.
        """
        node, key_node, walked = self.resolve(loc)
        mark = key_node.start_mark if key and key_node is not None and walked else node.start_mark
        return mark.line + 1, mark.column + 1

    def finding(self, loc: tuple[Any, ...], code: str, message: str, *, key: bool = False, severity="error"):
        """A finding located at `loc` in this document."""
        line, column = self.locate(loc, key=key)
        return Finding(self.file, line, column, severity, code, message, dotted(loc))


def dotted(loc: tuple[Any, ...]) -> str:
    """`('themes', 0, 'id')` → `themes[0].id`: how the location reads in a message."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _child(node: Node, part: Any) -> tuple[Node | None, Node | None]:
    if isinstance(node, MappingNode):
        wanted = str(part)
        found: tuple[Node | None, Node | None] = (None, None)
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != MERGE_TAG and key_node.value == wanted:
                found = (value_node, key_node)  # the last one wins, as in the constructed data
        return found
    if isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], None
    return None, None


def _unreadable_scalar(file: str, root: yaml.Node, error: ValueError) -> Finding:
    """Where the scalar PyYAML typed as a number but could not convert is, and how to fix it."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":float"):
            try:
                float(node.value.replace("_", ""))
            except ValueError:
                line, column = node.start_mark.line + 1, node.start_mark.column + 1
                message = f"{node.value!r} cannot be read as a number or as text: quote it ('{node.value}')"
                return Finding(file, line, column, "error", "yaml-value", message)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for pair in reversed(node.value) for v in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return Finding(file, None, None, "error", "yaml-value", f"a value cannot be read ({error}); quote it")


def load_yaml(path: str | Path) -> MarkedDocument:
    """Load one YAML file safely, or raise `InputError` with a single finding that says what is wrong."""
    path = Path(path)
    text = _read_text(path)
    file = str(path)
    _check_tabs(file, text)
    loader = MarkedLoader(text)
    loader.name = file
    try:
        _check_depth(file, text)
        root = loader.get_single_node()
        if root is None:
            raise InputError(
                Finding(file, 1, 1, "error", "yaml-empty", "the file is empty: it has no YAML content")
            )
        _check_tree(file, root)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        raise InputError(_syntax_finding(file, error)) from None
    except yaml.YAMLError as error:
        raise InputError(Finding(file, None, None, "error", "yaml-syntax", str(error))) from None
    except RecursionError:
        raise InputError(
            Finding(file, None, None, "error", "yaml-too-deep", "the YAML is nested too deeply to read")
        ) from None
    except ValueError as error:  # PyYAML reads a lone `.` as a number it then cannot convert
        raise InputError(_unreadable_scalar(file, root, error)) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        found = "a list" if isinstance(data, list) else f"a single value ({data!r})"
        raise InputError(
            _marked(
                file,
                root,
                "yaml-not-mapping",
                f"the top level must be a mapping of `key: value` lines, but the file holds {found}; "
                "remove the leading `-` or wrap the content under keys",
            )  # fmt: skip
        )
    return MarkedDocument(path=path, data=data, root=root)


def _read_text(path: Path) -> str:
    file = str(path)

    def fail(code: str, message: str, line: int | None = None, column: int | None = None) -> InputError:
        return InputError(Finding(file, line, column, "error", code, message))

    if path.is_dir():
        raise fail("file-is-directory", "this is a directory, not a YAML file")
    if path.exists() and not path.is_file():
        raise fail("file-unreadable", "this is not a regular file (a pipe or a device); name a YAML file")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(
                "file-too-large",
                f"the file is {size / 1e6:.1f} MB; a YAML file this size is not a framework "
                f"(the limit is {MAX_FILE_BYTES / 1e6:.0f} MB)",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("file-not-found", "no such file; check the path and its spelling") from None
    except PermissionError:
        raise fail("file-unreadable", "permission denied: the file cannot be read") from None
    except OSError as error:
        raise fail("file-unreadable", f"the file cannot be read: {error.strerror or error}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("file-encoding", "the file is saved as UTF-16; save it as UTF-8", 1, 1)
    if b"\x00" in raw:
        raise fail("file-binary", "this is a binary file, not YAML text", *_position(raw, raw.index(b"\x00")))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        raise fail(
            "file-encoding",
            f"the file is not UTF-8: byte 0x{raw[error.start]:02x} cannot be read (it may have been saved "
            "as Windows-1252 or Latin-1); save the file as UTF-8",
            line,
            column,
        ) from None
    return text


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _check_tabs(file: str, text: str) -> None:
    """YAML forbids tabs in indentation; say so plainly instead of PyYAML's token error."""
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip() and not line.lstrip().startswith("#"):
            raise InputError(
                Finding(
                    file,
                    number,
                    indent.index("\t") + 1,
                    "error",
                    "yaml-tab",
                    "a tab is used for indentation; YAML needs spaces (set your editor to insert spaces)",
                )
            )


def _check_depth(file: str, text: str) -> None:
    """Refuse nesting beyond `MAX_DEPTH`, found from the token stream (which is read without recursion)."""
    depth = 0
    for token in yaml.scan(text, Loader=_BaseLoader):
        if isinstance(token, _OPENING):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(
                    _marked(
                        file,
                        token,
                        "yaml-too-deep",
                        f"the YAML is nested more than {MAX_DEPTH} levels deep here; a framework never needs "
                        "that: check for unclosed `[` or `{`",
                    )  # fmt: skip
                )
        elif isinstance(token, _CLOSING):
            depth -= 1


def _check_tree(file: str, root: Node) -> None:
    """Refuse duplicate keys and alias expansion beyond a sane size, before anything is constructed."""
    distinct = 0
    expanded_size: dict[int, int] = {}
    in_progress: set[int] = set()
    seen: set[int] = set()
    limit = MAX_EXPANDED_NODES

    def size(node: Node) -> int:
        """Number of nodes once every alias is expanded, memoised per node so shared parts count once."""
        nonlocal distinct, limit
        ident = id(node)
        if ident in expanded_size:
            return expanded_size[ident]
        if ident in in_progress:
            raise InputError(
                _marked(file, node, "yaml-recursive-alias", "an alias refers to the node that contains it")
            )
        in_progress.add(ident)
        if ident not in seen:
            seen.add(ident)
            distinct += 1
            limit = max(MAX_EXPANDED_NODES, MAX_EXPANSION_RATIO * distinct)
        total = 1
        if isinstance(node, MappingNode):
            _check_duplicate_keys(file, node)
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
                if total > limit:
                    break
        elif isinstance(node, SequenceNode):
            for item in node.value:
                total += size(item)
                if total > limit:
                    break
        in_progress.discard(ident)
        expanded_size[ident] = total
        if total > limit:
            raise InputError(
                _marked(
                    file,
                    node,
                    "yaml-alias-bomb",
                    f"anchors and aliases here expand to more than {limit:,} values; this looks like an "
                    "alias bomb: write the content out or use fewer nested aliases",
                )
            )
        return total

    size(root)


def _check_duplicate_keys(file: str, node: MappingNode) -> None:
    first_line: dict[tuple[str, str], int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag == MERGE_TAG:
            continue
        key = (key_node.tag, key_node.value)
        line = key_node.start_mark.line + 1
        if key in first_line:
            raise InputError(
                _marked(
                    file,
                    key_node,
                    "yaml-duplicate-key",
                    f"duplicate key `{key_node.value}` (first at line {first_line[key]}, again at line "
                    f"{line}); YAML would silently keep only the last one: remove or rename one of them",
                )
            )
        first_line[key] = line


def _marked(file: str, node: Node | yaml.Token, code: str, message: str) -> Finding:
    """An error finding at where a node or token starts."""
    mark = node.start_mark
    return Finding(file, mark.line + 1, mark.column + 1, "error", code, message)


def _syntax_finding(file: str, error: yaml.MarkedYAMLError) -> Finding:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "invalid YAML"
    if error.context and error.context_mark is not None and error.context_mark is not mark:
        problem += f" ({error.context} at line {error.context_mark.line + 1})"
    elif error.context:
        problem = f"{error.context}: {problem}"
    hint = _syntax_hint(problem)
    message = f"YAML syntax error: {problem}" + (f"; {hint}" if hint else "")
    code = "yaml-tag" if "constructor" in problem or "tag" in problem else "yaml-syntax"
    if mark is None:
        return Finding(file, None, None, "error", code, message)
    return Finding(file, mark.line + 1, mark.column + 1, "error", code, message)


def _syntax_hint(problem: str) -> str:
    if "expected a single document" in problem or "but found another document" in problem:
        return "a framework file holds one YAML document: remove the extra `---`"
    if "could not determine a constructor" in problem:
        return "custom `!tags` are not allowed: remove the tag"
    if "found undefined alias" in problem:
        return "define the anchor (`&name`) before using the alias (`*name`)"
    if "mapping values are not allowed" in problem:
        return "a value containing `: ` must be quoted, or the indentation is off"
    if "could not find expected ':'" in problem:
        return "a key is missing its `:`, or a quoted value is not closed"
    if "found character '\\t'" in problem:
        return "replace the tab with spaces"
    return ""
