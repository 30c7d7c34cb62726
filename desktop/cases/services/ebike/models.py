"""The e-bike register's tables: registrations, owner and status history, voided plates, the plate series.

NOTE (issue 16): declared here, in the service's package, on the store's one declarative Base, so
Base.metadata knows them once desktop.cases.services.load() (or any import of this module) has run;
desktop/store names no service. Their history stays where it was written: the core chain's migrations
0002 (registrations, histories, plate_pools), 0014 (voided plates) and 0015 (plate blocks, register
mode) created them in every hall, and a change from now on is a revision of this package's own branch
(migrations/, ``ebike_0001`` depends on core 0015) — see migrations/ebike_0001_branch.py.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desktop.store.models import Base


class PlatePool(Base):
    """The plate number series a hall issues from: prefix + zero-padded number (hall setting)."""

    __tablename__ = "plate_pools"

    prefix: Mapped[str] = mapped_column(String(12), primary_key=True)  # e.g. "郑A"
    width: Mapped[int] = mapped_column(Integer)  # digits of the number, e.g. 5 → 郑A00001
    next_no: Mapped[int] = mapped_column(Integer)  # the next number to issue; only ever grows
    active: Mapped[bool] = mapped_column(Boolean, default=False)  # exactly one pool issues plates
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(40), nullable=True)


class EbikeRegistration(Base):
    """One registered e-bike (第十七条 archive): frame number once, plate once, current owner and status."""

    __tablename__ = "ebike_registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    frame_no: Mapped[str] = mapped_column(String(32), unique=True)  # forms.services.ebike.common.normalize_code form
    plate_no: Mapped[str | None] = mapped_column(String(20), unique=True, nullable=True)
    status: Mapped[str] = mapped_column(String(16))  # registered / stolen / lost / destroyed
    brand: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(40))
    colour: Mapped[str] = mapped_column(String(20))
    owner_name: Mapped[str] = mapped_column(String(50))
    owner_id_type: Mapped[str] = mapped_column(String(32))
    owner_id_number: Mapped[str] = mapped_column(String(32))
    registered_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    registered_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_ebike_registrations_owner_id_number", "owner_id_number"),
        Index("ix_ebike_registrations_status", "status"),
    )


class EbikeOwnerHistory(Base):
    """Every owner a registration has had, in order: the first one and each transfer (第十五条, 第十七条)."""

    __tablename__ = "ebike_owner_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("ebike_registrations.id"))
    kind: Mapped[str] = mapped_column(String(16))  # first / transfer
    owner_name: Mapped[str] = mapped_column(String(50))
    owner_id_type: Mapped[str] = mapped_column(String(32))
    owner_id_number: Mapped[str] = mapped_column(String(32))
    from_date: Mapped[date] = mapped_column(Date)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_ebike_owner_history_registration_id", "registration_id"),)


class EbikeStatusHistory(Base):
    """Every status a registration has had (registered, stolen, lost, …) and the case that set it."""

    __tablename__ = "ebike_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("ebike_registrations.id"))
    status: Mapped[str] = mapped_column(String(16))
    since: Mapped[date] = mapped_column(Date)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_ebike_status_history_registration_id", "registration_id"),)


class EbikeVoidedPlate(Base):
    """A plate number voided for good (补领/换领, 灭失; migration 0014): found by search, refused when named again."""

    __tablename__ = "ebike_voided_plates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NOTE: unique: a number is voided once, and the pool never issues it again (it only counts forward).
    plate_no: Mapped[str] = mapped_column(String(20), unique=True)  # forms.services.ebike.common.normalize_code form
    registration_id: Mapped[int] = mapped_column(ForeignKey("ebike_registrations.id"))
    reason: Mapped[str] = mapped_column(String(16))  # forms.services.ebike.common.VOID_REASONS: lost / damaged / destroyed / revoked
    replaced_by: Mapped[str | None] = mapped_column(String(20), nullable=True)  # the plate issued instead
    voided_on: Mapped[date] = mapped_column(Date)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))  # the case that voided it
    recorded_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_ebike_voided_plates_registration_id", "registration_id"),
                      Index("ix_ebike_voided_plates_case_id", "case_id"),
                      Index("ix_ebike_voided_plates_replaced_by", "replaced_by"))  # the 查询 by a new plate


class PlateBlock(Base):
    """A plate block an administrator assigned to one window (issue 13, migration 0015).

    Numbers ``first_no``..``last_no`` of ``prefix`` (``width`` digits), issued only by window ``window``."""

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
