"""Windows fit the screen they are on: one place that clamps a window's size and position to its screen."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

log = logging.getLogger(__name__)
# NOTE: before a window is first mapped the window manager has not told Qt its frame yet; this is
# the allowance Qt's own QDialog::adjustPosition uses (title bar and borders together).
DEFAULT_FRAME = QSize(10, 40)
FITTER_NAME = "screen_fitter"
MAIN_WINDOW_SIZE = QSize(1280, 800)  # the restored size on a large screen; the window opens maximised


def available_geometry(widget: QWidget) -> QRect:
    """The part of the widget's screen not taken by panels and docks."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def frame_allowance(widget: QWidget) -> QSize:
    """What the window manager's frame adds around the widget (measured when it can be, else a default)."""
    measured = _measured_frame(widget)
    if measured is not None:
        return measured  # NOTE: a frameless window has no frame to measure
    from PySide6.QtCore import Qt  # NOTE: not at import: see fit_to_screen

    if widget.windowFlags() & Qt.WindowType.FramelessWindowHint:
        return QSize(0, 0)
    return _default_frame(widget)


def _framed_allowance(widget: QWidget) -> QSize:
    """frame_allowance of the widget as if it had a frame (never less than a frameless one's)."""
    measured = _measured_frame(widget)
    return measured if measured is not None else _default_frame(widget)


def _measured_frame(widget: QWidget) -> QSize | None:
    """The frame the window manager put around the shown widget; None before it has one."""
    if widget.isVisible():
        extra = widget.frameGeometry().size() - widget.geometry().size()
        if extra.width() > 0 or extra.height() > 0:
            return extra.expandedTo(QSize(0, 0))
    return None


def _default_frame(widget: QWidget) -> QSize:
    """The allowance for a frame not measured yet."""
    # NOTE: a parent's frame is only a hint (a maximised main window has no borders), so never less
    # than the default.
    parent = widget.parentWidget().window() if widget.parentWidget() else None
    if parent is not None and parent.isVisible():
        return (parent.frameGeometry().size() - parent.geometry().size()).expandedTo(DEFAULT_FRAME)
    return QSize(DEFAULT_FRAME)


def fit_size(widget: QWidget, preferred: QSize | None = None, extra: QSize | None = None) -> QSize:
    """``preferred`` (or the current size) shrunk so the framed window fits the available geometry."""
    area = available_geometry(widget)
    extra = frame_allowance(widget) if extra is None else extra
    wanted = preferred if preferred is not None else widget.size()
    return QSize(max(1, min(wanted.width(), area.width() - extra.width())),
                 max(1, min(wanted.height(), area.height() - extra.height())))


def fit_to_screen(widget: QWidget, preferred: QSize | None = None) -> None:
    """Resize the window to fit its screen and move it, keeping its centre, until its frame is inside."""
    area = available_geometry(widget)
    extra = _framed_allowance(widget)
    size = fit_size(widget, preferred, extra)
    if size != widget.size() or not area.contains(QRect(widget.pos(), size + extra)):
        # NOTE: only a window that does not fit with a frame asks whether it has one: a frameless
        # one fits wherever a framed one does, and the flags are of PySide6's Qt namespace, whose
        # first use creates all of its enums (≈ 25 ms) — before the sign-in dialog's paint (issue 15).
        extra = frame_allowance(widget)
        size = fit_size(widget, preferred, extra)
    if size != widget.size():
        centre = widget.geometry().center()
        widget.resize(size)
        widget.move(centre - QPoint(size.width() // 2, size.height() // 2))
    frame = QRect(widget.pos(), size + extra)
    if not area.contains(frame):
        # NOTE: move() places the frame's top-left corner, so the frame, not the client area, is kept inside.
        x = min(max(frame.left(), area.left()), area.left() + area.width() - frame.width())
        y = min(max(frame.top(), area.top()), area.top() + area.height() - frame.height())
        widget.move(max(x, area.left()), max(y, area.top()))
    minimum = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    if minimum.width() > size.width() or minimum.height() > size.height():
        log.warning("%s needs %dx%d, more than the screen's %dx%d", widget.objectName() or type(widget).__name__,
                    minimum.width(), minimum.height(), size.width(), size.height())


def fit_main_window(window: QWidget) -> None:
    """The main window opens maximised; its restored size fits the screen too, so un-maximising keeps it whole."""
    # NOTE: maximised, because HallDesk is the clerk's only program all day; at 1366×768 the old fixed
    # 1280×800 put the status bar below the screen.
    fit_to_screen(window, MAIN_WINDOW_SIZE)
    area = available_geometry(window)
    frame = QRect(QPoint(0, 0), window.size() + frame_allowance(window))
    frame.moveCenter(area.center())
    window.move(frame.topLeft())
    from PySide6.QtCore import Qt

    window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


class FitsScreen:
    """Mixed into every HallDesk dialog, before its Qt class: fitted to its screen each time it is shown."""

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        # NOTE: after the Qt class's own showEvent (QDialog centres itself over its parent there, a
        # QMessageBox sizes itself to its text) and before the window manager maps the window, so
        # the fitted size is the first one seen. Issue 15: a hook on the dialog's own class, not an
        # application-wide event filter, which was a Python call for every event of every object
        # (≈ 40 % of a keystroke's event handling, and ≈ 14 M instructions before the sign-in
        # dialog's first paint).
        super().showEvent(event)  # type: ignore[misc]
        fit_to_screen(self)  # type: ignore[arg-type]


class _DialogFitter(QObject):
    """While Qt's own dialogs are open: every dialog shown is fitted to its screen."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # NOTE: Show reaches a window before the window manager maps it, so the resize is not seen.
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) and watched.isWindow():
            fit_to_screen(watched)
        return False


@contextmanager
def qt_dialogs() -> Iterator[None]:
    """Around a call that opens Qt's own dialog (QFileDialog's static functions): it is fitted too.

    NOTE: those dialogs are made inside Qt, so no class of ours can be mixed in; an application-wide
    filter is installed for the call alone and removed after it, so it costs nothing the rest of the day.
    """
    app = QApplication.instance()
    fitter = _DialogFitter(app)
    fitter.setObjectName(FITTER_NAME)
    app.installEventFilter(fitter)
    try:
        yield
    finally:
        app.removeEventFilter(fitter)
        fitter.deleteLater()
