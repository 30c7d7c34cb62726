"""Undo an e-bike case's registry change when the case is refused or cancelled after acceptance."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from desktop.cases import hooks, status
from desktop.cases.errors import ActionRefused
from desktop.cases.hooks import HookResult, IntakeContext
from desktop.cases.services.ebike.models import (
    EbikeOwnerHistory,
    EbikeRegistration,
    EbikeStatusHistory,
    EbikeVoidedPlate,
)
from desktop.cases.services.ebike.registry import REGISTERED
from desktop.store import audit
from desktop.store.models import Case

# NOTE: an e-bike case changes the registry when it is accepted (the plate is assigned, the owner
# or status changes at the window, 第十四条/第十五条). A later refusal or cancellation must take
# that change back, or the frame number would stay blocked by a registration that never stood.
# Only the newest change can be taken back: once another case built on it (a transfer after the
# registration, a theft report after the transfer), the clerk must handle that case first.
_LATER = "该车在本案之后已办理{what}（案件{case_no}），请先处理该案件，再撤销或不予许可本案。本次未保存。"


def _audit(ctx: IntakeContext, action: str, reg: EbikeRegistration, **detail: str) -> None:
    audit.append(ctx.session, action, actor=ctx.actor.account.username, window=ctx.actor.window,
                 case_id=ctx.case.id, detail={"plate_no": reg.plate_no, "frame_no": reg.frame_no, **detail})


def _refuse_if_later(s: Session, later: int | None, what: str) -> None:
    """Refuse when ``later`` names a case that changed the registration after this one."""
    if later is not None:
        case_no = s.scalar(select(Case.case_no).where(Case.id == later))
        raise ActionRefused(_LATER.format(what=what, case_no=case_no))


def _newest_other(s: Session, model: type[_History], reg_id: int, case_id: int,
                  *after: ColumnElement[bool]) -> int | None:
    query = select(model.case_id).where(model.registration_id == reg_id, model.case_id != case_id, *after)
    return s.scalar(query.order_by(model.id.desc()).limit(1))


@hooks.on(status.REFUSED, "ebike_registration")
@hooks.on(status.CANCELLED, "ebike_registration")
def void_registration(ctx: IntakeContext) -> HookResult:
    """The registration never stood: remove it so the frame number can be registered again.

    The plate number is not returned to the pool: it was printed on the certificate, and a number
    that once meant another bike must not come back (the pool only counts forward)."""
    s = ctx.session
    reg = s.scalar(select(EbikeRegistration).where(EbikeRegistration.registered_case_id == ctx.case.id)
                   .with_for_update())
    if reg is None:
        return HookResult()  # a draft, or a case refused before it registered anything
    # Every other row of a registration came after it.
    _refuse_if_later(s, _newest_other(s, EbikeOwnerHistory, reg.id, ctx.case.id), "转移登记")
    _refuse_if_later(s, _newest_other(s, EbikeStatusHistory, reg.id, ctx.case.id), "被盗/遗失、找回或灭失登记")
    _refuse_if_later(s, _newest_other(s, EbikeVoidedPlate, reg.id, ctx.case.id), "号牌补领/换领或灭失登记")
    _audit(ctx, "ebike.registration_voided", reg, status=ctx.case.status)
    plate = reg.plate_no
    s.execute(delete(EbikeOwnerHistory).where(EbikeOwnerHistory.registration_id == reg.id))
    s.execute(delete(EbikeStatusHistory).where(EbikeStatusHistory.registration_id == reg.id))
    s.delete(reg)
    s.flush()
    # NOTE: what the 撤销登记决定书 says was undone (desktop/cases/at_window.py revocation_paper).
    return HookResult(consequence=f"本次核发的号牌号码{plate}作废，不再核发；请将号牌和登记证明交回登记窗口。" if plate else "")


def _revert(ctx: IntakeContext, mine_model: type[_Changed], other_model: type[_History], what: str, other_what: str,
            restore: Callable[[EbikeRegistration, _Changed | None], None], action: str) -> HookResult:
    """Take back this case's row of ``mine_model`` and restore the registration from the row before it."""
    s = ctx.session
    mine = s.scalar(select(mine_model).where(mine_model.case_id == ctx.case.id))
    if mine is None:
        return HookResult()
    reg = s.get(EbikeRegistration, mine.registration_id, with_for_update=True)
    if reg is None:  # NOTE: cannot be: the history row's foreign key names it
        raise ValueError(f"history row of case {ctx.case.id} names no registration")
    _refuse_if_later(s, _newest_other(s, mine_model, reg.id, ctx.case.id, mine_model.id > mine.id), what)
    # The other table's rows since this one (the first registration's own rows aside) were built
    # on this change: a theft report after a transfer names the new owner, and the other way round.
    _refuse_if_later(s, _newest_other(s, other_model, reg.id, ctx.case.id,
                                      other_model.case_id != reg.registered_case_id,
                                      other_model.recorded_at >= mine.recorded_at), other_what)
    # A plate replaced or voided since (desktop/cases/ebike_register.py) was done for the owner and status of then.
    _refuse_if_later(s, _newest_other(s, EbikeVoidedPlate, reg.id, ctx.case.id,
                                      EbikeVoidedPlate.recorded_at >= mine.recorded_at), "号牌补领/换领或灭失登记")
    previous = s.scalar(select(mine_model).where(mine_model.registration_id == reg.id, mine_model.id < mine.id)
                        .order_by(mine_model.id.desc()).limit(1))
    restore(reg, previous)
    reg.updated_at = ctx.now
    s.delete(mine)
    _audit(ctx, action, reg, status=reg.status)
    s.flush()
    return HookResult()


# A registration's history rows: each names its registration and the case that made it.
_History = EbikeOwnerHistory | EbikeStatusHistory | EbikeVoidedPlate
# The two histories a case of its own changes and can take back (owner or status).
_Changed = TypeVar("_Changed", EbikeOwnerHistory, EbikeStatusHistory)


def _restore_owner(reg: EbikeRegistration, previous: EbikeOwnerHistory | None) -> None:
    if previous is None:  # NOTE: cannot be: the first registration wrote the first owner row
        raise ValueError(f"registration {reg.id} has no owner before the transfer")
    reg.owner_name, reg.owner_id_type, reg.owner_id_number = (
        previous.owner_name, previous.owner_id_type, previous.owner_id_number)


def _restore_status(reg: EbikeRegistration, previous: EbikeStatusHistory | None) -> None:
    reg.status = previous.status if previous else REGISTERED


@hooks.on(status.REFUSED, "ebike_transfer")
@hooks.on(status.CANCELLED, "ebike_transfer")
def revert_transfer(ctx: IntakeContext) -> HookResult:
    """The transfer never stood: the previous owner is the current one again."""
    return _revert(ctx, EbikeOwnerHistory, EbikeStatusHistory, "转移登记", "被盗/遗失、找回或灭失登记", _restore_owner,
                   "ebike.transfer_reverted")


@hooks.on(status.REFUSED, "ebike_theft")
@hooks.on(status.CANCELLED, "ebike_theft")
def revert_status(ctx: IntakeContext) -> HookResult:
    """The theft or loss report never stood: the registration's previous status is back."""
    return _revert(ctx, EbikeStatusHistory, EbikeOwnerHistory, "被盗/遗失、找回或灭失登记", "转移登记", _restore_status,
                   "ebike.status_reverted")
