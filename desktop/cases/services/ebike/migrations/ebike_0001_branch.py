"""电动自行车登记: the e-bike register's own migration branch begins (no schema change: the tables exist).

Revision ID: ebike_0001
Revises: (none — the first revision of branch ebike; depends on the core chain's 0015)

NOTE (issue 16), the decision: the register's tables (ebike_registrations, ebike_owner_history,
ebike_status_history, plate_pools; ebike_voided_plates; plate_blocks, plate_register_mode) were created by
the core chain's 0002, 0014 and 0015 in every hall there is, and those revisions are history: they stay
as written, so a hall at any older revision upgrades exactly as before. This revision only roots the
package's branch after 0015, the core revision where all of the register exists; every change to these
tables from now on is a revision here (``ebike_0002`` with ``down_revision = "ebike_0001"``, and the
HEAD file bumped), never a core one. A hall upgraded to this HallDesk gets the branch's row in
alembic_version after the usual backup; nothing else changes.
"""

revision = "ebike_0001"
down_revision = None
branch_labels = ("ebike",)
depends_on = "0015"


def upgrade() -> None:
    pass  # the tables are the core chain's 0002, 0014 and 0015 (see the NOTE above)


def downgrade() -> None:
    pass  # the branch goes; the tables stay with the core revisions that made them
