"""Fixtures for the hardening tests; the helpers live in `hardening_support` (importable by the tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hardening_support import Project, write_project  # noqa: E402


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A fresh copy of the small valid project, in its own folder."""
    return write_project(tmp_path / "project")
