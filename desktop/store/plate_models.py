"""The plate blocks an administrator assigns to one window: a numbered range of one prefix (issue 13)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base


class PlateBlock(Base):
    """Numbers ``first_no``..``last_no`` of ``prefix`` (``width`` digits), issued only by window ``window``."""

    __tablename__ = "plate_blocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(12))  # e.g. "郑A"
    width: Mapped[int] = mapped_column(Integer)  # digits, as the hall pool of the same prefix
    first_no: Mapped[int] = mapped_column(Integer)
    last_no: Mapped[int] = mapped_column(Integer)
    next_no: Mapped[int] = mapped_column(Integer)  # the next number to issue; only ever grows
    window: Mapped[str] = mapped_column(String(8))  # "03": the window number of the settings, two digits
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    assigned_by: Mapped[str] = mapped_column(String(40))
    # A closed block issues nothing more; its numbers stay reserved (never given to another block).
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)

    __table_args__ = (
        Index("ix_plate_blocks_window", "window"),
        Index("ix_plate_blocks_prefix_first", "prefix", "first_no"),
    )


class PlateRegisterMode(Base):
    """Whether this database is the one register of the whole hall (at most one row, id 1).

    No row: PostgreSQL is the hall's shared register, a SQLite file a standalone PC's own."""

    __tablename__ = "plate_register_mode"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    shared: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    changed_by: Mapped[str] = mapped_column(String(40))
