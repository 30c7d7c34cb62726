"""Name prefix lists newest first from the index: (applicant_name, received_on) replaces the name index.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_name_received", "cases", ["applicant_name", "received_on"])
    op.drop_index("ix_cases_applicant_name", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_applicant_name", "cases", ["applicant_name"])
    op.drop_index("ix_cases_name_received", table_name="cases")
