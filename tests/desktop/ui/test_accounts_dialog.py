"""The administrator's dialog and the 管理/审计 menus, driven like an administrator would."""

from __future__ import annotations

import pytest
from modals import on_next_dialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QPushButton
from qt_helpers import answer_next_box, type_text
from sqlalchemy import select

from desktop.cases import accounts, lifecycle, retention
from desktop.cases.dto import Actor
from desktop.settings import Settings
from desktop.store.models import AuditEvent
from desktop.ui.accounts_dialog import AccountsDialog
from desktop.ui.admin_menus import install_admin_tools
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
HALL = "郑州市金水区政务服务中心"


@pytest.fixture
def dialog(qtbot, db, admin):
    d = AccountsDialog(db, Actor(admin, "01", HALL))
    qtbot.addWidget(d)
    d.show()
    return d


def edit(widget, name) -> QLineEdit:
    return widget.findChild(QLineEdit, name)


def in_next_dialog(action, name: str) -> None:
    """Run ``action(dialog)`` on the next modal dialog ``name`` as soon as it is open."""
    on_next_dialog(QDialog, action, name=name)


def actions(db) -> list[str]:
    with db.unit() as s:
        return [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_create_account_with_policy_message_then_success(qtbot, db, dialog):
    shown = {}

    def fill(box) -> None:
        edit(box, "username").setText("wu")
        type_text(edit(box, "display_name"), "吴芳")
        box.findChild(QComboBox, "role").setCurrentIndex(1)
        edit(box, "password").setText("password")
        edit(box, "password2").setText("password")
        box.findChild(QPushButton, "submit").click()
        shown["first"] = box.findChild(object, "password_error").text()
        edit(box, "password").setText("pass-word-9")
        edit(box, "password2").setText("pass-word-9")
        box.findChild(QPushButton, "submit").click()

    in_next_dialog(fill, "new_account_dialog")
    qtbot.mouseClick(dialog.accounts_tab.new_button, Qt.MouseButton.LeftButton)
    assert shown["first"] == "密码须同时包含字母和数字"
    rows = {r.username: r for r in dialog.accounts_tab.rows}
    assert rows["wu"].role == "supervisor" and rows["wu"].display_name == "吴芳"
    assert dialog.accounts_tab.selected().username == "wu"
    assert actions(db)[-1] == "account.create"


def test_disable_enable_and_reset(qtbot, db, admin, dialog):
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    tab = dialog.accounts_tab
    tab.reload(clerk.id)
    assert tab.toggle_button.text() == "停用"
    seen: list[str] = []
    answer_next_box(seen, button_index=0)
    qtbot.mouseClick(tab.toggle_button, Qt.MouseButton.LeftButton)
    assert "正在使用的窗口也将结束" in seen[0]
    assert tab.selected().disabled and tab.toggle_button.text() == "启用"
    assert tab.table.item(tab.table.currentRow(), 3).text() == "已停用"
    qtbot.mouseClick(tab.toggle_button, Qt.MouseButton.LeftButton)  # enabling asks nothing
    assert not tab.selected().disabled

    def reset(box) -> None:
        edit(box, "password").setText("fresh-pass-2")
        edit(box, "password2").setText("fresh-pass-2")
        answer_next_box(seen)
        box.findChild(QPushButton, "submit").click()

    in_next_dialog(reset, "reset_password_dialog")
    qtbot.mouseClick(tab.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=2000)
    assert "密码已重置" in seen[1]
    assert accounts.sign_in(db, "zhang", "fresh-pass-2").id == clerk.id
    assert actions(db)[-3:] == ["account.enable", "account.reset", "signin"]
    # The administrator cannot disable the account in use.
    tab.reload(admin.id)
    assert not tab.toggle_button.isEnabled()


def test_reasons_and_retention_tabs(qtbot, db, dialog):
    tab = dialog.reasons_tab
    tab.table.clearSelection()
    tab.code.setText("rp05")
    type_text(tab.label, "申请材料存在涂改")
    type_text(tab.basis, "郑政办〔2021〕8号 三、")
    tab.service.set_value("")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "请选择理由适用的事项" in tab.error.text()  # a reason belongs to one procedure
    tab.service.set_value("residence_permit")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert tab.selected().code == "RP05"
    assert tab.table.item(tab.table.currentRow(), 1).text() == "居住证申领"
    assert "RP05" in [r.code for r in lifecycle.decision_reasons(db, "residence_permit")]
    qtbot.mouseClick(tab.toggle_button, Qt.MouseButton.LeftButton)
    assert "RP05" not in [r.code for r in lifecycle.decision_reasons(db, "residence_permit")]
    tab.label.clear()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "请填写理由内容" in tab.error.text()
    ret = dialog.retention_tab
    ret.table.selectRow(0)
    ret.years.setValue(30)
    qtbot.mouseClick(ret.save_button, Qt.MouseButton.LeftButton)
    assert retention.list_rules(db)[0].years == 30
    assert ret.table.item(0, 1).text() == "30 年"
    assert actions(db)[-3:] == ["reason.add", "reason.deactivate", "retention.change"]


def test_clerk_is_refused_the_dialog_with_a_message(qtbot, db, admin):
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    seen: list[str] = []
    answer_next_box(seen)
    AccountsDialog.ask(db, Actor(clerk, "03", HALL))
    assert "无权管理账号" in seen[0]


def window_for(qtbot, db, account) -> MainWindow:
    w = MainWindow(db, Actor(account, "03", HALL), Settings(window_no="03"))
    qtbot.addWidget(w)
    install_admin_tools(w)
    return w


def test_menus_by_role_and_verify_action(qtbot, db, admin):
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    w = window_for(qtbot, db, clerk)
    assert not w.admin_tools.admin_menu.menuAction().isVisible()
    assert not w.admin_tools.audit_menu.menuAction().isVisible()
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles[-1] == "帮助(&H)" and "审计(&A)" in titles
    boss = window_for(qtbot, db, admin)
    assert boss.admin_tools.audit_menu.menuAction().isVisible()
    seen: list[str] = []
    answer_next_box(seen)
    boss.admin_tools.verify_action.trigger()
    assert len(seen) == 1 and seen[0].splitlines()[0] == f"审计链完整（{len(actions(db))} 条）"
    assert "锚点 2 个已核对" in seen[0]  # the box also says what was covered


def test_settings_change_is_audited(qtbot, db, admin):
    w = window_for(qtbot, db, admin)
    w.settings = w.settings.with_changes(idle_lock_minutes=5)
    w.sig_settings_changed.emit(w.settings)
    with db.unit() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "settings.change"))
    assert event.detail == {"changes": {"idle_lock_minutes": {"from": 10, "to": 5}}} and event.window == "03"
    assert w.idle_lock.idle_seconds == 5 * 60


def test_end_of_day_report_from_the_menu_goes_into_the_papers_folder(qtbot, db, admin, tmp_path):
    from datetime import date

    from pypdf import PdfReader

    from desktop.cases import audit_report
    from desktop.ui.preview import PreviewDialog

    # The menu hands the case layer one HallContext: the papers folder and font of its settings.
    w = MainWindow(db, Actor(admin, "01", HALL), Settings(window_no="01", output_dir=str(tmp_path)))
    qtbot.addWidget(w)
    install_admin_tools(w)
    shown: list = []
    on_next_dialog(QDialog, lambda d: d.accept(), name="report_day_dialog")
    on_next_dialog(PreviewDialog, lambda d: (shown.append(d.pdf_path), d.reject()))
    w.admin_tools.report_action.trigger()
    out = tmp_path / "audit" / f"{audit_report.report_number(date.today())}-审计日报.pdf"
    assert shown == [out]
    text = PdfReader(out).pages[0].extract_text()
    assert "审计日报" in text and HALL in text
    assert actions(db)[-1] == "audit.report"
