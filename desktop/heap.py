"""The program's long-lived objects moved out of the garbage collector's way once they exist (``gc.freeze``)."""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_done: set[str] = set()


def settle(stage: str) -> bool:
    """Once per process and ``stage``: collect, then freeze every object alive now; True if it ran now.

    NOTE (issue 15): after the first paper a window holds ≈ 140,000 tracked objects (SQLAlchemy's
    mappers and caches, reportlab, the parsed font, the forms), and every full collection walked them
    all: 0.3 s in the middle of an accept, on the shared 2-core test machine, once every ≈ 100 accepts,
    and the younger collections that promote into them ≈ 3.6 ms per accept on average. Frozen, they
    are never scanned again; they stay alive as they would anyway (modules, caches, the font), and
    reference counting still frees whatever of them is dropped without a cycle."""
    with _lock:
        if stage in _done:
            return False
        _done.add(stage)
    gc.collect()  # NOTE: once: what is garbage now is freed, not frozen
    gc.freeze()
    return True
