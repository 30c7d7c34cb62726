"""Test set-up: offscreen Qt, a private data folder per test, a fresh migrated SQLite file."""

from __future__ import annotations

import os

# NOTE: must be set before any Qt import: tests run without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from desktop import paths


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test gets its own data, config and log folders."""
    folder = tmp_path / "halldesk-data"
    paths.set_data_dir(folder)
    yield folder
    paths.set_data_dir(None)


@pytest.fixture
def db(tmp_path):
    """A hall's one database that every window of the test uses (windows 03, 05, … all work on it)."""
    from datetime import datetime

    from desktop.store.database import open_database
    from desktop.store.plate_models import PlateRegisterMode

    database = open_database(tmp_path / "hall.sqlite3")
    # NOTE: the tests' windows share this file, so it is the hall's register: plates come from the
    # hall pool as in hall mode. The row is the one desktop.cases.plates.set_register_mode writes
    # (written here without an audit event, which would change the tests' event counts); a
    # standalone PC's file has no such row (tests/desktop/cases/test_plate_blocks.py).
    with database.unit() as s:
        s.add(PlateRegisterMode(id=1, shared=True, changed_at=datetime(2026, 1, 5, 9, 0), changed_by="setup"))
    yield database
    database.close()


@pytest.fixture
def admin(db):
    from desktop.cases import accounts

    return accounts.create_first_admin(db, "admin", "王丽", "secret-123", "secret-123", window="03")


def _skip_or_fail(reason: str) -> None:
    """A developer without the tool skips; CI (CI=true) must never pass by skipping what it has to prove."""
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for hall mode; skipped only where no server binaries exist."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "support"))
    from pgserver import PgServer, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        _skip_or_fail("PostgreSQL server binaries not installed (make test installs them where it can)")
    server = PgServer(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server, request):
    import re

    name = "t_" + re.sub(r"[^a-z0-9]", "_", request.node.name.lower())[:50]
    return pg_server.create_database(name)


def _x_display(width: int, height: int):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "support"))
    from xdisplay import XDisplay, available

    reason = available()
    if reason:
        _skip_or_fail(f"real-display tests: {reason}")
    display = XDisplay(width, height).start()
    return display


@pytest.fixture(scope="session")
def x_display():
    """A real X display at 1366×768 with openbox; programs under test run in a child process with xcb."""
    display = _x_display(1366, 768)
    yield display
    display.stop()


@pytest.fixture(scope="session")
def x_display_hd():
    """The same at 1920×1080."""
    display = _x_display(1920, 1080)
    yield display
    display.stop()
