"""Issue 15: the audit's commit-time reads through the driver hash exactly what SQLAlchemy's reader hashes.

The accept's audit rows carry the hash of their case and paper as stored. At commit they are now
read through the driver's own cursor (one pipeline before the chain's lock on PostgreSQL, plain
statements under the write lock on SQLite) instead of SQLAlchemy's ``stored_texts``. The same cases
— new, resumed from a notice's draft, with e-bike identifiers moved to case_identifiers, a subsidy
claim — are built on a real SQLite file and on the real PostgreSQL server; every stored event's hash
must equal the reference reader's hash of its row, both readers must agree row by row (an old row's
unpacked JSON text too), and the chain must verify.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text

from desktop.cases import accounts, intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike.models import PlateRegisterMode
from desktop.store import audit, audit_hashes, audit_reads
from desktop.store.database import open_database
from desktop.store.models import AuditEvent, Case, Document
from forms import registry

HALL = "郑州市金水区政务服务中心"
NOW = datetime(2026, 11, 25, 10, 30)


def _example(service_id: str, n: int) -> tuple[dict, dict]:
    example = registry.get(service_id).example(NOW.date())
    answers = dict(example["answers"])
    if service_id == "ebike_registration":
        answers["frame_no"] = f"119TDT24{n:03d}7777"
    return answers, dict(example["materials"])


def _build(db, clerk: Actor, papers) -> None:
    """The same cases on either backend: three services, a notice and the draft resumed after it."""
    hall = HallContext(db, clerk, papers)
    for n, service_id in enumerate(["residence_permit", "ebike_registration", "startup_subsidy"]):
        answers, materials = _example(service_id, n)
        intake.accept(hall, service_id, answers, materials, now=NOW)
    answers, materials = _example("residence_permit", 9)
    short = {k: v for k, v in materials.items() if k not in ("photo", "application_form")}
    notice = intake.give_notice(hall, "residence_permit", answers, short, now=NOW)
    # NOTE: a case this transaction did not insert but changed (the draft): its row is read back too.
    intake.accept(hall, "residence_permit", answers, materials, case_id=notice.case.id, now=NOW)


def _check(db) -> int:
    """Each event's stored case and paper hash against the reference reader; returns the events checked."""
    with db.read() as s:
        conn = s.connection()
        events = s.execute(select(AuditEvent.seq, AuditEvent.action, AuditEvent.case_id, AuditEvent.case_hash,
                                  AuditEvent.document_id, AuditEvent.document_hash)
                           .where(AuditEvent.case_id.is_not(None)).order_by(AuditEvent.seq)).all()
        last_of_case = {e.case_id: e.seq for e in events}
        checked = 0
        for e in events:
            if e.document_id is not None:
                assert e.document_hash == audit_hashes.document_hash(conn, e.document_id), (e.seq, e.action)
                checked += 1
            if last_of_case[e.case_id] == e.seq:  # NOTE: earlier events of a resumed draft saw it before
                assert e.case_hash == audit_hashes.case_hash(conn, e.case_id), (e.seq, e.action)
                checked += 1
        assert audit.check(s).intact
        # Both readers, row by row, on every case and paper as stored now.
        case_ids = set(s.scalars(select(Case.id)))
        doc_ids = set(s.scalars(select(Document.id)))
        cases, docs, chain, _head = audit_reads.read_for_commit(conn, case_ids, doc_ids, head=False)
        assert cases == {i: audit_hashes.case_hash(conn, i) for i in case_ids}
        assert docs == {i: audit_hashes.document_hash(conn, i) for i in doc_ids}
        assert chain is not None and chain.chain_id == audit_reads.chain_row(conn).chain_id
    return checked


def _hall(url: str) -> tuple:
    db = open_database(url)
    if db.is_sqlite:  # NOTE: the tests' SQLite hall shares its file, so plates come from the hall pool
        with db.unit() as s:
            s.add(PlateRegisterMode(id=1, shared=True, changed_at=NOW, changed_by="setup"))
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    return db, Actor(clerk, "03", HALL)


def test_sqlite_commit_reads_hash_what_the_reference_reader_hashes(tmp_path):
    db, clerk = _hall(str(tmp_path / "hall.sqlite3"))
    try:
        _build(db, clerk, tmp_path / "papers")
        assert _check(db) >= 10
        # An old row (before migration 0017): its JSON as plain text in the packed column.
        with db.unit() as s:
            case_id = s.scalar(select(Case.id).order_by(Case.id).limit(1))
            s.execute(text("UPDATE cases SET materials = :t WHERE id = :i"),
                      {"t": '{"photo": true}', "i": case_id})
        with db.read() as s:
            conn = s.connection()
            got, _docs, _chain, head = audit_reads.read_for_commit(conn, [case_id], [], head=True)
            assert isinstance(conn.exec_driver_sql(f"SELECT materials FROM cases WHERE id = {case_id}").scalar(), str)
            assert got == {case_id: audit_hashes.case_hash(conn, case_id)}
            assert head == audit_reads.read_head(conn)
    finally:
        db.close()


@pytest.mark.postgres
def test_postgres_commit_reads_hash_what_the_reference_reader_hashes(pg_url, tmp_path):
    db, clerk = _hall(pg_url)
    try:
        _build(db, clerk, tmp_path / "papers")
        assert _check(db) >= 10
    finally:
        db.close()

