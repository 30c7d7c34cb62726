"""Tamper evidence: triggers refuse UPDATE/DELETE; with a trigger dropped, `audit verify` names the broken link."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop.cases import accounts
from desktop.store.database import open_database

ROOT = Path(__file__).resolve().parents[3]


def verify(db_file: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "desktop", "audit", "verify", "--db", str(db_file)], cwd=ROOT,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)


@pytest.fixture
def hall_file(tmp_path) -> Path:
    """A real SQLite file with seven audit rows: create, sign-ins, a failure, sign-outs."""
    path = tmp_path / "hall.sqlite3"
    db = open_database(path)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", "01")
    for _ in range(2):
        accounts.sign_in(db, "admin", "secret-123", "01")
        accounts.sign_out(db, admin, "01")
    with pytest.raises(Exception):
        accounts.sign_in(db, "admin", "wrong-pass-1", "01")
    accounts.sign_in(db, "admin", "secret-123", "01")
    db.close()
    return path


def test_intact_chain(hall_file):
    result = verify(hall_file)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "审计链完整（7 条）"


def test_triggers_refuse_update_and_delete(hall_file):
    with sqlite3.connect(hall_file) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_log SET detail = '{}' WHERE id = 3")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log WHERE id = 3")
    assert verify(hall_file).returncode == 0


def _at(hall_file: Path, row_id: int) -> tuple[str, str]:
    with sqlite3.connect(hall_file) as conn:
        at, action = conn.execute("SELECT at, action FROM audit_log WHERE id = ?", (row_id,)).fetchone()
    return datetime.fromisoformat(at).strftime("%Y-%m-%d %H:%M:%S"), action


def test_changed_row_is_named(hall_file):
    with sqlite3.connect(hall_file) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("""UPDATE audit_log SET detail = '{"reason": "nothing happened"}' WHERE id = 5""")
    result = verify(hall_file)
    assert result.returncode == 1
    at, action = _at(hall_file, 5)
    assert "第 5 条" in result.stdout and at in result.stdout and action in result.stdout


def test_deleted_row_names_the_link_after_the_gap(hall_file):
    with sqlite3.connect(hall_file) as conn:
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("DELETE FROM audit_log WHERE id = 4")
    result = verify(hall_file)
    assert result.returncode == 1
    at, action = _at(hall_file, 5)
    assert "第 5 条" in result.stdout and at in result.stdout and action == "signout" and "退出登录" in result.stdout


def test_unreadable_database_is_a_plain_message(tmp_path):
    bad = tmp_path / "not-a-db.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    result = verify(bad)
    assert result.returncode == 2 and "损坏" in result.stderr


@pytest.mark.postgres
def test_postgres_trigger_function_refuses_changes(pg_url):
    db = open_database(pg_url)
    accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 1
    db.close()
