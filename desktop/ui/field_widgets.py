"""One editor widget per field kind, made from the form definition: value(), set_value(), changed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.combos import ValueCombo
from forms.model import Field, Kind

_DATE_DIGITS = re.compile(r"^(\d{4})\D?(\d{1,2})\D?(\d{1,2})\D?$")


def normalize_date_text(text: str) -> str:
    """Clerks type 20261125, 2026.11.25 or 2026/11/25: hand the rules 2026-11-25."""
    text = text.strip()
    match = _DATE_DIGITS.match(text)
    if not match:
        return text
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


class FieldEditor(QObject):
    """Adapter around the real widget; ``widget`` goes into the layout, ``focus_widget`` gets focus."""

    changed = Signal()

    def __init__(self, field: Field, widget: QWidget, parent: QObject | None = None):
        super().__init__(parent)
        self.field = field
        self.widget = widget
        self.focus_widget: QWidget = widget

    def value(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def set_value(self, value: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class LineEditor(FieldEditor):
    def __init__(self, field: Field, parent: QWidget | None = None):
        edit = QLineEdit(parent)
        super().__init__(field, edit)
        edit.setObjectName(f"field_{field.key}")
        edit.setPlaceholderText(field.placeholder or _placeholder(field))
        if field.max_length:
            edit.setMaxLength(field.max_length)
        if field.kind in (Kind.INTEGER, Kind.DECIMAL):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        edit.textChanged.connect(self.changed)
        self.edit = edit

    def value(self) -> Any:
        text = self.edit.text().strip()
        if self.field.kind is Kind.DATE:
            return normalize_date_text(text)
        if self.field.kind is Kind.ID_NUMBER:
            return text.upper()
        return text

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))


def _placeholder(field: Field) -> str:
    return {
        Kind.DATE: "例如 2026-11-25",
        Kind.ID_NUMBER: "18位号码",
        Kind.PHONE: "11位手机号码",
        Kind.INTEGER: "整数",
        Kind.DECIMAL: "金额或数值",
    }.get(field.kind, "")


class ChoiceEditor(FieldEditor):
    """A combo box whose first entry is empty: an unanswered question stays unanswered."""

    def __init__(self, field: Field, parent: QWidget | None = None):
        combo = ValueCombo(parent)
        super().__init__(field, combo)
        combo.setObjectName(f"field_{field.key}")
        combo.add_choice("请选择", None)
        for value, label in cell_choices(field) or []:
            combo.add_choice(label, value)
        combo.currentIndexChanged.connect(self.changed)
        # NOTE: some official choices are a sentence long; the box may be narrower than its longest
        # entry (the shown text is elided, the open list shows it whole), so one
        # question cannot push the whole form past the window's width.
        combo.setSizeAdjustPolicy(ValueCombo.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        self.combo = combo

    def value(self) -> Any:
        return self.combo.value()

    def set_value(self, value: Any) -> None:
        self.combo.set_value(value)


VALUE_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class _CellValue:
    """A choice cell's code, wrapped so Qt's item data is never None (see desktop/ui/combos.py)."""

    value: Any


def _cell_value(index_or_item) -> Any:
    """The code stored in a choice cell, or None; every cell read goes through here."""
    stored = index_or_item.data(VALUE_ROLE)
    return stored.value if isinstance(stored, _CellValue) else None


def cell_choices(column: Field) -> list[tuple[Any, str]] | None:
    """(value, label) pairs for a choice or yes/no column; None for free text."""
    if column.kind is Kind.BOOL:
        return [(True, "是"), (False, "否")]
    if column.kind is Kind.CHOICE:
        return list(column.choices)
    return None


TABLE_KEYS_TIP = ("键盘：Tab / Shift+Tab 在单元格间移动，直接输入即可编辑，Enter 确认并到下一格；\n"
                  "在最后一格按 Tab 或 Enter（任意格按 Ctrl+Tab）离开表格，Ctrl+Shift+Tab 回到上一项；\n"
                  "“添加一行”按 Enter 或空格新增一行并开始填写。")


class _CellDelegate(QStyledItemDelegate):
    """Enter in a cell's editor commits and moves to the next cell, as Tab does (and leaves after the last)."""

    def eventFilter(self, editor, event):  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(editor, event)


class KeyTable(QTableWidget):
    """A table the keyboard can enter, move through and leave (see TABLE_KEYS_TIP)."""

    def __init__(self, rows: int, columns: int, parent: QWidget | None = None):
        super().__init__(rows, columns, parent)
        self.setTabKeyNavigation(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setItemDelegate(_CellDelegate(self))
        self.setToolTip(TABLE_KEYS_TIP)
        # NOTE: Ctrl+Tab is the way out from any cell (Qt's convention for widgets that keep Tab, e.g.
        # text editors); a shortcut, so it works while a cell's editor has the focus too.
        for keys, forward in (("Ctrl+Tab", True), ("Ctrl+Shift+Tab", False), ("Ctrl+Shift+Backtab", False)):
            shortcut = QShortcut(QKeySequence(keys), self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda forward=forward: self.leave(forward))

    def _at_edge(self, forward: bool) -> bool:
        if self.rowCount() == 0 or self.columnCount() == 0:
            return True
        current = self.currentIndex()
        if not current.isValid():
            return False
        edge = (self.rowCount() - 1, self.columnCount() - 1) if forward else (0, 0)
        return (current.row(), current.column()) == edge

    def leave(self, forward: bool = True) -> None:
        """Move the focus to the widget after (or before) the table; an open cell editor commits on focus-out."""
        target = self.nextInFocusChain() if forward else self.previousInFocusChain()
        while target is not None and target is not self:
            if (not self.isAncestorOf(target) and target.focusPolicy() & Qt.FocusPolicy.TabFocus
                    and target.isVisible() and target.isEnabled() and target.window() is self.window()):
                target.setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
                return
            target = target.nextInFocusChain() if forward else target.previousInFocusChain()

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt override
        # NOTE: Tab on the last cell (Shift+Tab on the first) leaves instead of wrapping round.
        if self._at_edge(next):
            self.leave(next)
            return True
        return super().focusNextPrevChild(next)

    def moveCursor(self, action, modifiers):  # noqa: N802 - Qt override
        # NOTE: Tab or Enter in an open editor arrives here (not in focusNextPrevChild) via closeEditor.
        moves = {QAbstractItemView.CursorAction.MoveNext: True, QAbstractItemView.CursorAction.MovePrevious: False}
        # (focusInEvent asks for MoveNext with no current cell: that is entering, not leaving.)
        if action in moves and self.currentIndex().isValid() and self._at_edge(moves[action]):
            self.leave(moves[action])
            return QModelIndex()
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.focusNextPrevChild(True)  # Enter moves on, as in every other field
            return
        super().keyPressEvent(event)


class ChoiceDelegate(_CellDelegate):
    """Edits a choice cell with a combo box: the clerk sees labels, the rules get the codes."""

    def __init__(self, choices: list[tuple[Any, str]], parent: QObject | None = None):
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt override
        return ValueCombo(parent, [(None, ""), *self.choices])

    def setEditorData(self, editor, index):  # noqa: N802 - Qt override
        editor.set_value(_cell_value(index))

    def setModelData(self, editor, model, index):  # noqa: N802 - Qt override
        model.setData(index, _CellValue(editor.value()), VALUE_ROLE)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)


class TableEditor(FieldEditor):
    """Rows of the column fields as text cells, with add and remove buttons."""

    def __init__(self, field: Field, parent: QWidget | None = None):
        box = QWidget(parent)
        super().__init__(field, box)
        self.table = KeyTable(0, len(field.columns), box)
        self.table.setObjectName(f"field_{field.key}")
        self.table.setHorizontalHeaderLabels([c.label for c in field.columns])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(90)
        self.table.setMaximumHeight(170)
        self.table.itemChanged.connect(self.changed)
        for col, column in enumerate(field.columns):
            choices = cell_choices(column)
            if choices is not None:
                self.table.setItemDelegateForColumn(col, ChoiceDelegate(choices, self.table))
            if column.kind is Kind.ID_NUMBER:
                # 18 characters must stay readable; the other columns share the rest.
                self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        add = QPushButton(self.tr("添加一行"), box)
        add.setObjectName(f"add_row_{field.key}")
        remove = QPushButton(self.tr("删除选中行"), box)
        remove.setObjectName(f"remove_row_{field.key}")
        add.clicked.connect(self._on_add_clicked)
        remove.clicked.connect(self._remove_selected)
        for button in (add, remove):
            button.setAutoDefault(True)  # NOTE: Enter presses it, as Space does, for a clerk on the keyboard
        add.setToolTip(TABLE_KEYS_TIP)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.focus_widget = self.table

    def add_row(self, values: dict[str, Any] | None = None) -> None:
        values = values or {}
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        for col, column in enumerate(self.field.columns):
            value = values.get(column.key)
            choices = cell_choices(column)
            if choices is None:
                item = QTableWidgetItem("" if value is None else str(value))
            else:
                value = _choice_value(choices, value)
                item = QTableWidgetItem(dict(choices).get(value, "") if value is not None else "")
                item.setData(VALUE_ROLE, _CellValue(value))
            self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        self.changed.emit()

    def _on_add_clicked(self) -> None:
        """A new row from the button: the clerk types into its first cell straight away."""
        self.add_row()
        index = self.table.model().index(self.table.rowCount() - 1, 0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def value(self) -> list[dict[str, Any]]:
        rows = []
        for r in range(self.table.rowCount()):
            row = {}
            for c, column in enumerate(self.field.columns):
                item = self.table.item(r, c)
                text = item.text().strip() if item else ""
                choices = cell_choices(column)
                if choices is not None:
                    stored = _cell_value(item) if item else None
                    typed = _choice_value(choices, text) if stored is None else None
                    # NOTE: a typed 否 is the code False, which must not fall back to the text.
                    row[column.key] = stored if stored is not None else (typed if typed is not None else text)
                else:
                    row[column.key] = normalize_date_text(text) if column.kind is Kind.DATE else text
            if any(row.values()):
                rows.append(row)
        return rows

    def set_value(self, value: Any) -> None:
        self.table.setRowCount(0)
        for row in value or []:
            self.add_row(row)


def _choice_value(choices: list[tuple[Any, str]], value: Any) -> Any:
    """A code from a code, a label or a typed 是/否; None when it matches nothing."""
    for code, label in choices:
        if value == code or value == label or (isinstance(value, str) and value.strip() in (str(code), label)):
            return code
    return None


def make_editor(field: Field, parent: QWidget | None = None) -> FieldEditor:
    if field.kind in (Kind.CHOICE, Kind.BOOL):
        return ChoiceEditor(field, parent)
    if field.kind is Kind.TABLE:
        return TableEditor(field, parent)
    return LineEditor(field, parent)
