"""`perfwatch` with a PDF write that stalls halfway, so a test can SIGKILL the run in the middle of it.

The temporary PDF gets half its bytes (flushed to disk), "STALLED <path>" is printed on stderr, and the
process sleeps until it is killed. Everything else is the real command line.
"""

import os
import sys
import time
from pathlib import Path

_real_write_bytes = Path.write_bytes


def _stalling_write_bytes(self: Path, data: bytes) -> int:
    if self.name.endswith(".tmp") and ".pdf." in self.name:
        with open(self, "wb") as handle:
            handle.write(data[: len(data) // 2])
            handle.flush()
            os.fsync(handle.fileno())
        sys.stderr.write(f"STALLED {self}\n")
        sys.stderr.flush()
        time.sleep(600)
    return _real_write_bytes(self, data)


Path.write_bytes = _stalling_write_bytes

if __name__ == "__main__":
    from perfwatch.cli import main

    sys.argv[0] = "perfwatch"
    main()
