"""Each coded refusal reason belongs to one procedure (issue 14): a subsidy case is not offered e-bike reasons.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The reasons 0004 shipped, by the procedure whose law they cite.
SHIPPED = {
    "RP01": "residence_permit", "RP02": "residence_permit", "RP03": "residence_permit",
    "EB01": "ebike_registration", "EB02": "ebike_registration",
    "CY01": "startup_subsidy", "CY02": "startup_subsidy",
}
# NOTE: the transfer and theft/loss procedures had no reason of their own (EB01/EB02 cite 第十三条 and
# 第十四条, the first registration's); 第十五条 makes both the registered owner's, so their reasons say so.
# An administrator can reword or deactivate them.
ADDED = [
    ("EB03", "申请人不是该车登记所有人，或所有权转移的证明无效", "郑州市非机动车管理办法 第十五条", "ebike_transfer"),
    ("EB04", "申请人不是该车登记所有人", "郑州市非机动车管理办法 第十五条", "ebike_theft"),
]


def upgrade() -> None:
    with op.batch_alter_table("decision_reasons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service_id", sa.String(length=40), nullable=False, server_default=""))
        batch_op.create_index("ix_decision_reasons_service_id", ["service_id"])
    reasons = sa.table("decision_reasons", sa.column("code", sa.String), sa.column("label", sa.Text),
                       sa.column("basis", sa.String), sa.column("active", sa.Boolean),
                       sa.column("service_id", sa.String))
    for code, service_id in SHIPPED.items():
        op.execute(reasons.update().where(reasons.c.code == code).values(service_id=service_id))
    existing = {row[0] for row in op.get_bind().execute(sa.select(reasons.c.code))}
    op.bulk_insert(reasons, [{"code": c, "label": l, "basis": b, "active": True, "service_id": s}
                             for c, l, b, s in ADDED if c not in existing])
    # NOTE: a reason an administrator added before this revision cannot be placed by its code alone
    # when it does not follow the RP/EB/CY prefixes; it keeps "" and is offered to no case until the
    # administrator assigns its procedure (管理 → 账号与权限 → 理由).
    for prefix, service_id in (("RP", "residence_permit"), ("CY", "startup_subsidy")):
        op.execute(reasons.update().where(reasons.c.service_id == "", reasons.c.code.like(prefix + "%"))
                   .values(service_id=service_id))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM decision_reasons WHERE code IN ('EB03', 'EB04')"))
    with op.batch_alter_table("decision_reasons", schema=None) as batch_op:
        batch_op.drop_index("ix_decision_reasons_service_id")
        batch_op.drop_column("service_id")
