"""非道路移动机械编码登记 through the real case layer on a real, migrated SQLite file: accept, register, refuse."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.cases import deadlines, identifiers, intake, lifecycle, queries
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.cases.services.nrmm.models import NrmmCodeCounter, NrmmRegistration
from desktop.store.lifecycle_models import DecisionReason
from desktop.store.models import AuditEvent, Case
from forms import registry
from forms.services.nrmm import code as codes

SERVICE_ID = "nrmm_registration"
NOW = datetime(2026, 12, 1, 10, 0)


def example(**changes):
    case = registry.get(SERVICE_ID).example(NOW.date())
    answers = {**case["answers"], **changes}
    return answers, case["materials"]


def text_of(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "")


def accept(db, actor, tmp_path, **changes):
    answers, materials = example(**changes)
    return intake.accept(HallContext(db, actor, tmp_path), SERVICE_ID, answers, materials, now=NOW)


def test_accept_then_register_issues_a_code_and_its_certificate(db, people, tmp_path):
    first = accept(db, people["clerk"], tmp_path)
    receipt = text_of(first.paper.pdf_path)
    assert "受理回执" in receipt and "挖掘机" in receipt and "SY021523K0012345" in receipt
    assert "完成编码登记：2026年12月10日前" in receipt and "第九条第三款" in receipt  # 7 working days, 第九条第三款
    with db.read() as s:
        row = s.scalar(select(NrmmRegistration).where(NrmmRegistration.case_id == first.case.id))
        assert (row.status, row.code) == ("pending", None)  # no code at the window
        (deadline,) = deadlines.of_case(s, first.case.id)
        assert (deadline.key, deadline.due_on.isoformat(), deadline.state) == ("registration", "2026-12-10", "running")
    step = lifecycle.approve(HallContext(db, people["sup"], tmp_path), first.case.id, now=NOW)
    (paper,) = step.papers
    assert paper.kind == "nrmm_certificate"
    with db.read() as s:
        row = s.scalar(select(NrmmRegistration).where(NrmmRegistration.case_id == first.case.id))
        assert row.status == "registered" and codes.is_valid(row.code)
        assert row.code.startswith("41010503")  # 金水区 + window 03 (nrmm.toml code_structure)
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.case_id == first.case.id,
                                                       AuditEvent.action == "nrmm.registered")) == "nrmm.registered"
        (deadline,) = deadlines.of_case(s, first.case.id)
        assert deadline.state == "met"  # the registration meets the 7 working days (stage "decision")
    assert len(PdfReader(paper.pdf_path).pages) == 1  # one page, with its seal
    certificate = text_of(paper.pdf_path)
    assert "非道路移动机械编码登记证明" in certificate and row.code in certificate and "第九条" in certificate
    # found by its code and by its product number, as typed or scanned, through the generic identifiers
    for kind, typed in (("nrmm_code", row.code.lower()), ("nrmm_product_no", "sy-021523k0012345")):
        with db.read() as s:
            value = identifiers.get(kind).normalise(typed)
            assert s.scalars(select(Case.id).where(identifiers.matching(kind, value))).all() == [first.case.id]
    with db.read() as s:
        assert s.scalars(select(Case.id).where(identifiers.matching("nrmm_code", "41010503000009X"))).all() == []
    # the registered case still opens (its stored answers are the form's)
    detail = queries.get_case(db, first.case.id)
    assert detail.summary.status == "approved" and detail.answers["product_no"] == "SY021523K0012345"
    # … and through the 查询 tab's filter
    found = queries.list_cases(db, queries.CaseFilter(identifiers={"nrmm_code": row.code}))
    assert [c.id for c in found] == [first.case.id]


def test_the_same_machine_is_refused_while_pending_and_after_registration(db, people, tmp_path):
    first = accept(db, people["clerk"], tmp_path)
    pending = intake.assess_case(db, SERVICE_ID, *example(), NOW.date())
    assert any(f.rule_id == "nr.once" and "正在办理中" in f.message for f in pending.findings)
    with pytest.raises(ActionRefused):
        accept(db, people["clerk"], tmp_path, owner_name="另一家公司")
    lifecycle.approve(HallContext(db, people["sup"], tmp_path), first.case.id, now=NOW)
    again = intake.assess_case(db, SERVICE_ID, *example(), NOW.date())
    assert again.decision.value == "refuse"
    assert any(f.rule_id == "nr.once" and "编码不重复核发" in f.message for f in again.findings)


def test_codes_count_forward_and_a_cancelled_code_is_never_reissued(db, people, signs, tmp_path):
    a = accept(db, people["clerk"], tmp_path, product_no="M-0001")
    lifecycle.approve(HallContext(db, people["sup"], tmp_path), a.case.id, now=NOW)
    lifecycle.cancel(HallContext(db, people["clerk"]), a.case.id, "登记错误", signs["sup"], now=NOW)
    b = accept(db, people["clerk"], tmp_path, product_no="M-0001")  # the same machine may be registered again
    lifecycle.approve(HallContext(db, people["sup"], tmp_path), b.case.id, now=NOW)
    with db.read() as s:
        rows = {r.case_id: r for r in s.scalars(select(NrmmRegistration))}
        counter = s.scalar(select(NrmmCodeCounter.last))
    assert rows[a.case.id].status == "cancelled" and rows[a.case.id].code  # kept on its row
    assert rows[b.case.id].code != rows[a.case.id].code
    assert rows[b.case.id].code[8:14] == "000002" and counter == 2


def test_refusal_at_the_window_and_after_review(db, people, tmp_path):
    answers, materials = example(test_result="fail")
    refused = intake.refuse(HallContext(db, people["clerk"], tmp_path), SERVICE_ID, answers, materials, now=NOW)
    text = text_of(refused.paper.pdf_path)
    assert "不予受理通知书" in text and "排放污染物检验不合格" in text and "第九条第二款" in text
    assert "行政复议" in text and "郑州市人民政府" in text and "行政诉讼" in text
    with db.read() as s:
        assert s.scalar(select(NrmmRegistration).where(NrmmRegistration.case_id == refused.case.id)) is None
        codes_ = set(s.scalars(select(DecisionReason.code).where(DecisionReason.service_id == SERVICE_ID)))
    assert codes_ == {"FD01", "FD02", "FD03", "FD04"}
    first = accept(db, people["clerk"], tmp_path)
    step = lifecycle.refuse(HallContext(db, people["sup"], tmp_path), first.case.id, ["FD04"], now=NOW)
    text = text_of(step.papers[0].pdf_path)
    assert "不予登记决定书" in text and "铭牌" in text and "行政复议" in text
    with db.read() as s:
        assert s.scalar(select(NrmmRegistration.status).where(NrmmRegistration.case_id == first.case.id)) == "refused"
    # the product number is free again for a corrected application
    assert accept(db, people["clerk"], tmp_path).case.id


def test_one_time_notice_lists_every_missing_item(db, people, tmp_path):
    answers, materials = example(test_report_no=None, acquisition_date=None)
    materials = {k: v for k, v in materials.items() if k != "emission_report"}
    notice = intake.give_notice(HallContext(db, people["clerk"], tmp_path), SERVICE_ID, answers, materials, now=NOW)
    text = text_of(notice.paper.pdf_path)
    assert "一次性告知书" in text
    for item in ("检验报告编号", "购置或转入日期", "排放污染物检验合格报告"):
        assert item in text
