"""The idle lock on an injected clock: the lock screen, wrong and foreign passwords, lockout, a disabled account."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit
from qt_helpers import answer_next_box, type_text
from sqlalchemy import select

from desktop.cases import accounts, admin as admin_ops
from desktop.cases.dto import Actor
from desktop.settings import Settings
from desktop.store.models import AuditEvent
from desktop.ui.idle_lock import install_idle_lock
from desktop.ui.intake_page import IntakePage
from desktop.ui.main_window import MainWindow
from forms import registry

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
HALL = "郑州市金水区政务服务中心"


class FakeClock:
    """A monotonic clock the test moves by hand: no test waits for the real ten minutes, or a timer."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clerk(db, admin):
    return accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")


@pytest.fixture
def window(qtbot, db, clerk, tmp_path):
    settings = Settings(hall_name=HALL, window_no="03", output_dir=str(tmp_path / "papers"), idle_lock_minutes=10)
    main = MainWindow(db, Actor(clerk, "03", HALL), settings)
    qtbot.addWidget(main)
    service = registry.get("residence_permit")
    page = IntakePage(db, main.actor, settings, service)
    main.add_page(page, service.name)
    main.page = page
    main.show()
    qtbot.waitExposed(main)
    return main


def fill_form(window) -> dict:
    example = registry.get("residence_permit").example(date.today())
    answers = dict(example["answers"])
    del answers["name"]
    window.page.load(answers, example["materials"])
    type_text(window.page.findChild(QLineEdit, "field_name"), "欧阳娜娜")
    return window.page.values()


def lock_now(window, clock):
    lock = install_idle_lock(window, clock=clock)
    clock.advance(10 * 60)  # the settings' ten minutes without input
    lock.poll()
    return lock, lock.screen


def unlock_with(qtbot, screen, username: str, password: str) -> str:
    screen.username.setText(username)
    screen.password.setText(password)
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    return screen.error.text()


def audit_actions(db) -> list[str]:
    with db.unit() as s:
        return [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_locks_after_idle_and_unlocks_with_own_password_keeping_the_form(qtbot, db, window, clock):
    before = fill_form(window)
    lock, screen = lock_now(window, clock)
    assert screen.isVisible() and screen.isModal()
    assert screen.geometry() == window.frameGeometry()  # the form is covered
    assert "张伟（zhang）" in screen.findChild(QLabel, "lock_intro").text()
    assert QApplication.activeModalWidget() is screen
    # Esc does not take the screen away.
    QApplication.sendEvent(screen, QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier))
    assert screen.isVisible() and lock.locked
    assert unlock_with(qtbot, screen, "zhang", "wrong-pass-1") == accounts.SIGN_IN_FAILED
    assert screen.password.text() == ""
    assert unlock_with(qtbot, screen, "zhang", "secret-456") == ""
    assert not lock.locked and not screen.isVisible()
    assert window.page.values() == before
    assert window.page.findChild(QLineEdit, "field_name").text() == "欧阳娜娜"
    actions = audit_actions(db)
    assert actions[-3:] == ["lock", "signin.failed", "unlock"]


def test_input_keeps_the_window_unlocked(qtbot, window, clock):
    lock = install_idle_lock(window, clock=clock)
    clock.advance(9 * 60)
    lock.poll()  # NOTE: the poll timer runs every second; a jump of the fake clock is followed by one
    qtbot.keyClick(window.page.findChild(QLineEdit, "field_phone"), Qt.Key.Key_1)
    clock.advance(9 * 60)
    lock.poll()
    qtbot.mouseMove(window.page, QPoint(12, 10))
    clock.advance(9 * 60 + 59)
    lock.poll()
    assert not lock.locked  # 27 minutes, never ten of them quiet
    clock.advance(1)
    lock._poll.timeout.emit()  # the poll timer's own call: ten quiet minutes lock
    assert lock.locked


def test_typing_passes_through_the_filter_about_once_a_poll(qtbot, window, clock):
    """Issue 15: after an input the application-wide filter rests until the next poll puts it back."""
    lock = install_idle_lock(window, clock=clock)
    field = window.page.findChild(QLineEdit, "field_phone")
    assert lock.watching
    clock.advance(30)
    qtbot.keyClicks(field, "13800")  # five presses: the first is seen, the rest pass Python by
    assert (lock.seen, lock.watching) == (1, False)
    assert lock._clock() - lock._last_input == 0
    clock.advance(1)
    lock.poll()  # the next second's poll
    assert lock.watching and not lock.locked
    clock.advance(5)
    qtbot.keyClicks(field, "138")
    assert (lock.seen, lock.watching) == (2, False)
    assert lock._last_input == lock._clock()  # the input after the poll was seen at once
    assert field.text() == "13800138"
    clock.advance(10 * 60 - 1)
    lock.poll()
    assert not lock.locked
    clock.advance(1)
    lock.poll()
    assert lock.locked  # ten minutes after the last input seen


def test_the_poll_runs_every_second(window, clock):
    lock = install_idle_lock(window, clock=clock)
    assert lock._poll.isActive() and lock._poll.interval() == 1000 and not lock._poll.isSingleShot()


def test_unlocking_starts_a_new_quiet_spell(qtbot, window, clock):
    lock, screen = lock_now(window, clock)
    assert unlock_with(qtbot, screen, "zhang", "secret-456") == ""
    clock.advance(10 * 60 - 1)
    lock.poll()
    assert not lock.locked
    clock.advance(1)
    lock.poll()
    assert lock.locked


def test_another_user_is_told_and_the_clerk_is_not_locked_out(qtbot, db, window, clock):
    _lock, screen = lock_now(window, clock)
    message = unlock_with(qtbot, screen, "admin", "secret-123")
    assert "只能由本人" in message and "退出程序" in message
    assert screen.username.text() == "zhang"  # put back for the clerk
    assert audit_actions(db)[-1] == "unlock.refused"
    assert accounts.sign_in(db, "zhang", "secret-456").username == "zhang"  # no failures counted


def test_five_wrong_passwords_lock_the_account(qtbot, window, clock):
    lock, screen = lock_now(window, clock)
    for _ in range(accounts.MAX_FAILURES - 1):
        unlock_with(qtbot, screen, "zhang", "wrong-pass-1")
    assert "锁定5分钟" in unlock_with(qtbot, screen, "zhang", "wrong-pass-1")
    assert "锁定5分钟" in unlock_with(qtbot, screen, "zhang", "secret-456")
    assert lock.locked


def test_disabled_account_ends_the_session(qtbot, db, admin, window, clerk, clock):
    lock = install_idle_lock(window, clock=clock)
    admin_ops.set_disabled(db, admin, clerk.id, True)
    lock.check_account()
    assert lock.locked
    screen = lock.screen
    assert "已被管理员停用" in screen.intro.text()
    assert not screen.unlock_button.isEnabled() and not screen.password.isEnabled()
    seen: list[str] = []
    answer_next_box(seen, button_index=0)
    qtbot.mouseClick(screen.quit_button, Qt.MouseButton.LeftButton)
    assert "会自动保存" in seen[0]
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
    assert audit_actions(db)[-1] == "lock"


def test_settings_change_sets_the_new_interval(qtbot, window, clock):
    lock = install_idle_lock(window, clock=clock)
    clock.advance(4 * 60)
    lock.poll()
    assert not lock.locked  # four of the ten minutes
    window.sig_settings_changed.emit(window.settings.with_changes(idle_lock_minutes=3))
    assert lock.idle_seconds == 3 * 60
    lock.poll()
    assert lock.locked  # the four quiet minutes are more than the new three
