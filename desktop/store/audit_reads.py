"""The reads an audit commit depends on: stored case and paper hashes, the chain's row and head, through the driver."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Row, Table, select, type_coerce

from desktop.store.audit_hashes import (
    CASE_COLUMNS,
    DOCUMENT_COLUMNS,
    GENESIS,
    case_hashes,
    content_hash,
    document_hashes,
    link_of,
    stored_column,
)
from desktop.store.models import AuditChain, AuditEvent, Case, Document
from desktop.store.packed_json import PackedJSON, RawBytes, hash_text


@dataclass
class Head:
    """The chain's last row: its place, the chain's link after it (``audit_hashes.link_of``: a v1 row's
    own hash) and its signing key (None for a row from before migration 0010)."""

    seq: int
    hash: str
    key_id: str | None


HEAD_SQL = ("SELECT seq, hash, key_id, prev_hash, nonce FROM audit_log WHERE seq IS NOT NULL "
            "ORDER BY seq DESC LIMIT 1")


def head_of(row: Sequence[Any] | None) -> Head:
    """A Head from HEAD_SQL's row (seq, hash, key_id, prev_hash, nonce); the genesis for an empty chain."""
    if row is None:
        return Head(0, GENESIS, None)
    seq, digest, key_id, prev_hash, nonce = row
    return Head(seq, link_of(seq, prev_hash, digest, nonce), key_id)


@contextmanager
def driver(conn: Connection, what: str) -> Iterator[Any]:
    """The unit's psycopg connection; its errors as SQLAlchemy's (so ``translate`` knows them)."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    raw = conn.connection.driver_connection
    if not isinstance(raw, psycopg.Connection):  # NOTE: only a PostgreSQL unit (psycopg 3) comes here
        raise TypeError(f"this needs a psycopg connection, not {type(raw).__name__}")
    try:
        yield raw
    except psycopg.Error as exc:
        raise DBAPIError.instance(what, None, exc, psycopg.Error) from exc


@contextmanager
def pipeline(conn: Connection, what: str) -> Iterator[Any]:
    """A psycopg pipeline on the unit's connection; its errors as SQLAlchemy's (so ``translate`` knows them)."""
    with driver(conn, what) as raw, raw.pipeline():
        yield raw


def read_head(conn: Connection) -> Head:
    return head_of(conn.execute(select(AuditEvent.seq, AuditEvent.hash, AuditEvent.key_id, AuditEvent.prev_hash,
                                       AuditEvent.nonce)
                                .where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq.desc()).limit(1)).first())


# The audit_chain row as read: (chain_id, legacy_seq).
ChainRow = Row[str, int]


def chain_row(conn: Connection) -> ChainRow | None:
    """The chain's identity and the last sequence number written before the chain existed (chain_id, legacy_seq)."""
    return conn.execute(select(AuditChain.chain_id, AuditChain.legacy_seq).where(AuditChain.id == 1)).first()


def document_id(detail: dict[str, Any]) -> int | None:
    """The paper an event names in its detail (an int id), else None."""
    value = detail.get("document_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@functools.lru_cache(maxsize=16)
def row_read(dialect: Dialect, table: Table, columns: tuple[str, ...]
             ) -> tuple[str, tuple[str, ...], dict[str, Any], tuple[bool, ...]]:
    """``stored_texts``' SELECT for one row, compiled once per process: (SQL, bind names in order, their
    fixed values, which columns are packed), to run on the driver's own cursor.

    NOTE: the very statement ``stored_texts`` sends (the same column expressions, compiled by the
    same dialect, and none of its result types processes a value), so the texts hashed are the same
    bytes; only SQLAlchemy's per-call statement building, cache lookup and result wrapping are gone
    (≈ 1 ms per accept). tests/desktop/cases/test_audit_reads.py compares the two on every row."""
    from sqlalchemy import bindparam

    packed = tuple(column in table.c and isinstance(table.c[column].type, PackedJSON) for column in columns)
    query = select(table.c.id, *[type_coerce(table.c[c], RawBytes()) if p else stored_column(table, c)
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


CHAIN_SQL = "SELECT chain_id, legacy_seq FROM audit_chain WHERE id = 1"


@dataclass
class Chain:
    """The audit_chain row as the commit reads it through the driver."""

    chain_id: str
    legacy_seq: int | None


def read_for_commit(conn: Connection, case_ids: Iterable[int], doc_ids: Iterable[int], *, head: bool
                     ) -> tuple[dict[int, str], dict[int, str], Chain | None, Head | None]:
    """The hashes of these cases and papers as stored, the chain's row and (``head``) its head: the
    reads the audit's rows depend on, through the driver in the unit's transaction.

    PostgreSQL: sent in one pipeline (one round trip instead of one per statement), before the
    chain's lock — only for rows this transaction wrote, which no other window can change before
    our commit (``_write_pending``); a head read here is the head *seen* before signing (v2 rows sign
    it; their place is given under the lock). SQLite: plain statements under the write lock the unit
    already holds, so the head read is the exact one."""
    reads: list[tuple[str, Any, tuple[str, ...], int]] = [("case", Case.__table__, CASE_COLUMNS, i)
                                                          for i in sorted(set(case_ids))]
    reads += [("document", Document.__table__, DOCUMENT_COLUMNS, i) for i in sorted(set(doc_ids))]
    raw = conn.connection.dbapi_connection
    plans = [(kind, i, row_read(conn.dialect, table, columns)) for kind, table, columns, i in reads]
    if conn.dialect.name == "postgresql":
        with pipeline(conn, "audit reads") as raw:
            cursors = [raw.execute(sql, _row_params(order, fixed, i)) for _k, i, (sql, order, fixed, _p) in plans]
            chain_cursor = raw.execute(CHAIN_SQL)
            head_cursor = raw.execute(HEAD_SQL) if head else None
    else:
        assert raw is not None
        cursors = [raw.execute(sql, _row_params(order, fixed, i)) for _k, i, (sql, order, fixed, _p) in plans]
        chain_cursor = raw.execute(CHAIN_SQL)
        head_cursor = raw.execute(HEAD_SQL) if head else None
    hashes: dict[str, dict[int, str]] = {"case": {}, "document": {}}
    for (kind, i, (_sql, _order, _fixed, packed)), cursor in zip(plans, cursors, strict=True):
        texts = _texts_of(cursor.fetchone(), packed)
        if texts is not None:
            hashes[kind][i] = content_hash(kind, CASE_COLUMNS if kind == "case" else DOCUMENT_COLUMNS, texts)
    chain = chain_cursor.fetchone()
    top = head_cursor.fetchone() if head_cursor is not None else None
    return (hashes["case"], hashes["document"], None if chain is None else Chain(chain[0], chain[1]),
            None if not head else head_of(top))


def content_hashes(conn: Connection, pending: list[AuditEvent]) -> tuple[dict[int, str], dict[int, str]]:
    """The hashes of the cases and papers these events name, as stored now (one read each)."""
    case_ids = {row.case_id for row in pending if row.case_id is not None}
    doc_ids = {d for d in (document_id(row.detail) for row in pending) if d is not None}
    return case_hashes(conn, case_ids), document_hashes(conn, doc_ids)
