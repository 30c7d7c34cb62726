"""The registrar's case view of 非道路移动机械编码登记: its decisions in the procedure's own words, and the code they issue."""

from __future__ import annotations

from datetime import datetime

from modals import on_next_dialog
from pypdf import PdfReader
from PySide6.QtWidgets import QLabel

from desktop.cases import intake
from desktop.cases.hall_context import HallContext
from desktop.settings import Settings
from desktop.ui.case_dialogs import ActionDialog
from desktop.ui.case_view import CaseView
from forms import registry

SERVICE_ID = "nrmm_registration"


def test_the_registrar_completes_the_registration_in_its_own_words(qtbot, db, people, tmp_path):
    now = datetime.now().replace(microsecond=0)
    example = registry.get(SERVICE_ID).example(now.date())
    accepted = intake.accept(HallContext(db, people["clerk"], tmp_path),
                             SERVICE_ID, example["answers"], example["materials"], now=now)
    view = CaseView(db, people["sup"], Settings(window_no="03", output_dir=str(tmp_path)), accepted.case.id)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    approve, decline = view.buttons["approve_button"], view.buttons["decline_button"]
    assert approve.isVisible() and approve.text() == "完成编码登记"  # 第九条第三款, not a 许可
    assert decline.isVisible() and decline.text() == "不予登记"
    assert view.grab().save(str(tmp_path / "nrmm-case-view-1366x768.png"))  # looked at by whoever changes it
    seen: dict[str, str] = {}

    def confirm(dialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["intro"] = " ".join(label.text() for label in dialog.findChildren(QLabel))
        dialog.findChild(object, "submit").click()

    on_next_dialog(ActionDialog, confirm, exclude_boxes=True)
    approve.click()
    assert seen["title"] == "完成编码登记" and accepted.case.case_no in seen["intro"] and "批准" not in seen["intro"]
    certificate = view.previews[-1].pdf_path
    assert "非道路移动机械编码登记证明" in "".join(p.extract_text() for p in PdfReader(certificate).pages)
    for dialog in view.previews:
        dialog.close()


def test_a_licence_keeps_the_generic_words(qtbot, db, people, tmp_path):
    now = datetime.now().replace(microsecond=0)
    example = registry.get("residence_permit").example(now.date())
    accepted = intake.accept(HallContext(db, people["clerk"], tmp_path),
                             "residence_permit", example["answers"], example["materials"],
                             now=now)
    view = CaseView(db, people["sup"], Settings(window_no="03", output_dir=str(tmp_path)), accepted.case.id)
    qtbot.addWidget(view)
    assert (view.buttons["approve_button"].text(), view.buttons["decline_button"].text()) == ("批准", "不予许可")
