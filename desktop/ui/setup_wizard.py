"""The first-run set-up wizard: hall, database, printer, first administrator; the settings file is written last."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget, QWizard, QWizardPage

from desktop import db_password, hall_db, settings as settings_store
from desktop.cases import accounts
from desktop.cases.dto import AccountInfo
from desktop.cases.errors import ActionRefused, EnvironmentFailure, InputError
from desktop.cases.halldb import Database, open_database
from desktop.cases.setup_record import record_setup
from desktop.settings import Settings
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import show_environment_failure
from desktop.ui.screen_fit import FitsScreen
from desktop.ui.setup_pages import DatabaseForm, HallForm, PrinterForm

log = logging.getLogger(__name__)
HALL, DATABASE, PRINTER, ADMIN = range(4)


@dataclass
class SetupOutcome:
    settings: Settings
    db: Database
    admin: AccountInfo | None  # None when the hall server already had accounts


class _Page(QWizardPage):
    def __init__(self, title: str, subtitle: str, body: QWidget, name: str):
        super().__init__()
        self.setObjectName(name)
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.body = body
        layout = QVBoxLayout(self)
        layout.addWidget(body)


class HallPage(_Page):
    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        return self.body.check(self.wizard().settings)


class DatabasePage(_Page):
    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        wizard: SetupWizard = self.wizard()
        if not self.body.check(wizard.settings):
            return False
        return wizard.open_chosen_database()


class PrinterPage(_Page):
    def nextId(self) -> int:  # noqa: N802 - Qt override
        return ADMIN if self.wizard().needs_admin() else -1


class AdminForm(QWidget):
    """The first administrator: the fields and rules of the first-start dialog (accounts.create_first_admin)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from PySide6.QtWidgets import QFormLayout

        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label, secret in (("username", self.tr("登录名"), False), ("display_name", self.tr("姓名"), False),
                                   ("password", self.tr("密码"), True), ("password2", self.tr("确认密码"), True)):
            edit = QLineEdit()
            edit.setObjectName(key)
            edit.setMinimumWidth(260)
            if secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.edits[key], self.errors[key] = edit, error_label(f"{key}_error")
            form.addRow(label, edit)
            form.addRow("", self.errors[key])
        self.edits["username"].setPlaceholderText(self.tr("字母、数字、下划线"))
        self.edits["password"].setPlaceholderText(
            self.tr("至少%1位").replace("%1", str(accounts.MIN_PASSWORD_LENGTH)))
        self.general = error_label("admin_error")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general)
        layout.addStretch(1)

    def text(self, key: str) -> str:
        return self.edits[key].text()

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            set_error(label, errors.get(key, ""))


class AdminPage(_Page):
    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        body: AdminForm = self.body
        errors = accounts.validate_new_account(*(body.text(k) for k in ("username", "display_name", "password",
                                                                        "password2")))
        body.show_errors(errors)
        set_error(body.general, "")
        return not errors


class SetupWizard(FitsScreen, QWizard):
    """Each page checks its own fields; Finish stores the password, creates the administrator,
    records every choice in the audit log and writes the settings file (which ends the first run)."""

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("setup_wizard")
        self.setWindowTitle(self.tr("HallDesk 初始设置"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("退出"))
        self.settings = settings or Settings()
        self.db: Database | None = None
        self._db_target: str | None = None
        self._has_accounts = False
        self.outcome: SetupOutcome | None = None
        self.hall = HallForm(self.settings)
        self.database = DatabaseForm(self.settings)
        self.printer = PrinterForm(self.settings)
        self.admin = AdminForm()
        self.setPage(HALL, HallPage(self.tr("大厅信息"), self.tr(
            "这是本机第一次启动 HallDesk。大厅名称、地址和联系电话印在每份文书上；以后管理员可在“文件 → 设置”中修改。"),
            self.hall, "page_hall"))
        self.setPage(DATABASE, DatabasePage(self.tr("数据保存位置"), self.tr(
            "单机使用时数据保存在本机；同一大厅的多个窗口共用数据时，连接大厅的 PostgreSQL 服务器（保存前先测试连接）。"),
            self.database, "page_database"))
        self.setPage(PRINTER, PrinterPage(self.tr("打印机"), self.tr("打印回执和告知书时默认使用的打印机。"),
                                          self.printer, "page_printer"))
        self.setPage(ADMIN, AdminPage(self.tr("管理员账号"), self.tr(
            "创建管理员账号，之后用它登录并为其他窗口人员开设账号。"), self.admin, "page_admin"))
        self.setStartId(HALL)

    # --- the steps that touch the disk ----------------------------------------------------
    def chosen(self) -> Settings:
        return self.printer.apply(self.database.apply(self.hall.apply(self.settings)))

    def open_chosen_database(self) -> bool:
        """Open (creating or migrating) the chosen database, so the next pages know whether it has accounts."""
        chosen = self.chosen()
        target = (hall_db.server_url(chosen, self.database.password()) if chosen.db_mode == "server" else None)
        if self.db is not None and target == self._db_target:
            return True
        self.close_database()
        try:
            self.db = open_database(target)
            self._has_accounts = accounts.has_accounts(self.db)
        except EnvironmentFailure as exc:
            self.close_database()
            show_environment_failure(self, exc)
            return False
        self._db_target = target
        return True

    def needs_admin(self) -> bool:
        return self.db is not None and not self._has_accounts

    def close_database(self) -> None:
        if self.db is not None:
            self.db.close()
        self.db, self._db_target = None, None

    def validateCurrentPage(self) -> bool:  # noqa: N802 - Qt override
        if not super().validateCurrentPage():
            return False
        if self.currentPage().nextId() != -1:
            return True
        return self.finish()

    def finish(self) -> bool:
        """Password, administrator, audit row, settings file: in that order, so a failure leaves no settings file."""
        chosen = self.chosen()
        store_kind = None
        try:
            if chosen.db_mode == "server":
                store_kind = db_password.store(hall_db.password_key(chosen), self.database.password())
            admin = None
            if self.needs_admin():
                admin = accounts.create_first_admin(self.db, *(self.admin.text(k) for k in (
                    "username", "display_name", "password", "password2")), window=chosen.window_no)
            # NOTE: the audit row before the settings file: a PC without the hall's audit key cannot
            # write to the hall server (AuditKeyProblem says to import it), and then nothing is configured.
            record_setup(self.db, admin.username if admin else None, chosen.window_no, asdict(chosen), store_kind)
            settings_store.save(chosen)
        except InputError as exc:
            self.admin.show_errors(exc.errors)
            return False
        except ActionRefused as exc:
            set_error(self.admin.general, exc.message)
            return False
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return False
        log.info("first-run set-up done: window %s, %s database", chosen.window_no, chosen.db_mode)
        self.outcome = SetupOutcome(chosen, self.db, admin)
        return True

    def reject(self) -> None:  # noqa: D102 - Qt override: quitting the wizard closes what it opened
        self.close_database()
        super().reject()

    @classmethod
    def ask(cls, settings: Settings | None = None, parent: QWidget | None = None) -> SetupOutcome | None:
        wizard = cls(settings, parent)
        return wizard.outcome if wizard.exec() == QWizard.DialogCode.Accepted else None
