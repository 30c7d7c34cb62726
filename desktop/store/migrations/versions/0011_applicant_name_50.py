"""The applicant's name column holds what the forms allow (50 characters: a passport name on the e-bike forms).

Revision ID: 0011
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NOTE: SQLite does not enforce VARCHAR lengths (a 43-character name was always kept there), so
    # only PostgreSQL, which refused it with a DataError, needs the wider column; rebuilding the
    # SQLite cases table (with its indexes) for a declaration it ignores would only risk the data.
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("cases", "applicant_name", type_=sa.String(50), existing_type=sa.String(40),
                        existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("cases", "applicant_name", type_=sa.String(40), existing_type=sa.String(50),
                        existing_nullable=True)
