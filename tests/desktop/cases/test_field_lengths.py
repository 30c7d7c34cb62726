"""Field lengths are the same in the form, SQLite and PostgreSQL: what the form accepts, every column holds.

The hall-mode crash: a 43-character passport name (the e-bike form allows 50) against a 40-character
cases.applicant_name: PostgreSQL raised DataError at 受理, SQLite kept it silently.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from desktop.cases import accounts, input_guard, intake
from desktop.cases.dto import Actor
from desktop.cases.errors import ActionRefused
from desktop.cases.hall_context import HallContext
from desktop.cases.services.ebike import plates
from desktop.store.database import open_database
from desktop.store.models import AuditEvent, Case, Document
from forms import registry
from forms.model import Kind

NOW = datetime(2026, 11, 25, 10, 0)
PASSPORT_NAME = "Maximilian Alexander Johannes von Habsburgs"  # 43 characters, as in the report
assert len(PASSPORT_NAME) == 43


def _landing(service):
    """(column, field) for every answer of the service that is copied into a column."""
    pairs = [(column, service.field(key)) for column, key in input_guard.case_columns(service)]
    for column, key, cell in input_guard.HOOK_COLUMNS.get(service.service_id, ()):
        field = service.field(key)
        if cell is not None:
            field = next(c for c in field.columns if c.key == cell)
        pairs.append((column, field))
    return pairs


def test_the_services_declare_their_register_columns():
    # NOTE (issue 16): declared by the service packages; without them the test below would check nothing there.
    assert {"ebike_registration", "ebike_transfer", "startup_subsidy"} <= set(input_guard.HOOK_COLUMNS)


@pytest.mark.parametrize("service_id", list(registry.services()))
def test_every_field_that_lands_in_a_column_fits_it(service_id):
    service = registry.get(service_id)
    pairs = _landing(service)
    assert len(pairs) >= 3
    for column, field in pairs:
        length = input_guard.column_length(column)
        assert length, f"{column} has no length"
        assert field.max_length is not None, f"{service_id}.{field.key} has no max_length"
        assert field.max_length <= length, (
            f"{service_id}.{field.key} allows {field.max_length} characters, {column} holds {length}")


def test_the_name_column_is_as_long_as_the_longest_name_a_form_allows():
    names = [registry.get(sid).field(registry.get(sid).name_key).max_length for sid in registry.services()]
    assert input_guard.column_length(Case.applicant_name) == max(names) == 50


def test_id_and_phone_fields_have_lengths_their_columns_hold():
    for service in registry.services().values():
        for field in service.fields:
            if field.kind is Kind.ID_NUMBER:
                assert field.max_length == input_guard.column_length(Case.id_number)
            if field.kind is Kind.PHONE:
                assert field.max_length == input_guard.column_length(Case.phone)


def _passport_case():
    case = registry.get("ebike_registration").example(date(2026, 11, 25))
    case["answers"].update(owner_id_type="passport", owner_id_number="E12345678", owner_name=PASSPORT_NAME)
    return case


@pytest.fixture(params=["sqlite", "postgresql"])
def hall(request, tmp_path):
    if request.param == "sqlite":
        db = open_database(tmp_path / "hall.sqlite3")
    else:
        db = open_database(request.getfixturevalue("pg_url"))
    admin = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    plates.assign_block(db, admin, "03", "郑A", 5, 10000, 19999)  # a standalone file issues from its block
    yield db, Actor(admin, "03", "郑州市金水区政务服务中心")
    db.close()


def _counts(db):
    with db.unit() as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Case, Document, AuditEvent))


def test_passport_name_43(hall, tmp_path):
    db, actor = hall
    case = _passport_case()
    result = intake.accept(HallContext(db, actor, tmp_path / "papers"),
                           "ebike_registration", case["answers"], case["materials"], now=NOW)
    with db.unit() as s:
        assert s.get(Case, result.case.id).applicant_name == PASSPORT_NAME


@pytest.mark.parametrize("action", ["draft", "accept"])
def test_long_name_refused(hall, tmp_path, action):
    db, actor = hall
    case = _passport_case()
    case["answers"]["owner_name"] = PASSPORT_NAME + "x" * 8  # 51 characters
    before = _counts(db)
    with pytest.raises(ActionRefused, match="不能超过50个字"):
        if action == "draft":
            intake.save_draft(db, actor, "ebike_registration", case["answers"], case["materials"], now=NOW)
        else:
            intake.accept(HallContext(db, actor, tmp_path / "papers"),
                          "ebike_registration", case["answers"], case["materials"], now=NOW)
    assert _counts(db) == before
    assert not (tmp_path / "papers").exists() or not any((tmp_path / "papers").iterdir())


def test_column_guard_refuses_what_a_column_cannot_hold():
    """Should a form ever allow more than its column (a field edited without the column), the case
    layer still refuses before writing, naming the field and the column's length."""
    import dataclasses

    service = registry.get("ebike_registration")
    wide = tuple(dataclasses.replace(f, max_length=80) if f.key == "owner_name" else f for f in service.fields)
    loose = dataclasses.replace(service, fields=wide)
    answers = dict(_passport_case()["answers"], owner_name="张" * 60)
    with pytest.raises(ActionRefused, match="所有人姓名：不能超过50个字（当前60个字）"):
        input_guard.check_storable(loose, answers, {})
    input_guard.check_storable(loose, dict(answers, owner_name="张" * 50), {})
