"""Writing a whole file durably (temporary file, fsync, rename, fsync the folder), and files staged until a commit (no Qt)."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from desktop.store.errors import translate

log = logging.getLogger(__name__)
PENDING = ".pending"
# NOTE: the pid says whether the writer may still be alive; the random part tells this process's
# files from those of an earlier process that had the same pid before a reboot.
_OWNER = f"{os.getpid()}.{secrets.token_hex(4)}"


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open a folder; NTFS journals its renames
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: Path, data: bytes) -> None:
    # NOTE: 0o600: papers carry applicants' names and ID numbers; only the clerk's account reads them.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target``, making its folder; a full disk or a locked file is an EnvironmentFailure."""
    with translate():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            _write_synced(tmp, data)
            # NOTE: the replace is atomic, so a reader never sees half a file and a failed write
            # leaves the old file as it was; the folder's fsync makes the new name survive a power cut.
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(target.parent)
    return target


@dataclass(frozen=True)
class StagedFile:
    """A file written under ``<folder>/.pending/`` that becomes ``target`` only when its transaction commits."""
    staged: Path
    target: Path

    def promote(self) -> bool:
        """After the commit: move into place (atomic, synced); False when the rename failed.

        NOTE: the commit has happened, so a failed rename is logged, not raised: the paper's
        snapshot is in the database and the preview renders it again (desktop.cases.paper_files).
        """
        try:
            self.staged.replace(self.target)
            fsync_dir(self.target.parent)
        except OSError:
            log.warning("a committed paper stayed staged: %s", self.staged.name, exc_info=True)
            return False
        return True

    def discard(self) -> None:
        self.staged.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # pragma: no cover - EPERM: a live process of someone else
        return True
    return True


def clean_stale(folder: Path) -> int:
    """Delete files staged by processes that died before promoting them; how many were removed.

    NOTE: a staged file whose process was killed either belongs to a transaction that never
    committed (an orphan with an applicant's data and no row: it must go) or, in the instant
    between the commit and the rename, to a committed paper — whose snapshot is in the database,
    so the preview renders the same paper again (desktop.cases.paper_files). Deleting both is safe;
    keeping either is not needed.
    """
    pending = folder / PENDING
    removed = 0
    with translate():
        if not pending.is_dir():
            return 0
        for path in pending.iterdir():
            owner = path.name.split("-", 1)[0]
            if owner == _OWNER:
                continue  # ours: an open transaction of this process may still promote it
            pid_text = owner.split(".", 1)[0]
            if pid_text.isdigit() and int(pid_text) != os.getpid() and _pid_alive(int(pid_text)):
                continue  # another window's transaction in progress
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def stage_file(target: Path, data: bytes) -> StagedFile:
    """Write ``data`` where no one looks for it yet (synced); ``promote()`` it after the commit."""
    pending = target.parent / PENDING
    with translate():
        pending.mkdir(parents=True, exist_ok=True)
        clean_stale(target.parent)
        staged = pending / f"{_OWNER}-{target.name}"
        # NOTE: the bytes are synced (promote's rename must never name a file whose data is not on
        # disk), the staged name is not: no path reads a staged file after a crash — clean_stale
        # deletes every staged file of a dead process, committed or not, and a committed paper is
        # rendered again from its snapshot — so syncing `.pending/` was an fsync per paper that
        # protected nothing (issue 15). The final name is synced by promote, after the commit.
        _write_synced(staged, data)
    return StagedFile(staged, target)
