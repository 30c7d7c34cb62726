"""Migration 0015 on a database at 0013: the hall pool's rows and counters are kept, blocks start empty (issue 13)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import select

from desktop.cases import accounts
from desktop.cases.errors import InputError
from desktop.cases.services.ebike import plates
from desktop.cases.services.ebike.models import PlateBlock, PlatePool, PlateRegisterMode
from desktop.store.database import HEAD_REVISION, _alembic_config, current_revision, make_engine, open_database

T0 = datetime(2026, 3, 2, 9, 0)


def _at_0013(path):
    engine = make_engine(f"sqlite:///{path}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0013")
    engine.dispose()
    with sqlite3.connect(path) as conn:  # a hall that issued 56 plates of 郑A and switched to 郑州B
        conn.execute("UPDATE plate_pools SET next_no = 57, active = 0 WHERE prefix = '郑A'")
        conn.execute("INSERT INTO plate_pools (prefix, width, next_no, active, updated_at, updated_by) "
                     "VALUES ('郑州B', 4, 12, 1, ?, 'admin')", (str(T0),))
    return path


def test_upgrade_from_0013_keeps_the_pool_rows(tmp_path):
    assert HEAD_REVISION >= "0015"  # a later migration keeps what 0015 set up
    db = open_database(_at_0013(tmp_path / "old.sqlite3"))
    assert current_revision(db.engine) == HEAD_REVISION
    with db.read() as s:
        pools = {p.prefix: (p.width, p.next_no, p.active) for p in s.scalars(select(PlatePool))}
        assert pools == {"郑A": (5, 57, False), "郑州B": (4, 12, True)}
        assert s.scalars(select(PlateBlock)).all() == [] and s.get(PlateRegisterMode, 1) is None
    # An old standalone file now waits for its window's block, and a block cannot reach under the
    # numbers the pool issued before the upgrade.
    assert plates.is_standalone(db)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    with pytest.raises(InputError) as below:
        plates.assign_block(db, admin, "03", "郑A", 5, 50, 99)
    assert "已发放到郑A00056" in below.value.errors["first_no"]
    assert plates.assign_block(db, admin, "03", "郑A", 5, 57, 99).first_plate == "郑A00057"
    db.close()


def test_upgrade_on_postgres_keeps_the_pool_rows(pg_url):
    engine = make_engine(pg_url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0013")
        conn.exec_driver_sql("UPDATE plate_pools SET next_no = 57 WHERE prefix = '郑A'")
    engine.dispose()
    db = open_database(pg_url)
    assert current_revision(db.engine) == HEAD_REVISION
    with db.read() as s:
        assert [(p.prefix, p.next_no, p.active) for p in s.scalars(select(PlatePool))] == [("郑A", 57, True)]
    assert not plates.is_standalone(db)  # PostgreSQL is the hall's shared register
    db.close()
