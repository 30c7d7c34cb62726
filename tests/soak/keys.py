"""Keyboard input as a clerk gives it: key events to the focused widget, Chinese committed as an input method does."""

from __future__ import annotations

import time
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QWidget
from script import ScriptFailed, Wait

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
REACTIVATE_AFTER_S = 1.0
NO_MOD = Qt.KeyboardModifier.NoModifier


class Counter:
    """Keystrokes and input-method commits sent so far (the soak reports them)."""

    keys = 0
    commits = 0
    reactivations = 0  # windows the window manager left without focus, activated as a click would
    every = 50
    hook = None  # called every ``every`` keys (the driver logs None's count: a crash still leaves a trail)

    @classmethod
    def key(cls) -> None:
        cls.keys += 1
        if cls.hook is not None and cls.keys % cls.every == 0:
            cls.hook()


def focus_widget() -> QWidget:
    widget = QApplication.focusWidget()
    if widget is None:
        raise ScriptFailed(f"no widget has the keyboard focus (active window: {QApplication.activeWindow()!r})")
    return widget


def on_screen() -> str:
    """What a tester would see: the active window, and the text of a modal box if one is up."""
    active = QApplication.activeWindow()
    modal = QApplication.activeModalWidget()
    text = getattr(modal, "text", lambda: "")() if modal is not None else ""
    return (f"active: {type(active).__name__} {active.windowTitle() if active else ''!r}; "
            f"modal: {type(modal).__name__ if modal else None} {text!r}")


def within(widget: QWidget, target: QWidget) -> bool:
    while widget is not None:
        if widget is target:
            return True
        widget = widget.parentWidget()
    return False


def focus(target: QWidget, what: str = ""):
    """Give ``target`` the focus (as a click or Tab would) and wait until its window really has it."""
    if not target.isEnabled() or not target.isVisible():
        raise ScriptFailed(f"cannot focus {what or target.objectName()}: "
                           f"{'disabled' if not target.isEnabled() else 'hidden'}")
    window = target.window()
    if not window.isActiveWindow():
        # NOTE: when a dialog closes, openbox does not always give the focus back to the window
        # under it; a clerk would click the window. activateWindow() asks the window manager the
        # same (_NET_ACTIVE_WINDOW), after a second's grace. Counted in the report.
        grace = time.monotonic() + REACTIVATE_AFTER_S
        yield Wait(lambda: window.isActiveWindow() or time.monotonic() > grace, "")
        if not window.isActiveWindow():
            Counter.reactivations += 1
            yield lambda: window.activateWindow()
        yield Wait(window.isActiveWindow, lambda: f"window {window.objectName() or window.windowTitle()} active "
                                                  f"({on_screen()})")
    yield lambda: target.setFocus(Qt.FocusReason.TabFocusReason)
    yield Wait(lambda: within(QApplication.focusWidget(), target), f"focus on {what or target.objectName()}")


def key(k: Qt.Key, modifiers=NO_MOD):
    """One key press and release, to whatever widget has the focus now."""
    def press() -> None:
        Counter.key()
        QTest.keyClick(focus_widget(), k, modifiers)
    yield press


def keys(k: Qt.Key, times: int, modifiers=NO_MOD):
    for _ in range(times):
        yield from key(k, modifiers)


def _ascii(ch: str) -> bool:
    return ch.isascii() and ch.isprintable()


def runs(text: str) -> Iterable[tuple[bool, str]]:
    """Split text into (typed, chunk): ASCII is typed key by key, the rest is committed by the IME."""
    chunk, typed = "", None
    for ch in text:
        kind = _ascii(ch)
        if typed is not None and kind != typed:
            yield typed, chunk
            chunk = ""
        typed = kind
        chunk += ch
    if chunk:
        yield bool(typed), chunk


def commit(text: str):
    """What a pinyin input method does when the clerk picks a phrase: one commit string."""
    def send() -> None:
        Counter.commits += 1
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(focus_widget(), event)
    yield send


def type_text(text: str):
    """Type into the focused widget: digits and letters as keys (one loop turn per key), Chinese by commit."""
    for typed, chunk in runs(text):
        if typed:
            for ch in chunk:
                def press(ch=ch) -> None:
                    Counter.key()
                    QTest.keyClicks(focus_widget(), ch)
                yield press
        else:
            yield from commit(chunk)


def fill_line(edit: QWidget, text: str, what: str = ""):
    """Focus a line edit, select what is there (Ctrl+A) and type over it."""
    yield from focus(edit, what)
    if getattr(edit, "text", None) and edit.text():
        yield from key(K.Key_A, CTRL)
        yield from key(K.Key_Delete)
    yield from type_text(text)


def choose(combo: QComboBox, label: str, what: str = ""):
    """Pick the entry shown as ``label`` with the arrow keys (no popup, no item data read)."""
    target = combo.findText(label)
    if target < 0:
        raise ScriptFailed(f"{what or combo.objectName()}: no entry {label!r} "
                           f"(has {[combo.itemText(i) for i in range(combo.count())]})")
    yield from focus(combo, what)
    current = combo.currentIndex()
    if target > current:
        yield from keys(K.Key_Down, target - current)
    elif target < current:
        yield from keys(K.Key_Up, current - target)
    yield Wait(lambda: combo.currentIndex() == target, f"{what or combo.objectName()} showing {label}")


def press_button(button: QAbstractButton, what: str = ""):
    """Focus a button and press Space, as a keyboard user does."""
    yield from focus(button, what)
    yield from key(K.Key_Space)


def set_checked(box: QAbstractButton, checked: bool, what: str = ""):
    if box.isChecked() != checked:
        yield from press_button(box, what)
        yield Wait(lambda: box.isChecked() == checked, f"{what or box.objectName()} ticked={checked}")
