"""Import every package of a folder once, in name order: how the services' case and UI parts are discovered."""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Iterable


class PackageLoader:
    """``load()`` imports each package under ``path`` once (names starting with "_" skipped) and returns the names.

    NOTE: the order is stable (sorted names) so start-up, the demo and the tests register in the same
    sequence on every machine; the lock: the preload thread and the UI thread may both ask first."""

    def __init__(self, package: str, path: Iterable[str]):
        # NOTE: the package's own __path__, not a copy: a folder appended to it before the first load is searched too.
        self.package, self.path = package, path
        self._loaded: tuple[str, ...] | None = None
        self._lock = threading.Lock()

    def load(self) -> tuple[str, ...]:
        if self._loaded is not None:
            return self._loaded
        with self._lock:
            if self._loaded is None:
                names = sorted(info.name for info in pkgutil.iter_modules(self.path) if not info.name.startswith("_"))
                for name in names:
                    importlib.import_module(f"{self.package}.{name}")
                self._loaded = tuple(names)
        return self._loaded
