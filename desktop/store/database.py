"""Open the database: engine set-up, backup, Alembic migrations, and one unit of work per action."""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from desktop import paths
from desktop.files import fsync_dir  # noqa: F401 - also used by desktop.store.backup
from desktop.store.errors import DatabaseTooNew, EnvironmentFailure, _message_for, translate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# NOTE: the newest migration, known without importing Alembic: a database already at this
# revision opens without loading Alembic at all (about 90 ms of a cold start). A test checks
# that it matches the head of desktop/store/migrations/versions — bump it with each migration.
HEAD_REVISION = "0013"
# NOTE: a write unit waits at BEGIN IMMEDIATE (SQLite) or at a row lock (PostgreSQL) for the
# windows ahead of it. An accept holds the lock for tens of milliseconds (its papers are rendered
# inside it), so 20 s covers dozens of windows writing at the same moment (the race suite runs 30),
# while a lock that is truly stuck still ends in a plain message instead of a frozen window.
BUSY_TIMEOUT_MS = 20000


def database_url(target: str | Path | None) -> str:
    """A SQLAlchemy URL from ``--db``: a PostgreSQL URL, a SQLite URL or a plain file path."""
    if target is None:
        target = paths.default_db_path()
    text = str(target)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # NOTE: set on every connection: WAL lets the list read while a case is written;
    # synchronous=FULL because an accepted case must survive a power cut; foreign keys are off
    # by default in SQLite; the busy timeout lets a second window wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


# NOTE: how a transaction starts is chosen per connection through this execution option:
# "write" (the default, and what ``Database.unit()`` gives) or "read" (``Database.read()``).
MODE = "halldesk_mode"
READ, WRITE = "read", "write"


def _sqlite_own_transactions(dbapi_connection, _record) -> None:
    # NOTE: pysqlite begins a transaction only at the first INSERT/UPDATE/DELETE, so the reads a
    # write depends on ran outside it, and two windows could both read "draft" and both accept
    # it. With its own BEGIN switched off, SQLAlchemy's "begin" event below starts every
    # transaction (SQLAlchemy docs, pysqlite: "Serializable isolation / Savepoints /
    # Transactional DDL").
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn) -> None:
    # NOTE: a write unit takes SQLite's write lock at BEGIN, before its first read: every read a
    # write depends on sees the latest committed data and nobody can change it until COMMIT. A
    # read unit begins deferred: in WAL mode it reads one consistent snapshot and never waits
    # for, or blocks, a writer. query_only makes SQLite itself refuse a write inside a read unit.
    if conn.get_execution_options().get(MODE) == READ:
        conn.exec_driver_sql("BEGIN")
        conn.exec_driver_sql("PRAGMA query_only = 1")
    else:
        conn.exec_driver_sql("PRAGMA query_only = 0")  # the pooled connection may come from a read
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _postgres_begin(conn) -> None:
    # NOTE: psycopg begins the transaction implicitly at the first statement; a read unit makes
    # that statement this one: one snapshot for the whole unit, and no write can slip into it.
    # Write units stay READ COMMITTED and lock what they decide on (FOR UPDATE, desktop.store.locks).
    if conn.get_execution_options().get(MODE) == READ:
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def make_engine(url: str) -> Engine:
    # NOTE: hide_parameters: an error's text never carries the row's values (names, ID numbers),
    # so a DataError that reaches the crash log holds the SQL only.
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", _sqlite_own_transactions)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True,
                           connect_args={"options": f"-c lock_timeout={BUSY_TIMEOUT_MS}"})
    event.listen(engine, "begin", _postgres_begin)
    return engine


def _refuse_writes(session: Session, _flush_context, _instances) -> None:
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read unit must not write: use Database.unit() for a write")


def _refuse_write_statements(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise RuntimeError("a read unit must not write: use Database.unit() for a write")


def _alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The head according to Alembic's script directory (tests compare it with HEAD_REVISION)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision, read directly from Alembic's version table."""
    with engine.connect().execution_options(**{MODE: READ}) as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def backup_sqlite(db_file: Path, revision: str | None) -> Path:
    """Copy the database with sqlite3's online backup before migrating it: all or no file at all.

    NOTE: the copy is written under a temporary name, synced and renamed, so a kill leaves either a
    complete backup or a hidden ``.….partial`` file (removed by the next backup), never a half backup
    under a backup's name.
    """
    folder = db_file.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".*.partial*"):  # with its -journal
        stale.unlink(missing_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_file.stem}-{stamp}-{revision or 'empty'}.sqlite3"
    partial = folder / f".{target.name}.partial"
    copy_sqlite(db_file, partial)
    os.replace(partial, target)
    fsync_dir(folder)
    return target


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent, synced, rollback-journal copy of ``source`` (WAL content included) at ``target``."""
    src = sqlite3.connect(str(source), timeout=BUSY_TIMEOUT_MS / 1000)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
        # NOTE: a single file, no -wal beside it: the copy can be moved or renamed on its own.
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()
    fsync_file(target)


class Database:
    """The opened, migrated database; ``unit()`` gives one write transaction per clerk action, ``read()`` a read."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(engine.execution_options(**{MODE: READ}), expire_on_commit=False)
        self.backup_path: Path | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def location(self) -> str:
        """Where the data lives, for the status bar (no password)."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite":
            return url.database or ":memory:"
        return url.render_as_string(hide_password=True)

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error.

        It holds the write lock from its first statement on SQLite (BEGIN IMMEDIATE), so what it
        reads cannot change before it commits; on PostgreSQL lock the rows the decision depends on
        (``with_for_update()``, ``desktop.store.locks``). Every unit that writes, audits included,
        is one of these."""
        with self._scope(self._sessions(), WRITE) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction (lists, searches, assessments on screen): never waits for a writer.

        A consistent snapshot on both backends; a write inside it is a bug and raises."""
        session = self._read_sessions()
        event.listen(session, "before_flush", _refuse_writes)
        event.listen(session, "do_orm_execute", _refuse_write_statements)
        # NOTE: a read unit also ends with COMMIT, not ROLLBACK: nothing was written either way, and
        # a rollback would expire the rows the caller still reads after the block.
        with self._scope(session, READ) as session:
            yield session

    @staticmethod
    @contextmanager
    def _scope(session: Session, mode: str) -> Iterator[Session]:
        """Committed when the block ends, rolled back on any error, always closed."""
        session.info[MODE] = mode
        try:
            with translate():
                yield session
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()


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


def _inspect_sqlite_file(db_file: Path) -> str | None:
    """The revision of an existing SQLite file, or NotHallDatabase for a file that is not ours."""
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
            revision = (con.execute("SELECT version_num FROM alembic_version").fetchone()
                        if "alembic_version" in tables else None)
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
    if revision is None:
        raise NotHallDatabase(
            f"数据库 {db_file} 的结构版本记录为空（可能是旧版本程序建库时被中断），HallDesk 拒绝打开。"
            "请从备份恢复。\n" + _last_backup_hint(db_file))
    return revision[0]


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
        command.upgrade(cfg, "head")


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


def open_database(target: str | Path | None = None, *, check: bool = True) -> Database:
    """Open (creating if needed), check, back up and migrate: all or nothing at every step.

    A missing SQLite file is created complete or not at all; an existing file must be a HallDesk
    database (a 0-byte, foreign or half-created file is refused untouched); ``PRAGMA quick_check``
    runs first (``check=False`` skips it for the benchmark generator); an upgrade runs in one
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
            if check:
                problems = quick_check(db_file)
                if problems:
                    raise DatabaseDamaged(
                        f"数据库 {db_file} 完整性检查未通过（{problems[0][:120]}），为防止数据进一步损坏，"
                        "HallDesk 不会打开它。请关闭所有 HallDesk 窗口，由管理员从最近的备份恢复。\n"
                        + _last_backup_hint(db_file), "; ".join(problems[:20]))
        if current == HEAD_REVISION:
            return Database(url, make_engine(url))
        with translate():
            head = _check_known(current)
            db = Database(url, make_engine(url))
            if current != head:
                # NOTE: the file is only read until here: a newer database is refused untouched.
                db.backup_path = backup_sqlite(db_file, current)
                migrator = _migration_engine(url)
                try:
                    _run_migrations(migrator)
                finally:
                    migrator.dispose()
        return db
    engine = make_engine(url)
    db = Database(url, engine)
    with translate():
        current = current_revision(engine)
        if current == HEAD_REVISION:
            return db
        if current is None:
            _refuse_foreign_server_database(engine)
        try:
            head = _check_known(current)
        except DatabaseTooNew:
            engine.dispose()
            raise
        if current != head:
            # NOTE: PostgreSQL's DDL is transactional and psycopg begins before it: Alembic's
            # upgrade inside engine.begin() is one transaction already.
            _run_migrations(engine)
    return db


def _check_known(current: str | None) -> str:
    """The head revision; DatabaseTooNew when ``current`` is a revision this HallDesk does not know."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise DatabaseTooNew(current)
    return script.get_current_head()


def _refuse_foreign_server_database(engine: Engine) -> None:
    """A PostgreSQL database with tables but no alembic_version belongs to something else."""
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    if tables:
        engine.dispose()
        raise NotHallDatabase(
            f"服务器上的这个数据库已有其他程序的数据表（{', '.join(sorted(tables)[:5])}…），不是 HallDesk 的数据库，"
            "HallDesk 拒绝使用它，未作任何改动。")
