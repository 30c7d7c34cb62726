"""Migration 0017 on a real hall with rows in the old form: every value packed, read back the same, the audit still intact.

The old form is made the way the old program left it: real accepts, the file taken back to 0016 (just before packing)
(the downgrade writes each value's text), one case's answers rewritten as SQLAlchemy's old JSON
type wrote them (``json.dumps`` defaults: spaces, ``\\uXXXX``) and an event signed over that text,
plus an unsigned row from before 0010. A child killed in the middle of the conversion leaves the
file at 0016 with every value as it was, and the next open converts it all.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from desktop.cases import accounts, intake, reprints
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import plates
from desktop.store import audit, packed_json
from desktop.store.database import HEAD_REVISION, _alembic_config, current_revision, make_engine, open_database
from desktop.store.models import Case, Document
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)
ROOT = Path(__file__).resolve().parents[3]
CASE_COLUMNS = ("answers", "materials", "assessment", "lifecycle")


def _hall(url: str, papers: Path) -> list[int]:
    """A hall at head with real accepts (居住证, e-bike registration, subsidy); their case ids."""
    db = open_database(url)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    if url.startswith("sqlite") or "://" not in url:
        plates.assign_block(db, admin, "03", "郑A", 5, 10000, 19999, now=NOW)
    actor = Actor(admin, "03", "郑州市金水区政务服务中心")
    ids = []
    for service_id in ("residence_permit", "ebike_registration", "startup_subsidy"):
        example = registry.get(service_id).example(NOW.date())
        done = intake.accept(HallContext(db, actor, papers),
                             service_id, example["answers"], example["materials"], now=NOW)
        ids.append(done.case.id)
    db.close()
    return ids


def _downgrade(url: str, revision: str = "0016") -> None:
    engine = make_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    engine.dispose()


def _old_json_type(path: Path, case_id: int) -> None:
    """One case's answers as the old JSON type wrote them, and an event signed over that text (the old program's way)."""
    with sqlite3.connect(path) as conn:
        old = conn.execute("SELECT answers FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
        conn.execute("UPDATE cases SET answers = ? WHERE id = ?", (json.dumps(json.loads(old)), case_id))
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        audit.append(s, "id.reveal", actor="admin", window="03", case_id=case_id, detail={"field": "id_number"})
        s.commit()
    engine.dispose()


def _stored(path: Path) -> dict[tuple[str, int, str], object]:
    with sqlite3.connect(path) as conn:
        out = {}
        for table, columns in (("cases", CASE_COLUMNS), ("documents", ("snapshot",))):
            for row in conn.execute(f"SELECT id, {', '.join(columns)} FROM {table}"):
                out.update({(table, row[0], c): v for c, v in zip(columns, row[1:], strict=True)})
        return out


@pytest.fixture
def old_file(tmp_path, data_dir):
    path = tmp_path / "hall.sqlite3"
    ids = _hall(str(path), tmp_path / "papers")
    _downgrade(f"sqlite:///{path}")
    _old_json_type(path, ids[0])
    return path, ids, data_dir


def _child(path: Path, data: Path, stop_at: int) -> subprocess.Popen:
    """Opens (upgrades) the file; pauses inside the conversion at its ``stop_at``-th packed value, after
    the cases' batch was written, and says so: the kill lands in the middle of the migration."""
    code = (
        "import sys, time\n"
        "from desktop import paths\n"
        f"paths.set_data_dir({str(data)!r})\n"  # the hall's audit key
        "from desktop.store import packed_json\n"
        "real, calls = packed_json.pack_text, [0]\n"
        "def pausing(text):\n"
        "    calls[0] += 1\n"
        f"    if calls[0] == {stop_at}:\n"
        "        print('inside', flush=True)\n"
        "        time.sleep(600)\n"
        "    return real(text)\n"
        "packed_json.pack_text = pausing\n"
        "from desktop.store.database import open_database\n"
        f"open_database({str(path)!r}).close()\n"
        "print('done', flush=True)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)


def test_old_rows_are_packed_and_still_verify(old_file, tmp_path):
    path, ids, _data = old_file
    before = _stored(path)
    assert all(isinstance(v, str) for v in before.values() if v is not None)  # the old form: JSON text
    assert "\\u" in before[("cases", ids[0], "answers")] and ", " in before[("cases", ids[0], "answers")]
    values = {key: json.loads(v) for key, v in before.items() if v is not None}

    db = open_database(path)
    assert current_revision(db.engine) == HEAD_REVISION
    after = _stored(path)
    for key, old in before.items():
        if old is None:
            assert after[key] is None, key
            continue
        assert isinstance(after[key], bytes) and packed_json.is_packed(after[key]), key
        assert packed_json.text_of(after[key]) == old, key  # the exact old text: what its audit row hashed
    old_bytes = sum(len(v.encode()) for v in before.values() if v is not None)
    new_bytes = sum(len(v) for v in after.values() if v is not None)
    assert new_bytes < old_bytes / 2, (old_bytes, new_bytes)
    with db.read() as s:
        for case in s.scalars(select(Case)):
            assert case.answers == values[("cases", case.id, "answers")]
            assert case.assessment == values[("cases", case.id, "assessment")]
        for doc in s.scalars(select(Document)):
            assert doc.snapshot == values[("documents", doc.id, "snapshot")]
        docs = s.scalar(select(Document.id).where(Document.case_id == ids[0], Document.kind == "receipt"))
    with db.unit() as s:
        result = audit.check(s)
        assert result.intact, result.lines()
        assert result.cases_checked == 3 and result.documents_checked >= 4, result.lines()
    # A reprint after the upgrade renders from the same snapshot, and new rows are compact and packed.
    admin = accounts.sign_in(db, "admin", "secret-123", "03")
    actor = Actor(admin, "03", "郑州市金水区政务服务中心")
    paper = reprints.reprint(HallContext(db, actor, tmp_path / "papers"), docs, "原件遗失", now=NOW)
    with db.read() as s:
        copy = s.get(Document, paper.id)
        assert copy is not None and copy.snapshot == values[("documents", docs, "snapshot")]
    raw = _stored(path)[("documents", paper.id, "snapshot")]
    assert isinstance(raw, bytes) and raw[0] == packed_json.ZLIB_V1
    assert packed_json.text_of(raw) == packed_json.dumps(values[("documents", docs, "snapshot")])
    with db.unit() as s:
        assert audit.check(s).intact
    db.close()


def test_kill_9_inside_the_conversion_leaves_the_old_file_and_the_next_open_finishes(old_file):
    path, _ids, data = old_file
    before = _stored(path)
    values = [v for v in before.values() if v is not None]
    proc = _child(path, data, stop_at=len(values))  # the last value: the cases' UPDATE has run, documents' not yet
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "inside", proc.communicate(timeout=60)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(path) as conn:
        # The core chain's row (a service branch, e.g. nrmm_0001, has a row of its own beside it).
        rows = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
        assert "0016" in rows and "0017" not in rows
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert _stored(path) == before  # nothing half-converted: one transaction
    db = open_database(path)
    assert current_revision(db.engine) == HEAD_REVISION
    assert all(packed_json.is_packed(v) for v in _stored(path).values() if v is not None)
    with db.unit() as s:
        assert audit.check(s).intact
    db.close()


def test_upgrade_and_downgrade_on_postgres(pg_url, tmp_path, data_dir):
    ids = _hall(pg_url, tmp_path / "papers")
    _downgrade(pg_url)
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        kinds = dict(conn.execute(text("SELECT column_name, data_type FROM information_schema.columns "
                                       "WHERE table_name = 'cases' AND column_name = 'answers'")).all())
        assert kinds == {"answers": "json"}
        before = dict(conn.execute(text("SELECT id, assessment::text FROM cases")).all())
    engine.dispose()
    db = open_database(pg_url)
    assert current_revision(db.engine) == HEAD_REVISION
    with db.engine.connect() as conn:
        raw = dict(conn.execute(text("SELECT id, assessment FROM cases")).all())
        assert {i: packed_json.text_of(v) for i, v in raw.items()} == before
        assert all(packed_json.is_packed(v) for v in raw.values())
    with db.read() as s:
        assert {c.id: c.assessment for c in s.scalars(select(Case))} == {i: json.loads(t) for i, t in before.items()}
    with db.unit() as s:
        result = audit.check(s)
        assert result.intact and result.cases_checked == len(ids), result.lines()
    db.close()
