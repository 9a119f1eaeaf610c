"""The evaluation tests share builders defined in `test_evaluate.py`; this folder is put on the import path
so other test modules import them by name, whatever order pytest collects them in."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
