"""返乡入乡创业补贴 after intake: the 补贴核定通知书 on approval, and the claim history kept in step."""

from __future__ import annotations

from decimal import Decimal

from desktop.cases import hooks, status
from desktop.cases.papers import REMEDIES, header
from desktop.cases.subsidy import SERVICE_ID, set_claim_status
from forms.subsidy.form import claim_label

# NOTE: the claim history must follow the case, or a refused or withdrawn claim would keep
# using up the applicant's yearly cap and 3-year limit (forms/subsidy/history.py).
CLAIM_STATUS = {status.APPROVED: "approved", status.REFUSED: "refused", status.ISSUED: "paid",
                status.CANCELLED: "withdrawn"}


def _sync(ctx: hooks.IntakeContext, case_status: str) -> None:
    try:
        set_claim_status(ctx.session, ctx.case.id, CLAIM_STATUS[case_status], ctx.now)
    except LookupError:
        pass  # a draft cancelled before acceptance has no claim yet


@hooks.on(status.APPROVED, SERVICE_ID)
def on_approved(ctx: hooks.IntakeContext) -> hooks.HookResult:
    _sync(ctx, status.APPROVED)
    stored = ctx.case.assessment or {}
    total = Decimal(stored.get("total") or "0.00")
    snap = header("subsidy_decision", "补贴核定通知书", ctx.service, dict(ctx.case.answers), ctx.case.case_no,
                  ctx.actor, ctx.now)
    claim = ctx.case.answers.get("claim_type", "")
    snap["intro"] = (
        f"你申领的“{claim_label(claim)}”（受理编号{ctx.case.case_no}），经审核符合条件，"
        f"核定金额为人民币{total:.2f}元，将按规定拨付至你登记的银行账户。"
    )
    snap["sections"] = [
        {"heading": "核定明细", "type": "amounts", "rows": stored.get("amounts", []), "total": f"{total:.2f}"},
    ]
    snap["remedies"] = REMEDIES
    return hooks.HookResult(papers=[snap])


@hooks.on(status.REFUSED, SERVICE_ID)
def on_refused(ctx: hooks.IntakeContext) -> hooks.HookResult:
    _sync(ctx, status.REFUSED)
    return hooks.HookResult()


@hooks.on(status.ISSUED, SERVICE_ID)
def on_paid(ctx: hooks.IntakeContext) -> hooks.HookResult:
    _sync(ctx, status.ISSUED)
    return hooks.HookResult()


@hooks.on(status.CANCELLED, SERVICE_ID)
def on_cancelled(ctx: hooks.IntakeContext) -> hooks.HookResult:
    _sync(ctx, status.CANCELLED)
    return hooks.HookResult()
