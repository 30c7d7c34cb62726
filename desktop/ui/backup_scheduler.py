"""Scheduled backups in a running session: a QTimer, the backup on a worker thread, one more at exit, each logged."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QAction

from desktop.cases import backups as backup
from desktop.cases.errors import EnvironmentFailure

log = logging.getLogger(__name__)
TICK_MS = 60_000  # the timer only looks at the clock; the interval itself is hours


@dataclass(frozen=True)
class BackupOutcome:
    ok: bool
    at: datetime
    message: str
    path: Path | None = None


class BackupScheduler(QObject):
    """Backs up every ``settings.backup_every_hours`` of a running session and at exit.

    NOTE: the clock is injected (tests move it forward); the timer's tick only compares it with
    the last run, so a suspended PC catches up at the next tick instead of firing a burst.
    """

    sig_finished = Signal(object)  # a BackupOutcome, delivered in the GUI thread

    def __init__(self, window, *, clock: Callable[[], datetime] = datetime.now, tick_ms: int = TICK_MS,
                 parent: QObject | None = None):
        super().__init__(parent or window)
        self.window = window
        self.clock = clock
        self.last_run = clock()  # the session's start: the first backup is one interval in
        self.last_outcome: BackupOutcome | None = None
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        self.timer = QTimer(self)
        self.timer.setObjectName("backup_timer")
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.sig_finished.connect(self._on_finished)

    def _plan(self) -> tuple[str, Path, int] | None:
        """(database URL, folder, keep) when backups are configured on this PC, else None."""
        settings = self.window.settings
        if not settings.backup_dir or backup.load_key() is None:
            return None
        return self.window.db.url, Path(settings.backup_dir), settings.backup_keep

    def due(self) -> bool:
        hours = self.window.settings.backup_every_hours
        return self.clock() - self.last_run >= timedelta(hours=hours)

    def busy(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def tick(self) -> bool:
        """The timer's slot: start a backup on a worker thread when one is due; True if it started."""
        if self.busy() or not self.due():
            return False
        return self.run_in_background()

    def run_in_background(self) -> bool:
        plan = self._plan()
        if plan is None or self.busy():
            return False
        self.last_run = self.clock()
        self._worker = threading.Thread(target=self._work, args=plan, name="halldesk-backup", daemon=True)
        self._worker.start()
        return True

    def _work(self, url: str, folder: Path, keep: int) -> BackupOutcome:
        with self._lock:  # never two backups of this session at once (the timer and the exit)
            try:
                result = backup.make_backup(url, folder, keep=keep, now=self.clock())
                outcome = BackupOutcome(True, self.clock(), result.message(), result.path)
            except (backup.BackupError, EnvironmentFailure) as exc:
                outcome = BackupOutcome(False, self.clock(), exc.message)
            except OSError as exc:  # a USB stick pulled out mid-write, a share gone
                outcome = BackupOutcome(False, self.clock(), f"备份失败：{exc.strerror or exc}")
        self.sig_finished.emit(outcome)
        return outcome

    def at_exit(self) -> BackupOutcome | None:
        """The last backup of the session, in the GUI thread (the program is closing anyway)."""
        self.timer.stop()
        if self._worker is not None:
            self._worker.join()
        plan = self._plan()
        if plan is None:
            return None
        outcome = self._work(*plan)
        self._on_finished(outcome)
        return outcome

    def _on_finished(self, outcome: BackupOutcome) -> None:
        if outcome is self.last_outcome:
            return
        self.last_outcome = outcome
        if outcome.ok:
            log.info("scheduled backup done: %s", outcome.path.name if outcome.path else "")
        else:
            log.warning("scheduled backup failed: %s", outcome.message)
        status = getattr(self.window, "statusBar", None)
        if callable(status):
            text = "已自动备份" if outcome.ok else "自动备份失败，请检查备份文件夹"
            status().showMessage(f"{text}（{outcome.at:%H:%M}）", 10_000)


def install_backup(window, admin_menu, *, clock: Callable[[], datetime] = datetime.now) -> BackupScheduler:
    """The scheduler for every session, and 管理 → 备份与恢复… for the administrator."""
    scheduler = BackupScheduler(window, clock=clock)
    window.backup_scheduler = scheduler
    action = QAction(window.tr("备份与恢复…"), window)
    action.setObjectName("backup_action")

    def open_dialog() -> None:
        from desktop.ui.backup_dialog import BackupDialog

        BackupDialog(window, scheduler).exec()

    action.triggered.connect(open_dialog)
    admin_menu.addAction(action)
    window.backup_action = action
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(scheduler.at_exit)
    return scheduler
