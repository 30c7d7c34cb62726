"""E-bike tools: look up a bike's registration status by plate or frame, and print the owner's 查询单 (第十七条).

The plate series is set in plate_dialog.py beside it; both open from the menu items this package declares."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused, EnvironmentFailure, InputError
from desktop.cases.halldb import Database
from desktop.cases.services.ebike import procedures as ebike_register
from desktop.cases.services.ebike.registry import RegistrationView, find_registration
from desktop.settings import Settings
from desktop.ui.combos import ValueCombo
from desktop.ui.login import error_label, set_error
from desktop.ui.msgbox import show_environment_failure
from desktop.ui.screen_fit import FitsScreen, fit_to_screen
from forms import checks

STATUS_COLOURS = {"registered": "#2e7d32", "stolen": "#b3261e", "lost": "#a15c00", "destroyed": "#666666"}


class BikeStatusDialog(FitsScreen, QDialog):
    """第十五条: searching a plate or frame number shows the registration, its status and owners."""

    def __init__(self, db: Database, actor: Actor | None = None, settings: Settings | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor, self.settings = db, actor, settings or Settings()
        self.view: RegistrationView | None = None
        self.previews: list[QDialog] = []
        self.setObjectName("bike_status_dialog")
        self.setWindowTitle(self.tr("电动自行车登记状态查询"))
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
        layout.addWidget(self._owner_box())
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(780, 600))

    def _owner_box(self) -> QGroupBox:
        """第十七条: the owner's own printed 查询单, once the clerk typed the ID from the owner's card."""
        box = QGroupBox(self.tr("为所有人本人打印登记信息查询单（第十七条）"), self)
        box.setObjectName("owner_query")
        self.id_type = ValueCombo(box, checks.ID_TYPE_CHOICES)
        self.id_type.setObjectName("owner_id_type")
        self.id_number = QLineEdit(box)
        self.id_number.setObjectName("owner_id_number")
        self.id_number.setPlaceholderText(self.tr("按所有人出示的证件输入证件号码"))
        self.id_number.returnPressed.connect(self.print_query)
        self.print_button = QPushButton(self.tr("核对证件并打印查询单"), box)
        self.print_button.setObjectName("print_query")
        self.print_button.clicked.connect(self.print_query)
        self.print_button.setEnabled(False)
        self.id_error = error_label("owner_id_number_error")
        row = QHBoxLayout()
        row.addWidget(self.id_type)
        row.addWidget(self.id_number, 1)
        row.addWidget(self.print_button)
        column = QVBoxLayout(box)
        column.addWidget(QLabel(self.tr("证件号码须与登记的现所有人一致；查询单上此前所有人的姓名和证件号码均遮蔽。"), box))
        column.addLayout(row)
        column.addWidget(self.id_error)
        box.setVisible(self.actor is not None)
        return box

    def search(self) -> RegistrationView | None:
        text = self.query.text().strip()
        if not text:
            self.result.setText(self.tr("请输入号牌号码或车架号。"))
            return None
        try:
            view = find_registration(self.db, text)
            # A voided plate (补领/换领, 灭失) leads to its bike, said in red (desktop/cases/services/ebike/procedures.py).
            voided = ebike_register.find_voided_plate(self.db, text)
            if view is None and voided is not None:
                view = find_registration(self.db, voided.frame_no)
            plates_voided = ebike_register.voided_plates_of(self.db, view.frame_no) if view else []
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return None
        self.history.setRowCount(0)
        self.view = view
        self.print_button.setEnabled(view is not None)
        set_error(self.id_error, "")
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
                     + (f"，改发{v.reissued_as}" if v.reissued_as else ""),
                     v.case_no or "") for v in plates_voided]
        for day, what, content, case_no in sorted(entries, key=lambda e: e[0]):
            r = self.history.rowCount()
            self.history.insertRow(r)
            for c, text in enumerate((day.isoformat(), what, content, case_no)):
                self.history.setItem(r, c, QTableWidgetItem(text))
        return view

    def print_query(self):
        """Check the typed ID against the register and print the 查询单; the error shows under the ID field."""
        from desktop.cases import print_jobs
        from desktop.cases.hall_context import HallContext
        from desktop.cases.services.ebike.owner_query import print_owner_query
        from desktop.ui.preview import PreviewDialog

        if self.view is None or self.actor is None:
            return None
        set_error(self.id_error, "")
        try:
            hall = HallContext(self.db, self.actor, self.settings.papers_dir(), self.settings.font_path or None)
            paper = print_owner_query(hall, self.view.frame_no, self.id_type.value(), self.id_number.text())
        except InputError as exc:
            set_error(self.id_error, "；".join(exc.errors.values()))
            return None
        except ActionRefused as exc:
            set_error(self.id_error, exc.message)
            return None
        except EnvironmentFailure as exc:
            show_environment_failure(self, exc)
            return None
        self.id_number.clear()  # NOTE: the full number is not left on screen for the next person

        def record(pages: int, printer: str) -> None:
            print_jobs.record_print_job(self.db, self.actor, paper.id, pages, printer)

        dialog = PreviewDialog(paper.pdf_path, paper.title, self, record_print=record)
        self.previews.append(dialog)
        dialog.open()
        return paper

    @classmethod
    def ask(cls, db: Database, actor: Actor | None = None, settings: Settings | None = None,
            parent: QWidget | None = None) -> None:
        cls(db, actor, settings, parent).exec()
