"""The 返乡入乡创业补贴 intake page driven like a clerk would: breakdown on screen, receipt and 补贴核定表."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton
from qt_helpers import type_text
from sqlalchemy import func, select
from stdnum.cn import ric

from desktop.cases import queries
from desktop.cases.dto import Actor
from desktop.cases.services.subsidy.models import SubsidyClaim
from desktop.settings import Settings
from desktop.ui.intake_page import IntakePage
from forms import registry

SERVICE = registry.get("startup_subsidy")
ONCE_MATERIALS = {"application_form": "provided", "id_card": "provided", "returnee_proof": "pledged",
                  "business_licence": "shared", "operation_proof": "shared", "employment_proof": "shared",
                  "bank_account": "provided"}


def person(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


@pytest.fixture
def page(qtbot, db, admin, tmp_path):
    settings = Settings(hall_name="郑州市金水区政务服务中心", window_no="03", output_dir=str(tmp_path / "papers"))
    widget = IntakePage(db, Actor(admin, "03", settings.hall_name), settings, SERVICE)
    qtbot.addWidget(widget)
    widget.resize(1280, 860)
    widget.show()
    return widget


def button(page, name) -> QPushButton:
    return page.findChild(QPushButton, name)


def text_of(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(str(path)).pages)


def sheet_preview(page):
    """The preview of the 补贴核定表, opened next to the receipt's."""
    return next(d for d in page.extra_previews if d.windowTitle() == "预览：补贴核定表")


def decided(page, qtbot, decision: str) -> None:
    qtbot.waitUntil(lambda: page.assessment.decision.value == decision, timeout=3000)


def fill_one_time_claim(page, qtbot) -> None:
    """Claim type picked, business typed, three employees entered row by row in the table."""
    answers = dict(SERVICE.example(date.today())["answers"])
    for key in ("name", "park_type", "park_name", "move_in_date", "park_costs"):
        del answers[key]
    answers["claim_type"] = "startup_once"
    page.load(answers, ONCE_MATERIALS)
    type_text(page.findChild(QLineEdit, "field_name"), "张建国")
    table = page.editors["employees"]
    table.add_row({"name": "李红", "id_number": person("41018219920101101"), "start_date": "2026-03-01"})
    table.add_row({"name": "王强", "id_number": person("41018219930202102"), "start_date": "2026-03-01"})
    table.add_row()  # the third row is typed cell by cell, as a clerk would
    cells = table.table
    cells.item(2, 0).setText("赵敏")
    cells.item(2, 1).setText(person("41018219940303103"))
    cells.item(2, 2).setText("20260301")


def test_one_time_subsidy_shows_breakdown_and_prints_receipt_and_sheet(page, qtbot, db, tmp_path):
    fill_one_time_claim(page, qtbot)
    decided(page, qtbot, "accept")
    panel = page.amounts_panel
    assert panel is not None and panel.isVisible()
    rows = panel.rows()
    assert rows[0][0] == "一次性返乡创业补贴" and rows[0][2] == "10,000.00" and "带动3人就业" in rows[0][1]
    assert panel.total.text() == "合计：10,000.00 元"
    page.grab().save(str(tmp_path / "subsidy_page.png"))
    with qtbot.waitSignal(page.sig_paper_ready, timeout=5000) as ready:
        qtbot.mouseClick(button(page, "accept_button"), Qt.MouseButton.LeftButton)
    receipt = text_of(ready.args[0])
    assert "补贴申请受理回执" in receipt and "张建国" in receipt and "10000.00" in receipt
    sheet = text_of(sheet_preview(page).pdf_path)
    assert "补贴核定表" in sheet and "赵敏" in sheet and "10000.00" in sheet and "3人（名单见下）" in sheet
    cases = queries.list_cases(db)
    assert len(cases) == 1 and cases[0].status == "accepted"
    with db.unit() as s:
        assert s.scalar(select(SubsidyClaim.amount)) == "10000.00"
    for dialog in [page.preview, *page.extra_previews]:
        dialog.close()


def test_site_costs_breakdown_follows_the_cost_table(page, qtbot, db):
    example = SERVICE.example(date.today())
    page.load(example["answers"], example["materials"])
    decided(page, qtbot, "accept")
    before = page.assessment.total
    assert page.amounts_panel.total.text() == f"合计：{before:,.2f} 元"
    # The clerk corrects the first month's rent from 3000.00 to 5000.00: 50 % of it is 1000.00 more.
    page.editors["park_costs"].table.item(0, 2).setText("5000.00")
    qtbot.waitUntil(lambda: page.assessment.total == before + 1000, timeout=3000)
    assert page.amounts_panel.total.text() == f"合计：{before + 1000:,.2f} 元"
    labels = [r[0] for r in page.amounts_panel.rows()]
    assert any(label.endswith("房租费（3个月）") for label in labels) and any("最高限额核减" in x for x in labels)
    with qtbot.waitSignal(page.sig_paper_ready, timeout=5000):
        qtbot.mouseClick(button(page, "accept_button"), Qt.MouseButton.LeftButton)
    sheet = text_of(sheet_preview(page).pdf_path)
    assert "补贴核定表" in sheet and f"{before + 1000:.2f}" in sheet
    for dialog in [page.preview, *page.extra_previews]:
        dialog.close()


def test_incomplete_claim_gives_the_one_time_notice(page, qtbot, db):
    fill_one_time_claim(page, qtbot)
    decided(page, qtbot, "accept")
    page.findChild(object, "material_employment_proof").setChecked(False)
    decided(page, qtbot, "incomplete")
    # A missing paper does not change the calculation; a missing employee does.
    assert page.amounts_panel.rows()[0][0] == "一次性返乡创业补贴"
    page.editors["employees"].table.item(2, 1).setText("")
    qtbot.waitUntil(lambda: page.amounts_panel.rows()[0][0] == "信息不全或有误，补正后核定", timeout=3000)
    assert page.amounts_panel.total.text() == "合计：0.00 元"
    with qtbot.waitSignal(page.sig_paper_ready, timeout=5000) as ready:
        qtbot.mouseClick(button(page, "notice_button"), Qt.MouseButton.LeftButton)
    text = text_of(ready.args[0])
    assert "一次性告知书" in text and "就业人员劳动合同及社会保险缴费记录" in text
    assert not any(d.windowTitle() == "预览：补贴核定表" for d in page.extra_previews)
    assert queries.list_cases(db)[0].status == "draft"
    with db.unit() as s:
        assert s.scalar(select(func.count(SubsidyClaim.id))) == 0
    page.preview.close()


def test_other_services_have_no_amounts_panel(qtbot, db, admin, tmp_path):
    settings = Settings(hall_name="郑州市金水区政务服务中心", window_no="03", output_dir=str(tmp_path))
    widget = IntakePage(db, Actor(admin, "03", settings.hall_name), settings, registry.get("residence_permit"))
    qtbot.addWidget(widget)
    assert widget.amounts_panel is None
    assert widget.findChild(QComboBox, "field_claim_type") is None
