"""No PDF outlives its row: a process accepting cases is SIGKILLed at random points, ≥ 20 times.

Papers are staged under ``.pending/`` inside the transaction and renamed into place after the
commit; the next paper written in the folder removes what a dead process staged. The old code
wrote the file under its final name before the commit (the issue: 52 orphans in 224 kills).
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

from sqlalchemy import select

from desktop import paths
from desktop.files import PENDING, clean_stale
from desktop.store.models import Case, Document

ROOT = Path(__file__).resolve().parents[3]
CHILD = ROOT / "tests" / "support" / "paper_writer_child.py"
RUNS = int(os.environ.get("HALLDESK_CRASH_RUNS", "30")) * 2 // 3


def _registered(db) -> dict[str, str]:
    """File name -> sha256 of every registered paper."""
    with db.unit() as s:
        rows = s.execute(select(Case.case_no, Document.kind, Document.copy_no, Document.sha256)
                         .join(Case, Case.id == Document.case_id))
        return {f"{no}-{kind}-{copy}.pdf": sha for no, kind, copy, sha in rows}


def test_a_kill_never_leaves_a_pdf_without_its_row(db, admin, tmp_path):
    papers = tmp_path / "papers"
    db_file = db.url.split("///", 1)[1]
    # NOTE: the child is another window of the same hall: it signs the audit chain with the same key.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HALLDESK_DATA_DIR": str(paths.data_dir())}
    rng = random.Random(18)
    staged_seen = 0
    for run in range(RUNS):
        start = datetime(2026, 11, 2, 9) + timedelta(days=run)
        child = subprocess.Popen([sys.executable, str(CHILD), db_file, str(papers), start.isoformat()],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        # NOTE: the random delay picks the point of the kill: before, inside or after a paper's transaction.
        time.sleep(rng.uniform(0.05, 1.2))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        registered = _registered(db)
        on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in papers.glob("*.pdf")}
        orphans = set(on_disk) - set(registered)
        assert not orphans, f"run {run}: PDFs with no row: {sorted(orphans)}"
        assert all(on_disk[n] == registered[n] for n in on_disk)  # and each file is the registered paper
        pending = papers / PENDING
        staged_seen += len(list(pending.iterdir())) if pending.is_dir() else 0
        clean_stale(papers)  # what the next paper written in this folder does first
        assert not pending.is_dir() or not list(pending.iterdir())
    print(f"{RUNS} kills, {len(registered)} papers, {staged_seen} staged files of killed transactions removed")
    assert registered  # the children did accept cases between the kills
