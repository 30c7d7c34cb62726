"""The Qt-free layers stay free of Qt: forms/ and desktop/ outside ui/, app.py and __main__.py."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT_FREE_PACKAGES = ("forms", "desktop/store", "desktop/cases", "desktop/documents")
QT_ALLOWED_TOP_LEVEL = {"app.py", "__main__.py"}


def qt_free_files() -> list[Path]:
    files: list[Path] = []
    for package in QT_FREE_PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    files += sorted(p for p in (ROOT / "desktop").glob("*.py") if p.name not in QT_ALLOWED_TOP_LEVEL)
    return files


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names
                  if n.split(".")[0] in ("PySide6", "shiboken6")]
    return found


def test_the_walk_sees_the_packages():
    names = {p.relative_to(ROOT).as_posix() for p in qt_free_files()}
    assert "forms/service.py" in names and "desktop/store/database.py" in names
    assert "desktop/settings.py" in names and "desktop/app.py" not in names


@pytest.mark.parametrize("path", qt_free_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_qt_import(path):
    assert qt_imports(path) == []


def test_importing_the_core_loads_no_qt():
    code = ("import forms.service, desktop.cases.accounts, desktop.store.database; import sys; "
            "assert not any(m.startswith('PySide6') for m in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_the_command_line_version_loads_no_qt():
    code = ("import sys, desktop.__main__ as m\n"
            "try:\n    m.main(['--version'])\nexcept SystemExit:\n    pass\n"
            "assert not any(n.startswith('PySide6') for n in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
