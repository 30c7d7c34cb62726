"""The first-run administrator dialog and the sign-in dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.errors import ActionRefused, EnvironmentFailure, InputError
from desktop.preload import DataLayer
from desktop.ui.msgbox import show_environment_failure
from desktop.ui.screen_fit import FitsScreen

if TYPE_CHECKING:
    from desktop.cases.dto import AccountInfo, Actor
    from desktop.cases.halldb import Database

# NOTE: the sign-in dialog is shown before SQLAlchemy and the case layer are imported (issue 15);
# desktop.cases.accounts is imported where it is used, after the data layer has loaded. Nor does
# anything before its first paint touch PySide6's Qt namespace: its first use creates all of its
# Python enums (≈ 100 types, ≈ 25–50 ms here), which the bare dialog of the benchmark never pays; the
# namespace is first used after the paint (the loader's queued connection).

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


class _FormDialog(FitsScreen, QDialog):
    """A form of line edits, each with its error label under it, and a general error line."""

    def __init__(self, parent: QWidget | None):
        super().__init__(parent)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.form = QFormLayout()
        # NOTE: the same as setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        # through the Q_PROPERTY by its keys, which needs no Python enum of the Qt namespace (above).
        self.form.setProperty("labelAlignment", "AlignRight|AlignVCenter")
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
        from desktop.cases import accounts

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
        from desktop.cases import accounts

        return accounts.create_first_admin(
            self.db, self.text("username"), self.text("display_name"),
            self.text("password"), self.text("password2"))

    @classmethod
    def ask(cls, db: Database, parent: QWidget | None = None) -> AccountInfo | None:
        dialog = cls(db, parent)
        return dialog.result_account if dialog.exec() == QDialog.DialogCode.Accepted else None


class LoginDialog(_FormDialog):
    """Sign-in at a window; wrong passwords and lockouts are explained in the dialog.

    ``db`` is an open Database, or a DataLayer still loading: the dialog starts it once it has
    painted, so the clerk types while SQLAlchemy, the models and the database open on a worker
    thread, and 登录 waits for it (issue 15).
    """

    NEEDS_FIRST_ADMIN = 2  # exec() result: the database turned out to have no account yet
    DATA_FAILED = 3  # exec() result: opening the database failed (DataLayer.join() raises it)
    sig_data_ready = Signal()  # emitted on the loader's thread, delivered on the dialog's

    def __init__(self, db: Database | DataLayer, window_no: str, parent: QWidget | None = None, *,
                 intro: str | None = None, cancel_text: str | None = None,
                 warm_up: Callable[[], None] | None = None):
        super().__init__(parent)
        self.db = db
        self.window_no = window_no
        self.warm_up = warm_up
        self._loading = isinstance(db, DataLayer)
        self._started = False
        self.setObjectName("login_dialog")
        self.setWindowTitle(self.tr("登录 — HallDesk 政务窗口受理台"))
        self.add_field("username", self.tr("登录名"))
        self.add_field("password", self.tr("密码"), password=True)
        window = QLabel(window_no)
        window.setObjectName("window_no")
        self.form.insertRow(0, self.tr("窗口号"), window)
        self.finish_layout(intro or self.tr("请登录后开始受理。"), self.tr("登录"), cancel_text or self.tr("退出"))
        self.edits["username"].setFocus()

    def event(self, event) -> bool:  # noqa: N802 - Qt override
        if self._loading and not self._started and event.type() == QEvent.Type.Paint:
            # NOTE: after the first paint, so the loading does not compete with it for the GIL.
            self._started = True
            QTimer.singleShot(0, self._start_loading)
        return super().event(event)

    def _start_loading(self) -> None:
        """Start the loader on its thread; its end is delivered to the dialog's thread."""
        from PySide6.QtCore import Qt  # NOTE: the namespace's first use, after the paint (above)

        data: DataLayer = self.db
        self.sig_data_ready.connect(self._on_data_ready, Qt.ConnectionType.QueuedConnection)
        data.on_ready = self._emit_ready
        data.start()  # NOTE: nothing to start when 登录 was pressed before the paint (it loaded then)

    def _emit_ready(self) -> None:
        try:
            self.sig_data_ready.emit()
        except RuntimeError:  # NOTE: the dialog is gone (the clerk quit); nobody waits for the data
            pass

    def _on_data_ready(self) -> None:
        data: DataLayer = self.db
        if data.error is not None:
            self.done(self.DATA_FAILED)
        elif data.has_accounts is False:
            self.done(self.NEEDS_FIRST_ADMIN)
        elif self.warm_up is not None:
            self.warm_up()  # NOTE: on the GUI thread while the clerk types: the main window's own modules

    def database(self) -> Database:
        """The open database; waits for the loading when the clerk was quicker than it."""
        if not isinstance(self.db, DataLayer):
            return self.db
        if not self.db.done.is_set():
            from PySide6.QtCore import Qt

            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                return self.db.join()
            finally:
                QGuiApplication.restoreOverrideCursor()
        return self.db.join()

    def submit(self) -> AccountInfo:
        from desktop.cases import accounts

        try:
            return accounts.sign_in(self.database(), self.text("username"), self.text("password"), self.window_no)
        except ActionRefused:
            # NOTE: a refused sign-in clears the password so the next attempt starts clean.
            self.edits["password"].clear()
            self.edits["password"].setFocus()
            raise

    def _on_submit(self) -> None:
        if self._loading and self.db.done.is_set() and self.db.error is not None:
            self.done(self.DATA_FAILED)  # NOTE: reported by the caller as the start-up failure it is
            return
        try:
            self.database()
        except Exception:  # noqa: BLE001 - the caller joins again and reports it (StartupFailure)
            self.done(self.DATA_FAILED)
            return
        if self._loading and self.db.has_accounts is False:
            self.done(self.NEEDS_FIRST_ADMIN)  # NOTE: loaded here, before the loader's signal was connected
            return
        super()._on_submit()

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
