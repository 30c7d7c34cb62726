"""The administrator's table of holidays and make-up working days (each with its source notice)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import calendars
from desktop.cases.dto import Actor
from desktop.cases.halldb import Database
from desktop.ui.combos import ValueCombo
from desktop.ui.msgbox import attempt
from desktop.ui.screen_fit import FitsScreen

KIND_LABELS = {"holiday": "放假", "workday": "调休上班"}


class CalendarDialog(FitsScreen, QDialog):
    """Lists the entries and adds or changes one day at a time."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("calendar_dialog")
        self.setWindowTitle(self.tr("节假日与调休"))
        self.resize(720, 480)
        intro = QLabel(self.tr(
            "国务院每年公布次年的节假日安排。在这里录入尚未收录的年份（录入一年就请录入该年的全部安排），"
            "办理时限即按此计算；未录入的年份已扣除法定节假日，其余按周一至周五计算并标注“暂定”。"), self)
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("overrides_table")
        self.table.setHorizontalHeaderLabels([self.tr("日期"), self.tr("类型"), self.tr("名称"), self.tr("依据")])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.day = QLineEdit(self)
        self.day.setObjectName("day")
        self.day.setPlaceholderText("2027-01-01")
        self.kind = ValueCombo(self, [(key, label) for key, label in KIND_LABELS.items()])
        self.kind.setObjectName("kind")
        self.name = QLineEdit(self)
        self.name.setObjectName("name")
        self.source = QLineEdit(self)
        self.source.setObjectName("source")
        self.source.setPlaceholderText(self.tr("例如：国办发明电〔2026〕X号"))
        self.error = QLabel("", self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b3261e;")
        save = QPushButton(self.tr("保存这一天"), self)
        save.setObjectName("save_override")
        save.clicked.connect(self._on_save_clicked)
        form = QFormLayout()
        form.addRow(self.tr("日期"), self.day)
        form.addRow(self.tr("类型"), self.kind)
        form.addRow(self.tr("名称"), self.name)
        form.addRow(self.tr("依据"), self.source)
        form.addRow("", save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        rows = calendars.list_overrides(self.db)
        self.table.setRowCount(len(rows))
        for i, o in enumerate(rows):
            for j, text in enumerate((o.day.isoformat(), KIND_LABELS[o.kind], o.name, o.source)):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def _on_save_clicked(self) -> None:
        kind = self.kind.value()
        errors = calendars.validate_override(self.day.text(), kind, self.name.text(), self.source.text())
        if errors:
            self.error.setText("；".join(errors.values()))
            return
        done, _ = attempt(self, lambda: calendars.set_override(
            self.db, date.fromisoformat(self.day.text().strip()), kind, self.name.text().strip(),
            self.source.text().strip(), self.actor.account, self.actor.window))
        if not done:
            return
        self.error.setText("")
        self.day.clear()
        self.name.clear()
        self.reload()

    @classmethod
    def ask(cls, db: Database, actor: Actor, parent: QWidget | None = None) -> None:
        cls(db, actor, parent).exec()
