"""PySide6's import hook made cheap: the same answer to "does this module use PySide6?" without inspect."""

from __future__ import annotations

import sys
from importlib.machinery import SourceFileLoader

MARK = "_halldesk_cheap"
FEATURE_MODULE = "shibokensupport.feature"  # PySide6's own module that holds the check


def cheapen() -> bool:
    """Load PySide6 and replace its per-module source check with a cheaper one; True once it is in place.

    NOTE: issue 15: once PySide6 is loaded, every module imported is passed to
    ``shibokensupport.feature._mod_uses_pyside``, which calls ``inspect.getsource`` (a scan of all of
    ``sys.modules`` and a linecache read) to look for the string "PySide6", for its ``__feature__``
    switching. On the way to the sign-in dialog that was ≈ 17 ms CPU for 71 modules (≈ 4 ms this way),
    and again for each module the data layer and the main window load. The answer is the same: the
    source file's bytes are searched for the same string; a module without a source file (built in,
    an extension, a frozen one of the installed program) is left to PySide6's own check. HallDesk
    uses no ``__feature__``. If PySide6 changes its internals, nothing is replaced (a test says so).
    """
    import PySide6.QtCore  # noqa: F401  (loads shibokensupport and installs its import hook)

    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, "_mod_uses_pyside", None)
    if not callable(original):
        return False
    if getattr(original, MARK, False):
        return True

    def uses_pyside(module) -> bool:
        loader = getattr(module, "__loader__", None)
        if isinstance(loader, SourceFileLoader):
            try:
                return b"PySide6" in loader.get_data(loader.path)
            except OSError:
                return False  # (inspect.getsource raises OSError too: PySide6 answers False)
        return original(module)

    setattr(uses_pyside, MARK, True)
    uses_pyside.original = original  # type: ignore[attr-defined]  (for the test that compares the two)
    feature._mod_uses_pyside = uses_pyside
    return True
