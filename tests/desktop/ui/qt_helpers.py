"""Helpers for driving real widgets: Chinese input through the input method, modal boxes."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QMessageBox


def type_text(widget, text: str) -> None:
    """Type text the way an input method commits it (QTest.keyClicks aborts on Chinese)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def answer_next_box(texts: list[str], button_index: int = 0) -> None:
    """Close the next modal message box, recording its text (tests never block on a box)."""

    def close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(box.text())
            box.buttons()[button_index].click()
        else:
            QTimer.singleShot(20, close)

    QTimer.singleShot(0, close)
