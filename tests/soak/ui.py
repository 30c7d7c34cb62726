"""The program's windows as the soak finds them: by objectName and class, the way a tester looks at the screen."""

from __future__ import annotations

import time

import keys as k
import shiboken6
from keys import CTRL, K
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QMessageBox,
    QTabWidget,
    QWidget,
)
from script import ScriptFailed, Wait


def main_window() -> QWidget | None:
    return next((w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window" and w.isVisible()),
                None)


def child(parent: QWidget, cls, name: str):
    found = parent.findChild(cls, name)
    if found is None:
        raise ScriptFailed(f"{parent.objectName() or type(parent).__name__} has no {cls.__name__} {name!r}")
    return found


def tabs() -> QTabWidget:
    return child(main_window(), QTabWidget, "tabs")


def previews() -> list[QDialog]:
    """The paper previews now on screen."""
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w.isVisible() and type(w).__name__ == "PreviewDialog"]


def message_box() -> QMessageBox | None:
    box = QApplication.activeModalWidget()
    return box if isinstance(box, QMessageBox) and box.isVisible() else None


def shortcut_for(window: QWidget, sequence: str) -> bool:
    """True when the window offers ``sequence`` (an action or a shortcut): then the soak presses it."""
    wanted = QKeySequence(sequence)
    for action in window.findChildren(QAction):
        if any(s == wanted for s in action.shortcuts()) and action.isEnabled():
            return True
    return any(s.key() == wanted and s.isEnabled() for s in window.findChildren(QShortcut))


def close_previews(stats: dict, at_least: int = 1):
    """Wait for the paper previews, check each shows a PDF, close each with Escape."""
    if at_least:
        yield Wait(lambda: len(previews()) >= at_least, f"{at_least} paper preview(s)")
    while previews():
        dialog = previews()[-1]
        document = getattr(dialog, "document", None)
        if document is not None and document.pageCount() < 1:
            raise ScriptFailed(f"preview {dialog.windowTitle()} shows no page of {getattr(dialog, 'pdf_path', '?')}")
        if QApplication.activeWindow() not in previews():
            # NOTE: the window manager activates a new window asynchronously, and now and then not at
            # all; after a second's grace the soak asks for it (_NET_ACTIVE_WINDOW), as a click would.
            grace = time.monotonic() + k.REACTIVATE_AFTER_S
            yield Wait(lambda: QApplication.activeWindow() in previews() or time.monotonic() > grace, "")
            if QApplication.activeWindow() not in previews():
                k.Counter.reactivations += 1
                yield lambda: dialog.activateWindow()
                yield Wait(lambda: QApplication.activeWindow() in previews(),
                           lambda: f"a preview active ({k.on_screen()})")
        active = QApplication.activeWindow()
        target = QApplication.focusWidget() or active

        def escape(target=target) -> None:
            k.Counter.key()
            QTest.keyClick(target, K.Key_Escape)
        title = active.windowTitle()
        yield escape
        # A closed preview deletes itself (desktop/ui/preview.py): gone counts as closed.
        yield Wait(lambda: not shiboken6.isValid(active) or not active.isVisible(), f"preview {title} closed")
        stats["previews_closed"] = stats.get("previews_closed", 0) + 1


def answer_close_prompt(stats: dict, prefer: tuple[str, ...] = ("保存草稿", "保存", "放弃")):
    """A 保存草稿 / 放弃 / 取消 question when a page with input closes: keep the input."""
    box = message_box()
    if box is None:
        return
    buttons = {b.text().replace("&", ""): b for b in box.findChildren(QAbstractButton) if b.isVisible()}
    choice = next((b for wanted in prefer for text, b in buttons.items() if wanted in text), None)
    if choice is None:
        raise ScriptFailed(f"unexpected message box {box.windowTitle()!r}: {box.text()!r} buttons {list(buttons)}")
    stats.setdefault("close_prompts", []).append(box.text()[:60])
    yield from k.press_button(choice, f"prompt button {choice.text()}")
    yield Wait(lambda: not box.isVisible(), "prompt closed")


def close_tab(page: QWidget, stats: dict):
    """Close a page's tab: Ctrl+W where the window has it, else its tab's close button."""
    widget = tabs()
    window = main_window()
    index = widget.indexOf(page)
    name = page.objectName()
    if index < 0:
        raise ScriptFailed(f"page {page.objectName()} is not a tab")
    if widget.currentIndex() != index:
        yield from activate_tab(page)
    if shortcut_for(window, "Ctrl+W"):
        yield from k.focus(page, "the page to close")
        yield from k.key(K.Key_W, CTRL)
    else:
        button = widget.tabBar().tabButton(index, widget.tabBar().ButtonPosition.RightSide)
        if button is None:
            raise ScriptFailed(f"tab {widget.tabText(index)} has no close button")
        yield lambda: QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    gone = lambda: not shiboken6.isValid(page) or widget.indexOf(page) < 0  # noqa: E731
    yield Wait(lambda: gone() or message_box() is not None, f"tab {name} closed")
    if not gone():
        yield from answer_close_prompt(stats)
        yield Wait(gone, f"tab {name} closed after the prompt")


def activate_tab(page: QWidget):
    """Bring a tab to the front by clicking its tab (Ctrl+F for the search tab where the window has it)."""
    widget = tabs()
    index = widget.indexOf(page)
    bar = widget.tabBar()
    yield lambda: QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                                   bar.tabRect(index).center())
    yield Wait(lambda: widget.currentWidget() is page, f"tab {widget.tabText(index)} in front")


def fixed_page(name: str) -> QWidget:
    widget = tabs()
    for i in range(widget.count()):
        if widget.widget(i).objectName() == name:
            return widget.widget(i)
    raise ScriptFailed(f"no tab {name}")
