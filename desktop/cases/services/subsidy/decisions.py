"""返乡入乡创业补贴 after intake: the paper approval prints per claim kind, and the claim history kept in step."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from desktop.cases import hooks, numbers, remedies, status
from desktop.cases.papers import amount_words, amounts_section, header
from desktop.cases.services.subsidy.claims import SERVICE_ID, set_claim_status
from forms.services.subsidy.form import BORROWERS, COUNTER_GUARANTEE, LOAN, claim_label

# NOTE: the claim history must follow the case, or a refused or withdrawn claim would keep
# using up the applicant's yearly cap and 3-year limit (forms/services/subsidy/history.py).
CLAIM_STATUS = {status.APPROVED: "approved", status.REFUSED: "refused", status.ISSUED: "paid",
                status.CANCELLED: "withdrawn"}


def _sync(ctx: hooks.IntakeContext) -> None:
    """The claim follows the case into the state it has just moved to (hooks run after the move)."""
    try:
        set_claim_status(ctx.session, ctx.case.id, CLAIM_STATUS[ctx.case.status], ctx.now)
    except LookupError:
        pass  # a draft cancelled before acceptance has no claim yet


def _subsidy_decision(ctx: hooks.IntakeContext, total: Decimal, stored: dict[str, Any]) -> dict[str, Any]:
    """A subsidy the hall pays: the 补贴核定通知书 with the amount and where it is paid."""
    snap = header("subsidy_decision", "补贴核定通知书", ctx.service, dict(ctx.case.answers),
                  numbers.number_of(ctx.case), ctx.actor, ctx.now)
    claim = ctx.case.answers.get("claim_type", "")
    snap["intro"] = (
        f"你申领的“{claim_label(claim)}”（受理编号{ctx.case.case_no}），经审核符合条件，"
        f"核定金额为人民币{total:.2f}元（{amount_words(total)}），将按规定拨付至你登记的银行账户。"
    )
    snap["sections"] = [
        amounts_section("核定明细", stored.get("amounts", []), total),
    ]
    snap["remedies"] = remedies.section(ctx.service.service_id, snap["title"], ctx.now.date())
    return snap


LOAN_NOTE = (
    "本意见书是推荐意见，不是贷款合同或放款承诺，本机关不拨付贷款资金。贷款是否发放及其额度、期限、利率和"
    "反担保，由创业担保贷款担保基金运营机构和经办金融机构按规定审核确定。请持本意见书和身份证件到经办金融机构办理。"
)


def _loan_recommendation(ctx: hooks.IntakeContext, total: Decimal, stored: dict[str, Any]) -> dict[str, Any]:
    """A guaranteed startup loan: the hall recommends it to the guarantee fund and the bank, it pays nothing."""
    # NOTE: 郑政办〔2021〕13号 三、（二）4 has the loan made from the 创业贷款担保基金 by the lenders
    # (人民银行郑州中心支行 among those responsible) and 三、（三）7 leaves the counter-guarantee to the
    # guarantee institution: approving a loan claim is a recommendation with the amount the caps allow,
    # never a payment (issue 14).
    answers = dict(ctx.case.answers)
    snap = header("loan_recommendation", "创业担保贷款推荐意见书", ctx.service, answers, numbers.number_of(ctx.case),
                  ctx.actor, ctx.now)
    snap["intro"] = (
        f"你申请的创业担保贷款（受理编号{ctx.case.case_no}），经审核，符合{ctx.service.basis.document}"
        "三、（二）4规定的申请条件，现推荐至创业担保贷款担保基金运营机构和经办金融机构，按规定办理贷款审核。"
    )
    rows = [["借款人", dict(BORROWERS).get(answers.get("loan_borrower") or "", "")]]
    if answers.get("business_name"):
        rows.append(["经营主体", str(answers["business_name"])])
    requested = answers.get("loan_amount")
    if requested not in (None, ""):
        rows.append(["申请贷款额度", f"{Decimal(str(requested)):.2f}元（{amount_words(requested)}）"])
    rows.append(["推荐贷款额度（不超过）", f"{total:.2f}元（{amount_words(total)}）"])
    rows.append(["免除反担保情形", dict(COUNTER_GUARANTEE).get(answers.get("counter_guarantee") or "", "")])
    checks_open = [{"message": f["message"], "basis": f["basis"]}
                   for f in stored.get("findings", [])
                   if f.get("rule_id", "").startswith("cy.loan") and f.get("outcome") in ("pass", "needs_manual_check")]
    snap["sections"] = [
        {"heading": "推荐事项", "type": "table", "columns": ["项目", "内容"], "rows": rows},
        amounts_section("额度核定明细", stored.get("amounts", []), total),
    ]
    if checks_open:
        snap["sections"].append({"heading": "审核意见", "type": "findings", "items": checks_open})
    snap["sections"].append({"heading": "说明", "type": "text", "text": LOAN_NOTE})
    snap["remedies"] = remedies.for_service(ctx.service.service_id, ctx.now.date()).text("意见书")
    return snap


# What approving each claim kind prints: a subsidy is paid by the hall, a loan is only recommended.
DECISION_PAPERS: dict[str, Callable[[hooks.IntakeContext, Decimal, dict[str, Any]], dict[str, Any]]] = {
    LOAN: _loan_recommendation,
}


@hooks.on(status.APPROVED, SERVICE_ID)
def on_approved(ctx: hooks.IntakeContext) -> hooks.HookResult:
    _sync(ctx)
    stored = ctx.case.assessment or {}
    total = Decimal(stored.get("total") or "0.00")
    paper = DECISION_PAPERS.get(ctx.case.answers.get("claim_type", ""), _subsidy_decision)
    return hooks.HookResult(papers=[paper(ctx, total, stored)])


@hooks.on(status.REFUSED, SERVICE_ID)
@hooks.on(status.ISSUED, SERVICE_ID)
@hooks.on(status.CANCELLED, SERVICE_ID)
def follow_case(ctx: hooks.IntakeContext) -> hooks.HookResult:
    _sync(ctx)
    return hooks.HookResult()
