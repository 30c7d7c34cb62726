"""The e-bike and subsidy registers' own Alembic branches (issue 16): a hall of today upgrades, keeps its data.

A hall migrated before the branches existed records ``0017`` and ``nrmm_0001``; this HallDesk expects the
``ebike`` and ``subsidy`` branch rows too. Opening such a hall backs it up, runs the two root revisions
(no schema change: the tables are the core chain's 0002/0003/0014/0015) and keeps every row and the audit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from desktop.cases import accounts, intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import plates
from desktop.cases.services.ebike.models import EbikeOwnerHistory, EbikeRegistration, PlatePool
from desktop.cases.services.subsidy.models import SubsidyClaim
from desktop.store import audit, schema_heads
from desktop.store.database import (
    HEAD_REVISION,
    _alembic_config,
    current_revision,
    current_revisions,
    make_engine,
    open_database,
)
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)
HALL = "郑州市金水区政务服务中心"
BRANCHES = {"ebike": "ebike_0001", "subsidy": "subsidy_0001"}


def _alembic(url: str, verb, target: str) -> None:
    engine = make_engine(url)
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            verb(cfg, target)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    return request.getfixturevalue("pg_url") if request.param == "postgresql" else f"sqlite:///{tmp_path / 'hall.sqlite3'}"


def _a_hall_with_a_bike_and_a_claim(url: str, papers) -> dict[str, int]:
    db = open_database(url)
    try:
        admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
        actor = Actor(admin, "03", HALL)
        plates.set_register_mode(db, admin, True, window="03")
        bike = registry.get("ebike_registration").example((NOW - timedelta(days=2)).date())
        intake.accept(HallContext(db, actor, papers), "ebike_registration", bike["answers"], bike["materials"],
                      now=NOW - timedelta(days=2))
        claim = registry.get("startup_subsidy").example(NOW.date())
        intake.accept(HallContext(db, actor, papers), "startup_subsidy", claim["answers"], claim["materials"], now=NOW)
        return _counts(db)
    finally:
        db.close()


def _counts(db) -> dict[str, int]:
    with db.read() as s:
        return {model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
                for model in (EbikeRegistration, EbikeOwnerHistory, PlatePool, SubsidyClaim)}


def test_the_branches_root_where_their_tables_exist():
    script = ScriptDirectory.from_config(_alembic_config())
    assert schema_heads.service_heads().items() >= BRANCHES.items()
    for name, head in BRANCHES.items():
        root = script.get_revision(head)
        assert root.down_revision is None and root.branch_labels == {name}
    # NOTE: the core revisions that created the tables, which stay as written (history of every hall).
    assert script.get_revision("ebike_0001").dependencies == "0015"
    assert script.get_revision("subsidy_0001").dependencies == "0003"
    assert {"ebike_0001", "subsidy_0001", HEAD_REVISION} <= schema_heads.expected_rows()


def test_a_hall_from_before_the_branches_upgrades_after_a_backup_and_keeps_its_registers(url, tmp_path):
    before = _a_hall_with_a_bike_and_a_claim(url, tmp_path)
    assert before == {"ebike_registrations": 1, "ebike_owner_history": 1, "plate_pools": 1, "subsidy_claims": 1}
    for name in BRANCHES:  # back to what a hall migrated by the HallDesk before this change records
        _alembic(url, command.downgrade, f"{name}@base")
    engine = make_engine(url)
    try:
        assert current_revisions(engine) == {HEAD_REVISION, "nrmm_0001"}
        assert {"ebike_registrations", "plate_blocks", "subsidy_claims"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()

    db = open_database(url)
    try:
        assert current_revisions(db.engine) == schema_heads.expected_rows() >= set(BRANCHES.values())
        assert current_revision(db.engine) == HEAD_REVISION
        if db.is_sqlite:  # the upgrade ran after a complete copy, named by every row it had
            assert db.backup_path is not None and db.backup_path.name.endswith(f"-{HEAD_REVISION}+nrmm_0001.sqlite3")
        assert _counts(db) == before
        with db.unit() as s:
            result = audit.check(s)
        assert result.intact and result.cases_checked == 2, result
    finally:
        db.close()
    reopened = open_database(url)  # up to date now: opens as it is, no second backup
    try:
        assert reopened.backup_path is None
    finally:
        reopened.close()


def test_a_hall_at_0013_upgrades_the_core_chain_and_then_roots_the_branches(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    _alembic(url, command.upgrade, "0013")  # before voided plates and plate blocks: ebike_0001 must wait for 0015
    db = open_database(url)
    try:
        assert current_revisions(db.engine) == schema_heads.expected_rows()
        tables = set(inspect(db.engine).get_table_names())
        assert {"ebike_voided_plates", "plate_blocks", "plate_register_mode", "subsidy_claim_workers"} <= tables
    finally:
        db.close()
