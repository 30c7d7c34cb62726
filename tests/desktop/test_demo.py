"""The demo hall: every service in every state, with its papers written and readable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from desktop.cases import status
from desktop.demo.seed import later_states, seed
from desktop.store.database import open_database
from desktop.store.models import Case, Document
from forms import registry

ROOT = Path(__file__).resolve().parents[2]


def test_every_service_in_every_state_with_papers(tmp_path):
    db = open_database(tmp_path / "demo.sqlite3")
    hall = seed(db, tmp_path / "papers", per_state=1)
    with db.unit() as s:
        seen = {(c.service_id, c.status) for c in s.scalars(select(Case))}
        for service_id in registry.services():
            for state in (status.DRAFT, status.NOT_ACCEPTED, *later_states(service_id)):
                assert (service_id, state) in seen, (service_id, state)
            if registry.get(service_id).decided_at_window:  # issue 13: never waiting for a review
                assert not {(service_id, st) for st in (status.ACCEPTED, status.SUPPLEMENT, status.APPROVED,
                                                        status.REFUSED)} & seen, service_id
        documents = s.scalars(select(Document)).all()
        assert len(documents) == hall.papers
        # Every paper exists on disk and carries its applicant's name and case number.
        for doc in documents:
            path = tmp_path / "papers" / f"{doc.snapshot['case_no']}-{doc.kind}-{doc.copy_no}.pdf"
            text = "".join(p.extract_text() for p in PdfReader(path).pages)
            assert doc.snapshot["applicant"]["name"] in text and doc.snapshot["case_no"] in text
            assert doc.snapshot["applicant"]["id_masked"] in text
    db.close()


def test_seed_demo_command(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(tmp_path / "data"), "seed-demo", "--db", str(tmp_path / "hall.sqlite3"),
         "--out", str(tmp_path / "papers"), "--per-state", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "演示大厅已生成" in out.stdout and "demo-pass-1" in out.stdout
    assert len(list((tmp_path / "papers").glob("*.pdf"))) > 40
