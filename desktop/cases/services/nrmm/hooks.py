"""The service's steps in the case lifecycle: accept at the window, register (the code), refuse, cancel."""

from __future__ import annotations

from typing import Any

from desktop.cases import audit_labels, hooks, identifiers, paper_kinds, status
from desktop.cases.errors import ActionRefused
from desktop.cases.hooks import HookResult, IntakeContext
from desktop.cases.services.nrmm import papers, register
from desktop.cases.services.nrmm.identifiers import CODE, PRODUCT
from desktop.cases.services.nrmm.models import CANCELLED, REFUSED, NrmmRegistration
from desktop.store import audit
from forms.services.nrmm import SERVICE_ID
from forms.values import parse_answers

CERTIFICATE = paper_kinds.declare("nrmm_certificate", papers.CERTIFICATE_TITLE, certificate=True)
# The audit log's Chinese names of this service's own events (the 审计日报 and the case's timeline).
for _action, _label in (
    ("nrmm.accepted", "非道路移动机械编码信息受理（待登记）"), ("nrmm.registered", "非道路移动机械完成编码登记（核发编码）"),
    ("nrmm.refused", "非道路移动机械不予编码登记"), ("nrmm.cancelled", "非道路移动机械编码登记撤销（编码不再核发）"),
):
    audit_labels.declare(_action, _label)


def _typed(ctx: IntakeContext) -> dict[str, Any]:
    typed, _ = parse_answers(ctx.service.fields, ctx.answers, ctx.now.date(), strict=False)
    return typed


def _audit(ctx: IntakeContext, action: str, detail: dict[str, Any]) -> None:
    audit.append(ctx.session, action, actor=ctx.actor.account.username, window=ctx.actor.window,
                 case_id=ctx.case.id, detail=detail)


@hooks.on(status.ACCEPTED, SERVICE_ID)
def accepted(ctx: IntakeContext) -> HookResult:
    """受理: the machine's pending row (no code yet: the 区县 department registers it within 7 working days)."""
    typed = _typed(ctx)
    row = register.open_row(ctx.session, ctx.case.id, ctx.case.case_no or "", typed, ctx.now.date(), ctx.now)
    identifiers.record(ctx.session, ctx.case, PRODUCT.key, row.product_no)
    _audit(ctx, "nrmm.accepted", {"product_no": row.product_no})
    return HookResult(receipt_rows=papers.receipt_rows(typed))


@hooks.on(status.APPROVED, SERVICE_ID)
def registered(ctx: IntakeContext) -> HookResult:
    """完成编码登记 (第九条第三款): the code is issued now, in the decision's transaction, and its certificate printed."""
    s = ctx.session
    row = s.query(NrmmRegistration).filter_by(case_id=ctx.case.id).with_for_update().one_or_none()
    if row is None:  # a case accepted before this service's register existed cannot get a code by itself
        raise ActionRefused(f"案件{ctx.case.case_no}没有机械登记记录，不能核发编码，请联系管理员。")
    params = ctx.service.params().at(ctx.now.date())
    code = register.issue_code(s, row, params, ctx.actor.window, ctx.now.date(), ctx.now)
    identifiers.record(s, ctx.case, CODE.key, code)
    # NOTE: not written into the case's answers (they are the form's, parsed strictly when reopened): the
    # code is on the register row and the case's identifiers, where the search and the papers read it.
    _audit(ctx, "nrmm.registered", {"code": code, "product_no": row.product_no})
    return HookResult(papers=[papers.certificate(ctx, row, _typed(ctx))])


@hooks.on(status.REFUSED, SERVICE_ID)
def refused(ctx: IntakeContext) -> HookResult:
    """不予登记: the product number is free again for a later, corrected application."""
    row = register.close_row(ctx.session, ctx.case.id, REFUSED, ctx.now)
    if row is not None:
        _audit(ctx, "nrmm.refused", {"product_no": row.product_no})
    return HookResult()


@hooks.on(status.CANCELLED, SERVICE_ID)
def cancelled(ctx: IntakeContext) -> HookResult:
    """撤销: the row is closed; a code already issued stays on it and is never issued again."""
    row = register.close_row(ctx.session, ctx.case.id, CANCELLED, ctx.now)
    if row is not None:
        _audit(ctx, "nrmm.cancelled", {"product_no": row.product_no, "code": row.code})
    return HookResult()
