"""Start-up runs quick_check after an unclean end and on a file never checked here, not at every sign-in (issue 15)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from desktop.preload import DataLayer
from desktop.store import integrity_policy
from desktop.store.database import DatabaseDamaged, open_database


def _damaged_hall(tmp_path):
    """A real hall file with pages overwritten at its end (as in test_open_refusals)."""
    path = tmp_path / "halldesk.sqlite3"
    db = open_database(path)
    with db.unit() as s:
        for n in range(3000):
            s.execute(text("INSERT INTO calendar_overrides (day, kind, name, source) VALUES (:d, 'holiday', :n, '测试')"),
                      {"d": (date(2000, 1, 1) + timedelta(days=n)).isoformat(), "n": "节日" * 20})
    db.close()
    return path


def _damage(path):
    data = bytearray(path.read_bytes())
    for offset in range(len(data) - 6 * 4096, len(data) - 4096, 4096):
        data[offset + 8:offset + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))


def test_a_check_that_passed_is_stamped_and_the_next_clean_start_skips_it(tmp_path):
    path = _damaged_hall(tmp_path)  # the first open created and checked it
    assert integrity_policy.stamp_path(path).exists()
    assert not integrity_policy.due(path, after_unclean_end=False)
    assert integrity_policy.due(path, after_unclean_end=True)
    _damage(path)
    # A clean start does not read every page again; the damage is found where the policy looks.
    layer = DataLayer(str(path))
    layer.run_here()
    assert layer.error is None or not isinstance(layer.error, DatabaseDamaged)
    if layer.db is not None:
        layer.db.close()
    after_crash = DataLayer(str(path), after_unclean_end=True)
    after_crash.run_here()
    assert isinstance(after_crash.error, DatabaseDamaged)


def test_a_file_never_checked_on_this_pc_is_checked(tmp_path):
    path = _damaged_hall(tmp_path)
    _damage(path)
    integrity_policy.stamp_path(path).unlink()  # e.g. a file copied here from another PC
    layer = DataLayer(str(path))
    layer.run_here()
    assert isinstance(layer.error, DatabaseDamaged)
    assert not integrity_policy.stamp_path(path).exists()  # a failed check is never stamped


def test_the_command_line_and_backups_still_always_check(tmp_path):
    path = _damaged_hall(tmp_path)
    _damage(path)
    with pytest.raises(DatabaseDamaged):
        open_database(path)  # check=True by default: CLI tools, restore, tests
