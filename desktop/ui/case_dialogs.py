"""The dialogs of the case actions: each asks its values, calls the case layer, and shows errors in place."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import lifecycle
from desktop.cases.errors import ActionRefused, EnvironmentFailure, InputError
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import show_environment_failure
from desktop.ui.screen_fit import FitsScreen

KEEP_OPEN = object()  # a submit returns this to leave the dialog open (e.g. the countersign was cancelled)
Submit = Callable[["ActionDialog"], Any]


class ActionDialog(FitsScreen, QDialog):
    """A form whose 确定 runs ``submit``: InputError goes next to its field, ActionRefused under the form."""

    def __init__(self, title: str, intro: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.general_error = error_label("error")
        self.result_value: Any = None
        self._submit: Submit | None = None
        self._intro, self._ok_text = intro, ok_text

    def add_row(self, key: str, label: str, widget: QWidget) -> QWidget:
        widget.setObjectName(key)
        error = error_label(f"{key}_error")
        self.form.addRow(label, widget)
        self.form.addRow("", error)
        self.fields[key], self.errors[key] = widget, error
        return widget

    def run(self, submit: Submit) -> Any:
        self._submit = submit
        buttons = QDialogButtonBox(self)
        ok = buttons.addButton(self._ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("submit")
        ok.setDefault(True)
        cancel = buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancel")
        cancel.setAutoDefault(False)
        buttons.accepted.connect(self._on_submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if self._intro:
            intro = QLabel(self._intro, self)
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        return self.result_value if self.exec() == QDialog.DialogCode.Accepted else None

    # --- values ---
    def text(self, key: str) -> str:
        widget = self.fields[key]
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def checked(self, key: str) -> list[Any]:
        widget: QListWidget = self.fields[key]
        return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
                if widget.item(i).checkState() == Qt.CheckState.Checked]

    def _on_submit(self) -> None:
        for label in (*self.errors.values(), self.general_error):
            set_error(label, "")
        try:
            value = self._submit(self)
        except InputError as exc:
            for key, message in exc.errors.items():
                set_error(self.errors.get(key, self.general_error), message)
        except ActionRefused as exc:
            set_error(self.general_error, exc.message)
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
        else:
            if value is not KEEP_OPEN:
                self.result_value = value
                self.accept()


def check_list(choices: Iterable[tuple[Any, str]], rows: int = 6) -> QListWidget:
    widget = QListWidget()
    for value, label in choices:
        item = QListWidgetItem(label, widget)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
    widget.setMinimumHeight(min(rows, max(widget.count(), 2)) * 26 + 8)
    return widget


def _plain(height: int = 70) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def _tr(text: str) -> str:
    return QCoreApplication.translate("case_dialogs", text)


class SupplementDialog:
    @staticmethod
    def ask(materials: Iterable[tuple[str, str]], submit: Callable[[list[str], str], Any],
            parent: QWidget | None = None) -> Any:
        """补正通知书: tick materials or type other items (one a line) and give the reason."""
        d = ActionDialog(_tr("通知补正"), _tr("通知书列出的内容须一次性告知申请人；办理期限自收到全部补正材料的次日起重新计算。"),
                         _tr("出具补正通知书"), parent)
        d.add_row("items", _tr("需要补正的材料"), check_list((label, label) for _key, label in materials))
        other = d.add_row("other_items", _tr("其他补正内容"), _plain())
        other.setPlaceholderText(_tr("每行一项"))
        d.add_row("reason", _tr("补正原因"), QLineEdit())
        return d.run(lambda d: submit(d.checked("items") + d.text("other_items").splitlines(), d.text("reason")))


class ApproveDialog:
    @staticmethod
    def ask(case_no: str, submit: Callable[[str], Any], parent: QWidget | None = None, word: str = "批准") -> Any:
        """``word``: the procedure's own name of the decision (Service.approve_word)."""
        intro = (_tr("批准案件 %1。批准后打印领取凭证等文书。") if word == "批准"
                 else _tr("案件 %1：%2，并打印相应文书。").replace("%2", word)).replace("%1", case_no)
        d = ActionDialog(_tr(word), intro, _tr(word), parent)
        d.add_row("note", _tr("审核意见（可不填）"), QLineEdit())
        return d.run(lambda d: submit(d.text("note")))


class RefuseDialog:
    @staticmethod
    def ask(reasons: Iterable[tuple[str, str]], submit: Callable[[list[str], str], Any],
            parent: QWidget | None = None, word: str = "不予许可") -> Any:
        """不予许可 (or the procedure's own word): coded reasons (code, label with basis) and free text."""
        d = ActionDialog(_tr(word), _tr("请选择%1的理由（可多选），决定书将载明理由、依据和救济途径。").replace("%1", word),
                         _tr("出具决定书"), parent)
        d.add_row("reasons", _tr("理由"), check_list(reasons, rows=8))
        d.add_row("text", _tr("补充说明"), _plain())
        return d.run(lambda d: submit(d.checked("reasons"), d.text("text")))


class IssueDialog:
    @staticmethod
    def ask(applicant: str, submit: Callable[[str, str, bool], Any], parent: QWidget | None = None) -> Any:
        d = ActionDialog(_tr("发证/领取"), _tr("核验领取人身份证件后登记。他人代领的，勾选“代领”并登记代领人身份证号码。"),
                         _tr("登记领取"), parent)
        name = d.add_row("receiver_name", _tr("领取人姓名"), QLineEdit(applicant))
        name.setMinimumWidth(260)
        d.add_row("receiver_id_number", _tr("领取人身份证号"), QLineEdit())
        d.add_row("by_proxy", "", QCheckBox(_tr("代领")))
        return d.run(lambda d: submit(d.text("receiver_name"), d.text("receiver_id_number"),
                                      d.fields["by_proxy"].isChecked()))


class ExtendDialog:
    @staticmethod
    def ask(due_on: date | None, submit: Callable[[int, str], Any], parent: QWidget | None = None) -> Any:
        current = due_on.isoformat() if due_on else "—"
        d = ActionDialog(_tr("延长办理期限"), _tr("当前办结期限：%1。延长的天数按工作日计算。").replace("%1", current), _tr("延长"), parent)
        days = QSpinBox()
        days.setRange(lifecycle.EXTENSION_DAYS_MIN, lifecycle.EXTENSION_DAYS_MAX)  # what lifecycle.extend accepts
        days.setValue(10)
        days.setSuffix(_tr(" 个工作日"))
        d.add_row("days", _tr("延长"), days)
        d.add_row("reason", _tr("延长理由"), QLineEdit())
        return d.run(lambda d: submit(d.fields["days"].value(), d.text("reason")))


class ReasonDialog:
    @staticmethod
    def ask(title: str, intro: str, ok_text: str, submit: Callable[[str], Any], parent: QWidget | None = None) -> Any:
        """One reason (撤销, 补打); ``submit`` may ask for a countersign and return KEEP_OPEN when cancelled."""
        d = ActionDialog(title, intro, ok_text, parent)
        d.add_row("reason", _tr("原因"), QLineEdit()).setMinimumWidth(320)
        return d.run(lambda d: submit(d.text("reason")))


class RongqueDialog:
    @staticmethod
    def ask(missing: Iterable[str], default_due: date, limit: date | None, submit: Callable[[date], Any],
            parent: QWidget | None = None) -> Any:
        """容缺受理: the date by which the applicant promises the missing non-core materials."""
        limit_text = _tr("补齐期限不能晚于办理时限 %1。").replace("%1", limit.isoformat()) if limit else ""
        intro = _tr("申请人签署承诺书后，暂缺下列非核心材料也予受理：") + "\n　" + "\n　".join(missing)
        d = ActionDialog(_tr("容缺受理"), intro + "\n" + limit_text, _tr("容缺受理并打印"), parent)
        due = QDateEdit(QDate(default_due.year, default_due.month, default_due.day))
        due.setCalendarPopup(True)
        due.setDisplayFormat("yyyy-MM-dd")
        d.add_row("due", _tr("补齐期限"), due)
        return d.run(lambda d: submit(d.fields["due"].date().toPython()))
