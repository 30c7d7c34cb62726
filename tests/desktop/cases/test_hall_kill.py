"""Issue 15's order of an accept, killed: two windows of a PostgreSQL hall SIGKILLed at random points.

An accept now renders and stages its papers holding only its own window's locks, reads the plate
pool without locking it and moves the pool's counter in the commit's tail, just before the audit
chain's lock. Whatever moment a kill hits, the hall must stay whole: no PDF without its row, no
accepted case without its receipt, no plate twice and none the pool could issue again, the audit
chain intact.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop import paths
from desktop.cases import accounts
from desktop.cases.services.ebike.models import EbikeRegistration, PlatePool
from desktop.files import PENDING, clean_stale
from desktop.store import audit
from desktop.store.database import open_database
from desktop.store.models import Case, Document

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[3]
CHILD = ROOT / "tests" / "support" / "hall_writer_child.py"
RUNS = max(3, int(os.environ.get("HALLDESK_CRASH_RUNS", "30")) // 3)
WINDOWS = ("03", "04")


def test_kills_during_a_halls_accepts_leave_it_whole(pg_url, tmp_path):
    db = open_database(pg_url)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    for window in WINDOWS:
        accounts.create_account(db, admin, f"clerk{window}", f"窗口{window}", "clerk", "secret-456", "secret-456")
    papers = tmp_path / "papers"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HALLDESK_DATA_DIR": str(paths.data_dir())}
    rng = random.Random(15)
    committed = 0
    for run in range(RUNS):
        start = datetime(2026, 11, 2, 9) + timedelta(days=run)
        children = [subprocess.Popen([sys.executable, str(CHILD), pg_url, str(papers), start.isoformat(), w],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                    for w in WINDOWS]
        for child in children:
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
        for child in children:  # warm (font, reportlab): from here on each window accepts back to back
            assert child.stdout.readline().strip() == "committed", child.stderr.read()
            committed += 1
        # NOTE: each window is killed at its own random moment: before, inside or after a transaction
        # (rendering, staging, in the commit's tail), or while the other window is in one.
        for child in children:
            time.sleep(rng.uniform(0.0, 0.8))
            child.send_signal(signal.SIGKILL)
        for child in children:
            out, _err = child.communicate(timeout=60)
            committed += out.count("committed")
        with db.read() as s:
            registered = {f"{no}-{kind}-{copy}.pdf": sha for no, kind, copy, sha in s.execute(
                select(Case.case_no, Document.kind, Document.copy_no, Document.sha256)
                .join(Case, Case.id == Document.case_id))}
            without_receipt = s.scalar(select(func.count(Case.id)).where(
                Case.status == "accepted", ~select(Document.id).where(
                    Document.case_id == Case.id, Document.kind == "receipt").exists()))
            plates = s.scalars(select(EbikeRegistration.plate_no)).all()
            prefix, width, next_no = s.execute(select(PlatePool.prefix, PlatePool.width, PlatePool.next_no)
                                               .where(PlatePool.active.is_(True))).one()
            check = audit.check(s)
        on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in papers.glob("*.pdf")}
        assert not set(on_disk) - set(registered), f"run {run}: PDFs with no row"
        assert all(on_disk[n] == registered[n] for n in on_disk)
        assert without_receipt == 0, f"run {run}: accepted cases without their receipt"
        assert len(plates) == len(set(plates)), f"run {run}: a plate issued twice"
        # The pool's counter is past every plate issued, so none can be issued again.
        assert all(int(p[len(prefix):]) < next_no for p in plates if p.startswith(prefix) and len(p) == len(prefix) + width)
        assert check.intact, f"run {run}: audit chain broken at {check.first_broken_seq}"
        clean_stale(papers)
        assert not (papers / PENDING).is_dir() or not list((papers / PENDING).iterdir())
    db.close()
    print(f"{RUNS} rounds of two kills, {committed} accepts committed, {len(plates)} plates")
    assert committed and plates  # the windows did accept cases, e-bikes among them, between the kills
