"""Work lists and the case timeline: due soon, overdue, pledges coming due, the review queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Integer, bindparam, select

from desktop.cases import at_window, audit_labels, case_rows, status
from desktop.cases.dto import CaseSummary
from desktop.cases.queries import SUMMARY_COLUMNS, summary
from desktop.cases.stored import EventDetail
from desktop.store.database import Database
from desktop.store.deadline_models import RUNNING as RUNNING_DEADLINE, CaseDeadline
from desktop.store.lifecycle_models import Pledge
from desktop.store.models import Account, AuditEvent, Case

ACTION_LABELS = {
    "case.draft": "保存草稿", "case.accepted": "受理", "case.not_accepted": "不予受理",
    "case.supplement_requested": "通知补正", "case.refused": "不予许可", "case.approved": "批准",
    "case.issued": "发证/办结", "case.cancelled": "撤销", "case.extended": "延长期限（延期告知书）",
    # NOTE: "paper.print" is what older versions wrote when the PDF was made; it never meant a print job.
    "paper.made": "生成文书", "paper.print": "生成文书", "paper.reprint": "补打文书（生成）",
    "paper.printed": "送打印机打印", "pledge.record": "签署承诺",
    "pledge.fulfilled": "承诺已履行", "id.reveal": "查看完整证件号码", "case.inspected": "现场查验",
}
# The same events where the case was decided at the window (issue 13) or revoked after that.
AT_WINDOW_LABELS = {"case.issued": "当场办结", "case.cancelled": "撤销登记"}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    actor: str
    window: str
    action: str
    label: str
    detail: EventDetail  # the few details the timeline shows, typed (desktop/cases/stored.py)


@dataclass(frozen=True)
class PledgeDue:
    pledge_id: int
    case: CaseSummary
    material_label: str
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class DeadlineDue:
    """One running deadline of one case in a work list: which deadline, by when."""

    deadline_id: int
    case: CaseSummary
    key: str
    label: str
    due_on: date
    provisional: bool
    overdue: bool


_DEADLINE_COLUMNS = (CaseDeadline.id.label("deadline_id"), CaseDeadline.key.label("deadline_key"),
                     CaseDeadline.label.label("deadline_label"), CaseDeadline.due_on.label("deadline_due"),
                     CaseDeadline.provisional.label("deadline_provisional"))
# NOTE: a deadline row is these five, then the case's row (desktop.cases.case_rows' layout).
DEADLINE_ID, DEADLINE_KEY, DEADLINE_LABEL, DEADLINE_DUE, DEADLINE_PROVISIONAL = range(5)
DeadlineRow = tuple[Any, ...]


def case_of(row: DeadlineRow) -> case_rows.CaseRow:
    """The case part of a deadline row."""
    return row[len(_DEADLINE_COLUMNS):]


def deadline_overdue(row: DeadlineRow, today: date) -> bool:
    due = case_rows.as_date(row[DEADLINE_DUE])
    return due is not None and due < today  # NOTE: NOT NULL


def deadline_due(row: DeadlineRow, today: date) -> DeadlineDue:
    """The frozen, masked form of one deadline row."""
    due = case_rows.as_date(row[DEADLINE_DUE])
    assert due is not None
    return DeadlineDue(row[DEADLINE_ID], case_rows.summary_of(case_of(row)), row[DEADLINE_KEY], row[DEADLINE_LABEL],
                       due, bool(row[DEADLINE_PROVISIONAL]), due < today)


def _running_query(kind: str):
    """Running deadlines, the earliest due first, each with its case.

    NOTE: each deadline is its own row (the 居住证 review goes overdue before the issue date), and
    the list is one ordered walk of ix_case_deadlines_state_due (state = running) joined to its case
    by primary key: the first page is read, never every overdue deadline. A 补正 stops a deadline
    (state stopped), so it drops out without a status filter on the case.
    """
    if kind == "overdue":
        condition = CaseDeadline.due_on < bindparam("today", date.min, type_=Date)
    else:
        first, last = bindparam("first", date.min, type_=Date), bindparam("last", date.min, type_=Date)
        condition = CaseDeadline.due_on.between(first, last)
    return (select(*_DEADLINE_COLUMNS, *SUMMARY_COLUMNS).join(Case, Case.id == CaseDeadline.case_id)
            .where(CaseDeadline.state == RUNNING_DEADLINE, condition)
            .order_by(CaseDeadline.due_on, CaseDeadline.id).limit(bindparam("limit", 0, type_=Integer)))


def overdue_rows(db: Database, today: date, limit: int = 500) -> list[DeadlineRow]:
    """Deadlines past their last day and not yet met, the longest overdue first (rows for a list)."""
    plan = db.reader.plan("worklists.overdue", lambda: _running_query("overdue"))
    return db.reader.rows(plan, {"today": today, "limit": limit})


def due_soon_rows(db: Database, today: date, within_days: int = 2, limit: int = 500) -> list[DeadlineRow]:
    """Deadlines due today or within the next ``within_days`` calendar days, not yet overdue (rows for a list)."""
    plan = db.reader.plan("worklists.due_soon", lambda: _running_query("due_soon"))
    return db.reader.rows(plan, {"first": today, "last": today + timedelta(days=within_days), "limit": limit})


def overdue(db: Database, today: date, limit: int = 500) -> list[DeadlineDue]:
    """Deadlines past their last day and not yet met, the longest overdue first."""
    return [deadline_due(r, today) for r in overdue_rows(db, today, limit)]


def due_soon(db: Database, today: date, within_days: int = 2, limit: int = 500) -> list[DeadlineDue]:
    """Deadlines due today or within the next ``within_days`` calendar days, not yet overdue."""
    return [deadline_due(r, today) for r in due_soon_rows(db, today, within_days, limit)]


def review_rows(db: Database, limit: int = 500) -> list[case_rows.CaseRow]:
    """Accepted cases waiting for a supervisor's decision, the most urgent first (rows for a list).

    NOTE (issue 13): never a case of a procedure decided at the window, which has no review (one
    accepted before that was so waits for its 办结 in the deadline lists, not here).
    """
    decided_at_window = at_window.service_ids()
    plan = db.reader.plan(("worklists.review", decided_at_window), lambda: (
        select(*SUMMARY_COLUMNS).where(Case.status == status.ACCEPTED, Case.service_id.not_in(decided_at_window))
        .order_by(Case.due_on, Case.id).limit(bindparam("limit", 0, type_=Integer))))
    return db.reader.rows(plan, {"limit": limit})


def review_queue(db: Database, limit: int = 500) -> list[CaseSummary]:
    """Accepted cases waiting for a supervisor's decision, the most urgent first."""
    return [case_rows.summary_of(r) for r in review_rows(db, limit)]


def pledges_due(db: Database, today: date, within_days: int = 3, limit: int = 500) -> list[PledgeDue]:
    """Open 容缺 pledges due within ``within_days`` or already overdue, the earliest ``limit`` of them."""
    with db.read() as s:
        rows = s.execute(select(Pledge, Case).join(Case, Case.id == Pledge.case_id)
                         .where(Pledge.fulfilled_on.is_(None), Pledge.due_on.is_not(None),
                                Pledge.due_on <= today + timedelta(days=within_days),
                                Case.status.not_in(tuple(status.CLOSED)))
                         .order_by(Pledge.due_on, Pledge.id).limit(limit))
        return [PledgeDue(p.id, summary(c), p.material_label, p.due_on, p.due_on < today) for p, c in rows
                if p.due_on is not None]  # (the query's own condition, for the type checker)


def timeline(db: Database, case_id: int) -> list[TimelineEvent]:
    """The case's audit events, oldest first; the actor as "name（login）", which a clerk recognises."""
    with db.read() as s:
        rows = s.execute(select(AuditEvent, Account.display_name)
                         .outerjoin(Account, Account.username == AuditEvent.actor)
                         .where(AuditEvent.case_id == case_id).order_by(AuditEvent.id))
        return [TimelineEvent(r.at, f"{name}（{r.actor}）" if name else (r.actor or ""), r.window or "", r.action,
                              _label(r.action, r.detail or {}), EventDetail.from_stored(r.detail)) for r, name in rows]


def _label(action: str, detail: dict) -> str:
    if detail.get("at_window") or detail.get("revoked"):
        return AT_WINDOW_LABELS.get(action, ACTION_LABELS.get(action, action))
    return ACTION_LABELS.get(action) or audit_labels.timeline_label(action) or action
