"""Transaction-scoped locks on what has no row to lock yet: a key a service names (a person, a number)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

# NOTE: PostgreSQL's two-key advisory locks live in a key space apart from the one-key form the
# audit chain uses; the first key says "HallDesk decision keys", the second is the key's hash.
NAMESPACE = 18
MODE = "halldesk_mode"  # desktop.store.database sets it in every session's info


def _key(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "big", signed=True)


def hold(session: Session, keys: Iterable[str]) -> None:
    """Lock ``keys`` until the caller's write transaction ends (a no-op for none).

    A decision that reads "is there already a row for X?" (a claim, a registration: the service
    names the key) and then writes one must hold X's lock from before the read to the commit, or
    two windows both read "none".
    SQLite needs nothing more: a write unit began with BEGIN IMMEDIATE and holds the database's
    only write lock. On PostgreSQL each key is a ``pg_advisory_xact_lock``, taken in one order (by
    hash) so two transactions wanting the same keys cannot deadlock; a hash collision only makes
    two unrelated decisions wait for each other."""
    wanted = sorted({_key(k) for k in keys if k})
    if not wanted:
        return
    if session.info.get(MODE) == "read":
        raise RuntimeError("decision locks are taken in a write unit (Database.unit()), not in a read")
    if session.get_bind().dialect.name != "postgresql":
        return
    for value in wanted:
        session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": NAMESPACE, "key": value})


def try_hold(session: Session, key: str) -> bool:
    """Lock ``key`` until the write transaction ends if no other transaction holds it; never waits.

    For picking one of several candidates (the next free number of a series): a number another window
    is about to issue is passed over instead of waited for. Always True on SQLite (its write lock serialises)."""
    if session.info.get(MODE) == "read":
        raise RuntimeError("decision locks are taken in a write unit (Database.unit()), not in a read")
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:ns, :key)"),
                                {"ns": NAMESPACE, "key": _key(key)}).scalar())
