"""Encrypted online backups (SQLite's backup API, pg_dump) with rotation, and the checked restore (no Qt)."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from desktop import paths
from desktop.store import backup_crypto as crypto
from desktop.store.backup_crypto import BackupError
from desktop.store.database import SQLITE_MAGIC, copy_sqlite, database_url, fsync_dir, fsync_file, quick_check
from desktop.store.schema_heads import label

log = logging.getLogger(__name__)
SUFFIX = ".hdbk"
KEY_FILE = "backup-key.json"
DEFAULT_KEEP = 10
STALE_TMP_S = 24 * 3600
_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<prefix>.+)-(?P<stamp>\d{8}-\d{6})(?:-\d+)?\.hdbk$")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    revision: str
    size: int
    removed: tuple[Path, ...]  # older backups rotated out

    def message(self) -> str:
        text = f"备份已写入 {self.path}（结构版本 {self.revision}，{self.size / 1024 / 1024:.1f} MB）"
        if self.removed:
            text += f"；按保留份数删除了 {len(self.removed)} 份较早的备份"
        return text + "。"


@dataclass(frozen=True)
class RestoreResult:
    db: str
    revision: str
    created: str
    before_restore: Path | None

    def message(self) -> str:
        text = f"已从备份（{self.created}，结构版本 {self.revision}）恢复数据库 {self.db}。"
        if self.before_restore is not None:
            text += f"恢复前的数据库保留为 {self.before_restore}。"
        return text


# --- the administrator's key -------------------------------------------------------------------

def key_path() -> Path:
    return paths.config_dir() / KEY_FILE


def load_key() -> dict | None:
    """The sealed key record, or None when the administrator has not set a backup passphrase."""
    path = key_path()
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        crypto.public_record(record)
        return record
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("backup key file %s unreadable", path)
        return None


def set_passphrase(passphrase: str, again: str) -> dict:
    """Make and keep a new key sealed by ``passphrase``; older backups still open with their own passphrase."""
    problem = crypto.passphrase_problem(passphrase, again)
    if problem:
        raise BackupError(problem)
    record = crypto.new_key_record(passphrase)
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=2), encoding="utf-8")
    fsync_file(tmp)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return record


def _require_key(record: dict | None) -> dict:
    record = record if record is not None else load_key()
    if record is None:
        raise BackupError("尚未设置备份口令：请管理员在“管理 → 备份与恢复”中设置，"
                          "或运行 python -m desktop backup --set-passphrase。")
    return record


# --- making a backup ---------------------------------------------------------------------------

def _private_tmp() -> Path:
    """A folder only this user can read, for the clear copy while it is encrypted."""
    folder = paths.data_dir() / ".backup-tmp"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    # NOTE: a clear copy a killed backup left behind goes at the next backup; a day is far longer
    # than any backup in progress in another window takes.
    for stale in folder.iterdir():
        if time.time() - stale.stat().st_mtime > STALE_TMP_S:
            shutil.rmtree(stale, ignore_errors=True)
    return folder


def _sqlite_file(parsed: URL) -> Path:
    """The file of a SQLite URL; an in-memory database (no file) has nothing to back up or restore."""
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("内存中的数据库没有文件，不能备份或恢复。")
    return Path(parsed.database)


def _prefix(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_file(parsed).stem
    return f"pg-{parsed.database}"


def backups_in(folder: Path, prefix: str | None = None) -> list[Path]:
    """Our backup files in ``folder``, oldest first (by the time in their name)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and (prefix is None or match["prefix"] == prefix):
            found.append((match["stamp"], path.name, path))
    return [p for _s, _n, p in sorted(found)]


def _sqlite_revision(path: Path) -> str | None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError:
        return None
    finally:
        con.close()
    # NOTE (issue 16): one row per head — the core chain's and each service branch's — joined "0016+nrmm_0001".
    return label({r[0] for r in rows}) or None


def _write_encrypted(clear: Path, folder: Path, name: str, record: dict, meta: dict) -> Path:
    """Encrypt ``clear`` into ``folder/name``: a temporary name, synced, then renamed (no half backup)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    partial = folder / f".{name}.partial"
    with open(clear, "rb") as source, open(partial, "wb") as out:
        crypto.encrypt_stream(source, out, record, meta)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    fsync_dir(folder)
    return target


def rotate(folder: Path, prefix: str, keep: int) -> tuple[Path, ...]:
    """Delete all but the newest ``keep`` backups of this database in ``folder``; stray partial files too."""
    for stale in folder.glob(f".{prefix}-*{SUFFIX}.partial"):
        stale.unlink(missing_ok=True)
    existing = backups_in(folder, prefix)
    doomed = existing[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink(missing_ok=True)
    return tuple(doomed)


def make_backup(target: str | Path | None, folder: Path, *, keep: int = DEFAULT_KEEP, record: dict | None = None,
                now: datetime | None = None) -> BackupResult:
    """An encrypted online backup of the database into ``folder``, then rotation to ``keep`` files.

    SQLite: ``sqlite3.Connection.backup`` (a consistent copy that includes what the WAL holds, while
    other windows keep writing), checked with ``quick_check`` before it is encrypted. PostgreSQL:
    ``pg_dump --format=custom``. The clear copy lives only in the user's private temporary folder.
    """
    record = _require_key(record)
    url = database_url(target)
    now = now or datetime.now()
    prefix = _prefix(url)
    name = f"{prefix}-{now.strftime(_STAMP)}{SUFFIX}"
    n = 1
    while (folder / name).exists():  # two backups in one second (at exit right after the timer)
        name = f"{prefix}-{now.strftime(_STAMP)}-{n}{SUFFIX}"
        n += 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"无法使用备份文件夹 {folder}：{exc.strerror}（U 盘或网络共享是否已连接？）") from exc
    tmp_dir = Path(tempfile.mkdtemp(dir=_private_tmp()))
    try:
        clear = tmp_dir / "copy"
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            db_file = _sqlite_file(parsed)
            if not db_file.is_file():
                raise BackupError(f"数据库文件 {db_file} 不存在。")
            copy_sqlite(db_file, clear)
            problems = quick_check(clear)
            if problems:
                raise BackupError(f"数据库完整性检查未通过（{problems[0][:100]}），未写入备份。")
            revision = _sqlite_revision(clear)
            kind = "sqlite"
        else:
            from desktop.store import pg_backup

            revision = pg_backup.dump(url, clear)
            kind = "postgresql"
        if revision is None:
            raise BackupError("数据库没有结构版本记录，不是完整的 HallDesk 数据库，未写入备份。")
        meta = {"kind": kind, "revision": revision, "created": now.isoformat(timespec="seconds"),
                "source": prefix}
        try:
            path = _write_encrypted(clear, folder, name, record, meta)
        except OSError as exc:
            raise BackupError(f"无法写入备份文件夹 {folder}：{exc.strerror}（空间不足或 U 盘已拔出？）") from exc
        removed = rotate(folder, prefix, keep)
        size = path.stat().st_size
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    log.info("backup written: %s (revision %s, %d bytes, %d rotated out)", path.name, revision, size, len(removed))
    return BackupResult(path, revision, size, removed)


# --- checking and restoring --------------------------------------------------------------------

@dataclass(frozen=True)
class CheckedBackup:
    """A backup decrypted, authenticated and checked, its clear content in a private file."""
    header: dict
    clear: Path

    @property
    def revision(self) -> str:
        return str(self.header.get("revision"))

    @property
    def kind(self) -> str:
        return str(self.header.get("kind"))

    @property
    def created(self) -> str:
        """When the backup was made, as its header says (shown before a restore)."""
        return str(self.header.get("created"))


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from desktop.store.database import _alembic_config

    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def check_backup(file: Path, passphrase: str, clear: Path) -> CheckedBackup:
    """Decrypt and authenticate every chunk into ``clear``, then check it as a database; BackupError otherwise."""
    try:
        handle = open(file, "rb")
    except OSError as exc:
        raise BackupError(f"无法读取备份文件 {file}：{exc.strerror}") from exc
    with handle:
        if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
            # NOTE: the plain copy made before a migration (``backups/`` beside the database) is
            # restored the same way, minus the decryption: it never left the PC.
            handle.close()
            copy_sqlite(Path(file), clear)
            header = {"kind": "sqlite", "revision": _sqlite_revision(clear),
                      "created": datetime.fromtimestamp(Path(file).stat().st_mtime).isoformat(timespec="seconds")}
        else:
            handle.seek(0)
            with open(clear, "wb") as out:
                header, chunks = crypto.decrypt_chunks(handle, passphrase)
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
    known = _known_revisions()
    kind = header.get("kind")
    if kind == "sqlite":
        problems = quick_check(clear)
        if problems:
            raise BackupError(f"备份中的数据库完整性检查未通过（{problems[0][:100]}），不能用于恢复。")
        revision = _sqlite_revision(clear)
    elif kind == "postgresql":
        from desktop.store import pg_backup

        revision = pg_backup.archive_revision(clear)
    else:
        raise BackupError("备份文件的类型无法识别。")
    if revision != header.get("revision"):
        raise BackupError("备份内容与文件头记录的结构版本不符，不能用于恢复。")
    if revision is None or not set(revision.split("+")) <= known:
        raise BackupError(f"备份的结构版本 {revision} 是本程序不认识的（可能来自更新版本的 HallDesk），不能用于恢复。")
    return CheckedBackup(header, clear)


def _restore_sqlite(checked: CheckedBackup, db_file: Path) -> Path | None:
    """Put the checked copy in place of ``db_file`` in one rename, the old file kept as ``.before-restore``."""
    db_file.parent.mkdir(parents=True, exist_ok=True)
    staged = db_file.with_name(f".{db_file.name}.restoring")
    shutil.copyfile(checked.clear, staged)
    fsync_file(staged)
    before: Path | None = None
    if db_file.exists():
        # NOTE: the old database's WAL belongs to the old file: it is folded in (which needs every
        # other window closed) before the rename, or SQLite would replay it onto the restored file.
        try:
            con = sqlite3.connect(str(db_file), timeout=2)
            try:
                mode = con.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            staged.unlink(missing_ok=True)
            raise BackupError("数据库正被其他 HallDesk 窗口使用，请关闭所有窗口后再恢复，未作任何改动。") from exc
        if mode != "delete":
            staged.unlink(missing_ok=True)
            raise BackupError("数据库正被其他 HallDesk 窗口使用，请关闭所有窗口后再恢复，未作任何改动。")
        before = db_file.with_name(db_file.name + ".before-restore")
        linked = db_file.with_name(f".{db_file.name}.before-restore.tmp")
        linked.unlink(missing_ok=True)
        os.link(db_file, linked)
        os.replace(linked, before)
        Path(f"{db_file}-shm").unlink(missing_ok=True)
    os.replace(staged, db_file)
    fsync_dir(db_file.parent)
    return before


@contextmanager
def opened(file: Path, passphrase: str) -> Iterator[CheckedBackup]:
    """A checked backup (BackupError if any check fails), its clear copy removed when the block ends."""
    tmp_dir = Path(tempfile.mkdtemp(dir=_private_tmp()))
    try:
        yield check_backup(Path(file), passphrase, tmp_dir / "clear")
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def replace_with(checked: CheckedBackup, target: str | Path | None) -> RestoreResult:
    """Replace the database by a checked backup atomically (every connection to it must be closed first)."""
    url = database_url(target)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if checked.kind != "sqlite":
            raise BackupError("这是大厅共享数据库（PostgreSQL）的备份，不能恢复到单机 SQLite 文件。")
        before = _restore_sqlite(checked, _sqlite_file(parsed))
        where = parsed.database
    else:
        if checked.kind != "postgresql":
            raise BackupError("这是单机 SQLite 数据库的备份，不能恢复到大厅共享数据库。")
        from desktop.store import pg_backup

        before = pg_backup.restore(url, checked.clear, _require_key(None), checked.clear.parent)
        where = parsed.render_as_string(hide_password=True)
    log.info("database restored from a backup of %s (revision %s)", checked.header.get("created"), checked.revision)
    return RestoreResult(str(where), checked.revision, str(checked.header.get("created")), before)


def restore(file: Path, passphrase: str, target: str | Path | None) -> RestoreResult:
    """Check the backup completely, then replace the database atomically; nothing changes if a check fails."""
    with opened(file, passphrase) as checked:
        return replace_with(checked, target)


# --- where the last backup is ------------------------------------------------------------------

def newest_backup(db_file: Path) -> Path | None:
    """The newest backup of this database: the chosen backup folder first, then ``backups/`` beside it."""
    from desktop import settings as settings_store

    folder = settings_store.load().backup_dir
    candidates = backups_in(Path(folder), db_file.stem) if folder else []
    if candidates:
        return candidates[-1]
    local = db_file.parent / "backups"
    if local.is_dir():
        olds = sorted(local.glob(f"{db_file.stem}-*.sqlite3"))
        if olds:
            return olds[-1]
    return None
