"""Shared fixtures: a hand-made corpus copied to a temporary folder, and isolation from the environment."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run every test in its own folder with no LINKREC_* variables set, and keep the temporary
    folders it makes (the docstring examples call ``tempfile.mkdtemp``) inside that folder, which
    pytest removes with its old runs, instead of leaving them in the system's temporary folder."""
    for var in ("LINKREC_CORPUS", "LINKREC_MODEL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture
def garden(tmp_path: Path) -> Path:
    """A copy of the small hand-made corpus (gardening, baking, bikes)."""
    dest = tmp_path / "garden"
    shutil.copytree(FIXTURES / "corpus", dest)
    return dest


@pytest.fixture
def write_site() -> Callable[[Path, dict[str, str]], Path]:
    """A function writing a small hand-made corpus (page path -> text) under a folder, which it
    returns."""

    def write(root: Path, pages: dict[str, str]) -> Path:
        for name, text in pages.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        return root

    return write
