"""Migration 0016: cases.plate_no / frame_no move into case_identifiers on SQLite and PostgreSQL, the audit still verifies."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from desktop.cases import accounts, identifiers, intake
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.cases.queries import CaseFilter, list_cases
from desktop.cases.services.ebike import plates
from desktop.store import audit
from desktop.store.database import _alembic_config, current_revision, make_engine, open_database
from desktop.store.models import CaseIdentifier
from forms import registry

NOW = datetime(2026, 11, 25, 10, 30)
HALL = "郑州市金水区政务服务中心"
FRAME = "119TDT240512345"


def _url(request, tmp_path) -> str:
    return request.getfixturevalue("pg_url") if request.param == "postgresql" else f"sqlite:///{tmp_path / 'hall.sqlite3'}"


def _migrate(url: str, target: str, down: bool = False) -> None:
    engine = make_engine(url)
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, target)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request, tmp_path):
    return _url(request, tmp_path)


def test_a_hall_at_0015_keeps_its_plate_and_frame_searches_and_its_audit(url, tmp_path):
    db = open_database(url)
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    actor = Actor(admin, "03", HALL)
    plates.set_register_mode(db, admin, True, window="03")
    case = registry.get("ebike_registration").example((NOW - timedelta(days=3)).date())
    bike = intake.accept(HallContext(db, actor, tmp_path), "ebike_registration", case["answers"], case["materials"],
                         now=NOW - timedelta(days=3)).case
    permit = registry.get("residence_permit").example(NOW.date())
    intake.accept(HallContext(db, actor, tmp_path), "residence_permit", permit["answers"], permit["materials"], now=NOW)
    db.close()
    # Back to 0015 through the migration's own downgrade: the numbers are columns of cases again.
    _migrate(url, "0015", down=True)
    engine = make_engine(url)
    try:
        assert current_revision(engine) == "0015" and not inspect(engine).has_table("case_identifiers")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, plate_no, frame_no FROM cases ORDER BY id")).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(bike.id, "郑A00001", FRAME), (bike.id + 1, None, None)]
    db = open_database(url)  # 0016 again
    try:
        columns = {c["name"] for c in inspect(db.engine).get_columns("cases")}
        assert "plate_no" not in columns and "frame_no" not in columns
        assert "ix_case_identifiers_kind_value" in {ix["name"] for ix in inspect(db.engine).get_indexes("case_identifiers")}
        with db.read() as s:
            moved = [(r.case_id, r.kind, r.value) for r in s.scalars(select(CaseIdentifier).order_by(CaseIdentifier.kind))]
            assert moved == [(bike.id, "frame_no", FRAME), (bike.id, "plate_no", "郑A00001")]
            assert identifiers.of_case(s, bike.id) == {"plate_no": "郑A00001", "frame_no": FRAME}
        assert [c.id for c in list_cases(db, CaseFilter(identifiers={"plate_no": "郑a 00001"}))] == [bike.id]
        assert [c.id for c in list_cases(db, CaseFilter(identifiers={"frame_no": FRAME.lower()}))] == [bike.id]
        with db.unit() as s:
            result = audit.check(s)
        # NOTE: the case hashes made at 0015 named plate_no and frame_no; they are read from case_identifiers now.
        assert result.intact and result.cases_checked == 2, result
    finally:
        db.close()


def test_an_identifier_changed_behind_the_programs_back_shows_in_the_audit(tmp_path):
    db = open_database(tmp_path / "hall.sqlite3")
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")
    plates.set_register_mode(db, admin, True, window="03")
    case = registry.get("ebike_registration").example(NOW.date())
    bike = intake.accept(HallContext(db, Actor(admin, "03", HALL), tmp_path),
                         "ebike_registration", case["answers"], case["materials"],
                         now=NOW).case
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE case_identifiers SET value = '郑A77777' WHERE kind = 'plate_no'"))
    with db.unit() as s:
        result = audit.check(s)
    db.close()
    assert [(p.code, p.case_no) for p in result.problems] == [("case-changed", bike.case_no)], result
