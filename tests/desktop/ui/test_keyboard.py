"""Keyboard-first (issue 12): first field, Enter from every field kind, jumps that scroll, tables, shortcuts."""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from case_helpers import drive, press
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit, QScrollArea, QWidget
from sqlalchemy import select

from desktop.cases import accounts
from desktop.cases.dto import Actor
from desktop.settings import Settings
from desktop.store.models import AuditEvent
from desktop.ui.admin_menus import install_admin_tools
from desktop.ui.login import LoginDialog
from desktop.ui.main_window import SERVICE_KEYS, MainWindow
from desktop.ui.pages import install_pages
from forms import registry

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
HALL = "郑州市金水区政务服务中心"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, db, admin, tmp_path):
    settings = Settings(hall_name=HALL, window_no="03", output_dir=str(tmp_path / "papers"))
    main = MainWindow(db, Actor(admin, "03", HALL), settings)
    qtbot.addWidget(main)
    install_pages(main)
    install_admin_tools(main)
    main.show()
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main, timeout=3000)
    return main


def focused() -> QWidget:
    return QApplication.focusWidget()


def key(k, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """A real key press on whatever has the focus, as the keyboard delivers it."""
    QTest.keyClick(focused(), k, modifiers)


def open_service(window, n: int):
    key(getattr(Qt.Key, f"Key_{n + 1}"), CTRL)
    return window.tabs.currentWidget()


# --- the first field ---------------------------------------------------------------------
@pytest.mark.parametrize("n, service_id", list(enumerate(registry.services())))
def test_a_new_case_starts_in_its_first_visible_field(window, n, service_id):
    page = open_service(window, n)
    assert page.objectName() == f"intake_{service_id}"
    service = registry.get(service_id)
    first = next(f for f in service.fields if f.is_visible({}))
    assert focused().objectName() == f"field_{first.key}"


def test_the_first_field_is_the_name_on_a_residence_permit(window):
    open_service(window, list(registry.services()).index("residence_permit"))
    assert focused().objectName() == "field_name"
    # No invisible stop in between: Tab goes straight to the next field.
    key(Qt.Key.Key_Tab)
    assert focused().objectName() == "field_id_number"


def test_scroll_areas_are_not_tab_stops(window):
    page = open_service(window, 0)
    for area in (*page.findChildren(QScrollArea), *window.findChildren(QScrollArea)):
        assert not area.focusPolicy() & Qt.FocusPolicy.TabFocus, area.objectName()


# --- Enter moves on --------------------------------------------------------------------------
def subsidy_page(window):
    return open_service(window, list(registry.services()).index("startup_subsidy"))


def test_enter_in_a_closed_dropdown_moves_on(window):
    page = subsidy_page(window)
    combo = page.findChild(QComboBox, "field_claim_type")
    assert focused() is combo
    key(Qt.Key.Key_Return)
    assert focused() is page.findChild(QLineEdit, "field_name")


@pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise|grabbing)")
def test_enter_in_an_open_dropdown_picks_the_entry_and_stays(window, qtbot):
    page = subsidy_page(window)
    combo = page.findChild(QComboBox, "field_claim_type")
    combo.showPopup()
    qtbot.waitUntil(lambda: combo.view().isVisible(), timeout=2000)
    QTest.keyClick(combo.view(), Qt.Key.Key_Down)
    QTest.keyClick(combo.view(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not combo.view().isVisible(), timeout=2000)
    assert combo.currentIndex() == 1 and focused() is combo


def test_enter_on_a_material_tick_moves_on_without_ticking(window):
    page = open_service(window, list(registry.services()).index("residence_permit"))
    boxes = [b for b in page.materials.findChildren(QCheckBox) if b.isEnabled()]
    boxes[0].setFocus()
    key(Qt.Key.Key_Return)
    assert not boxes[0].isChecked()
    assert focused() is not boxes[0] and page.materials.isAncestorOf(focused())
    key(Qt.Key.Key_Space)  # Space still ticks
    assert focused().isChecked() if isinstance(focused(), QCheckBox) else True


# --- a finding's jump scrolls ------------------------------------------------------------------
def test_jumping_to_a_finding_scrolls_its_field_into_view(window, qtbot):
    window.resize(1000, 480)
    page = open_service(window, list(registry.services()).index("residence_permit"))
    qtbot.waitUntil(lambda: page.findChild(QScrollArea, "form_scroll").verticalScrollBar().maximum() > 0)
    scroll = page.findChild(QScrollArea, "form_scroll")
    last = [f for f in registry.get("residence_permit").fields if f.is_visible({})][-1]
    assert scroll.verticalScrollBar().value() == 0
    page.findings.sig_field_activated.emit(last.key)
    widget = page.editors[last.key].widget
    assert focused() is page.editors[last.key].focus_widget
    top_left = widget.mapTo(scroll.viewport(), widget.rect().topLeft())
    assert scroll.verticalScrollBar().value() > 0
    assert scroll.viewport().rect().contains(top_left) and \
        scroll.viewport().rect().contains(top_left + widget.rect().bottomRight())


def test_jumping_to_a_material_scrolls_it_into_view(window, qtbot):
    window.resize(1000, 480)
    page = subsidy_page(window)
    example = registry.get("startup_subsidy").example(date.today())
    page.load(example["answers"], {})
    scroll = page.findChild(QScrollArea, "materials_scroll")
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0)
    box = [b for b in page.materials.findChildren(QCheckBox) if b.isEnabled()][-1]
    page.findings.sig_field_activated.emit("material:" + box.objectName().removeprefix("material_"))
    assert focused() is box
    assert scroll.verticalScrollBar().value() > 0
    assert scroll.viewport().rect().contains(box.mapTo(scroll.viewport(), box.rect().center()))


# --- shortcuts -----------------------------------------------------------------------------------
def test_every_service_has_a_shortcut_shown_in_its_tooltip_and_menu(window):
    for n, service_id in enumerate(registry.services()):
        keys = SERVICE_KEYS[n]
        assert keys in window.service_buttons[service_id].toolTip()
        action = window.findChild(object, f"service_action_{service_id}")
        assert action.shortcut().toString() == keys
        page = open_service(window, n)
        assert page.objectName() == f"intake_{service_id}"


def test_ctrl_w_closes_the_current_page_through_its_close_path(window):
    asked = []

    class Reluctant(QWidget):
        def can_close(self) -> bool:
            asked.append(True)
            return False

    stubborn = Reluctant()
    window.add_page(stubborn, "未保存")
    page = open_service(window, 0)
    count = window.tabs.count()
    key(Qt.Key.Key_W, CTRL)
    assert window.tabs.count() == count - 1 and window.tabs.indexOf(page) == -1
    window.tabs.setCurrentWidget(stubborn)
    stubborn.setFocus()
    key(Qt.Key.Key_W, CTRL)
    assert asked == [True] and window.tabs.indexOf(stubborn) != -1
    # The case list and the fixed tabs cannot be closed by the shortcut either.
    window.tabs.setCurrentIndex(0)
    window.tabs.currentWidget().setFocus()
    key(Qt.Key.Key_W, CTRL)
    assert window.tabs.widget(0) is window.case_list


def test_ctrl_f_opens_search_in_its_first_field(window):
    open_service(window, 0)
    key(Qt.Key.Key_F, CTRL)
    assert window.tabs.currentWidget().objectName() == "search_panel"
    assert focused().objectName() == "case_no"


# --- lock and switch user -------------------------------------------------------------------------
def test_ctrl_l_locks_with_the_idle_locks_rules(window, qtbot, db):
    page = open_service(window, 0)
    key(Qt.Key.Key_L, CTRL)
    lock = window.idle_lock
    assert lock.locked
    screen = lock.screen
    assert "已由王丽（admin）锁定" in screen.intro.text()
    # Another person's password does not unlock it; the signed-in clerk's does.
    screen.username.setText("zhang")
    screen.password.setText("whatever-1")
    screen.unlock_button.click()
    assert lock.locked and "只能由本人输入密码解锁" in screen.error.text()
    screen.username.setText("admin")
    screen.password.setText("secret-123")
    screen.unlock_button.click()
    assert not lock.locked and window.tabs.indexOf(page) != -1
    with db.unit() as s:
        locks = [e.detail for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "lock"))]
    assert {"reason": "manual"} in locks


def test_switch_user_closes_pages_and_changes_the_actor(window, qtbot, db, admin):
    accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789")
    page = open_service(window, 0)

    def sign_in(dialog: LoginDialog) -> None:
        # the pages were closed (and may be deleted already) before anyone signs in
        assert not shiboken6.isValid(page) or window.tabs.indexOf(page) == -1
        assert dialog.objectName() == "switch_user_dialog"
        assert any("继续由王丽（admin）使用" in label.text() for label in dialog.findChildren(QLabel))
        dialog.edits["username"].setText("li")
        dialog.edits["password"].setText("secret-789")
        press(dialog)

    drive(LoginDialog, sign_in)
    key(Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.actor.account.username == "li" and window.actor.window == "03"
    assert "李娜" in window.status_text()
    assert not window.admin_tools.admin_menu.menuAction().isVisible()  # a supervisor: no 管理
    assert window.admin_tools.audit_menu.menuAction().isVisible()
    assert not window.calendar_action.isVisible()
    with db.unit() as s:
        trail = [(e.action, e.actor) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert trail[-2:] == [("signin", "li"), ("signout", "admin")]
    # The idle lock now guards the new person's session.
    window.lock_now()
    assert "李娜（li）" in window.idle_lock.screen.intro.text()


def test_switch_user_cancelled_keeps_the_clerk(window, qtbot):
    drive(LoginDialog, lambda dialog: press(dialog, "cancel"))
    assert window.switch_user() is False
    assert window.actor.account.username == "admin"


def test_switch_user_stops_when_a_page_stays_open(window, qtbot):
    class Reluctant(QWidget):
        def can_close(self) -> bool:
            return False

    stubborn = Reluctant()
    window.add_page(stubborn, "未保存")
    open_service(window, 0)
    assert window.switch_user() is False  # no sign-in dialog was shown (it would block here)
    assert window.tabs.currentWidget() is stubborn and window.actor.account.username == "admin"


def test_ctrl_tab_outside_a_table_switches_tabs(window):
    page = open_service(window, 0)
    assert focused() is page.first_field()
    key(Qt.Key.Key_Tab, CTRL)  # from the last tab round to the first: the case list
    assert window.tabs.currentIndex() == 0
