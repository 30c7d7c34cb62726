"""The generated intake page, driven like a clerk would over a real SQLite file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton
from qt_helpers import answer_next_box, type_text

from desktop.cases import queries
from desktop.cases.dto import Actor
from desktop.settings import Settings
from desktop.ui.intake_page import IntakePage
from forms import registry

SERVICE = registry.get("residence_permit")


@pytest.fixture
def page(qtbot, db, admin, tmp_path):
    settings = Settings(hall_name="郑州市金水区政务服务中心", window_no="03", output_dir=str(tmp_path / "papers"))
    widget = IntakePage(db, Actor(admin, "03", settings.hall_name), settings, SERVICE)
    qtbot.addWidget(widget)
    widget.resize(1280, 860)
    widget.show()
    return widget


def line(page, key) -> QLineEdit:
    return page.findChild(QLineEdit, f"field_{key}")


def combo(page, key) -> QComboBox:
    return page.findChild(QComboBox, f"field_{key}")


def button(page, name) -> QPushButton:
    return page.findChild(QPushButton, name)


def fill_example(page, qtbot) -> None:
    example = SERVICE.example(date.today())
    answers = dict(example["answers"])
    del answers["name"]
    page.load(answers, example["materials"])
    type_text(line(page, "name"), "欧阳娜娜")
    qtbot.waitUntil(lambda: page.assessment.decision.value == "accept", timeout=2000)


def test_findings_follow_typing(page, qtbot):
    assert page.assessment.decision.value == "incomplete"
    assert not button(page, "accept_button").isEnabled()
    # A wrong check digit shows next to the field as the clerk types.
    qtbot.keyClicks(line(page, "id_number"), "410305199001011230")
    qtbot.waitUntil(lambda: page.findChild(object, "error_id_number").isVisible(), timeout=2000)
    assert "校验位" in page.findChild(object, "error_id_number").text()
    line(page, "id_number").clear()
    qtbot.keyClicks(line(page, "id_number"), "410305199001011234")
    qtbot.waitUntil(lambda: not page.findChild(object, "error_id_number").isVisible(), timeout=2000)


def test_enter_moves_to_next_field(page, qtbot):
    line(page, "name").setFocus()
    qtbot.keyClick(line(page, "name"), Qt.Key.Key_Return)
    assert line(page, "id_number").hasFocus()


def test_conditional_fields_appear_with_the_condition(page, qtbot):
    assert not line(page, "enrolment_date").isVisibleTo(page)
    c = combo(page, "condition")
    c.set_value("study")
    assert line(page, "enrolment_date").isVisibleTo(page)


def test_activating_a_finding_focuses_its_field(page, qtbot):
    page.findings.sig_field_activated.emit("phone")
    assert line(page, "phone").hasFocus()


def test_accept_prints_receipt_and_lists_case(page, qtbot, db, tmp_path):
    fill_example(page, qtbot)
    assert button(page, "accept_button").isEnabled()
    with qtbot.waitSignal(page.sig_paper_ready, timeout=5000) as ready:
        qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    pdf = Path(ready.args[0])
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "受理回执" in text and "欧阳娜娜" in text and "410305********1234" in text
    cases = queries.list_cases(db)
    assert len(cases) == 1 and cases[0].status == "accepted" and cases[0].case_no in text
    assert page.preview is not None and page.preview.isVisible()
    assert not button(page, "accept_button").isEnabled()  # done: the page is read-only now
    page.preview.close()


def test_incomplete_path_gives_notice_and_draft(page, qtbot, db):
    fill_example(page, qtbot)
    page.findChild(object, "material_photo").setChecked(False)
    qtbot.waitUntil(lambda: page.assessment.decision.value == "incomplete", timeout=2000)
    with qtbot.waitSignal(page.sig_paper_ready, timeout=5000) as ready:
        qtbot.mouseClick(button(page, "notice_button"), Qt.MouseButton.LeftButton)
    text = "".join(p.extract_text() for p in PdfReader(ready.args[0]).pages)
    assert "一次性告知书" in text and "1寸免冠彩色照片" in text
    assert queries.list_cases(db)[0].status == "draft"
    # The draft is resumed on the same page: hand in the photo and accept.
    page.preview.close()
    page.findChild(object, "material_photo").setChecked(True)
    qtbot.waitUntil(lambda: page.assessment.decision.value == "accept", timeout=2000)
    with qtbot.waitSignal(page.sig_paper_ready, timeout=5000):
        qtbot.mouseClick(button(page, "accept_button"), Qt.MouseButton.LeftButton)
    cases = queries.list_cases(db)
    assert len(cases) == 1 and cases[0].status == "accepted"
    page.preview.close()


def test_refuse_path(page, qtbot, db):
    fill_example(page, qtbot)
    c = combo(page, "hukou_in_zhengzhou")
    c.set_value(True)
    qtbot.waitUntil(lambda: page.assessment.decision.value == "refuse", timeout=2000)
    assert button(page, "refuse_button").isEnabled() and not button(page, "accept_button").isEnabled()
    with qtbot.waitSignal(page.sig_paper_ready, timeout=5000) as ready:
        qtbot.mouseClick(button(page, "refuse_button"), Qt.MouseButton.LeftButton)
    text = "".join(p.extract_text() for p in PdfReader(ready.args[0]).pages)
    assert "不予受理通知书" in text and "行政复议" in text
    assert queries.list_cases(db)[0].status == "not_accepted"
    page.preview.close()


def test_refusal_waits_for_a_mistyped_id_number(page, qtbot, db):
    fill_example(page, qtbot)
    combo(page, "hukou_in_zhengzhou").set_value(True)
    good = line(page, "id_number").text()
    line(page, "id_number").setText(good[:-1] + ("1" if good[-1] == "0" else "0"))
    qtbot.waitUntil(lambda: page.assessment.decision.value == "refuse" and bool(page.assessment.corrections()),
                    timeout=2000)
    assert not button(page, "refuse_button").isEnabled()
    assert "更正" in button(page, "refuse_button").toolTip()
    line(page, "id_number").setText(good)
    qtbot.waitUntil(lambda: button(page, "refuse_button").isEnabled(), timeout=2000)


def test_unprintable_name_is_reported_not_printed(page, qtbot, db):
    fill_example(page, qtbot)
    line(page, "name").clear()
    type_text(line(page, "name"), "王𠀾")
    qtbot.waitUntil(lambda: page.assessment.decision.value == "accept", timeout=2000)
    seen: list[str] = []
    answer_next_box(seen)
    qtbot.mouseClick(button(page, "accept_button"), Qt.MouseButton.LeftButton)
    assert seen and "𠀾" in seen[0]
    assert queries.list_cases(db) == []


@pytest.mark.parametrize("service_id", sorted(registry.services()))
def test_every_form_fits_a_1280_pixel_window_without_scrolling_sideways(qtbot, db, admin, tmp_path, service_id):
    from PySide6.QtWidgets import QScrollArea

    page = IntakePage(db, Actor(admin, "03", "郑州市政务服务中心"), Settings(output_dir=str(tmp_path)),
                      registry.get(service_id))
    qtbot.addWidget(page)
    page.resize(1280 - 330, 720)  # a 1280×800 main window minus the service list
    page.show()
    example = registry.get(service_id).example(date(2026, 11, 25))
    page.load(example["answers"], example["materials"])
    qtbot.wait(50)
    form = page.findChild(QScrollArea)  # the form is the first scroll area of the page
    assert form.horizontalScrollBar().maximum() == 0, "a field is wider than the form's column"
    checklist = page.findChild(QScrollArea, "materials_scroll")
    assert checklist.widget().width() <= checklist.viewport().width()  # names wrap instead


def test_a_material_is_ticked_by_clicking_its_name(page, qtbot):
    from PySide6.QtWidgets import QCheckBox, QLabel

    box = page.findChild(QCheckBox, "material_photo")
    label = page.findChild(QLabel, "material_label_photo")
    assert label.text() == box.accessibleName() and label.wordWrap()
    before = box.isChecked()
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton)
    assert box.isChecked() is not before


@pytest.mark.parametrize("service_id", registry.services())
def test_the_layout_keys_are_every_answer_a_condition_reads(service_id):
    """Issue 15: a key typed into a field outside these cannot change what shows or applies."""
    from desktop.ui.intake_page import layout_keys

    service = registry.get(service_id)
    read = {f.visible_when.key for f in service.fields if f.visible_when} | {
        m.required_when.key for m in service.materials if m.required_when}
    assert layout_keys(service) == read
    assert "phone" not in read and "name" not in read  # typed fields, read by no condition


def test_typing_a_phone_number_does_not_walk_the_page(page, qtbot, monkeypatch):
    walks = []
    real = page._update_visibility
    monkeypatch.setattr(page, "_update_visibility", lambda: (walks.append(1), real())[1])
    qtbot.keyClicks(line(page, "phone"), "13800138000")
    assert walks == []  # eleven keys, no walk of the form (≈ 0.5 ms each before)
    combo(page, "condition").set_value("study")
    assert walks == [1] and line(page, "enrolment_date").isVisibleTo(page)  # a condition's answer: at once
    qtbot.waitUntil(lambda: len(walks) == 2, timeout=2000)  # and again when the typing pauses (reassess)
