"""The first-run wizard (issue 17): each page checks its fields, Finish writes the settings last, all audited."""

from __future__ import annotations

import json
import os
import re
import stat
from typing import ClassVar

import pytest
from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from desktop import db_password, hall_db, settings as settings_store
from desktop.cases import accounts
from desktop.store.models import AuditEvent
from desktop.ui.setup_wizard import ADMIN, DATABASE, HALL, PRINTER, SetupWizard

PASSWORD = "first-admin-1"


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch):
    # NOTE: the test machine has no Secret Service; the file store is what such a PC uses.
    monkeypatch.setenv(db_password.KEYRING_SWITCH, "off")


def _wizard(qtbot) -> SetupWizard:
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _fill_hall(wizard, window_no="07") -> None:
    wizard.hall.hall_name.setText("郑州市金水区政务服务中心")
    wizard.hall.hall_address.setText("郑州市金水区花园路1号")
    wizard.hall.hall_phone.setText("0371-67188888")
    wizard.hall.window_no.setText(window_no)


def _fill_admin(wizard, password2=PASSWORD) -> None:
    for key, value in (("username", "wangli"), ("display_name", "王丽"), ("password", PASSWORD),
                       ("password2", password2)):
        wizard.admin.edits[key].setText(value)


def _events(db, action):
    with db.read() as s:
        return [json.loads(e.detail) if isinstance(e.detail, str) else e.detail
                for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_standalone_setup_checks_each_page_and_writes_settings_last(qtbot):
    wizard = _wizard(qtbot)
    _fill_hall(wizard, window_no="0")
    wizard.next()
    assert wizard.currentId() == HALL  # 窗口号 0 is refused next to its field
    assert wizard.hall.errors["window_no"].isVisibleTo(wizard) and "1到99" in wizard.hall.errors["window_no"].text()
    wizard.hall.window_no.setText("7")
    wizard.next()
    assert wizard.currentId() == DATABASE
    assert wizard.database.standalone.isChecked()
    wizard.next()
    assert wizard.currentId() == PRINTER and wizard.db is not None
    wizard.next()
    assert wizard.currentId() == ADMIN  # a new database has no accounts
    _fill_admin(wizard, password2="something-else")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.isVisible() and wizard.admin.errors["password2"].text()
    assert not settings_store.is_configured()  # nothing saved while a page is wrong
    _fill_admin(wizard)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted and wizard.outcome is not None
    saved = settings_store.load()
    assert (saved.hall_name, saved.hall_address, saved.hall_phone, saved.window_no, saved.db_mode) == (
        "郑州市金水区政务服务中心", "郑州市金水区花园路1号", "0371-67188888", "07", "standalone")
    db = wizard.outcome.db
    assert accounts.sign_in(db, "wangli", PASSWORD, "07").role == "admin"
    [setup] = _events(db, "setup.completed")
    assert setup["window_no"] == "07" and setup["db_mode"] == "standalone" and "password_store" not in setup
    assert PASSWORD not in json.dumps(setup)
    assert not hall_db.first_run_needed(None)  # the settings file ends the first run
    db.close()


def test_server_setup_tests_the_connection_and_keeps_the_password_out_of_settings(qtbot, pg_url, pg_server):
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    wizard = _wizard(qtbot)
    _fill_hall(wizard)
    wizard.next()
    wizard.database.server.setChecked(True)
    wizard.database.db_host.setText(url.host)
    wizard.database.db_port.setValue(url.port)
    wizard.database.db_name.setText("no_such_database")
    wizard.database.db_user.setText(url.username)
    wizard.database.db_password.setText("s3cret-pass")
    wizard.next()
    assert wizard.currentId() == DATABASE  # the connection test failed: the page stays
    assert "没有数据库“no_such_database”" in wizard.database.test_result.text()
    wizard.database.db_name.setText(url.database)
    wizard.next()
    assert wizard.currentId() == PRINTER
    assert wizard.database.test_result.text() == "连接成功"
    wizard.next()
    _fill_admin(wizard)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.outcome is not None
    text = settings_store.settings_path().read_text(encoding="utf-8")
    assert "s3cret-pass" not in text and json.loads(text)["db_host"] == url.host
    store = db_password.file_path()
    assert stat.S_IMODE(os.stat(store).st_mode) == 0o600
    settings = settings_store.load()
    assert db_password.load(hall_db.password_key(settings)) == "s3cret-pass"
    assert make_url(hall_db.target(None, settings)).password == "s3cret-pass"
    [setup] = _events(wizard.outcome.db, "setup.completed")
    assert setup["db_mode"] == "server" and setup["password_store"] == "file" and "s3cret-pass" not in json.dumps(setup)
    wizard.outcome.db.close()


def test_second_window_on_a_hall_server_skips_the_admin_page(qtbot, pg_url, tmp_path):
    from sqlalchemy.engine import make_url

    from desktop.store.database import open_database

    first = open_database(pg_url)
    accounts.create_first_admin(first, "admin", "王丽", PASSWORD, PASSWORD)
    first.close()
    url = make_url(pg_url)
    wizard = _wizard(qtbot)
    _fill_hall(wizard, window_no="02")
    wizard.next()
    wizard.database.server.setChecked(True)
    for edit, value in ((wizard.database.db_host, url.host), (wizard.database.db_name, url.database),
                        (wizard.database.db_user, url.username), (wizard.database.db_password, "x")):
        edit.setText(value)
    wizard.database.db_port.setValue(url.port)
    wizard.next()
    assert wizard.currentId() == PRINTER
    assert wizard.currentPage().nextId() == -1  # Finish here: the hall already has its administrator
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.outcome is not None and wizard.outcome.admin is None
    assert settings_store.load().window_no == "02"
    wizard.outcome.db.close()


def test_server_fields_are_checked_before_any_connection(qtbot):
    wizard = _wizard(qtbot)
    _fill_hall(wizard)
    wizard.next()
    wizard.database.server.setChecked(True)
    wizard.database.db_port.setValue(0)
    wizard.next()
    assert wizard.currentId() == DATABASE
    errors = {k: label.text() for k, label in wizard.database.errors.items() if label.text()}
    assert set(errors) == {"db_host", "db_port", "db_user", "db_password"}
    assert wizard.database.test_result.text() == ""  # no connection was tried


def test_quitting_the_wizard_leaves_no_settings(qtbot):
    wizard = _wizard(qtbot)
    _fill_hall(wizard)
    wizard.next()
    wizard.next()  # the standalone database is opened
    wizard.reject()
    assert wizard.db is None and not settings_store.is_configured()


def test_first_run_needs_no_settings_no_db_and_an_installed_program(monkeypatch):
    monkeypatch.delenv(hall_db.FIRST_RUN_SWITCH, raising=False)
    assert not hall_db.first_run_needed(None)  # a source checkout starts as before
    monkeypatch.setenv(hall_db.FIRST_RUN_SWITCH, "wizard")
    assert hall_db.first_run_needed(None)
    assert not hall_db.first_run_needed("/tmp/other.sqlite3")  # --db names the database
    monkeypatch.delenv(hall_db.FIRST_RUN_SWITCH)
    monkeypatch.setattr("sys.frozen", True, raising=False)
    assert hall_db.first_run_needed(None)
    settings_store.save(settings_store.Settings())
    assert not hall_db.first_run_needed(None)


def test_a_server_without_its_stored_password_is_a_plain_message():
    from desktop.store.errors import EnvironmentFailure

    settings = settings_store.Settings(db_mode="server", db_host="10.0.0.5", db_user="hall", db_name="halldesk")
    with pytest.raises(EnvironmentFailure, match=re.escape("没有找到大厅服务器 10.0.0.5:5432 的数据库密码")):
        hall_db.target(None, settings)


def test_password_goes_to_a_usable_keyring_and_not_to_the_file(monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        """A keyring backend kept in memory (the test machine has no Secret Service)."""

        priority = 1
        store: ClassVar[dict] = {}

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def get_password(self, service, username):
            return self.store.get((service, username))

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    monkeypatch.delenv(db_password.KEYRING_SWITCH)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        db_password._write_file({"u@h:5432/d": "old"})  # a password kept in the file before a keyring existed
        assert db_password.store("u@h:5432/d", "new-secret") == "keyring"
        assert MemoryKeyring.store[("HallDesk", "u@h:5432/d")] == "new-secret"
        assert "new-secret" not in db_password.file_path().read_text() and "old" not in db_password.file_path().read_text()
        assert db_password.load("u@h:5432/d") == "new-secret"
    finally:
        keyring.set_keyring(previous)


def test_without_a_keyring_backend_the_password_file_is_private(monkeypatch):
    import keyring
    from keyring.backends import fail

    monkeypatch.delenv(db_password.KEYRING_SWITCH)
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert db_password.store("u@h:5432/d", "pw-1") == str(db_password.file_path())
        assert stat.S_IMODE(os.stat(db_password.file_path()).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(db_password.file_path().parent).st_mode) == 0o700
        assert db_password.load("u@h:5432/d") == "pw-1"
    finally:
        keyring.set_keyring(previous)


def test_a_pc_without_the_halls_audit_key_is_told_and_left_unconfigured(qtbot, pg_url, tmp_path, data_dir):
    from qt_helpers import answer_next_box
    from sqlalchemy.engine import make_url

    from desktop import paths
    from desktop.store.database import open_database

    paths.set_data_dir(tmp_path / "first-pc")  # the first PC of the hall: its own audit key
    first = open_database(pg_url)
    accounts.create_first_admin(first, "admin", "王丽", PASSWORD, PASSWORD)
    first.close()
    paths.set_data_dir(data_dir)  # this PC: no key imported yet
    url = make_url(pg_url)
    wizard = _wizard(qtbot)
    _fill_hall(wizard, window_no="05")
    wizard.next()
    wizard.database.server.setChecked(True)
    for edit, value in ((wizard.database.db_host, url.host), (wizard.database.db_name, url.database),
                        (wizard.database.db_user, url.username), (wizard.database.db_password, "x")):
        edit.setText(value)
    wizard.database.db_port.setValue(url.port)
    wizard.next()
    seen: list[str] = []
    answer_next_box(seen)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.outcome is None and wizard.isVisible()
    assert seen and "本机没有本大厅的审计密钥" in seen[0] and "audit import-key" in seen[0]
    assert not settings_store.is_configured()  # the next start asks again, after the key is imported
    wizard.reject()
