"""Hall mode: several windows share one PostgreSQL database through the same SQLAlchemy code."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from desktop.cases import accounts, intake, numbers
from desktop.cases.dto import Actor
from desktop.cases.hall_context import HallContext
from desktop.store import audit
from desktop.store.database import current_revision, head_revision, open_database
from desktop.store.errors import DatabaseTooNew
from desktop.store.models import Case, CaseSequence
from desktop.store.schema_heads import HEAD_REVISION
from forms import registry

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 11, 25, 10, 0)


def test_migrations_run_on_postgres_and_reopen(pg_url):
    db = open_database(pg_url)
    assert current_revision(db.engine) == head_revision()
    assert "postgresql" in db.location() and "@" in db.location()
    db.close()
    again = open_database(pg_url)
    assert current_revision(again.engine) == head_revision()
    again.close()


def test_two_windows_accept_cases_on_one_database(pg_url, tmp_path):
    window3, window4 = open_database(pg_url), open_database(pg_url)
    admin = accounts.create_first_admin(window3, "admin", "王丽", "secret-123", "secret-123")
    clerk = accounts.create_account(window3, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    assert accounts.sign_in(window4, "zhang", "secret-456").id == clerk.id
    case = registry.get("residence_permit").example(NOW.date())
    a = intake.accept(HallContext(window3, Actor(admin, "03", "大厅"), tmp_path),
                      "residence_permit", case["answers"], case["materials"],
                      now=NOW)
    b = intake.accept(HallContext(window4, Actor(clerk, "04", "大厅"), tmp_path),
                      "residence_permit", case["answers"], case["materials"],
                      now=NOW)
    assert a.case.case_no[:4] == "JZ03" and b.case.case_no[:4] == "JZ04"
    with window3.unit() as s:
        assert s.scalar(select(func.count(Case.id))) == 2
        assert audit.verify(s)[0]
    window3.close()
    window4.close()


def test_concurrent_sequence_allocation_never_repeats(pg_url):
    db = open_database(pg_url)
    got: list[str] = []
    errors: list[Exception] = []

    def worker():
        try:
            for _ in range(10):
                with db.unit() as s:
                    got.append(numbers.allocate(s, "JZ", "05", NOW.date()))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(got) == 40 and len(set(got)) == 40
    with db.unit() as s:
        assert s.scalar(select(CaseSequence.last)) == 40
    db.close()


def test_newer_schema_refused_on_postgres(pg_url):
    db = open_database(pg_url)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = 'ffff9999' WHERE version_num = '{HEAD_REVISION}'")
    db.close()
    with pytest.raises(DatabaseTooNew):
        open_database(pg_url)
