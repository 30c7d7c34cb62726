"""Read-only table views as the case view, work lists and search use them: rows selected whole, CJK air."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

MAX_COLUMN = 320


def table(model, stretch_last: bool = True, wrap_rows: bool = True) -> QTableView:
    """A read-only table; ``wrap_rows`` False for one-line rows of a paging model (measuring every
    row on each column resize would read pages it has dropped back from the database)."""
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
    if wrap_rows:
        # NOTE: wrapped rows are measured at the width they get once laid out, not the width at load time.
        header.sectionResized.connect(lambda *_: view.resizeRowsToContents())
    return view


def fit(view: QTableView, max_width: int = MAX_COLUMN) -> None:
    """Columns to their contents (plus air for CJK), the last one stretched; rows as tall as their text."""
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    for column in range(view.model().columnCount() - 1):
        header.resizeSection(column, min(header.sectionSize(column) + 20, max_width))
    view.resizeRowsToContents()
