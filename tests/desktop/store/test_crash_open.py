"""Opening is all-or-nothing: a child creating or upgrading a database is SIGKILLed at random points.

After every kill the database must open with ``open_database`` (the old one or the new one,
complete) and pass ``quick_check``; no half backup may be left under a backup's name. The runs
per case come from HALLDESK_CRASH_RUNS (30 kills in ``make test``, 120 in ``make crash``).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.store.database import open_database, quick_check
from desktop.store.schema_heads import expected_heads

ROOT = Path(__file__).resolve().parents[3]
CHILD = ROOT / "tests" / "support" / "crash_open_child.py"
RUNS = int(os.environ.get("HALLDESK_CRASH_RUNS", "30"))


def _start(target: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(CHILD), str(target)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return proc


def _calibrate(prepare) -> float:
    """How long an uninterrupted open takes after "ready" on this machine now (the shorter of two)."""
    shortest = float("inf")
    for _ in range(2):
        target = prepare()
        proc = _start(target)
        began = time.monotonic()
        out, err = proc.communicate(timeout=120)
        shortest = min(shortest, time.monotonic() - began)
        assert proc.returncode == 0 and "done" in out, err
    return shortest


def _check_after_kill(target: Path, marker: bool) -> str:
    """The database opens, is at head, is sound; returns how the kill found it (for the spread)."""
    state = "absent" if not target.exists() else "present"
    db = open_database(target)
    try:
        with db.engine.connect() as conn:
            revisions = {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
            assert revisions == expected_heads()  # the core head and each service branch's
            if marker:  # the old database's data is still there after the upgrade
                names = [r[0] for r in conn.exec_driver_sql("SELECT username FROM accounts")]
                assert names == ["marker"]
    finally:
        db.close()
    assert quick_check(target) == []
    backups = target.parent / "backups"
    for backup in backups.iterdir() if backups.is_dir() else []:
        if backup.name.startswith("."):
            assert ".partial" in backup.name, backup  # a kill mid-copy leaves only this; the next backup removes it
            continue
        assert quick_check(backup) == [], backup
        con = sqlite3.connect(backup)
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0004",)
        con.close()
    return state


def _kill_runs(tmp_path: Path, prepare, marker: bool) -> dict[str, int]:
    window = _calibrate(prepare)
    rng = random.Random(20261201)
    outcomes: dict[str, int] = {}
    killed_runs = attempts = 0
    # NOTE: runs until RUNS kills landed inside the open (a child that finished first does not count).
    while killed_runs < RUNS and attempts < 3 * RUNS:
        attempts += 1
        target = prepare()
        proc = _start(target)
        delay = rng.uniform(0, window)
        # NOTE: the random delay *is* the test: it picks the point of the kill.
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        out, _err = proc.communicate(timeout=60)
        killed = proc.returncode == -signal.SIGKILL and "done" not in out
        state = _check_after_kill(target, marker)
        key = f"{'killed' if killed else 'finished'}-{state}"
        outcomes[key] = outcomes.get(key, 0) + 1
        killed_runs += killed
    assert killed_runs >= RUNS, outcomes
    return outcomes


def test_kill_during_first_creation_leaves_no_file_or_a_complete_one(tmp_path):
    counter = iter(range(10_000))

    def prepare() -> Path:
        folder = tmp_path / f"run{next(counter)}"
        folder.mkdir()
        return folder / "hall.sqlite3"

    outcomes = _kill_runs(tmp_path, prepare, marker=False)
    print("creation kills:", outcomes)


@pytest.fixture(scope="module")
def revision_0004(tmp_path_factory) -> Path:
    """A database at revision 0004 made by Alembic itself, with one account as a marker."""
    from alembic import command
    from sqlalchemy import create_engine

    from desktop.store.database import _alembic_config

    path = tmp_path_factory.mktemp("r0004") / "hall.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO accounts (username, display_name, role, password_hash, failed_attempts, disabled,"
            " created_at) VALUES ('marker', '标记', 'admin', 'x', 0, 0, '2026-01-01 00:00:00')")
    engine.dispose()
    return path


def test_kill_during_upgrade_from_0004_leaves_the_old_or_the_new_database(tmp_path, revision_0004):
    counter = iter(range(10_000))

    def prepare() -> Path:
        folder = tmp_path / f"run{next(counter)}"
        folder.mkdir()
        target = folder / "hall.sqlite3"
        shutil.copyfile(revision_0004, target)
        return target

    outcomes = _kill_runs(tmp_path, prepare, marker=True)
    print("upgrade kills:", outcomes)
