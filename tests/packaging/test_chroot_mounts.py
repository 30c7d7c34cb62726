"""The release build's chroot mounts (packaging/linux/chroot.py) are undone when a step fails or CI cancels it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"
sys.path.insert(0, str(LINUX))

import chroot  # noqa: E402

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting needs root (CI runs as root)")


def test_a_failing_step_leaves_nothing_mounted(tmp_path):
    root, shared = tmp_path / "root", tmp_path / "x11"
    root.mkdir()
    shared.mkdir()
    with pytest.raises(RuntimeError, match="the step failed"):
        with chroot.mounted(root, binds=[(shared, "/tmp/.X11-unix")]):
            assert {p.relative_to(root).as_posix() for p in chroot.mounts_under(root)} == {
                "proc", "dev/pts", "dev/shm", "tmp/.X11-unix"}
            assert (root / "proc" / "self").exists()
            raise RuntimeError("the step failed")
    assert chroot.mounts_under(root) == []


def test_sigterm_during_a_step_unmounts(tmp_path):
    root, shared = tmp_path / "root", tmp_path / "x11"
    root.mkdir()
    shared.mkdir()
    (shared / "X0").write_text("the host's socket\n")
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]); import chroot; "
         "from pathlib import Path\n"
         "with chroot.mounted(Path(sys.argv[2]), binds=[(Path(sys.argv[3]), '/tmp/.X11-unix')]):\n"
         "    print('mounted', flush=True); time.sleep(600)",
         str(LINUX), str(root), str(shared)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "mounted"  # NOTE: the child says when it is inside
        assert len(chroot.mounts_under(root)) == 4
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    assert chroot.mounts_under(root) == []
    assert (shared / "X0").read_text() == "the host's socket\n"  # the bind was left, not what it showed


def test_remove_root_never_deletes_through_a_bind(tmp_path):
    root, shared = tmp_path / "root", tmp_path / "x11"
    (root / "tmp" / "x").mkdir(parents=True)
    shared.mkdir()
    (shared / "X0").write_text("keep\n")
    subprocess.run(["mount", "--bind", str(shared), str(root / "tmp" / "x")], check=True)  # a SIGKILLed run's leftover
    try:
        chroot.remove_root(root)
    finally:
        if chroot.mounts_under(root):
            subprocess.run(["umount", "--lazy", str(root / "tmp" / "x")], check=False)
    assert not root.exists()
    assert (shared / "X0").read_text() == "keep\n"
