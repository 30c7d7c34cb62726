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


def test_papers_are_private_to_the_clerk(tmp_path):
    target = replace_file(tmp_path / "x.pdf", b"pdf")
    assert target.stat().st_mode & 0o077 == 0


def test_a_staged_file_appears_under_its_name_only_when_promoted(tmp_path):
    from desktop.files import PENDING, stage_file

    target = tmp_path / "JZ1-receipt-1.pdf"
    staged = stage_file(target, b"paper")
    assert not target.exists() and staged.staged.parent == tmp_path / PENDING
    assert staged.promote() and target.read_bytes() == b"paper" and not staged.staged.exists()
    other = stage_file(tmp_path / "JZ2-receipt-1.pdf", b"rolled back")
    other.discard()
    assert not other.staged.exists() and not other.target.exists()


def test_files_staged_by_a_dead_process_are_removed_and_live_ones_kept(tmp_path):
    from desktop.files import PENDING, clean_stale, stage_file

    mine = stage_file(tmp_path / "JZ3-receipt-1.pdf", b"in my open transaction")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pending = tmp_path / PENDING
    (pending / f"{dead.stdout.strip()}.deadbeef-JZ4-receipt-1.pdf").write_bytes(b"orphan")
    (pending / f"{os.getpid()}.00000000-JZ5-receipt-1.pdf").write_bytes(b"same pid before a reboot")
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        (pending / f"{live.pid}.cafecafe-JZ6-receipt-1.pdf").write_bytes(b"another window, still writing")
        assert clean_stale(tmp_path) == 2
        assert sorted(p.name for p in pending.iterdir()) == sorted([mine.staged.name,
                                                                     f"{live.pid}.cafecafe-JZ6-receipt-1.pdf"])
    finally:
        live.communicate(b"")
