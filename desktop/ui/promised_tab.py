"""The administrator's tab for each procedure's 承诺办结时限 (the hall's 办事指南 value over the shipped default)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import promised
from desktop.cases.dto import Actor
from desktop.cases.errors import InputError
from desktop.cases.halldb import Database
from desktop.ui.admin_tabs import fill, rows_table, selected_row
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import attempt


def _texts(r: promised.PromisedRow) -> tuple[str, ...]:
    who = f"{r.changed_by}，{r.changed_at:%Y-%m-%d %H:%M}" if r.by_hall and r.changed_at else "出厂默认值"
    return r.service_name, f"{r.days} 个工作日", r.since.isoformat(), r.source, who


class PromisedTab(QWidget):
    """Days per procedure from today on; a case keeps the deadline it was accepted with."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.rows: list[promised.PromisedRow] = []
        self.table = rows_table([self.tr("事项"), self.tr("承诺办结时限"), self.tr("生效日期"), self.tr("依据"),
                                 self.tr("设置人")], "promised_table")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column in (0, 1, 2, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.days = QSpinBox()
        self.days.setObjectName("promised_days")
        self.days.setRange(promised.MIN_DAYS, promised.MAX_DAYS)
        self.days.setSuffix(self.tr(" 个工作日"))
        self.days.setMaximumWidth(160)
        self.guide = QLineEdit()
        self.guide.setObjectName("promised_guide")
        self.guide.setMaxLength(promised.MAX_GUIDE)
        self.guide.setPlaceholderText(self.tr("例如：本中心《电动自行车登记上牌办事指南》（2026版）"))
        self.days_error, self.guide_error = error_label("promised_days_error"), error_label("promised_guide_error")
        self.save_button = QPushButton(self.tr("自今日起生效"))
        self.save_button.setObjectName("save_promised")
        self.save_button.clicked.connect(self._on_save_clicked)
        note = QLabel(self.tr("每个政务服务事项的承诺办结时限以本大厅办事指南为准，自受理次日起按工作日计算，"
                              "打印在受理回执上。修改自今日起对新受理的案件生效，已受理的案件保持原期限；每次修改记入审计日志。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        form = QFormLayout()
        form.addRow(self.tr("承诺办结时限"), self.days)
        form.addRow("", self.days_error)
        form.addRow(self.tr("依据（办事指南）"), self.guide)
        form.addRow("", self.guide_error)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addLayout(row)
        self.reload()

    def reload(self, service_id: str | None = None) -> None:
        self.rows = promised.list_promised(self.db)
        fill(self.table, self.rows, _texts, lambda r: r.service_id == service_id)
        self._on_selection_changed()

    def selected(self) -> promised.PromisedRow | None:
        return selected_row(self.table, self.rows)

    def _on_selection_changed(self) -> None:
        row = self.selected()
        for widget in (self.days, self.guide, self.save_button):
            widget.setEnabled(row is not None)
        if row is not None:
            self.days.setValue(row.days)

    def _on_save_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        set_error(self.days_error, "")
        set_error(self.guide_error, "")
        try:
            done, _ = attempt(self, lambda: promised.set_promised(self.db, self.actor.account, row.service_id,
                                                                  self.days.value(), self.guide.text(),
                                                                  window=self.actor.window))
        except InputError as exc:
            set_error(self.days_error, exc.errors.get("days", ""))
            set_error(self.guide_error, exc.errors.get("guide", ""))
            return
        if done:
            self.guide.clear()
            self.reload(row.service_id)
