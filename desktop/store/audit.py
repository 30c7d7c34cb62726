"""The append-only audit log: one writer order (seq), rows signed with the hall key, each carrying its case's hash.

``append`` keeps an event with the session; when the session commits, the events are numbered,
hashed and inserted in one go, after every change of that transaction is flushed. So each event
records the case and the paper exactly as they were committed with it, and the head is read under
the write lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL): no fork.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Dialect, Row, Table, Text, cast, event, select, text, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.store import audit_anchor, audit_key, hall_section
from desktop.store.errors import EnvironmentFailure
from desktop.store.models import AuditChain, AuditEvent, Case, CaseIdentifier, Document
from desktop.store.packed_json import PackedJSON, RawBytes, hash_text

GENESIS = "0" * 64
SCHEME = "halldesk-audit-v1"
PG_LOCK_ID = 724311
_PENDING = "halldesk.audit.pending"
_ANCHOR = "halldesk.audit.anchor"
_WRITTEN = "halldesk.audit.written"  # ("Case" | "Document", id) this transaction inserted or changed

# NOTE: named, not "every column": a later migration that adds a column to cases must not make
# every case audited before it look changed. A new column joins the hash with a new SCHEME.
#
# NOTE (issue 16), why "plate_no" and "frame_no" are still named here although no store table has them
# and they are the e-bike package's identifier kinds: this tuple is a frozen hash format
# (halldesk-audit-v1), not a list of a service's fields. Every case hash ever signed — a 居住证 case's too,
# as ["plate_no", null] — holds these two names at these places, so verifying *any* case needs them,
# whichever service packages are installed; were they taken from the e-bike package, a hall's audit would
# verify differently with and without it (and the verifier, desktop/store/audit_verify.py, never imports
# the case layer). Since
# migration 0016 they are read from case_identifiers rows of the same kind (``_stored``); the e-bike
# package records its plate and frame number under exactly these kinds, and a test holds it to that
# (tests/desktop/cases/test_service_tables.py). A new service's identifiers never join this tuple.
IDENTIFIER_COLUMNS = ("plate_no", "frame_no")  # v1 case columns that migration 0016 moved to case_identifiers
CASE_COLUMNS = (
    "case_no", "service_id", "status", "applicant_name", "id_number", "phone", "plate_no", "frame_no",
    "window", "clerk_id", "created_at", "updated_at", "received_on", "accepted_on", "due_on", "decision",
    "answers", "materials", "assessment", "rules_version", "calendar_version", "lifecycle", "closed_on",
)
DOCUMENT_COLUMNS = ("case_id", "kind", "title", "snapshot", "copy_no", "reprint_reason", "printed_at",
                    "printed_by", "window", "sha256")


class AuditWriteFailure(EnvironmentFailure):
    """The chain cannot be continued: another writer won the same place, or its chain row is gone."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(at: datetime, actor: str | None, window: str | None, action: str,
               case_id: int | None, detail: dict[str, Any], prev_hash: str) -> str:
    """The plain SHA-256 of a row written before migration 0010 (kept to check those rows)."""
    payload = json.dumps(
        [at.isoformat(timespec="microseconds"), actor, window, action, case_id, detail, prev_hash],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def signed_hash(key: bytes, chain_id: str, seq: int, at: datetime, actor: str | None, window: str | None,
                action: str, case_id: int | None, detail: dict[str, Any], case_hash: str | None,
                document_id: int | None, document_hash: str | None, key_id: str, prev_hash: str) -> str:
    """HMAC-SHA256 with the hall key over everything a row says, its place and the row before."""
    payload = _dumps([SCHEME, chain_id, seq, at.isoformat(timespec="microseconds"), actor, window, action,
                      case_id, detail, case_hash, document_id, document_hash, key_id, prev_hash])
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def stored_texts(conn: Connection, table: Table, columns: Sequence[str],
                 ids: Iterable[int]) -> dict[int, tuple[str | None, ...]]:
    """The columns of rows exactly as stored (as text: a flipped byte in JSON changes it, nothing fails to parse)."""
    ids = list(ids)
    if not ids:
        return {}
    # NOTE: a packed JSON column (migration 0017) is hashed as the JSON text it stands for, which for
    # a row from before 0017 is exactly the text that was stored and hashed then.
    packed = [column in table.c and isinstance(table.c[column].type, PackedJSON) for column in columns]
    query = select(table.c.id, *[type_coerce(table.c[c], RawBytes()) if p else _stored(table, c)
                                 for c, p in zip(columns, packed, strict=True)]).where(table.c.id.in_(ids))
    return {row[0]: tuple(hash_text(v) if p else v for v, p in zip(row[1:], packed, strict=True))
            for row in conn.execute(query)}


def _stored(table: Table, column: str):
    """A column as stored text; a hashed case column that moved to case_identifiers is read from there.

    NOTE (issue 16, migration 0016): cases.plate_no and cases.frame_no became identifier rows of the
    same kind and value, so every case hash made before still verifies, and an identifier changed behind
    the program's back still shows as a changed case."""
    if not (table is Case.__table__ and column in IDENTIFIER_COLUMNS):
        return cast(table.c[column], Text)  # NOTE: a name neither a column nor a moved one is a KeyError: a bug
    ident = CaseIdentifier.__table__
    return (select(ident.c.value).where(ident.c.case_id == table.c.id, ident.c.kind == column)
            .scalar_subquery())


def content_hash(kind: str, columns: Sequence[str], texts: Sequence[str | None]) -> str:
    """SHA-256 of a stored case or document (its named columns as text)."""
    return hashlib.sha256(_dumps([SCHEME, kind, list(zip(columns, texts, strict=True))]).encode("utf-8")).hexdigest()


def case_hash(conn: Connection, case_id: int) -> str | None:
    texts = stored_texts(conn, Case.__table__, CASE_COLUMNS, [case_id]).get(case_id)
    return None if texts is None else content_hash("case", CASE_COLUMNS, texts)


def document_hash(conn: Connection, document_id: int) -> str | None:
    texts = stored_texts(conn, Document.__table__, DOCUMENT_COLUMNS, [document_id]).get(document_id)
    return None if texts is None else content_hash("document", DOCUMENT_COLUMNS, texts)


def lock_chain(conn: Connection) -> None:
    """Take the write lock before the head is read, so no two writers continue the same head."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT pg_advisory_xact_lock({PG_LOCK_ID})"))
    elif conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        # NOTE: Python's sqlite3 starts a transaction only at the first INSERT/UPDATE/DELETE, so a
        # unit that wrote nothing yet is not in one: the head read below would be outside the write
        # lock and two processes could read the same head. An open transaction has written already
        # and holds SQLite's single write lock (races helpers may open every unit IMMEDIATE).
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Head:
    seq: int
    hash: str
    key_id: str | None


_HEAD_SQL = "SELECT seq, hash, key_id FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"


@contextmanager
def _pipeline(conn: Connection, what: str) -> Iterator[Any]:
    """A psycopg pipeline on the unit's connection; its errors as SQLAlchemy's (so ``translate`` knows them)."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    raw = conn.connection.driver_connection
    if not isinstance(raw, psycopg.Connection):  # NOTE: only a PostgreSQL unit (psycopg 3) comes here
        raise TypeError(f"a pipeline needs a psycopg connection, not {type(raw).__name__}")
    try:
        with raw.pipeline():
            yield raw
    except psycopg.Error as exc:
        raise DBAPIError.instance(what, None, exc, psycopg.Error) from exc


def lock_and_read_head(conn: Connection, steps: Sequence[tuple[str, Any]] = ()) -> tuple[Head, list[float]]:
    """PostgreSQL: the steps' statements (a service's counter row), the chain's lock, then its head,
    sent in one pipeline: one round trip while the hall waits.

    Returns the head and, for each step and then the chain's lock, when the server had its lock
    (its clock, seconds since the epoch), for the hall-wide section's timing. NOTE: separate
    statements, not one: in READ COMMITTED each statement reads what was committed when it began,
    so the head is read after the lock is granted and sees the commit of the window that held it.
    """
    clocks = []
    with _pipeline(conn, "audit chain lock and head") as raw:
        for _lock, statement in steps:
            conn.execute(statement)
            clocks.append(raw.execute("SELECT extract(epoch FROM clock_timestamp())::float8"))
        clocks.append(raw.execute(f"SELECT pg_advisory_xact_lock({PG_LOCK_ID}), "
                                  "extract(epoch FROM clock_timestamp())::float8"))
        cursor = raw.execute(_HEAD_SQL)
    times = [c.fetchone()[-1] for c in clocks]
    row = cursor.fetchone()
    return (Head(0, GENESIS, None) if row is None else Head(row[0], row[1], row[2])), times


@functools.lru_cache(maxsize=8)
def _insert_sql(dialect: Dialect, columns: tuple[str, ...]) -> str:
    """The audit rows' INSERT for the pipeline, compiled once per process (not inside the section).

    NOTE: inline(): no RETURNING of the new ids, which nothing reads (the rows are not in the session)."""
    return str(AuditEvent.__table__.insert().inline().compile(dialect=dialect, column_keys=list(columns)))


def _insert_and_commit(session: Session, conn: Connection, rows: list[dict[str, Any]]) -> bool:
    """PostgreSQL: the audit rows and the COMMIT in one pipeline, so the chain's lock is held for one
    exchange with the server after the head arrives. False (nothing sent) if the session is not clean.

    NOTE: SQLAlchemy's own commit that follows finds the connection idle, and psycopg sends nothing
    then. Only when nothing is left to flush: the rows are the transaction's last statements."""
    from psycopg.types.json import Json

    if session.new or session.dirty or session.deleted:
        return False
    columns = tuple(c for c in rows[0] if c in AuditEvent.__table__.c)
    sql = _insert_sql(conn.dialect, columns)
    # NOTE: detail as JSON the way SQLAlchemy's JSON type writes it (json.dumps); the rest as they are.
    params = [{c: Json(r[c]) if c == "detail" else r[c] for c in columns} for r in rows]
    try:
        with _pipeline(conn, sql) as raw:
            with raw.cursor() as cursor:
                cursor.executemany(sql, params)
            raw.execute("COMMIT")
    except IntegrityError as exc:
        if "seq" not in str(exc.orig):
            raise
        # NOTE: only reachable if something wrote without the lock; UNIQUE(seq) refuses the fork.
        raise AuditWriteFailure("另一个窗口同时写入了审计记录，本次操作未保存，请重试。", str(exc.orig)) from exc
    return True


def read_head(conn: Connection) -> Head:
    row = conn.execute(select(AuditEvent.seq, AuditEvent.hash, AuditEvent.key_id)
                       .where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return Head(0, GENESIS, None) if row is None else Head(row.seq, row.hash, row.key_id)


# The audit_chain row as read: (chain_id, legacy_seq).
ChainRow = Row[str, int]


def chain_row(conn: Connection) -> ChainRow | None:
    """The chain's identity and the last sequence number written before the chain existed (chain_id, legacy_seq)."""
    return conn.execute(select(AuditChain.chain_id, AuditChain.legacy_seq).where(AuditChain.id == 1)).first()


def hall_key(head_key_id: str | None) -> bytes:
    """The key to sign with: this PC's, made at the first write; refused if the chain was signed with another."""
    key = audit_key.load()
    if key is None:
        if head_key_id is not None:
            raise audit_key.AuditKeyProblem(
                f"本机没有本大厅的审计密钥（数据库的审计链由密钥 {head_key_id} 签名），不能记录操作。"
                "请管理员在已在使用的电脑上运行 python -m desktop audit export-key --out 文件，"
                "把文件拷到本机后运行 python -m desktop audit import-key 文件。")
        key = audit_key.load_or_create()
    mine = audit_key.fingerprint(key)
    if head_key_id is not None and head_key_id != mine:
        raise audit_key.AuditKeyProblem(
            f"本机的审计密钥（指纹 {mine}）不是这个数据库的审计链所用的密钥（指纹 {head_key_id}），不能记录操作。"
            "请管理员导入大厅的密钥：python -m desktop audit import-key 文件 --replace。")
    return key


class Writer:
    """Continues the chain on one connection inside its transaction: lock, head, key, then signed rows."""

    def __init__(self, conn: Connection, chain: ChainRow | _Chain | None = None, head: Head | None = None):
        """``chain`` and ``head``: read by a caller who has taken the lock (lock_chain) before the head."""
        if chain is None:
            lock_chain(conn)
            chain = chain_row(conn)
        if chain is None:
            raise AuditWriteFailure("审计链的标识记录（audit_chain 表）不见了，不能记录操作。"
                                    "数据库可能被改动过，请管理员运行 python -m desktop audit verify。")
        self.chain_id: str = chain.chain_id
        self.head = head if head is not None else read_head(conn)
        self.key = hall_key(self.head.key_id)
        self.key_id = audit_key.fingerprint(self.key)
        self._opening: list[dict[str, Any]] = []
        if self.head.key_id is None and self.head.seq > 0:
            # NOTE: the marked point: the first signed row says where the plain SHA-256 rows end.
            self._opening.append(self.row(at=datetime.now(), actor=None, window=None, action="audit.keyed",
                                          detail={"legacy_rows": self.head.seq, "legacy_head": self.head.hash}))

    def opening(self) -> list[dict[str, Any]]:
        """The marker row to insert first when this continues a chain from before migration 0010."""
        rows, self._opening = self._opening, []
        return rows

    def row(self, *, at: datetime, actor: str | None, window: str | None, action: str, detail: dict[str, Any],
            case_id: int | None = None, case_hash: str | None = None, document_id: int | None = None,
            document_hash: str | None = None) -> dict[str, Any]:
        """The next row's columns (no id), and the head moves on to it."""
        seq = self.head.seq + 1
        prev = self.head.hash
        digest = signed_hash(self.key, self.chain_id, seq, at, actor, window, action, case_id, detail, case_hash,
                             document_id, document_hash, self.key_id, prev)
        self.head = Head(seq, digest, self.key_id)
        return {"seq": seq, "at": at, "actor": actor, "window": window, "action": action, "case_id": case_id,
                "detail": detail, "case_hash": case_hash, "document_id": document_id,
                "document_hash": document_hash, "key_id": self.key_id, "prev_hash": prev, "hash": digest}


def append(session: Session, action: str, *, actor: str | None, window: str | None,
           case_id: int | None = None, detail: dict[str, Any] | None = None,
           at: datetime | None = None) -> AuditEvent:
    """Record one event in the caller's transaction. Never put ID or phone numbers in ``detail``.

    The row is numbered, hashed and inserted when the session commits (its seq and hash are set
    then); a ``detail["document_id"]`` names the paper the event printed.
    """
    # NOTE: through JSON and back, so the signed value is the one a later read returns.
    detail = json.loads(_dumps(detail or {}))
    row = AuditEvent(at=at or datetime.now(), actor=actor, window=window, action=action, case_id=case_id,
                     detail=detail)
    session.info.setdefault(_PENDING, []).append(row)
    return row


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """[[first, last], …] of sorted ids: how a purge names the cases it removed (verify excuses them)."""
    ranges: list[list[int]] = []
    for i in sorted(set(ids)):
        if ranges and ranges[-1][1] == i - 1:
            ranges[-1][1] = i
        else:
            ranges.append([i, i])
    return ranges


def _document_id(detail: dict[str, Any]) -> int | None:
    value = detail.get("document_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _note_written(session: Session, _flush_context) -> None:
    """Remember the cases and papers this transaction inserted or changed through the ORM (by id)."""
    written = session.info.setdefault(_WRITTEN, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, (Case, Document)) and obj.id is not None:
            written.add((type(obj).__name__, obj.id))


@functools.lru_cache(maxsize=16)
def _row_read(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> tuple[str, tuple[str, ...], dict[str, Any],
                                                                               tuple[bool, ...]]:
    """``stored_texts``' SELECT for one row, compiled once per process: (SQL, bind names in order, their
    fixed values, which columns are packed), to run on the driver's own cursor.

    NOTE: the very statement ``stored_texts`` sends (the same column expressions, compiled by the
    same dialect, and none of its result types processes a value), so the texts hashed are the same
    bytes; only SQLAlchemy's per-call statement building, cache lookup and result wrapping are gone
    (≈ 1 ms per accept). tests/desktop/cases/test_audit_reads.py compares the two on every row."""
    from sqlalchemy import bindparam

    packed = tuple(column in table.c and isinstance(table.c[column].type, PackedJSON) for column in columns)
    query = select(table.c.id, *[type_coerce(table.c[c], RawBytes()) if p else _stored(table, c)
                                 for c, p in zip(columns, packed, strict=True)]).where(table.c.id == bindparam("row_id"))
    compiled = query.compile(dialect=dialect)
    fixed = dict(compiled.construct_params({"row_id": 0}))
    order = tuple(compiled.positiontup or ()) if compiled.positional else ()
    return str(compiled), order, fixed, packed


def _row_params(order: tuple[str, ...], fixed: dict[str, Any], row_id: int) -> Any:
    params = dict(fixed, row_id=row_id)
    return tuple(params[name] for name in order) if order else params


def _texts_of(row: Sequence[Any] | None, packed: tuple[bool, ...]) -> tuple[str | None, ...] | None:
    return None if row is None else tuple(hash_text(v) if p else v for v, p in zip(row[1:], packed, strict=True))


_CHAIN_SQL = "SELECT chain_id, legacy_seq FROM audit_chain WHERE id = 1"


@dataclass
class _Chain:
    chain_id: str
    legacy_seq: int | None


def _read_for_commit(conn: Connection, case_ids: Iterable[int], doc_ids: Iterable[int], *, head: bool
                     ) -> tuple[dict[int, str], dict[int, str], _Chain | None, Head | None]:
    """The hashes of these cases and papers as stored, the chain's row and (``head``) its head: the
    reads the audit's rows depend on, through the driver in the unit's transaction.

    PostgreSQL: sent in one pipeline (one round trip instead of one per statement), before the
    chain's lock — only for rows this transaction wrote, which no other window can change before
    our commit (``_write_pending``); the head is never read here on PostgreSQL (it must be read
    after the lock is granted: ``lock_and_read_head``). SQLite: plain statements under the write
    lock the unit already holds."""
    reads: list[tuple[str, Any, tuple[str, ...], int]] = [("case", Case.__table__, CASE_COLUMNS, i)
                                                          for i in sorted(set(case_ids))]
    reads += [("document", Document.__table__, DOCUMENT_COLUMNS, i) for i in sorted(set(doc_ids))]
    raw = conn.connection.dbapi_connection
    plans = [(kind, i, _row_read(conn.dialect, table, columns)) for kind, table, columns, i in reads]
    if conn.dialect.name == "postgresql":
        with _pipeline(conn, "audit reads") as raw:
            cursors = [raw.execute(sql, _row_params(order, fixed, i)) for _k, i, (sql, order, fixed, _p) in plans]
            chain_cursor = raw.execute(_CHAIN_SQL)
            head_cursor = raw.execute(_HEAD_SQL) if head else None
    else:
        assert raw is not None
        cursors = [raw.execute(sql, _row_params(order, fixed, i)) for _k, i, (sql, order, fixed, _p) in plans]
        chain_cursor = raw.execute(_CHAIN_SQL)
        head_cursor = raw.execute(_HEAD_SQL) if head else None
    hashes: dict[str, dict[int, str]] = {"case": {}, "document": {}}
    for (kind, i, (_sql, _order, _fixed, packed)), cursor in zip(plans, cursors, strict=True):
        texts = _texts_of(cursor.fetchone(), packed)
        if texts is not None:
            hashes[kind][i] = content_hash(kind, CASE_COLUMNS if kind == "case" else DOCUMENT_COLUMNS, texts)
    chain = chain_cursor.fetchone()
    top = head_cursor.fetchone() if head_cursor is not None else None
    return (hashes["case"], hashes["document"], None if chain is None else _Chain(chain[0], chain[1]),
            None if not head else Head(0, GENESIS, None) if top is None else Head(top[0], top[1], top[2]))


def _content_hashes(conn: Connection, pending: list[AuditEvent],
                    only: set[tuple[str, int]] | None = None) -> tuple[dict[int, str], dict[int, str]]:
    """The hashes of the cases and papers these events name, as stored now (one read each); ``only`` narrows them."""
    case_ids = {row.case_id for row in pending if row.case_id is not None}
    doc_ids = {d for d in (_document_id(row.detail) for row in pending) if d is not None}
    if only is not None:
        case_ids = {i for i in case_ids if ("Case", i) in only}
        doc_ids = {i for i in doc_ids if ("Document", i) in only}
    cases = {i: content_hash("case", CASE_COLUMNS, texts)
             for i, texts in stored_texts(conn, Case.__table__, CASE_COLUMNS, case_ids).items()}
    docs = {i: content_hash("document", DOCUMENT_COLUMNS, texts)
            for i, texts in stored_texts(conn, Document.__table__, DOCUMENT_COLUMNS, doc_ids).items()}
    return cases, docs


def _write_pending(session: Session) -> None:
    if session.in_nested_transaction():
        # NOTE: SQLAlchemy calls before_commit for a SAVEPOINT's release too. Writing the events then
        # would take the chain's lock in the middle of the transaction and hold it while the rest
        # (an e-bike's papers) is rendered: every window of the hall waited for it (issue 15).
        return
    pending: list[AuditEvent] = session.info.pop(_PENDING, None) or []
    if not pending:
        return
    session.flush()  # every change of the transaction is in the database before it is hashed
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    if not postgres:
        lock_chain(conn)  # SQLite: its one write lock, before anything below is read
    # NOTE: hashed once per case and paper; every event of this commit sees the same state. The rows
    # this transaction inserted or changed are hashed before the chain's lock: a new row is invisible
    # to other windows and a changed one is row-locked by our UPDATE, so neither can change before
    # the commit. A case or paper it did not write (an event about a case it only read) is hashed
    # under the lock, so its event carries what the chain's order says was there. The chain's id
    # never changes and is read before the lock too.
    case_ids = {row.case_id for row in pending if row.case_id is not None}
    doc_ids = {d for d in (_document_id(row.detail) for row in pending) if d is not None}
    written = session.info.get(_WRITTEN, set()) if postgres else None
    if written is not None:
        case_ids = {i for i in case_ids if ("Case", i) in written}
        doc_ids = {i for i in doc_ids if ("Document", i) in written}
    # NOTE: on SQLite the head is read here too: the unit holds the file's write lock (lock_chain above).
    cases, docs, chain, head = _read_for_commit(conn, case_ids, doc_ids, head=not postgres)
    where = audit_anchor.location(conn.engine.url)  # NOTE: before the lock, like everything not needing the head
    if postgres and chain is not None:
        # NOTE: the hall-wide section starts here (every window waits for these locks) and ends at
        # the commit: the head arrives, the rows are signed, and they go with the COMMIT.
        steps = hall_section.take_steps(session)
        head, granted = lock_and_read_head(conn, steps)
        for (lock, _statement), since in zip([*steps, (hall_section.AUDIT_CHAIN, None)], granted, strict=True):
            hall_section.enter(session, lock, since=since)
    else:
        hall_section.run_steps(session)  # e.g. a service's counter row: its row lock, then the chain's
        if postgres:
            lock_chain(conn)
        hall_section.enter(session, hall_section.AUDIT_CHAIN)
    if written is not None:
        rest = [row for row in pending if (row.case_id is not None and row.case_id not in cases)
                or (_document_id(row.detail) is not None and _document_id(row.detail) not in docs)]
        if rest:
            more_cases, more_docs = _content_hashes(conn, rest)
            cases.update((i, h) for i, h in more_cases.items() if i not in cases)
            docs.update((i, h) for i, h in more_docs.items() if i not in docs)
    writer = Writer(conn, chain, head) if chain is not None else Writer(conn)
    opening = writer.opening()
    rows = list(opening)
    for row in pending:
        doc_id = _document_id(row.detail)
        doc_hash = docs.get(doc_id) if doc_id is not None else None
        values = writer.row(at=row.at, actor=row.actor, window=row.window, action=row.action, detail=row.detail,
                            case_id=row.case_id, case_hash=cases.get(row.case_id) if row.case_id is not None else None,
                            document_id=doc_id if doc_hash is not None else None, document_hash=doc_hash)
        for name, value in values.items():
            setattr(row, name, value)
        rows.append(values)
    session.info[_ANCHOR] = (where, writer.chain_id, writer.head.seq,
                             writer.head.hash)
    if postgres and _insert_and_commit(session, conn, rows):
        return
    try:
        if not postgres and not (session.new or session.dirty or session.deleted):
            # NOTE: the rows as a Core executemany (the same INSERT and bind types the ORM's flush
            # would use, so the same stored values), without the unit of work or RETURNING of ids
            # nothing reads; the queued AuditEvent objects carry their seq and hash as before.
            conn.execute(AuditEvent.__table__.insert(), [{c: r[c] for c in r if c in AuditEvent.__table__.c}
                                                        for r in rows])
            return
        session.add_all([*(AuditEvent(**values) for values in opening), *pending])
        session.flush()
    except IntegrityError as exc:
        if "seq" not in str(exc.orig):
            raise
        # NOTE: only reachable if something wrote without the lock above; UNIQUE(seq) refuses the fork.
        raise AuditWriteFailure("另一个窗口同时写入了审计记录，本次操作未保存，请重试。", str(exc.orig)) from exc


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the transaction goes on
    session.info.pop(_WRITTEN, None)
    anchor = session.info.pop(_ANCHOR, None)
    if anchor is not None:
        audit_anchor.record(*anchor)


def _after_rollback(session: Session) -> None:
    session.info.pop(_WRITTEN, None)  # NOTE: a SAVEPOINT too (only a pre-lock shortcut: the rest is hashed under the lock)
    session.info.pop(_PENDING, None)
    session.info.pop(_ANCHOR, None)


event.listen(Session, "after_flush", _note_written)
event.listen(Session, "before_commit", _write_pending)
event.listen(Session, "before_commit", hall_section.run_leftover_steps)  # NOTE: after _write_pending
event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_rollback", _after_rollback)


def check(session: Session, **options: Any):
    """Check the chain, its anchors, the cases and the papers against it (``audit_verify.Verification``)."""
    from desktop.store import audit_verify

    return audit_verify.verify(session.connection(), **options)


def verify(session: Session) -> tuple[bool, int | None, int]:
    """(intact, seq of the first broken row or None, rows checked): ``check`` in short."""
    result = check(session)
    return result.intact, result.first_broken_seq, result.rows
