"""The 待办 tab: cases due soon and overdue, 容缺 pledges coming due, and the review queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from desktop.cases import worklists
from desktop.cases.errors import EnvironmentFailure
from desktop.cases.halldb import Database
from desktop.ui import msgbox
from desktop.ui.case_models import DeadlineDueModel, PledgeDueModel
from desktop.ui.case_table import CaseTableModel, Column
from desktop.ui.tables import fit, table

# NOTE: four lists share the tab, so each keeps only what a glance needs (the rest is in the case
# view): the review queue is all 已受理待审核 but needs the service; the deadline lists name the
# deadline (a 居住证 case's review and issue are two rows) and the state, the service in a tooltip.
HIDDEN_COLUMNS = {
    "review": (Column.STATUS, Column.ID_MASKED, Column.RECEIVED_ON),
}
# NOTE: at 1280 pixels a quarter of the tab cannot show a whole service name and the deadline;
# the service is elided ("电动自行车登…", full name in the tooltip) so the deadline stays in view.
NARROW_COLUMNS = {"review": {Column.SERVICE: 120}}
# NOTE: issue 15: each list reads at most this many rows (its most urgent first); the title says
# "500+" when there are more. A clerk works from the top; the rest is in 查询 by state and date.
LIST_LIMIT = 500


class WorklistsPage(QWidget):
    sig_case_activated = Signal(int)  # case id, on double-click or Enter

    def __init__(self, db: Database, parent: QWidget | None = None, today: Callable[[], date] = date.today):
        super().__init__(parent)
        self.setObjectName("worklists_page")
        self.db, self.today = db, today
        self.due_soon_model = DeadlineDueModel(self)
        self.overdue_model = DeadlineDueModel(self)
        self.pledges_model = PledgeDueModel(self)
        self.review_model = CaseTableModel(parent=self)
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-size:13pt; font-weight:bold;")
        self._set_heading(today())  # NOTE: laid out with its text, not grown after the first show
        refresh = QPushButton(self.tr("刷新"), self)
        refresh.setObjectName("refresh_button")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(refresh)
        grid = QGridLayout()
        self.boxes: dict[str, QGroupBox] = {}
        self.views: dict[str, QTableView] = {}
        for key, model, row, column in (("due_soon", self.due_soon_model, 0, 0), ("overdue", self.overdue_model, 0, 1),
                                        ("pledges", self.pledges_model, 1, 0), ("review", self.review_model, 1, 1)):
            view = table(model, wrap_rows=False)  # one line per row, elided; the full text in its tooltip
            view.setObjectName(f"{key}_table")
            for hidden in HIDDEN_COLUMNS.get(key, ()):
                view.setColumnHidden(hidden, True)
            view.activated.connect(lambda index, m=model: self._on_activated(m, index))
            box = QGroupBox(self)
            box.setObjectName(f"{key}_box")
            QVBoxLayout(box).addWidget(view)
            grid.addWidget(box, row, column)
            self.boxes[key], self.views[key] = box, view
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        # NOTE: issue 15: nothing is read until the tab is first shown (a hidden tab refreshed by a
        # case change is read again when shown), so signing in does not wait for the work lists.
        self.loaded = False
        self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Read the lists now when the tab is on screen; otherwise when it is next shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        today = self.today()
        n = LIST_LIMIT + 1  # one more than shown tells whether there are more
        try:
            # NOTE (issue 15): the deadline lists and the review queue stay rows as read, their
            # cells formatted when shown; the pledges (a few, never thousands) come as objects.
            lists: dict[str, list] = {"due_soon": worklists.due_soon_rows(self.db, today, limit=n),
                                      "overdue": worklists.overdue_rows(self.db, today, limit=n),
                                      "pledges": worklists.pledges_due(self.db, today, limit=n),
                                      "review": worklists.review_rows(self.db, limit=n)}
        except EnvironmentFailure as exc:
            msgbox.show_environment_failure(self, exc)
            return
        more = {key: len(rows) > LIST_LIMIT for key, rows in lists.items()}
        lists = {key: rows[:LIST_LIMIT] for key, rows in lists.items()}
        self.loaded = True
        self._set_heading(today)
        titles = {"due_soon": self.tr("即将到期（两日内）"), "overdue": self.tr("已超期"),
                  "pledges": self.tr("容缺承诺到期"), "review": self.tr("待审核")}
        self.due_soon_model.set_rows(lists["due_soon"], today)
        self.overdue_model.set_rows(lists["overdue"], today)
        self.pledges_model.set_rows(lists["pledges"])
        self.review_model.set_rows(lists["review"])
        for key, rows in lists.items():
            count = f"{len(rows)}+" if more[key] else str(len(rows))
            self.boxes[key].setTitle(f"{titles[key]}　{count}" + self.tr(" 件"))
            fit(self.views[key], max_width=170)
            for column, width in NARROW_COLUMNS.get(key, {}).items():
                self.views[key].horizontalHeader().resizeSection(column, width)
        style = "QGroupBox::title { color:#b3261e; font-weight:bold; }"
        self.boxes["overdue"].setStyleSheet(style if lists["overdue"] else "")
        self.boxes["pledges"].setStyleSheet(style if any(p.overdue for p in lists["pledges"]) else "")

    def _set_heading(self, today: date) -> None:
        self.heading.setText(self.tr("待办事项（%1）").replace("%1", today.isoformat()))

    def _on_activated(self, model, index: QModelIndex) -> None:
        row = model.row_at(index.row())
        self.sig_case_activated.emit(row.case.id if hasattr(row, "case") else row.id)
