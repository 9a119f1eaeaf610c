"""Check the system libraries WeasyPrint needs, and say which Debian packages provide them.

Run by `make demo` and `make test` before anything renders a PDF, so a missing library is one clear line
instead of an OSError deep inside WeasyPrint's import.
"""

from __future__ import annotations

import ctypes.util
import sys

#: Shared library → Debian package that provides it.
REQUIRED = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    "fontconfig": "fontconfig",
}
RECOMMENDED = {"harfbuzz-subset": "libharfbuzz-subset0"}


def missing(libraries: dict[str, str]) -> list[str]:
    return [package for name, package in libraries.items() if ctypes.util.find_library(name) is None]


def main() -> int:
    required = missing(REQUIRED)
    if required:
        print(  # noqa: T201 - runs before perfwatch is importable for sure
            "perfwatch needs system libraries for PDF output that are not installed.\n"
            f"On Debian or Ubuntu: sudo apt-get install {' '.join(required)} fonts-dejavu-core",
            file=sys.stderr,
        )
        return 1
    recommended = missing(RECOMMENDED)
    if recommended:
        print(  # noqa: T201 - runs before perfwatch is importable for sure
            f"note: for smaller PDFs install {' '.join(recommended)} (WeasyPrint falls back to fontTools).",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
