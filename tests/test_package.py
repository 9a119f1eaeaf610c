"""The installed package finds its bundled resources."""

from perfwatch import __version__
from perfwatch.resources import frameworks_dir, templates_dir


def test_version_is_set():
    assert __version__.count(".") == 2


def test_bundled_folders_are_found():
    assert templates_dir().is_dir()
    assert frameworks_dir().is_dir()
