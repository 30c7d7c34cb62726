"""The review queue (待办 待审核) from one index: (status, due_on, id, service_id) replaces (status, due_on) (issue 15).

Revision ID: 0018
Revises: 0017

NOTE: the queue is ``status = 'accepted' AND service_id NOT IN (procedures decided at the window)
ORDER BY due_on, id LIMIT 500``. Walking (status, due_on) gave the order, but every accepted case
of a procedure decided at the window (accepted before issue 13, or a hall's e-bike backlog) had its
table row read only to be skipped, and at a million cases those rows are thousands of page reads.
With the service in the index the skip is decided on the index entry (SQLite's deferred seek);
``id`` before it keeps ``due_on, id`` the index's own order on SQLite and PostgreSQL alike (a
column between due_on and the rowid would make SQLite sort the ties). The old index is a prefix
of the new one, so it goes: one index less to write at every accept.
"""
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_review", "cases", ["status", "due_on", "id", "service_id"])
    op.drop_index("ix_cases_status_due", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_status_due", "cases", ["status", "due_on"])
    op.drop_index("ix_cases_review", table_name="cases")
