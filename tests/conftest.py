"""Test set-up: offscreen Qt, a private data folder per test, a fresh migrated SQLite file, cheap argon2."""

from __future__ import annotations

import os

# NOTE: must be set before any Qt import: tests run without a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from desktop import paths
from desktop.cases import passwords

# tests/support holds the helpers every test folder shares (modals, qt_helpers, pgserver, xdisplay,
# the race fixtures) and the fixtures every folder gets (hall_people: ``people``, ``signs``).
sys.path.insert(0, str(Path(__file__).parent / "support"))
pytest_plugins = ["hall_people"]

# NOTE: argon2id with 8 KiB and one pass: a sign-in costs microseconds instead of ~0.1 s of CPU
# (and 64 MiB) in every fixture that creates an account. The production profile is tested once
# (tests/desktop/cases/test_passwords.py); child processes the tests start hash with it.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True, scope="session")
def cheap_passwords():
    passwords.use_hasher(CHEAP_HASHER)
    yield CHEAP_HASHER
    passwords.use_hasher(None)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A SQLite file migrated to the head once per session; tests get copies (migrating costs ~0.5 s).

    NOTE: every copy shares the template's random audit chain id; a test that needs two halls with
    different chains opens its own files (the store tests migrate for real, file by file).
    """
    from desktop.store.database import open_database

    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    open_database(path).close()
    return path


def fresh_hall_file(template: Path, target: Path) -> Path:
    """A copy of the migrated template at ``target``: what open_database would have created there."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return target


@pytest.fixture(autouse=True)
def dialogs_answered():
    """A test that said how to answer a dialog must have met it (tests/support/modals.py)."""
    yield
    modals = sys.modules.get("modals")  # NOTE: only where a test used it: the rest need no Qt
    if modals is not None:
        left = modals.unanswered()
        if left:
            pytest.fail("a dialog the test answers never opened:\n" + "\n".join(left), pytrace=False)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test gets its own data, config and log folders."""
    folder = tmp_path / "halldesk-data"
    paths.set_data_dir(folder)
    yield folder
    paths.set_data_dir(None)


@pytest.fixture
def db(tmp_path, template_db):
    """A hall's one database that every window of the test uses (windows 03, 05, … all work on it)."""
    from datetime import datetime

    from desktop.cases.services.ebike.models import PlateRegisterMode
    from desktop.store.database import open_database

    database = open_database(fresh_hall_file(template_db, tmp_path / "hall.sqlite3"))
    # NOTE: the tests' windows share this file, so it is the hall's register: plates come from the
    # hall pool as in hall mode. The row is the one desktop.cases.services.ebike.plates.set_register_mode writes
    # (written here without an audit event, which would change the tests' event counts); a
    # standalone PC's file has no such row (tests/services/ebike/case/test_plate_blocks.py).
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


@pytest.fixture(scope="session")
def cups_queue():
    """A real CUPS print queue (cups-pdf) on the system's scheduler, started here when it is not running."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "support"))
    from cups import CupsQueue, available

    reason = available()
    if reason:
        _skip_or_fail(f"no CUPS print queue: {reason}")
    queue = CupsQueue(f"HallDeskTest{os.getpid()}").start()
    yield queue
    queue.stop()
