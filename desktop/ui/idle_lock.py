"""The idle lock: after a quiet spell the main window is covered until the signed-in clerk's password is given."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
)

from desktop.cases import admin, sessions
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused, EnvironmentFailure, InputError
from desktop.cases.halldb import Database
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import ask_confirm, show_environment_failure
from desktop.ui.screen_fit import FitsScreen

log = logging.getLogger(__name__)
# NOTE: what counts as the clerk being there; paint, timer and focus events do not.
INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.InputMethod,
})
ACCOUNT_CHECK_MS = 60_000  # how often an open window asks whether its account was disabled
POLL_MS = 1_000  # how often the idle time is compared: the lock comes at most a second late
PANEL_WIDTH = 520
PANEL_MARGIN = 28


class LockScreen(FitsScreen, QDialog):
    """Covers the main window; only the locked clerk's own password (or quitting) gets past it."""

    sig_unlocked = Signal()

    def __init__(self, db: Database, actor: Actor, window: QMainWindow, minutes: int, reason: str = "idle"):
        super().__init__(window)
        self.db, self.actor, self.window = db, actor, window
        self._may_close = False
        self.setObjectName("lock_screen")
        self.setWindowTitle(self.tr("已锁定 — HallDesk"))
        # NOTE: application-modal and frameless over the main window: the form underneath is
        # hidden and untouched, and no menu, shortcut or other dialog answers until unlocked.
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setStyleSheet("QDialog#lock_screen { background: #2f3b4c; }"
                           "QFrame#lock_panel { background: white; border-radius: 8px; }")
        account = actor.account
        title = QLabel(self.tr("窗口已锁定"))
        title.setObjectName("lock_title")
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        # NOTE: 锁定 from the menu (reason "manual") says so; the rules for unlocking are the same.
        intro = (self.tr("%1号窗口已由%3锁定。正在填写的内容已保留。\n请%3本人输入密码解锁。") if reason == "manual"
                 else self.tr("%1号窗口超过%2分钟无人操作，已自动锁定。正在填写的内容已保留。\n请%3本人输入密码解锁。"))
        self.intro = QLabel(intro.replace("%1", actor.window).replace("%2", str(minutes))
                            .replace("%3", f"{account.display_name}（{account.username}）"))
        self.intro.setObjectName("lock_intro")
        self.intro.setWordWrap(True)
        self._fit_intro()
        self.username = QLineEdit(account.username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._on_unlock_clicked)
        for edit in (self.username, self.password):
            edit.setMinimumWidth(240)
        self.error = error_label("lock_error")
        self.unlock_button = QPushButton(self.tr("解锁"))
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._on_unlock_clicked)
        self.quit_button = QPushButton(self.tr("退出程序"))
        self.quit_button.setObjectName("quit_button")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self._on_quit_clicked)
        form = QFormLayout()
        form.addRow(self.tr("登录名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        panel = QFrame()
        panel.setObjectName("lock_panel")
        panel.setFixedWidth(PANEL_WIDTH)
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(PANEL_MARGIN, 24, PANEL_MARGIN, 24)
        inner.addWidget(title)
        inner.addWidget(self.intro)
        inner.addSpacing(8)
        inner.addLayout(form)
        inner.addWidget(self.error)
        inner.addSpacing(8)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def _fit_intro(self) -> None:
        # NOTE: a word-wrapped label in a fixed-width panel is laid out one line short (its last
        # line was cut off on screen); give it the height its text needs at the panel's width.
        self.intro.setMinimumHeight(self.intro.heightForWidth(PANEL_WIDTH - 2 * PANEL_MARGIN))

    def cover(self) -> None:
        self.setGeometry(self.window.frameGeometry())

    def end_session(self) -> None:
        """The account was disabled meanwhile: no unlocking, only quitting."""
        self.intro.setText(sessions.ENDED)
        self._fit_intro()
        for widget in (self.username, self.password, self.unlock_button):
            widget.setEnabled(False)
        set_error(self.error, "")
        self.quit_button.setDefault(True)

    def _on_unlock_clicked(self) -> None:
        set_error(self.error, "")
        try:
            sessions.unlock(self.db, self.actor.account, self.username.text(), self.password.text(),
                            self.actor.window)
        except InputError as exc:
            set_error(self.error, "；".join(exc.errors.values()))
            self.password.setFocus()
            return
        except ActionRefused as exc:
            set_error(self.error, exc.message)
            self.password.clear()
            if exc.message == sessions.ENDED:
                self.end_session()
            elif self.username.text().strip() != self.actor.account.username:
                self.username.setText(self.actor.account.username)
            self.password.setFocus()
            return
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return
        self._may_close = True
        self.accept()
        self.sig_unlocked.emit()

    def _on_quit_clicked(self) -> None:
        if not ask_confirm(self, self.tr("退出程序后，正在填写但尚未保存的内容会自动保存，"
                                         "该经办人下次登录时可以恢复。确定退出吗？"),
                           yes=self.tr("退出程序"), no=self.tr("返回")):
            return
        self._may_close = True
        self.reject()
        self.window.close_keeping_unsaved()

    # --- Qt overrides: Esc and the window manager's close do not unlock ---
    def reject(self) -> None:
        if self._may_close:
            super().reject()

    def closeEvent(self, event) -> None:
        if self._may_close:
            super().closeEvent(event)
        else:
            event.ignore()


class IdleLock(QObject):
    """Application-wide event filter noting the last keyboard or mouse input; a poll locks once it is too long ago.

    NOTE: the time comes from an injected monotonic clock and a poll compares it, instead of a
    single-shot timer restarted by every input: the tests advance a fake clock and poll, so no test
    waits for a real timer (which fired late, or early, on a loaded machine).

    NOTE: issue 15: an application-wide Python filter is a Python call for every event of every
    object (each keystroke's press, release, repaints, …). Once it has seen an input it takes itself
    off the application until the next poll (at most a second), which puts it back: the clerk's
    typing passes through Python about once a second instead of at every event. An input in that
    second is not seen, so the lock can come up to a second before the idle minutes since the very
    last input — never while the clerk is at work, whose next input after the poll is seen again.
    """

    sig_locked = Signal()
    sig_unlocked = Signal()

    def __init__(self, window: QMainWindow, db: Database, actor: Callable[[], Actor], minutes: int, *,
                 clock: Callable[[], float] = time.monotonic, account_check_ms: int = ACCOUNT_CHECK_MS):
        super().__init__(window)
        self.window, self.db, self._actor = window, db, actor
        self._clock = clock
        self._last_input = clock()
        self.minutes = minutes
        self.screen: LockScreen | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.poll)
        self._poll.start()
        self._check = QTimer(self)
        self._check.setInterval(account_check_ms)
        self._check.timeout.connect(self.check_account)
        self._check.start()
        self.watching = False  # True while the application-wide filter is installed
        self.seen = 0  # inputs the filter has seen (the tests count them)
        self._watch()
        window.installEventFilter(self)
        window.destroyed.connect(self._on_window_destroyed)

    @property
    def locked(self) -> bool:
        return self.screen is not None

    @property
    def idle_seconds(self) -> float:
        """How long without input locks the window: the settings' minutes."""
        return self.minutes * 60

    def set_minutes(self, minutes: int) -> None:
        """Minutes from the settings; the quiet spell so far counts against the new value."""
        self.minutes = minutes

    def _watch(self) -> None:
        if not self.watching:
            QApplication.instance().installEventFilter(self)
            self.watching = True

    def poll(self) -> None:
        """Lock when the last input is ``idle_seconds`` or more ago (the poll timer calls this every second)."""
        self._watch()  # NOTE: back on the application after the rest that followed an input
        if self.screen is None and self._clock() - self._last_input >= self.idle_seconds:
            self.lock("idle")

    def lock(self, reason: str = "idle") -> LockScreen:
        if self.screen is not None:
            return self.screen
        actor = self._actor()
        try:
            sessions.lock(self.db, actor.account, actor.window, reason)
        except EnvironmentFailure:
            # NOTE: the screen locks even when the audit row cannot be written: protecting the
            # open form matters more than the record of it.
            log.warning("lock not recorded", exc_info=True)
        self.screen = LockScreen(self.db, actor, self.window, self.minutes, reason)
        self.screen.sig_unlocked.connect(self._on_unlocked)
        self.screen.cover()
        self.screen.show()
        self.screen.activateWindow()
        self.screen.password.setFocus()
        self.sig_locked.emit()
        return self.screen

    def check_account(self) -> None:
        """End the session on this window once an administrator has disabled the account."""
        try:
            active = admin.is_active(self.db, self._actor().account.id)
        except EnvironmentFailure:
            return  # NOTE: a database hiccup is not a reason to throw the clerk out
        if not active:
            self.lock("disabled").end_session()
            self._check.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in INPUT_EVENTS:
            if self.screen is None:
                self._last_input = self._clock()
            self.seen += 1
            if self.watching:  # (Qt allows a filter to be removed while it filters)
                QApplication.instance().removeEventFilter(self)
                self.watching = False
        elif watched is self.window and self.screen is not None and kind in (QEvent.Type.Move, QEvent.Type.Resize):
            self.screen.cover()
        return False

    def _on_unlocked(self) -> None:
        screen, self.screen = self.screen, None
        if screen is not None:
            screen.deleteLater()
        self._last_input = self._clock()  # the unlock was input: a full spell before the next lock
        self.sig_unlocked.emit()

    def _on_window_destroyed(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.watching = False


def install_idle_lock(window, *, clock: Callable[[], float] = time.monotonic) -> IdleLock:
    """Attach the lock to a MainWindow (db, actor, settings); it follows idle_lock_minutes when the settings change."""
    lock = IdleLock(window, window.db, lambda: window.actor, window.settings.idle_lock_minutes, clock=clock)
    window.sig_settings_changed.connect(lambda s: lock.set_minutes(s.idle_lock_minutes))
    window.idle_lock = lock
    return lock
