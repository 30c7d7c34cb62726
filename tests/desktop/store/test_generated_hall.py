"""The benchmark's generated hall (bench/generate.py g5): cases the size of real ones, and an audit chain that verifies them."""

from __future__ import annotations

import sqlite3

from bench import generate
from desktop.cases.hall_context import HallContext
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


# The columns that say what a deadline is (its state and met_on follow the generated case's later steps).
_DEFINITION = ("key", "label", "stage", "count", "unit", "extended_days", "basis", "explanation", "due_on", "provisional")


def test_generated_deadlines_are_the_rows_intake_records(tmp_path, data_dir, db, admin):
    """g6: each accepted case's case_deadlines rows and due date are what the real intake writes that day."""
    from datetime import date, datetime, time

    from desktop.cases import intake
    from desktop.cases.dto import Actor
    from forms import registry

    path = tmp_path / "generated.sqlite3"
    generate.generate(path, 300, log=lambda *_: None)
    query = (f"SELECT c.service_id, c.received_on, c.due_on, {', '.join(f'd.{c}' for c in _DEFINITION)} "
             "FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE c.id = ? ORDER BY d.id")
    with sqlite3.connect(path) as conn:
        # The newest accepted case of each service whose example intake accepts in an empty hall (a
        # transfer or theft report needs a registered bike first; their deadline is the registration's kind).
        picked = [i for (i,) in conn.execute(
            "SELECT max(c.id) FROM cases c JOIN case_deadlines d ON d.case_id = c.id WHERE c.service_id IN "
            "('residence_permit', 'startup_subsidy', 'ebike_registration') GROUP BY c.service_id")]
        generated = {i: conn.execute(query, (i,)).fetchall() for i in picked}
    assert len(generated) == 3
    actor = Actor(admin, "03", generate.HALL)
    real_db = sqlite3.connect(tmp_path / "hall.sqlite3")
    for rows in generated.values():
        service_id, received_on = rows[0][0], date.fromisoformat(rows[0][1])
        example = registry.get(service_id).example(received_on)
        done = intake.accept(HallContext(db, actor, tmp_path / "papers"),
                             service_id, example["answers"], example["materials"],
                             now=datetime.combine(received_on, time(10, 0)))
        real = real_db.execute(query, (done.case.id,)).fetchall()
        # NOTE: g5 wrote the key as the label, "bench" as the basis and no explanation.
        assert [r[3:] for r in rows] == [r[3:] for r in real], service_id
        assert rows[0][2] == real[0][2], service_id  # cases.due_on: the latest deadline's, as intake sets it
    real_db.close()
