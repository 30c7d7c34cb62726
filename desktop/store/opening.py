"""Open a hall's database all-or-nothing: refuse foreign or damaged files, create, back up, migrate."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from desktop.files import fsync_dir
from desktop.store import integrity_policy
from desktop.store.database import (
    BUSY_TIMEOUT_MS,
    Database,
    _alembic_config,
    _sqlite_pragmas,
    backup_sqlite,
    current_revisions,
    database_url,
    fsync_file,
    make_engine,
)
from desktop.store.errors import DatabaseTooNew, EnvironmentFailure, _message_for, translate
from desktop.store.schema_heads import expected_rows, label

SQLITE_MAGIC = b"SQLite format 3\x00"


class NotHallDatabase(EnvironmentFailure):
    """An existing file that is not a HallDesk database: refused, never treated as a new hall."""


class DatabaseDamaged(EnvironmentFailure):
    """``PRAGMA quick_check`` failed: the clerk is sent to the last good backup."""


def _last_backup_hint(db_file: Path) -> str:
    """Where the newest backup is and the command that restores it, for a refusal message."""
    from desktop.store import backup as backups

    newest = backups.newest_backup(db_file)
    if newest is None:
        return "未找到备份文件。请联系管理员。"
    command = f"python -m desktop restore \"{newest}\" --db \"{db_file}\""
    return f"最近的备份：{newest}\n恢复命令：{command}"


def _inspect_sqlite_file(db_file: Path) -> frozenset[str]:
    """The revisions of an existing SQLite file (core and service branches), or NotHallDatabase for a file not ours."""
    size = db_file.stat().st_size
    if size == 0:
        raise NotHallDatabase(
            f"数据库文件 {db_file} 是空文件（0 字节），不是 HallDesk 数据库，未作任何改动。"
            "文件可能在断电或复制时丢失了内容，请从备份恢复。\n" + _last_backup_hint(db_file))
    with open(db_file, "rb") as handle:
        magic = handle.read(len(SQLITE_MAGIC))
    if magic != SQLITE_MAGIC:
        raise NotHallDatabase(
            f"文件 {db_file} 不是 SQLite 数据库（文件已损坏，或选错了文件），HallDesk 拒绝打开，未作任何改动。")
    # NOTE: read-write, though it only reads: SQLite must be able to roll back a hot journal a kill
    # left behind, which a read-only connection refuses.
    try:
        con = sqlite3.connect(str(db_file), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = (frozenset(r[0] for r in con.execute("SELECT version_num FROM alembic_version"))
                         if "alembic_version" in tables else frozenset())
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        known = _message_for(str(exc))
        if known and "损坏" not in known:
            raise EnvironmentFailure(known, str(exc)) from exc  # locked, read-only, I/O: the machine
        raise DatabaseDamaged(
            f"数据库 {db_file} 已损坏，无法读取（{exc}），HallDesk 不会打开它。请由管理员从最近的备份恢复。\n"
            + _last_backup_hint(db_file), str(exc)) from exc
    if "alembic_version" not in tables:
        raise NotHallDatabase(
            f"文件 {db_file} 是 SQLite 数据库，但不是 HallDesk 的数据库"
            f"（{'没有任何数据表' if not tables else '含有其他程序的数据表'}），HallDesk 拒绝打开，未作任何改动。")
    if not revisions:
        raise NotHallDatabase(
            f"数据库 {db_file} 的结构版本记录为空（可能是旧版本程序建库时被中断），HallDesk 拒绝打开。"
            "请从备份恢复。\n" + _last_backup_hint(db_file))
    return revisions


def quick_check(db_file: Path) -> list[str]:
    """``PRAGMA quick_check`` on a SQLite file: [] when it is sound, else SQLite's findings."""
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        rows = [row[0] for row in con.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        known = _message_for(str(exc))
        if known and "损坏" not in known:
            raise EnvironmentFailure(known, str(exc)) from exc  # locked or unreadable: not damage
        return [str(exc)]
    finally:
        con.close()
    return [] if rows == ["ok"] else rows


def _migration_engine(url: str) -> Engine:
    """An engine whose transactions SQLite really runs: every DDL statement inside one BEGIN IMMEDIATE.

    NOTE: Python's sqlite3 driver opens a transaction only before INSERT/UPDATE/DELETE, so Alembic's
    CREATE TABLE / CREATE INDEX ran one by one in autocommit and a kill left half a schema behind
    ("index … already exists" at every later start). SQLAlchemy's pysqlite recipe: switch the
    driver's own transaction handling off and emit BEGIN ourselves; SQLite's DDL is transactional,
    so an upgrade is committed whole or rolled back whole. IMMEDIATE takes the write lock at once,
    so two windows starting together migrate one after the other, the second finding nothing to do.
    """
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record):
        _sqlite_pragmas(dbapi_connection, record)
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _run_migrations(engine: Engine) -> None:
    from alembic import command

    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")  # the core chain and every service branch


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # pragma: no cover - EPERM: someone else's live process
        return True
    return True


def _remove_stale_creations(db_file: Path) -> None:
    """Delete what a creation killed half-way left (``.<name>.creating-<pid>`` of dead processes)."""
    for stale in db_file.parent.glob(f".{db_file.name}.creating-*"):
        pid_text = stale.name.rsplit("-", 1)[-1].split(".", 1)[0]
        if pid_text.isdigit() and _pid_alive(int(pid_text)) and int(pid_text) != os.getpid():
            continue
        stale.unlink(missing_ok=True)


def _create_sqlite(url: str, db_file: Path) -> None:
    """A new hall's database, built under a temporary name and linked into place only when complete.

    NOTE: a kill during creation leaves no file under the real name (the next start creates it
    again), so a half-made schema can never be mistaken for a hall. ``os.link`` refuses to replace a
    file another window created meanwhile; that window's database wins and ours is dropped.
    """
    _remove_stale_creations(db_file)
    tmp = db_file.with_name(f".{db_file.name}.creating-{os.getpid()}")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
        leftover.unlink(missing_ok=True)
    engine = _migration_engine(f"sqlite:///{tmp}")
    try:
        _run_migrations(engine)
    finally:
        engine.dispose()
    # NOTE: one self-contained file before the link: no -wal holding part of the schema.
    con = sqlite3.connect(str(tmp))
    try:
        con.execute("PRAGMA journal_mode = DELETE")
    finally:
        con.close()
    fsync_file(tmp)
    try:
        os.link(tmp, db_file)
    except FileExistsError:
        pass  # another window created it first: use theirs
    except OSError:  # pragma: no cover - a file system without hard links (FAT): rename instead
        if not db_file.exists():
            os.replace(tmp, db_file)
    tmp.unlink(missing_ok=True)
    fsync_dir(db_file.parent)


def open_database(target: str | Path | None = None, *, check: bool | Callable[[Path], bool] = True) -> Database:
    """Open (creating if needed), check, back up and migrate: all or nothing at every step.

    A missing SQLite file is created complete or not at all; an existing file must be a HallDesk
    database (a 0-byte, foreign or half-created file is refused untouched); ``PRAGMA quick_check``
    runs first (``check=False`` skips it for the benchmark generator; a callable decides per file, as
    the program's start-up does with desktop/store/integrity_policy.py); an upgrade runs in one
    transaction after a complete backup; a database from a newer HallDesk is refused untouched.
    """
    url = database_url(target)
    parsed = make_url(url)
    db_file: Path | None = None
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        db_file = Path(parsed.database)
        with translate():
            db_file.parent.mkdir(parents=True, exist_ok=True)
            if not db_file.exists():
                _create_sqlite(url, db_file)
            current = _inspect_sqlite_file(db_file)
            if check(db_file) if callable(check) else check:
                problems = quick_check(db_file)
                if not problems:
                    integrity_policy.record(db_file)
                if problems:
                    raise DatabaseDamaged(
                        f"数据库 {db_file} 完整性检查未通过（{problems[0][:120]}），为防止数据进一步损坏，"
                        "HallDesk 不会打开它。请关闭所有 HallDesk 窗口，由管理员从最近的备份恢复。\n"
                        + _last_backup_hint(db_file), "; ".join(problems[:20]))
        if current == expected_rows():
            return Database(url, make_engine(url))
        with translate():
            up_to_date = _check_known(current)
            db = Database(url, make_engine(url))
            if not up_to_date:
                # NOTE: the file is only read until here: a newer database is refused untouched.
                db.backup_path = backup_sqlite(db_file, label(current))
                migrator = _migration_engine(url)
                try:
                    _run_migrations(migrator)
                finally:
                    migrator.dispose()
        return db
    engine = make_engine(url)
    db = Database(url, engine)
    with translate():
        current = current_revisions(engine)
        if current == expected_rows():
            return db
        if not current:
            _refuse_foreign_server_database(engine)
        try:
            up_to_date = _check_known(current)
        except DatabaseTooNew:
            engine.dispose()
            raise
        if not up_to_date:
            # NOTE: PostgreSQL's DDL is transactional and psycopg begins before it: Alembic's
            # upgrade inside engine.begin() is one transaction already.
            _run_migrations(engine)
    return db


def _check_known(current: frozenset[str]) -> bool:
    """Whether ``current`` is at every head; DatabaseTooNew when it holds a revision this HallDesk does not know.

    NOTE: a service branch this HallDesk has but the database lacks is simply behind (a service
    installed since): Alembic creates its tables. A revision the scripts lack — core or service — means a
    newer HallDesk wrote the file, and it is refused untouched."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = sorted(current - known)
    if unknown:
        raise DatabaseTooNew("+".join(unknown))
    return set(script.get_heads()) <= applied(script, current)


def applied(script, current: frozenset[str]) -> set[str]:
    """Every revision a database at ``current`` has run: the recorded ones, their ancestors and dependencies."""
    seen: set[str] = set()
    todo = list(current)
    while todo:
        rev = script.get_revision(todo.pop())
        if rev is None or rev.revision in seen:
            continue
        seen.add(rev.revision)
        for parent in (*_names(rev.down_revision), *_names(rev.dependencies)):
            todo.append(parent)
    return seen


def _names(value) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _refuse_foreign_server_database(engine: Engine) -> None:
    """A PostgreSQL database with tables but no alembic_version belongs to something else."""
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    if tables:
        engine.dispose()
        raise NotHallDatabase(
            f"服务器上的这个数据库已有其他程序的数据表（{', '.join(sorted(tables)[:5])}…），不是 HallDesk 的数据库，"
            "HallDesk 拒绝使用它，未作任何改动。")
