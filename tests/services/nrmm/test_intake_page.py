"""The generated intake page of 非道路移动机械编码登记, offscreen over a real SQLite file, and its screenshot."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from desktop.cases import queries
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.settings import Settings
from desktop.ui.intake_page import IntakePage
from forms import registry

SERVICE = registry.get("nrmm_registration")
SHOT_NAME = "nrmm-intake-1366x768.png"  # in the test's tmp folder: tests never write into the source tree


@pytest.fixture
def page(qtbot, db, admin, tmp_path):
    settings = Settings(hall_name="郑州市金水区政务服务中心", window_no="03", output_dir=str(tmp_path / "papers"))
    widget = IntakePage(db, Actor(admin, "03", settings.hall_name), settings, SERVICE)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    return widget


def test_the_page_is_generated_from_the_form_and_accepts(page, qtbot, db, tmp_path):
    assert page.assessment.decision.value == "incomplete"
    kinds = page.findChild(QComboBox, "field_machine_type")
    labels = [kinds.itemText(i) for i in range(kinds.count())]
    for listed in ("挖掘机", "起重机", "推土机", "装载机", "压路机", "摊铺机", "平地机", "叉车", "桩工机械", "堆高机", "发电机组"):
        assert listed in labels  # 第三十六条's list, from the form
    example = SERVICE.example(date.today())
    page.load(example["answers"], example["materials"])
    qtbot.waitUntil(lambda: page.assessment.decision.value == "accept", timeout=3000)
    assert page.grab().save(str(tmp_path / SHOT_NAME))
    accept = page.findChild(QPushButton, "accept_button")
    assert accept.isEnabled()
    with qtbot.waitSignal(page.sig_paper_ready, timeout=8000) as ready:
        qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    text = "".join(p.extract_text() for p in PdfReader(ready.args[0]).pages)
    assert "受理回执" in text and "非道路移动机械编码登记" in text and "SY021523K0012345" in text
    (case,) = queries.list_cases(db)
    assert case.status == "accepted" and case.case_no.startswith("FD")
    page.preview.close()


def test_a_failed_emission_test_turns_the_page_to_refusal(page, qtbot):
    example = SERVICE.example(date.today())
    page.load(dict(example["answers"], test_result="fail"), example["materials"])
    qtbot.waitUntil(lambda: page.assessment.decision.value == "refuse", timeout=3000)
    assert page.findChild(QPushButton, "refuse_button").isEnabled()
    assert not page.findChild(QPushButton, "accept_button").isEnabled()


def test_the_search_tab_finds_the_machine_by_code_and_by_product_number(qtbot, db, people, tmp_path):
    from desktop.cases import intake, lifecycle
    from desktop.ui.search_panel import SearchPanel

    actor = people["clerk"]
    example = SERVICE.example(date.today())
    first = intake.accept(HallContext(db, actor, tmp_path),
                          SERVICE.service_id, example["answers"], example["materials"])
    intake.accept(HallContext(db, actor, tmp_path),
                  SERVICE.service_id, dict(example["answers"], product_no="OTHER-1"), example["materials"])
    lifecycle.approve(HallContext(db, people["sup"], tmp_path), first.case.id)
    code = db_code(db, first.case.id)
    panel = SearchPanel(db)
    qtbot.addWidget(panel)
    panel.show()
    for key, typed in (("nrmm_code", code.lower()), ("nrmm_product_no", "sy 021523k0012345")):
        for edit in panel.edits.values():
            edit.clear()
        panel.edits[key].setText(typed)  # the fields come from the identifiers this package declares
        panel.search()
        qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=3000)
        assert panel.model.row_at(0).id == first.case.id


def db_code(db, case_id: int) -> str:
    from sqlalchemy import select

    from desktop.cases.services.nrmm.models import NrmmRegistration

    with db.read() as s:
        return s.scalar(select(NrmmRegistration.code).where(NrmmRegistration.case_id == case_id))
