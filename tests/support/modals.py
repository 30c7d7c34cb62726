"""The one seam through which tests answer modal dialogs: a handler runs when its dialog is shown.

A test registers what to do with the next dialog of a kind *before* the code under test calls
``exec()`` (which would block the test). An application event filter sees the dialog's Show event
and runs the handler from a zero timer, i.e. inside the dialog's own event loop: no polling of
``QApplication.activeModalWidget()``, no retry counts, nothing that depends on the machine's load.
A handler that never met its dialog fails the test at teardown (tests/conftest.py), so a test
cannot pass by answering a box that never came.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox


@dataclass
class _Handler:
    kind: type[QDialog]
    act: Callable[[QDialog], None]
    name: str | None
    exclude_boxes: bool
    after_ms: int
    optional: bool
    where: str

    def matches(self, dialog: QDialog) -> bool:
        if not isinstance(dialog, self.kind):
            return False
        if self.exclude_boxes and isinstance(dialog, QMessageBox):
            return False
        return self.name is None or dialog.objectName() == self.name


class _Watcher(QObject):
    """Installed on the application only while a handler waits (a Python filter sees every event)."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[_Handler] = []
        self.installed = False

    def add(self, handler: _Handler) -> None:
        self.pending.append(handler)
        if not self.installed:
            QApplication.instance().installEventFilter(self)
            self.installed = True

    def reset(self) -> list[_Handler]:
        left, self.pending = self.pending, []
        if self.installed:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self.installed = False
        return left

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) and watched.isWindow():
            for handler in self.pending:
                if handler.matches(watched):
                    self.pending.remove(handler)
                    if not self.pending:
                        self.reset()
                    QTimer.singleShot(handler.after_ms, lambda h=handler, d=watched: _run(h, d))
                    break
        return False


_watcher: _Watcher | None = None


def _the_watcher() -> _Watcher:
    global _watcher
    if _watcher is None:
        _watcher = _Watcher()
    return _watcher


def _run(handler: _Handler, dialog: QDialog) -> None:
    # NOTE: a dialog that closed itself before the timer came (an error path) is not acted on;
    # the handler waits for the next one and, if none comes, fails the test at teardown.
    if dialog.isVisible():
        handler.act(dialog)
    else:
        _the_watcher().add(handler)


def on_next_dialog(kind: type[QDialog], act: Callable, *, name: str | None = None,
                   exclude_boxes: bool = False, after_ms: int = 0, optional: bool = False) -> None:
    """Run ``act(dialog)`` once the next dialog of ``kind`` (and object ``name``) is shown.

    ``exclude_boxes`` skips message boxes (a QDialog handler waiting past an error box);
    ``after_ms`` leaves the dialog up that long first, for tests about what happens meanwhile;
    ``optional`` marks a guard for a dialog that must *not* come (the test asserts it did not), so
    meeting none is no failure.
    """
    import traceback

    where = "".join(traceback.format_stack(limit=4)[:-1]).strip()
    _the_watcher().add(_Handler(kind, act, name, exclude_boxes, after_ms, optional, where))


def answer_box(texts: list[str] | None = None, button: int | str | None = 0, *, name: str | None = None,
               after_ms: int = 0, act: Callable[[QMessageBox], None] | None = None,
               optional: bool = False) -> None:
    """Click a button of the next message box (by index, or object name; None: ``act`` closes it), noting its text."""

    def answer(box: QMessageBox) -> None:
        if texts is not None:
            texts.append(box.text())
        if act is not None:
            act(box)
        if isinstance(button, str):
            box.findChild(QObject, button).click()
        elif button is not None:
            box.buttons()[button].click()

    on_next_dialog(QMessageBox, answer, name=name, after_ms=after_ms, optional=optional)


def unanswered() -> list[str]:
    """Where the handlers that met no dialog were registered; clears them (called after every test)."""
    if _watcher is None:
        return []
    return [f"{h.kind.__name__}{f' {h.name!r}' if h.name else ''} registered at\n{h.where}"
            for h in _watcher.reset() if not h.optional]
