"""Editors made from field definitions: dates as typed by clerks, choice cells in tables."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from desktop.ui.field_widgets import TableEditor, make_editor, normalize_date_text
from forms import registry
from forms.model import Field, Kind


def test_dates_typed_in_common_ways():
    assert normalize_date_text("20261125") == "2026-11-25"
    assert normalize_date_text("2026.11.5") == "2026-11-05"
    assert normalize_date_text("2026/1/25") == "2026-01-25"
    assert normalize_date_text("昨天") == "昨天"  # left for the rules to call invalid


def test_choice_cells_show_labels_and_give_codes(qtbot):
    field = registry.get("startup_subsidy").field("park_costs")
    editor = make_editor(field)
    qtbot.addWidget(editor.widget)
    assert isinstance(editor, TableEditor)
    editor.add_row({"month": "2026-08-01", "category": "rent", "amount": "3000"})
    col = [c.key for c in field.columns].index("category")
    item = editor.table.item(0, col)
    assert item.text() == dict(field.columns[col].choices)["rent"]
    assert editor.value()[0]["category"] == "rent"
    # Editing through the delegate's combo box, as a clerk would.
    index = editor.table.model().index(0, col)
    delegate = editor.table.itemDelegateForColumn(col)
    combo = delegate.createEditor(editor.table, None, index)
    assert isinstance(combo, QComboBox)
    combo.set_value("utilities")
    delegate.setModelData(combo, editor.table.model(), index)
    assert editor.value()[0]["category"] == "utilities"
    assert editor.table.item(0, col).text() == combo.currentText()


def test_yes_no_cells(qtbot):
    field = Field("rows", "表", Kind.TABLE, columns=(Field("name", "姓名"), Field("flag", "脱贫户", Kind.BOOL)))
    editor = make_editor(field)
    qtbot.addWidget(editor.widget)
    editor.add_row({"name": "李娜", "flag": True})
    editor.add_row({"name": "王芳", "flag": "否"})
    assert [r["flag"] for r in editor.value()] == [True, False]
    assert editor.table.item(0, 1).text() == "是"


def test_a_yes_no_cell_typed_as_text_gives_its_code(qtbot):
    from PySide6.QtWidgets import QTableWidgetItem

    field = Field("rows", "表", Kind.TABLE, columns=(Field("name", "姓名"), Field("flag", "脱贫户", Kind.BOOL)))
    editor = make_editor(field)
    qtbot.addWidget(editor.widget)
    editor.add_row({"name": "李娜"})
    editor.add_row({"name": "王芳"})
    editor.table.setItem(0, 1, QTableWidgetItem("否"))  # typed into the cell, no code stored with it
    editor.table.setItem(1, 1, QTableWidgetItem("是"))
    assert [r["flag"] for r in editor.value()] == [False, True]
