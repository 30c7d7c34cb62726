"""The one fitter: a window larger than its screen is shrunk and moved inside (offscreen screen, 800×600)."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSize
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox, QVBoxLayout

import desktop.ui
from desktop.ui import screen_fit
from desktop.ui.msgbox import MessageBox

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
DESKTOP = Path(desktop.ui.__file__).resolve().parents[1]
# NOTE: the only application-wide event filters: the idle lock must see every keystroke and click
# (and takes itself off between its polls), and qt_dialogs() is there for one modal call.
APP_FILTERS = {"ui/idle_lock.py", "ui/screen_fit.py"}


class _Big(screen_fit.FitsScreen, QDialog):
    """A dialog of ours that asks for more than the screen."""


def _oversized(cls) -> QDialog:
    dialog = cls()
    QVBoxLayout(dialog).addWidget(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, dialog))
    dialog.resize(3000, 2000)
    return dialog


def _inside(dialog: QDialog) -> bool:
    area, frame = screen_fit.available_geometry(dialog), dialog.frameGeometry()
    return area.contains(frame.topLeft()) and area.contains(frame.bottomRight())


def test_a_dialog_of_ours_larger_than_the_screen_is_fitted_when_shown(qtbot):
    dialog = _oversized(_Big)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() < 3000 and dialog.height() < 2000
    assert _inside(dialog), (dialog.frameGeometry(), screen_fit.available_geometry(dialog))


def test_a_message_box_placed_off_the_screen_is_brought_inside(qtbot):
    box = MessageBox(QMessageBox.Icon.Information, "提示", "没有找到可用的打印机。", QMessageBox.StandardButton.Ok)
    qtbot.addWidget(box)
    box.move(5000, 5000)  # NOTE: a moved dialog is not placed by Qt again; only the fitter brings it back
    box.show()
    assert _inside(box), (box.frameGeometry(), screen_fit.available_geometry(box))


def test_qt_dialogs_fits_a_plain_dialog_only_inside_the_block(qtbot):
    app = QApplication.instance()
    inside, outside = _oversized(QDialog), _oversized(QDialog)
    qtbot.addWidget(inside), qtbot.addWidget(outside)
    with screen_fit.qt_dialogs():
        assert len(app.findChildren(QObject, screen_fit.FITTER_NAME)) == 1
        inside.show()
    outside.show()
    assert inside.width() < 3000 and _inside(inside)
    # the filter is gone after the call: a dialog not of ours keeps the size it asked for
    assert outside.size() == QSize(3000, 2000)


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


def _all_subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _all_subclasses(sub)
    return found


def test_every_dialog_class_of_ours_fits_the_screen():
    for module in pkgutil.walk_packages(desktop.ui.__path__, "desktop.ui."):
        importlib.import_module(module.name)
    ours = {c for c in _all_subclasses(QDialog) if c.__module__.startswith("desktop.")}
    assert len(ours) >= 20, sorted(c.__name__ for c in ours)  # the walk found the dialogs
    unfitted = sorted(f"{c.__module__}.{c.__qualname__}" for c in ours if not issubclass(c, screen_fit.FitsScreen))
    assert not unfitted, unfitted


def _sources():
    for path in sorted(DESKTOP.rglob("*.py")):
        yield path.relative_to(DESKTOP).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _within_qt_dialogs(node: ast.AST, parents: dict) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.With) and any(
                isinstance(item.context_expr, ast.Call) and ast.unparse(item.context_expr.func).endswith("qt_dialogs")
                for item in node.items):
            return True
    return False


def test_qt_dialogs_are_made_fitted_in_the_source():
    """No Qt dialog class made bare: Qt's own dialogs only inside qt_dialogs(), the rest as subclasses."""
    bare, unguarded = [], []
    made_by_qt = ("QFileDialog.get", "QMessageBox.information", "QMessageBox.warning", "QMessageBox.critical",
                  "QMessageBox.question", "QInputDialog.get", "QColorDialog.get", "QFontDialog.get")
    dialog_classes = {"QDialog", "QMessageBox", "QFileDialog", "QPrintDialog", "QPageSetupDialog",
                      "QInputDialog", "QProgressDialog", "QWizard", "QErrorMessage", "QPrintPreviewDialog"}
    for name, tree in _sources():
        parents = _parents(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = ast.unparse(node.func)
            if func in dialog_classes:
                bare.append(f"{name}:{node.lineno} {func}(…)")
            if func.startswith(made_by_qt) and not _within_qt_dialogs(node, parents):
                unguarded.append(f"{name}:{node.lineno} {func}")
    assert not bare, bare
    assert not unguarded, unguarded


def test_no_application_wide_event_filter_but_the_two():
    """Issue 15: an application-wide Python filter is a Python call for every event of every object."""
    found = []
    for name, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".installEventFilter"):
                receiver = ast.unparse(node.func.value)
                if receiver in ("app", "QApplication.instance()", "QCoreApplication.instance()",
                                "QGuiApplication.instance()"):
                    found.append(name)
    assert set(found) <= APP_FILTERS, found
    assert inspect.getsource(screen_fit.qt_dialogs).count("removeEventFilter") == 1
