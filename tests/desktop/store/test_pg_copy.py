"""The PostgreSQL million is the SQLite million copied (bench/pg_copy.py): every row, every value, ids that go on."""

from __future__ import annotations

import sqlite3
from datetime import date

from sqlalchemy import create_engine, text

from bench import generate, pg_copy
from desktop.cases import case_rows, queries, worklists
from desktop.store import packed_json
from desktop.store.database import open_database


def test_a_generated_hall_copied_to_postgresql_has_the_same_rows_and_answers(tmp_path, data_dir, pg_url):
    path = tmp_path / "generated.sqlite3"
    generate.generate(path, 200, log=lambda *_: None)
    counts = pg_copy.copy_hall(path, pg_url, log=lambda *_: None)
    with sqlite3.connect(path) as conn:
        expected = {t.name: conn.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0] for t in pg_copy._tables()}
        snapshot = conn.execute("SELECT id, snapshot FROM documents ORDER BY id DESC LIMIT 1").fetchone()
        case = conn.execute("SELECT case_no, received_on, status FROM cases ORDER BY id LIMIT 1").fetchone()
    assert counts == expected
    assert expected["cases"] == 200 and expected["audit_log"] > 800 and expected["case_identifiers"] > 0
    engine = create_engine(pg_url)
    with engine.connect() as pg:
        # the packed column's bytes as stored, and the typed columns as PostgreSQL types
        stored = pg.execute(text("SELECT snapshot FROM documents WHERE id = :i"), {"i": snapshot[0]}).scalar()
        assert packed_json.loads(bytes(stored)) == packed_json.loads(snapshot[1])
        row = pg.execute(text("SELECT received_on, status FROM cases WHERE case_no = :n"), {"n": case[0]}).one()
        assert row.received_on == date.fromisoformat(case[1]) and row.status == case[2]
    engine.dispose()
    db = open_database(pg_url)
    try:
        assert [case_rows.case_no(r) for r in queries.page_rows(db, queries.CaseFilter(case_no=case[0]), 0, 10)] == [case[0]]
        lite = open_database(path)
        try:  # the same call, the same answer on both backends
            review = [case_rows.case_no(r) for r in worklists.review_rows(lite, limit=500)]
            overdue = [case_rows.case_no(r) for r in worklists.overdue_rows(lite, date.today(), limit=500)]
            listed = [case_rows.case_no(r) for r in queries.page_rows(lite, queries.CaseFilter(), 0, 200)]
        finally:
            lite.close()
        assert len(listed) == 200 and [case_rows.case_no(r) for r in queries.page_rows(db, queries.CaseFilter(), 0, 200)] == listed
        assert [case_rows.case_no(r) for r in worklists.review_rows(db, limit=500)] == review
        assert overdue and [case_rows.case_no(r) for r in worklists.overdue_rows(db, date.today(), limit=500)] == overdue
        with db.unit() as s:  # the next insert continues the copied ids instead of colliding with them
            for table in ("cases", "documents", "audit_log"):
                top = s.execute(text(f"SELECT max(id) FROM {table}")).scalar()
                assert s.execute(text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")).scalar() == top + 1
    finally:
        db.close()
