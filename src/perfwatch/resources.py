"""Where the bundled templates and frameworks live.

In a built wheel they sit inside the package (`perfwatch/templates`, `perfwatch/frameworks`, put there by
hatch's force-include). In a source checkout with an editable install they are the top-level
`templates/` and `frameworks/` folders of the repository, which is where developers edit them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def bundled_dir(name: str) -> Path:
    """The folder of bundled `templates` or `frameworks`."""
    inside = _PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"perfwatch is installed without its {name} folder (looked in {inside})")


def templates_dir() -> Path:
    return bundled_dir("templates")


def frameworks_dir() -> Path:
    return bundled_dir("frameworks")


def bundled_framework(name: str) -> Path | None:
    """A bundled framework by its file stem, e.g. `forth-valley-ijb`; a name with a folder in it is none."""
    if not name or Path(name).name != name or name.startswith(".") or "\\" in name:
        return None
    for suffix in (".yaml", ".yml"):
        path = frameworks_dir() / f"{name}{suffix}"
        if path.is_file():
            return path
    return None
