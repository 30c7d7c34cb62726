"""Work lists and the case timeline: due soon, overdue, pledges coming due, the review queue."""

from __future__ import annotations

from dataclasses import dataclass
import heapq
from datetime import date, datetime, timedelta

from sqlalchemy import select

from desktop.cases import status
from desktop.cases.dto import CaseSummary
from desktop.cases.queries import SUMMARY_COLUMNS, summary
from desktop.store.database import Database
from desktop.store.lifecycle_models import Pledge
from desktop.store.models import Account, AuditEvent, Case

ACTION_LABELS = {
    "case.draft": "保存草稿", "case.accepted": "受理", "case.not_accepted": "不予受理",
    "case.supplement_requested": "通知补正", "case.refused": "不予许可", "case.approved": "批准",
    "case.issued": "发证/办结", "case.cancelled": "撤销", "case.extended": "延长期限",
    # NOTE: "paper.print" is what older versions wrote when the PDF was made; it never meant a print job.
    "paper.made": "生成文书", "paper.print": "生成文书", "paper.reprint": "补打文书（生成）",
    "paper.printed": "送打印机打印", "pledge.record": "签署承诺",
    "pledge.fulfilled": "承诺已履行", "id.reveal": "查看完整证件号码",
    "ebike.registered": "登记上牌", "ebike.transferred": "转移登记", "ebike.status": "被盗/遗失登记",
    "ebike.registration_voided": "注销未生效的登记", "ebike.transfer_reverted": "恢复原所有人",
    "ebike.status_reverted": "恢复原登记状态",
}
# Open cases whose handling clock runs (a supplement request stops it).
RUNNING = (status.ACCEPTED, status.APPROVED)


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    actor: str
    window: str
    action: str
    label: str
    detail: dict


@dataclass(frozen=True)
class PledgeDue:
    pledge_id: int
    case: CaseSummary
    material_label: str
    due_on: date
    overdue: bool


def _running(db: Database, condition, limit: int) -> list[CaseSummary]:
    """Running cases meeting ``condition``, the earliest due first.

    NOTE: one query per state, each an ordered walk of ix_cases_status_due, merged here: with
    ``status IN (…)`` SQLite cannot read the index in due_on order and sorts every match, which at
    a million cases means thousands of long-forgotten approved cards never collected.
    """
    with db.read() as s:
        per_state = [s.execute(select(*SUMMARY_COLUMNS).where(Case.status == state, condition)
                               .order_by(Case.due_on, Case.id).limit(limit)).all() for state in RUNNING]
    merged = heapq.merge(*per_state, key=lambda r: (r.due_on, r.id))
    return [summary(r) for _, r in zip(range(limit), merged)]


def overdue(db: Database, today: date, limit: int = 500) -> list[CaseSummary]:
    return _running(db, Case.due_on < today, limit)


def due_soon(db: Database, today: date, within_days: int = 2, limit: int = 500) -> list[CaseSummary]:
    """Due today or within the next ``within_days`` calendar days, not yet overdue."""
    return _running(db, Case.due_on.between(today, today + timedelta(days=within_days)), limit)


def review_queue(db: Database, limit: int = 500) -> list[CaseSummary]:
    """Accepted cases waiting for a supervisor's decision, the most urgent first."""
    with db.read() as s:
        rows = s.execute(select(*SUMMARY_COLUMNS).where(Case.status == status.ACCEPTED)
                         .order_by(Case.due_on, Case.id).limit(limit))
        return [summary(r) for r in rows]


def pledges_due(db: Database, today: date, within_days: int = 3) -> list[PledgeDue]:
    """Open 容缺 pledges due within ``within_days`` or already overdue."""
    with db.read() as s:
        rows = s.execute(select(Pledge, Case).join(Case, Case.id == Pledge.case_id)
                         .where(Pledge.fulfilled_on.is_(None), Pledge.due_on.is_not(None),
                                Pledge.due_on <= today + timedelta(days=within_days),
                                Case.status.not_in(tuple(status.CLOSED)))
                         .order_by(Pledge.due_on, Pledge.id))
        return [PledgeDue(p.id, summary(c), p.material_label, p.due_on, p.due_on < today) for p, c in rows]


def timeline(db: Database, case_id: int) -> list[TimelineEvent]:
    """The case's audit events, oldest first; the actor as "name（login）", which a clerk recognises."""
    with db.read() as s:
        rows = s.execute(select(AuditEvent, Account.display_name)
                         .outerjoin(Account, Account.username == AuditEvent.actor)
                         .where(AuditEvent.case_id == case_id).order_by(AuditEvent.id))
        return [TimelineEvent(r.at, f"{name}（{r.actor}）" if name else (r.actor or ""), r.window or "", r.action,
                              ACTION_LABELS.get(r.action, r.action), dict(r.detail)) for r, name in rows]
