"""Plate blocks (each window's own numbered range of a plate prefix) and the register mode (issue 13).

Revision ID: 0015
Revises: 0013

NOTE: the hall pool (plate_pools) stays as it is, with its counter: a block of the same prefix may
only start above the numbers the pool has issued, so keeping its rows is what keeps old plates safe.
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plate_blocks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prefix", sa.String(12), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("first_no", sa.Integer(), nullable=False),
        sa.Column("last_no", sa.Integer(), nullable=False),
        sa.Column("next_no", sa.Integer(), nullable=False),
        sa.Column("window", sa.String(8), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("assigned_by", sa.String(40), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(40), nullable=True),
    )
    op.create_index("ix_plate_blocks_window", "plate_blocks", ["window"])
    op.create_index("ix_plate_blocks_prefix_first", "plate_blocks", ["prefix", "first_no"])
    # NOTE: no row is written: an old database keeps the default of its kind (PostgreSQL shared by
    # the hall, SQLite a standalone PC), so a standalone PC stops issuing from the pool until its
    # window has a block or the administrator declares this file the hall's one register.
    op.create_table(
        "plate_register_mode",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("plate_register_mode")
    op.drop_index("ix_plate_blocks_prefix_first", table_name="plate_blocks")
    op.drop_index("ix_plate_blocks_window", table_name="plate_blocks")
    op.drop_table("plate_blocks")
