"""The services' case-layer parts: one package (or module) each under desktop/cases/services, discovered once.

A package here registers, when imported, its facts providers and lock keys (desktop.cases.facts), its
intake hooks (desktop.cases.hooks), its search identifiers (desktop.cases.identifiers), its paper kinds
(desktop.cases.paper_kinds), its coded refusal reasons (desktop.cases.reasons) and its demo plan
(desktop.cases.demo_data). Nothing outside the package names it: ``load()`` imports every one.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading

_loaded: tuple[str, ...] | None = None
_lock = threading.Lock()


def load() -> tuple[str, ...]:
    """Import every service package here once, in name order; the names, in that order.

    NOTE: the order is stable (sorted names) so that start-up, the demo and the tests register in the
    same sequence on every machine; a registration made twice raises DuplicateRegistration here.
    The lock: the preload thread and the UI thread may both reach the first assessment."""
    global _loaded
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is None:
            names = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
            for name in names:
                importlib.import_module(f"{__name__}.{name}")
            _loaded = tuple(names)
    return _loaded
