"""A table field on the keyboard alone: Tab enters it, moves through its cells and leaves it (issue 12)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.ui.field_widgets import TABLE_KEYS_TIP, make_editor
from forms import registry

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
FIELD = registry.get("startup_subsidy").field("park_costs")  # month, category (a choice), amount, …
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def form(qtbot):
    """A line edit, the table field, a line edit: where Tab comes from and where it must be able to go."""
    window = QWidget()
    qtbot.addWidget(window)
    before = QLineEdit(window)  # NOTE: made in this order, so the focus chain is before, table, after
    editor = make_editor(FIELD, window)
    after = QLineEdit(window)
    before.setObjectName("before")
    after.setObjectName("after")
    layout = QVBoxLayout(window)
    for widget in (before, editor.widget, after):
        layout.addWidget(widget)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.editor, window.before, window.after = editor, before, after
    return window


def focused():
    return QApplication.focusWidget()


def key(k, modifiers=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(focused(), k, modifiers)


def cell(form):
    index = form.editor.table.currentIndex()
    return index.row(), index.column()


def test_tab_moves_through_the_cells_and_leaves_after_the_last(form):
    table = form.editor.table
    form.editor.set_value([{}, {}])
    columns = table.columnCount()
    form.before.setFocus()
    key(Qt.Key.Key_Tab)
    assert focused() is table and cell(form) == (0, 0)
    for step in range(1, 2 * columns):
        key(Qt.Key.Key_Tab)
        assert focused() is table and cell(form) == divmod(step, columns)
    key(Qt.Key.Key_Tab)  # on the last cell: out, to the 添加一行 button under the table
    assert focused().objectName() == "add_row_park_costs"
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    assert focused() is form.after


def test_shift_tab_on_the_first_cell_goes_back(form):
    form.editor.set_value([{}])
    form.before.setFocus()
    key(Qt.Key.Key_Tab)
    assert cell(form) == (0, 0)
    key(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is form.before


def test_an_empty_table_does_not_trap_tab(form):
    form.before.setFocus()
    key(Qt.Key.Key_Tab)
    assert focused() is form.editor.table
    key(Qt.Key.Key_Tab)
    assert focused().objectName() == "add_row_park_costs"
    form.editor.table.setFocus()
    key(Qt.Key.Key_Return)  # Enter in an empty table moves on too
    assert focused().objectName() == "add_row_park_costs"


def test_ctrl_tab_leaves_from_a_cell_being_edited_and_keeps_the_text(form):
    table = form.editor.table
    form.editor.set_value([{}, {}])
    amount = [c.key for c in FIELD.columns].index("amount")
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, amount))
    key(Qt.Key.Key_3)  # typing starts editing the cell
    assert isinstance(focused(), QLineEdit) and table.isAncestorOf(focused())
    key(Qt.Key.Key_Tab, CTRL)
    assert focused().objectName() == "add_row_park_costs"
    assert form.editor.value()[0]["amount"] == "3"
    # and back in, then out backwards with Ctrl+Shift+Tab
    table.setFocus()
    table.setCurrentIndex(table.model().index(1, 1))
    key(Qt.Key.Key_Backtab, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert focused() is form.before


def test_enter_commits_a_cell_and_moves_to_the_next(form):
    table = form.editor.table
    form.editor.set_value([{}])
    amount = [c.key for c in FIELD.columns].index("amount")
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, amount))
    key(Qt.Key.Key_5)
    key(Qt.Key.Key_Return)
    assert form.editor.value()[0]["amount"] == "5"
    assert cell(form) == (0, amount + 1) if amount + 1 < table.columnCount() else \
        focused().objectName() == "add_row_park_costs"


def test_enter_on_the_last_cell_and_on_add_row_carries_on(form):
    table = form.editor.table
    form.editor.set_value([{}])
    last = table.columnCount() - 1
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, last))
    key(Qt.Key.Key_Return)  # not editing: Enter moves on like any field, here out of the table
    add = form.findChild(QPushButton, "add_row_park_costs")
    assert focused() is add
    key(Qt.Key.Key_Return)  # Enter on 添加一行: a new row, its first cell open for typing
    assert table.rowCount() == 2 and cell(form) == (1, 0)
    assert isinstance(focused(), QLineEdit) and table.isAncestorOf(focused())


def test_the_keys_are_explained_in_the_tooltip(form):
    assert form.editor.table.toolTip() == TABLE_KEYS_TIP
    assert "Ctrl+Tab" in TABLE_KEYS_TIP and "最后一格" in TABLE_KEYS_TIP
