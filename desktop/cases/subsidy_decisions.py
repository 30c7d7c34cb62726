"""返乡入乡创业补贴 after intake: the 补贴核定通知书 on approval, and the claim history kept in step."""

from __future__ import annotations

from decimal import Decimal

from desktop.cases import hooks, status
from desktop.cases import remedies
from desktop.cases.papers import amounts_section, header
from desktop.cases.subsidy import SERVICE_ID, set_claim_status
from forms.subsidy.form import claim_label

# NOTE: the claim history must follow the case, or a refused or withdrawn claim would keep
# using up the applicant's yearly cap and 3-year limit (forms/subsidy/history.py).
CLAIM_STATUS = {status.APPROVED: "approved", status.REFUSED: "refused", status.ISSUED: "paid",
                status.CANCELLED: "withdrawn"}


def _sync(ctx: hooks.IntakeContext) -> None:
    """The claim follows the case into the state it has just moved to (hooks run after the move)."""
    try:
        set_claim_status(ctx.session, ctx.case.id, CLAIM_STATUS[ctx.case.status], ctx.now)
    except LookupError:
        pass  # a draft cancelled before acceptance has no claim yet


@hooks.on(status.APPROVED, SERVICE_ID)
def on_approved(ctx: hooks.IntakeContext) -> hooks.HookResult:
    _sync(ctx)
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
        amounts_section("核定明细", stored.get("amounts", []), total),
    ]
    snap["remedies"] = remedies.section(ctx.service.service_id, snap["title"], ctx.now.date())
    return hooks.HookResult(papers=[snap])


@hooks.on(status.REFUSED, SERVICE_ID)
@hooks.on(status.ISSUED, SERVICE_ID)
@hooks.on(status.CANCELLED, SERVICE_ID)
def follow_case(ctx: hooks.IntakeContext) -> hooks.HookResult:
    _sync(ctx)
    return hooks.HookResult()
