"""Shell completion for options whose values come from a fixed set: bundled frameworks, and the current
project's reporting cycles, areas and outcomes. (Options declared as choices, such as `--kind`, complete
by themselves.) Completion must never fail or print: any problem gives no suggestions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import click
from click.shell_completion import CompletionItem


def _items(values: Iterable[tuple[str, str]], incomplete: str) -> list[CompletionItem]:
    return [
        CompletionItem(value, help=help_text) for value, help_text in values if value.startswith(incomplete)
    ]


def complete_bundled_framework(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    try:
        from perfwatch.resources import frameworks_dir

        names = sorted(p.stem for p in frameworks_dir().glob("*.y*ml"))
    except Exception:  # completion never breaks the shell
        return []
    return _items(((name, "bundled framework") for name in names), incomplete)


def _from_project(pick: Callable) -> Callable[[click.Context, click.Parameter, str], list[CompletionItem]]:
    """A completer reading the framework of the project given by `--project` or found from here."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        try:
            from perfwatch.api import resolve_inputs
            from perfwatch.framework.load import load_framework

            inputs = resolve_inputs(framework=ctx.params.get("framework"), project=ctx.params.get("project"))
            return _items(pick(load_framework(inputs.framework)), incomplete)
        except Exception:  # no project here, or one that does not load yet
            return []

    return complete


complete_cycle = _from_project(lambda fw: ((c.id, c.title) for c in fw.reporting.cycles))
complete_area = _from_project(lambda fw: ((a.id, a.name) for a in fw.areas))
complete_outcome = _from_project(lambda fw: ((o.id, o.title) for theme in fw.themes for o in theme.outcomes))
