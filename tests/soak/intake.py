"""One case at the window, typed into the real intake page: fields, materials, the paper, the tab closed."""

from __future__ import annotations

from typing import Any

import keys as k
import ui
from keys import CTRL, K
from plan import Case
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPushButton, QTableWidget, QWidget
from script import ScriptFailed, Wait

from forms import registry
from forms.model import Kind

MODE_LABELS = {"provided": "纸质", "shared": "信息共享核验", "pledged": "告知承诺"}
# outcome -> (button objectName, shortcut key); the page shows the shortcut on each button
BUTTONS = {"accept": ("accept_button", K.Key_Return), "resume": ("accept_button", K.Key_Return),
           "notice": ("notice_button", K.Key_I), "refuse": ("refuse_button", K.Key_R),
           "draft": ("draft_button", K.Key_S)}


def label_of(field, value: Any) -> str:
    if field.kind is Kind.BOOL:
        return "是" if value else "否"
    labels = dict(field.choices)
    if value not in labels:
        raise ScriptFailed(f"{field.key}: {value!r} is not one of its choices")
    return labels[value]


def findings_text(page: QWidget) -> str:
    assessment = getattr(page, "assessment", None)
    if assessment is None:
        return "no assessment shown"
    shown = [f"{f.field or '-'}: {f.message}" for f in assessment.failures()]
    return f"decision {assessment.decision}; findings: " + " | ".join(shown)


def fill_table(page: QWidget, field, rows: list[dict[str, Any]]):
    table = ui.child(page, QTableWidget, f"field_{field.key}")
    add = ui.child(page, QPushButton, f"add_row_{field.key}")
    for r, row in enumerate(rows):
        yield from k.press_button(add, f"添加一行 of {field.key}")
        yield Wait(lambda r=r: table.rowCount() > r, f"row {r + 1} in {field.key}")
        for c, column in enumerate(field.columns):
            value = row.get(column.key)
            if value in (None, ""):
                continue
            yield from close_cell_editor(table)
            yield from k.focus(table, field.key)
            yield from k.key(K.Key_Home, CTRL)
            yield from k.keys(K.Key_Down, r)
            yield from k.keys(K.Key_Right, c)
            yield Wait(lambda r=r, c=c: (table.currentRow(), table.currentColumn()) == (r, c),
                       f"cell {r},{c} of {field.key} current")
            yield from k.key(K.Key_F2)
            yield Wait(lambda: QApplication.focusWidget() is not table, f"editor of {field.key}[{r}].{column.key}")
            editor = QApplication.focusWidget()
            if isinstance(editor, QComboBox):
                shown = label_of(column, value)
                yield from k.choose(editor, shown, f"{field.key}[{r}].{column.key}")
            else:
                shown = str(value)
                yield from k.type_text(shown)
            # NOTE: Enter commits; where the focus goes next (the next cell's editor, or out of the
            # table after the last) is the table's keyboard design, so the soak checks the cell instead.
            yield from k.key(K.Key_Return)
            yield Wait(lambda r=r, c=c, shown=shown: table.item(r, c) is not None and table.item(r, c).text() == shown,
                       f"{field.key}[{r}].{column.key} committed as {shown}")
    yield from close_cell_editor(table)


def close_cell_editor(table: QTableWidget):
    """Escape an editor the table opened by itself (a new row, Enter to the next cell): nothing typed in it."""
    focused = QApplication.focusWidget()
    if focused is not None and focused is not table and k.within(focused, table):
        yield from k.key(K.Key_Escape)
        yield Wait(lambda: QApplication.focusWidget() is table, f"{table.objectName()}'s editor closed")


def fill(page: QWidget, case: Case):
    """Type every answer in form order (a choice may show the fields after it), then tick the materials."""
    service = registry.get(case.service_id)
    for field in service.fields:
        if field.key not in case.answers:
            continue
        value = case.answers[field.key]
        widget = ui.child(page, QWidget, f"field_{field.key}")
        yield Wait(widget.isVisible, f"field {field.key} shown")
        if field.kind in (Kind.CHOICE, Kind.BOOL):
            yield from k.choose(widget, label_of(field, value), field.key)
        elif field.kind is Kind.TABLE:
            if widget.rowCount() == 0:
                yield from fill_table(page, field, value)
        else:
            text = str(value)
            if isinstance(widget, QLineEdit) and widget.text() == text:
                continue  # a resumed draft already holds it
            yield from k.fill_line(widget, text, field.key)
    for material in service.materials:
        box = ui.child(page, QCheckBox, f"material_{material.key}")
        wanted = material.key in case.materials
        if not box.isEnabled():
            if wanted:
                raise ScriptFailed(f"material {material.key} is greyed out but the applicant brought it")
            continue
        yield from k.set_checked(box, wanted, f"material {material.key}")
        mode = page.findChild(QComboBox, f"material_mode_{material.key}")
        if wanted and mode is not None:
            yield from k.choose(mode, MODE_LABELS[case.materials[material.key]], f"mode of {material.key}")


def open_service(service_id: str):
    """Press the service's entry in the left panel; wait for its new intake page in front."""
    tabs = ui.tabs()
    before = {tabs.widget(i) for i in range(tabs.count())}
    button = ui.child(ui.main_window(), QWidget, f"service_{service_id}")
    yield from k.press_button(button, f"service {service_id}")
    yield Wait(lambda: tabs.currentWidget() not in before
               and tabs.currentWidget().objectName() == f"intake_{service_id}", f"intake page of {service_id}")
    return tabs.currentWidget()


def finish(page: QWidget, case: Case, stats: dict):
    """The paper (or the draft): press the outcome's shortcut, check the page, close the previews."""
    name, shortcut = BUTTONS[case.outcome]
    button = ui.child(page, QPushButton, name)
    yield Wait(button.isEnabled, lambda: f"{name} enabled for case {case.n} ({case.outcome} {case.service_id}): "
                                         f"{findings_text(page)}")
    if not k.within(QApplication.focusWidget(), page):
        yield from k.focus(button, name)  # NOTE: the shortcut belongs to the page; any widget on it will do
    yield from k.key(shortcut, CTRL)
    if case.outcome == "draft":
        yield Wait(lambda: getattr(page, "case_id", None) is not None, f"draft of case {case.n} saved")
    else:
        yield from ui.close_previews(stats)
        yield Wait(lambda: getattr(page, "case_id", None) is not None, f"case {case.n} stored")
        if case.outcome != "notice":  # NOTE: after a 一次性告知书 the case stays a draft to resume
            yield Wait(lambda: not button.isEnabled(), f"page of case {case.n} read-only after its paper")
    case.result["case_id"] = page.case_id


def run_case(case: Case, stats: dict, resume_page: QWidget | None = None):
    page = resume_page
    if page is None:
        page = yield from open_service(case.service_id)
    yield from fill(page, case)
    yield from finish(page, case, stats)
    yield from ui.close_tab(page, stats)
