"""Errors of the case layer that the clerk sees: bad input next to a field, refused actions, the machine failing."""

from __future__ import annotations

# NOTE: raised by the store (disk full, database locked, server gone) and passed through the case
# layer unchanged; the UI catches it from here, since it never imports desktop.store.
from desktop.store.errors import EnvironmentFailure

__all__ = ["ActionRefused", "EnvironmentFailure", "InputError"]


class InputError(ValueError):
    """Bad input: ``errors`` maps a field key to a Chinese message shown next to that field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


class ActionRefused(Exception):
    """The action is not allowed now (wrong state, locked account, …); the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
