"""The hall's database as the UI holds it: the handle it passes to every case-layer call, and opening one."""

from __future__ import annotations

# NOTE: the UI never imports desktop.store (tests/test_boundaries.py); it holds a Database only to
# hand it back to the case layer, and opens one only to reopen the hall after a restore.
from desktop.store.database import Database
from desktop.store.opening import open_database

__all__ = ["Database", "open_database"]
