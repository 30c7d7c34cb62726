"""A file that is not a sound HallDesk database is refused with a Chinese message, untouched, never made a new hall."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.store.database import DatabaseDamaged, NotHallDatabase, open_database
from desktop.store.errors import EnvironmentFailure


def _refused(path: Path, kind=NotHallDatabase) -> str:
    before = path.read_bytes()
    with pytest.raises(kind) as info:
        open_database(path)
    assert path.read_bytes() == before  # untouched
    assert isinstance(info.value, EnvironmentFailure)  # a plain message at start, no traceback
    return info.value.message


def test_a_zero_byte_file_is_refused_not_made_a_new_hall(tmp_path):
    path = tmp_path / "halldesk.sqlite3"
    path.write_bytes(b"")
    message = _refused(path)
    assert "0 字节" in message and "备份" in message
    assert not Path(f"{path}-wal").exists()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "halldesk.sqlite3"
    path.write_bytes("%PDF-1.4 一份文书".encode() * 50)
    assert "不是 SQLite 数据库" in _refused(path)


def test_another_programs_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "halldesk.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO customers (name) VALUES ('x')")
    con.close()
    message = _refused(path)
    assert "其他程序的数据表" in message
    with sqlite3.connect(path) as con:  # no HallDesk table was added to it
        assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["customers"]
    con.close()


def test_a_sqlite_file_without_tables_is_refused(tmp_path):
    path = tmp_path / "halldesk.sqlite3"
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 1")  # writes the header: a real, empty SQLite file
    con.close()
    assert "没有任何数据表" in _refused(path)


def test_a_half_created_database_of_an_older_halldesk_is_refused(tmp_path):
    path = tmp_path / "halldesk.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    con.close()
    assert "结构版本记录为空" in _refused(path)


def test_a_damaged_database_names_the_last_backup_and_the_restore_command(tmp_path):
    path = tmp_path / "halldesk.sqlite3"
    db = open_database(path)
    with db.unit() as s:
        for n in range(3000):
            s.execute(text("INSERT INTO calendar_overrides (day, kind, name, source) VALUES (:d, 'holiday', :n, '测试')"),
                      {"d": (date(2000, 1, 1) + timedelta(days=n)).isoformat(), "n": "节日" * 20})
    db.close()
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "halldesk-20261130-180000-000000-0007.sqlite3"
    old.write_bytes(path.read_bytes())
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(len(data) - 6 * page, len(data) - page, page):  # data and index pages at the end
        data[offset + 8:offset + 200] = b"\xa5" * 192
    path.write_bytes(bytes(data))
    message = _refused(path, DatabaseDamaged)
    assert "完整性检查未通过" in message and str(old) in message
    assert f'python -m desktop restore "{old}" --db "{path}"' in message


def test_a_sqlite_header_over_garbage_is_a_damaged_database_not_a_traceback(tmp_path):
    path = tmp_path / "halldesk.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + b"\x10\x00" + bytes(range(256)) * 40)
    message = _refused(path, DatabaseDamaged)
    assert "已损坏" in message and "备份" in message


@pytest.mark.postgres
def test_another_programs_postgresql_database_is_refused(pg_url):
    from sqlalchemy import create_engine

    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id serial PRIMARY KEY)"))
    with pytest.raises(NotHallDatabase) as info:
        open_database(pg_url)
    assert "其他程序的数据表" in info.value.message and "invoices" in info.value.message
    with engine.connect() as conn:
        tables = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    assert tables == {"invoices"}  # nothing of ours was created in it
    engine.dispose()
