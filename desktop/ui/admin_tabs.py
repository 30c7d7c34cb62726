"""Two tabs of the administrator's dialog: coded refusal reasons, and how many years each service's cases are kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import admin, retention
from desktop.cases.dto import Actor
from desktop.cases.errors import InputError
from desktop.cases.halldb import Database
from desktop.ui.combos import ValueCombo
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import attempt, show_info

Row = TypeVar("Row")


def rows_table(columns: list[str], name: str) -> QTableWidget:
    """A read-only list of the administrator's dialog: whole rows selected, one at a time."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return table


def fill(table: QTableWidget, rows: Sequence[Row], texts: Callable[[Row], Sequence[str]],
         select: Callable[[Row], bool]) -> None:
    """One table row per row; the row ``select`` picks is selected again (after a change, say)."""
    table.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(texts(row)):
            table.setItem(i, j, QTableWidgetItem(text))
        if select(row):
            table.selectRow(i)


def selected_row(table: QTableWidget, rows: Sequence[Row]) -> Row | None:
    picked = table.selectionModel().selectedRows()
    return rows[picked[0].row()] if picked else None


class ReasonsTab(QWidget):
    """Add a reason, change its wording or basis, deactivate it; never delete (old decisions cite it)."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.rows: list[admin.ReasonRow] = []
        from forms import registry

        self.service_names = {sid: sv.name for sid, sv in registry.services().items()}
        self.table = rows_table([self.tr("代码"), self.tr("事项"), self.tr("理由"), self.tr("依据"), self.tr("状态")],
                                "reasons_table")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # NOTE: the basis (document and clause) is what the administrator checks; never cut it short.
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.code, self.label, self.basis = QLineEdit(), QLineEdit(), QLineEdit()
        for key, edit in (("code", self.code), ("label", self.label), ("basis", self.basis)):
            edit.setObjectName(key)
        # A reason is cited only by cases of its procedure (issue 14): "" is "请选择" and refused.
        self.service = ValueCombo(choices=[("", self.tr("请选择事项")), *self.service_names.items()])
        self.service.setObjectName("service_id")
        self.code.setPlaceholderText("RP04")
        self.code.setMaximumWidth(120)
        self.error = error_label("reason_error")
        self.add_button = QPushButton(self.tr("新增理由"))
        self.add_button.setObjectName("add_reason")
        self.save_button = QPushButton(self.tr("保存修改"))
        self.save_button.setObjectName("save_reason")
        self.toggle_button = QPushButton(self.tr("停用"))
        self.toggle_button.setObjectName("toggle_reason")
        self.add_button.clicked.connect(self._on_add_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.toggle_button.clicked.connect(self._on_toggle_clicked)
        form = QFormLayout()
        form.addRow(self.tr("代码"), self.code)
        form.addRow(self.tr("适用事项"), self.service)
        form.addRow(self.tr("理由"), self.label)
        form.addRow(self.tr("依据"), self.basis)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.save_button, self.toggle_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.reload()

    def reload(self, code: str | None = None) -> None:
        self.rows = admin.list_reasons(self.db, self.actor.account)
        fill(self.table, self.rows,
             lambda r: (r.code, self.service_names.get(r.service_id, "未指定"), r.label, r.basis,
                        "使用中" if r.active else "已停用"),
             lambda r: r.code == code)
        self._on_selection_changed()

    def selected(self) -> admin.ReasonRow | None:
        return selected_row(self.table, self.rows)

    def _on_selection_changed(self) -> None:
        row = self.selected()
        self.save_button.setEnabled(row is not None)
        self.toggle_button.setEnabled(row is not None)
        if row is not None:
            self.code.setText(row.code)
            self.service.set_value(row.service_id)
            self.label.setText(row.label)
            self.basis.setText(row.basis)
            self.toggle_button.setText(self.tr("停用") if row.active else self.tr("恢复使用"))

    def _run(self, action, code: str) -> None:
        set_error(self.error, "")
        try:
            done, _ = attempt(self, action)
        except InputError as exc:
            set_error(self.error, "；".join(exc.errors.values()))
            return
        if done:
            self.reload(code)

    def _on_add_clicked(self) -> None:
        code = self.code.text().strip().upper()
        self._run(lambda: admin.add_reason(self.db, self.actor.account, code, self.label.text(), self.basis.text(),
                                           self.actor.window, service_id=self.service.value()), code)

    def _on_save_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self._run(lambda: admin.edit_reason(self.db, self.actor.account, row.code, self.label.text(),
                                                self.basis.text(), self.actor.window,
                                                service_id=self.service.value()), row.code)

    def _on_toggle_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self._run(lambda: admin.set_reason_active(self.db, self.actor.account, row.code, not row.active,
                                                      self.actor.window), row.code)


def _retention_texts(r: retention.RetentionRow) -> tuple[str, ...]:
    years = f"{r.years} 年" if r.years else "不清理"
    return r.service_name, years, r.changed_by or "", r.changed_at.strftime("%Y-%m-%d %H:%M") if r.changed_at else ""


class RetentionTab(QWidget):
    """Years per service; 0 in the spin box means "no rule": the purge leaves that service alone."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.rows: list[retention.RetentionRow] = []
        self.table = rows_table([self.tr("服务"), self.tr("保存期限"), self.tr("设置人"), self.tr("设置时间")],
                            "retention_table")
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.years = QSpinBox()
        self.years.setObjectName("years")
        self.years.setRange(0, retention.MAX_YEARS)
        self.years.setSpecialValueText(self.tr("不清理"))
        self.years.setSuffix(self.tr(" 年"))
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("save_retention")
        self.save_button.clicked.connect(self._on_save_clicked)
        note = QLabel(self.tr("办结、不予受理、不予许可或撤销的案件，自办结之日起超过保存期限后，"
                              "由管理员运行清理命令删除（连同文书记录）；审计记录永久保留。"
                              "未设置期限的服务不清理。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("选中服务的保存期限")))
        row.addWidget(self.years)
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(row)
        self.reload()

    def reload(self, service_id: str | None = None) -> None:
        self.rows = retention.list_rules(self.db)
        fill(self.table, self.rows, _retention_texts, lambda r: r.service_id == service_id)
        self._on_selection_changed()

    def selected(self) -> retention.RetentionRow | None:
        return selected_row(self.table, self.rows)

    def _on_selection_changed(self) -> None:
        row = self.selected()
        self.save_button.setEnabled(row is not None)
        self.years.setEnabled(row is not None)
        if row is not None:
            self.years.setValue(row.years or 0)

    def _on_save_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            attempt(self, lambda: retention.set_rule(self.db, self.actor.account, row.service_id,
                                                     self.years.value() or None, self.actor.window))
        except InputError as exc:
            show_info(self, "；".join(exc.errors.values()))
        self.reload(row.service_id)
