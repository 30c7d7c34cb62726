"""When opening runs ``PRAGMA quick_check``: after an unclean end, and on a file this PC never checked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

# NOTE (issue 15): quick_check reads every page. On a million cases (6.3 GB) it took 23–25 s with a
# warm cache and 603 s cold on this machine, and the clerk waited for it at every 登录. SQLite in WAL
# mode with synchronous=FULL is not damaged by a kill or a power cut of the program itself; damage
# comes from the disk or from copying a live file. So the start-up checks where damage is likely —
# after a session that did not end cleanly (a crash, a kill, a power cut: desktop/lastrun.py) and the
# first time this PC opens a file — and otherwise relies on the check every backup makes of its copy
# (desktop/store/backup.py, quick_check before it is encrypted), which reads the same pages.
STAMP_SUFFIX = ".quick-checked"


def stamp_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + STAMP_SUFFIX)


def due(db_file: Path, after_unclean_end: bool) -> bool:
    """True when the start-up should check ``db_file`` before opening it."""
    return after_unclean_end or not stamp_path(db_file).exists()


def record(db_file: Path, now: datetime | None = None) -> None:
    """A check passed: say so next to the file (best effort; a read-only folder just checks again)."""
    try:
        stamp_path(db_file).write_text((now or datetime.now()).isoformat(timespec="seconds") + "\n",
                                       encoding="utf-8")
    except OSError:
        pass
