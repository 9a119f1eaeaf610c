"""The installed package finds its bundled resources, and the architecture document matches the tree."""

from perfwatch import __version__
from perfwatch.resources import frameworks_dir, templates_dir


def test_version_is_set():
    assert __version__.count(".") == 2


def test_bundled_folders_are_found():
    assert templates_dir().is_dir()
    assert frameworks_dir().is_dir()


def test_the_architecture_document_names_every_module(repo_root):
    """docs/architecture.md lists the tree: every module of the package, by its path."""
    package = repo_root / "src" / "perfwatch"
    text = (repo_root / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if path.name != "__init__.py" or path.parent.name == "cli"
    ]
    assert [m for m in modules if f"`{m}`" not in text] == []


def test_module_docstrings_point_at_files_that_exist(repo_root):
    """A module or doc a module docstring names in backticks (`data/values.py`, `docs/evaluation.md`) exists."""
    import ast
    import re

    package = repo_root / "src" / "perfwatch"
    missing = []
    for path in package.rglob("*.py"):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        for named in re.findall(r"`((?:[\w.-]+/)*[\w-]+\.py|docs/[\w/-]+\.md)`", doc):
            if not any((base / named).exists() for base in (package, repo_root, path.parent)):
                missing.append(f"{path.relative_to(package)}: {named}")
    assert missing == []
