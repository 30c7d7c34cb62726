"""Open the database: engine set-up, backup, Alembic migrations, and one unit of work per action."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop import paths
from desktop.store.errors import DatabaseTooNew, translate

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# NOTE: the newest migration, known without importing Alembic: a database already at this
# revision opens without loading Alembic at all (about 90 ms of a cold start). A test checks
# that it matches the head of desktop/store/migrations/versions — bump it with each migration.
HEAD_REVISION = "0011"
BUSY_TIMEOUT_MS = 5000


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


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


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
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_sqlite(db_file: Path, revision: str | None) -> Path:
    """Copy the database in one step with sqlite3's online backup, before migrating it."""
    folder = db_file.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{db_file.stem}-{stamp}-{revision or 'empty'}.sqlite3"
    src = sqlite3.connect(str(db_file))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


class Database:
    """The opened, migrated database; ``unit()`` gives one session per clerk action."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
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
        """One transaction: committed when the block ends, rolled back on any error."""
        session = self._sessions()
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


def open_database(target: str | Path | None = None) -> Database:
    """Open (creating if needed), back up and migrate; refuse a database from a newer HallDesk."""
    url = database_url(target)
    parsed = make_url(url)
    db_file: Path | None = None
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        db_file = Path(parsed.database)
        with translate():
            db_file.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    db = Database(url, engine)
    with translate():
        current = current_revision(engine)
        if current == HEAD_REVISION:
            return db
        from alembic import command
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(_alembic_config())
        known = {rev.revision for rev in script.walk_revisions()}
        if current is not None and current not in known:
            engine.dispose()
            raise DatabaseTooNew(current)
        head = script.get_current_head()
        if current != head:
            if db_file is not None and current is not None and db_file.exists():
                db.backup_path = backup_sqlite(db_file, current)
            cfg = _alembic_config()
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    return db
