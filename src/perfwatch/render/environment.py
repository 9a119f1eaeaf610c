"""The Jinja environment every report is rendered in: escaped, strict, sandboxed, overridable.

- `autoescape=True` (not `select_autoescape`, which does not match `.html.j2`): any text from a framework,
  data or commentary is escaped; trusted fragments (SVG charts, icons, sanitised commentary) are `Markup`.
- `StrictUndefined`: a misspelt field fails the build instead of printing nothing.
- `SandboxedEnvironment`: user templates cannot reach Python internals.
- Search path: the user's folder first, then the bundled templates; `builtin/<name>` always means the
  bundled one, so a user template can `{% extends "builtin/performance.html.j2" %}` and override blocks.
- Template errors become `PerfwatchError` naming the template file and line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from perfwatch.boundary import file_problem, inside
from perfwatch.errors import PerfwatchError
from perfwatch.formatting import format_value
from perfwatch.resources import templates_dir
from perfwatch.safetext import excerpt


def _check_name(name: str) -> None:
    """A template name is a relative path inside its folder: no `..`, no absolute paths."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith("/") or any(part in ("..", "") for part in parts) or ":" in name:
        raise PerfwatchError(f"template name {name!r} is refused: it must stay inside the templates folder")


class _FolderLoader(FileSystemLoader):
    """A template is read only from a regular file inside its folder (after links, nothing hidden)."""

    def get_source(self, environment, template):
        for folder in self.searchpath:
            candidate = Path(folder, *split_template_path(template))
            if not os.path.lexists(candidate):
                continue
            refused = (
                "it links outside the folder" if not inside(candidate, [folder]) else file_problem(candidate)
            )
            if refused:  # refused out loud: falling back to the bundled template would drop it in silence
                raise PerfwatchError(f"template {candidate} is refused: {refused}")
        return super().get_source(environment, template)


def make_environment(user_dir: str | Path | None = None) -> SandboxedEnvironment:
    """The report environment; `user_dir` holds templates that override or extend the bundled ones."""
    bundled = _FolderLoader(str(templates_dir()))
    loaders: list[Any] = []
    if user_dir is not None:
        folder = Path(user_dir)
        if not folder.is_dir():
            raise PerfwatchError(f"templates folder {folder} does not exist")
        loaders.append(_FolderLoader(str(folder)))
    loaders += [PrefixLoader({"builtin": bundled}), bundled]
    environment = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["number"] = lambda value, unit="number", decimals=None: format_value(
        value, unit, decimals
    )
    environment.filters["plural"] = lambda count, one="", many="s": one if count == 1 else many
    return environment


def _location(error: BaseException, name: str) -> str:
    """`file:line` of the template frame a rendering error came from."""
    if isinstance(error, TemplateSyntaxError):
        return f"{error.filename or error.name or name}:{error.lineno}"
    traceback = error.__traceback__
    where = name
    while traceback is not None:
        # Jinja rewrites the traceback so template frames carry the template's file name and line.
        filename = traceback.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<"):
            where = f"{filename}:{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return where


def render_template(environment: SandboxedEnvironment, name: str, **context: Any) -> str:
    """Render one template; any template problem is a `PerfwatchError` naming the file and line."""
    _check_name(name)
    try:
        template = environment.get_template(name)
        return template.render(**context)
    except TemplateNotFound as error:
        raise PerfwatchError(f"template {error.name!r} not found (asked for {name!r})") from None
    except (TemplateSyntaxError, UndefinedError, SecurityError, TemplateError) as error:
        where = _location(error, name)
        message = error.message if isinstance(error, TemplateSyntaxError) else str(error)
        raise PerfwatchError(f"{where}: template error: {message}") from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as error:
        # A template that divides by zero, recurses without end or asks for `range(100001)` is a template
        # error too (exit 2, file:line); it is the template's doing, not a bug in perfwatch.
        where = _location(error, name)
        raise PerfwatchError(
            f"{where}: template error: {type(error).__name__}: {excerpt(error, 200, quote=False)}"
        ) from None
