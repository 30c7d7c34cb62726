"""Tables of the handling deadlines: each case's deadlines tracked one by one, and the hall's own 承诺时限."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base

# States of one deadline: the clock runs, is stopped (补正), was met in time or late, or ended unmet
# because the case closed another way (a refusal ends the 居住证 issue deadline, a cancellation all).
RUNNING, STOPPED, MET, ENDED = "running", "stopped", "met", "ended"


class CaseDeadline(Base):
    """One deadline of one case (the 居住证 review and issue are two rows), with its basis and state."""

    __tablename__ = "case_deadlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    key: Mapped[str] = mapped_column(String(24))  # "review", "issue", "promised"
    label: Mapped[str] = mapped_column(String(40))
    stage: Mapped[str] = mapped_column(String(16))  # which step meets it (forms.model.Deadline.stage)
    count: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(16))  # "working_days" / "calendar_days"
    extended_days: Mapped[int] = mapped_column(Integer, default=0)  # working days added by extensions
    basis: Mapped[str] = mapped_column(String(200))
    explanation: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(12))
    met_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # the day it was met or ended

    __table_args__ = (
        # NOTE: the overdue and due-soon lists walk this index in due order (state = running), so a
        # list of thousands of overdue deadlines reads only its first page (tests/desktop/cases/test_lookups.py).
        Index("ix_case_deadlines_state_due", "state", "due_on"),
        Index("ix_case_deadlines_case_id", "case_id"),
    )


class HallParameter(Base):
    """A hall's own value of a shipped dated parameter (e.g. its 办事指南's 承诺办结时限), from a date on."""

    __tablename__ = "hall_parameters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    params_name: Mapped[str] = mapped_column(String(40))  # the file, e.g. "ebike"
    name: Mapped[str] = mapped_column(String(60))  # the parameter, e.g. "registration_promised_days"
    since: Mapped[date] = mapped_column(Date)
    value: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(200))
    changed_by: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("params_name", "name", "since", name="uq_hall_parameters_day"),)
