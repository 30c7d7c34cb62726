"""One keyed registry for the service seam: a key registered twice fails loudly at start-up."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class DuplicateRegistration(RuntimeError):
    """A hook, facts provider, identifier, paper kind, refusal reason or demo plan registered twice."""


class Registry(Generic[K, V]):
    """A dict that refuses to overwrite: the second registration of a key raises, naming both places.

    NOTE: a service package imported twice under two names, or two services claiming one paper kind,
    used to overwrite silently (the last import won); now the program does not start."""

    def __init__(self, what: str):
        self.what = what
        self._items: dict[K, V] = {}
        self._where: dict[K, str] = {}

    def add(self, key: K, value: V, where: str = "") -> V:
        if key in self._items:
            raise DuplicateRegistration(
                f"{self.what} {key!r} registered twice: {self._where[key] or '?'} and {where or '?'}")
        self._items[key] = value
        self._where[key] = where
        return value

    def pop(self, key: K) -> V | None:
        """Take a registration back (a test that puts a faulty hook in place restores the real one)."""
        self._where.pop(key, None)
        return self._items.pop(key, None)

    def get(self, key: K, default: V | None = None) -> V | None:
        return self._items.get(key, default)

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[tuple[K, V]]:
        return list(self._items.items())

    def values(self) -> list[V]:
        return list(self._items.values())


def caller(depth: int = 2) -> str:
    """The module that called the registering function (for the duplicate message)."""
    return str(sys._getframe(depth).f_globals.get("__name__", "?"))


def origin(fn: object) -> str:
    """Where a registered function comes from, for the duplicate message."""
    module = getattr(fn, "__module__", "?")
    return f"{module}.{getattr(fn, '__qualname__', repr(fn))}"
