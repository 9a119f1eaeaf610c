"""The project boundary, and the one way perfwatch opens a file a project names.

In CI the project file and everything it points at come from whoever opened the pull request
(`docs/security.md`). So every path a project file names — framework, data, actions, commentary, templates,
output — must resolve, after symbolic links, inside the project folder (or a folder the person running the
command allowed with `--allow-path DIR`), and must not pass through a hidden folder such as `.git`. Files are
opened only through `open_regular`, which refuses pipes, devices, sockets and `/proc`-style system files by
their type, before a byte is read: a FIFO would block a cron job forever and `/dev/zero` would fill memory.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

MAX_TEXT_BYTES = 10 * 1024 * 1024
"""Commentary, actions and other text inputs larger than this are refused unread."""
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")
"""Pseudo-file systems: their files look regular but are the kernel's live state (the environment, keys)."""
ALLOW_OPTION = "--allow-path"


class UnsafeFile(ValueError):
    """A file perfwatch will not open; the message says why and how to fix it."""


class Boundary:
    """The folders a project may name: the project folder and any the command line allowed."""

    def __init__(self, root: str | Path, allowed: Iterable[str | Path] = ()):
        self.root = Path(root).resolve()
        self.allowed = tuple(Path(folder).resolve() for folder in allowed)

    def problem(self, path: str | Path) -> str | None:
        """Why `path` is outside the boundary, or None when it is inside."""
        resolved = Path(path).resolve()
        for folder in (self.root, *self.allowed):
            if resolved.is_relative_to(folder):
                hidden = next((p for p in resolved.relative_to(folder).parts if p.startswith(".")), None)
                if hidden is not None:
                    return (
                        f"it goes through the hidden {hidden!r}: a project may not name hidden files or "
                        "folders (such as .git)"
                    )
                return None
        return (
            f"it is outside the project folder {self.root} (after following links): move it into the "
            f"project, or pass `{ALLOW_OPTION} DIR` on the command line to allow a folder"
        )


def inside(path: str | Path, folders: Iterable[str | Path]) -> bool:
    """True when `path`, after links, is inside one of `folders` and passes through nothing hidden."""
    return any(Boundary(folder).problem(path) is None for folder in folders)


def _type_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "this is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "this is a named pipe (FIFO), not a regular file: reading it could block forever"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "this is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "this is a socket, not a regular file"
    return "this is not a regular file"


def _system_problem(path: str | Path) -> str | None:
    resolved = str(Path(path).resolve())
    for folder in SYSTEM_FOLDERS:
        if resolved == folder or resolved.startswith(folder + "/"):
            return f"this is a system file under {folder}, not a data file"
    return None


def file_problem(path: str | Path) -> str | None:
    """Why `path` is not a regular file perfwatch may read (by its type, without opening it), or None."""
    system = _system_problem(path)
    if system is not None:
        return system
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return f"cannot read it: {error.strerror or error}"
    return _type_problem(mode)


def open_regular(path: str | Path) -> BinaryIO:
    """Open a regular file for reading, refusing every other kind by its type, never blocking on a pipe.

    The type is checked on the open descriptor (`fstat`), so a file swapped for a FIFO after an earlier
    check is still refused.
    """
    system = _system_problem(path)
    if system is not None:
        raise UnsafeFile(system)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise UnsafeFile(f"cannot read it: {error.strerror or error}") from None
    problem = _type_problem(os.fstat(descriptor).st_mode)
    if problem is not None:
        os.close(descriptor)
        raise UnsafeFile(problem)
    return os.fdopen(descriptor, "rb")


def read_bytes(path: str | Path, limit: int | None = MAX_TEXT_BYTES) -> bytes:
    """The bytes of a regular file, refusing it unread when it is larger than `limit`."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if limit is not None and size > limit:
            raise UnsafeFile(f"the file is {size:,} bytes; the most perfwatch reads here is {limit:,}")
        data = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise UnsafeFile(f"the file is larger than {limit:,} bytes, the most perfwatch reads here")
    return data


def read_text(path: str | Path, limit: int | None = MAX_TEXT_BYTES) -> str:
    """A regular file as UTF-8 text (a BOM is dropped); `UnicodeDecodeError` when it is not UTF-8."""
    return read_bytes(path, limit).decode("utf-8-sig")
