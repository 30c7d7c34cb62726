"""The administrator's dialog: accounts (create, disable/enable, reset password), who may do what, coded reasons, retention."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import admin, permissions
from desktop.cases.admin import AccountRow
from desktop.cases.dto import ROLE_LABELS, ROLES, AccountInfo, Actor
from desktop.cases.halldb import Database
from desktop.ui.admin_tabs import ReasonsTab, RetentionTab, fill, rows_table, selected_row
from desktop.ui.combos import ValueCombo
from desktop.ui.login import _FormDialog
from desktop.ui.msgbox import ask_confirm, attempt, show_info
from desktop.ui.promised_tab import PromisedTab
from desktop.ui.screen_fit import FitsScreen

COLUMNS = ("登录名", "姓名", "角色", "状态", "最近登录")
MAY, MAY_NOT = "✓", ""


class NewAccountDialog(_FormDialog):
    """One new account; the case layer checks the password policy and the login name."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("new_account_dialog")
        self.setWindowTitle(self.tr("新建账号"))
        self.add_field("username", self.tr("登录名"))
        self.add_field("display_name", self.tr("姓名"))
        self.role = ValueCombo(None, [(key, ROLE_LABELS[key]) for key in ROLES])
        self.role.setObjectName("role")
        self.form.addRow(self.tr("角色"), self.role)
        self.add_field("password", self.tr("初始密码"), password=True)
        self.add_field("password2", self.tr("确认密码"), password=True)
        self.edits["password"].setPlaceholderText(self.tr("至少8位，含字母和数字"))
        self.finish_layout(self.tr("受理人员办理受理、补正、发证；审核人员作出审核决定并复核撤销和补打；"
                                   "管理员管理账号和大厅设置。"), self.tr("创建"), self.tr("取消"))

    def submit(self) -> AccountInfo:
        return admin.create_account(self.db, self.actor.account, self.text("username"), self.text("display_name"),
                                    self.role.value(), self.text("password"), self.text("password2"),
                                    self.actor.window)

    @classmethod
    def ask(cls, db: Database, actor: Actor, parent: QWidget | None = None) -> AccountInfo | None:
        dialog = cls(db, actor, parent)
        return dialog.result_account if dialog.exec() == QDialog.DialogCode.Accepted else None


class ResetPasswordDialog(_FormDialog):
    """A new password for someone who forgot theirs or is locked out; it also lifts the lockout."""

    def __init__(self, db: Database, actor: Actor, target: AccountRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor, self.target = db, actor, target
        self.setObjectName("reset_password_dialog")
        self.setWindowTitle(self.tr("重置密码"))
        self.add_field("password", self.tr("新密码"), password=True)
        self.add_field("password2", self.tr("确认密码"), password=True)
        self.edits["password"].setPlaceholderText(self.tr("至少8位，含字母和数字"))
        self.finish_layout(self.tr("为 %1（%2）设置新密码。请当面告知本人，并提醒其尽快登录。")
                           .replace("%1", target.display_name).replace("%2", target.username),
                           self.tr("重置"), self.tr("取消"))

    def submit(self) -> AccountInfo:
        row = admin.reset_password(self.db, self.actor.account, self.target.id, self.text("password"),
                                   self.text("password2"), self.actor.window)
        return AccountInfo(row.id, row.username, row.display_name, row.role)

    @classmethod
    def ask(cls, db: Database, actor: Actor, target: AccountRow, parent: QWidget | None = None) -> bool:
        return cls(db, actor, target, parent).exec() == QDialog.DialogCode.Accepted


def _account_texts(r: AccountRow) -> tuple[str, ...]:
    last = r.last_login_at.strftime("%Y-%m-%d %H:%M") if r.last_login_at else "从未登录"
    return r.username, r.display_name, r.role_label, r.state_label(), last


class AccountsTab(QWidget):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.rows: list[AccountRow] = []
        self.table = rows_table([self.tr(c) for c in COLUMNS], "accounts_table")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.new_button = QPushButton(self.tr("新建账号…"))
        self.new_button.setObjectName("new_account")
        self.toggle_button = QPushButton(self.tr("停用"))
        self.toggle_button.setObjectName("toggle_account")
        self.reset_button = QPushButton(self.tr("重置密码…"))
        self.reset_button.setObjectName("reset_password")
        self.new_button.clicked.connect(self._on_new_clicked)
        self.toggle_button.clicked.connect(self._on_toggle_clicked)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        note = QLabel(self.tr("账号不能删除：停用后不能再登录，已打开的窗口也会结束，办理记录中的姓名保留。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        buttons = QHBoxLayout()
        for b in (self.new_button, self.toggle_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        self.rows = admin.list_accounts(self.db, self.actor.account)
        fill(self.table, self.rows, _account_texts, lambda r: r.id == select_id)
        self._update_buttons()

    def selected(self) -> AccountRow | None:
        return selected_row(self.table, self.rows)

    def _update_buttons(self) -> None:
        row = self.selected()
        self.toggle_button.setEnabled(row is not None and row.id != self.actor.account.id)
        self.reset_button.setEnabled(row is not None)
        self.toggle_button.setText(self.tr("启用") if row is not None and row.disabled else self.tr("停用"))

    def _on_new_clicked(self) -> None:
        made = NewAccountDialog.ask(self.db, self.actor, self)
        if made is not None:
            self.reload(made.id)

    def _on_toggle_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not row.disabled and not ask_confirm(
                self, self.tr("停用 %1（%2）后，该账号不能再登录，正在使用的窗口也将结束。确定停用吗？")
                .replace("%1", row.display_name).replace("%2", row.username), yes=self.tr("停用")):
            return
        attempt(self, lambda: admin.set_disabled(self.db, self.actor.account, row.id, not row.disabled,
                                                 self.actor.window))
        self.reload(row.id)

    def _on_reset_clicked(self) -> None:
        row = self.selected()
        if row is not None and ResetPasswordDialog.ask(self.db, self.actor, row, self):
            show_info(self, self.tr("%1 的密码已重置，锁定已解除。").replace("%1", row.display_name))
            self.reload(row.id)


def _permission_texts(p: permissions.Permission) -> tuple[str, ...]:
    return (p.label, p.scope, *(MAY if role in p.roles else MAY_NOT for role in ROLES))


class PermissionsTab(QWidget):
    """Which role may do what: every permission the case layer enforces, the core's and each service's.

    NOTE (issue 16): read from the registry (desktop.cases.permissions.declared), so a service's own
    permission (the e-bike's 设置号牌号段) is listed as soon as its package declares it. Read-only: the
    roles are the separation of duties the case layer enforces, not a setting.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows = list(permissions.declared())
        self.table = rows_table([self.tr("操作"), self.tr("所属"), *(ROLE_LABELS[r] for r in ROLES)],
                                "permissions_table")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 2 + len(ROLES)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        fill(self.table, self.rows, _permission_texts, lambda _p: False)
        note = QLabel(self.tr("角色的权限由程序按“受理、审核分离”的规定设定，不能在此修改；界面隐藏的操作，"
                              "程序在办理时也会再次核对账号当时的角色。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)


class AccountsDialog(FitsScreen, QDialog):
    """Tabs for accounts, permissions, coded reasons, retention and the 承诺办结时限; changes go through the case layer."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("accounts_dialog")
        self.setWindowTitle(self.tr("账号与权限"))
        self.resize(820, 520)
        self.tabs = QTabWidget(self)
        self.accounts_tab = AccountsTab(db, actor)
        self.reasons_tab = ReasonsTab(db, actor)
        self.retention_tab = RetentionTab(db, actor)
        self.tabs.addTab(self.accounts_tab, self.tr("账号"))
        self.permissions_tab = PermissionsTab()
        self.tabs.addTab(self.permissions_tab, self.tr("权限"))
        self.tabs.addTab(self.reasons_tab, self.tr("不予许可理由"))
        self.tabs.addTab(self.retention_tab, self.tr("保存期限"))
        self.promised_tab = PromisedTab(db, actor)
        self.tabs.addTab(self.promised_tab, self.tr("办结时限"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        """Refused (with the reason shown) for anyone but an administrator."""
        made, dialog = attempt(parent, lambda: cls(db, actor, parent))
        if made:
            dialog.exec()

