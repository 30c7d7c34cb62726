"""返乡入乡创业补贴 in the case layer over a real SQLite file: claim history, caps across claims, papers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from stdnum.cn import ric, uscc

from desktop.cases import intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.services.subsidy import claims as subsidy
from desktop.cases.services.subsidy.models import SubsidyClaim, SubsidyClaimMonth, SubsidyClaimWorker
from desktop.store.models import Case, Document
from forms import registry
from forms.model import Decision, Outcome

NOW = datetime(2026, 11, 25, 10, 30)
SERVICE = registry.get("startup_subsidy")
USCC_A = "91410182MA9K2B3X0A"
USCC_B = "91410100MA44X7L2W" + uscc.calc_check_digit("91410100MA44X7L2W")


def person(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17 + "0")


APPLICANT_B = person("41010519900303201")
WORKERS = [person("41018219920101101"), person("41018219930202102"), person("41018219940303103")]


@pytest.fixture
def actor(admin):
    return Actor(admin, "03", "郑州市金水区政务服务中心")


def text_of(path: str) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def site_claim(months: list[str], amount: str, **extra) -> tuple[dict, dict]:
    """A site-costs claim of business A: one rent row per month."""
    case = SERVICE.example(NOW.date())
    rows = [{"month": f"{m}-01", "category": "rent", "amount": amount} for m in months]
    return dict(case["answers"], park_costs=rows, **extra), case["materials"]


def once_claim(workers: list[str], **extra) -> tuple[dict, dict]:
    """A one-time startup subsidy for business A with its employees, complete and eligible."""
    answers, _ = site_claim([], "1")
    for key in ("park_type", "park_name", "move_in_date", "park_costs"):
        del answers[key]
    answers.update(claim_type="startup_once", employees=[
        {"name": f"职工{i + 1}", "id_number": w, "start_date": "2026-03-01"} for i, w in enumerate(workers)])
    answers.update(extra)
    materials = {"application_form": "provided", "id_card": "provided", "returnee_proof": "pledged",
                 "business_licence": "shared", "operation_proof": "shared", "employment_proof": "shared",
                 "bank_account": "provided"}
    return answers, materials


def sheet_of(result) -> str:
    """The 补贴核定表 among the papers of an accept (other steps may add papers of their own)."""
    return next(p.pdf_path for p in result.extra_papers if p.kind == "subsidy_calculation")


def accept(db, actor, tmp_path, answers, materials, now=NOW):
    return intake.accept(HallContext(db, actor, tmp_path / "papers"), "startup_subsidy", answers, materials, now=now)


def test_site_cost_claim_stores_claim_months_and_both_papers(db, actor, tmp_path):
    case = SERVICE.example(NOW.date())
    result = accept(db, actor, tmp_path, case["answers"], case["materials"])
    assert result.paper.title == "补贴申请受理回执"
    assert [p.title for p in result.extra_papers if p.kind == "subsidy_calculation"] == ["补贴核定表"]
    with db.unit() as s:
        claim = s.scalar(select(SubsidyClaim))
        assert (claim.claim_type, claim.business_uscc, claim.year, claim.amount, claim.status) == (
            "site_costs", USCC_A, 2026, "5130.75", "accepted")
        assert claim.case_no == result.case.case_no and claim.id_number == case["answers"]["id_number"]
        months = s.execute(select(SubsidyClaimMonth.month, SubsidyClaimMonth.category)
                           .order_by(SubsidyClaimMonth.month, SubsidyClaimMonth.category)).all()
        assert months == [(m, c) for m in ("2026-08", "2026-09", "2026-10") for c in ("rent", "utilities")]
        stored = s.scalar(select(Case)).assessment
        assert sum(Decimal(a["amount"]) for a in stored["amounts"]) == Decimal(stored["total"]) == Decimal("5130.75")
        assert {"receipt", "subsidy_calculation"} <= {d.kind for d in s.scalars(select(Document))}


def test_receipt_and_calculation_sheet_read_back(db, actor, tmp_path):
    case = SERVICE.example(NOW.date())
    result = accept(db, actor, tmp_path, case["answers"], case["materials"])
    receipt = text_of(result.paper.pdf_path)
    assert "补贴申请受理回执" in receipt and "张建国" in receipt and "410182********301X" in receipt
    # One page: the receipt names the total in figures and 大写, the sheet has the breakdown (issue 14).
    assert "计算明细" not in receipt and "5130.75" in receipt and "人民币伍仟壹佰叁拾元柒角伍分" in receipt
    assert len(PdfReader(result.paper.pdf_path).pages) == 1
    assert "初核补贴金额" in receipt and result.case.case_no in receipt
    sheet = text_of(sheet_of(result))
    for expected in ("补贴核定表", "张建国", "410182********301X", "荥阳市建国农副产品加工有限公司", USCC_A,
                     "入驻园区（孵化基地）场地费用补贴", "2026-08至2026-10（共3个月）", "4500.00", "630.75",
                     "5130.75", "合计", "人民币伍仟壹佰叁拾元柒角伍分", "三、（二）6", "郑政办〔2021〕13号", "以往同类申领记录", "复核"):
        assert expected in sheet, expected
    assert case["answers"]["id_number"] not in receipt + sheet


def test_second_claim_in_the_same_year_is_capped_by_the_first(db, actor, tmp_path):
    first = accept(db, actor, tmp_path, *site_claim(["2026-01", "2026-02", "2026-03"], "10000.00"))
    assert first.assessment.total == Decimal("15000.00")
    answers, materials = site_claim(["2026-04", "2026-05"], "10000.00")
    second = intake.assess_case(db, "startup_subsidy", answers, materials, NOW.date())
    assert second.decision is Decision.ACCEPT
    assert second.total == Decimal("5000.00")
    cut = next(a for a in second.amounts if a.label == "2026年度最高限额核减")
    assert cut.amount == Decimal("-5000.00") and "本年度已获补贴15000.00" in cut.formula
    assert sum(a.amount for a in second.amounts) == second.total
    # The open first claim is counted and flagged for the reviewer.
    assert any(f.outcome is Outcome.MANUAL and first.case.case_no in f.message for f in second.findings)
    done = accept(db, actor, tmp_path, answers, materials)
    sheet = text_of(sheet_of(done))
    assert first.case.case_no in sheet and "-5000.00" in sheet and "已受理待审核（计入）" in sheet
    # The year is used up: a third claim is refused, and the refusal prints the calculation.
    answers, materials = site_claim(["2026-07"], "1000.00")
    third = intake.assess_case(db, "startup_subsidy", answers, materials, NOW.date())
    assert third.decision is Decision.REFUSE and third.total == Decimal("0.00")
    refusal = intake.refuse(HallContext(db, actor, tmp_path), "startup_subsidy", answers, materials, now=NOW)
    text = text_of(refusal.paper.pdf_path)
    assert "不予受理通知书" in text and "已达年补贴最高限额20000.00元" in text and "计算明细" in text
    with db.unit() as s:
        assert s.scalar(select(func.count(SubsidyClaim.id))) == 2  # a refusal at the window is no claim


def test_refused_earlier_claim_frees_the_years_room(db, actor, tmp_path):
    first = accept(db, actor, tmp_path, *site_claim(["2026-01", "2026-02", "2026-03"], "10000.00"))
    with db.unit() as s:
        subsidy.set_claim_status(s, first.case.id, "refused", NOW)
    answers, materials = site_claim(["2026-04", "2026-05"], "10000.00")
    assert intake.assess_case(db, "startup_subsidy", answers, materials, NOW.date()).total == Decimal("10000.00")
    with db.unit() as s, pytest.raises(ValueError):
        subsidy.set_claim_status(s, first.case.id, "lost", NOW)


def test_three_year_limit_counts_from_the_first_earlier_month(db, actor, tmp_path):
    then = datetime(2023, 12, 5, 9, 0)
    early = dict(registration_date="2023-01-02", operating_start_date="2023-01-10", move_in_date="2023-06-01")
    answers, materials = site_claim(["2023-11"], "2000.00", **early)
    accept(db, actor, tmp_path, answers, materials, now=then)
    answers, materials = site_claim(["2026-09", "2026-10", "2026-11"], "2000.00", **early)
    now = intake.assess_case(db, "startup_subsidy", answers, materials, NOW.date())
    assert now.decision is Decision.ACCEPT
    assert now.total == Decimal("2000.00")  # 2026-09 and 2026-10 at 50 %; 2026-11 is past 2026-10
    assert any("超出3年补贴期限" in a.label and "2026-11" in a.formula for a in now.amounts)
    assert any(f.rule_id == "cy.site_costs.period" and "2023-11至2026-10" in f.message for f in now.findings)


def test_same_cost_month_claimed_twice_goes_to_manual_check(db, actor, tmp_path):
    first = accept(db, actor, tmp_path, *site_claim(["2026-09", "2026-10"], "2000.00"))
    answers, materials = site_claim(["2026-10", "2026-11"], "2000.00")
    again = intake.assess_case(db, "startup_subsidy", answers, materials, NOW.date())
    flagged = [f for f in again.findings if f.outcome is Outcome.MANUAL and "2026-10的园区场地费用已在案件" in f.message]
    assert len(flagged) == 1 and first.case.case_no in flagged[0].message
    assert again.decision is Decision.ACCEPT  # a manual check never blocks intake
    # Editing the stored case itself does not find itself.
    own = intake.assess_case(db, "startup_subsidy", *site_claim(["2026-09", "2026-10"], "2000.00"), NOW.date(),
                             case_id=first.case.id)
    assert not [f for f in own.findings if f.outcome is Outcome.MANUAL]


def test_workers_are_stored_and_a_worker_of_two_businesses_is_flagged(db, actor, tmp_path):
    result = accept(db, actor, tmp_path, *once_claim(WORKERS))
    assert result.assessment.total == Decimal("10000.00")
    with db.unit() as s:
        stored = s.execute(select(SubsidyClaimWorker.id_number, SubsidyClaimWorker.business_uscc)).all()
        assert sorted(stored) == sorted((w, USCC_A) for w in WORKERS)
    others = [person("41018219950404104"), person("41018219960505105")]
    answers, materials = once_claim([WORKERS[1], *others], name="李秀英", id_number=APPLICANT_B,
                                    business_name="郑州市秀英电子商务有限公司", business_uscc=USCC_B)
    other = intake.assess_case(db, "startup_subsidy", answers, materials, NOW.date())
    flagged = [f for f in other.findings if f.rule_id == "cy.employees.elsewhere"]
    assert len(flagged) == 1 and flagged[0].field == "employees[0].id_number"
    assert USCC_A in flagged[0].message and result.case.case_no in flagged[0].message
    assert other.decision is Decision.ACCEPT
    sheet = text_of(sheet_of(accept(db, actor, tmp_path, answers, materials)))
    assert "计入的带动就业人员" in sheet and "需审核人员人工核查的事项" in sheet
    assert WORKERS[1] not in sheet and WORKERS[1][:6] + "********" + WORKERS[1][-4:] in sheet


def test_one_time_subsidy_already_paid_is_refused(db, actor, tmp_path):
    first = accept(db, actor, tmp_path, *once_claim(WORKERS))
    answers, materials = once_claim(WORKERS)
    pending = intake.assess_case(db, "startup_subsidy", answers, materials, NOW.date())
    assert pending.decision is Decision.ACCEPT  # still open: flagged, not refused
    assert any(f.rule_id == "cy.startup_once.once" and f.outcome is Outcome.MANUAL for f in pending.findings)
    with db.unit() as s:
        subsidy.set_claim_status(s, first.case.id, "paid", NOW)
    paid = intake.assess_case(db, "startup_subsidy", answers, materials, NOW.date())
    assert paid.decision is Decision.REFUSE
    refusal = intake.refuse(HallContext(db, actor, tmp_path), "startup_subsidy", answers, materials, now=NOW)
    text = text_of(refusal.paper.pdf_path)
    assert "已享受一次性返乡创业补贴" in text and first.case.case_no in text and "不予核定" in text


def test_training_claim_without_a_business_is_found_by_applicant(db, actor, tmp_path):
    answers, materials = once_claim([])
    for key in ("business_name", "business_uscc", "registration_date", "operating_start_date", "business_address",
                "employees"):
        del answers[key]
    answers.update(claim_type="training", training_type="syb", training_end_date="2026-10-30",
                   training_cert_no="SYB2026-0088")
    materials = {"application_form": "provided", "id_card": "provided", "returnee_proof": "pledged",
                 "training_certificate": "shared", "bank_account": "provided"}
    result = accept(db, actor, tmp_path, answers, materials)
    with db.unit() as s:
        claim = s.scalar(select(SubsidyClaim))
        assert (claim.claim_type, claim.business_uscc, claim.training_type, claim.year) == ("training", None, "syb", 2026)
    again = intake.assess_case(db, "startup_subsidy", answers, materials, NOW.date())
    assert any(f.rule_id == "cy.training.history" and result.case.case_no in f.message for f in again.findings)


def test_history_is_not_looked_up_without_id_or_credit_code(db):
    facts = subsidy.subsidy_facts(None, SERVICE, {"claim_type": "site_costs"}, None)
    assert facts == {}
