"""Stopping a build cleanly when cron, CI or a person says stop.

By default SIGTERM kills only the parent of an `--each-area` batch: its workers go on writing files for a
minute and more, and a killed writer leaves its temporary behind. During a build, SIGTERM and SIGINT raise
`Interrupted` in the parent instead, which stops the workers (each turns SIGTERM into an exception, so its
`atomic_path` removes its temporary) and exits 143 or 130, the shells' codes for those signals.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
RESEND_AFTER = 0.05  # seconds before a stop swallowed by a finaliser is sent again


class Interrupted(Exception):
    """The run was told to stop by a signal; `exit_code` is 128 + the signal's number."""

    def __init__(self, signum: int):
        self.signum = signum
        self.exit_code = 128 + signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")


def _raise_interrupted(signum: int, _frame) -> None:
    raise Interrupted(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Inside the block, SIGTERM and SIGINT raise `Interrupted` (only in the main thread, where Python can)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, _raise_interrupted) for number in STOP_SIGNALS}
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _resend_lost_stop(previous_hook)
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        for number, handler in previous.items():
            signal.signal(number, handler)


def _resend_lost_stop(fallback):
    """A signal that lands while Python runs a finaliser (`__del__`, e.g. WeasyPrint's font objects) raises
    `Interrupted` (or, in a worker, `WorkerStopped`) where it cannot propagate: Python would print "Exception ignored" with a traceback and
    carry on building. The stop is sent again instead, so it lands in ordinary code, silently."""

    def hook(unraisable) -> None:
        if isinstance(unraisable.exc_value, Interrupted | WorkerStopped):
            # Sent from another thread a moment later: sent from here, it would land in this hook again.
            resend = threading.Timer(RESEND_AFTER, os.kill, (os.getpid(), unraisable.exc_value.signum))
            resend.daemon = True
            resend.start()
            return
        fallback(unraisable)

    return hook


class WorkerStopped(SystemExit):
    """A batch worker told to stop (SIGTERM from its parent): unwinds, removing temporaries."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(128 + signum)


def _worker_exit(signum: int, _frame) -> None:
    raise WorkerStopped(signum)


def prepare_worker() -> None:
    """In a batch worker: SIGTERM unwinds (removing temporaries); SIGINT is left to the parent to act on."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_exit)
    sys.unraisablehook = _resend_lost_stop(sys.unraisablehook)
