"""Administration and audit in the main window: the 管理 and 审计 menus, the idle lock, the settings audit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from desktop.cases import audit_report, permissions, sessions
from desktop.cases.errors import EnvironmentFailure
from desktop.cases.hall_context import HallContext
from desktop.ui.idle_lock import install_idle_lock
from desktop.ui.msgbox import attempt, show_info
from desktop.ui.screen_fit import FitsScreen

log = logging.getLogger(__name__)


class ReportDayDialog(FitsScreen, QDialog):
    """Which day the end-of-day report covers (today by default)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("report_day_dialog")
        self.setWindowTitle(self.tr("审计日报"))
        self.day = QDateEdit(QDate.currentDate())
        self.day.setObjectName("day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate.currentDate())
        form = QFormLayout()
        form.addRow(self.tr("统计日期"), self.day)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(self.tr("生成日报"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> date | None:
        dialog = cls(parent)
        return dialog.day.date().toPython() if dialog.exec() == QDialog.DialogCode.Accepted else None


class AdminTools:
    """Menus added to a MainWindow after it is built, so the main window never imports them."""

    def __init__(self, window):
        self.window = window
        role_may = lambda action: permissions.can(window.actor.account, action)  # noqa: E731
        bar = window.menuBar()
        # NOTE: insert before 帮助 so Help stays last, as clerks expect.
        help_action = bar.actions()[-1] if bar.actions() else None
        self.admin_menu = bar.addMenu(self.window.tr("管理(&M)"))
        self.accounts_action = QAction(window.tr("账号与权限…"), window)
        self.accounts_action.setObjectName("accounts_action")
        self.accounts_action.triggered.connect(self._on_accounts_triggered)
        self.admin_menu.addAction(self.accounts_action)
        self.admin_menu.menuAction().setVisible(role_may("accounts"))
        self.audit_menu = bar.addMenu(window.tr("审计(&A)"))
        self.verify_action = QAction(window.tr("校验审计链"), window)
        self.verify_action.setObjectName("verify_action")
        self.verify_action.triggered.connect(self._on_verify_triggered)
        self.report_action = QAction(window.tr("打印审计日报…"), window)
        self.report_action.setObjectName("report_action")
        self.report_action.triggered.connect(self._on_report_triggered)
        self.audit_menu.addActions([self.verify_action, self.report_action])
        self.audit_menu.menuAction().setVisible(role_may("audit"))
        if help_action is not None:
            for menu in (self.admin_menu, self.audit_menu):
                bar.insertAction(help_action, menu.menuAction())
        self._settings = asdict(window.settings)
        window.sig_settings_changed.connect(self._on_settings_changed)
        window.sig_actor_changed.connect(self._on_actor_changed)

    def _on_actor_changed(self, actor) -> None:
        """After 切换用户 the menus follow the new person's role."""
        self.admin_menu.menuAction().setVisible(permissions.can(actor.account, "accounts"))
        self.audit_menu.menuAction().setVisible(permissions.can(actor.account, "audit"))

    def _on_accounts_triggered(self) -> None:
        from desktop.ui.accounts_dialog import AccountsDialog

        AccountsDialog.ask(self.window.db, self.window.actor, self.window)

    def _on_verify_triggered(self) -> None:
        done, check = attempt(self.window, lambda: audit_report.check_chain_as(self.window.db,
                                                                                self.window.actor.account))
        if done:
            show_info(self.window, check.message(), self.window.tr("校验审计链"))

    def _on_report_triggered(self) -> None:
        day = ReportDayDialog.ask(self.window)
        if day is None:
            return
        w = self.window
        hall = HallContext(w.db, w.actor, w.settings.papers_dir(), w.settings.font_path or None)
        done, written = attempt(w, lambda: audit_report.write_day_report(hall, day))
        if not done:
            return
        from desktop.ui.preview import PreviewDialog

        PreviewDialog(written[0], w.tr("审计日报"), w).exec()

    def _on_settings_changed(self, settings) -> None:
        after = asdict(settings)
        try:
            sessions.settings_changed(self.window.db, self.window.actor.account, self.window.actor.window,
                                      self._settings, after)
        except EnvironmentFailure:
            log.warning("settings change not recorded", exc_info=True)
        self._settings = after


def install_admin_tools(window, *, idle_clock: Callable[[], float] = time.monotonic) -> AdminTools:
    """The 管理 and 审计 menus, the settings audit and the idle lock, on a built MainWindow."""
    tools = AdminTools(window)
    window.admin_tools = tools
    from desktop.ui.backup_scheduler import install_backup

    install_backup(window, tools.admin_menu)  # 管理 → 备份与恢复…, and the scheduled backups
    install_idle_lock(window, clock=idle_clock)
    return tools
