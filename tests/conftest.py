"""Shared fixtures: paths to the repository and to a small valid framework."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
VALID_FRAMEWORK = REPO_ROOT / "tests" / "framework" / "valid.yaml"


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def valid_framework() -> Path:
    """A small framework that uses most of the format and validates with no findings."""
    return VALID_FRAMEWORK
