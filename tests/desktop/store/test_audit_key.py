"""The hall key: made at the first write (mode 0600), exported and imported by the administrator, and a PC
without it (or with another) cannot write to a hall's chain."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import paths
from desktop.cases import accounts, sessions
from desktop.store import audit, audit_key
from desktop.store.database import open_database
from desktop.store.models import AuditEvent

ROOT = Path(__file__).resolve().parents[3]


def cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("HALLDESK_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(data), "audit", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_key_is_made_at_the_first_write_private_and_outside_the_database(db, data_dir, tmp_path):
    assert not paths.audit_key_path().exists()
    accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    key_file = paths.audit_key_path()
    assert key_file.parent == data_dir / "config"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = audit_key.load()
    assert key is not None and len(key) == 32
    assert key not in (tmp_path / "hall.sqlite3").read_bytes()
    with db.unit() as s:
        assert s.query(AuditEvent).one().key_id == audit_key.fingerprint(key)


def test_export_and_import_between_two_pcs(tmp_path):
    db_file = tmp_path / "hall.sqlite3"
    first, second = tmp_path / "pc1", tmp_path / "pc2"
    paths.set_data_dir(first)
    db = open_database(db_file)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    db.close()
    stick = tmp_path / "usb" / "hall.key"
    exported = cli(first, "export-key", "--out", str(stick))
    assert exported.returncode == 0 and "已导出" in exported.stdout
    assert stat.S_IMODE(stick.stat().st_mode) == 0o600
    # The second PC has no key: it may neither write to the hall's chain nor check it.
    paths.set_data_dir(second)
    db = open_database(db_file)
    with pytest.raises(audit_key.AuditKeyProblem, match="import-key"):
        sessions.lock(db, admin, "02")
    assert not paths.audit_key_path().exists()  # and it did not make a key of its own for this chain
    assert cli(second, "verify", "--db", str(db_file)).returncode == 2
    imported = cli(second, "import-key", str(stick))
    assert imported.returncode == 0 and audit_key.fingerprint(audit_key.load()) in imported.stdout
    sessions.lock(db, admin, "02")
    with db.unit() as s:
        assert audit.verify(s)[0]
    db.close()
    assert cli(second, "verify", "--db", str(db_file)).returncode == 0


def test_a_pc_with_another_key_is_refused_and_import_does_not_overwrite_silently(tmp_path):
    db_file = tmp_path / "hall.sqlite3"
    paths.set_data_dir(tmp_path / "pc1")
    db = open_database(db_file)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    hall_key = paths.audit_key_path()
    paths.set_data_dir(tmp_path / "pc2")
    other = audit_key.load_or_create()  # this PC served another hall before
    with pytest.raises(audit_key.AuditKeyProblem, match="不是这个数据库的审计链所用的密钥"):
        sessions.lock(db, admin, "02")
    refused = cli(tmp_path / "pc2", "import-key", str(hall_key))
    assert refused.returncode == 2 and "--replace" in refused.stderr
    assert audit_key.load() == other
    assert cli(tmp_path / "pc2", "import-key", str(hall_key), "--replace").returncode == 0
    sessions.lock(db, admin, "02")
    db.close()


def test_a_damaged_key_file_is_a_plain_message(db, data_dir):
    paths.audit_key_path().parent.mkdir(parents=True)
    paths.audit_key_path().write_text("not a key\n")
    with pytest.raises(audit_key.AuditKeyProblem, match="已损坏"):
        accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    result = cli(data_dir, "import-key", str(paths.audit_key_path()))
    assert result.returncode == 2 and "已损坏" in result.stderr and "Traceback" not in result.stderr
