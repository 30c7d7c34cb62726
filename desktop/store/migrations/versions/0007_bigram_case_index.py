"""Index the name bigram table by case, for renaming a draft and the retention purge.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_name_bigrams_case_id", "case_name_bigrams", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_name_bigrams_case_id", table_name="case_name_bigrams")
