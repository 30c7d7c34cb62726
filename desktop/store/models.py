"""SQLAlchemy 2 table models: accounts, cases, printed documents, calendar overrides, audit.

NOTE (issue 16): only the generic tables. A service's register (the e-bike registrations and plate
series, the subsidy claim history, the NRMM codes) is declared in its case package
(desktop/cases/services/<name>/models.py) on this same Base, so ``Base.metadata`` holds those tables
once ``desktop.cases.services.load()`` has imported the packages — whatever walks the metadata for
every table (the retention purge, the schema comparison test) loads them first. The store never
imports the case layer (tests/test_boundaries.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from desktop.store.packed_json import PackedJSON

# Stable constraint names so that Alembic migrations work the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # NOTE: SQLAlchemy types ``__table__`` as any FromClause, since a class may be mapped to a
        # join or a select; every class here is mapped to a Table, so Core statements (update,
        # delete, insert, ``.insert()``) on ``Model.__table__`` type-check as they run.
        __table__: ClassVar[Table]


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16))  # clerk / supervisor / admin
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str | None] = mapped_column(String(24), unique=True, nullable=True)
    service_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(24))  # draft / accepted / refused / ...
    applicant_name: Mapped[str | None] = mapped_column(String(50), nullable=True)  # migration 0011
    id_number: Mapped[str | None] = mapped_column(String(24), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # NOTE: no service's numbers here (issue 16): a plate, a frame number, a machine code are rows of
    # case_identifiers (CaseIdentifier below, migration 0016).
    window: Mapped[str] = mapped_column(String(8))
    clerk_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    received_on: Mapped[date] = mapped_column(Date)  # the day of the (latest) intake
    accepted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # NOTE: migration 0017: the four JSON values of a case are stored packed (compact, zlib; desktop.store.packed_json).
    answers: Mapped[dict] = mapped_column(PackedJSON)
    materials: Mapped[dict] = mapped_column(PackedJSON)
    assessment: Mapped[dict | None] = mapped_column(PackedJSON, nullable=True)
    rules_version: Mapped[str | None] = mapped_column(String(80), nullable=True)
    calendar_version: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # After intake: decision, supplements, extensions, hand-over, cancellation (see cases.lifecycle).
    lifecycle: Mapped[dict | None] = mapped_column(PackedJSON, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    __table_args__ = (
        Index("ix_cases_service_status_received", "service_id", "status", "received_on"),
        Index("ix_cases_review", "status", "due_on", "id", "service_id"),  # migration 0018: the review queue
        # Migration 0008: with the date, a name prefix sorts its matches newest first from the index alone.
        Index("ix_cases_name_received", "applicant_name", "received_on"),
        Index("ix_cases_id_number", "id_number"),
        Index("ix_cases_phone", "phone"),
        Index("ix_cases_received_on", "received_on"),
        # Migration 0005: the status work lists and the service filter sorted by date, newest first.
        Index("ix_cases_status_received", "status", "received_on"),
        Index("ix_cases_service_received", "service_id", "received_on"),
    )


class CaseSequence(Base):
    """The last sequence number used per (service code, window, day): case numbers stay unique."""

    __tablename__ = "case_sequences"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    window: Mapped[str] = mapped_column(String(8), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Document(Base):
    """Every print of every paper, with the snapshot it was rendered from and its copy number."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(40))
    snapshot: Mapped[dict] = mapped_column(PackedJSON)  # migration 0017: packed
    copy_no: Mapped[int] = mapped_column(Integer)
    reprint_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    printed_at: Mapped[datetime] = mapped_column(DateTime)
    printed_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    window: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("case_id", "kind", "copy_no"),
        Index("ix_documents_case_id", "case_id"),
    )


class CalendarOverride(Base):
    """A holiday or make-up working day an administrator entered, with its source notice."""

    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # holiday / workday
    name: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(200))


class AuditEvent(Base):
    """An append-only event in one writer order (seq); each row signs its content and the head its writer saw."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Migration 0010: seq is the chain order, previous + 1; UNIQUE, so two writers that read the
    # same head cannot both commit (no fork). Rows before 0010 got seq in id order.
    seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str | None] = mapped_column(String(40), nullable=True)
    window: Mapped[str | None] = mapped_column(String(8), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[dict] = mapped_column(JSON)
    # The stored case (and, for a paper event, the document) as it was when this row committed.
    case_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    document_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The fingerprint of the hall key that signed the row (HMAC-SHA256); NULL: a plain SHA-256 row
    # written before migration 0010.
    key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # Migration 0019 (halldesk-audit-v2): a random per-row nonce (NULL: a v1 or older row) and the
    # chain's head the writer saw before signing; the signature covers both, not the row's place.
    nonce: Mapped[str | None] = mapped_column(String(16), nullable=True)
    seen_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (
        Index("ix_audit_log_case_id", "case_id"),
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_seq", "seq", unique=True),
        Index("ix_audit_log_document_id", "document_id"),
    )


class AuditChain(Base):
    """The one row naming this database's chain: its random id (signed into every row) and where signing began."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    chain_id: Mapped[str] = mapped_column(String(32))
    legacy_seq: Mapped[int] = mapped_column(Integer)  # rows 1..legacy_seq are plain SHA-256 (before 0010)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class CaseIdentifier(Base):
    """A number a service finds its cases by (a plate, a frame number, a machine code): one row per kind and case.

    NOTE (issue 16, migration 0016): replaces cases.plate_no / cases.frame_no, so the generic table names
    no service's fields; a service declares its identifiers (desktop.cases.identifiers) and its hook
    records them. The (kind, value) index answers a search by any of them.
    """

    __tablename__ = "case_identifiers"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_case_identifiers_kind_value", "kind", "value"),)


class CaseNameBigram(Base):
    """Every 2-character window of a case's applicant name: the index behind a name substring search.

    NOTE: SQLite's FTS5 trigram tokenizer (SQLite 3.40 with Python 3.11 here) cannot match a query
    shorter than 3 characters, and most Chinese names are 2–3 characters, so "娜娜" anywhere in a
    name would be a full scan. This plain table works the same on SQLite and PostgreSQL; the store
    keeps it in step with cases.applicant_name (the mapper events below).
    """

    __tablename__ = "case_name_bigrams"

    bigram: Mapped[str] = mapped_column(String(2), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)

    # Migration 0007: renaming a draft and purging old cases find a case's rows by case_id; without
    # it each of those is a scan of every name window in the hall (3 million at a million cases).
    __table_args__ = (Index("ix_case_name_bigrams_case_id", "case_id"), {"sqlite_with_rowid": False})


def name_bigrams(name: str | None) -> set[str]:
    """The distinct 2-character windows of a name; a 1-character name is its own window."""
    name = (name or "").strip()
    if len(name) < 2:
        return {name} if name else set()
    return {name[i:i + 2] for i in range(len(name) - 1)}


def _sync_name_bigrams(connection, target: Case, replace: bool) -> None:
    from sqlalchemy import delete, insert, inspect as inspect_state

    if not inspect_state(target).attrs.applicant_name.history.has_changes():
        return
    table = CaseNameBigram.__table__
    if replace:
        connection.execute(delete(table).where(table.c.case_id == target.id))
    rows = [{"bigram": b, "case_id": target.id} for b in name_bigrams(target.applicant_name)]
    if rows:
        connection.execute(insert(table), rows)


# NOTE: mapper events, so every ORM write of a case (intake, drafts, lifecycle) keeps the bigrams;
# bulk Core inserts (bench/generate.py) fill them with name_bigrams() themselves.
event.listen(Case, "after_insert", lambda _m, connection, target: _sync_name_bigrams(connection, target, False))
event.listen(Case, "after_update", lambda _m, connection, target: _sync_name_bigrams(connection, target, True))

# NOTE: the store's other model modules add their tables to this Base; importing them here keeps the
# core's part of Base.metadata complete whichever module a caller imported first (the services' tables
# join it from their packages, see the module docstring).
import desktop.store.admin_models  # noqa: E402,F401
import desktop.store.deadline_models  # noqa: E402,F401
import desktop.store.draft_models  # noqa: E402,F401
import desktop.store.lifecycle_models  # noqa: E402,F401
