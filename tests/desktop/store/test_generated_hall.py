"""The benchmark's generated hall (bench/generate.py g5): cases the size of real ones, and an audit chain that verifies them."""

from __future__ import annotations

import sqlite3

from bench import generate
from desktop.store import audit, packed_json
from desktop.store.database import open_database


def test_generated_cases_store_real_assessments_and_verify(tmp_path, data_dir):
    path = tmp_path / "generated.sqlite3"
    generate.generate(path, 300, log=lambda *_: None)
    with sqlite3.connect(path) as conn:
        cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        findings = [len(packed_json.loads(a)["findings"]) for (a,) in conn.execute("SELECT assessment FROM cases")]
        sections = [len(packed_json.loads(s)["sections"]) for (s,) in conn.execute(
            "SELECT snapshot FROM documents WHERE kind = 'receipt'")]
        unsigned = conn.execute("SELECT count(*) FROM audit_log WHERE case_id IS NOT NULL AND case_hash IS NULL"
                                ).fetchone()[0]
    assert cases == 300
    # NOTE: g4 wrote no findings and a one-section receipt; the real path lists every finding.
    assert min(findings) >= 3 and min(sections) >= 2
    assert unsigned == 0
    db = open_database(path)
    try:
        with db.read() as s:
            result = audit.check(s)
        assert result.intact, result.lines()
        assert result.cases_checked == cases and result.cases_unchecked == 0
        assert result.documents_checked > cases
    finally:
        db.close()
