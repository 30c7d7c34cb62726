"""After intake: supplement, decide, issue, cancel, extend — each one transaction and a timeline event."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cases import at_window, deadlines, hooks, identifiers, lifecycle_papers, numbers, permissions, status
from desktop.cases.calendars import calendar_for
from desktop.cases.dto import AccountInfo, Actor, CaseSummary, Countersign, PrintedPaper, ReasonRow
from desktop.cases.errors import ActionRefused, InputError
from desktop.cases.hall_context import HallContext
from desktop.cases.intake import fonts_ready, paper_unit, record_paper
from desktop.cases.queries import summary
from desktop.store import audit
from desktop.store.database import Database
from desktop.store.lifecycle_models import DecisionReason
from desktop.store.models import Case
from forms import checks, registry

# The working days one extension may add (the extension dialog's spin box offers exactly these).
EXTENSION_DAYS_MIN, EXTENSION_DAYS_MAX = 1, 30


@dataclass(frozen=True)
class StepResult:
    case: CaseSummary
    papers: tuple[PrintedPaper, ...] = ()


def _load(s: Session, case_id: int) -> Case:
    # NOTE: the state check and the write are one transaction with the case row locked: FOR
    # UPDATE on PostgreSQL (a second supervisor waits here, then reads the new state and is
    # refused); on SQLite the unit began with BEGIN IMMEDIATE, so this read already holds the
    # write lock (SQLite renders no FOR UPDATE). populate_existing: the state is read, not remembered.
    row = s.get(Case, case_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise ActionRefused("案件不存在。")
    return row


def _move(s: Session, row: Case, to: str, actor: Actor, now: datetime, detail: dict[str, Any] | None = None,
          countersign: AccountInfo | None = None) -> None:
    # NOTE: a case concluded at the window may still be revoked (撤销登记, desktop/cases/at_window.py).
    revoking = to == status.CANCELLED and at_window.may_revoke(row)
    if to not in status.TRANSITIONS.get(row.status, frozenset()) and not revoking:
        raise ActionRefused(
            f"案件{row.case_no or ''}当前为“{status.status_label(row.status)}”，不能改为“{status.status_label(to)}”。"
        )
    before = row.status
    row.status = to
    row.updated_at = now
    if to in status.CLOSED:
        row.closed_on = now.date()
    deadlines.settle(s, row, to, now.date())  # the review is met by the decision, the issue by the hand-over
    event = {"from": before, "to": to, **(detail or {})}
    if countersign is not None:
        event["countersign"] = countersign.username
    audit.append(s, f"case.{to}", actor=actor.account.username, window=actor.window, case_id=row.id, detail=event)


def _life(row: Case) -> dict[str, Any]:
    # NOTE: a deep copy: a shallow one shares its lists with the loaded value, so appending a
    # second extension or supplement changed both, SQLAlchemy saw no change and dropped it.
    return copy.deepcopy(row.lifecycle or {})


def request_supplement(hall: HallContext, case_id: int, items: list[str], reason: str, *,
                       now: datetime | None = None) -> StepResult:
    """补正通知书: the handling clock stops until the supplements arrive."""
    db, actor, papers_dir, font_path = hall.db, hall.actor, hall.papers_folder(), hall.font_path
    items = [i.strip() for i in items if i.strip()]
    errors = {}
    if not items:
        errors["items"] = "请列出需要补正的材料或内容"
    if not reason.strip():
        errors["reason"] = "请填写补正原因"
    if errors:
        raise InputError(errors)
    now = now or datetime.now()
    fonts_ready(font_path)
    with paper_unit(db) as (s, written):
        permissions.require(s, actor, "supplement")
        row = _load(s, case_id)
        at_window.refuse_review_step(row, "通知补正")
        _move(s, row, status.SUPPLEMENT, actor, now, {"items": items})
        deadlines.stop(s, row)
        life = _life(row)
        life.setdefault("supplements", []).append({"requested_on": now.date().isoformat(), "items": items,
                                                   "reason": reason.strip()})
        row.lifecycle = life
        service = registry.get(row.service_id)
        snap = lifecycle_papers.supplement_notice(service, row.answers, numbers.number_of(row), items, reason.strip(),
                                                  actor, now)
        paper = record_paper(s, row.id, snap, actor, now, papers_dir, font_path, written)
        return StepResult(summary(row), (paper,))


def receive_supplement(hall: HallContext, case_id: int, *, now: datetime | None = None) -> StepResult:
    """The supplements arrived: the deadlines start again from the next day (start day not counted)."""
    db, actor = hall.db, hall.actor
    now = now or datetime.now()
    with paper_unit(db) as (s, _written):
        permissions.require(s, actor, "supplement")
        row = _load(s, case_id)
        life = _life(row)
        # NOTE: the deadlines restart from their own rows (desktop/cases/deadlines.py), so an
        # extension granted before the 补正 is kept and a deadline already met stays met.
        restarted = [{"key": d.key, "label": d.label, "due": d.due_on.isoformat(), "provisional": d.provisional,
                      "explanation": d.explanation}
                     for d in deadlines.restart(s, row, calendar_for(db), now.date())]
        _move(s, row, status.ACCEPTED, actor, now, {"restarted": [r["due"] for r in restarted]})
        supplements = life.get("supplements", [])
        if supplements:
            supplements[-1]["received_on"] = now.date().isoformat()
        life["deadlines"] = restarted
        row.lifecycle = life
        return StepResult(summary(row))


def extend(hall: HallContext, case_id: int, working_days: int, reason: str, *,
           now: datetime | None = None) -> StepResult:
    """A supervisor extends the running deadlines, with a reason, in working days; the 延期告知书 tells the applicant."""
    db, actor, papers_dir, font_path = hall.db, hall.actor, hall.papers_folder(), hall.font_path
    errors = {}
    if not EXTENSION_DAYS_MIN <= working_days <= EXTENSION_DAYS_MAX:
        errors["days"] = f"延长的工作日数应在{EXTENSION_DAYS_MIN}到{EXTENSION_DAYS_MAX}之间"
    if not reason.strip():
        errors["reason"] = "请填写延长理由"
    if errors:
        raise InputError(errors)
    now = now or datetime.now()
    with paper_unit(db) as (s, written):
        permissions.require(s, actor, "extend")
        row = _load(s, case_id)
        at_window.refuse_review_step(row, "延长办理期限")
        if row.status not in status.OPEN or not deadlines.has_running(s, row.id):
            # NOTE: during a 补正 the clock is stopped; there is nothing to extend until it runs again.
            raise ActionRefused(f"案件当前为“{status.status_label(row.status)}”，没有正在计算的办理期限，不能延长。")
        before = row.due_on
        changes = deadlines.extend(s, row, calendar_for(db), working_days)
        life = _life(row)
        life.setdefault("extensions", []).append({
            "on": now.date().isoformat(), "days": working_days, "reason": reason.strip(),
            "from": before.isoformat() if before else None, "to": row.due_on.isoformat() if row.due_on else None,
            "provisional": any(c.provisional for c in changes), "by": actor.account.username,
            "deadlines": [{"label": c.label, "from": c.before.isoformat(), "to": c.after.isoformat()} for c in changes]})
        row.lifecycle = life
        row.updated_at = now
        audit.append(s, "case.extended", actor=actor.account.username, window=actor.window, case_id=row.id,
                     detail={"days": working_days, "to": row.due_on.isoformat() if row.due_on else None,
                             "deadlines": {c.label: c.after.isoformat() for c in changes}})
        service = registry.get(row.service_id)
        snap = lifecycle_papers.extension_notice(service, row.answers, numbers.number_of(row), changes, working_days,
                                                 reason.strip(), _extension_basis(service, now.date()), actor, now)
        paper = record_paper(s, row.id, snap, actor, now, papers_dir, font_path, written)
        return StepResult(summary(row), (paper,))


def _extension_basis(service, day: date) -> str:
    """What the 延期告知书 cites, a dated parameter per service (licensing law only where it applies)."""
    params = service.params().at(day)
    try:
        return str(params["extension_basis"])
    except LookupError:
        return ""


def decision_reasons(db: Database, service_id: str, active_only: bool = True) -> list[ReasonRow]:
    """The reasons a case of ``service_id`` may cite: its own procedure's, never another's (issue 14)."""
    with db.read() as s:
        query = select(DecisionReason).where(DecisionReason.service_id == service_id).order_by(DecisionReason.code)
        if active_only:
            query = query.where(DecisionReason.active.is_(True))
        return [ReasonRow(r.code, r.label, r.basis, r.active, r.service_id) for r in s.scalars(query)]


def approve(hall: HallContext, case_id: int, note: str = "", *, now: datetime | None = None) -> StepResult:
    """A supervisor approves; the service's papers for the applicant (e.g. 居住证领取凭证) are printed."""
    db, actor, papers_dir, font_path = hall.db, hall.actor, hall.papers_folder(), hall.font_path
    now = now or datetime.now()
    fonts_ready(font_path)
    with paper_unit(db) as (s, written):
        permissions.require(s, actor, "decide")
        row = _load(s, case_id)
        at_window.refuse_review_step(row, "批准")
        _move(s, row, status.APPROVED, actor, now, {"note": note.strip()})
        life = _life(row)
        life["decision"] = {"kind": "approved", "on": now.date().isoformat(), "by": actor.account.display_name,
                            "note": note.strip()}
        row.lifecycle = life
        service = registry.get(row.service_id)
        extra = hooks.run(status.APPROVED, hooks.IntakeContext(s, row, service, row.answers,
                                                               None, actor, now))
        papers = tuple(record_paper(s, row.id, p, actor, now, papers_dir, font_path, written) for p in extra.papers)
        return StepResult(summary(row), papers)


def refuse(hall: HallContext, case_id: int, reason_codes: list[str], text: str = "", *,
           now: datetime | None = None) -> StepResult:
    """A supervisor refuses with coded reasons (and free text): 不予许可 / 不予登记决定书 with remedies."""
    db, actor, papers_dir, font_path = hall.db, hall.actor, hall.papers_folder(), hall.font_path
    if not reason_codes:
        raise InputError({"reasons": "请至少选择一条不予许可的理由"})
    now = now or datetime.now()
    fonts_ready(font_path)
    with paper_unit(db) as (s, written):
        permissions.require(s, actor, "decide")
        known = {r.code: r for r in s.scalars(select(DecisionReason).where(DecisionReason.code.in_(reason_codes)))}
        unknown = [c for c in reason_codes if c not in known]
        if unknown:
            raise InputError({"reasons": f"未知的理由代码：{'、'.join(unknown)}"})
        row = _load(s, case_id)
        at_window.refuse_review_step(row, "作出不予许可决定")
        # NOTE: checked here, not only by the dialog's list: a reason of another procedure (or a
        # deactivated one) cites a law that does not govern this case.
        foreign = [c for c in reason_codes if known[c].service_id != row.service_id or not known[c].active]
        if foreign:
            raise InputError({"reasons": f"理由{'、'.join(foreign)}不适用于{registry.get(row.service_id).name}，请重新选择"})
        reasons = [{"code": c, "label": known[c].label, "basis": known[c].basis} for c in reason_codes]
        _move(s, row, status.REFUSED, actor, now, {"reasons": reason_codes})
        life = _life(row)
        life["decision"] = {"kind": "refused", "on": now.date().isoformat(), "by": actor.account.display_name,
                            "reasons": reasons, "text": text.strip()}
        row.lifecycle = life
        service = registry.get(row.service_id)
        hooks.run(status.REFUSED, hooks.IntakeContext(s, row, service, row.answers, None, actor, now))
        snap = lifecycle_papers.refusal_decision(service, row.answers, numbers.number_of(row), reasons, text, actor,
                                                 now)
        paper = record_paper(s, row.id, snap, actor, now, papers_dir, font_path, written)
        return StepResult(summary(row), (paper,))


def issue(hall: HallContext, case_id: int, receiver_name: str, receiver_id_number: str,
          by_proxy: bool, *, now: datetime | None = None) -> StepResult:
    """Hand over the card or plate, or record the payment: who received it, and a proxy's ID."""
    db, actor = hall.db, hall.actor
    now = now or datetime.now()
    errors = {}
    if not receiver_name.strip():
        errors["receiver_name"] = "请填写领取人姓名"
    number = checks.normalize_resident_id(receiver_id_number or "")
    problem = checks.check_resident_id(number, now.date()) if number else "请填写领取人身份号码"
    if problem:
        errors["receiver_id_number"] = problem
    if errors:
        raise InputError(errors)
    with paper_unit(db) as (s, _written):
        permissions.require(s, actor, "issue")
        row = _load(s, case_id)
        if not by_proxy and row.id_number and number != row.id_number:
            raise InputError({"receiver_id_number": "领取人不是申请人本人，请选择“代领”并核验代领人身份证件"})
        _move(s, row, status.ISSUED, actor, now, {"by_proxy": by_proxy})
        life = _life(row)
        # NOTE: the receiver's full number is kept (it is proof of hand-over) but only ever shown masked.
        life["issue"] = {"on": now.date().isoformat(), "receiver_name": receiver_name.strip(),
                         "receiver_id_number": number, "by_proxy": by_proxy, "by": actor.account.display_name}
        row.lifecycle = life
        service = registry.get(row.service_id)
        hooks.run(status.ISSUED, hooks.IntakeContext(s, row, service, row.answers, None, actor, now))
        return StepResult(summary(row))


def check_cancel_reason(reason: str) -> None:
    """A cancellation says why; asked before the countersign dialog too, so nobody signs for nothing."""
    if not reason.strip():
        raise InputError({"reason": "请填写撤销原因"})


def cancel(hall: HallContext, case_id: int, reason: str, countersign: Countersign | None, *,
           now: datetime | None = None) -> StepResult:
    """Cancel with a reason; a supervisor other than the actor countersigns with their password.

    A case concluded at the window (desktop/cases/at_window.py) is revoked the same way (撤销登记):
    its registry change is undone by the service's cancel hook and a 撤销登记决定书 is printed, so
    the context's ``papers_dir`` is needed for it."""
    db, actor, papers_dir, font_path = hall.db, hall.actor, hall.papers_dir, hall.font_path
    if countersign is None:
        raise ActionRefused("撤销案件需要另一位审核人员复核签字。")
    check_cancel_reason(reason)
    now = now or datetime.now()
    if papers_dir is not None:
        fonts_ready(font_path)
    with paper_unit(db) as (s, written):
        permissions.require(s, actor, "cancel")
        signer = permissions.require_countersign(s, actor, countersign, "撤销案件")
        row = _load(s, case_id)
        revoking, concluded_on = at_window.may_revoke(row), row.closed_on
        if revoking and papers_dir is None:
            raise ActionRefused("撤销已办结的登记须打印撤销登记决定书，请在案件页面办理。")
        revoked = {"revoked": True} if revoking else {}
        _move(s, row, status.CANCELLED, actor, now, {"reason": reason.strip(), **revoked}, signer)
        life = _life(row)
        life["cancel"] = {"on": now.date().isoformat(), "reason": reason.strip(), "by": actor.account.display_name,
                          "countersign": signer.display_name, **revoked}
        row.lifecycle = life
        service = registry.get(row.service_id)
        # NOTE: the reversal hooks refuse when a later case built on this one (a transfer after the
        # registration): then nothing is written, the case stays 已办结.
        undone = hooks.run(status.CANCELLED, hooks.IntakeContext(s, row, service, row.answers, None, actor, now))
        if not revoking:
            return StepResult(summary(row))
        snap = at_window.revocation_paper(service, row, concluded_on, undone.consequence, reason.strip(),
                                          signer.display_name, actor, now, identifiers.of_case(s, row.id))
        # (papers_dir was checked above: a revocation is refused without one)
        paper = record_paper(s, row.id, snap, actor, now, hall.papers_folder(), font_path, written)
        return StepResult(summary(row), (paper,))


def conclude_at_window(hall: HallContext, case_id: int, *, now: datetime | None = None) -> StepResult:
    """办结 a case of a procedure decided at the window that was accepted before it was (its plate already issued)."""
    db, actor = hall.db, hall.actor
    now = now or datetime.now()
    with db.unit() as s:
        permissions.require(s, actor, "issue")
        row = _load(s, case_id)
        at_window.conclude(s, row, actor, now)
        return StepResult(summary(row))
