"""Opening, migrating, backing up and refusing databases: real SQLite files, real migrations."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import inspect, text

from desktop.store.database import HEAD_REVISION, current_revision, head_revision, open_database
from desktop.store.errors import DatabaseTooNew, EnvironmentFailure


def test_empty_database_is_migrated_and_reopened(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = open_database(path)
    assert current_revision(db.engine) == head_revision()
    tables = set(inspect(db.engine).get_table_names())
    assert {"accounts", "cases", "documents", "audit_log", "case_sequences", "calendar_overrides"} <= tables
    assert db.backup_path is None  # nothing to back up in a new file
    db.close()
    again = open_database(path)
    assert current_revision(again.engine) == head_revision()
    assert again.backup_path is None  # already at head: no migration, no backup
    again.close()


def test_connection_pragmas(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_backup_is_a_complete_copy(tmp_path, monkeypatch):
    from desktop.store import database as dbmod

    path = tmp_path / "hall.sqlite3"
    first = open_database(path)
    with first.unit() as s:
        s.execute(text("INSERT INTO calendar_overrides (day, kind, name, source) VALUES ('2027-01-01','holiday','元旦','测试')"))
    first.close()
    copy = dbmod.backup_sqlite(path, "0001")
    con = sqlite3.connect(copy)
    assert con.execute("SELECT name FROM calendar_overrides").fetchone() == ("元旦",)
    con.close()


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.sqlite3"
    open_database(path).close()
    con = sqlite3.connect(path)
    # NOTE: the core row only: a service branch (desktop/cases/services/*/migrations) has a row of its own
    con.execute("UPDATE alembic_version SET version_num = 'ffff9999' WHERE version_num = ?", (HEAD_REVISION,))
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew) as info:
        open_database(path)
    assert "更新版本" in info.value.message
    assert path.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_folder_that_cannot_be_made_is_an_environment_failure(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(EnvironmentFailure) as info:
        open_database(blocker / "sub" / "x.sqlite3")
    assert "文件夹" in info.value.message


def test_head_revision_constant_matches_the_migrations():
    from desktop.store.database import HEAD_REVISION

    assert HEAD_REVISION == head_revision(), "update HEAD_REVISION in desktop/store/schema_heads.py"


def test_migrations_match_the_models(db):
    """Every table, column and index of the models is created by the migrations (and nothing else)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    import desktop.store.lifecycle_models  # noqa: F401
    from desktop.cases import services
    from desktop.store.models import Base

    services.load()  # NOTE (issue 16): a service package's own tables (its models.py) join the metadata

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == []
