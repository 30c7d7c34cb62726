"""Item views' items (QListWidgetItem, QTableWidgetItem) set through setData: one place, one reason."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

_Role = Qt.ItemDataRole


def set_item(item, *, text: str | None = None, tooltip: str | None = None, foreground: str | None = None,
             data: dict[Any, Any] | None = None):
    """Set an item's text, tooltip, colour and extra roles; returns the item.

    NOTE: with PySide6 6.11.3 on CPython 3.11 the inline convenience setters (``setText``,
    ``setToolTip``, ``setForeground`` …) on a new item each leave one extra reference to ``None``
    behind; ``setData`` with the same role does not (measured in tests/desktop/ui/test_none_refcount.py).
    Harmless alone, but the findings list rebuilds its items after every pause in typing, and the
    clerk's-day test asserts None's count stays flat so that a leak of the 6.12.0 kind is seen.
    """
    if text is not None:
        item.setData(_Role.DisplayRole, text)
    if tooltip is not None:
        item.setData(_Role.ToolTipRole, tooltip)
    if foreground is not None:
        item.setData(_Role.ForegroundRole, QColor(foreground))
    for role, value in (data or {}).items():
        item.setData(role, value)
    return item
