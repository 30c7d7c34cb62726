"""An honest database from before migration 0010 (plain SHA-256 chain, even with an old fork) upgrades without a
tamper alarm; the signed chain starts at a marked point and seals the old part."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from desktop.store import audit, audit_hashes
from desktop.store.database import HEAD_REVISION, _alembic_config, current_revision, make_engine, open_database
from desktop.store.models import AuditChain, AuditEvent

T0 = datetime(2026, 3, 2, 9, 0)
ANSWERS = {"name": "欧阳娜娜", "id_number": "410305199001011234"}


def old_database(path: Path) -> Path:
    """Migrations up to 0008, then rows as the old program wrote them (its hash formula is audit_hashes.event_hash)."""
    engine = make_engine(f"sqlite:///{path}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO accounts (id, username, display_name, role, password_hash, failed_attempts, "
                     "disabled, created_at) VALUES (1, 'admin', '王丽', 'admin', 'x', 0, 0, ?)", (str(T0),))
        conn.execute("INSERT INTO cases (id, case_no, service_id, status, applicant_name, window, clerk_id, "
                     "created_at, updated_at, received_on, answers, materials) VALUES (1, 'JZ032603020001X', "
                     "'residence_permit', 'accepted', '欧阳娜娜', '03', 1, ?, ?, '2026-03-02', ?, '{}')",
                     (str(T0), str(T0), json.dumps(ANSWERS)))
        conn.execute("INSERT INTO documents (id, case_id, kind, title, snapshot, copy_no, printed_at, printed_by, "
                     "window, sha256) VALUES (1, 1, 'receipt', '受理回执', '{\"kind\": \"receipt\"}', 1, ?, 1, "
                     "'03', ?)", (str(T0), "ab" * 32))
        events = [("admin", "account.create", None, {"username": "admin"}),
                  ("admin", "case.accepted", 1, {"case_no": "JZ032603020001X"}),
                  ("admin", "paper.print", 1, {"kind": "receipt", "copy_no": 1, "document_id": 1}),
                  ("admin", "signin", None, {}),
                  ("admin", "lock", None, {"reason": "idle"}),  # written by a second window: a fork
                  ("admin", "unlock", None, {})]
        hashes: list[str] = []
        for i, (actor, action, case_id, detail) in enumerate(events):
            prev = hashes[2] if i == 4 else (hashes[-1] if hashes else audit_hashes.GENESIS)
            at = T0 + timedelta(minutes=i)
            digest = audit_hashes.event_hash(at, actor, "03", action, case_id, detail, prev)
            hashes.append(digest)
            conn.execute("INSERT INTO audit_log (at, actor, window, action, case_id, detail, prev_hash, hash) "
                         "VALUES (?, ?, '03', ?, ?, ?, ?, ?)",
                         (at.isoformat(" "), actor, action, case_id, json.dumps(detail, ensure_ascii=False),
                          prev, digest))
    return path


def test_honest_old_database_upgrades_and_verifies(tmp_path, data_dir):
    path = old_database(tmp_path / "old.sqlite3")
    db = open_database(path)
    assert current_revision(db.engine) == HEAD_REVISION
    with db.unit() as s:
        result = audit.check(s)
        assert result.intact, result.lines()
        assert (result.rows, result.legacy_rows, result.legacy_forks) == (6, 6, 1)
        assert (result.cases_unchecked, result.documents_unchecked) == (1, 1)  # old rows carry no content hash
        assert s.scalar(select(AuditChain.legacy_seq)) == 6
        assert s.scalar(select(AuditEvent.document_id).where(AuditEvent.seq == 3)) == 1  # backfilled
    with db.unit() as s:  # the first event after the upgrade: a marker, then the event, both signed
        audit.append(s, "id.reveal", actor="admin", window="03", case_id=1, detail={"field": "id_number"})
    with db.unit() as s:
        rows = list(s.scalars(select(AuditEvent).where(AuditEvent.seq > 6).order_by(AuditEvent.seq)))
        assert [r.action for r in rows] == ["audit.keyed", "id.reveal"]
        legacy_head = s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 6))
        assert rows[0].detail == {"legacy_rows": 6, "legacy_head": legacy_head} and rows[0].prev_hash == legacy_head
        assert all(r.key_id for r in rows) and rows[1].case_hash
        result = audit.check(s)
        assert result.intact and result.cases_checked == 1 and result.rows == 8, result.lines()
    db.close()


def test_old_rows_are_sealed_by_the_first_signed_row(tmp_path, data_dir):
    path = old_database(tmp_path / "old.sqlite3")
    db = open_database(path)
    with db.unit() as s:
        audit.append(s, "signin", actor="admin", window="03")
    db.close()
    # An attacker rewrites an old row and recomputes the old part with plain SHA-256 (all they need for it):
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        rows = conn.execute("SELECT seq, at, actor, window, action, case_id, detail, prev_hash FROM audit_log "
                            "WHERE seq <= 6 ORDER BY seq").fetchall()
        prev = audit_hashes.GENESIS
        for seq, at, actor, window, action, case_id, detail, _ in rows:
            detail = json.loads(detail)
            if seq == 2:
                detail = {"case_no": "JZ999999999999X"}
            digest = audit_hashes.event_hash(datetime.fromisoformat(at), actor, window, action, case_id, detail, prev)
            conn.execute("UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                         (json.dumps(detail), prev, digest, seq))
            prev = digest
    db = open_database(path)
    with db.unit() as s:
        result = audit.check(s)
    db.close()
    assert not result.intact
    assert result.problems[0].code == "link-broken" and result.problems[0].seq == 7  # the marker no longer fits
    assert "第 7 条记录" in result.problems[0].message


@pytest.mark.postgres
def test_upgrade_on_postgres_backfills_the_order(pg_url, data_dir):
    engine = make_engine(pg_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        prev = audit_hashes.GENESIS
        for i in range(3):
            at = T0 + timedelta(minutes=i)
            digest = audit_hashes.event_hash(at, "admin", "03", "signin", None, {}, prev)
            conn.exec_driver_sql("INSERT INTO audit_log (at, actor, \"window\", action, case_id, detail, prev_hash, hash) "
                                 "VALUES (%(at)s, 'admin', '03', 'signin', NULL, '{}', %(prev)s, %(h)s)",
                                 {"at": at, "prev": prev, "h": digest})
            prev = digest
    engine.dispose()
    db = open_database(pg_url)
    with db.unit() as s:
        audit.append(s, "signout", actor="admin", window="03")
    with db.unit() as s:
        assert [r for r in s.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq))] == [1, 2, 3, 4, 5]
        result = audit.check(s)
        assert result.intact and result.legacy_rows == 3, result.lines()
    db.close()
