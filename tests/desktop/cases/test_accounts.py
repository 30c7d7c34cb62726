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
    with pytest.raises(ActionRefused) as wrong:
        accounts.sign_in(db, "admin", "wrong-pass")
    with pytest.raises(ActionRefused) as unknown:
        accounts.sign_in(db, "nobody", "secret-123")
    # The same words either way: the screen does not tell which login names exist.
    assert wrong.value.message == unknown.value.message == accounts.SIGN_IN_FAILED


def test_unknown_name_costs_an_argon2_check_like_a_known_one(db, admin, monkeypatch):
    from argon2 import PasswordHasher

    checked = []
    real = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: checked.append(h) or real(self, h, p))
    for name in ("admin", "nobody"):
        with pytest.raises(ActionRefused):
            accounts.sign_in(db, name, "wrong-pass-1")
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)
    assert checked[0] != checked[1]  # the unknown name was checked against the dummy hash


def test_lockout_after_five_failures_and_expiry(db, admin):
    now = datetime(2026, 11, 25, 9, 0)
    for _ in range(5):
        with pytest.raises(ActionRefused) as info:
            accounts.sign_in(db, "admin", "wrong-pass", now=now)
        assert info.value.message == accounts.SIGN_IN_FAILED
    with db.unit() as s:
        row = s.scalar(select(Account))
        assert row.locked_until == now + timedelta(minutes=5)
        locks = s.scalars(select(AuditEvent).where(AuditEvent.action == "account.locked")).all()
        assert len(locks) == 1
    # Even the right password is refused while locked, in the same words.
    with pytest.raises(ActionRefused) as info:
        accounts.sign_in(db, "admin", "secret-123", now=now + timedelta(minutes=4))
    assert info.value.message == accounts.SIGN_IN_FAILED
    with db.unit() as s:
        reasons = [e.detail.get("reason") for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action == "signin.failed"))]
        assert reasons == ["password"] * 4 + ["locked"]
    assert accounts.sign_in(db, "admin", "secret-123", now=now + timedelta(minutes=5, seconds=1)).id == admin.id


def test_the_fifth_guess_right_signs_in_and_lifts_the_lock(db, admin):
    now = datetime(2026, 11, 25, 9, 0)
    for _ in range(4):
        with pytest.raises(ActionRefused):
            accounts.sign_in(db, "admin", "wrong-pass", now=now)
    assert accounts.sign_in(db, "admin", "secret-123", now=now).id == admin.id
    with db.unit() as s:
        row = s.scalar(select(Account))
        assert row.locked_until is None and row.failed_attempts == 0


def test_a_disabled_account_with_a_wrong_password_looks_like_any_other(db, admin):
    from desktop.cases import admin as admin_ops

    clerk = accounts.create_account(db, admin, "zhang", "张伟", "clerk", "secret-456", "secret-456")
    admin_ops.set_disabled(db, admin, clerk.id, True)
    with pytest.raises(ActionRefused) as wrong:
        accounts.sign_in(db, "zhang", "wrong-pass-1")
    assert wrong.value.message == accounts.SIGN_IN_FAILED
    with pytest.raises(ActionRefused) as right:
        accounts.sign_in(db, "zhang", "secret-456")
    assert right.value.message == accounts.DISABLED


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
