"""The audit as evidence: one writer order (seq, UNIQUE), content hashes of cases and papers, a keyed chain.

Revision ID: 0010
Revises: 0009

The existing rows stay exactly as they were (plain SHA-256, now numbered 1..n in id order); the
chain row records n as ``legacy_seq``, and the program signs every row after it with the hall key
(HMAC-SHA256), the first of them chaining onto the last plain row. So `audit verify` checks the old
part the old way and an honest old database upgrades without a tamper alarm.
"""
from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The append-only triggers of 0006; dropped for the one backfill below and made again.
SQLITE_TRIGGERS = {
    "audit_log_no_update": """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END""",
    "audit_log_no_delete": """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END""",
}
PG_TRIGGERS = {
    "audit_log_no_update": """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    "audit_log_no_delete": """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    "audit_log_no_truncate": """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
}
# The chain row's table also refuses changes: its id is signed into every row anyway.
SQLITE_CHAIN_TRIGGERS = [
    """CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
       BEGIN SELECT RAISE(ABORT, 'audit_chain is fixed: UPDATE refused'); END""",
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
       BEGIN SELECT RAISE(ABORT, 'audit_chain is fixed: DELETE refused'); END""",
]
PG_CHAIN_TRIGGERS = [
    """CREATE TRIGGER audit_chain_no_change BEFORE UPDATE OR DELETE ON audit_chain
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
]


def _drop_triggers(dialect: str) -> None:
    for name in (SQLITE_TRIGGERS if dialect == "sqlite" else PG_TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else " ON audit_log"))


def _make_triggers(dialect: str) -> None:
    for statement in (SQLITE_TRIGGERS if dialect == "sqlite" else PG_TRIGGERS).values():
        op.execute(statement)


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _drop_triggers(dialect)
    for column in (sa.Column("seq", sa.Integer(), nullable=True),
                   sa.Column("case_hash", sa.String(length=64), nullable=True),
                   sa.Column("document_id", sa.Integer(), nullable=True),
                   sa.Column("document_hash", sa.String(length=64), nullable=True),
                   sa.Column("key_id", sa.String(length=16), nullable=True)):
        op.add_column("audit_log", column)
    # NOTE: one statement, not a row at a time: a million-case hall has millions of audit rows.
    op.execute("""UPDATE audit_log SET seq = r.rn
                  FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM audit_log) AS r
                  WHERE r.id = audit_log.id""")
    # Old paper events (paper.print / .made / .reprint) named their document only in detail; the
    # column lets verify find it.
    if dialect == "sqlite":
        op.execute("""UPDATE audit_log SET document_id = json_extract(detail, '$.document_id')
                      WHERE json_type(detail, '$.document_id') = 'integer'""")
    else:
        op.execute("""UPDATE audit_log SET document_id = (detail->>'document_id')::integer
                      WHERE (detail->>'document_id') ~ '^[0-9]{1,9}$'""")
    op.create_index("ix_audit_log_seq", "audit_log", ["seq"], unique=True)
    op.create_index("ix_audit_log_document_id", "audit_log", ["document_id"])
    _make_triggers(dialect)
    chain = op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.String(length=32), nullable=False),
        sa.Column("legacy_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    legacy = bind.execute(sa.text("SELECT count(*) FROM audit_log")).scalar() or 0
    op.bulk_insert(chain, [{"id": 1, "chain_id": uuid.uuid4().hex, "legacy_seq": legacy,
                            "created_at": datetime.now()}])
    for statement in (SQLITE_CHAIN_TRIGGERS if dialect == "sqlite" else PG_CHAIN_TRIGGERS):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_table("audit_chain")  # its triggers go with it
    _drop_triggers(dialect)
    op.drop_index("ix_audit_log_document_id", table_name="audit_log")
    op.drop_index("ix_audit_log_seq", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        for name in ("key_id", "document_hash", "document_id", "case_hash", "seq"):
            batch.drop_column(name)
    _make_triggers(dialect)
