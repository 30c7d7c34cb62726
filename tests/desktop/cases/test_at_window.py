"""Procedures decided at the window (issue 13, 第十四条): inspected, registered and concluded in one unit, no review."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop.cases import actions, at_window, casefile, intake, lifecycle, queries, worklists
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import plates, registry as ebike
from desktop.cases.services.ebike.models import EbikeRegistration, PlatePool
from desktop.store.deadline_models import CaseDeadline
from desktop.store.models import AuditEvent, Case, Document
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)
FRAME = "119TDT240512345"
EBIKES = ("ebike_registration", "ebike_transfer", "ebike_theft")


def _text(path: str) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def _case(service_id: str, now: datetime = NOW, **changes) -> tuple[dict, dict]:
    example = registry.get(service_id).example(now.date())
    if service_id in ("ebike_transfer", "ebike_theft"):
        changes = {"plate_no": "郑A00001", **changes}  # the plate the first registration gets
    return dict(example["answers"], **changes), example["materials"]


def _accept(db, actor, tmp_path, service_id: str, now: datetime = NOW, **changes) -> intake.IntakeResult:
    answers, materials = _case(service_id, now, **changes)
    return intake.accept(HallContext(db, actor, tmp_path), service_id, answers, materials, now=now)


def _events(db, case_id: int) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)))


def test_the_flag_is_set_on_every_ebike_procedure_and_no_other():
    assert set(EBIKES) <= set(at_window.service_ids())
    assert not at_window.applies("residence_permit") and not at_window.applies("startup_subsidy")
    assert at_window.accept_label(registry.get("ebike_registration")) == "登记并发牌（当场办结）"


def test_accepting_a_registration_inspects_registers_issues_the_plate_and_concludes(db, people, tmp_path):
    result = _accept(db, people["clerk"], tmp_path, "ebike_registration")
    assert result.case.status == "issued" and result.case.status_label == "已办结"
    with db.read() as s:
        row = s.get(Case, result.case.id)
        assert (row.accepted_on, row.closed_on) == (NOW.date(), NOW.date())
        assert row.lifecycle["issue"] == {"on": "2026-11-25", "at_window": True, "by": "张伟"}
        inspection = row.lifecycle["inspection"]
        assert inspection["passed"] and [i["result"] for i in inspection["items"]] == ["match"] * 3
        assert [(d.state, d.met_on) for d in s.scalars(select(CaseDeadline).where(
            CaseDeadline.case_id == row.id))] == [("met", NOW.date())]
        assert s.scalar(select(EbikeRegistration.plate_no).where(EbikeRegistration.registered_case_id == row.id)) \
            == "郑A00001"
    # One unit, in this order: accepted, inspected, registered, concluded, and its two papers.
    assert _events(db, result.case.id) == ["case.accepted", "case.inspected", "ebike.registered", "case.issued",
                                           "paper.made", "paper.made"]
    labels = [e.label for e in worklists.timeline(db, result.case.id)]
    assert labels[:4] == ["受理", "现场查验", "登记上牌", "当场办结"]
    receipt = _text(result.paper.pdf_path)
    assert "受理及办结回执" in receipt and "2026年11月25日当场办结" in receipt and "办理时限" not in receipt
    [certificate] = result.extra_papers
    text = _text(certificate.pdf_path)
    assert "当场核发号牌郑A00001" in text.replace("\n", "")
    assert "现场查验 车架号、电机号、合格证与车辆均一致（查验人张伟）" in text
    assert len(PdfReader(certificate.pdf_path).pages) == 1


@pytest.mark.parametrize("service_id", ["ebike_transfer", "ebike_theft"])
def test_transfer_and_theft_are_concluded_at_the_window_too_without_an_inspection(db, people, tmp_path, service_id):
    _accept(db, people["clerk"], tmp_path, "ebike_registration", NOW - timedelta(days=30))
    result = _accept(db, people["clerk"], tmp_path, service_id)
    assert result.case.status == "issued"
    events = _events(db, result.case.id)
    assert "case.inspected" not in events  # NOTE: 第十五条 asks for none (README, issue 13)
    assert events.index("case.accepted") < events.index("case.issued")
    assert "当场办结" in _text(result.paper.pdf_path)


def test_a_failure_after_the_inspection_leaves_nothing(db, people, admin, tmp_path):
    """The inspection, the registration and the close are one transaction: no plate, nothing is kept."""
    plates.set_series(db, admin, "郑C", 3)
    with db.unit() as s:
        s.get(PlatePool, "郑C").next_no = 1000  # the series is used up: the registry hook fails
    with pytest.raises(ActionRefused):
        _accept(db, people["clerk"], tmp_path, "ebike_registration")
    with db.read() as s:
        assert s.scalar(select(func.count(Case.id))) == 0
        assert s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.in_(
            ("case.inspected", "case.issued", "case.accepted")))) == 0
        assert s.scalar(select(func.count(EbikeRegistration.id))) == 0


def test_no_review_queue_entry_and_every_review_step_refused(db, people, tmp_path):
    bike = _accept(db, people["clerk"], tmp_path, "ebike_registration").case
    permit = _accept(db, people["clerk"], tmp_path, "residence_permit").case
    assert [c.id for c in worklists.review_queue(db)] == [permit.id]
    hall = HallContext(db, people["sup"], tmp_path)
    for step in (lambda: lifecycle.approve(hall, bike.id, now=NOW),
                 lambda: lifecycle.refuse(hall, bike.id, ["EB01"], now=NOW),
                 lambda: lifecycle.request_supplement(hall, bike.id, ["合格证"], "不清晰", now=NOW),
                 lambda: lifecycle.extend(hall, bike.id, 3, "核查", now=NOW)):
        with pytest.raises(ActionRefused, match=r"当场办结.*没有审核环节"):
            step()
    assert queries.get_case(db, bike.id).summary.status == "issued"
    assert _events(db, bike.id)[-1] == "paper.made"  # nothing was written by the refused steps
    offered = actions.offered(casefile.load(db, bike.id), people["sup"].account)
    assert offered == {"cancel"}  # revocation (撤销登记) only


def test_a_failed_inspection_prints_the_refusal_naming_the_mismatch(db, people, tmp_path):
    answers, materials = _case("ebike_registration", inspect_motor="mismatch")
    clerk = people["clerk"]
    with pytest.raises(ActionRefused):  # never registered
        intake.accept(HallContext(db, clerk, tmp_path), "ebike_registration", answers, materials, now=NOW)
    with pytest.raises(ActionRefused, match="不一致情况"):  # the paper must say what did not match
        intake.refuse(HallContext(db, clerk, tmp_path), "ebike_registration", answers, materials, now=NOW)
    answers["inspect_note"] = "电机钢印为M24B009999，合格证载M24A001234"
    result = intake.refuse(HallContext(db, clerk, tmp_path), "ebike_registration", answers, materials, now=NOW)
    assert result.case.status == "not_accepted" and result.paper.title == "不予登记通知书"
    assert result.case.status_label == "不予登记"  # the procedure's own word in every list
    text = _text(result.paper.pdf_path).replace("\n", "")
    for part in ("不予登记通知书", "决定不予登记", "电机号与整车合格证所载不一致",
                 "电机钢印为M24B009999，合格证载M24A001234",
                 "第十四条", "行政复议", "行政诉讼", "重新申请"):
        assert part in text, part
    assert ebike.find_registration(db, FRAME) is None
    with db.read() as s:
        assert s.scalar(select(func.count(EbikeRegistration.id))) == 0


def test_revoking_a_concluded_registration_needs_a_countersign_and_prints_the_decision(db, people, tmp_path, signs):
    bike = _accept(db, people["clerk"], tmp_path, "ebike_registration").case
    with pytest.raises(ActionRefused):
        lifecycle.cancel(HallContext(db, people["clerk"], tmp_path), bike.id, "车架号录入错误", None, now=NOW)
    with pytest.raises(ActionRefused, match="撤销登记决定书"):
        lifecycle.cancel(HallContext(db, people["clerk"]), bike.id, "车架号录入错误", signs["sup"], now=NOW)
    assert ebike.find_registration(db, FRAME) is not None  # still registered: nothing half-done
    step = lifecycle.cancel(HallContext(db, people["clerk"], tmp_path), bike.id, "车架号录入错误", signs["sup"],
                            now=NOW + timedelta(days=1))
    assert step.case.status == "cancelled" and ebike.find_registration(db, FRAME) is None
    (paper,) = step.papers
    text = _text(paper.pdf_path)
    for part in ("撤销登记决定书", "2026年11月25日办理的电动自行车登记上牌", "车架号录入错误", "郑A00001",
                 "第六十九条", "不再核发", "复核人：李娜", "行政复议"):
        assert part in text, part
    with db.read() as s:
        assert s.scalar(select(Document.kind).where(Document.id == paper.id)) == "revocation_decision"


def test_a_case_accepted_before_the_flow_changed_is_concluded_not_reviewed(db, people, tmp_path):
    """An e-bike case an older HallDesk left 已受理待审核 (its plate issued then): 办结, never decided."""
    bike = _accept(db, people["clerk"], tmp_path, "ebike_registration").case
    with db.unit() as s:  # what the old flow left behind: accepted, the registration in effect
        row = s.get(Case, bike.id)
        row.status, row.closed_on, row.lifecycle = "accepted", None, {}
    assert worklists.review_queue(db) == []
    file = casefile.load(db, bike.id)
    assert actions.offered(file, people["sup"].account) == {"conclude", "cancel"}
    with pytest.raises(ActionRefused, match="没有审核环节"):
        lifecycle.approve(HallContext(db, people["sup"], tmp_path), bike.id, now=NOW)
    step = lifecycle.conclude_at_window(HallContext(db, people["clerk"]), bike.id, now=NOW + timedelta(days=1))
    assert step.case.status == "issued"
    assert casefile.load(db, bike.id).lifecycle.issue.legacy is True


def test_an_old_draft_with_the_single_tick_opens_and_is_accepted(db, people, tmp_path):
    answers, materials = _case("ebike_registration")
    for key in ("inspect_frame", "inspect_motor", "inspect_certificate"):
        answers.pop(key)
    draft = intake.save_draft(db, people["clerk"], "ebike_registration", answers, materials, now=NOW)
    with db.unit() as s:  # as an older HallDesk stored it
        row = s.get(Case, draft.id)
        row.answers = {**row.answers, "vehicle_inspected": True}
    resumed = queries.get_case(db, draft.id).answers
    assert "vehicle_inspected" not in resumed and resumed["inspect_frame"] == "match"
    assert "inspect_motor" not in resumed  # unanswered, never assumed
    assert casefile.load(db, draft.id).answers["inspect_frame"] == "match"
    old = dict(answers, vehicle_inspected=True)  # a page still holding the old key
    assert intake.assess_case(db, "ebike_registration", old, materials, NOW.date()).decision.value == "incomplete"
    result = intake.accept(HallContext(db, people["clerk"], tmp_path), "ebike_registration",
                           dict(old, inspect_motor="match", inspect_certificate="match"), materials,
                           case_id=draft.id, now=NOW)
    assert result.case.status == "issued"
    with db.read() as s:
        assert "vehicle_inspected" not in s.get(Case, draft.id).answers


def test_rongque_does_not_apply_at_the_window(db, people, tmp_path):
    answers, materials = _case("ebike_registration")
    with pytest.raises(ActionRefused, match="当场办结"):
        intake.accept_with_pledge(HallContext(db, people["clerk"], tmp_path), "ebike_registration", answers, materials,
                                  due=NOW.date() + timedelta(days=1), now=NOW)
