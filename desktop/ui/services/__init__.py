"""The services' UI parts: one package each under desktop/ui/services, discovered once, like desktop.cases.services.

A package here declares, when imported, what a service adds to the main window (desktop.ui.menu_actions:
its menu items and the dialogs they open). The generic UI (desktop/ui/*.py) names none of them
(tests/test_boundaries.py): ``load()`` imports every one. A package keeps the layer rule of the UI: it
calls its service's case-layer part (desktop/cases/services/<name>/), never desktop.store.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading

_loaded: tuple[str, ...] | None = None
_lock = threading.Lock()


def load() -> tuple[str, ...]:
    """Import every UI package here once, in name order; the names, in that order.

    NOTE: a package's ``__init__`` only declares (its dialogs are imported when their menu item is used),
    so loading them all costs the main window's first paint next to nothing."""
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
