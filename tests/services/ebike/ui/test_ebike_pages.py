"""The three e-bike intake pages driven like a clerk would, over a real SQLite file, papers parsed back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton
from qt_helpers import type_text

from desktop.cases import intake, queries
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import registry as ebike
from desktop.settings import Settings
from desktop.ui.intake_page import IntakePage
from forms import registry

HALL = "郑州市金水区政务服务中心"


@pytest.fixture
def settings(tmp_path):
    return Settings(hall_name=HALL, window_no="03", output_dir=str(tmp_path / "papers"))


@pytest.fixture
def open_page(qtbot, db, admin, settings):
    pages: list[IntakePage] = []

    def make(service_id: str) -> IntakePage:
        page = IntakePage(db, Actor(admin, "03", HALL), settings, registry.get(service_id))
        qtbot.addWidget(page)
        page.resize(1280, 860)
        page.show()
        pages.append(page)
        return page

    yield make
    for page in pages:  # previews are top-level dialogs: close them with their page
        for dialog in [page.preview, *getattr(page, "extra_previews", [])]:
            if dialog is not None:
                dialog.close()


@pytest.fixture
def registered(db, admin, settings):
    """A bike registered earlier at the case layer (plate 郑A00001)."""
    case = registry.get("ebike_registration").example(date.today())
    return intake.accept(HallContext(db, Actor(admin, "03", HALL), settings.papers_dir()),
                         "ebike_registration", case["answers"], case["materials"])


def line(page, key) -> QLineEdit:
    return page.findChild(QLineEdit, f"field_{key}")


def button(page, name) -> QPushButton:
    return page.findChild(QPushButton, name)


def error(page, key) -> QLabel:
    return page.findChild(QLabel, f"error_{key}")


def text_of(path: str) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages)


def fill(page, qtbot, service_id: str, name_key: str, name: str, decision: str = "accept", **changes) -> None:
    """The example of the service with the applicant's name typed in Chinese through the input method."""
    case = registry.get(service_id).example(date.today())
    answers = {k: v for k, v in dict(case["answers"], **changes).items() if k != name_key}
    page.load(answers, case["materials"])
    type_text(line(page, name_key), name)
    qtbot.waitUntil(lambda: page.assessment.decision.value == decision, timeout=2000)


def click(page, qtbot, name: str) -> str:
    with qtbot.waitSignal(page.sig_paper_ready, timeout=5000) as ready:
        qtbot.mouseClick(button(page, name), Qt.MouseButton.LeftButton)
    return ready.args[0]


def test_first_registration_page_assigns_a_plate(open_page, qtbot, db):
    page = open_page("ebike_registration")
    assert page.assessment.decision.value == "incomplete"
    # NOTE (issue 13): registered and the plate issued at once: the button says so, the case is 已办结.
    assert button(page, "accept_button").text().startswith("登记并发牌（当场办结）")
    assert page.findChild(QPushButton, "rongque_button").isHidden()
    fill(page, qtbot, "ebike_registration", "owner_name", "欧阳娜娜")
    receipt = text_of(click(page, qtbot, "accept_button"))
    assert "受理及办结回执" in receipt and "郑A00001" in receipt and "119TDT240512345" in receipt
    assert "当场办结" in receipt
    view = ebike.find_registration(db, "119TDT240512345")
    assert view.plate_no == "郑A00001" and view.owner_name == "欧阳娜娜" and view.status_label == "正常"
    papers = queries.get_case(db, page.case_id)
    assert papers.answers["plate_no"] == "郑A00001"
    assert not button(page, "accept_button").isEnabled()
    certificate = Path(page.settings.papers_dir()).glob("*-registration_certificate-1.pdf")
    assert "郑A00001" in text_of(str(next(certificate)))


def test_a_mismatch_found_at_the_inspection_gives_the_written_refusal(open_page, qtbot, db):
    page = open_page("ebike_registration")
    assert [f.key for f in page.service.fields if f.section == "现场查验"] == [
        "inspect_frame", "inspect_motor", "inspect_certificate", "inspect_note"]
    fill(page, qtbot, "ebike_registration", "owner_name", "欧阳娜娜", decision="refuse",
         inspect_certificate="mismatch")
    # the paper must say what did not match: refused until the clerk writes it next to the field
    assert not button(page, "refuse_button").isEnabled() and not button(page, "accept_button").isEnabled()
    assert "写明不一致之处" in error(page, "inspect_note").text()
    type_text(line(page, "inspect_note"), "合格证载颜色为白色，车身为红色")
    qtbot.waitUntil(lambda: button(page, "refuse_button").isEnabled(), timeout=2000)
    assert button(page, "refuse_button").text().startswith("出具不予登记通知书")
    refusal = text_of(click(page, qtbot, "refuse_button")).replace("\n", "")
    assert "不予登记通知书" in refusal and "整车合格证所载品牌、型号、颜色或技术参数与车辆不一致" in refusal
    assert "合格证载颜色为白色，车身为红色" in refusal and "第十四条" in refusal
    assert ebike.find_registration(db, "119TDT240512345") is None


def test_registration_page_shows_the_existing_case_for_a_known_frame(open_page, qtbot, registered):
    page = open_page("ebike_registration")
    fill(page, qtbot, "ebike_registration", "owner_name", "李娜", decision="refuse")
    qtbot.waitUntil(lambda: error(page, "frame_no").isVisible(), timeout=2000)
    assert registered.case.case_no in error(page, "frame_no").text()
    assert button(page, "refuse_button").isEnabled() and not button(page, "accept_button").isEnabled()
    refusal = text_of(click(page, qtbot, "refuse_button"))
    assert "不予登记通知书" in refusal and registered.case.case_no in refusal


def test_transfer_page_changes_the_owner(open_page, qtbot, db, registered):
    page = open_page("ebike_transfer")
    fill(page, qtbot, "ebike_transfer", "new_owner_name", "李娜", plate_no="郑A00001")
    receipt = text_of(click(page, qtbot, "accept_button"))
    assert "新所有人" in receipt and "李娜" in receipt and "郑A00001" in receipt
    view = ebike.find_registration(db, "郑A00001")
    assert [o.name for o in view.owners] == ["张伟", "李娜"] and view.owner_name == "李娜"


def test_transfer_page_for_an_unknown_plate_says_so_and_stores_nothing(open_page, qtbot, db, registered):
    page = open_page("ebike_transfer")
    fill(page, qtbot, "ebike_transfer", "new_owner_name", "李娜", decision="refuse", plate_no="郑A54321",
         frame_no="")
    qtbot.waitUntil(lambda: error(page, "plate_no").isVisible(), timeout=2000)
    assert "未找到该号牌/车架号的登记" in error(page, "plate_no").text()
    assert not button(page, "accept_button").isEnabled()
    assert len(queries.list_cases(db)) == 1  # only the registration
    assert ebike.find_registration(db, "郑A00001").owner_name == "张伟"


def test_theft_page_marks_the_bike_stolen_and_blocks_a_transfer(open_page, qtbot, db, registered):
    page = open_page("ebike_theft")
    fill(page, qtbot, "ebike_theft", "owner_name", "张伟", plate_no="郑A00001")
    receipt = text_of(click(page, qtbot, "accept_button"))
    assert "被盗" in receipt and "郑A00001" in receipt
    assert ebike.find_registration(db, "119TDT240512345").status_label == "被盗"
    transfer = open_page("ebike_transfer")
    fill(transfer, qtbot, "ebike_transfer", "new_owner_name", "李娜", decision="refuse", plate_no="郑A00001")
    qtbot.waitUntil(lambda: error(transfer, "plate_no").isVisible(), timeout=2000)
    assert "被盗" in error(transfer, "plate_no").text()
    refusal = text_of(click(transfer, qtbot, "refuse_button"))
    assert "不予登记通知书" in refusal and "被盗" in refusal
    assert ebike.find_registration(db, "郑A00001").owner_name == "张伟"


def test_registration_page_renders(open_page, qtbot, tmp_path):
    page = open_page("ebike_registration")
    fill(page, qtbot, "ebike_registration", "owner_name", "欧阳娜娜")
    image = page.grab().toImage()
    assert image.width() == 1280 and not image.isNull()
    assert page.grab().save(str(tmp_path / "ebike_registration_page.png"))
