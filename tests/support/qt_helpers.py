"""Helpers for driving real widgets: Chinese input through the input method, modal boxes."""

from __future__ import annotations

from modals import answer_box
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication


def type_text(widget, text: str) -> None:
    """Type text the way an input method commits it (QTest.keyClicks aborts on Chinese)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def answer_next_box(texts: list[str], button_index: int = 0) -> None:
    """Close the next modal message box, recording its text (tests never block on a box)."""
    answer_box(texts, button_index)
