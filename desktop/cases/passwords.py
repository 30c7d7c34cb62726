"""Password hashing and checking with argon2id, and a dummy check that costs the same for unknown names."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# NOTE: issue 15: the profile is OWASP's Password Storage Cheat Sheet (Argon2id section, first of
# its equivalent configurations): argon2id, m=47104 KiB (46 MiB), t=1, p=1. It was RFC 9106 §4's
# second recommended option (argon2-cffi's default: 64 MiB, t=3, p=4), which took 0.22–0.45 s per
# check on this 2-core machine under load (load 4) against 0.06–0.12 s now, and so alone blew the
# 300 ms budget from 登录 to a usable window. Weighed against an offline attack on a stolen hall
# file (the accounts table travels with it; the lockout only stops guessing at the dialog): each
# guess still needs 46 MiB of memory, which is what limits GPU/ASIC attackers, and OWASP rates its
# configurations as equal defence; an attacker's guesses get ≈ 4–5× cheaper in CPU than with the
# RFC profile. RFC 9106's first option (2 GiB) is out of reach of a clerk's PC. Hashes made with an
# older profile are re-hashed to this one at the next sign-in (check_needs_rehash, accounts.sign_in).
PRODUCTION = PasswordHasher(time_cost=1, memory_cost=47104, parallelism=1)

_hasher = PRODUCTION
_dummy: tuple[PasswordHasher, str] | None = None


def use_hasher(hasher: PasswordHasher | None) -> None:
    """Hash and check with ``hasher`` from now on (None: the production profile again).

    NOTE: the seam exists for the test suite, which spends ~0.1 s per production hash otherwise;
    it is never read from the environment or the settings, so a hall PC cannot be weakened by a
    stray variable. A hash records its own parameters, so either hasher verifies the other's hashes.
    """
    global _hasher
    _hasher = PRODUCTION if hasher is None else hasher


def current_hasher() -> PasswordHasher:
    return _hasher


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _dummy_hash() -> str:
    # NOTE: made with the same parameters as real hashes, so checking against it takes as long.
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash("HallDesk dummy password, never valid 0"))
    return _dummy[1]


def matches(password_hash: str | None, password: str) -> bool:
    """True when ``password`` is the one behind ``password_hash``; a missing hash costs a dummy check."""
    if not password_hash:
        dummy_check(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_check(password: str) -> None:
    """Spend one argon2 verification on nothing, so an unknown login name answers as slowly as a known one."""
    try:
        _hasher.verify(_dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        pass


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
