"""Writing output files so that a failed run never leaves a half-written file under the final name."""

from __future__ import annotations

import glob
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from perfwatch.errors import PerfwatchError

LOCK_FILE = ".perfwatch.lock"
STALE_AFTER_SECONDS = 3600
"""A temporary file older than this was left by a run that was killed; writing takes milliseconds."""


def remove_stale_temporaries(path: Path, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete `.<name>.*.tmp` files beside `path` left by a killed run; returns what was removed.

    Only this output's own temporaries, and only old ones, so a run writing the same file right now
    is never disturbed.
    """
    removed = []
    cutoff = time.time() - older_than
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            if candidate.is_file() and candidate.stat().st_mtime < cutoff:
                candidate.unlink()
                removed.append(candidate)
        except OSError:
            continue
    return removed


def file_mode() -> int:
    """The mode `open()` would give a new file under the user's umask (0644 under 022, 0600 under 077).

    `mkstemp` always makes 0600; the finished file gets what any other program's output would, so an
    internal export written under `umask 077` is never made world-readable.
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary file beside `path`; rename it over `path` only when the block succeeds.

    The rename is atomic on one file system, so readers (and the last good report) see either the old file
    or the new one, never a partial one. OS errors become one clear `PerfwatchError`.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise PerfwatchError(f"cannot write to {path.parent}: {error.strerror or error}") from error
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, file_mode())
        os.replace(temporary, path)
    except OSError as error:
        raise PerfwatchError(f"cannot write {path}: {error.strerror or error}") from error
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> Path:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)
    return path


@contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold the output folder for one build: a second run into it exits 2 instead of interleaving its files.

    Two runs into one folder once lost manifest entries, and an older run finishing last replaced a newer
    report. The lock is `flock` on `.perfwatch.lock`, released by the kernel if the holder dies, so a killed
    run never leaves the folder locked. Where `flock` does not exist (Windows) there is no lock.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as error:
        raise PerfwatchError(f"cannot write to {folder}: {error.strerror or error}") from error
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "unknown"
            raise PerfwatchError(
                f"another perfwatch run (process {holder}) is building into {folder}: wait for it to "
                "finish, or build into another folder with --out"
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
