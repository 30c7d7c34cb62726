"""Migration 0014 (voided e-bike plates, the new procedures' refusal reasons): a real 0013 hall upgrades and keeps its bikes."""

from __future__ import annotations

from datetime import datetime, timedelta

from alembic import command
from sqlalchemy import inspect, select

from desktop.cases import accounts, intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import plates, procedures as ebike_register, registry as ebike
from desktop.store.database import HEAD_REVISION, _alembic_config, current_revision, make_engine, open_database
from desktop.store.lifecycle_models import DecisionReason
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)
HALL = "郑州市金水区政务服务中心"


def _accept(db, actor, tmp_path, service_id, now, **changes):
    case = registry.get(service_id).example(now.date())
    answers = dict(case["answers"], **changes)
    return intake.accept(HallContext(db, actor, tmp_path), service_id, answers, case["materials"], now=now)


def test_a_fresh_0013_file_upgrades_to_the_head(tmp_path):
    path = tmp_path / "hall-0013.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0013")
    assert not inspect(engine).has_table("ebike_voided_plates")
    engine.dispose()
    db = open_database(path)
    try:
        assert current_revision(db.engine) == HEAD_REVISION and HEAD_REVISION >= "0014"
        names = {ix["name"] for ix in inspect(db.engine).get_indexes("ebike_voided_plates")}
        assert {"ix_ebike_voided_plates_registration_id", "ix_ebike_voided_plates_replaced_by"} <= names
        with db.read() as s:
            reasons = {r.code: r.service_id for r in s.scalars(select(DecisionReason))}
        assert {reasons[c] for c in ("EB05", "EB06", "EB07")} == {"ebike_destroyed", "ebike_recovered", "ebike_plate"}
    finally:
        db.close()


def test_a_hall_with_bikes_at_0013_upgrades_and_its_bike_gets_a_new_plate(tmp_path):
    path = tmp_path / "hall.sqlite3"
    db = open_database(path)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    actor = Actor(admin, "03", HALL)
    plates.set_register_mode(db, admin, True, window="03")  # one PC's file used as the hall's (0015)
    first = _accept(db, actor, tmp_path, "ebike_registration", NOW - timedelta(days=30))
    db.close()
    # Back to 0013 through the migration's own downgrade: its table and reasons are gone, the bike stays.
    engine = make_engine(f"sqlite:///{path}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0013")
    assert current_revision(engine) == "0013" and not inspect(engine).has_table("ebike_voided_plates")
    engine.dispose()
    db = open_database(path)  # upgraded again, after a backup
    try:
        assert current_revision(db.engine) == HEAD_REVISION
        assert ebike.find_registration(db, "郑A00001").registered_case_no == first.case.case_no
        actor = Actor(accounts.sign_in(db, "admin", "secret-123", "03"), "03", HALL)
        plates.set_register_mode(db, actor.account, True, window="03")  # the downgrade took 0015's row too
        _accept(db, actor, tmp_path, "ebike_plate", NOW, plate_no="郑A00001")
        assert ebike.find_registration(db, "119TDT240512345").plate_no == "郑A00002"
        assert ebike_register.find_voided_plate(db, "郑A00001").replaced_by == "郑A00002"
        assert list((path.parent / "backups").iterdir())  # the plain copy made before the upgrade
    finally:
        db.close()
