"""Write units hold the write lock from their first read; read units never write and never wait (both backends)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select, text

import desktop.cases.intake  # noqa: F401  (registers every service's facts and their lock keys)
from desktop.cases import facts
from desktop.store import locks
from desktop.store.database import open_database
from desktop.store.errors import EnvironmentFailure
from desktop.store.models import Account, Case
from forms import registry


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hall(request, tmp_path):
    target = tmp_path / "hall.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = open_database(target)
    yield database
    database.close()


def _other_writer(path) -> sqlite3.Connection:
    raw = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    return raw


def test_sqlite_write_unit_holds_the_write_lock_from_its_first_read(db, tmp_path):
    path = tmp_path / "hall.sqlite3"
    other = _other_writer(path)
    try:
        with db.unit() as s:
            s.scalar(select(func.count(Case.id)))  # only a read so far
            # Another window cannot start writing between this read and this unit's write …
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            # … while reading is never blocked.
            with db.read() as r:
                assert r.scalar(select(func.count(Case.id))) == 0
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_sqlite_read_unit_takes_no_write_lock(db, tmp_path):
    other = _other_writer(tmp_path / "hall.sqlite3")
    try:
        with db.read() as s:
            s.scalar(select(func.count(Case.id)))
            other.execute("BEGIN IMMEDIATE")  # a writer starts while the read is open
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_read_unit_refuses_orm_writes(hall):
    with pytest.raises(RuntimeError, match="read unit"):
        with hall.read() as s:
            s.add(Account(username="x", display_name="x", role="clerk", password_hash="x"))
            s.flush()
    with pytest.raises(RuntimeError, match="read unit"):
        with hall.read() as s:
            s.execute(Account.__table__.delete())
    with hall.read() as s:
        assert s.scalar(select(func.count(Account.id))) == 0


def test_read_unit_is_read_only_in_the_database_itself(hall):
    # Plain SQL passes the ORM guard: the database refuses it (SQLite query_only, PostgreSQL READ ONLY).
    with pytest.raises(Exception) as info:
        with hall.read() as s:
            s.execute(text("DELETE FROM accounts"))
    assert isinstance(info.value, EnvironmentFailure) or "read-only" in str(info.value)
    # The connection goes back to the pool usable for writes.
    for _ in range(3):
        with hall.unit() as s:
            s.execute(text("DELETE FROM accounts"))


def test_decision_locks_belong_to_write_units(hall):
    service = registry.get("ebike_registration")
    with pytest.raises(RuntimeError, match="write unit"):
        with hall.read() as s:
            facts.facts_for(s, service, {"frame_no": "119TDT240512345"}, None, for_update=True)
    with hall.unit() as s:
        facts.facts_for(s, service, {"frame_no": "119TDT240512345"}, None, for_update=True)


@pytest.mark.postgres
def test_postgres_decision_lock_is_held_to_the_commit(pg_url):
    first, second = open_database(pg_url), open_database(pg_url)
    try:
        with first.unit() as s:
            locks.hold(s, ["claimant:410105197501010019"])
            with second.engine.connect() as conn:
                key = locks._key("claimant:410105197501010019")
                got = conn.execute(text("SELECT pg_try_advisory_xact_lock(:ns, :k)"),
                                   {"ns": locks.NAMESPACE, "k": key}).scalar()
                assert got is False  # another window waits for this one's commit
                other = conn.execute(text("SELECT pg_try_advisory_xact_lock(:ns, :k)"),
                                     {"ns": locks.NAMESPACE, "k": locks._key("claimant:other")}).scalar()
                assert other is True  # an unrelated applicant does not
                conn.rollback()
        with second.engine.connect() as conn:
            assert conn.execute(text("SELECT pg_try_advisory_xact_lock(:ns, :k)"),
                                {"ns": locks.NAMESPACE, "k": key}).scalar() is True
            conn.rollback()
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
def test_postgres_waits_for_a_row_lock_as_long_as_sqlite_waits_for_its_write_lock(pg_url):
    db = open_database(pg_url)
    try:
        for _ in range(3):  # pooled connections (pinged at checkout) keep the same behaviour
            with db.read() as s:
                assert s.scalar(text("SHOW lock_timeout")) == "20s"
                assert s.scalar(text("SHOW transaction_read_only")) == "on"
                assert s.scalar(text("SHOW transaction_isolation")) == "repeatable read"
            with db.unit() as s:
                assert s.scalar(text("SHOW transaction_read_only")) == "off"
                assert s.scalar(text("SHOW transaction_isolation")) == "read committed"
    finally:
        db.close()
