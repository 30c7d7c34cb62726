"""Tamper evidence, tried as an attacker with the database file: raw SQL on the real SQLite file, then the real
`python -m desktop audit verify`, which must exit 1 and name what broke."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop import paths
from desktop.cases import accounts, intake, sessions
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.store import audit_anchor, audit_hashes
from desktop.store.database import open_database
from forms import registry

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 11, 25, 10, 30)
LOCKS = 60  # so the last 50 rows can be cut off


def verify(db_file: Path, data_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("HALLDESK_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(data_dir), "audit", "verify",
                           "--db", str(db_file), *extra], cwd=ROOT, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def built_hall(tmp_path_factory) -> dict:
    """A real hall file: accounts, an accepted 居住证 case with its receipt, a draft, 60 idle locks."""
    folder = tmp_path_factory.mktemp("hall")
    paths.set_data_dir(folder / "data")
    try:
        path = folder / "hall.sqlite3"
        db = open_database(path)
        admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", "01")
        clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
        example = registry.get("residence_permit").example(NOW.date())
        accepted = intake.accept(HallContext(db, Actor(clerk, "03", "大厅"), folder / "papers"),
                                 "residence_permit", example["answers"],
                                 example["materials"], now=NOW)
        draft = intake.save_draft(db, Actor(clerk, "03", "大厅"), "residence_permit", example["answers"], {},
                                  now=NOW)
        for i in range(LOCKS):
            sessions.lock(db, clerk, "03", reason=f"idle {i}")
        db.close()
        anchors = audit_anchor.anchor_file(audit_anchor.location(f"sqlite:///{path}")).read_bytes()
        key = paths.audit_key_path().read_bytes()
    finally:
        paths.set_data_dir(None)
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    return {"file": path, "anchors": anchors, "key": key, "case_id": accepted.case.id,
            "case_no": accepted.case.case_no, "document_id": accepted.paper.id, "draft_id": draft.id, "rows": rows}


@pytest.fixture
def hall(built_hall, tmp_path, data_dir) -> dict:
    """This test's copy of the hall, with this PC's key and its anchors of the file at the new place."""
    path = tmp_path / "hall.sqlite3"
    shutil.copyfile(built_hall["file"], path)
    paths.audit_key_path().parent.mkdir(parents=True)
    paths.audit_key_path().write_bytes(built_hall["key"])
    paths.audit_key_path().chmod(0o600)
    anchors = audit_anchor.anchor_file(audit_anchor.location(f"sqlite:///{path}"))
    anchors.parent.mkdir(parents=True)
    anchors.write_bytes(built_hall["anchors"])
    return {**built_hall, "file": path, "data": data_dir}


def raw(path: Path, *statements: str, params: tuple = ()) -> None:
    """The attacker's SQL client: the program's triggers are dropped first, as anyone with the file can."""
    with sqlite3.connect(path) as conn:
        for name in ("audit_log_no_update", "audit_log_no_delete", "audit_chain_no_update", "audit_chain_no_delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in statements:
            conn.execute(statement, params) if "?" in statement else conn.execute(statement)


def flip_one_byte(value: str | bytes) -> str | bytes:
    """Change the last digit in a stored text (one byte, still valid JSON), or one bit in the middle of a
    packed value (migration 0017: compressed; it no longer unpacks, and verify must say so, not crash)."""
    if isinstance(value, bytes):
        i = len(value) // 2
        return value[:i] + bytes([value[i] ^ 0x01]) + value[i + 1:]
    i = max(i for i, ch in enumerate(value) if ch.isdigit())
    return value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1:]


def broken(result: subprocess.CompletedProcess, code: str) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "审计记录不可信" in result.stdout and f"（{code}）" in result.stdout, result.stdout
    return result.stdout


def test_intact_hall_verifies(hall):
    result = verify(hall["file"], hall["data"])
    assert result.returncode == 0, result.stdout + result.stderr
    first = result.stdout.splitlines()[0]
    assert first == f"审计链完整（{hall['rows']} 条）"
    assert "核对案件 2 件、文书 1 份" in result.stdout and "锚点 64 个已核对" in result.stdout  # one per commit


def test_triggers_refuse_update_and_delete(hall):
    with sqlite3.connect(hall["file"]) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE audit_log SET detail = '{}' WHERE seq = 3")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM audit_log WHERE seq = 3")
        with pytest.raises(sqlite3.IntegrityError, match="fixed"):
            conn.execute("UPDATE audit_chain SET legacy_seq = 1000")
    assert verify(hall["file"], hall["data"]).returncode == 0


@pytest.mark.parametrize("n", [1, 50])
def test_deleting_the_last_rows_is_caught(hall, n):
    raw(hall["file"], f"DELETE FROM audit_log WHERE seq > {hall['rows'] - n}")
    out = broken(verify(hall["file"], hall["data"]), "tail-deleted")
    assert f"最后 {n} 条审计记录（第 {hall['rows'] - n + 1}–{hall['rows']} 条）被删除" in out


def test_deleting_every_row_is_caught(hall):
    raw(hall["file"], "DELETE FROM audit_log")
    out = broken(verify(hall["file"], hall["data"]), "all-deleted")
    assert "审计记录已被全部删除" in out
    assert f"案件 {hall['case_no']}没有任何审计记录" in out  # and every case is now without a trail


def test_deleting_rows_and_the_chain_row_is_caught(hall):
    raw(hall["file"], "DELETE FROM audit_log", "DELETE FROM audit_chain")
    broken(verify(hall["file"], hall["data"]), "chain-replaced")


def _plain_recompute(conn: sqlite3.Connection, start: int, *, unsign: bool) -> None:
    """What an attacker without the key can do: recompute every later hash with SHA-256, and the
    keyless links of the rows it keeps signed (v2: ``unsign`` False), so that each is in its place."""
    prev = audit_hashes.link_of(*conn.execute("SELECT seq, prev_hash, hash, nonce FROM audit_log WHERE seq = ?",
                                              (start - 1,)).fetchone())
    rows = conn.execute("SELECT seq, at, actor, window, action, case_id, detail, nonce FROM audit_log WHERE seq >= ? "
                        "ORDER BY seq", (start,)).fetchall()
    for seq, at, actor, window, action, case_id, detail, nonce in rows:
        digest = audit_hashes.event_hash(datetime.fromisoformat(at), actor, window, action, case_id, json.loads(detail), prev)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ?"
                     + (", key_id = NULL, nonce = NULL, seen_seq = NULL" if unsign else "")
                     + " WHERE seq = ?", (prev, digest, seq))
        prev = digest if unsign else audit_hashes.link_of(seq, prev, digest, nonce)


def test_edit_and_recomputed_hashes_are_caught(hall):
    raw(hall["file"])
    with sqlite3.connect(hall["file"]) as conn:
        conn.execute("""UPDATE audit_log SET detail = '{"reason": "nothing happened"}' WHERE seq = 8""")
        _plain_recompute(conn, 8, unsign=False)
    out = broken(verify(hall["file"], hall["data"]), "row-changed")
    assert "第 8 条记录" in out and "签名不符" in out


def test_recomputed_as_unsigned_rows_is_caught(hall):
    raw(hall["file"])
    with sqlite3.connect(hall["file"]) as conn:
        _plain_recompute(conn, 8, unsign=True)
    out = broken(verify(hall["file"], hall["data"]), "unsigned-row")
    assert "第 8 条记录" in out


def test_whole_chain_relabelled_as_pre_upgrade_is_caught_by_the_anchors(hall):
    # NOTE: the strongest move without the key: claim every row is from before the upgrade and
    # recompute all with plain SHA-256. The database alone cannot tell; this PC's anchors can.
    raw(hall["file"], f"UPDATE audit_chain SET legacy_seq = {hall['rows']}")
    with sqlite3.connect(hall["file"]) as conn:
        conn.execute("UPDATE audit_log SET key_id = NULL, case_hash = NULL, document_hash = NULL, nonce = NULL, "
                     "seen_seq = NULL")
        first = conn.execute("SELECT at, actor, window, action, case_id, detail FROM audit_log WHERE seq = 1").fetchone()
        digest = audit_hashes.event_hash(datetime.fromisoformat(first[0]), *first[1:5], json.loads(first[5]), audit_hashes.GENESIS)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = 1", (audit_hashes.GENESIS, digest))
        _plain_recompute(conn, 2, unsign=True)
    out = broken(verify(hall["file"], hall["data"]), "history-rewritten")
    assert "第 1 条记录" in out


def test_one_flipped_byte_in_a_cases_answers_is_caught(hall):
    with sqlite3.connect(hall["file"]) as conn:
        answers = conn.execute("SELECT answers FROM cases WHERE id = ?", (hall["case_id"],)).fetchone()[0]
        conn.execute("UPDATE cases SET answers = ? WHERE id = ?", (flip_one_byte(answers), hall["case_id"]))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    out = broken(verify(hall["file"], hall["data"]), "case-changed")
    assert f"案件 {hall['case_no']}的存储内容" in out


@pytest.mark.parametrize("column,value", [("status", "'issued'"), ("due_on", "'2027-01-01'"),
                                          ("materials", "'{}'")])
def test_a_changed_status_date_or_materials_is_caught(hall, column, value):
    with sqlite3.connect(hall["file"]) as conn:
        conn.execute(f"UPDATE cases SET {column} = {value} WHERE id = ?", (hall["case_id"],))
    assert f"案件 {hall['case_no']}" in broken(verify(hall["file"], hall["data"]), "case-changed")


def test_a_changed_draft_is_named_by_its_internal_number(hall):
    with sqlite3.connect(hall["file"]) as conn:
        conn.execute("UPDATE cases SET applicant_name = '李四' WHERE id = ?", (hall["draft_id"],))
    assert f"草稿案件（内部编号 {hall['draft_id']}）" in broken(verify(hall["file"], hall["data"]), "case-changed")


def test_one_flipped_byte_in_a_document_snapshot_is_caught(hall):
    with sqlite3.connect(hall["file"]) as conn:
        snapshot = conn.execute("SELECT snapshot FROM documents WHERE id = ?", (hall["document_id"],)).fetchone()[0]
        conn.execute("UPDATE documents SET snapshot = ? WHERE id = ?", (flip_one_byte(snapshot), hall["document_id"]))
    out = broken(verify(hall["file"], hall["data"]), "document-changed")
    assert f"案件 {hall['case_no']}的文书《受理回执》（第 1 份" in out


def test_a_replaced_pdf_checksum_is_caught(hall):
    fake = hashlib.sha256(b"another pdf").hexdigest()
    with sqlite3.connect(hall["file"]) as conn:
        conn.execute("UPDATE documents SET sha256 = ? WHERE id = ?", (fake, hall["document_id"]))
    assert "受理回执" in broken(verify(hall["file"], hall["data"]), "document-changed")


def test_a_case_written_outside_the_program_is_caught(hall):
    with sqlite3.connect(hall["file"]) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(cases)") if r[1] not in ("id", "case_no")]
        conn.execute(f"INSERT INTO cases ({', '.join(columns)}, case_no) SELECT {', '.join(columns)}, 'FAKE0001' "
                     "FROM cases WHERE id = ?", (hall["case_id"],))
    assert "案件 FAKE0001没有任何审计记录" in broken(verify(hall["file"], hall["data"]), "case-untracked")


def test_a_deleted_case_and_its_paper_are_caught(hall):
    with sqlite3.connect(hall["file"]) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        for table in ("documents", "case_name_bigrams", "pledges"):
            conn.execute(f"DELETE FROM {table} WHERE case_id = ?", (hall["case_id"],))
        conn.execute("DELETE FROM cases WHERE id = ?", (hall["case_id"],))
    result = verify(hall["file"], hall["data"])
    out = broken(result, "case-deleted")
    assert f"案件 {hall['case_no']}的案件记录被删除" in out and "（document-deleted）" in out


def test_a_deleted_middle_row_names_the_gap(hall):
    raw(hall["file"], "DELETE FROM audit_log WHERE seq = 4")
    assert "第 4–4 条审计记录被删除" in broken(verify(hall["file"], hall["data"]), "rows-deleted")


def test_a_printed_head_catches_truncation_without_the_anchor_file(hall):
    with sqlite3.connect(hall["file"]) as conn:
        seq, digest = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    for log in (hall["data"] / "audit-anchors").iterdir():
        log.unlink()  # the attacker removed this PC's anchors too; the paper is in the cabinet
    raw(hall["file"], f"DELETE FROM audit_log WHERE seq > {seq - 3}")
    ok = verify(hall["file"], hall["data"])
    assert ok.returncode == 0 and "无法发现删除最后几条记录" in ok.stdout  # said plainly, not claimed
    assert "最后 3 条" in broken(verify(hall["file"], hall["data"], "--head", f"{seq}:{digest}"), "tail-deleted")


def test_verify_without_the_key_says_how_to_get_it(hall, tmp_path):
    result = verify(hall["file"], tmp_path / "another-pc")
    assert result.returncode == 2 and "（no-key）" in result.stdout and "import-key" in result.stdout


def test_unreadable_database_is_a_plain_message(tmp_path, data_dir):
    bad = tmp_path / "not-a-db.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    result = verify(bad, data_dir)
    assert result.returncode == 2 and "损坏" in result.stderr


@pytest.mark.postgres
def test_postgres_trigger_function_refuses_changes(pg_url):
    db = open_database(pg_url)
    accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log",
                      "UPDATE audit_chain SET legacy_seq = 5", "DELETE FROM audit_chain"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 1
    db.close()


def _relink(conn: sqlite3.Connection) -> None:
    """The attacker renumbers the rows 1..n in their order and recomputes every keyless link (v2)."""
    rows = conn.execute("SELECT id, hash, nonce FROM audit_log ORDER BY seq").fetchall()
    conn.execute("UPDATE audit_log SET seq = -seq")  # NOTE: UNIQUE(seq) while renumbering
    prev = audit_hashes.GENESIS
    for seq, (row_id, digest, nonce) in enumerate(rows, start=1):
        conn.execute("UPDATE audit_log SET seq = ?, prev_hash = ? WHERE id = ?", (seq, prev, row_id))
        prev = audit_hashes.link_of(seq, prev, digest, nonce)


def _no_anchors(hall: dict) -> None:
    """Verify on a PC with no anchor of this file: only the chain itself can tell."""
    audit_anchor.anchor_file(audit_anchor.location(f"sqlite:///{hall['file']}")).unlink()


def _relinked(hall: dict, code: str, *statements: str) -> str:
    """The attacker's statements on a PC with no anchor, then the rows renumbered and relinked; verify's output."""
    _no_anchors(hall)
    raw(hall["file"], *statements)
    with sqlite3.connect(hall["file"]) as conn:
        _relink(conn)
    return broken(verify(hall["file"], hall["data"]), code)


def test_v2_rows_are_what_the_program_writes(hall):
    with sqlite3.connect(hall["file"]) as conn:
        rows = conn.execute("SELECT seq, seen_seq, nonce FROM audit_log ORDER BY seq").fetchall()
    assert all(nonce is not None and len(nonce) == 16 for _s, _seen, nonce in rows)
    assert all(seen == seq - 1 for seq, seen, _n in rows)  # SQLite: signed under its one write lock
    assert len({nonce for _s, _seen, nonce in rows}) == len(rows)


def test_deleting_a_middle_row_and_relinking_is_caught_without_anchors(hall):
    # NOTE: the move v2's keyless links allow: take a row out, renumber, recompute every link. The
    # next row signed the head it saw (the deleted row's link), which the relinked chain no longer has.
    out = _relinked(hall, "row-changed", "DELETE FROM audit_log WHERE seq = 20")
    assert "第 20 条记录" in out and "签名时审计链已有第 20 条，它却排在第 20 条" in out  # the old 21st


def test_deleting_a_middle_row_relinking_and_reclaiming_its_place_is_caught(hall):
    # NOTE: the same with the next row's signed seen_seq put back below its new place: the link there
    # is not the one it signed.
    out = _relinked(hall, "row-changed", "DELETE FROM audit_log WHERE seq = 20",
                    "UPDATE audit_log SET seen_seq = 19 WHERE seq = 21")
    assert "第 20 条记录" in out and "签名时看到的第 19 条" in out


def test_swapping_two_rows_and_relinking_is_caught_without_anchors(hall):
    out = _relinked(hall, "row-changed", "UPDATE audit_log SET seq = -1 WHERE seq = 30",
                    "UPDATE audit_log SET seq = 30 WHERE seq = 31", "UPDATE audit_log SET seq = 31 WHERE seq = -1")
    assert "第 30 条记录" in out or "第 31 条记录" in out


def test_a_copied_signed_row_at_the_end_is_caught_without_anchors(hall):
    columns = ("at, actor, window, action, case_id, detail, case_hash, document_id, document_hash, key_id, hash, "
               "nonce, seen_seq")
    out = _relinked(hall, "row-copied", f"INSERT INTO audit_log (seq, prev_hash, {columns}) SELECT {hall['rows'] + 1}, "
                                        f"'', {columns} FROM audit_log WHERE seq = 5")
    assert f"第 {hall['rows'] + 1} 条审计记录是第 5 条的复制" in out


def test_a_row_claiming_an_older_seen_head_is_caught(hall):
    raw(hall["file"], "UPDATE audit_log SET seen_seq = 3 WHERE seq = 12")
    out = broken(verify(hall["file"], hall["data"]), "row-changed")
    assert "第 12 条记录" in out
