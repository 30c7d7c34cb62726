"""A read-only table model of frozen rows with named columns: subclasses say headers and cells."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex
NO_VALUE = "—"
WARN_COLOUR = QColor("#b3261e")


class RowsModel(QAbstractTableModel, Generic[Row]):
    """``Column`` is an IntEnum; ``headers()`` maps it to Chinese; ``cell()`` gives the text."""

    Column: type[IntEnum]
    ROW_ROLE = Qt.ItemDataRole.UserRole

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[Row] = []
        self._headers = self.headers()

    # --- for subclasses ---
    def headers(self) -> dict[IntEnum, str]:
        raise NotImplementedError

    def cell(self, row: Row, column: IntEnum) -> str:
        raise NotImplementedError

    def warn(self, row: Row, column: IntEnum) -> bool:
        """True paints the cell red (overdue, refused, …)."""
        return False

    def tooltip(self, row: Row, column: IntEnum) -> str | None:
        return None

    def item(self, row: Row) -> Any:
        """What ``row_at``, ``rows`` and the row role hand out for a row (a model of raw rows builds its frozen form)."""
        return row

    # --- our API ---
    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self.item(self._rows[row])

    def rows(self) -> list[Any]:
        return [self.item(row) for row in self._rows]

    # --- Qt overrides ---
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and self.warn(row, column):
            return WARN_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == self.ROW_ROLE:
            return self.item(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers.get(self.Column(section)) if 0 <= section < len(self.Column) else None
        return None
