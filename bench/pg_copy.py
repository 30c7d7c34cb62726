"""Copy a generated SQLite hall into a fresh PostgreSQL hall, table by table, for the lookups at a million.

NOTE (issue 15): generating straight into PostgreSQL runs the generator's per-case work (≈ 200 cases/s
here: a million would take 1.5–2 h). The cached SQLite million (bench/generate.ensure) already holds
the rows; copying them is bulk I/O. The PostgreSQL schema is made by the real migrations
(``open_database``); every table is emptied and then filled with the SQLite file's rows through
SQLAlchemy Core (the columns' own types, so dates, booleans and JSON arrive as PostgreSQL types), the
packed JSON columns as their bytes (the same packing on both backends, so not unpacked and packed
again). The copied audit chain is the SQLite hall's, rows and hashes unchanged; it is not re-verified
on PostgreSQL (a lookup benchmark does not read it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, create_engine, delete, insert, select, text
from sqlalchemy.engine import Connection

from desktop.store.packed_json import PackedJSON, RawBytes

BATCH = 5_000


def _as_stored(table: Table) -> Table:
    """``table`` with its packed JSON columns as plain bytes: read and written as stored, never unpacked."""
    columns = [Column(c.name, RawBytes() if isinstance(c.type, PackedJSON) else c.type, primary_key=c.primary_key)
               for c in table.columns]
    return Table(table.name, MetaData(), *columns)


def _tables() -> list[Table]:
    """Every table of the schema, parents first (the services' registers included)."""
    from desktop.cases import services
    from desktop.store.models import Base

    services.load()  # NOTE: their tables join Base.metadata when their packages are imported
    return [t for t in Base.metadata.sorted_tables if t.name != "alembic_version"]


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    stored = _as_stored(table)
    order = [c for c in stored.primary_key.columns] or list(stored.columns)[:1]
    rows = source.execution_options(stream_results=True, yield_per=BATCH).execute(select(stored).order_by(*order))
    n = 0
    for part in rows.mappings().partitions(BATCH):
        target.execute(insert(stored), [dict(r) for r in part])
        n += len(part)
    return n


def copy_hall(sqlite_path: Path, pg_url: str, log: Callable[[str], None] = print) -> dict[str, int]:
    """Fill the PostgreSQL hall at ``pg_url`` (made by ``open_database``) with the rows of ``sqlite_path``."""
    from desktop.store.database import open_database

    open_database(pg_url).close()  # the schema at every head, by the real migrations
    tables = _tables()
    source_engine = create_engine(f"sqlite:///{sqlite_path}")
    target_engine = create_engine(pg_url)
    counts: dict[str, int] = {}
    try:
        with source_engine.connect() as source, target_engine.connect() as target:
            heads = {r[0] for r in source.execute(text("SELECT version_num FROM alembic_version"))}
            made = {r[0] for r in target.execute(text("SELECT version_num FROM alembic_version"))}
            if heads != made:
                raise SystemExit(f"the SQLite file is at {sorted(heads)}, the new PostgreSQL hall at {sorted(made)}: "
                                 "upgrade the file first (bench.generate.ensure does)")
            # NOTE: the benchmark's own throwaway server, where we are superuser: "replica" turns off
            # the triggers (the audit tables' append-only guard would refuse emptying the seeded chain
            # row) and the foreign-key checks for this session only; the rows come whole from a hall
            # whose own keys held, and the test compares them.
            target.execute(text("SET session_replication_role = replica"))
            for table in reversed(tables):  # what the migrations seeded goes; the file's rows replace it
                target.execute(delete(table))
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
                    target.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
            target.commit()
    finally:
        source_engine.dispose()
        target_engine.dispose()
    return counts
