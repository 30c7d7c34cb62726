"""Copy a generated SQLite hall into a fresh PostgreSQL hall, table by table, for the lookups at a million.

NOTE (issue 15): generating straight into PostgreSQL runs the generator's per-case work (≈ 200 cases/s
here: a million would take 1.5–2 h). The cached SQLite million (bench/generate.ensure) already holds
the rows; copying them is bulk I/O. The PostgreSQL schema is made by the real migrations
(``open_database``); every table is emptied and then filled with the SQLite file's rows by
PostgreSQL's ``COPY … FROM STDIN`` (text format): the values go as SQLite stores them and the server
parses each by its column's type — dates and timestamps from SQLAlchemy's ISO text, booleans from
0/1, JSON from its text, the packed JSON columns as their bytes (the same packing on both backends).
Going through SQLAlchemy's typed rows instead ran at a few thousand rows a second under load: over
an hour for the million's ≈ 15 million rows. The copied audit chain is the SQLite hall's, rows and
hashes unchanged; it is not re-verified on PostgreSQL (a lookup benchmark does not read it).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Integer, Table
from sqlalchemy.engine import make_url

BATCH = 20_000


def _tables() -> list[Table]:
    """Every table of the schema, parents first (the services' registers included)."""
    from desktop.cases import services
    from desktop.store.models import Base

    services.load()  # NOTE: their tables join Base.metadata when their packages are imported
    return [t for t in Base.metadata.sorted_tables if t.name != "alembic_version"]


def _copy_table(source: sqlite3.Connection, target, table: Table) -> int:
    names = [c.name for c in table.columns]
    quoted = ", ".join(f'"{n}"' for n in names)
    order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns) or "rowid"
    rows = source.execute(f"SELECT {quoted} FROM {table.name} ORDER BY {order}")
    n = 0
    with target.cursor() as cursor, cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        while part := rows.fetchmany(BATCH):
            for row in part:
                copy.write_row(row)
            n += len(part)
    return n


def copy_hall(sqlite_path: Path, pg_url: str, log: Callable[[str], None] = print) -> dict[str, int]:
    """Fill the PostgreSQL hall at ``pg_url`` (made by ``open_database``) with the rows of ``sqlite_path``."""
    import psycopg

    from desktop.store.database import open_database

    open_database(pg_url).close()  # the schema at every head, by the real migrations
    tables = _tables()
    counts: dict[str, int] = {}
    plain = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    try:
        with psycopg.connect(plain) as target:
            heads = {r[0] for r in source.execute("SELECT version_num FROM alembic_version")}
            made = {r[0] for r in target.execute("SELECT version_num FROM alembic_version")}
            if heads != made:
                raise SystemExit(f"the SQLite file is at {sorted(heads)}, the new PostgreSQL hall at {sorted(made)}: "
                                 "upgrade the file first (bench.generate.ensure does)")
            # NOTE: the benchmark's own throwaway server, where we are superuser: "replica" turns off
            # the triggers (the audit tables' append-only guard would refuse emptying the seeded chain
            # row) and the foreign-key checks for this session only; the rows come whole from a hall
            # whose own keys held, and the test compares them.
            target.execute("SET session_replication_role = replica")
            for table in reversed(tables):  # what the migrations seeded goes; the file's rows replace it
                target.execute(f"DELETE FROM {table.name}")
            target.commit()
            for table in tables:
                started = time.perf_counter()
                counts[table.name] = _copy_table(source, target, table)
                target.commit()
                if counts[table.name]:
                    log(f"  {table.name}: {counts[table.name]:,} rows in {time.perf_counter() - started:.0f} s")
            # NOTE: the ids were copied explicitly: the next real insert must take the next number.
            for table in tables:
                id_column = table.c.get("id")
                if id_column is not None and isinstance(id_column.type, Integer) and id_column.primary_key:
                    target.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                   f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)")
            target.commit()
    finally:
        source.close()
    return counts
