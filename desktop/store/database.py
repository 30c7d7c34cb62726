"""The database: engine set-up, write and read units, the schema revision, file copies for backups."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop import paths
from desktop.files import fsync_dir  # noqa: F401 - also used by desktop.store.backup
from desktop.store.errors import translate

if TYPE_CHECKING:
    from desktop.store.reader import Reader

# NOTE: Alembic reads the migration scripts as files; a frozen build ships them as source under the
# same relative path (packaging/halldesk.spec), so this resolves in both (forms.resources.bundle_root).
# The heads an up-to-date database has — the core chain's HEAD_REVISION and each service branch's —
# are known without importing Alembic (desktop/store/schema_heads.py).
from desktop.store.schema_heads import (  # noqa: E402,F401  (HEAD_REVISION: imported from here by callers)
    HEAD_REVISION,
    MIGRATIONS,
    core_revision,
    version_locations,
)

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
    # NOTE (issue 16): the core chain and one branch per service package with tables of its own.
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in version_locations()))
    return cfg

def head_revisions() -> frozenset[str]:
    """Every head according to Alembic's script directory (tests compare them with schema_heads.expected_heads)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(_alembic_config()).get_heads())

def head_revision() -> str:
    """The core chain's head according to Alembic (tests compare it with HEAD_REVISION)."""
    return core_revision(head_revisions()) or ""

def current_revisions(engine: Engine) -> frozenset[str]:
    """Every revision the database records (the core chain's and each service branch's); empty when none."""
    with engine.connect().execution_options(**{MODE: READ}) as conn:
        if not inspect(conn).has_table("alembic_version"):
            return frozenset()
        return frozenset(r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version")))

def current_revision(engine: Engine) -> str | None:
    """The database's core schema revision, read directly from Alembic's version table."""
    return core_revision(current_revisions(engine))

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
        self._reader: Reader | None = None

    @property
    def reader(self) -> Reader:
        """Lookups and lists without the ORM session (``desktop.store.reader``), made on first use."""
        if self._reader is None:
            from desktop.store.reader import Reader

            self._reader = Reader(self.engine)
        return self._reader

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
        self.engine.dispose()  # the reader's own connections close with it (engine_disposed)

# NOTE: opening (refusals, creation, migrations) lives in desktop.store.opening; its names are
# re-exported here, where every caller has always imported them from.
from desktop.store.opening import (  # noqa: E402,F401
    SQLITE_MAGIC,
    DatabaseDamaged,
    NotHallDatabase,
    open_database,
    quick_check,
)
