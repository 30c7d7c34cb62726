"""The services' UI parts: one package each under desktop/ui/services, discovered once, like desktop.cases.services.

A package here declares, when imported, what a service adds to the main window (desktop.ui.menu_actions:
its menu items and the dialogs they open). The generic UI (desktop/ui/*.py) names none of them
(tests/test_boundaries.py): ``load()`` imports every one. A package keeps the layer rule of the UI: it
calls its service's case-layer part (desktop/cases/services/<name>/), never desktop.store.
"""

from __future__ import annotations

from desktop.discovery import PackageLoader

_loader = PackageLoader(__name__, __path__)


def load() -> tuple[str, ...]:
    """Import every UI package here once, in name order; the names, in that order.

    NOTE: a package's ``__init__`` only declares (its dialogs are imported when their menu item is used),
    so loading them all costs the main window's first paint next to nothing."""
    return _loader.load()
