"""`backup` and `restore` as real processes: passphrase on standard input, messages in Chinese, exit codes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from desktop.cases import accounts
from desktop.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]
PASS = "usb-stick-pass-9"


def usernames(db_file: Path) -> set[str]:
    con = sqlite3.connect(db_file)
    try:
        return {r[0] for r in con.execute("SELECT username FROM accounts")}
    finally:
        con.close()  # an open connection is another window: restore would rightly refuse


def run(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("HALLDESK_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(data), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, input=stdin)


def test_backup_then_restore_from_the_command_line(tmp_path):
    data, usb, db_file = tmp_path / "data", tmp_path / "usb", tmp_path / "hall.sqlite3"
    db = open_database(db_file)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    no_key = run(data, "backup", "--db", str(db_file), "--to", str(usb))
    assert no_key.returncode == 2 and "尚未设置备份口令" in no_key.stderr and "Traceback" not in no_key.stderr
    mismatch = run(data, "backup", "--db", str(db_file), "--to", str(usb), "--set-passphrase",
                   stdin=f"{PASS}\n{PASS}x\n")
    assert mismatch.returncode == 2 and "不一致" in mismatch.stderr
    made = run(data, "backup", "--db", str(db_file), "--to", str(usb), "--keep", "3", "--set-passphrase",
               stdin=f"{PASS}\n{PASS}\n")
    assert made.returncode == 0, made.stderr
    assert "备份密钥已设置" in made.stdout and "备份已写入" in made.stdout
    assert PASS not in (data / "config" / "backup-key.json").read_text(encoding="utf-8")
    [file] = usb.glob("hall-*.hdbk")
    accounts.create_account(db, admin, "later", "后来者", "clerk", "secret-456", "secret-456")
    db.close()
    wrong = run(data, "restore", str(file), "--db", str(db_file), stdin="not-the-pass\n")
    assert wrong.returncode == 2 and "口令不正确" in wrong.stderr and "Traceback" not in wrong.stderr
    assert usernames(db_file) == {"admin", "later"}
    good = run(data, "restore", str(file), "--db", str(db_file), stdin=f"{PASS}\n")
    assert good.returncode == 0, good.stderr
    assert "已从备份" in good.stdout and ".before-restore" in good.stdout
    assert usernames(db_file) == {"admin"}
    missing = run(data, "restore", str(tmp_path / "nope.hdbk"), "--db", str(db_file))
    assert missing.returncode == 2 and "无法读取备份文件" in missing.stderr


def test_the_plain_copy_made_before_a_migration_restores_without_a_passphrase(tmp_path):
    from desktop.store.database import backup_sqlite

    data, db_file = tmp_path / "data", tmp_path / "hall.sqlite3"
    open_database(db_file).close()
    copy = backup_sqlite(db_file, "0008")
    db_file.write_bytes(b"")  # the file lost in a power cut
    result = run(data, "restore", str(copy), "--db", str(db_file))
    assert result.returncode == 0, result.stderr
    open_database(db_file).close()
