"""返乡入乡创业补贴: the claim history's own migration branch begins (no schema change: the tables exist).

Revision ID: subsidy_0001
Revises: (none — the first revision of branch subsidy; depends on the core chain's 0003)

NOTE (issue 16): the same decision as desktop/cases/services/ebike/migrations/ebike_0001_branch.py. The
claim history's tables (subsidy_claims, subsidy_claim_months, subsidy_claim_workers) were created by the
core chain's 0003, which stays as written; this revision roots the package's branch there, and every
change to those tables from now on is a revision of this branch (``subsidy_0002`` …, HEAD bumped).
"""

revision = "subsidy_0001"
down_revision = None
branch_labels = ("subsidy",)
depends_on = "0003"


def upgrade() -> None:
    pass  # the tables are the core chain's 0003 (see the NOTE above)


def downgrade() -> None:
    pass  # the branch goes; the tables stay with the core revision that made them
