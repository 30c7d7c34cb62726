"""A service's own tables in its own Alembic branch (issue 16): found by path, migrated, refused when unknown."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

# NOTE: database before opening (names are imported in this order): database imports opening itself.
from desktop.store import database, opening, schema_heads
from desktop.store.errors import DatabaseTooNew

HEAD_REVISION = database.HEAD_REVISION
_alembic_config, open_database = database._alembic_config, database.open_database
current_revision, current_revisions, head_revision = (database.current_revision, database.current_revisions,
                                                      database.head_revision)

REVISION = '''
"""zz: a service's machines register (the test's stand-in for a real service branch)."""
import sqlalchemy as sa
from alembic import op

revision = "zz_0001"
down_revision = None
branch_labels = ("zz",)
depends_on = "{core}"


def upgrade() -> None:
    op.create_table("zz_machines", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("code", sa.String(20), nullable=False, unique=True))


def downgrade() -> None:
    op.drop_table("zz_machines")
'''


@pytest.fixture
def with_service(tmp_path, monkeypatch):
    """desktop/cases/services as it would be with a package ``zz`` that has migrations of its own."""
    services = tmp_path / "services"
    migrations = services / "zz" / "migrations"
    migrations.mkdir(parents=True)
    (migrations / "zz_0001_machines.py").write_text(textwrap.dedent(REVISION).format(core=HEAD_REVISION),
                                                    encoding="utf-8")
    (migrations / "HEAD").write_text("zz_0001\n", encoding="utf-8")
    (services / "no_tables").mkdir()  # a service package without migrations is no branch

    def install():
        monkeypatch.setattr(schema_heads, "SERVICES", services)

    return install


def test_without_service_branches_the_heads_are_the_core_chain(tmp_path, monkeypatch):
    monkeypatch.setattr(schema_heads, "SERVICES", tmp_path / "none")  # NOTE: the tree has a real branch (nrmm)
    assert schema_heads.expected_heads() == {HEAD_REVISION} and head_revision() == HEAD_REVISION


def test_a_new_hall_gets_the_core_chain_and_each_service_branch(tmp_path, with_service):
    with_service()
    assert schema_heads.expected_heads() == {HEAD_REVISION, "zz_0001"}
    db = open_database(tmp_path / "hall.sqlite3")
    try:
        # NOTE: Alembic records only zz_0001: it depends on the core head, so its row stands for both.
        assert current_revisions(db.engine) == {"zz_0001"} == schema_heads.expected_rows()
        assert current_revision(db.engine) == HEAD_REVISION  # the core chain's, as tests and messages expect
        assert inspect(db.engine).has_table("zz_machines")
    finally:
        db.close()


def test_an_up_to_date_hall_opens_without_alembic(tmp_path, with_service, monkeypatch):
    with_service()
    open_database(tmp_path / "hall.sqlite3").close()

    def no_alembic(_current):
        raise AssertionError("an up-to-date database must open without reading the migration scripts")

    monkeypatch.setattr(opening, "_check_known", no_alembic)
    open_database(tmp_path / "hall.sqlite3").close()


def test_a_service_installed_later_gets_its_tables_after_a_backup(tmp_path, with_service):
    path = tmp_path / "hall.sqlite3"
    with pytest.MonkeyPatch.context() as before:
        before.setattr(schema_heads, "SERVICES", tmp_path / "none")  # a HallDesk without any service branch
        open_database(path).close()  # a hall without the service
    with_service()
    db = open_database(path)
    try:
        assert current_revisions(db.engine) == {"zz_0001"}
        assert inspect(db.engine).has_table("zz_machines")
        assert db.backup_path is not None and db.backup_path.name.endswith(f"-{HEAD_REVISION}.sqlite3")
    finally:
        db.close()


def test_a_hall_with_a_service_branch_this_halldesk_lacks_is_refused_untouched(tmp_path, with_service, monkeypatch):
    path = tmp_path / "hall.sqlite3"
    with_service()
    open_database(path).close()
    before = path.read_bytes()
    monkeypatch.setattr(schema_heads, "SERVICES", tmp_path / "nothing")  # an older HallDesk, without the service
    with pytest.raises(DatabaseTooNew, match="zz_0001"):
        open_database(path)
    assert path.read_bytes() == before


@pytest.mark.postgres
def test_on_postgresql_too(pg_url, with_service):
    with_service()
    db = open_database(pg_url)
    try:
        assert current_revisions(db.engine) == {"zz_0001"}
        assert inspect(db.engine).has_table("zz_machines")
    finally:
        db.close()
    open_database(pg_url).close()  # and reopens as up to date


@pytest.mark.parametrize("installed", [False, True], ids=["shipped services", "with a service branch"])
def test_each_head_file_names_its_branch_head(installed, with_service):
    if installed:
        with_service()
    script = ScriptDirectory.from_config(_alembic_config())
    for name, head in schema_heads.service_heads().items():
        assert script.get_revision(f"{name}@head").revision == head, f"update {name}/migrations/HEAD"
        assert head.startswith(f"{name}_"), "a service's revision ids start with its package name"
    assert set(script.get_heads()) == schema_heads.expected_heads()


@pytest.mark.parametrize("installed", [False, True], ids=["shipped services", "with a service branch"])
def test_the_rows_expected_without_alembic_are_alembics(tmp_path, installed, with_service):
    if installed:
        with_service()
    db = open_database(tmp_path / "hall.sqlite3")
    try:
        assert current_revisions(db.engine) == schema_heads.expected_rows()
    finally:
        db.close()
    script = ScriptDirectory.from_config(_alembic_config())
    assert set(script.get_heads()) <= opening.applied(script, schema_heads.expected_rows())
    assert Path(schema_heads.SERVICES).name == "services"
