"""Password hashing and checking with argon2id, and a dummy check that costs the same for unknown names."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's PasswordHasher defaults to argon2id with RFC 9106's low-memory profile.
hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # NOTE: made with the same parameters as real hashes, so checking against it takes as long.
    return hasher.hash("HallDesk dummy password, never valid 0")


def matches(password_hash: str | None, password: str) -> bool:
    """True when ``password`` is the one behind ``password_hash``; a missing hash costs a dummy check."""
    if not password_hash:
        dummy_check(password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_check(password: str) -> None:
    """Spend one argon2 verification on nothing, so an unknown login name answers as slowly as a known one."""
    try:
        hasher.verify(_dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        pass


def needs_rehash(password_hash: str) -> bool:
    return hasher.check_needs_rehash(password_hash)
