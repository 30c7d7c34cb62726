"""The production argon2 profile, tested once; the rest of the suite hashes with a cheap one."""

from __future__ import annotations

from argon2 import extract_parameters, profiles
from sqlalchemy import select

from desktop.cases import accounts, passwords
from desktop.store.models import Account


def test_the_production_profile_is_rfc_9106_low_memory():
    hashed = passwords.PRODUCTION.hash("secret-123")
    assert extract_parameters(hashed) == profiles.RFC_9106_LOW_MEMORY  # argon2id, 64 MiB, t=3, p=4
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.PRODUCTION.verify(hashed, "secret-123")


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
        assert extract_parameters(stored) == profiles.RFC_9106_LOW_MEMORY
    finally:
        passwords.use_hasher(cheap_passwords)
