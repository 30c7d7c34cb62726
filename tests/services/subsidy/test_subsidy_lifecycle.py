"""A subsidy claim after intake: the 补贴核定通知书, and the claim history following the case."""

from __future__ import annotations

from datetime import datetime

from pypdf import PdfReader
from sqlalchemy import select

from desktop.cases import accounts, intake, lifecycle
from desktop.cases.dto import Actor, Countersign
from desktop.cases.hall_context import HallContext
from desktop.cases.services.subsidy.models import SubsidyClaim
from forms import registry

NOW = datetime(2026, 11, 25, 10, 0)


def test_approve_prints_decision_and_cancel_frees_the_cap(db, admin, tmp_path):
    sup = accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789")
    clerk, supervisor = Actor(admin, "03", "大厅"), Actor(sup, "03", "大厅")
    case = registry.get("startup_subsidy").example(NOW.date())
    first = intake.accept(HallContext(db, clerk, tmp_path),
                          "startup_subsidy", case["answers"], case["materials"], now=NOW)
    step = lifecycle.approve(HallContext(db, supervisor, tmp_path), first.case.id, now=NOW)
    text = "".join(p.extract_text() for p in PdfReader(step.papers[0].pdf_path).pages)
    assert "补贴核定通知书" in text and f"{first.assessment.total:.2f}" in text
    with db.unit() as s:
        assert s.scalar(select(SubsidyClaim.status).where(SubsidyClaim.case_id == first.case.id)) == "approved"
    # The same cost months claimed again are flagged while the first claim stands ...
    again = intake.assess_case(db, "startup_subsidy", case["answers"], case["materials"], NOW.date())
    assert any(f.outcome.value == "needs_manual_check" and "重复" in f.message for f in again.findings)
    # ... and not once it is cancelled (withdrawn).
    lifecycle.cancel(HallContext(db, clerk), first.case.id, "申请人撤回", Countersign("li", "secret-789"), now=NOW)
    with db.unit() as s:
        assert s.scalar(select(SubsidyClaim.status).where(SubsidyClaim.case_id == first.case.id)) == "withdrawn"
    freed = intake.assess_case(db, "startup_subsidy", case["answers"], case["materials"], NOW.date())
    assert not any("重复" in f.message for f in freed.findings)
    assert freed.total == first.assessment.total


def loan_case(today):
    """The example claim turned into a guaranteed startup loan of 300,000 yuan for a person."""
    case = registry.get("startup_subsidy").example(today)
    answers = {k: v for k, v in case["answers"].items()
               if k not in ("park_type", "park_name", "move_in_date", "park_costs")}
    answers.update(claim_type="guaranteed_loan", loan_borrower="individual", loan_amount="300000",
                   counter_guarantee="second_time")
    materials = {k: v for k, v in case["materials"].items() if k not in ("park_agreement", "cost_invoices")}
    materials.update(business_plan="provided", counter_guarantee_proof="provided")
    return answers, materials


def test_approving_a_loan_recommends_it_and_pays_nothing(db, admin, tmp_path):
    sup = accounts.create_account(db, admin, "li", "李娜", "supervisor", "secret-789", "secret-789")
    clerk, supervisor = Actor(admin, "03", "大厅"), Actor(sup, "03", "大厅")
    answers, materials = loan_case(NOW.date())
    first = intake.accept(HallContext(db, clerk, tmp_path), "startup_subsidy", answers, materials, now=NOW)
    step = lifecycle.approve(HallContext(db, supervisor, tmp_path), first.case.id, now=NOW)
    assert [p.kind for p in step.papers] == ["loan_recommendation"]
    text = "".join(p.extract_text() for p in PdfReader(step.papers[0].pdf_path).pages).replace("\n", "")
    assert "创业担保贷款推荐意见书" in text and "补贴核定通知书" not in text
    assert "拨付至你登记的银行账户" not in text and "本机关不拨付贷款资金" in text
    assert "担保基金运营机构和经办金融机构" in text
    assert "300000.00元（人民币叁拾万元整）" in text and "经营稳定守信的二次创业者" in text
    assert "自收到本意见书之日起" in text
