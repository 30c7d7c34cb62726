"""E-bike tools: look up a bike's registration status by plate or frame, and set the plate series."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, QHeaderView,
)

from desktop.cases import ebike_register, plates
from desktop.cases.dto import Actor
from desktop.cases.ebike import RegistrationView, find_registration
from desktop.cases.errors import ActionRefused, InputError
from desktop.store.database import Database
from desktop.store.errors import EnvironmentFailure
from forms import ebike_common as ec
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
            # A voided plate (补领/换领, 灭失) leads to its bike, said in red (desktop/cases/ebike_register.py).
            voided = ebike_register.find_voided_plate(self.db, text)
            if view is None and voided is not None:
                view = find_registration(self.db, voided.frame_no)
            plates_voided = ebike_register.voided_plates_of(self.db, view.frame_no) if view else []
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return None
        self.history.setRowCount(0)
        if view is None:
            self.result.setText(self.tr("未找到该号牌或车架号的登记。"))
            return None
        colour = STATUS_COLOURS.get(view.status, "#000")
        warning = (f"<span style='color:#b3261e; font-weight:bold'>号牌{voided.plate_no}已于{voided.voided_on.isoformat()}"
                   f"作废（{voided.reason_label}，案件{voided.case_no}），不得使用</span><br>") if voided else ""
        self.result.setText(
            warning + f"<b>号牌：</b>{view.plate_no or '—'}　<b>车架号：</b>{view.frame_no}　"
            f"<b>状态：</b><span style='color:{colour}; font-weight:bold'>{view.status_label}</span><br>"
            f"<b>车辆：</b>{view.brand} {view.model} {view.colour}　<b>登记日期：</b>{view.registered_on.isoformat()}<br>"
            f"<b>所有人：</b>{view.owner_name}（{view.owner_id_type_label} {view.owner_id_masked}）"
        )
        entries = [(o.from_date, o.kind_label, f"{o.name}（{o.id_masked}）", o.case_no or "") for o in view.owners]
        entries += [(st.since, "状态", st.status_label, st.case_no or "") for st in view.statuses]
        entries += [(v.voided_on, "号牌作废", f"{v.plate_no}（{v.reason_label}）"
                     + (f"，改发{v.replaced_by}" if v.replaced_by and v.reason_label != ec.VOID_REASONS["revoked"] else ""),
                     v.case_no or "") for v in plates_voided]
        for day, what, content, case_no in sorted(entries, key=lambda e: e[0]):
            r = self.history.rowCount()
            self.history.insertRow(r)
            for c, text in enumerate((day.isoformat(), what, content, case_no)):
                self.history.setItem(r, c, QTableWidgetItem(text))
        return view

    @classmethod
    def ask(cls, db: Database, parent: QWidget | None = None) -> None:
        cls(db, parent).exec()


class PlateSeriesDialog(QDialog):
    """The administrator sets the series new plates come from (the local format is not in the measures)."""

    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("plate_series_dialog")
        self.setWindowTitle(self.tr("号牌号段"))
        try:
            current = plates.current_series(db)
            now_text = f"当前号段：{current.prefix} + {current.width}位数字，下一个号牌 {current.next_plate}，剩余 {current.remaining} 个"
        except ActionRefused as exc:
            current, now_text = None, exc.message
        self.current = QLabel(now_text, self)
        self.current.setObjectName("current")
        self.prefix = QLineEdit(current.prefix if current else "郑A", self)
        self.prefix.setObjectName("prefix")
        self.width_box = QSpinBox(self)
        self.width_box.setObjectName("width")
        self.width_box.setRange(1, 9)
        self.width_box.setValue(current.width if current else 5)
        self.error = QLabel("", self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b3261e;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("号牌前缀"), self.prefix)
        form.addRow(self.tr("号码位数"), self.width_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _on_save_clicked(self) -> None:
        try:
            plates.set_series(self.db, self.actor.account, self.prefix.text(), self.width_box.value(), self.actor.window)
        except InputError as exc:
            self.error.setText("；".join(exc.errors.values()))
            return
        except ActionRefused as exc:
            self.error.setText(exc.message)
            return
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return
        self.accept()

    @classmethod
    def ask(cls, db: Database, actor: Actor, parent: QWidget | None = None) -> bool:
        return cls(db, actor, parent).exec() == QDialog.DialogCode.Accepted
