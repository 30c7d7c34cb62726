"""The 查询 tab: find cases by number (typed or scanned), ID, name, phone, plate, frame, service, state, dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.cases import identifiers, numbers, permissions, status
from desktop.cases.case_rows import CaseRow
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused, EnvironmentFailure
from desktop.cases.export import export_cases
from desktop.cases.halldb import Database
from desktop.cases.queries import CaseFilter, count_cases, page_rows
from desktop.ui import case_table, msgbox
from desktop.ui.case_table import CaseTableModel
from desktop.ui.combos import ValueCombo
from desktop.ui.login import error_label, set_error
from desktop.ui.tables import fit, table
from forms import registry

# The generic fields; each service's search identifiers (plate, frame number, …) follow, one field each.
TEXT_KEYS = ("case_no", "id_number", "name_prefix", "phone")


class SearchPanel(QWidget):
    sig_case_activated = Signal(int)  # case id, on double-click or Enter in the results

    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 actor: Callable[[], Actor] | None = None, exports_dir: Callable[[], Path] | None = None):
        super().__init__(parent)
        self.setObjectName("search_panel")
        self.db = db
        # NOTE: callables, because the signed-in person and the settings can change while the tab stays open.
        self.actor, self.exports_dir = actor, exports_dir
        self.filter = CaseFilter()
        self.searched = False  # the tab opens empty; refresh() re-runs only a search the clerk made
        self._load_failed = False
        self.edits: dict[str, QLineEdit] = {}
        box = QGroupBox(self.tr("查询条件"), self)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(10)
        labels = {"case_no": "案件编号", "id_number": "身份证号", "name_prefix": "姓名", "phone": "联系电话"}
        hints = {"case_no": "可用扫码枪扫描回执条码", "name_prefix": "输入姓或姓名开头", "id_number": "完整号码"}
        # NOTE (issue 16): declared by the services' case-layer packages (desktop.cases.identifiers).
        self.identifier_keys = tuple(i.key for i in identifiers.declared())
        for ident in identifiers.declared():
            labels[ident.key], hints[ident.key] = ident.label, ident.placeholder
        keys = TEXT_KEYS + self.identifier_keys
        for n, key in enumerate(keys):
            edit = QLineEdit(box)
            edit.setObjectName(key)
            edit.setPlaceholderText(self.tr(hints.get(key, "")))
            edit.setClearButtonEnabled(True)
            edit.returnPressed.connect(self.search)  # NOTE: a scanner ends its input with Enter
            row, column = divmod(n, 3)
            grid.addWidget(QLabel(self.tr(labels[key]), box), row * 2, column * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(edit, row * 2, column * 2 + 1)
            self.edits[key] = edit
        self.case_no_error = error_label("case_no_error")
        grid.addWidget(self.case_no_error, 1, 1, 1, 5)
        self.service = ValueCombo(box, [(None, self.tr("全部服务")),
                                        *((sid, s.name) for sid, s in registry.services().items())])
        self.service.setObjectName("service")
        self.status = ValueCombo(box, [(None, self.tr("全部状态")), *status.LABELS.items()])
        self.status.setObjectName("status")
        self.use_dates = QCheckBox(self.tr("受理日期"), box)
        self.use_dates.setObjectName("use_dates")
        today = date.today()
        self.date_from = self._date_edit("received_from", today - timedelta(days=30))
        self.date_to = self._date_edit("received_to", today)
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from, 1)
        dates.addWidget(QLabel(self.tr("至"), box))
        dates.addWidget(self.date_to, 1)
        last = 2 * (-(-len(keys) // 3))  # below the text fields (each row of them takes two grid rows)
        grid.addWidget(QLabel(self.tr("服务"), box), last, 0, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.service, last, 1)
        grid.addWidget(QLabel(self.tr("状态"), box), last, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.status, last, 3)
        grid.addWidget(self.use_dates, last, 4, Qt.AlignmentFlag.AlignRight)
        grid.addLayout(dates, last, 5)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        self.search_button = QPushButton(self.tr("查询"), self)
        self.search_button.setObjectName("search_button")
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        clear = QPushButton(self.tr("清空条件"), self)
        clear.setObjectName("clear_button")
        clear.clicked.connect(self.clear)
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("result_count")
        self.export_button = QPushButton(self.tr("导出清单"), self)
        self.export_button.setObjectName("export_button")
        self.export_button.setToolTip(self.tr("将查询结果导出为CSV文件，证件号码脱敏；导出记入审计日志"))
        self.export_button.setEnabled(False)
        self.export_button.setVisible(actor is not None and exports_dir is not None)
        self.export_button.clicked.connect(self.export)
        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(clear)
        bar.addWidget(self.search_button)
        self.model = CaseTableModel(self._load_page, self)
        self.view = table(self.model, wrap_rows=False)  # one line per case; pages come and go
        self.view.setObjectName("results_table")
        self.view.activated.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day), self)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        edit.setMinimumWidth(120)
        return edit

    def current_filter(self) -> CaseFilter | None:
        """The filter the fields describe, or None when the case number fails its check character."""
        text = {k: e.text().strip() or None for k, e in self.edits.items()}
        case_no = numbers.normalize_scanned(text["case_no"] or "")
        self.edits["case_no"].setText(case_no)
        if case_no and not numbers.is_valid_case_no(case_no):
            set_error(self.case_no_error, self.tr("案件编号“%1”校验不通过，请重新扫描回执条码或核对输入。")
                      .replace("%1", case_no))
            return None
        set_error(self.case_no_error, "")
        dates = self.use_dates.isChecked()
        return CaseFilter(service_id=self.service.value(), status=self.status.value(),
                          name_prefix=text["name_prefix"], id_number=text["id_number"], case_no=case_no or None,
                          received_from=self.date_from.date().toPython() if dates else None,
                          received_to=self.date_to.date().toPython() if dates else None,
                          phone=text["phone"],
                          identifiers={k: text[k] for k in self.identifier_keys if text[k]})

    def search(self) -> None:
        found = self.current_filter()
        if found is None:
            self.edits["case_no"].setFocus()
            self.edits["case_no"].selectAll()
            return
        self.filter = found
        self.searched = True
        self._run()

    def refresh(self) -> None:
        """Run the last search again (a case changed on another page); nothing before the first search."""
        if self.searched:
            self._run()

    def _run(self) -> None:
        self._load_failed = False
        self.model.reload()
        if self._load_failed:  # the clerk has been told why; no "nothing found" under it
            self.count_label.clear()
            self.export_button.setEnabled(False)
            return
        # NOTE (issue 15): a first page that is not full is the whole result, so a lookup by case
        # number, ID or plate reads once; only a full page asks how many there are in all.
        total = self.model.rowCount()
        if total >= case_table.PAGE_SIZE:
            try:
                total = count_cases(self.db, self.filter)
            except EnvironmentFailure as exc:
                msgbox.show_environment_failure(self, exc)
                return
        fit(self.view)
        self.count_label.setText(self.tr("共找到 %1 件").replace("%1", str(total)) if total
                                 else self.tr("没有符合条件的案件。"))
        # NOTE: shown to everyone who has the panel, enabled only for those the case layer lets
        # export; the case layer refuses the others anyway.
        self.export_button.setEnabled(bool(total) and self.actor is not None
                                      and permissions.can(self.actor().account, "export"))
        if total == 1:
            self.view.selectRow(0)

    def clear(self) -> None:
        for edit in self.edits.values():
            edit.clear()
        self.service.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        self.use_dates.setChecked(False)
        set_error(self.case_no_error, "")
        self.model.set_rows([])
        self.count_label.clear()
        self.export_button.setEnabled(False)
        self.searched = False
        self.edits["case_no"].setFocus()

    def export(self) -> None:
        """Export the current result to the exports folder and say where it went."""
        if self.actor is None or self.exports_dir is None:
            return
        try:
            result = export_cases(self.db, self.actor(), self.filter, self.exports_dir())
        except EnvironmentFailure as exc:
            msgbox.show_environment_failure(self, exc)
            return
        except ActionRefused as exc:
            msgbox.show_info(self, str(exc), self.tr("未导出"))
            return
        msgbox.show_info(self, self.tr("已导出 %1 件案件到：\n%2\n\n证件号码已脱敏（前6位和后4位）。本次导出已记入审计日志。")
                         .replace("%1", str(result.rows)).replace("%2", str(result.path)), self.tr("导出完成"))

    def _load_page(self, offset: int, limit: int) -> list[CaseRow]:
        try:
            return page_rows(self.db, self.filter, offset, limit)
        except EnvironmentFailure as exc:
            self._load_failed = True
            msgbox.show_environment_failure(self, exc)
            return []

    def _on_activated(self, index: QModelIndex) -> None:
        self.sig_case_activated.emit(self.model.row_at(index.row()).id)
