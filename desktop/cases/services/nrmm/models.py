"""The 非道路移动机械编码登记 register: one row per machine registration, and the code counters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base

# States of a register row. "pending": accepted at the window, the department has not decided;
# "registered": the code is issued; "refused": 不予登记 after review; "cancelled": the case was cancelled
# (a code already issued stays in the row and is never issued again).
PENDING, REGISTERED, REFUSED, CANCELLED = "pending", "registered", "refused", "cancelled"
LIVE = (PENDING, REGISTERED)
_LIVE_SQL = text("status IN ('pending', 'registered')")


class NrmmRegistration(Base):
    """A machine's coding registration (第九条), from acceptance to its code (migration nrmm_0001)."""

    __tablename__ = "nrmm_registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    case_no: Mapped[str] = mapped_column(String(20))
    product_no: Mapped[str] = mapped_column(String(40))  # normalised (forms.services.nrmm.code.normalize)
    engine_no: Mapped[str] = mapped_column(String(40), default="")
    machine_type: Mapped[str] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(10))  # the 区县（市） division code of the registering department
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    # NOTE: UNIQUE and never cleared: a code once issued stays with its row whatever happens to the case,
    # so it can never be issued again (the counter only counts forward, too).
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    accepted_on: Mapped[date] = mapped_column(Date)
    registered_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        # One live registration per machine: the database refuses a second pending/registered row for the
        # same product number even if two windows passed the facts check at once.
        Index("uq_nrmm_registrations_live_product", "product_no", unique=True,
              sqlite_where=_LIVE_SQL, postgresql_where=_LIVE_SQL),
    )


class NrmmCodeCounter(Base):
    """The last serial issued per code prefix (district + window): bumped atomically, never lowered."""

    __tablename__ = "nrmm_code_counters"

    prefix: Mapped[str] = mapped_column(String(24), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
