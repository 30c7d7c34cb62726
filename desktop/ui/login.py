"""The first-run administrator dialog and the sign-in dialog."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from desktop.cases import accounts
from desktop.cases.dto import AccountInfo, Actor
from desktop.cases.errors import ActionRefused, InputError
from desktop.store.database import Database
from desktop.store.errors import EnvironmentFailure
from desktop.ui.msgbox import show_environment_failure

ERROR_STYLE = "color: #c0392b;"
FIELD_WIDTH = 260


def error_label(name: str) -> QLabel:
    """A red label under a field; empty (and hidden) until there is something to say."""
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def set_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class _FormDialog(QDialog):
    """A form of line edits, each with its error label under it, and a general error line."""

    def __init__(self, parent: QWidget | None):
        super().__init__(parent)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.general_error = error_label("error")
        self.buttons = QDialogButtonBox()
        self.result_account: AccountInfo | None = None

    def add_field(self, key: str, label: str, password: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(key)
        edit.setMinimumWidth(FIELD_WIDTH)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        error = error_label(f"{key}_error")
        self.form.addRow(label, edit)
        self.form.addRow("", error)
        self.edits[key] = edit
        self.errors[key] = error
        return edit

    def finish_layout(self, intro: str, ok_text: str, cancel_text: str) -> None:
        ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("submit")
        # NOTE: Enter in any field presses the default button, i.e. submits.
        ok.setDefault(True)
        cancel = self.buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancel")
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self._on_submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            text = QLabel(intro)
            text.setWordWrap(True)
            layout.addWidget(text)
            layout.addSpacing(6)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)

    def clear_errors(self) -> None:
        for label in self.errors.values():
            set_error(label, "")
        set_error(self.general_error, "")

    def show_errors(self, errors: dict[str, str]) -> None:
        first: QLineEdit | None = None
        for key, message in errors.items():
            if key in self.errors:
                set_error(self.errors[key], message)
                first = first or self.edits[key]
            else:
                set_error(self.general_error, message)
        if first is not None:
            first.setFocus()
            first.selectAll()
        self.adjustSize()

    def text(self, key: str) -> str:
        return self.edits[key].text()

    def _on_submit(self) -> None:
        self.clear_errors()
        try:
            self.result_account = self.submit()
        except InputError as exc:
            self.show_errors(exc.errors)
        except ActionRefused as exc:
            set_error(self.general_error, exc.message)
            self.adjustSize()
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
        else:
            self.accept()

    def submit(self) -> AccountInfo:
        raise NotImplementedError


class FirstAdminDialog(_FormDialog):
    """First start: create the administrator account."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setObjectName("first_admin_dialog")
        self.setWindowTitle(self.tr("创建管理员账号 — HallDesk"))
        self.add_field("username", self.tr("登录名"))
        self.add_field("display_name", self.tr("姓名"))
        self.add_field("password", self.tr("密码"), password=True)
        self.add_field("password2", self.tr("确认密码"), password=True)
        self.edits["username"].setPlaceholderText(self.tr("字母、数字、下划线"))
        self.edits["password"].setPlaceholderText(
            self.tr("至少%1位").replace("%1", str(accounts.MIN_PASSWORD_LENGTH)))
        self.finish_layout(
            self.tr("这是 HallDesk 第一次启动。请先创建管理员账号，之后用它登录并为其他窗口人员开设账号。"),
            self.tr("创建并继续"), self.tr("退出"))

    def submit(self) -> AccountInfo:
        return accounts.create_first_admin(
            self.db, self.text("username"), self.text("display_name"),
            self.text("password"), self.text("password2"))

    @classmethod
    def ask(cls, db: Database, parent: QWidget | None = None) -> AccountInfo | None:
        dialog = cls(db, parent)
        return dialog.result_account if dialog.exec() == QDialog.DialogCode.Accepted else None


class LoginDialog(_FormDialog):
    """Sign-in at a window; wrong passwords and lockouts are explained in the dialog."""

    def __init__(self, db: Database, window_no: str, parent: QWidget | None = None, *,
                 intro: str | None = None, cancel_text: str | None = None):
        super().__init__(parent)
        self.db = db
        self.window_no = window_no
        self.setObjectName("login_dialog")
        self.setWindowTitle(self.tr("登录 — HallDesk 政务窗口受理台"))
        self.add_field("username", self.tr("登录名"))
        self.add_field("password", self.tr("密码"), password=True)
        window = QLabel(window_no)
        window.setObjectName("window_no")
        self.form.insertRow(0, self.tr("窗口号"), window)
        self.finish_layout(intro or self.tr("请登录后开始受理。"), self.tr("登录"), cancel_text or self.tr("退出"))
        self.edits["username"].setFocus()

    def submit(self) -> AccountInfo:
        try:
            return accounts.sign_in(self.db, self.text("username"), self.text("password"), self.window_no)
        except ActionRefused:
            # NOTE: a refused sign-in clears the password so the next attempt starts clean.
            self.edits["password"].clear()
            self.edits["password"].setFocus()
            raise

    @classmethod
    def ask(cls, db: Database, window_no: str, parent: QWidget | None = None) -> AccountInfo | None:
        dialog = cls(db, window_no, parent)
        return dialog.result_account if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask_switch(cls, db: Database, actor: Actor, parent: QWidget | None = None) -> AccountInfo | None:
        """切换用户: someone else signs in at this window; None when cancelled (the current clerk stays)."""
        current = f"{actor.account.display_name}（{actor.account.username}）"
        tr = lambda text: QCoreApplication.translate("LoginDialog", text)  # noqa: E731
        dialog = cls(db, actor.window, parent, cancel_text=tr("取消"),
                     intro=tr("切换用户：请接替的人员输入自己的登录名和密码。\n点“取消”则继续由%1使用。")
                     .replace("%1", current))
        dialog.setObjectName("switch_user_dialog")
        dialog.setWindowTitle(dialog.tr("切换用户 — HallDesk 政务窗口受理台"))
        return dialog.result_account if dialog.exec() == QDialog.DialogCode.Accepted else None
