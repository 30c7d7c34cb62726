"""The rest of 第十五条's register in the case layer: 灭失, 找回 and 补领/换领号牌 — their facts, accept hooks, papers and reversals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cases import facts, hooks, identifiers, numbers, status
from desktop.cases.errors import ActionRefused
from desktop.cases.hooks import HookResult, IntakeContext
from desktop.cases.papers import cn_date, header
from desktop.cases.services.ebike import plate_issue, registry as ebike
from desktop.cases.services.ebike.models import (
    EbikeOwnerHistory,
    EbikeRegistration,
    EbikeStatusHistory,
    EbikeVoidedPlate,
)
from desktop.cases.services.ebike.registry import REGISTERED
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.models import Case
from forms import checks
from forms.service import Service
from forms.services.ebike import common as ec

DESTROYED = "destroyed"
SERVICES = ("ebike_destroyed", "ebike_recovered", "ebike_plate")
EBIKE_SERVICES = ("ebike_registration", "ebike_transfer", "ebike_theft", *SERVICES)
DESTROYED_TITLE = "电动自行车灭失登记证明"
RECOVERED_TITLE = "电动自行车找回登记证明"
PLATE_TITLE = "电动自行车号牌补领/换领登记证明"
_CHANGED = "该车的登记刚被其他窗口修改，本次未保存。请重新查询、审查后再办理。"


# --- facts (each follows its rule module's facts contract) --------------------------------------

facts.keyed_by(*SERVICES)(ebike.bike_keys)  # a bike is locked by its frame and plate, as in the other procedures


def _voided(s: Session, plate: str) -> EbikeVoidedPlate | None:
    return s.scalar(select(EbikeVoidedPlate).where(EbikeVoidedPlate.plate_no == plate)) if plate else None


def _voided_facts(s: Session, row: EbikeVoidedPlate) -> dict[str, Any]:
    return {"plate_no": row.plate_no, "reason": row.reason, "voided_on": row.voided_on,
            "case_no": ebike._case_no(s, row.case_id), "replaced_by": row.replaced_by}


@facts.provides_for_every_service
def voided_plate_facts(s: Session, service: Service, answers: Mapping[str, Any],
                       case_id: int | None) -> dict[str, Any]:
    """Every e-bike procedure that names a plate learns whether it was voided (forms.services.ebike.common.voided_plate_finding)."""
    if service.service_id not in EBIKE_SERVICES:
        return {}
    plate = ec.normalize_code(answers.get("plate_no"))
    if not plate:
        return {}
    row = _voided(s, plate)
    # NOTE: the case that voided the plate names it too (the 补领 case typed the old plate): its own
    # facts, re-read when it is reassessed later, must not refuse it.
    if row is None or (case_id is not None and row.case_id == case_id):
        return {"voided_plate": None}
    return {"voided_plate": _voided_facts(s, row)}


def _status_row(s: Session, reg: EbikeRegistration) -> EbikeStatusHistory | None:
    return s.scalar(select(EbikeStatusHistory).where(EbikeStatusHistory.registration_id == reg.id)
                    .order_by(EbikeStatusHistory.id.desc()).limit(1))


@facts.provides(*SERVICES)
def register_facts(s: Session, service: Service, answers: Mapping[str, Any], case_id: int | None) -> dict[str, Any]:
    plate, frame = ec.normalize_code(answers.get("plate_no")), ec.normalize_code(answers.get("frame_no"))
    if not plate and not frame:
        return {}
    reg = ebike._find(s, plate, frame)
    if reg is None:
        return {"registration": None}
    found = ebike._registration_facts(s, reg)
    found["registered_on"] = reg.registered_on
    if reg.status in ("stolen", "lost"):
        row = _status_row(s, reg)
        if row is not None:
            report = s.scalar(select(Case.answers).where(Case.id == row.case_id)) or {}
            found.update(status_since=row.since, status_case_no=ebike._case_no(s, row.case_id),
                         police_report_no=report.get("police_report_no") if reg.status == "stolen" else None)
    return {"registration": found}


# --- accept hooks (inside the intake transaction) ------------------------------------------------


def _locked(ctx: IntakeContext, typed: Mapping[str, Any], statuses: tuple[str, ...]) -> EbikeRegistration:
    """The registration, locked, still as the assessment saw it (status, owner, plate) — or refused."""
    plate, frame = ec.normalize_code(typed.get("plate_no")), ec.normalize_code(typed.get("frame_no"))
    reg = ebike._find(ctx.session, plate, frame, lock=True)
    owner = (typed["owner_id_type"], checks.normalize_id(typed["owner_id_number"]))
    seen = (ctx.facts or {}).get("registration") or {}
    # NOTE: the rules ran on facts read in this transaction, but on PostgreSQL another window naming
    # the bike by its other number holds other advisory keys; the row lock taken here is the guard.
    if (reg is None or reg.status not in statuses or (reg.owner_id_type, reg.owner_id_number) != owner
            or reg.plate_no != seen.get("plate_no") or reg.status != seen.get("status")):
        raise ActionRefused(_CHANGED)
    return reg


def _audit(ctx: IntakeContext, action: str, reg: EbikeRegistration, **detail: Any) -> None:
    audit.append(ctx.session, action, actor=ctx.actor.account.username, window=ctx.actor.window,
                 case_id=ctx.case.id, detail={"plate_no": reg.plate_no, "frame_no": reg.frame_no, **detail})


def _index(ctx: IntakeContext, reg: EbikeRegistration, plate: str | None = None) -> None:
    identifiers.record(ctx.session, ctx.case, "plate_no", plate or reg.plate_no)
    identifiers.record(ctx.session, ctx.case, "frame_no", reg.frame_no)


def _void(ctx: IntakeContext, reg: EbikeRegistration, plate: str, reason: str, replaced_by: str | None) -> None:
    if _voided(ctx.session, plate) is not None:
        raise ActionRefused(_CHANGED)  # voided by another window a moment ago
    ctx.session.add(EbikeVoidedPlate(plate_no=plate, registration_id=reg.id, reason=reason, replaced_by=replaced_by,
                                     voided_on=ctx.now.date(), case_id=ctx.case.id, recorded_at=ctx.now))


def _paper(ctx: IntakeContext, kind: str, title: str, intro: str, rows: list[list[str]], notes: str,
           clauses: str) -> dict[str, Any]:
    """A 登记证明 in the style of the registration and transfer certificates (desktop/cases/ebike.py)."""
    snap = header(kind, title, ctx.service, dict(ctx.answers), numbers.number_of(ctx.case), ctx.actor, ctx.now)
    snap["intro"] = intro
    snap["sections"] = [{"heading": "登记信息", "type": "table", "columns": ["项目", "内容"], "rows": rows}]
    if notes:
        snap["sections"].append({"heading": "注意事项", "type": "text", "text": notes})
    snap["footer"] = f"依据《郑州市非机动车管理办法》{clauses}。请妥善保管本证明。"
    return snap


def _bike_rows(reg: EbikeRegistration) -> list[list[str]]:
    return [["车架号（整车编码）", reg.frame_no], ["品牌型号", f"{reg.brand} {reg.model}"], ["车身颜色", reg.colour]]


@hooks.on("accepted", "ebike_destroyed")
def destroy_bike(ctx: IntakeContext) -> HookResult:
    """灭失: the registration ends for good, its plate number is voided; the frame number stays, so it is never registered again."""
    typed = ebike._typed(ctx)
    reg = _locked(ctx, typed, (REGISTERED, "stolen", "lost"))
    before = reg.status
    reg.status, reg.updated_at = DESTROYED, ctx.now
    ctx.session.add(EbikeStatusHistory(registration_id=reg.id, status=DESTROYED, since=typed["destroyed_date"],
                                       case_id=ctx.case.id, recorded_at=ctx.now))
    if reg.plate_no:
        # NOTE: the plate stays on the registration too (its unique constraint keeps the number taken);
        # the voided row is what a search and every later procedure find.
        _void(ctx, reg, reg.plate_no, "destroyed", None)
    _index(ctx, reg)
    _audit(ctx, "ebike.destroyed", reg, previous=before)
    from forms.services.ebike.destroyed import CAUSES

    rows = [["号牌号码", f"{reg.plate_no or '（未发牌）'}（已作废）"], *_bike_rows(reg),
            ["灭失原因", dict(CAUSES)[typed["destroyed_cause"]]], ["灭失日期", cn_date(typed["destroyed_date"])],
            ["原号牌", "已交回" if typed.get("plate_returned") else "未交回（号牌号码同样作废）"],
            ["原登记日期", cn_date(reg.registered_on)], ["灭失登记日期", cn_date(ctx.now.date())]]
    paper = _paper(
        ctx, "destroyed_certificate", DESTROYED_TITLE,
        f"车架号{reg.frame_no}的电动自行车已办理灭失登记，该车登记终止。"
        f"号牌{reg.plate_no or '（未发牌）'}自即日起作废，不再核发；该车架号不得再次登记。",
        rows,
        "一、作废的号牌不得再悬挂使用；禁止盗用、冒用电动自行车号牌（第二十一条）。\n"
        "二、原号牌未交回的，发现后请交回登记窗口或公安机关交通管理部门。",
        "第十五条、第十七条、第二十一条")
    return HookResult(receipt_rows=[["号牌号码", f"{reg.plate_no or '（未发牌）'}（已作废）"],
                                    ["车架号（整车编码）", reg.frame_no], ["登记状态", "灭失（登记终止）"]],
                      papers=[paper])


@hooks.on("accepted", "ebike_recovered")
def recover_bike(ctx: IntakeContext) -> HookResult:
    """找回: the 被盗/遗失 record is closed by this case and the bike is 正常 again (a status history row)."""
    typed = ebike._typed(ctx)
    reg = _locked(ctx, typed, ("stolen", "lost"))
    before = reg.status
    reg.status, reg.updated_at = REGISTERED, ctx.now
    ctx.session.add(EbikeStatusHistory(registration_id=reg.id, status=REGISTERED, since=typed["found_date"],
                                       case_id=ctx.case.id, recorded_at=ctx.now))
    _index(ctx, reg)
    _audit(ctx, "ebike.recovered", reg, previous=before)
    seen = (ctx.facts or {}).get("registration") or {}
    how = "公安机关追回发还" if typed["found_by"] == "police" else "所有人自行找回"
    rows = [["号牌号码", reg.plate_no or "（未发牌）"], *_bike_rows(reg),
            ["原登记状态", f"{ec.STATUS_NAMES[before]}（案件{seen.get('status_case_no') or '—'}）"],
            ["找回方式", how], ["找回日期", cn_date(typed["found_date"])], ["现登记状态", "正常"]]
    if typed["found_by"] == "police" and typed.get("police_return_no"):
        rows.insert(6, ["发还凭证编号", typed["police_return_no"]])
    paper = _paper(
        ctx, "recovered_certificate", RECOVERED_TITLE,
        f"号牌{reg.plate_no or '（未发牌）'}的电动自行车已找回，经现场交验与登记一致，"
        f"{ec.STATUS_NAMES[before]}登记终止，登记状态恢复正常，原号牌继续有效。",
        rows, "", "第十五条、第十七条")
    return HookResult(receipt_rows=[["号牌号码", reg.plate_no or "（未发牌）"], ["车架号（整车编码）", reg.frame_no],
                                    ["登记状态", f"正常（原{ec.STATUS_NAMES[before]}，已找回）"]],
                      papers=[paper])


@hooks.on("accepted", "ebike_plate")
def replace_plate(ctx: IntakeContext) -> HookResult:
    """补领/换领: a new number from the pool becomes the bike's, the old one is voided and recorded."""
    typed = ebike._typed(ctx)
    reg = _locked(ctx, typed, (REGISTERED,))
    old = reg.plate_no
    if not old:
        raise ActionRefused(_CHANGED)
    # NOTE: a new number, never the old one (forms/services/ebike/plate.py explains why); the pool only
    # counts forward, so neither number is ever issued again.
    new = plate_issue.allocate(ctx.session, ctx.actor.window)
    reason = typed["plate_event"]
    _void(ctx, reg, old, reason, new)
    reg.plate_no, reg.updated_at = new, ctx.now
    ctx.session.flush()  # the unique plate constraint speaks now, inside the unit, not at commit
    _index(ctx, reg)
    # NOTE: the answers keep the old plate the clerk typed; the case's plate column and the register hold the new one.
    _audit(ctx, "ebike.plate_replaced", reg, old_plate_no=old, reason=reason)
    verb = "补领" if reason == "lost" else "换领"
    rows = [["新号牌号码", new], ["原号牌号码", f"{old}（已作废）"], *_bike_rows(reg),
            ["申请事由", "号牌遗失" if reason == "lost" else "号牌损坏（原号牌已交回）"],
            ["所有人", reg.owner_name], ["核发日期", cn_date(ctx.now.date())]]
    paper = _paper(
        ctx, "plate_certificate", PLATE_TITLE,
        f"车架号{reg.frame_no}的电动自行车准予{verb}号牌，核发新号牌{new}。原号牌{old}自即日起作废，不再核发、不得使用。",
        rows,
        "一、新号牌应依规悬挂，并保持完整、清晰，不得污损、遮挡（第二十一条）。\n"
        f"二、原号牌{old}已作废；找到原号牌的，请交回登记窗口，不得悬挂使用（第二十一条）。",
        "第十五条、第十七条、第二十一条")
    return HookResult(receipt_rows=[["新号牌号码", new], ["原号牌号码", f"{old}（已作废）"],
                                    ["车架号（整车编码）", reg.frame_no]], papers=[paper])


# --- reversals (a case refused or cancelled after acceptance) ------------------------------------
# NOTE: as in desktop/cases/ebike_reversal.py: only the newest change can be taken back; a case built
# on this one (a transfer after a recovery, a second replacement) must be handled first.

_LATER = "该车在本案之后已办理{what}（案件{case_no}），请先处理该案件，再撤销或不予许可本案。本次未保存。"


_History = EbikeOwnerHistory | EbikeStatusHistory | EbikeVoidedPlate  # a registration's rows, each by a case
_HISTORIES: tuple[tuple[type[_History], str], ...] = (
    (EbikeOwnerHistory, "转移登记"), (EbikeStatusHistory, "登记状态变更"), (EbikeVoidedPlate, "号牌作废"))


def _refuse_if_later(s: Session, reg: EbikeRegistration, case_id: int, since: datetime,
                     own: tuple[type[_History], int] | None = None) -> None:
    """Refuse when another case changed this registration at or after ``since`` (its first registration aside).

    ``own`` = (model, row id) of this case's own row: in its own table "later" is a higher id, because
    two cases accepted in the same second (the demo hall's, a busy window's) have equal timestamps."""
    for model, what in _HISTORIES:
        after = model.id > own[1] if own and own[0] is model else model.recorded_at >= since
        later = s.scalar(select(model.case_id).where(model.registration_id == reg.id,
                                                     model.case_id.not_in((case_id, reg.registered_case_id)),
                                                     after)
                         .order_by(model.id.desc()).limit(1))
        if later is not None:
            raise ActionRefused(_LATER.format(what=what, case_no=ebike._case_no(s, later)))


def _locked_registration(s: Session, registration_id: int) -> EbikeRegistration:
    """The registration a history row names, locked (FOR UPDATE) for the reversal."""
    reg = s.get(EbikeRegistration, registration_id, with_for_update=True)
    if reg is None:  # NOTE: cannot be: the history row's foreign key names it
        raise ValueError(f"no e-bike registration {registration_id}")
    return reg


@hooks.on(status.REFUSED, "ebike_destroyed", "ebike_recovered")
@hooks.on(status.CANCELLED, "ebike_destroyed", "ebike_recovered")
def revert_status_change(ctx: IntakeContext) -> HookResult:
    """The 灭失 or 找回 never stood: the status before it is back (and a 灭失's plate is no longer voided)."""
    s = ctx.session
    mine = s.scalar(select(EbikeStatusHistory).where(EbikeStatusHistory.case_id == ctx.case.id))
    if mine is None:
        return HookResult()  # a draft, or a case refused before it changed anything
    reg = _locked_registration(s, mine.registration_id)
    _refuse_if_later(s, reg, ctx.case.id, mine.recorded_at, (EbikeStatusHistory, mine.id))
    previous = s.scalar(select(EbikeStatusHistory).where(EbikeStatusHistory.registration_id == reg.id,
                                                         EbikeStatusHistory.id < mine.id)
                        .order_by(EbikeStatusHistory.id.desc()).limit(1))
    reg.status, reg.updated_at = (previous.status if previous else REGISTERED), ctx.now
    for row in s.scalars(select(EbikeVoidedPlate).where(EbikeVoidedPlate.case_id == ctx.case.id)):
        s.delete(row)  # NOTE: a 灭失's plate is on the registration still, so no number is lost or reissued
    s.delete(mine)
    _audit(ctx, "ebike.destroyed_reverted" if ctx.service.service_id == "ebike_destroyed"
           else "ebike.recovered_reverted", reg, status=reg.status)
    s.flush()
    return HookResult()


@hooks.on(status.REFUSED, "ebike_plate")
@hooks.on(status.CANCELLED, "ebike_plate")
def revert_plate(ctx: IntakeContext) -> HookResult:
    """The replacement never stood: the old plate is the bike's again, and the new number is voided instead.

    NOTE: the new number was printed and a plate may have been made for it; it is never issued again
    (reason "revoked"), as a cancelled registration's plate is not (desktop/cases/ebike_reversal.py)."""
    s = ctx.session
    mine = s.scalar(select(EbikeVoidedPlate).where(EbikeVoidedPlate.case_id == ctx.case.id,
                                                   EbikeVoidedPlate.reason.in_(("lost", "damaged"))))
    if mine is None:
        return HookResult()
    reg = _locked_registration(s, mine.registration_id)
    _refuse_if_later(s, reg, ctx.case.id, mine.recorded_at, (EbikeVoidedPlate, mine.id))
    new = reg.plate_no
    s.delete(mine)
    s.flush()  # the old number must leave ebike_voided_plates before it is the bike's again
    reg.plate_no, reg.updated_at = mine.plate_no, ctx.now
    if new:
        s.add(EbikeVoidedPlate(plate_no=new, registration_id=reg.id, reason="revoked", replaced_by=mine.plate_no,
                               voided_on=ctx.now.date(), case_id=ctx.case.id, recorded_at=ctx.now))
    _audit(ctx, "ebike.plate_reverted", reg, status=reg.status)
    s.flush()
    return HookResult()


# --- search ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoidedPlateView:
    plate_no: str
    reason_label: str
    voided_on: date
    case_no: str | None
    replaced_by: str | None
    frame_no: str  # the bike the plate was issued to
    current_plate_no: str | None
    status_label: str

    @property
    def reissued_as(self) -> str | None:
        """The number issued in its place (补领/换领); a revocation's voided number replaced nothing."""
        return self.replaced_by if self.reason_label != ec.VOID_REASONS["revoked"] else None


def _view(s: Session, row: EbikeVoidedPlate, reg: EbikeRegistration) -> VoidedPlateView:
    return VoidedPlateView(row.plate_no, ec.VOID_REASONS.get(row.reason, row.reason), row.voided_on,
                           ebike._case_no(s, row.case_id), row.replaced_by, reg.frame_no, reg.plate_no,
                           ec.STATUS_NAMES.get(reg.status, reg.status))


def find_voided_plate(db: Database, plate: str) -> VoidedPlateView | None:
    """A voided plate number with the bike it belonged to (the 查询 and the status dialog name it as voided)."""
    code = ec.normalize_code(plate)
    if not code:
        return None
    with db.read() as s:
        row = _voided(s, code)
        reg = None if row is None else s.get(EbikeRegistration, row.registration_id)
        return None if row is None or reg is None else _view(s, row, reg)


def voided_plates_of(db: Database, frame_no: str) -> list[VoidedPlateView]:
    """Every plate number the bike with this frame number had voided, oldest first (its plate history)."""
    with db.read() as s:
        reg = s.scalar(select(EbikeRegistration).where(EbikeRegistration.frame_no == ec.normalize_code(frame_no)))
        if reg is None:
            return []
        rows = s.scalars(select(EbikeVoidedPlate).where(EbikeVoidedPlate.registration_id == reg.id)
                         .order_by(EbikeVoidedPlate.id))
        return [_view(s, row, reg) for row in rows]

