"""The case list: a table model with named columns and lazy paging, and its panel with an empty state."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QStackedWidget, QTableView, QWidget

from desktop.cases import case_rows
from desktop.cases.case_rows import CaseRow
from desktop.cases.dto import CaseSummary
from desktop.cases.status import LABELS
from desktop.ui.tables import bounded_measuring, one_line_rows
from forms import registry

PAGE_SIZE = 200
# NOTE: pages kept in memory when a loader can fetch them again: scrolling through a million cases
# holds ten pages, not the hall; a page scrolled back to is read again (one indexed query).
KEEP_PAGES = 10
NO_VALUE = "—"
COLUMN_PADDING = 28
PageLoader = Callable[[int, int], list[CaseRow]]  # (offset, limit) -> one page of rows as read
_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    CASE_NO = 0
    SERVICE = 1
    STATUS = 2
    APPLICANT = 3
    ID_MASKED = 4
    RECEIVED_ON = 5
    DUE_ON = 6


_COLUMNS = tuple(Column)
_TEXT_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole})
_ROW_ROLE = Qt.ItemDataRole.UserRole
_ANSWERED_ROLES = _TEXT_ROLES | {_ROW_ROLE}


def _or_dash(text: Callable[[CaseRow], str]) -> Callable[[CaseRow], str]:
    return lambda row: text(row) or NO_VALUE


# NOTE (issue 15): the rows stay as read and each cell's text is made when the view asks for it
# (a screen shows 25–30 rows of a 200-row page); the ID column goes through case_rows.id_masked,
# THE masking rule, so no full number ever leaves the model.
_CELLS: dict[Column, Callable[[CaseRow], str]] = {
    Column.CASE_NO: _or_dash(case_rows.case_no),
    Column.SERVICE: case_rows.service_name,
    Column.STATUS: case_rows.status_text,
    Column.APPLICANT: case_rows.applicant,
    Column.ID_MASKED: case_rows.id_masked,
    Column.RECEIVED_ON: case_rows.received_on,
    Column.DUE_ON: _or_dash(case_rows.due_on),
}
CELL_TEXT = tuple(_CELLS[c] for c in _COLUMNS)  # by column number


class CaseTableModel(QAbstractTableModel):
    """Rows are case rows as read (``desktop.cases.case_rows``); ``page_loader`` supplies further pages when the view scrolls down.

    What leaves the model is text made by case_rows or a masked ``CaseSummary`` (``row_at``, the
    row role), never the row itself, which holds the stored ID number.
    """

    ROW_ROLE = _ROW_ROLE

    def __init__(self, page_loader: PageLoader | None = None, parent=None):
        super().__init__(parent)
        self.page_loader = page_loader
        self._pages: OrderedDict[int, list[CaseRow]] = OrderedDict()  # page number -> rows, recent last
        self._count = 0  # rows the view knows of (loaded now or earlier)
        self._more = False
        self._pending: set[int] = set()  # dropped pages asked for while painting, read soon
        self._generation = 0  # bumped whenever the rows are replaced, so a late read is ignored
        self._headers = {
            Column.CASE_NO: self.tr("案件编号"),
            Column.SERVICE: self.tr("服务"),
            Column.STATUS: self.tr("状态"),
            Column.APPLICANT: self.tr("申请人"),
            Column.ID_MASKED: self.tr("身份证号"),
            Column.RECEIVED_ON: self.tr("受理日期"),
            Column.DUE_ON: self.tr("办结期限"),
        }

    # --- our API ---
    def set_rows(self, rows: list[CaseRow], more: bool = False) -> None:
        """Replace every row; ``more`` says whether the loader has further pages."""
        self.beginResetModel()
        self._generation += 1
        self._pending.clear()
        rows = list(rows)
        self._pages = OrderedDict((n, rows[start:start + PAGE_SIZE])
                                  for n, start in enumerate(range(0, len(rows), PAGE_SIZE)))
        self._count = len(rows)
        self._more = more
        self.endResetModel()

    def reload(self) -> None:
        """Start again from the first page of the loader."""
        rows = self.page_loader(0, PAGE_SIZE) if self.page_loader else []
        self.set_rows(rows, more=len(rows) == PAGE_SIZE)

    def row_at(self, row: int) -> CaseSummary:
        """The row's frozen, masked summary (for opening or acting on that case)."""
        case = self._row(row, load=True)
        if case is None:
            raise IndexError(row)
        return case_rows.summary_of(case)

    def pages_in_memory(self) -> int:
        return len(self._pages)

    def _row(self, row: int, load: bool) -> CaseRow | None:
        """The row if its page is in memory; a dropped page is read now (``load``) or soon after."""
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
        elif self.page_loader is None:
            return None
        elif load:
            # NOTE: read again by offset; cases accepted since then shift it by as many rows, which
            # the list's refresh after every case change realigns.
            page = self.page_loader(number * PAGE_SIZE, PAGE_SIZE)
            self._keep(number, page)
        else:
            # NOTE: data() is called while the view paints: no database read (nor a failure box)
            # there. The page is read once the event loop is back, and its rows repaint.
            if number not in self._pending:
                self._pending.add(number)
                generation = self._generation
                QTimer.singleShot(0, lambda: self._read_dropped(number, generation))
            return None
        return page[offset] if offset < len(page) else None

    def _read_dropped(self, number: int, generation: int) -> None:
        self._pending.discard(number)
        if generation != self._generation or number in self._pages:
            return  # the rows were replaced meanwhile, or the page came back another way
        self._keep(number, self.page_loader(number * PAGE_SIZE, PAGE_SIZE))
        first = number * PAGE_SIZE
        last = min(first + PAGE_SIZE, self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))

    def _keep(self, number: int, page: list[CaseRow]) -> None:
        self._pages[number] = page
        self._pages.move_to_end(number)
        if self.page_loader is not None:
            while len(self._pages) > KEEP_PAGES:
                self._pages.popitem(last=False)

    # --- Qt overrides ---
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        # NOTE: the view asks each cell for about eight roles (font, colours, alignment, …), and
        # sizing the columns asks every loaded row: the roles we leave to the style are answered
        # first and cheaply (a page of 200 rows is over 11,000 calls; ≈ 25 ms at start-up before).
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        case = self._row(index.row(), load=False)
        if case is None:
            return None
        if role == _ROW_ROLE:
            return case_rows.summary_of(case)
        # NOTE: the tooltip gives the whole text where a narrow list elides it (the work lists).
        return CELL_TEXT[index.column()](case)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers.get(Column(section)) if 0 <= section < len(Column) else None
        return None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._more and self.page_loader is not None

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        # NOTE: only asked for while every page so far was full, so the next page starts on a boundary.
        start = self._count
        rows = self.page_loader(start, PAGE_SIZE)
        self._more = len(rows) == PAGE_SIZE
        if rows:
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._keep(start // PAGE_SIZE, rows)
            self._count += len(rows)
            self.endInsertRows()


def column_texts() -> tuple[tuple[str, ...], ...]:
    """By column, the widest texts a cell can hold, made by the cells' own functions (CELL_TEXT) from a
    row of every service in every state (with and without a deadline): every name and label, and the
    fixed forms of a case number, a masked ID number and a date."""
    samples = [
        # numbers.CASE_NO: the service's two letters, twelve digits, a check character (M: the widest);
        # NOTE: a name longer than five characters (a passport holder's) is elided, its tooltip has it whole
        (0, registry.get(service_id).code + "0" * 12 + "M", service_id, state, "欧阳娜娜娜", "410105199001011234",
         "2026-12-02", due)
        for service_id in registry.services() for state in LABELS for due in ("2026-12-02", None)]
    return tuple(tuple(sorted({text(row) for row in samples})) for text in CELL_TEXT)


_WIDTHS: dict[str, list[int]] = {}
CELL_MARGIN = 6  # NOTE: the item delegate's text margins, both sides (Fusion: 2 × (focus frame 2 + 1))


def column_widths(view: QTableView) -> list[int]:
    """Each column's width for the view's font: its header or its widest text, plus air for CJK."""
    key = view.font().key()
    if key not in _WIDTHS:
        metrics = view.fontMetrics()
        header = view.horizontalHeader()
        _WIDTHS[key] = [max(header.sectionSizeHint(column),
                            max(metrics.horizontalAdvance(text) for text in texts) + CELL_MARGIN) + COLUMN_PADDING
                        for column, texts in enumerate(column_texts())]
    return _WIDTHS[key]


class CaseListPanel(QStackedWidget):
    """The table, or a friendly hint in its place while there are no cases."""

    sig_case_activated = Signal(int)  # case id, on double-click or Enter

    def __init__(self, page_loader: PageLoader | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("case_list")
        self.model = CaseTableModel(page_loader, self)
        self.table = QTableView()
        self.table.setObjectName("case_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # NOTE: issue 15: one-line rows of fixed height, columns fitted to the first rows only.
        one_line_rows(self.table)
        bounded_measuring(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.activated.connect(self._on_row_activated)
        self.empty_label = QLabel(self.tr("还没有案件。从左侧选择一项服务开始受理。"))
        self.empty_label.setObjectName("empty_state")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #666; font-size: 13pt;")
        self.addWidget(self.empty_label)
        self.addWidget(self.table)
        self._fitted = False
        self.model.modelReset.connect(self._on_rows_reset)
        self.model.rowsInserted.connect(self._on_rows_changed)
        self._on_rows_changed()

    def refresh(self) -> None:
        self.model.reload()

    def is_empty(self) -> bool:
        return self.currentWidget() is self.empty_label

    def _on_rows_changed(self, *_args) -> None:
        if self.model.rowCount() == 0:
            self.setCurrentWidget(self.empty_label)
            return
        self.setCurrentWidget(self.table)

    def _on_rows_reset(self) -> None:
        self._on_rows_changed()
        if self.model.rowCount() and not self._fitted:
            # NOTE: issue 15: the columns are as wide as the widest text each can hold (every service's
            # name, every state's label, a case number's and a masked ID's fixed form, a date), measured
            # once per font, not the rows on screen: fitting 40 rows' cells was ≈ 20 ms of the first
            # screen after 登录 at a million cases (an empty hall fits nothing). Once: a reload after a
            # case change keeps the widths, so the columns do not jump and a width the clerk set stays.
            header = self.table.horizontalHeader()
            for column, width in enumerate(column_widths(self.table)[:-1]):
                header.resizeSection(column, width)
            self._fitted = True

    def _on_row_activated(self, index: QModelIndex) -> None:
        self.sig_case_activated.emit(self.model.row_at(index.row()).id)
