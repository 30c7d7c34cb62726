"""The audit's v2 rows: signed before their place is known, placed and linked under the chain's lock (issue 15).

Revision ID: 0019
Revises: 0018

NOTE: a v1 row's HMAC covers its seq and the row before, so a window had to hold the hall-wide
chain lock while the head travelled to it, it signed, and the rows travelled back: two exchanges
plus the window's own wait for a core. A v2 row signs its content, a random ``nonce`` and the head
its window saw before signing (``seen_seq`` and that row's link); the row's seq and its keyless
SHA-256 link to the row before are added under the lock, on PostgreSQL by the INSERT itself
(desktop/store/audit.py), so the lock is held only inside the server. Old rows stay as they are;
the first v2 row links onto the last one. Both columns are NULL on every older row.
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NOTE: plain ADD COLUMN on both backends (no table copy: audit_log keeps its append-only triggers),
    # and only where missing: a downgrade leaves them (below).
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("audit_log")}
    if "nonce" not in present:
        op.add_column("audit_log", sa.Column("nonce", sa.String(length=16), nullable=True))
    if "seen_seq" not in present:
        op.add_column("audit_log", sa.Column("seen_seq", sa.Integer(), nullable=True))


def downgrade() -> None:
    # NOTE: the columns stay. Without them no v2 row could be told from a forged one, and the chain
    # would stop verifying for good; an older program does not read them (it cannot check v2 rows,
    # and a row it writes links as a v1 row). Upgrading again finds them in place.
    pass
