"""Autosaved scratch copies of intake pages with unsaved input, offered back after a crash.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft_autosaves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clerk_id", sa.Integer(), nullable=False),
        sa.Column("window", sa.String(length=8), nullable=False),
        sa.Column("service_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("applicant_name", sa.String(length=40), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["clerk_id"], ["accounts.id"], name=op.f("fk_draft_autosaves_clerk_id_accounts")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_draft_autosaves_case_id_cases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_autosaves")),
    )
    op.create_index("ix_draft_autosaves_clerk_id_window", "draft_autosaves", ["clerk_id", "window"])


def downgrade() -> None:
    op.drop_index("ix_draft_autosaves_clerk_id_window", table_name="draft_autosaves")
    op.drop_table("draft_autosaves")
