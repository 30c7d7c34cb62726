"""Packed JSON: a case's answers, materials, assessment and lifecycle and a paper's snapshot stored compressed (issue 15).

Revision ID: 0017
Revises: 0015

NOTE: every existing value is packed from its exact stored text (desktop.store.packed_json), never
re-serialised: the audit hashes a packed value as the text it stands for, so each old row's case
and paper hashes still match. New values are compact JSON. The whole conversion is one transaction
(Alembic runs this revision in the opening's transaction, after the opening's backup copy): a kill
in the middle leaves the database at 0015 with every row as it was, and the next open does it all
again. On SQLite the columns keep their declared type (a BLOB goes into any column; recreating the
tables with their dozen indexes would cost far more than the values); on PostgreSQL they become
bytea first, holding each value's old text as UTF-8 until its batch packs it.
"""
import sqlalchemy as sa
from alembic import op

from desktop.store import packed_json

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = {"cases": ("answers", "materials", "assessment", "lifecycle"), "documents": ("snapshot",)}
BATCH = 2000


def _rows(conn, table: str, columns: tuple[str, ...]):
    """Every row's id and columns, in batches by id (a million cases never sit in memory at once)."""
    after = 0
    while True:
        rows = conn.execute(sa.text(f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > :after "
                                    f"ORDER BY id LIMIT {BATCH}"), {"after": after}).all()
        if not rows:
            return
        yield rows
        after = rows[-1][0]


def _convert(conn, table: str, columns: tuple[str, ...], change) -> None:
    """Write ``change(value)`` for each row's non-NULL values that it changes (None from ``change``: keep)."""
    sets = ", ".join(f"{c} = :{c}" for c in columns)
    update = sa.text(f"UPDATE {table} SET {sets} WHERE id = :id")
    for rows in _rows(conn, table, columns):
        params = []
        for row in rows:
            values = {"id": row[0]}
            changed = False
            for column, value in zip(columns, row[1:], strict=True):
                new = None if value is None else change(value)
                changed = changed or new is not None
                values[column] = value if new is None else new
            if changed:
                params.append(values)
        if params:
            conn.execute(update, params)


def _pack(value):
    if packed_json.is_packed(value):
        return None
    return packed_json.pack_text(packed_json.text_of(value))


def upgrade() -> None:
    conn = op.get_bind()
    for table, columns in COLUMNS.items():
        if conn.dialect.name == "postgresql":
            for column in columns:
                op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE bytea "
                           f"USING convert_to({column}::text, 'UTF8')")
        _convert(conn, table, columns, _pack)


def _unpacked(value, postgres: bool):
    if not packed_json.is_packed(value):
        return None  # an old row's text (SQLite) or its UTF-8 bytes (PostgreSQL: convert_from reads them)
    text = packed_json.text_of(value)
    return text.encode("utf-8") if postgres else text


def downgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    for table, columns in COLUMNS.items():
        _convert(conn, table, columns, lambda value: _unpacked(value, postgres))
        if postgres:
            for column in columns:
                op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE json "
                           f"USING convert_from({column}, 'UTF8')::json")
