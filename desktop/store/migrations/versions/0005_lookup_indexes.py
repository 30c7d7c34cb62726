"""Lookups at a million cases: status and service lists by date, and the name bigram table.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 5000


def _bigrams(name):
    # NOTE: a copy of desktop.store.models.name_bigrams as it was at this revision, so the
    # migration does not change when the model code does.
    name = (name or "").strip()
    if len(name) < 2:
        return {name} if name else set()
    return {name[i:i + 2] for i in range(len(name) - 1)}


def upgrade() -> None:
    op.create_index("ix_cases_status_received", "cases", ["status", "received_on"])
    op.create_index("ix_cases_service_received", "cases", ["service_id", "received_on"])
    bigrams = op.create_table(
        "case_name_bigrams",
        sa.Column("bigram", sa.String(length=2), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_name_bigrams_case_id_cases")),
        sa.PrimaryKeyConstraint("bigram", "case_id", name=op.f("pk_case_name_bigrams")),
        sqlite_with_rowid=False,
    )
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(sa.text("SELECT id, applicant_name FROM cases WHERE id > :last AND applicant_name "
                                    "IS NOT NULL ORDER BY id LIMIT :n"), {"last": last, "n": BATCH}).all()
        if not rows:
            break
        op.bulk_insert(bigrams, [{"bigram": b, "case_id": i} for i, name in rows for b in _bigrams(name)])
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_table("case_name_bigrams")
    op.drop_index("ix_cases_service_received", table_name="cases")
    op.drop_index("ix_cases_status_received", table_name="cases")
