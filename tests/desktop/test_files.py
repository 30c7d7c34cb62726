"""Writing a whole file: the folder is made, the old file replaced, a blocked path said plainly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.files import replace_file
from desktop.store.errors import EnvironmentFailure

ROOT = Path(__file__).resolve().parents[2]


def test_writes_into_a_new_folder_and_replaces_the_old_file(tmp_path):
    target = tmp_path / "a" / "b" / "x.pdf"
    assert replace_file(target, b"old") == target
    replace_file(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.pdf"]  # no temporary file left


def test_a_file_where_the_folder_should_be_is_an_environment_failure(tmp_path):
    (tmp_path / "papers").write_text("not a folder")
    with pytest.raises(EnvironmentFailure, match="无法创建文件夹"):
        replace_file(tmp_path / "papers" / "x.pdf", b"pdf")


def test_importing_it_registers_no_service_hooks():
    code = "import sys, desktop.files; assert 'desktop.cases.intake' not in sys.modules, sorted(sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
