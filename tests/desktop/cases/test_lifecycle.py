"""Every transition and every illegal one, the supplement clock, pledges, reprints — over real SQLite."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop.cases import accounts, casefile, intake, lifecycle, pledges, reprints, status, worklists
from desktop.cases.dto import PledgeInfo, ReasonRow
from desktop.cases.errors import ActionRefused, InputError
from desktop.cases.hall_context import HallContext
from desktop.store import audit
from desktop.store.models import AuditEvent, Case, Document
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def accepted(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    return intake.accept(HallContext(db, people["clerk"], tmp_path),
                         "residence_permit", case["answers"], case["materials"], now=NOW).case


def text_of(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages)


def test_supplement_stops_and_restarts_the_clock(db, people, accepted, tmp_path):
    assert accepted.due_on == date(2026, 12, 7)
    step = lifecycle.request_supplement(HallContext(db, people["clerk"], tmp_path),
                                        accepted.id, ["社保缴费证明原件"], "共享数据不完整",
                                        now=datetime(2026, 11, 27, 9))
    assert step.case.status == status.SUPPLEMENT
    assert "补正通知书" in text_of(step.papers[0].pdf_path) and "社保缴费证明原件" in text_of(step.papers[0].pdf_path)
    # Not overdue while waiting for the applicant, even long after the old due date.
    assert worklists.overdue(db, date(2026, 12, 20)) == []
    back = lifecycle.receive_supplement(HallContext(db, people["clerk"]), accepted.id, now=datetime(2026, 12, 10, 15))
    # Restarted from the day after 12-10: 5 working days → 12-17; 10 days → 12-20 (Sunday) → 12-21.
    assert back.case.status == status.ACCEPTED and back.case.due_on == date(2026, 12, 21)
    # Each deadline goes overdue on its own: the review (12-17) first, then the issue (12-21).
    assert [(d.case.id, d.key) for d in worklists.overdue(db, date(2026, 12, 18))] == [(accepted.id, "review")]
    assert [(d.case.id, d.key) for d in worklists.overdue(db, date(2026, 12, 22))] == [
        (accepted.id, "review"), (accepted.id, "issue")]


def test_second_extension_and_supplement_are_kept(db, people, accepted, tmp_path):
    # Each step appends to a list already stored in the lifecycle JSON.
    lifecycle.extend(HallContext(db, people["sup"], tmp_path), accepted.id, 3, "第一次延长", now=NOW)
    lifecycle.extend(HallContext(db, people["sup"], tmp_path), accepted.id, 2, "第二次延长", now=NOW)
    for day, item in ((26, "社保缴费证明原件"), (28, "租赁合同原件")):
        lifecycle.request_supplement(HallContext(db, people["clerk"], tmp_path), accepted.id, [item], "材料不清",
                                     now=datetime(2026, 11, day, 9))
        lifecycle.receive_supplement(HallContext(db, people["clerk"]), accepted.id, now=datetime(2026, 11, day + 1, 9))
    with db.unit() as s:
        life = s.get(Case, accepted.id).lifecycle
    assert [e["reason"] for e in life["extensions"]] == ["第一次延长", "第二次延长"]
    assert [x["items"] for x in life["supplements"]] == [["社保缴费证明原件"], ["租赁合同原件"]]
    assert all("received_on" in x for x in life["supplements"])


def test_approve_prints_collection_voucher_then_issue_to_a_proxy(db, people, accepted, tmp_path):
    with pytest.raises(ActionRefused):
        lifecycle.approve(HallContext(db, people["clerk"], tmp_path), accepted.id)  # clerks do not decide
    step = lifecycle.approve(HallContext(db, people["sup"], tmp_path), accepted.id, now=NOW)
    assert step.case.status == status.APPROVED
    voucher = text_of(step.papers[0].pdf_path)
    assert "居住证领取凭证" in voucher and accepted.case_no in voucher and "410305********1234" in voucher
    with pytest.raises(InputError) as info:
        lifecycle.issue(HallContext(db, people["clerk"]), accepted.id, "欧阳明", "410305198001010011", by_proxy=True)
    assert "receiver_id_number" in info.value.errors
    from stdnum.cn import ric

    proxy_id = "41030519800101001" + ric.calc_check_digit("41030519800101001" + "0")
    with pytest.raises(InputError):  # someone else, not marked as proxy
        lifecycle.issue(HallContext(db, people["clerk"]), accepted.id, "欧阳明", proxy_id, by_proxy=False)
    done = lifecycle.issue(HallContext(db, people["clerk"]), accepted.id, "欧阳明", proxy_id, by_proxy=True, now=NOW)
    assert done.case.status == status.ISSUED
    with db.unit() as s:
        row = s.get(Case, accepted.id)
        assert row.lifecycle["issue"]["by_proxy"] and row.closed_on == NOW.date()


def test_refusal_decision_with_coded_reasons(db, people, accepted, tmp_path):
    codes = [r.code for r in lifecycle.decision_reasons(db, "residence_permit")]
    assert "RP02" in codes
    with pytest.raises(InputError):
        lifecycle.refuse(HallContext(db, people["sup"], tmp_path), accepted.id, [])
    with pytest.raises(InputError):
        lifecycle.refuse(HallContext(db, people["sup"], tmp_path), accepted.id, ["XX99"])
    step = lifecycle.refuse(HallContext(db, people["sup"], tmp_path), accepted.id, ["RP02"], "社保记录为补缴", now=NOW)
    text = text_of(step.papers[0].pdf_path)
    assert "不予许可决定书" in text and "郑政办〔2021〕8号 第二部分" in text and "社保记录为补缴" in text
    assert "行政复议" in text


@pytest.mark.parametrize("action", ["issue", "supplement", "approve", "cancel"])
def test_closed_cases_refuse_every_move(db, people, accepted, tmp_path, action, signs):
    lifecycle.refuse(HallContext(db, people["sup"], tmp_path), accepted.id, ["RP02"], now=NOW)
    with pytest.raises(ActionRefused) as info:
        if action == "issue":
            lifecycle.issue(HallContext(db, people["clerk"]),
                            accepted.id, "欧阳娜娜", "410305199001011234", by_proxy=False)
        elif action == "supplement":
            lifecycle.request_supplement(HallContext(db, people["clerk"], tmp_path), accepted.id, ["x"], "y")
        elif action == "approve":
            lifecycle.approve(HallContext(db, people["sup"], tmp_path), accepted.id)
        else:
            lifecycle.cancel(HallContext(db, people["clerk"]), accepted.id, "误录", signs["sup"])
    assert "不予许可" in info.value.message
    with db.unit() as s:
        assert s.get(Case, accepted.id).status == status.REFUSED


def test_issue_before_approval_is_refused(db, people, accepted):
    with pytest.raises(ActionRefused):
        lifecycle.issue(HallContext(db, people["clerk"]), accepted.id, "欧阳娜娜", "410305199001011234", by_proxy=False)


def test_cancel_needs_a_second_person(db, people, accepted, signs):
    with pytest.raises(ActionRefused):
        lifecycle.cancel(HallContext(db, people["clerk"]), accepted.id, "申请人撤回", None)
    with pytest.raises(ActionRefused):  # the same person cannot countersign
        lifecycle.cancel(HallContext(db, people["sup"]), accepted.id, "申请人撤回", signs["sup"])
    with pytest.raises(ActionRefused):  # a clerk cannot countersign
        lifecycle.cancel(HallContext(db, people["sup"]), accepted.id, "申请人撤回", signs["clerk"])
    with pytest.raises(InputError):
        lifecycle.cancel(HallContext(db, people["clerk"]), accepted.id, " ", signs["sup"])
    step = lifecycle.cancel(HallContext(db, people["clerk"]), accepted.id, "申请人撤回", signs["sup"], now=NOW)
    assert step.case.status == status.CANCELLED
    with db.unit() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "case.cancelled")).one()
        assert event.detail["countersign"] == "li" and event.actor == "zhang"


def test_countersign_checks_the_password_and_the_person(db, people):
    clerk = people["clerk"].account
    assert accounts.countersign(db, clerk, "li", "secret-789", "03").username == "li"
    with pytest.raises(ActionRefused):
        accounts.countersign(db, clerk, "li", "wrong-password", "03")
    with pytest.raises(ActionRefused):
        accounts.countersign(db, clerk, "zhang", "secret-456", "03")


def test_extension_is_for_supervisors_and_moves_the_due_date(db, people, accepted, tmp_path):
    with pytest.raises(ActionRefused):
        lifecycle.extend(HallContext(db, people["clerk"], tmp_path), accepted.id, 5, "需要实地核查")
    with pytest.raises(InputError):
        lifecycle.extend(HallContext(db, people["sup"], tmp_path), accepted.id, 0, "需要实地核查")
    step = lifecycle.extend(HallContext(db, people["sup"], tmp_path), accepted.id, 5, "需要实地核查", now=NOW)
    assert step.case.due_on == date(2026, 12, 14)  # 12-07 + 5 working days


def test_worklists_due_soon_and_review_queue(db, people, accepted):
    assert [c.id for c in worklists.review_queue(db)] == [accepted.id]
    # The review is due 12-02, the issue 12-07: each deadline is its own row in the lists.
    assert [(d.case.id, d.key) for d in worklists.due_soon(db, date(2026, 12, 5))] == [(accepted.id, "issue")]
    assert [(d.key, d.overdue) for d in worklists.overdue(db, date(2026, 12, 5))] == [("review", True)]
    assert [d.key for d in worklists.due_soon(db, date(2026, 11, 30))] == ["review"]
    assert worklists.due_soon(db, date(2026, 11, 26)) == []
    assert [d.key for d in worklists.overdue(db, date(2026, 12, 8))] == ["review", "issue"]


def test_timeline_records_who_when_and_from_which_window(db, people, accepted, tmp_path):
    lifecycle.approve(HallContext(db, people["sup2"], tmp_path), accepted.id, now=NOW)
    events = worklists.timeline(db, accepted.id)
    assert [e.label for e in events][:3] == ["受理", "生成文书", "批准"]
    assert events[2].actor == "赵敏（zhao）" and events[2].window == "05"


def test_rongque_acceptance_with_a_pledge(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    materials = dict(case["materials"])
    materials.pop("residence_proof")  # non-core
    assessment = intake.assess_case(db, "residence_permit", case["answers"], materials, NOW.date())
    assert pledges.rongque_possible(assessment)
    with pytest.raises(ActionRefused):  # past the handling deadline (2026-12-02 for the review)
        intake.accept_with_pledge(HallContext(db, people["clerk"], tmp_path),
                                  "residence_permit", case["answers"], materials,
                                  due=date(2026, 12, 10), now=NOW)
    result = intake.accept_with_pledge(HallContext(db, people["clerk"], tmp_path),
                                       "residence_permit", case["answers"], materials,
                                       due=date(2026, 12, 1), now=NOW)
    assert result.case.status == status.ACCEPTED
    kinds = [p.kind for p in result.extra_papers]
    assert kinds == ["rongque_notice", "pledge"]
    notice = text_of(result.extra_papers[0].pdf_path)
    assert "容缺受理通知书" in notice and "居住、就业或就读证明" in notice and "2026-12-01" in notice
    # The receipt itself says what is missing and by when, not 材料齐全 (issue 14).
    receipt = text_of(result.paper.pdf_path)
    assert "容缺受理" in receipt and "居住、就业或就读证明" in receipt and "2026-12-01前补齐" in receipt
    assert "申请材料齐全、符合法定形式，决定予以受理" not in receipt
    due = worklists.pledges_due(db, date(2026, 11, 29))
    assert len(due) == 1 and not due[0].overdue
    assert worklists.pledges_due(db, date(2026, 12, 2))[0].overdue
    pledges.fulfil(db, people["clerk"], due[0].pledge_id, date(2026, 11, 30))
    assert worklists.pledges_due(db, date(2026, 12, 2)) == []


def test_rongque_due_date_starts_at_the_handling_deadline(db):
    case = registry.get("residence_permit").example(NOW.date())
    materials = dict(case["materials"])
    materials.pop("residence_proof")
    assessment = intake.assess_case(db, "residence_permit", case["answers"], materials, NOW.date())
    assert pledges.default_due(assessment, NOW.date()) == (date(2026, 12, 2), date(2026, 12, 2))
    undated = dataclasses.replace(assessment, deadlines=())
    assert pledges.default_due(undated, NOW.date()) == (date(2026, 11, 30), None)


def test_core_material_missing_is_not_rongque(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    materials = dict(case["materials"])
    materials.pop("application_form")  # core
    with pytest.raises(ActionRefused):
        intake.accept_with_pledge(HallContext(db, people["clerk"], tmp_path),
                                  "residence_permit", case["answers"], materials,
                                  due=date(2026, 12, 1), now=NOW)


def test_gaozhi_pledge_replaces_a_proof(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    materials = dict(case["materials"], residence_proof="pledged")
    result = intake.accept(HallContext(db, people["clerk"], tmp_path),
                           "residence_permit", case["answers"], materials, now=NOW)
    pledge = [p for p in result.extra_papers if p.kind == "pledge"]
    assert pledge and "告知承诺" in text_of(pledge[0].pdf_path)
    assert [p.kind for p in pledges.open_pledges(db, result.case.id)] == ["gaozhi"]


def test_reasons_and_pledges_leave_the_case_layer_as_frozen_data(db, people, tmp_path):
    case = registry.get("residence_permit").example(NOW.date())
    materials = dict(case["materials"], residence_proof="pledged")
    result = intake.accept(HallContext(db, people["clerk"], tmp_path),
                           "residence_permit", case["answers"], materials, now=NOW)
    [pledge] = pledges.open_pledges(db, result.case.id)
    assert isinstance(pledge, PledgeInfo) and pledge.kind_label == "告知承诺"
    assert casefile.load(db, result.case.id).pledges == (pledge,)
    reasons = lifecycle.decision_reasons(db, "residence_permit")
    assert reasons and all(isinstance(r, ReasonRow) for r in reasons)
    with pytest.raises(dataclasses.FrozenInstanceError):
        reasons[0].label = "改"  # type: ignore[misc]


def test_reprint_numbering_mark_and_countersign(db, people, accepted, tmp_path, signs):
    receipt = reprints.papers_of(db, accepted.id)[0]
    with pytest.raises(InputError):
        reprints.reprint(HallContext(db, people["clerk"], tmp_path), receipt.id, "")
    copy2 = reprints.reprint(HallContext(db, people["clerk"], tmp_path), receipt.id, "回执遗失", now=NOW)
    copy3 = reprints.reprint(HallContext(db, people["clerk"], tmp_path), receipt.id, "再次遗失", now=NOW)
    assert (copy2.copy_no, copy3.copy_no) == (2, 3)
    text = text_of(copy2.pdf_path)
    assert "补打" in text and "第2份" in text
    original = text_of(sorted(tmp_path.glob("*-receipt-1.pdf"))[0])
    assert accepted.case_no in original and "补打" not in original
    # A certificate needs a supervisor's countersign.
    step = lifecycle.approve(HallContext(db, people["sup"], tmp_path), accepted.id, now=NOW)
    voucher = step.papers[0]
    with pytest.raises(ActionRefused):
        reprints.reprint(HallContext(db, people["clerk"], tmp_path), voucher.id, "遗失")
    again = reprints.reprint(HallContext(db, people["clerk"], tmp_path), voucher.id, "遗失", signs["sup"], now=NOW)
    assert again.copy_no == 2
    with db.unit() as s:
        assert s.scalar(select(func.count(Document.id)).where(Document.case_id == accepted.id)) == 5
        assert audit.verify(s)[0]


def test_clerk_permission_is_enforced_at_the_case_layer(db, people, accepted, tmp_path):
    for call in (
        lambda: lifecycle.approve(HallContext(db, people["clerk"], tmp_path), accepted.id),
        lambda: lifecycle.refuse(HallContext(db, people["clerk"], tmp_path), accepted.id, ["RP02"]),
        lambda: lifecycle.extend(HallContext(db, people["clerk"], tmp_path), accepted.id, 3, "x"),
        lambda: lifecycle.cancel(HallContext(db, people["clerk"]), accepted.id, "x", None),
    ):
        with pytest.raises(ActionRefused):
            call()
    with db.unit() as s:
        assert s.get(Case, accepted.id).status == status.ACCEPTED


def test_reasons_are_scoped_to_the_cases_procedure(db, people, accepted, tmp_path):
    offered = {sid: {r.code for r in lifecycle.decision_reasons(db, sid)}
               for sid in ("residence_permit", "startup_subsidy", "ebike_registration", "ebike_transfer",
                           "ebike_theft")}
    assert offered["residence_permit"] == {"RP01", "RP02", "RP03"}
    assert offered["startup_subsidy"] == {"CY01", "CY02"}
    assert offered["ebike_registration"] == {"EB01", "EB02"}
    assert offered["ebike_transfer"] == {"EB03"} and offered["ebike_theft"] == {"EB04"}
    # The case layer refuses a reason of another procedure even if a caller sends it.
    with pytest.raises(InputError, match="不适用于居住证申领"):
        lifecycle.refuse(HallContext(db, people["sup"], tmp_path), accepted.id, ["RP02", "CY01"], now=NOW)
    assert casefile.load(db, accepted.id).summary.status == "accepted"
