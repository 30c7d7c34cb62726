"""Encrypted backups: online while another process writes, refused when wrong or damaged, restored, rotated."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop import paths
from desktop.store import backup
from desktop.store.backup_crypto import MAGIC, BackupError
from desktop.store.database import open_database, quick_check
from desktop.store.models import Case, Document
from desktop.store.schema_heads import HEAD_REVISION, expected_heads, label

ROOT = Path(__file__).resolve().parents[3]
WRITER = ROOT / "tests" / "support" / "backup_writer_child.py"
PASS = "correct horse battery 7"


@pytest.fixture
def key():
    return backup.set_passphrase(PASS, PASS)


def _cases(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT case_no FROM cases")}
    except sqlite3.OperationalError:
        return set()
    finally:
        con.close()


def test_the_key_file_holds_no_secret_in_clear(key, data_dir):
    text = backup.key_path().read_text(encoding="utf-8")
    assert PASS not in text and "sealed_private_key" in text and "public_key" in text
    assert backup.key_path().is_relative_to(data_dir)
    with pytest.raises(BackupError, match="至少"):
        backup.set_passphrase("short", "short")
    with pytest.raises(BackupError, match="不一致"):
        backup.set_passphrase(PASS, PASS + "x")


def test_backup_while_another_process_writes_holds_what_the_wal_held(db, admin, key, tmp_path):
    db_file = Path(db.url.split("///", 1)[1])
    stop = tmp_path / "stop"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, str(WRITER), str(db_file), str(tmp_path / "papers"), str(stop),
                               str(paths.data_dir())],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    committed: list[str] = []
    try:
        while len(committed) < 12:
            line = writer.stdout.readline()
            assert line.startswith("committed"), line + writer.stderr.read()
            committed.append(line.split()[2])
        # A plain copy of the file (what a clerk's "copy the database" does) misses the WAL.
        plain = tmp_path / "plain-copy.sqlite3"
        shutil.copyfile(db_file, plain)
        assert len(_cases(plain)) < len(committed)
        result = backup.make_backup(db_file, tmp_path / "usb", keep=3)  # the writer keeps writing meanwhile
        stop.touch()
        rest = writer.communicate(timeout=120)[0]
    finally:
        stop.touch()
        writer.kill() if writer.poll() is None else None
    assert writer.returncode == 0 and "stopped" in rest
    assert result.revision == label(expected_heads()) and result.path.parent == tmp_path / "usb"
    raw = result.path.read_bytes()
    assert raw.startswith(MAGIC) and committed[0].encode() not in raw  # the case numbers are not in clear
    restored = tmp_path / "restored.sqlite3"
    outcome = backup.restore(result.path, PASS, restored)
    assert outcome.before_restore is None and outcome.revision == label(expected_heads())
    assert set(committed) <= _cases(restored)  # every case committed before the backup began
    check = open_database(restored)
    with check.unit() as s:
        for case in s.scalars(select(Case).where(Case.case_no.in_(committed))):
            assert s.scalar(select(Document.id).where(Document.case_id == case.id)) is not None  # its receipt too
    check.close()


@pytest.fixture
def made(db, admin, key, tmp_path):
    db_file = Path(db.url.split("///", 1)[1])
    return db_file, backup.make_backup(db_file, tmp_path / "usb")


def test_wrong_passphrase_is_refused_and_nothing_is_replaced(made, tmp_path):
    db_file, result = made
    before = db_file.read_bytes()
    with pytest.raises(BackupError, match="口令不正确"):
        backup.restore(result.path, PASS + "?", db_file)
    assert db_file.read_bytes() == before and not db_file.with_name(db_file.name + ".before-restore").exists()


@pytest.mark.parametrize("where", ["header", "key", "middle", "last byte"])
def test_a_flipped_byte_is_refused(made, tmp_path, where):
    db_file, result = made
    data = bytearray(result.path.read_bytes())
    header_end = data.index(b'"kind"')  # inside the header JSON
    positions = {"header": header_end + 2, "key": data.index(b"sealed_private_key") + 30,
                 "middle": len(data) // 2 + 7, "last byte": len(data) - 1}
    data[positions[where]] ^= 0x01
    bad = tmp_path / "bad.hdbk"
    bad.write_bytes(bytes(data))
    before = db_file.read_bytes()
    with pytest.raises(BackupError) as info:
        backup.restore(bad, PASS, db_file)
    assert "损坏" in info.value.message or "口令不正确" in info.value.message
    assert db_file.read_bytes() == before


def test_a_truncated_backup_is_refused(made, tmp_path):
    _db_file, result = made
    data = result.path.read_bytes()
    for cut in (len(data) - 1, len(data) // 2, 40, 5):
        short = tmp_path / f"short-{cut}.hdbk"
        short.write_bytes(data[:cut])
        with pytest.raises(BackupError):
            backup.restore(short, PASS, tmp_path / "never.sqlite3")
    assert not (tmp_path / "never.sqlite3").exists()


def test_restore_round_trip_keeps_the_old_file(db, admin, key, tmp_path):
    from desktop.cases import accounts

    db_file = Path(db.url.split("///", 1)[1])
    result = backup.make_backup(db_file, tmp_path / "usb")
    accounts.create_account(db, admin, "later", "后来者", "clerk", "secret-456", "secret-456")
    db.close()
    outcome = backup.restore(result.path, PASS, db_file)
    assert outcome.before_restore == db_file.with_name(db_file.name + ".before-restore")
    assert quick_check(db_file) == [] and not Path(f"{db_file}-wal").exists()
    names = lambda p: {r[0] for r in sqlite3.connect(p).execute("SELECT username FROM accounts")}  # noqa: E731
    assert names(db_file) == {"admin"}
    assert names(outcome.before_restore) == {"admin", "later"}  # the replaced database is kept
    again = open_database(db_file)
    assert accounts.sign_in(again, "admin", "secret-123").username == "admin"
    again.close()


def test_restore_is_refused_while_another_window_has_the_database_open(made):
    db_file, result = made  # the fixture's engine still holds a connection to the file
    with open_database(db_file).unit() as s:  # another window that has read something
        s.scalar(select(Case.id))
        before = db_file.read_bytes()
        with pytest.raises(BackupError, match="其他 HallDesk 窗口"):
            backup.restore(result.path, PASS, db_file)
    assert db_file.read_bytes() == before and not db_file.with_name(db_file.name + ".before-restore").exists()
    assert not list(db_file.parent.glob(".*restoring*"))


def test_a_backup_of_an_unknown_revision_is_refused(db, admin, key, tmp_path):
    db_file = Path(db.url.split("///", 1)[1])
    db.close()
    with sqlite3.connect(db_file) as con:
        con.execute("UPDATE alembic_version SET version_num = 'ffff9999' WHERE version_num = ?", (HEAD_REVISION,))
    result = backup.make_backup(db_file, tmp_path / "usb")
    with pytest.raises(BackupError, match="不认识"):
        backup.restore(result.path, PASS, tmp_path / "new.sqlite3")
    assert not (tmp_path / "new.sqlite3").exists()


def test_rotation_keeps_the_newest_n(db, admin, key, tmp_path):
    db_file = Path(db.url.split("///", 1)[1])
    usb = tmp_path / "usb"
    (usb).mkdir()
    (usb / "notes.txt").write_text("the administrator's own file")
    (usb / "other-20200101-000000.hdbk").write_bytes(b"another database's backup")
    start = datetime(2026, 11, 1, 8)
    made = [backup.make_backup(db_file, usb, keep=3, now=start + timedelta(hours=4 * i)).path for i in range(6)]
    assert backup.backups_in(usb, db_file.stem) == made[-3:]
    assert (usb / "notes.txt").exists() and (usb / "other-20200101-000000.hdbk").exists()
    assert not list(usb.glob(".*"))  # no partial file left


def test_no_key_no_backup(db, admin, tmp_path):
    with pytest.raises(BackupError, match="尚未设置备份口令"):
        backup.make_backup(Path(db.url.split("///", 1)[1]), tmp_path / "usb")
    assert not (tmp_path / "usb").exists() or not list((tmp_path / "usb").iterdir())


def test_an_unwritable_backup_folder_is_a_plain_message(db, admin, key, tmp_path):
    blocker = tmp_path / "usb"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(BackupError, match="备份文件夹"):
        backup.make_backup(Path(db.url.split("///", 1)[1]), blocker / "sub")


@pytest.mark.postgres
def test_hall_mode_backup_and_restore_with_pg_dump(pg_url, key, tmp_path):
    from desktop.cases import accounts

    db = open_database(pg_url)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    result = backup.make_backup(pg_url, tmp_path / "usb")
    assert result.revision == label(expected_heads()) and result.path.name.startswith("pg-")
    accounts.create_account(db, admin, "later", "后来者", "clerk", "secret-456", "secret-456")
    db.close()
    with pytest.raises(BackupError, match="口令不正确"):
        backup.restore(result.path, PASS + "!", pg_url)
    outcome = backup.restore(result.path, PASS, pg_url)
    assert outcome.before_restore is not None and outcome.before_restore.exists()
    again = open_database(pg_url)
    from desktop.store.models import Account

    with again.unit() as s:
        assert set(s.scalars(select(Account.username))) == {"admin"}
    again.close()


def test_a_clear_copy_a_killed_backup_left_is_removed_by_the_next(db, admin, key, tmp_path, data_dir):
    private = data_dir / ".backup-tmp"
    private.mkdir(parents=True)
    stale, fresh = private / "tmpkilled", private / "tmpinprogress"
    for folder in (stale, fresh):
        folder.mkdir()
        (folder / "copy").write_bytes(b"clear copy of a database")
    old = os.stat(stale).st_mtime - backup.STALE_TMP_S - 60
    os.utime(stale, (old, old))
    backup.make_backup(Path(db.url.split("///", 1)[1]), tmp_path / "usb")
    assert not stale.exists() and fresh.exists()  # another window's backup may still be using it
    assert private.stat().st_mode & 0o077 == 0
