"""The case view over a real SQLite file: supplement, decide, issue, reprint, cancel, reveal the ID."""

from __future__ import annotations

from datetime import date

import pytest
from case_helpers import accept_example, drive, error_text, make_people, pdf_text, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget
from qt_helpers import answer_next_box, type_text
from sqlalchemy import select

from desktop.cases import casefile, reprints, status
from desktop.cases.hall_context import HallContext
from desktop.settings import Settings
from desktop.store.models import AuditEvent
from desktop.ui.case_dialogs import ActionDialog
from desktop.ui.case_models import AnswersModel, FindingsModel, PapersModel, PledgesModel, TimelineModel
from desktop.ui.case_view import CaseView
from desktop.ui.countersign import CountersignDialog
from forms import registry

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
PROXY_ID = "410305198001010011"  # check digit below
FULL_ID = "410305199001011234"


@pytest.fixture
def people(db, admin):
    return make_people(db, admin)


@pytest.fixture
def papers(tmp_path):
    return tmp_path / "papers"


@pytest.fixture
def accepted(db, people, papers):
    return accept_example(db, people["clerk"], papers).case


def open_view(qtbot, db, actor, papers, case_id) -> CaseView:
    view = CaseView(db, actor, Settings(window_no=actor.window, output_dir=str(papers)), case_id)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    return view


def close_previews(view: CaseView) -> None:
    for dialog in view.previews:
        dialog.close()
    view.previews.clear()


def shown(view, name) -> bool:
    return view.buttons[name].isVisible()


def test_header_answers_and_models(qtbot, qtmodeltester, db, people, papers, accepted):
    view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    assert view.values["case_no"].text() == accepted.case_no
    assert view.values["status"].text() == "已受理待审核"
    assert view.values["id_number"].text() == "410305********1234"
    answers = {view.answers_model.row_at(r).label: view.answers_model.row_at(r).value
               for r in range(view.answers_model.rowCount())}
    assert answers["公民身份号码"] == "410305********1234" and answers["户籍是否在郑州市"] == "否"
    assert answers["居住地所在区县（市）"] == "金水区" and FULL_ID not in str(answers)
    assert view.findings_model.rowCount() > 0 and "郑政办" in view.findings_model.row_at(0).basis
    assert [p.title for p in view.papers_model.rows()] == ["受理回执"]
    assert view.timeline_model.row_at(0).what == "受理"
    for model in (view.answers_model, view.findings_model, view.papers_model, view.timeline_model,
                  view.pledges_model):
        qtmodeltester.check(model)
    # A clerk may supplement and cancel, but not decide or extend.
    assert shown(view, "supplement_button") and shown(view, "cancel_button")
    assert not shown(view, "approve_button") and not shown(view, "extend_button")
    assert isinstance(view.answers_model, AnswersModel) and isinstance(view.findings_model, FindingsModel)
    assert isinstance(view.papers_model, PapersModel) and isinstance(view.timeline_model, TimelineModel)
    assert isinstance(view.pledges_model, PledgesModel)


def test_supplement_request_and_receipt_restart_the_due_date(qtbot, db, people, papers, accepted):
    view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    before = view.values["due_on"].text()

    def fill(dialog):
        items: QListWidget = dialog.findChild(QListWidget, "items")
        items.item(2).setCheckState(Qt.CheckState.Checked)
        type_text(dialog.findChild(QLineEdit, "reason"), "证明材料已过期")
        press(dialog)

    drive(ActionDialog, fill)
    view.buttons["supplement_button"].click()
    assert view.values["status"].text() == "待补正"
    [notice] = [p for p in view.papers_model.rows() if p.kind == "supplement_notice"]
    text = pdf_text(view.previews[-1].pdf_path)
    assert "补正通知书" in text and "证明材料已过期" in text and notice.title == "补正通知书"
    close_previews(view)
    assert shown(view, "receive_button") and not shown(view, "supplement_button")
    seen: list[str] = []
    answer_next_box(seen)  # 确定
    view.buttons["receive_button"].click()
    assert "重新计算" in seen[0]
    assert view.values["status"].text() == "已受理待审核"
    after = casefile.load(db, accepted.id).summary.due_on
    assert after > date.today() and view.values["due_on"].text().startswith(after.isoformat())
    assert view.values["due_on"].text() != before


def test_supplement_without_reason_shows_the_field_error(qtbot, db, people, papers, accepted):
    view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    seen = {}

    def fill(dialog):
        seen["items"] = None
        press(dialog)
        seen["items"] = error_text(dialog, "items_error")
        seen["reason"] = error_text(dialog, "reason_error")
        press(dialog, "cancel")

    drive(ActionDialog, fill)
    view.buttons["supplement_button"].click()
    assert seen["items"] and seen["reason"] == "请填写补正原因"
    assert view.values["status"].text() == "已受理待审核"


def test_supervisor_approves_and_the_clerk_issues_to_a_proxy(qtbot, db, people, papers, accepted):
    from stdnum.cn import ric

    proxy = PROXY_ID[:17] + ric.calc_check_digit(PROXY_ID[:17] + "0")
    view = open_view(qtbot, db, people["sup"], papers, accepted.id)
    assert shown(view, "approve_button") and shown(view, "decline_button") and shown(view, "extend_button")
    drive(ActionDialog, press)
    view.buttons["approve_button"].click()
    assert view.values["status"].text() == "已批准待发放"
    assert "居住证领取凭证" in pdf_text(view.previews[-1].pdf_path)
    close_previews(view)
    clerk_view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    assert shown(clerk_view, "issue_button")

    def fill(dialog):
        dialog.findChild(QLineEdit, "receiver_name").clear()
        type_text(dialog.findChild(QLineEdit, "receiver_name"), "欧阳明")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "receiver_id_number"), proxy)
        press(dialog)  # not marked as a proxy: refused next to the ID field
        assert "代领" in error_text(dialog, "receiver_id_number_error")
        dialog.findChild(object, "by_proxy").setChecked(True)
        press(dialog)

    drive(ActionDialog, fill)
    clerk_view.buttons["issue_button"].click()
    assert clerk_view.values["status"].text() == "已办结"
    outcome = clerk_view.values["outcome"].text()
    assert "欧阳明（代领）" in outcome and proxy not in outcome and "410305********" in outcome


def test_refusal_with_a_coded_reason(qtbot, db, people, papers, accepted):
    view = open_view(qtbot, db, people["sup"], papers, accepted.id)

    def fill(dialog):
        reasons: QListWidget = dialog.findChild(QListWidget, "reasons")
        codes = [reasons.item(i).data(Qt.ItemDataRole.UserRole) for i in range(reasons.count())]
        reasons.item(codes.index("RP02")).setCheckState(Qt.CheckState.Checked)
        type_text(dialog.findChild(object, "text"), "社保记录为补缴")
        press(dialog)

    drive(ActionDialog, fill)
    view.buttons["decline_button"].click()
    assert view.values["status"].text() == "不予许可"
    text = pdf_text(view.previews[-1].pdf_path)
    assert "不予许可决定书" in text and "社保记录为补缴" in text
    close_previews(view)
    assert not any(shown(view, n) for n in ("approve_button", "issue_button", "cancel_button"))


def test_a_clerk_cannot_approve(qtbot, db, people, papers, accepted):
    view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    assert not shown(view, "approve_button")
    seen = {}

    def fill(dialog):
        press(dialog)
        seen["error"] = error_text(dialog)
        press(dialog, "cancel")

    drive(ActionDialog, fill)
    view._on_approve_clicked()  # the button is hidden; the case layer refuses anyway
    assert "无权作出审核决定" in seen["error"]
    assert casefile.load(db, accepted.id).summary.status == status.ACCEPTED


def test_reprint_of_the_receipt_is_copy_two_with_the_mark(qtbot, db, people, papers, accepted):
    view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    view.papers_view.selectRow(0)

    def fill(dialog):
        type_text(dialog.findChild(QLineEdit, "reason"), "回执遗失")
        press(dialog)

    drive(ActionDialog, fill)
    view.buttons["reprint_button"].click()
    assert [p.copy_no for p in view.papers_model.rows()] == [1, 2]
    text = pdf_text(view.previews[-1].pdf_path)
    assert "补打" in text and "第2份" in text
    assert view.papers_model.data(view.papers_model.index(1, 1)) == "第2份（补打）"
    close_previews(view)
    # 预览 of the first copy shows the original, without the mark.
    view.papers_view.selectRow(0)
    view.buttons["preview_button"].click()
    assert "补打" not in pdf_text(view.previews[-1].pdf_path)
    close_previews(view)


def test_certificate_reprint_needs_the_countersign_dialog(qtbot, db, people, papers, accepted):
    from desktop.cases import lifecycle

    lifecycle.approve(HallContext(db, people["sup"], papers), accepted.id)
    view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    row = [p.kind for p in view.papers_model.rows()].index("permit_collection")
    view.papers_view.selectRow(row)
    seen = {}

    def countersign(dialog):
        qtbot.keyClicks(dialog.findChild(QLineEdit, "username"), "zhang")  # the clerk themself
        qtbot.keyClicks(dialog.findChild(QLineEdit, "password"), "secret-456")
        press(dialog)
        seen["self"] = error_text(dialog)
        dialog.findChild(QLineEdit, "username").clear()
        qtbot.keyClicks(dialog.findChild(QLineEdit, "username"), "li")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "password"), "wrong-pass")
        press(dialog)
        seen["wrong"] = error_text(dialog)
        qtbot.keyClicks(dialog.findChild(QLineEdit, "password"), "secret-789")
        press(dialog)

    def reason(dialog):
        type_text(dialog.findChild(QLineEdit, "reason"), "凭证遗失")
        drive(CountersignDialog, countersign)
        press(dialog)

    drive(ActionDialog, reason)
    view.buttons["reprint_button"].click()
    assert "本人" in seen["self"] and "不正确" in seen["wrong"]
    copies = [p.copy_no for p in view.papers_model.rows() if p.kind == "permit_collection"]
    assert copies == [1, 2] and "补打" in pdf_text(view.previews[-1].pdf_path)
    close_previews(view)
    with db.unit() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "paper.reprint")).one()
        assert event.detail["countersign"] == "li"


def test_cancel_with_a_countersign_by_a_supervisor(qtbot, db, people, papers, accepted):
    view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    seen = {}

    def countersign(dialog):
        qtbot.keyClicks(dialog.findChild(QLineEdit, "username"), "admin")  # not a supervisor
        qtbot.keyClicks(dialog.findChild(QLineEdit, "password"), "secret-123")
        press(dialog)
        seen["admin"] = error_text(dialog)
        dialog.findChild(QLineEdit, "username").clear()
        qtbot.keyClicks(dialog.findChild(QLineEdit, "username"), "zhao")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "password"), "secret-000")
        press(dialog)

    def reason(dialog):
        type_text(dialog.findChild(QLineEdit, "reason"), "申请人撤回申请")
        drive(CountersignDialog, countersign)
        press(dialog)

    drive(ActionDialog, reason)
    view.buttons["cancel_button"].click()
    assert "不是审核人员" in seen["admin"]
    assert view.values["status"].text() == "已撤销"
    assert "申请人撤回申请" in view.values["outcome"].text() and "zhao" not in view.values["outcome"].text()
    assert "撤销" in view.timeline_model.row_at(view.timeline_model.rowCount() - 1).what


def test_reveal_id_shows_the_number_after_an_audit_row(qtbot, db, people, papers, accepted):
    view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    assert view.values["id_number"].text() == "410305********1234"
    header = view.findings_view.horizontalHeader()  # the basis wraps; the message gets the room
    assert header.sectionSize(FindingsModel.Column.BASIS) <= 190
    view.reveal_button.click()
    assert view.values["id_number"].text() == FULL_ID
    with db.unit() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "id.reveal")).one()
        assert event.actor == "zhang" and FULL_ID not in str(event.detail)
    phone = registry.get("residence_permit").example(accepted.received_on)["answers"]["phone"]
    shown = [view.answers_model.row_at(r).value for r in range(view.answers_model.rowCount())]
    assert phone in shown and FULL_ID in shown  # the answers table shows them in full too
    view.reveal_button.click()  # hide again
    assert view.values["id_number"].text() == "410305********1234"
    shown = [view.answers_model.row_at(r).value for r in range(view.answers_model.rowCount())]
    assert phone not in shown and phone[:3] + "****" + phone[-4:] in shown and FULL_ID not in shown


def test_extension_by_a_supervisor(qtbot, db, people, papers, accepted):
    view = open_view(qtbot, db, people["sup"], papers, accepted.id)
    before = casefile.load(db, accepted.id).summary.due_on

    def fill(dialog):
        dialog.findChild(object, "days").setValue(5)
        type_text(dialog.findChild(QLineEdit, "reason"), "需要实地核查")
        press(dialog)

    drive(ActionDialog, fill)
    view.buttons["extend_button"].click()
    after = casefile.load(db, accepted.id).summary.due_on
    assert after > before and view.values["due_on"].text().startswith(after.isoformat())
    assert "需要实地核查" in view.values["outcome"].text()


def test_papers_of_the_case_match_the_register(qtbot, db, people, papers, accepted):
    view = open_view(qtbot, db, people["clerk"], papers, accepted.id)
    assert [p.id for p in view.papers_model.rows()] == [p.id for p in reprints.papers_of(db, accepted.id)]


def test_the_case_view_lists_each_deadline_with_its_own_state(qtbot, db, people, papers):
    """Issue 14: the 居住证 review and issue each go overdue on their own, and the case view says which."""
    from datetime import datetime

    from desktop.cases import lifecycle

    now = datetime(2026, 11, 25, 10, 0)  # a Wednesday: review due 12-02, issue 12-07
    case = accept_example(db, people["clerk"], papers, now=now).case
    day = {"today": date(2026, 12, 4)}
    view = CaseView(db, people["sup"], Settings(window_no="01", output_dir=str(papers)), case.id,
                    today=lambda: day["today"])
    qtbot.addWidget(view)
    view.show()

    def rows():
        m = view.deadlines_model
        return [tuple(m.data(m.index(r, c)) for c in range(3)) for r in range(m.rowCount())]

    assert rows() == [("审核完毕", "2026-12-02", "已超期2日（计时中）"), ("制作发放居住证", "2026-12-07", "计时中")]
    m = view.deadlines_model
    assert m.data(m.index(0, 2), Qt.ItemDataRole.ForegroundRole) is not None  # the late one is red
    assert m.data(m.index(1, 2), Qt.ItemDataRole.ForegroundRole) is None
    assert view.tabs.isTabVisible(view.tabs.indexOf(view.deadlines_view))
    lifecycle.approve(HallContext(db, people["sup"], papers), case.id, now=datetime(2026, 12, 4, 9))
    day["today"] = date(2026, 12, 8)
    view.reload()
    assert rows() == [("审核完毕", "2026-12-02", "已完成（超期）（2026-12-04）"),
                      ("制作发放居住证", "2026-12-07", "已超期1日（计时中）")]


def test_an_ebike_case_concluded_at_the_window_offers_only_its_revocation(qtbot, db, people, papers):
    """Issue 13: 已办结（当场办结）; no review buttons; 撤销登记 countersigned prints its decision."""
    from desktop.cases import intake
    from desktop.cases.services.ebike import registry as ebike

    example = registry.get("ebike_registration").example(date.today())
    case = intake.accept(HallContext(db, people["clerk"], papers),
                         "ebike_registration", example["answers"], example["materials"]).case
    view = open_view(qtbot, db, people["sup"], papers, case.id)
    assert view.values["status"].text() == "已办结（当场办结）"
    assert "现场查验通过" in view.values["outcome"].text() and "当场办结" in view.values["outcome"].text()
    whats = [view.timeline_model.row_at(r).what for r in range(view.timeline_model.rowCount())]
    assert "现场查验" in whats and "当场办结" in whats
    assert [name for name in view.buttons if name.endswith("_button") and shown(view, name)
            and name not in ("preview_button", "reprint_button")] == ["cancel_button"]
    answers = {view.answers_model.row_at(r).label: view.answers_model.row_at(r).value
               for r in range(view.answers_model.rowCount())}
    assert answers["电机上的电机号与整车合格证一致"] == "一致"

    def countersign(dialog):
        qtbot.keyClicks(dialog.findChild(QLineEdit, "username"), "zhao")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "password"), "secret-000")
        press(dialog)

    def reason(dialog):
        assert dialog.windowTitle() == "撤销登记"
        type_text(dialog.findChild(QLineEdit, "reason"), "所有人身份信息录入错误")
        drive(CountersignDialog, countersign)
        press(dialog)

    drive(ActionDialog, reason)
    view.buttons["cancel_button"].click()
    assert view.values["status"].text() == "已撤销"
    assert "撤销登记：所有人身份信息录入错误" in view.values["outcome"].text()
    assert [p.title for p in view.papers_model.rows()][-1] == "撤销登记决定书"
    decision = pdf_text(view.previews[-1].pdf_path).replace("\n", "")  # the paper opened in its preview
    assert "撤销登记决定书" in decision and "所有人身份信息录入错误" in decision and "郑A00001" in decision
    assert ebike.find_registration(db, example["answers"]["frame_no"]) is None
    close_previews(view)
