"""The lookups' read path (desktop.store.reader): read-only, one snapshot per unit, its own connections (both backends)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from desktop.store.database import open_database
from desktop.store.errors import EnvironmentFailure
from desktop.store.models import Account


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hall(request, tmp_path):
    target = tmp_path / "hall.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = open_database(target)
    yield database
    database.close()


def _add_account(db, username: str) -> None:
    with db.unit() as s:
        s.add(Account(username=username, display_name="张三", role="clerk", password_hash="x",
                      created_at=datetime(2026, 11, 25, 9, 0)))


def _count(db):
    return db.reader.plan("test.accounts", lambda: select(func.count(Account.id)))


def test_a_read_through_the_reader_cannot_write(hall):
    _add_account(hall, "clerk1")
    rename = hall.reader.plan("test.rename", lambda: text("UPDATE accounts SET display_name = 'x'"))
    # NOTE: SQLite refuses it (query_only), PostgreSQL too (a READ ONLY transaction).
    with pytest.raises((EnvironmentFailure, DBAPIError)):
        hall.reader.rows(rename)
    with hall.read() as s:
        assert s.scalars(select(Account.display_name)).all() == ["张三"]
    # The pool's own connections are untouched: a write unit still writes.
    _add_account(hall, "clerk2")
    assert hall.reader.rows(_count(hall)) == [(2,)]


def test_a_unit_reads_one_snapshot_while_a_window_writes(hall):
    _add_account(hall, "clerk1")
    with hall.reader.unit() as run:
        before = run(_count(hall))
        _add_account(hall, "clerk2")  # committed by another connection meanwhile; it does not wait for the read
        assert run(_count(hall)) == before == [(1,)]
    assert hall.reader.rows(_count(hall)) == [(2,)]


def test_a_single_read_holds_nothing_after_it(hall):
    _add_account(hall, "clerk1")
    assert hall.reader.rows(_count(hall)) == [(1,)]
    _add_account(hall, "clerk2")
    assert hall.reader.rows(_count(hall)) == [(2,)]  # a fresh snapshot each time


def test_the_readers_connections_close_with_the_engine(tmp_path):
    path = tmp_path / "hall.sqlite3"
    db = open_database(path)
    _add_account(db, "clerk1")
    assert db.reader.rows(_count(db)) == [(1,)]
    assert Path(f"{path}-wal").exists()
    # NOTE: a restore from backup disposes the engine before replacing the file: the last
    # connection closing checkpoints and removes the WAL, which only happens if the reader's
    # detached connection closed too.
    db.engine.dispose()
    assert not Path(f"{path}-wal").exists()
    assert db.reader.rows(_count(db)) == [(1,)]  # and it opens a new one when asked again
    db.close()


def test_an_environment_failure_is_a_plain_message(tmp_path):
    path = tmp_path / "hall.sqlite3"
    db = open_database(path)
    plan = db.reader.plan("test.missing", lambda: text("SELECT 1"))
    db.engine.dispose()
    path.write_bytes(b"this is not a database at all" * 200)  # the file damaged under the program
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(EnvironmentFailure) as failure:
        db.reader.rows(db.reader.plan("test.accounts.again", lambda: select(func.count(Account.id))))
    assert "损坏" in failure.value.message
    del plan
    db.close()


@pytest.mark.postgres
def test_postgres_a_connection_the_server_dropped_is_replaced(pg_url):
    db = open_database(pg_url)
    try:
        _add_account(db, "clerk1")
        assert db.reader.rows(_count(db)) == [(1,)]
        pid = db.reader.rows(db.reader.plan("test.pid", lambda: text("SELECT pg_backend_pid()")))[0][0]
        other = create_engine(pg_url)
        with other.begin() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        other.dispose()
        assert db.reader.rows(_count(db)) == [(1,)]
        isolation = db.reader.rows(db.reader.plan("test.iso", lambda: text(
            "SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')")))
        assert isolation == [("repeatable read", "on")]
    finally:
        db.close()
