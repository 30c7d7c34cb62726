"""Read-only table views as the case view, work lists and search use them: rows selected whole, CJK air."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

MAX_COLUMN = 320
# NOTE: issue 15: a column is as wide as its widest text among this many rows (Qt's own
# resizeContentsPrecision), never among all of them: fitting the 待办 lists at a million cases
# called the models' data() ≈ 444,000 times. The first rows are the ones on screen.
SAMPLE_ROWS = 40
ROW_PADDING = 6  # NOTE: as tall as resizeRowsToContents made a one-line row


def one_line_rows(view: QTableView) -> None:
    """Every row one line high, fixed: the view never asks a row's contents for its height."""
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + ROW_PADDING)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)


def bounded_measuring(view: QTableView) -> None:
    """Column and row size hints look at SAMPLE_ROWS rows (and columns) at most."""
    view.horizontalHeader().setResizeContentsPrecision(SAMPLE_ROWS)
    view.verticalHeader().setResizeContentsPrecision(SAMPLE_ROWS)


def table(model, stretch_last: bool = True, wrap_rows: bool = True) -> QTableView:
    """A read-only table; ``wrap_rows`` False for one-line rows of fixed height (work lists, search
    results: measuring every row on each column resize costs a call per cell and would read pages
    a paging model has dropped back from the database)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(wrap_rows)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setStretchLastSection(stretch_last)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    bounded_measuring(view)
    if not wrap_rows:
        one_line_rows(view)
    else:
        # NOTE: wrapped rows are measured at the width they get once laid out, not the width at load time.
        header.sectionResized.connect(lambda *_: view.resizeRowsToContents())
    return view


def fit(view: QTableView, max_width: int = MAX_COLUMN) -> None:
    """Columns to the contents of their first SAMPLE_ROWS rows (plus air for CJK), the last one
    stretched; wrapped rows as tall as their text (one-line rows keep their fixed height)."""
    bounded_measuring(view)
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    for column in range(view.model().columnCount() - 1):
        header.resizeSection(column, min(header.sectionSize(column) + 20, max_width))
    if view.wordWrap():
        view.resizeRowsToContents()
