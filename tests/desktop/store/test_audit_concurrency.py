"""One writer order per database: 8 processes appending through the real callers on one SQLite file and on
the real PostgreSQL server never fork the chain, and `verify` stays clean."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.cases import accounts
from desktop.store import audit
from desktop.store.database import open_database

ROOT = Path(__file__).resolve().parents[3]
PROCESSES = 8
LOCKS, DRAFTS = 20, 5  # per process: events alone, and events in a unit that wrote a case first

CHILD = f"""
import sys
from desktop import paths
paths.set_data_dir(sys.argv[2])
from desktop.cases import accounts, intake, sessions
from desktop.cases.dto import AccountInfo, Actor
from desktop.store.database import open_database
from desktop.store.models import Account
from forms import registry

db = open_database(sys.argv[1])
window = sys.argv[3]
# NOTE: no sign-in here: eight simultaneous sign-ins of one account are the lockout's business
with db.unit() as s:
    row = s.query(Account).filter_by(username="zhang").one()
    clerk = AccountInfo(row.id, row.username, row.display_name, row.role)
import datetime
example = registry.get("residence_permit").example(datetime.date.today())
print("ready", flush=True)
sys.stdin.readline()  # all processes start writing at once
for i in range({LOCKS}):
    sessions.lock(db, clerk, window, reason=f"idle {{i}}")
    if i < {DRAFTS}:
        intake.save_draft(db, Actor(clerk, window, "大厅"), "residence_permit", example["answers"], {{}})
db.close()
print("done", flush=True)
"""


def run_writers(url: str, data_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, url, str(data_dir), f"{i + 1:02d}"], cwd=ROOT,
                                 env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, encoding="utf-8") for i in range(PROCESSES)]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            out, err = child.communicate(timeout=300)
            assert child.returncode == 0 and out.strip() == "done", err
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()


def assert_one_order(db) -> None:
    expected = 2 + PROCESSES * (LOCKS + DRAFTS)  # the two accounts; per process its locks and drafts
    with db.engine.connect() as conn:
        seqs = [r[0] for r in conn.execute(text("SELECT seq FROM audit_log ORDER BY seq"))]
        prevs = conn.execute(text("SELECT count(DISTINCT prev_hash), count(*) FROM audit_log")).one()
    assert seqs == list(range(1, expected + 1))
    assert prevs[0] == prevs[1] == expected  # no two rows continue the same head: no fork
    with db.unit() as s:
        result = audit.check(s)
        assert result.intact, result.lines()
        assert result.cases_checked == PROCESSES * DRAFTS


def _hall(url: str):
    db = open_database(url)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    return db


def test_eight_processes_on_one_sqlite_file(tmp_path, data_dir):
    path = tmp_path / "hall.sqlite3"
    db = _hall(str(path))
    run_writers(str(path), data_dir)
    assert_one_order(db)
    db.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "audit", "verify",
                             "--db", str(path)], cwd=ROOT, env=env, capture_output=True, text=True,
                            encoding="utf-8", timeout=120)
    assert result.returncode == 0 and result.stdout.startswith("审计链完整"), result.stdout + result.stderr


@pytest.mark.postgres
def test_eight_processes_on_postgres(pg_url, data_dir):
    db = _hall(pg_url)
    run_writers(pg_url, data_dir)
    assert_one_order(db)
    db.close()


def test_a_second_row_at_the_same_place_is_refused(tmp_path, data_dir):
    # NOTE: the fork itself, made by hand: whoever writes without the lock cannot commit a second
    # row after the same head.
    path = tmp_path / "hall.sqlite3"
    _hall(str(path)).close()
    with sqlite3.connect(path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="seq"):
            conn.execute("INSERT INTO audit_log (seq, at, action, detail, prev_hash, hash) "
                         "SELECT seq, at, 'lock', '{}', prev_hash, hash FROM audit_log WHERE seq = 2")
