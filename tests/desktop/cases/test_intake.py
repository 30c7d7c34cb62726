"""Accept, one-time notice and refusal over a real SQLite file, with the papers parsed back."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop.cases import intake, numbers, queries, status
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.store import audit
from desktop.store.models import AuditEvent, Case, Document
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)


@pytest.fixture
def actor(admin):
    return Actor(admin, "03", "郑州市金水区政务服务中心")


@pytest.fixture
def case():
    return registry.get("residence_permit").example(NOW.date())


def _text(path: str) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_accept_stores_case_receipt_and_audit(db, actor, case, tmp_path):
    result = intake.accept(HallContext(db, actor, tmp_path / "papers"),
                           "residence_permit", case["answers"], case["materials"],
                           now=NOW)
    assert result.case.status == status.ACCEPTED
    assert numbers.is_valid_case_no(result.case.case_no)
    assert result.case.case_no.startswith("JZ03261125")
    text = _text(result.paper.pdf_path)
    assert "受理回执" in text and "欧阳娜娜" in text and result.case.case_no in text
    assert "410305********1234" in text and "410305199001011234" not in text
    assert "2026-12-02" in text  # 5 working days after 2026-11-25
    with db.unit() as s:
        row = s.scalar(select(Case))
        assert row.accepted_on == NOW.date() and row.due_on == date(2026, 12, 7)
        assert row.assessment["decision"] == "accept"
        assert s.scalar(select(func.count(Document.id))) == 1
        assert [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))][-2:] == [
            "case.accepted", "paper.made"]
        assert audit.verify(s)[0]
    assert [c.case_no for c in queries.list_cases(db)] == [result.case.case_no]


def test_case_numbers_are_sequential_per_window_and_day(db, actor, case, tmp_path):
    first = intake.accept(HallContext(db, actor, tmp_path),
                          "residence_permit", case["answers"], case["materials"], now=NOW)
    second = intake.accept(HallContext(db, actor, tmp_path),
                           "residence_permit", case["answers"], case["materials"], now=NOW)
    assert first.case.case_no[:14] == "JZ032611250001"
    assert second.case.case_no[:14] == "JZ032611250002"
    other_window = Actor(actor.account, "04", actor.hall)
    third = intake.accept(HallContext(db, other_window, tmp_path),
                          "residence_permit", case["answers"], case["materials"], now=NOW)
    assert third.case.case_no[:14] == "JZ042611250001"


def test_incomplete_gives_notice_and_keeps_draft(db, actor, case, tmp_path):
    materials = dict(case["materials"])
    del materials["photo"]
    del materials["application_form"]
    answers = dict(case["answers"], phone="")
    result = intake.give_notice(HallContext(db, actor, tmp_path), "residence_permit", answers, materials, now=NOW)
    assert result.case.status == status.DRAFT
    text = _text(result.paper.pdf_path)
    assert "一次性告知书" in text
    assert "1寸免冠彩色照片" in text and "暂住登记申请表" in text and "联系电话" in text
    # Resume the draft: hand in everything, accept the same case under the same number.
    accepted = intake.accept(HallContext(db, actor, tmp_path), "residence_permit", case["answers"], case["materials"],
                             case_id=result.case.id, now=NOW)
    assert accepted.case.id == result.case.id and accepted.case.case_no == result.case.case_no
    assert accepted.case.status == status.ACCEPTED


def test_refusal_lists_reasons_and_remedies(db, actor, case, tmp_path):
    answers = dict(case["answers"], hukou_in_zhengzhou=True)
    result = intake.refuse(HallContext(db, actor, tmp_path), "residence_permit", answers, case["materials"], now=NOW)
    assert result.case.status == status.NOT_ACCEPTED
    text = _text(result.paper.pdf_path)
    assert "不予受理通知书" in text and "户籍在郑州市" in text and "郑政办〔2021〕8号" in text
    assert "行政复议" in text and "6个月" in text


def test_wrong_outcome_is_refused_and_nothing_is_stored(db, actor, case, tmp_path):
    answers = dict(case["answers"], hukou_in_zhengzhou=True)
    with pytest.raises(ActionRefused):
        intake.accept(HallContext(db, actor, tmp_path), "residence_permit", answers, case["materials"], now=NOW)
    with pytest.raises(ActionRefused):
        intake.give_notice(HallContext(db, actor, tmp_path),
                           "residence_permit", case["answers"], case["materials"], now=NOW)
    with db.unit() as s:
        assert s.scalar(select(func.count(Case.id))) == 0
        assert s.scalar(select(func.count(Document.id))) == 0
    assert not list(Path(tmp_path).glob("*.pdf"))


@pytest.mark.parametrize("action", ["refuse", "give_notice"])
def test_no_refusal_or_notice_while_a_typed_answer_must_be_corrected(db, actor, case, tmp_path, action):
    # A refusable case (户籍在郑州市) or an incomplete one, with an ID number whose check digit is wrong:
    # the paper would carry the mistyped number (masked, so no one would see it).
    good = case["answers"]["id_number"]
    answers = dict(case["answers"], id_number=good[:-1] + ("1" if good[-1] == "0" else "0"))
    if action == "refuse":
        answers["hukou_in_zhengzhou"] = True
    materials = case["materials"] if action == "refuse" else {}
    assessment = intake.assess_case(db, "residence_permit", answers, materials, NOW.date())
    assert assessment.corrections() and assessment.decision.value == ("refuse" if action == "refuse" else "incomplete")
    with pytest.raises(ActionRefused, match="请先更正") as refused:
        getattr(intake, action)(HallContext(db, actor, tmp_path), "residence_permit", answers, materials, now=NOW)
    assert "校验位" in refused.value.message
    with db.unit() as s:
        assert s.scalar(select(func.count(Case.id))) == 0
        assert s.scalar(select(func.count(Document.id))) == 0
    assert not list(Path(tmp_path).glob("*.pdf"))
    # Corrected, the same paper is issued.
    answers["id_number"] = case["answers"]["id_number"]
    result = getattr(intake, action)(HallContext(db, actor, tmp_path), "residence_permit", answers, materials, now=NOW)
    assert result.paper is not None


def test_name_the_font_lacks_stops_before_anything_is_written(db, actor, case, tmp_path):
    answers = dict(case["answers"], name="王𠀾")
    with pytest.raises(ActionRefused) as info:
        intake.accept(HallContext(db, actor, tmp_path), "residence_permit", answers, case["materials"], now=NOW)
    assert "𠀾" in info.value.message
    with db.unit() as s:
        assert s.scalar(select(func.count(Case.id))) == 0


def test_failed_paper_write_rolls_back_the_case(db, actor, case, tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    from desktop.store.errors import EnvironmentFailure

    with pytest.raises(EnvironmentFailure):
        intake.accept(HallContext(db, actor, blocker / "papers"),
                      "residence_permit", case["answers"], case["materials"], now=NOW)
    with db.unit() as s:
        assert s.scalar(select(func.count(Case.id))) == 0
        assert s.scalar(select(func.count(AuditEvent.id))) == 1  # only the account creation


def test_accepted_case_cannot_be_accepted_again(db, actor, case, tmp_path):
    done = intake.accept(HallContext(db, actor, tmp_path),
                         "residence_permit", case["answers"], case["materials"], now=NOW)
    with pytest.raises(ActionRefused):
        intake.accept(HallContext(db, actor, tmp_path),
                      "residence_permit", case["answers"], case["materials"], case_id=done.case.id,
                      now=NOW)


def test_draft_keeps_typed_answers(db, actor, case):
    draft = intake.save_draft(db, actor, "residence_permit", {"name": "李娜"}, {}, now=NOW)
    detail = queries.get_case(db, draft.id)
    assert detail.answers == {"name": "李娜"} and detail.summary.status == status.DRAFT


def test_provisional_deadline_marked_on_receipt(db, actor, tmp_path):
    now = datetime(2027, 3, 1, 9, 0)
    case = registry.get("residence_permit").example(now.date())
    result = intake.accept(HallContext(db, actor, tmp_path),
                           "residence_permit", case["answers"], case["materials"], now=now)
    text = _text(result.paper.pdf_path)
    assert "暂定" in text


def test_a_rare_character_on_a_hook_paper_stops_everything(db, actor, tmp_path):
    """The e-bike certificate is added by a hook; its owner's name is checked like the receipt's."""
    case = registry.get("ebike_registration").example(NOW.date())
    answers = dict(case["answers"], brand="雅𠀾")  # printed only in the rows the e-bike hook adds
    with pytest.raises(ActionRefused) as info:
        intake.accept(HallContext(db, actor, tmp_path), "ebike_registration", answers, case["materials"], now=NOW)
    assert "𠀾" in info.value.message
    with db.unit() as s:
        assert s.scalar(select(func.count(Case.id))) == 0
    assert not list(Path(tmp_path).glob("*.pdf"))
