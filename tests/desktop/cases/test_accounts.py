"""First administrator, sign-in, lockout: through the case layer over a real SQLite file."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from desktop.cases import accounts
from desktop.cases.errors import ActionRefused, InputError
from desktop.store import audit
from desktop.store.models import Account, AuditEvent


def test_first_admin_then_no_second(db):
    assert not accounts.has_accounts(db)
    info = accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123")
    assert info.role == "admin" and accounts.has_accounts(db)
    with pytest.raises(ActionRefused):
        accounts.create_first_admin(db, "other", "张伟", "secret-123", "secret-123")


def test_password_is_hashed_with_argon2id(db, admin):
    with db.unit() as s:
        row = s.scalar(select(Account))
        assert row.password_hash.startswith("$argon2id$")
        assert "secret-123" not in row.password_hash


@pytest.mark.parametrize(
    "args, field",
    [
        (("", "王丽", "secret-123", "secret-123"), "username"),
        (("admin", "", "secret-123", "secret-123"), "display_name"),
        (("admin", "王丽", "short", "short"), "password"),
        (("admin", "王丽", "secret-123", "secret-124"), "password2"),
    ],
)
def test_bad_first_admin_input(db, args, field):
    with pytest.raises(InputError) as info:
        accounts.create_first_admin(db, *args)
    assert field in info.value.errors
    assert not accounts.has_accounts(db)


def test_sign_in_and_wrong_password(db, admin):
    assert accounts.sign_in(db, "admin", "secret-123").id == admin.id
    with pytest.raises(ActionRefused) as info:
        accounts.sign_in(db, "admin", "wrong-pass")
    assert "还可尝试4次" in info.value.message
    with pytest.raises(ActionRefused):
        accounts.sign_in(db, "nobody", "secret-123")


def test_lockout_after_five_failures_and_expiry(db, admin):
    now = datetime(2026, 11, 25, 9, 0)
    for _ in range(4):
        with pytest.raises(ActionRefused):
            accounts.sign_in(db, "admin", "wrong-pass", now=now)
    with pytest.raises(ActionRefused) as info:
        accounts.sign_in(db, "admin", "wrong-pass", now=now)
    assert "锁定" in info.value.message
    # Even the right password is refused while locked.
    with pytest.raises(ActionRefused) as info:
        accounts.sign_in(db, "admin", "secret-123", now=now + timedelta(minutes=4))
    assert "分钟后再试" in info.value.message
    assert accounts.sign_in(db, "admin", "secret-123", now=now + timedelta(minutes=5, seconds=1)).id == admin.id


def test_failures_are_audited_without_passwords(db, admin):
    with pytest.raises(ActionRefused):
        accounts.sign_in(db, "admin", "wrong-pass")
    with db.unit() as s:
        rows = s.scalars(select(AuditEvent)).all()
        assert [r.action for r in rows] == ["account.create", "signin.failed"]
        assert all("wrong-pass" not in str(r.detail) for r in rows)
        assert audit.verify(s)[0]


def test_a_role_outside_the_list_is_refused(db, admin):
    with pytest.raises(InputError) as bad:
        accounts.create_account(db, admin, "wang", "王芳", "boss", "secret-111", "secret-111")
    assert bad.value.errors == {"role": "请选择角色"}
