"""Text from input files made safe to print: control characters escaped, long excerpts cut short.

A file name, a column header or a cell can hold anything, including terminal escape sequences (`ESC ]52;…`
writes the clipboard, `ESC [2J` clears the screen) or a whole file's contents read with the wrong delimiter.
Messages therefore quote at most a short, escaped excerpt (`excerpt`) and everything printed to a terminal
goes through `terminal_safe`.
"""

from __future__ import annotations

import re

EXCERPT_CHARS = 60
"""The most characters of one input value a message quotes."""
LISTED_ITEMS = 12
"""The most values (e.g. column headers) one message lists."""

# C0 and C1 controls, DEL, the Unicode bidirectional overrides that reorder what a reader sees, and lone
# surrogates (a file name that is not UTF-8), which cannot be printed at all.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_CONTROL_OR_NEWLINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control character but newline and tab shown as `\\xNN`, so it cannot drive the terminal."""
    return _CONTROL.sub(_escape, text)


def excerpt(value: object, limit: int = EXCERPT_CHARS, *, quote: bool = True) -> str:
    """A short, one-line, escaped rendering of one input value for a message: `'abc…' (1,234 characters)`."""
    text = _CONTROL_OR_NEWLINE.sub(_escape, str(value))
    shown = text if len(text) <= limit else text[:limit] + "…"
    if quote:
        shown = repr(shown)
    return shown if len(text) <= limit else f"{shown} ({len(str(value)):,} characters)"


def listing(values: object, limit: int = LISTED_ITEMS) -> str:
    """A few values as excerpts, comma-separated, with how many more there are."""
    items = list(values)  # type: ignore[call-overload]
    shown = ", ".join(excerpt(v, 30, quote=False) for v in items[:limit])
    return shown + (f" and {len(items) - limit:,} more" if len(items) > limit else "")
