"""The production argon2 profile, tested once; the rest of the suite hashes with a cheap one."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters, profiles
from sqlalchemy import select

from desktop.cases import accounts, passwords
from desktop.store.models import Account


def test_the_production_profile_is_owasps_46_mib_argon2id():
    hashed = passwords.PRODUCTION.hash("secret-123")
    # OWASP Password Storage Cheat Sheet: argon2id, m=47104 KiB (46 MiB), t=1, p=1
    assert hashed.startswith("$argon2id$v=19$m=47104,t=1,p=1$")
    assert passwords.PRODUCTION.verify(hashed, "secret-123")


def test_a_hash_of_the_former_rfc_9106_profile_is_rehashed_at_sign_in(db, admin, cheap_passwords):
    # Halls signed in before the change hold RFC 9106 low-memory hashes (64 MiB, t=3, p=4): they
    # still verify, and the next sign-in stores the OWASP profile's hash instead.
    old = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY).hash("secret-123")
    with db.unit() as s:
        s.get(Account, admin.id).password_hash = old
    passwords.use_hasher(None)
    try:
        assert passwords.needs_rehash(old)
        accounts.sign_in(db, "admin", "secret-123")
        with db.read() as s:
            stored = s.scalar(select(Account.password_hash).where(Account.username == "admin"))
        assert extract_parameters(stored) == extract_parameters(passwords.PRODUCTION.hash("x"))
        assert not passwords.needs_rehash(stored)
        accounts.sign_in(db, "admin", "secret-123")  # and it signs in with the new hash
    finally:
        passwords.use_hasher(cheap_passwords)


def test_the_suite_runs_on_the_cheap_profile(cheap_passwords):
    assert passwords.current_hasher() is cheap_passwords is not passwords.PRODUCTION
    assert extract_parameters(passwords.hash_password("x")).memory_cost == 8


def test_a_cheap_hash_is_upgraded_by_the_production_profile_at_sign_in(db, admin, cheap_passwords):
    # A hash carries its parameters: the production hasher checks a cheap one (children of the
    # tests do) and re-hashes it at the next sign-in, as it would after a profile change.
    cheap = passwords.hash_password("secret-123")
    assert passwords.PRODUCTION.verify(cheap, "secret-123")
    passwords.use_hasher(None)
    try:
        assert passwords.needs_rehash(cheap)
        accounts.sign_in(db, "admin", "secret-123")
        with db.read() as s:
            stored = s.scalar(select(Account.password_hash).where(Account.username == "admin"))
        assert stored.startswith("$argon2id$v=19$m=47104,t=1,p=1$")
    finally:
        passwords.use_hasher(cheap_passwords)
