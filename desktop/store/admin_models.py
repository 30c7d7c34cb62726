"""Tables the administrator keeps for the whole hall: how long each service's closed cases are kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base


class RetentionRule(Base):
    """Years a closed case of one service is kept before the purge removes it (in the database, so a hall shares it)."""

    __tablename__ = "retention_rules"

    service_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    years: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
