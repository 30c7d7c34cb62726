"""Did the last session end cleanly? A marker written at start and removed at a clean exit (no Qt)."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from desktop import __version__, logs, paths

log = logging.getLogger(__name__)
MARKER_NAME = "session.running"
LOCK_NAME = "session.lock"


@dataclass(frozen=True)
class AbnormalEnd:
    """The last session died (crash, kill, power cut): what is known about it."""

    pid: int | None
    started_at: str
    fatal_trace: str  # what faulthandler wrote for it; '' after a kill -9 or a power cut
    fatal_log: Path
    log_file: Path


class _FolderLock:
    """An exclusive, non-blocking OS lock on a file, freed by the OS when the process dies (even kill -9).

    NOTE: issue 15: this was filelock's FileLock, whose import (platform, decimal, secrets, hashlib)
    cost ≈ 20 ms before the sign-in dialog could paint; the lock is the same two calls it makes:
    flock(LOCK_EX | LOCK_NB) on POSIX, msvcrt.locking(LK_NBLCK) of one byte on Windows.
    """

    def __init__(self, path: Path):
        self.path = path
        self._file: BinaryIO | None = None

    def acquire(self) -> bool:
        """True when this process now holds the lock; False when another holds it."""
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open as long as the lock
        try:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # NOTE: closing the descriptor frees the lock on both systems
            self._file = None

    def __del__(self) -> None:
        self.release()  # NOTE: a marker dropped without end() frees its lock, as filelock's did


class SessionMarker:
    """Held while HallDesk runs on a data folder.

    NOTE: the marker alone cannot tell a dead session from a second HallDesk still running on the
    same folder, so a lock file (flock / LockFileEx, freed by the OS when a process dies, even by
    kill -9) is held with it: a marker found by the one who gets the lock is a dead one's.
    """

    def __init__(self, folder: Path | None = None):
        self.folder = folder or paths.log_dir()
        self.marker = self.folder / MARKER_NAME
        self._lock: _FolderLock | None = None

    def begin(self) -> AbnormalEnd | None:
        """Take the marker; the previous session's abnormal end when it left one behind."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = _FolderLock(self.folder / LOCK_NAME)
        if not lock.acquire():
            log.info("another HallDesk is running on this data folder; its session is not ours to judge")
            return None
        self._lock = lock
        previous = self._read_previous()
        data = {"pid": os.getpid(), "started_at": datetime.now().isoformat(timespec="seconds"),
                "version": __version__}
        tmp = self.marker.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.marker)
        return previous

    def _read_previous(self) -> AbnormalEnd | None:
        if not self.marker.exists():
            return None
        try:
            data = json.loads(self.marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}  # NOTE: a marker cut short by a power cut still says the session died
        pid = data.get("pid") if isinstance(data.get("pid"), int) else None
        trace = logs.fatal_trace(pid) if pid is not None else ""
        end = AbnormalEnd(pid, str(data.get("started_at") or ""), trace, logs.fatal_log_path(), logs.log_path())
        log.error("the previous session (pid %s, started %s) did not end cleanly%s", pid, end.started_at,
                  f"; its fatal error:\n{trace}" if trace else "; no fatal error was recorded (killed or power cut)")
        return end

    def end(self, keep: AbnormalEnd | None = None) -> None:
        """A clean exit: remove the marker and free the lock; ``keep`` a dead session still to be told about."""
        if self._lock is None:
            return
        if keep is not None:
            data = {"pid": keep.pid, "started_at": keep.started_at, "version": __version__}
            self.marker.write_text(json.dumps(data), encoding="utf-8")
        else:
            self.marker.unlink(missing_ok=True)
        self._lock.release()
        self._lock = None
