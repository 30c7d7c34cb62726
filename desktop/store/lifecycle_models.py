"""Tables of the case lifecycle: pledges (容缺受理 and 告知承诺) and the coded decision reasons."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base


class Pledge(Base):
    """A signed pledge: a non-core material to be supplied by a date, or a proof replaced by a promise."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))  # "rongque" 容缺受理 / "gaozhi" 告知承诺
    material_key: Mapped[str] = mapped_column(String(40))
    material_label: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # only 容缺 has a due date
    fulfilled_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_pledges_case_id", "case_id"), Index("ix_pledges_open_due", "fulfilled_on", "due_on"))


class DecisionReason(Base):
    """A coded reason for a refusal decision, kept by the administrator."""

    __tablename__ = "decision_reasons"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The procedure whose cases may cite it (migration 0012); "" until an administrator assigns one.
    service_id: Mapped[str] = mapped_column(String(40), default="")

    __table_args__ = (Index("ix_decision_reasons_service_id", "service_id"),)
