"""Everything the program writes is private to the clerk's account (files 0600, folders 0700)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys


def test_the_demo_hall_and_its_papers_are_not_readable_by_others(tmp_path):
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    # A typical desktop umask (022) would make everything world-readable.
    subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); from desktop.__main__ import main; "
                    "sys.exit(main(sys.argv[1:]))", "--data-dir", str(data), "seed-demo", "--db",
                    str(tmp_path / "hall" / "hall.sqlite3"), "--out", str(tmp_path / "papers")],
                   check=True, env=env, capture_output=True, timeout=600)
    written = [p for p in tmp_path.rglob("*") if not p.is_symlink()]
    assert any(p.suffix == ".pdf" for p in written) and any(p.name == "hall.sqlite3" for p in written)
    for path in written:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
