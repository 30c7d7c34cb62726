"""E-bike tools: look up a bike's registration status by plate or frame (the plate series: plate_dialog.py)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, QHeaderView,
)

from desktop.cases import plates
from desktop.cases.dto import Actor
from desktop.cases.ebike import RegistrationView, find_registration
from desktop.cases.errors import ActionRefused, InputError
from desktop.store.database import Database
from desktop.store.errors import EnvironmentFailure
from desktop.ui.msgbox import show_environment_failure

STATUS_COLOURS = {"registered": "#2e7d32", "stolen": "#b3261e", "lost": "#a15c00", "destroyed": "#666666"}


class BikeStatusDialog(QDialog):
    """第十五条: searching a plate or frame number shows the registration, its status and owners."""

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.setObjectName("bike_status_dialog")
        self.setWindowTitle(self.tr("电动自行车登记状态查询"))
        self.resize(760, 520)
        self.query = QLineEdit(self)
        self.query.setObjectName("query")
        self.query.setPlaceholderText(self.tr("号牌号码或车架号（整车编码）"))
        self.query.returnPressed.connect(self.search)
        go = QPushButton(self.tr("查询"), self)
        go.setObjectName("search")
        go.clicked.connect(self.search)
        self.result = QLabel(self.tr("输入号牌或车架号后按回车。"), self)
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.history = QTableWidget(0, 4, self)
        self.history.setObjectName("history")
        self.history.setHorizontalHeaderLabels([self.tr("日期"), self.tr("事项"), self.tr("内容"), self.tr("案件编号")])
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(go)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.result)
        layout.addWidget(self.history, 1)
        layout.addWidget(buttons)

    def search(self) -> RegistrationView | None:
        text = self.query.text().strip()
        if not text:
            self.result.setText(self.tr("请输入号牌号码或车架号。"))
            return None
        try:
            view = find_registration(self.db, text)
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return None
        self.history.setRowCount(0)
        if view is None:
            self.result.setText(self.tr("未找到该号牌或车架号的登记。"))
            return None
        colour = STATUS_COLOURS.get(view.status, "#000")
        self.result.setText(
            f"<b>号牌：</b>{view.plate_no or '—'}　<b>车架号：</b>{view.frame_no}　"
            f"<b>状态：</b><span style='color:{colour}; font-weight:bold'>{view.status_label}</span><br>"
            f"<b>车辆：</b>{view.brand} {view.model} {view.colour}　<b>登记日期：</b>{view.registered_on.isoformat()}<br>"
            f"<b>所有人：</b>{view.owner_name}（{view.owner_id_type_label} {view.owner_id_masked}）"
        )
        entries = [(o.from_date, o.kind_label, f"{o.name}（{o.id_masked}）", o.case_no or "") for o in view.owners]
        entries += [(st.since, "状态", st.status_label, st.case_no or "") for st in view.statuses]
        for day, what, content, case_no in sorted(entries, key=lambda e: e[0]):
            r = self.history.rowCount()
            self.history.insertRow(r)
            for c, text in enumerate((day.isoformat(), what, content, case_no)):
                self.history.setItem(r, c, QTableWidgetItem(text))
        return view

    @classmethod
    def ask(cls, db: Database, parent: QWidget | None = None) -> None:
        cls(db, parent).exec()
