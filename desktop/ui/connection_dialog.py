"""管理 → 数据库与打印机: an administrator changes the set-up's database and printer choices later (audited)."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from desktop import db_password, hall_db, settings as settings_store
from desktop.cases import permissions
from desktop.cases.dto import AccountInfo
from desktop.cases.errors import ActionRefused, EnvironmentFailure
from desktop.cases.halldb import Database
from desktop.cases.setup_record import record_password_change
from desktop.settings import Settings
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import show_environment_failure
from desktop.ui.screen_fit import FitsScreen
from desktop.ui.setup_pages import DatabaseForm, PrinterForm

REFUSED = "数据库连接和打印机由管理员设置。"


class ConnectionDialog(FitsScreen, QDialog):
    """The set-up's database and printer pages; a changed database is used from the next start."""

    def __init__(self, settings: Settings, account: AccountInfo, db: Database, window_no: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("connection_dialog")
        self.setWindowTitle(self.tr("数据库与打印机"))
        self.original, self.account, self.db, self.window_no = settings, account, db, window_no
        self.result_settings: Settings | None = None
        self.database = DatabaseForm(settings)
        self.database.db_password.setPlaceholderText(self.tr("不修改密码时留空"))
        self.printer = PrinterForm(settings)
        database_box, printer_box = QGroupBox(self.tr("数据保存位置")), QGroupBox(self.tr("打印机"))
        QVBoxLayout(database_box).addWidget(self.database)
        QVBoxLayout(printer_box).addWidget(self.printer)
        note = QLabel(self.tr("更换数据库后需重新启动 HallDesk 才生效；原数据库中的数据不会移动或删除。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        self.general = error_label("connection_error")
        buttons = QDialogButtonBox()
        save = buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        save.setObjectName("submit")
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (database_box, printer_box, note, self.general, buttons):
            layout.addWidget(widget)

    def edited(self) -> Settings:
        return self.printer.apply(self.database.apply(self.original))

    def _server_changed(self, candidate: Settings) -> bool:
        keys = ("db_mode", "db_host", "db_port", "db_name", "db_user")
        return any(getattr(candidate, k) != getattr(self.original, k) for k in keys)

    def _on_save_clicked(self) -> None:
        set_error(self.general, "")
        candidate = self.edited()
        password = self.database.password()
        # NOTE: a new server needs its password; the same server keeps the stored one unless one is typed.
        need_password = candidate.db_mode == "server" and (self._server_changed(candidate) or bool(password))
        if candidate.db_mode == "server" and not password and not need_password:
            password = db_password.load(hall_db.password_key(candidate)) or ""
            self.database.db_password.setText(password)
        if not self.database.check(self.original, need_password=need_password or not password):
            return
        try:
            with self.db.unit() as s:
                permissions.require(s, self.account, "settings", refused=REFUSED)
            store_kind = None
            if candidate.db_mode == "server" and self.database.password():
                store_kind = db_password.store(hall_db.password_key(candidate), self.database.password())
            settings_store.save(candidate)
            if store_kind is not None and need_password:
                record_password_change(self.db, self.account.username, self.window_no, store_kind)
        except ActionRefused as exc:
            set_error(self.general, exc.message)
            return
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return
        self.result_settings = candidate
        self.accept()


def install_connection_tools(window) -> QAction:
    """管理 → 数据库与打印机…: the change is saved, then audited as a settings change by the admin tools."""
    action = QAction(window.tr("数据库与打印机(&D)…"), window)
    action.setObjectName("connection_action")

    def open_dialog() -> None:
        dialog = ConnectionDialog(window.settings, window.actor.account, window.db, window.actor.window, window)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_settings is not None:
            before = asdict(window.settings)
            window.settings = dialog.result_settings
            if asdict(window.settings) != before:
                window.sig_settings_changed.emit(window.settings)

    action.triggered.connect(open_dialog)
    window.admin_tools.admin_menu.addAction(action)
    return action
