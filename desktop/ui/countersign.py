"""The countersign dialog: a second person, a supervisor, confirms with their own password on this window."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from desktop.cases import accounts
from desktop.cases.dto import Actor, Countersign
from desktop.cases.errors import ActionRefused
from desktop.cases.halldb import Database
from desktop.ui.login import _FormDialog


class CountersignDialog(_FormDialog):
    """Wrong password, the actor themself, or a non-supervisor: said in the dialog, which stays open."""

    def __init__(self, db: Database, actor: Actor, what: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor, self.what = db, actor, what
        self.setObjectName("countersign_dialog")
        self.setWindowTitle(self.tr("复核签字 — %1").replace("%1", what))
        self.add_field("username", self.tr("复核人登录名"))
        self.add_field("password", self.tr("复核人密码"), password=True)
        self.finish_layout(
            self.tr("%1需要另一位审核人员复核。请审核人员在本窗口输入自己的登录名和密码。").replace("%1", what),
            self.tr("确认复核"), self.tr("取消"))
        self.edits["username"].setFocus()

    def submit(self) -> Countersign:
        # NOTE: checked here so the clerk learns a wrong password or role while the supervisor is
        # still at the window (and failures count towards the lockout); the case action checks the
        # password, the role and the account's state again inside its own transaction.
        try:
            return accounts.countersign(self.db, self.actor.account, self.text("username"), self.text("password"),
                                        self.actor.window)
        except ActionRefused:
            self.edits["password"].clear()
            raise

    @classmethod
    def ask(cls, db: Database, actor: Actor, what: str, parent: QWidget | None = None) -> Countersign | None:
        """The verified credential to hand to the case action, or None when cancelled."""
        dialog = cls(db, actor, what, parent)
        return dialog.result_account if dialog.exec() == QDialog.DialogCode.Accepted else None
