"""The append-only audit log: one writer order (seq), rows signed with the hall key, each carrying its case's hash.

``append`` keeps an event with the session; when the session commits, the events are signed,
numbered and inserted in one go, after every change of that transaction is flushed. So each event
records the case and the paper exactly as they were committed with it. The rows are placed (seq,
link to the row before) under the chain's lock (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL, where the INSERT itself places them inside the server): no fork, and no window holds
the hall's lock while it waits for a core (halldesk-audit-v2, migration 0019).
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Dialect, event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop.store import audit_anchor, audit_hashes, audit_key, audit_reads, hall_section
from desktop.store.audit_reads import ChainRow, Head
from desktop.store.errors import EnvironmentFailure
from desktop.store.models import AuditEvent, Case, Document

PG_LOCK_ID = 724311
# NOTE (issue 15), LOCK_ORDER: a transaction that takes the chain's lock and a hall-wide row (a
# service's counter, e.g. the e-bike plate pool) takes the chain's lock first — the commit's tail here,
# and a service's administrator changes that lock such a row before their commit
# (desktop/cases/services/ebike/plates._lock_prefix) — or the two would deadlock.
_PENDING = "halldesk.audit.pending"
_ANCHOR = "halldesk.audit.anchor"
_WRITTEN = "halldesk.audit.written"  # ("Case" | "Document", id) this transaction inserted or changed


class AuditWriteFailure(EnvironmentFailure):
    """The chain cannot be continued: another writer won the same place, or its chain row is gone."""


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


def lock_and_read_head(conn: Connection, steps: Sequence[tuple[str, Any]] = ()) -> tuple[Head, list[float]]:
    """PostgreSQL: the chain's lock, the steps' statements (a service's counter row), then its head,
    sent in one pipeline: one round trip while the hall waits.

    Returns the head and, for the chain's lock and then each step, when the server had its lock
    (its clock, seconds since the epoch), for the hall-wide section's timing. NOTE: separate
    statements, not one: in READ COMMITTED each statement reads what was committed when it began,
    so the head is read after the lock is granted and sees the commit of the window that held it.
    """
    clocks = []
    with audit_reads.pipeline(conn, "audit chain lock and head") as raw:
        # NOTE: the chain's lock before any counter row (LOCK_ORDER).
        clocks.append(raw.execute(f"SELECT pg_advisory_xact_lock({PG_LOCK_ID}), "
                                  "extract(epoch FROM clock_timestamp())::float8"))
        for _lock, statement in steps:
            conn.execute(statement)
            clocks.append(raw.execute("SELECT extract(epoch FROM clock_timestamp())::float8"))
        cursor = raw.execute(audit_reads.HEAD_SQL)
    times = [c.fetchone()[-1] for c in clocks]
    row = cursor.fetchone()
    return audit_reads.head_of(row), times


# NOTE: the v2 rows placed by the server: the head is read by the placing call, which runs after the
# chain's lock is granted (a statement of its own before it, so in READ COMMITTED this one sees the
# last holder's commit), and each row's seq and prev_hash follow from it. The rows go as one array per
# column, in order.
V2_COLUMNS = ("at", "actor", "window", "action", "case_id", "detail", "case_hash", "document_id",
              "document_hash", "key_id", "hash", "nonce", "seen_seq")
_V2_TYPES = ("timestamp", "text", "text", "text", "int", "text", "text", "int", "text", "text", "text", "text", "int")
# NOTE: the rows are placed by the PL/pgSQL function migration 0019 creates (its recursive INSERT reads
# the head and links the rows, audit_hashes.link_of in SQL). A function, not an SQL PREPARE: its plan is
# cached per session and survives the DEALLOCATE ALL psycopg sends after a ROLLBACK when it holds
# prepared statements of its own (which dropped a PREPARE in the race tests).
PLACE_NAME = "halldesk_audit_place_v2"
CALL_SQL = f"SELECT * FROM {PLACE_NAME}({', '.join(f'%({c})s::{t}[]' for c, t in zip(V2_COLUMNS, _V2_TYPES, strict=True))})"
_CLOCK_SQL = "SELECT extract(epoch FROM clock_timestamp())::float8"


def place_and_commit(conn: Connection, steps: Sequence[tuple[str, Any]], rows: list[dict[str, Any]]
                     ) -> tuple[dict[str, tuple[int, str]], list[float], float]:
    """PostgreSQL: the steps (a service's counter row), the chain's lock, the signed rows placed by the
    server and the COMMIT, sent as **one message**: the hall-wide locks are held only while the server
    runs it, never while this window builds or sends the rest.

    Returns each row's (seq, prev_hash) by nonce, the server's clock when each step's lock and the
    chain's were granted, and when the COMMIT had released them.

    NOTE: one simple-protocol query string, its values bound on the client by psycopg's ClientCursor
    (which quotes them). A pipeline of separate statements is sent statement by statement: the lock's
    went out while the rows' parameters were still being adapted (≈ 0.5 ms measured with a libpq
    trace), and a window preempted there held the chain's lock with its INSERT unsent. Each statement
    of the string still takes its own snapshot (READ COMMITTED), so the INSERT, after the lock's
    statement, sees the last holder's commit; the clock after the COMMIT runs in a transaction of its
    own, so nothing is left for SQLAlchemy's commit to send."""
    from psycopg import ClientCursor

    params = {c: [json.dumps(r[c]) if c == "detail" else r[c] for r in rows] for c in V2_COLUMNS}
    try:
        with audit_reads.driver(conn, "audit chain: lock, place, commit") as raw, ClientCursor(raw) as cursor:
            # NOTE: the chain's lock before any counter row (LOCK_ORDER), so a counter row is held
            # only inside the chain's section, never while its holder waits for the chain.
            parts = [f"SELECT pg_advisory_xact_lock({PG_LOCK_ID}), extract(epoch FROM clock_timestamp())::float8"]
            for _lock, statement in steps:
                compiled = statement.compile(dialect=conn.dialect)
                parts += [cursor.mogrify(str(compiled), compiled.params), _CLOCK_SQL]
            parts += [cursor.mogrify(CALL_SQL, params), "COMMIT", _CLOCK_SQL]
            cursor.execute(";\n".join(parts))
            results: list[list[Any]] = []
            while True:
                results.append(cursor.fetchall() if cursor.description is not None else [])
                if not cursor.nextset():
                    break
    except IntegrityError as exc:
        if "seq" not in str(exc.orig):
            raise
        # NOTE: only reachable if something wrote without the lock; UNIQUE(seq) refuses the fork.
        raise AuditWriteFailure("另一个窗口同时写入了审计记录，本次操作未保存，请重试。", str(exc.orig)) from exc
    # results: the lock's clock, per step (its statement, its clock), the placed rows, COMMIT, the clock after
    granted = [results[0][0][-1]] + [results[2 + 2 * i][0][-1] for i in range(len(steps))]
    places = {nonce: (seq, prev) for nonce, seq, prev in results[1 + 2 * len(steps)]}
    return places, granted, results[-1][0][0]


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
        with audit_reads.pipeline(conn, sql) as raw:
            with raw.cursor() as cursor:
                cursor.executemany(sql, params)
            raw.execute("COMMIT")
    except IntegrityError as exc:
        if "seq" not in str(exc.orig):
            raise
        # NOTE: only reachable if something wrote without the lock; UNIQUE(seq) refuses the fork.
        raise AuditWriteFailure("另一个窗口同时写入了审计记录，本次操作未保存，请重试。", str(exc.orig)) from exc
    return True


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
    """Signs rows for one chain (v2: content, nonce and the head seen) and, where the caller holds the
    chain's lock, places them after the head (seq, prev_hash): ``row`` does both."""

    def __init__(self, conn: Connection, chain: ChainRow | audit_reads.Chain | None = None, head: Head | None = None):
        """``chain`` and ``head``: read by the caller; ``head`` is the head seen before signing, which is
        the exact head only where the caller took the lock (lock_chain) before reading it."""
        if chain is None:
            lock_chain(conn)
            chain = audit_reads.chain_row(conn)
        if chain is None:
            raise AuditWriteFailure("审计链的标识记录（audit_chain 表）不见了，不能记录操作。"
                                    "数据库可能被改动过，请管理员运行 python -m desktop audit verify。")
        self.chain_id: str = chain.chain_id
        self.head = head if head is not None else audit_reads.read_head(conn)
        self.key = hall_key(self.head.key_id)
        self.key_id = audit_key.fingerprint(self.key)
        self._opening: list[dict[str, Any]] = []
        if self.legacy_head(self.head):
            # NOTE: the marked point: the first signed row says where the plain SHA-256 rows end
            # (only under the lock: the head must be the exact one).
            self._opening.append(self.row(at=datetime.now(), actor=None, window=None, action="audit.keyed",
                                          detail={"legacy_rows": self.head.seq, "legacy_head": self.head.hash}))

    @staticmethod
    def legacy_head(head: Head) -> bool:
        """The head is a plain SHA-256 row from before migration 0010: the next row must mark the point."""
        return head.key_id is None and head.seq > 0

    def opening(self) -> list[dict[str, Any]]:
        """The marker row to insert first when this continues a chain from before migration 0010."""
        rows, self._opening = self._opening, []
        return rows

    def sign(self, *, at: datetime, actor: str | None, window: str | None, action: str, detail: dict[str, Any],
             case_id: int | None = None, case_hash: str | None = None, document_id: int | None = None,
             document_hash: str | None = None, seen: Head | None = None) -> dict[str, Any]:
        """A v2 row's columns but its place (no seq, prev_hash): signed over its content, a fresh nonce and
        ``seen`` (default: the head as this writer knows it now)."""
        seen = seen if seen is not None else self.head
        nonce = secrets.token_hex(8)
        digest = audit_hashes.signed_hash_v2(self.key, self.chain_id, nonce, seen.seq, seen.hash, at, actor, window,
                                             action, case_id, detail, case_hash, document_id, document_hash,
                                             self.key_id)
        return {"at": at, "actor": actor, "window": window, "action": action, "case_id": case_id,
                "detail": detail, "case_hash": case_hash, "document_id": document_id,
                "document_hash": document_hash, "key_id": self.key_id, "hash": digest, "nonce": nonce,
                "seen_seq": seen.seq}

    def place(self, values: dict[str, Any]) -> dict[str, Any]:
        """The signed row placed after the head (the caller holds the chain's lock); the head moves on to it."""
        return self.placed(values, self.head.seq + 1, self.head.hash)

    def placed(self, values: dict[str, Any], seq: int, prev: str) -> dict[str, Any]:
        """The signed row as the server placed it; the head moves on to it."""
        self.head = Head(seq, audit_hashes.link_of(seq, prev, values["hash"], values["nonce"]), self.key_id)
        return {"seq": seq, **values, "prev_hash": prev}

    def row(self, **fields: Any) -> dict[str, Any]:
        """The next row, signed (seeing the current head) and placed after it."""
        return self.place(self.sign(**fields))


def append(session: Session, action: str, *, actor: str | None, window: str | None,
           case_id: int | None = None, detail: dict[str, Any] | None = None,
           at: datetime | None = None) -> AuditEvent:
    """Record one event in the caller's transaction. Never put ID or phone numbers in ``detail``.

    The row is numbered, hashed and inserted when the session commits (its seq and hash are set
    then); a ``detail["document_id"]`` names the paper the event printed.
    """
    # NOTE: through JSON and back, so the signed value is the one a later read returns.
    detail = json.loads(audit_hashes.dumps(detail or {}))
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


def _note_written(session: Session, _flush_context) -> None:
    """Remember the cases and papers this transaction inserted or changed through the ORM (by id)."""
    written = session.info.setdefault(_WRITTEN, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, (Case, Document)) and obj.id is not None:
            written.add((type(obj).__name__, obj.id))


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
    # never changes and is read before the lock too, and so is the head the rows sign as seen (on
    # SQLite, under its write lock, the exact head).
    case_ids = {row.case_id for row in pending if row.case_id is not None}
    doc_ids = {d for d in (audit_reads.document_id(row.detail) for row in pending) if d is not None}
    written = session.info.get(_WRITTEN, set()) if postgres else None
    if written is not None:
        case_ids = {i for i in case_ids if ("Case", i) in written}
        doc_ids = {i for i in doc_ids if ("Document", i) in written}
    cases, docs, chain, seen = audit_reads.read_for_commit(conn, case_ids, doc_ids, head=True)
    where = audit_anchor.location(conn.engine.url)  # NOTE: before the lock, like everything not needing the head
    rest = [] if written is None else [
        row for row in pending if (row.case_id is not None and row.case_id not in cases)
        or (audit_reads.document_id(row.detail) is not None and audit_reads.document_id(row.detail) not in docs)]
    if (postgres and chain is not None and seen is not None and not rest and not Writer.legacy_head(seen)
            and not (session.new or session.dirty or session.deleted)):
        _sign_and_place(session, conn, pending, cases, docs, chain, seen, where)
        return
    head: Head | None
    if postgres and chain is not None:
        # NOTE: the locked path (an event about a case this transaction did not write, the first row
        # after a pre-0010 chain, or ORM objects still to flush): the hall-wide section starts here
        # and ends at the commit; the head arrives, the rows are signed and placed, and they go with
        # the COMMIT.
        steps = hall_section.take_steps(session)
        head, granted = lock_and_read_head(conn, steps)
        for (lock, _statement), since in zip([(hall_section.AUDIT_CHAIN, None), *steps], granted, strict=True):
            hall_section.enter(session, lock, since=since)
    else:
        if postgres:
            lock_chain(conn)
        hall_section.enter(session, hall_section.AUDIT_CHAIN)
        hall_section.run_steps(session)  # e.g. a service's counter row: after the chain's lock (LOCK_ORDER)
        head = seen if not postgres else None
    if rest:
        more_cases, more_docs = audit_reads.content_hashes(conn, rest)
        cases.update((i, h) for i, h in more_cases.items() if i not in cases)
        docs.update((i, h) for i, h in more_docs.items() if i not in docs)
    writer = Writer(conn, chain, head) if chain is not None else Writer(conn)
    opening = writer.opening()
    rows = list(opening)
    for row in pending:
        values = writer.row(**_fields(row, cases, docs))
        for name, value in values.items():
            setattr(row, name, value)
        rows.append(values)
    session.info[_ANCHOR] = (where, writer.chain_id, writer.head.seq, writer.head.hash)
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


def _fields(row: AuditEvent, cases: dict[int, str], docs: dict[int, str]) -> dict[str, Any]:
    """What a queued event's row signs: its own columns and the hashes of its case and paper as stored."""
    doc_id = audit_reads.document_id(row.detail)
    doc_hash = docs.get(doc_id) if doc_id is not None else None
    return {"at": row.at, "actor": row.actor, "window": row.window, "action": row.action, "detail": row.detail,
            "case_id": row.case_id, "case_hash": cases.get(row.case_id) if row.case_id is not None else None,
            "document_id": doc_id if doc_hash is not None else None, "document_hash": doc_hash}


def _sign_and_place(session: Session, conn: Connection, pending: list[AuditEvent], cases: dict[int, str],
                    docs: dict[int, str], chain: audit_reads.Chain, seen: Head, where: str) -> None:
    """PostgreSQL: sign every row against the head seen, then lock, place and commit in one exchange.

    NOTE (issue 15): nothing the window computes waits inside the hall-wide section any more: the
    section is the server running the one message, from the lock's grant to the COMMIT."""
    writer = Writer(conn, chain, seen)
    signed = [writer.sign(**_fields(row, cases, docs), seen=seen) for row in pending]
    steps = hall_section.take_steps(session)
    places, granted, released = place_and_commit(conn, steps, signed)
    for (lock, _statement), since in zip([(hall_section.AUDIT_CHAIN, None), *steps], granted, strict=True):
        hall_section.enter(session, lock, since=since)
    hall_section.released(session, released)
    for row, values in zip(pending, signed, strict=True):
        for name, value in writer.placed(values, *places[values["nonce"]]).items():
            setattr(row, name, value)
    session.info[_ANCHOR] = (where, writer.chain_id, writer.head.seq, writer.head.hash)


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
