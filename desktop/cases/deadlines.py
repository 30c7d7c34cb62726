"""Each case's deadlines, one row apiece: recorded at acceptance, stopped, restarted, extended, met or ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desktop.cases import status
from desktop.store.deadline_models import ENDED, MET, RUNNING, STOPPED, CaseDeadline
from desktop.store.models import Case
from forms.model import Assessment
from forms.workdays import WorkCalendar

STATE_LABELS = {RUNNING: "计时中", STOPPED: "补正中（暂停计时）", MET: "已按期完成", ENDED: "已终止"}
# Which stages a step meets, and which it ends unmet (forms.model.Deadline.stage).
_MEETS = {status.APPROVED: {"decision"}, status.REFUSED: {"decision", "completion"},
          status.ISSUED: {"decision", "issue", "completion"}}


@dataclass(frozen=True)
class DeadlineInfo:
    """One deadline as the case view and the papers show it."""

    key: str
    label: str
    due_on: date
    provisional: bool
    basis: str
    explanation: str
    state: str
    met_on: date | None

    @property
    def state_label(self) -> str:
        if self.state == MET and self.met_on and self.met_on > self.due_on:
            return "已完成（超期）"
        return STATE_LABELS.get(self.state, self.state)

    def overdue_on(self, today: date) -> bool:
        """Still running past its due date: the case view paints it red (issue 14)."""
        return self.state == RUNNING and self.due_on < today

    def label_on(self, today: date) -> str:
        """The state as the case view shows it on ``today``."""
        if self.overdue_on(today):
            return f"已超期{(today - self.due_on).days}日（计时中）"
        if self.met_on and self.state in (MET, ENDED):
            return f"{self.state_label}（{self.met_on.isoformat()}）"
        return self.state_label


@dataclass(frozen=True)
class Extended:
    """What one extension did to one deadline (printed on the 延期告知书)."""

    label: str
    before: date
    after: date
    provisional: bool


def _rows(s: Session, case_id: int) -> list[CaseDeadline]:
    return list(s.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case_id).order_by(CaseDeadline.id)))


def _sync_case_due(s: Session, row: Case) -> None:
    """``cases.due_on`` stays the latest open deadline (the 办结期限 the case list shows and sorts by)."""
    s.flush()
    open_due = [d.due_on for d in _rows(s, row.id) if d.state in (RUNNING, STOPPED)]
    if open_due:
        row.due_on = max(open_due)


def latest_due(assessment: Assessment) -> date | None:
    """The case's due date: its latest deadline's (None without deadlines)."""
    return max((d.due for d in assessment.deadlines), default=None)


def record(s: Session, row: Case, assessment: Assessment) -> None:
    """At acceptance: one running row per deadline of the assessment (caller's transaction; ``row`` flushed)."""
    values = [dict(case_id=row.id, key=d.key, label=d.label, stage=d.stage, count=d.count, unit=d.unit,
                   extended_days=0, basis=str(d.basis)[:200], explanation=d.explanation, due_on=d.due,
                   provisional=d.provisional, state=RUNNING, met_on=None) for d in assessment.deadlines]
    if values:
        # NOTE (issue 15): one executemany through the table's own types, on the unit's connection:
        # the rows nothing in this transaction holds as objects (later steps query them) cost no
        # unit of work and no INSERT … RETURNING each.
        s.connection().execute(insert(CaseDeadline), values)
    row.due_on = latest_due(assessment)


def stop(s: Session, row: Case) -> None:
    """补正通知书: every running deadline's clock stops."""
    for d in _rows(s, row.id):
        if d.state == RUNNING:
            d.state = STOPPED


def restart(s: Session, row: Case, calendar: WorkCalendar, day: date) -> list[CaseDeadline]:
    """The supplements arrived on ``day``: each stopped deadline counts again from the next day, extensions kept."""
    restarted = []
    for d in _rows(s, row.id):
        if d.state != STOPPED:
            continue
        counted = (calendar.add_working_days(day, d.count) if d.unit == "working_days"
                   else calendar.add_calendar_days(day, d.count))
        due, provisional, explanation = counted.due, counted.provisional, counted.explain()
        if d.extended_days:
            more = calendar.add_working_days(due, d.extended_days)
            due, provisional = more.due, provisional or more.provisional
            explanation += f"；延长{d.extended_days}个工作日，至{due.isoformat()}"
        d.due_on, d.provisional, d.explanation, d.state = due, provisional, explanation, RUNNING
        restarted.append(d)
    _sync_case_due(s, row)
    return restarted


def extend(s: Session, row: Case, calendar: WorkCalendar, working_days: int) -> list[Extended]:
    """Every running deadline moves ``working_days`` working days later (行政许可法 第四十二条 extends the handling time)."""
    changes = []
    for d in _rows(s, row.id):
        if d.state != RUNNING:
            continue
        counted = calendar.add_working_days(d.due_on, working_days)
        changes.append(Extended(d.label, d.due_on, counted.due, counted.provisional or d.provisional))
        d.extended_days += working_days
        d.explanation += f"；延长{working_days}个工作日，至{counted.due.isoformat()}"
        d.due_on, d.provisional = counted.due, counted.provisional or d.provisional
    _sync_case_due(s, row)
    return changes


def has_running(s: Session, case_id: int) -> bool:
    return any(d.state == RUNNING for d in _rows(s, case_id))


def settle(s: Session, row: Case, to: str, day: date) -> None:
    """A step closed some deadlines: met by the step that is their stage, ended by a close that makes them moot."""
    meets = _MEETS.get(to, set())
    closes = to in status.CLOSED
    for d in _rows(s, row.id):
        if d.state not in (RUNNING, STOPPED):
            continue
        if d.stage in meets:
            d.state, d.met_on = MET, day
        elif closes:
            d.state, d.met_on = ENDED, day



def of_case(s: Session, case_id: int) -> tuple[DeadlineInfo, ...]:
    return tuple(DeadlineInfo(d.key, d.label, d.due_on, d.provisional, d.basis, d.explanation, d.state, d.met_on)
                 for d in _rows(s, case_id))
