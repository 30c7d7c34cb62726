"""A combo box whose choices keep their values on the Python side: every combo read goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget


class ValueCombo(QComboBox):
    """Labels in Qt, values in a Python list; Qt's item data is never read or written.

    NOTE: PySide6 6.12.0 on CPython 3.11 drops a reference to ``None`` on every
    ``currentData()`` / ``itemData()`` of an item whose data is ``None``; the intake page reads
    its combos on every keystroke and the process aborted (``none_dealloc``) about 11 minutes into
    a clerk's session (issue 12). Keeping the values here makes the widgets independent of how a
    binding converts item data, so an unanswered "请选择" can stay ``None``.
    """

    def __init__(self, parent: QWidget | None = None, choices: Iterable[tuple[Any, str]] = ()):
        super().__init__(parent)
        self._values: list[Any] = []
        for value, label in choices:
            self.add_choice(label, value)

    def add_choice(self, label: str, value: Any) -> None:
        self._values.append(value)
        self.addItem(label)

    def clear(self) -> None:  # noqa: D102 - keeps the value list in step with Qt's items
        self._values.clear()
        super().clear()

    def value(self) -> Any:
        """The value of the chosen entry (None when nothing is chosen)."""
        index = self.currentIndex()
        return self._values[index] if 0 <= index < len(self._values) else None

    def index_of(self, value: Any) -> int:
        """The first entry holding ``value`` (-1 when none); True and 1 are told apart."""
        for i, known in enumerate(self._values):
            if known is value or (type(known) is type(value) and known == value):
                return i
        return -1

    def set_value(self, value: Any) -> bool:
        """Choose the entry holding ``value``; the first entry when none does. True when found."""
        index = self.index_of(value)
        self.setCurrentIndex(max(index, 0))
        return index >= 0
