"""The one fitter: a window larger than its screen is shrunk and moved inside (offscreen screen, 800×600)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QSize
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QVBoxLayout

from desktop.ui import screen_fit

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")



@pytest.fixture
def fitter():
    app = QApplication.instance()
    had = app.findChild(QObject, screen_fit.FITTER_NAME)
    screen_fit.install(app)
    screen_fit.install(app)  # idempotent: one filter
    yield app.findChildren(QObject, screen_fit.FITTER_NAME)
    if had is None:  # NOTE: leave the session's application as it was for the tests after this one
        for child in app.findChildren(QObject, screen_fit.FITTER_NAME):
            app.removeEventFilter(child)
            child.setParent(None)


def test_a_dialog_larger_than_the_screen_is_fitted_when_shown(qtbot, fitter):
    assert len(fitter) == 1
    dialog = QDialog()
    qtbot.addWidget(dialog)
    QVBoxLayout(dialog).addWidget(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, dialog))
    dialog.resize(3000, 2000)
    dialog.show()
    area = screen_fit.available_geometry(dialog)
    frame = dialog.frameGeometry()
    assert dialog.width() < 3000 and dialog.height() < 2000
    assert area.contains(frame.topLeft()) and area.contains(frame.bottomRight()), (frame, area)


def test_a_small_dialog_keeps_its_size(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.resize(300, 200)
    screen_fit.fit_to_screen(dialog)
    assert dialog.size() == QSize(300, 200)


def test_a_frameless_window_needs_no_frame_allowance(qtbot):
    from PySide6.QtCore import Qt

    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
    assert screen_fit.frame_allowance(dialog) == QSize(0, 0)
    area = screen_fit.available_geometry(dialog)
    assert screen_fit.fit_size(dialog, QSize(5000, 5000)) == area.size()
