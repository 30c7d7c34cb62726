"""管理 → 数据库与打印机: an administrator changes the set-up's database and printer later; audited; clerks refused."""

from __future__ import annotations

import json

import pytest
from modals import on_next_dialog
from sqlalchemy import select
from sqlalchemy.engine import make_url

from desktop import db_password, hall_db, settings as settings_store
from desktop.cases import accounts
from desktop.cases.dto import Actor
from desktop.settings import Settings
from desktop.store.models import AuditEvent
from desktop.ui.admin_menus import install_admin_tools
from desktop.ui.connection_dialog import ConnectionDialog, install_connection_tools
from desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch):
    monkeypatch.setenv(db_password.KEYRING_SWITCH, "off")


def _save(dialog) -> None:
    from PySide6.QtWidgets import QPushButton

    dialog.findChild(QPushButton, "submit").click()


def _changes(db) -> list[dict]:
    with db.read() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action.in_(("settings.change", "setup.db_password"))))
        return [(e.action, json.loads(e.detail) if isinstance(e.detail, str) else e.detail) for e in rows]


def test_admin_moves_the_window_to_the_hall_server_audited(qtbot, db, admin, pg_url):
    url = make_url(pg_url)
    window = MainWindow(db, Actor(admin, "03", "大厅"), Settings(window_no="03"))
    qtbot.addWidget(window)
    install_admin_tools(window)
    action = install_connection_tools(window)
    assert action in window.admin_tools.admin_menu.actions()
    seen = []

    def fill(dialog) -> None:
        seen.append(dialog)
        dialog.database.server.setChecked(True)
        dialog.database.db_host.setText(url.host)
        dialog.database.db_port.setValue(url.port)
        dialog.database.db_name.setText(url.database)
        dialog.database.db_user.setText(url.username)
        dialog.database.db_password.setText("hall-pass-9")
        _save(dialog)

    on_next_dialog(ConnectionDialog, fill)
    action.trigger()
    assert seen and seen[0].result_settings is not None
    saved = settings_store.load()
    assert saved.db_mode == "server" and saved.db_host == url.host and window.settings == saved
    assert "hall-pass-9" not in settings_store.settings_path().read_text(encoding="utf-8")
    assert db_password.load(hall_db.password_key(saved)) == "hall-pass-9"
    changes = _changes(db)
    assert [a for a, _ in changes] == ["setup.db_password", "settings.change"]
    detail = changes[1][1]["changes"]
    assert detail["db_mode"] == {"from": "standalone", "to": "server"} and detail["db_host"]["to"] == url.host
    assert "hall-pass-9" not in json.dumps(changes)


def test_a_clerk_cannot_change_the_connection(qtbot, db, admin):
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    dialog = ConnectionDialog(Settings(), clerk, db, "03")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.printer.printer.add_choice("HP LaserJet", "HP LaserJet")
    dialog.printer.printer.set_value("HP LaserJet")
    _save(dialog)
    assert dialog.result_settings is None and "由管理员设置" in dialog.general.text()
    assert not settings_store.is_configured()


def test_a_bad_server_is_refused_before_anything_is_saved(qtbot, db, admin):
    dialog = ConnectionDialog(Settings(), admin, db, "03")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.database.server.setChecked(True)
    dialog.database.db_host.setText("127.0.0.1")
    dialog.database.db_port.setValue(1)  # nothing listens there
    dialog.database.db_user.setText("hall")
    dialog.database.db_password.setText("pw")
    _save(dialog)
    assert dialog.result_settings is None and "拒绝连接" in dialog.database.test_result.text()
    assert not settings_store.is_configured() and not db_password.file_path().exists()
