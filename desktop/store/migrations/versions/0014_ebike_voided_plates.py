"""Voided e-bike plates (补领/换领号牌, 灭失登记, issue 13) and the coded refusal reasons of the three new procedures.

Revision ID: 0014
Revises: 0013

NOTE: before this revision no plate was ever voided (a destroyed bike could not be registered and a
plate could not be replaced), so the table starts empty; nothing is derived from older rows.
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# NOTE: each procedure's own reason, as 0012 gave the transfer and the theft report theirs (第十五条
# makes each registration the registered owner's); an administrator can reword or deactivate them.
ADDED = [
    ("EB05", "申请人不是该车登记所有人，或车辆并未灭失", "郑州市非机动车管理办法 第十五条", "ebike_destroyed"),
    ("EB06", "申请人不是该车登记所有人，或找回的车辆与登记不符", "郑州市非机动车管理办法 第十五条", "ebike_recovered"),
    ("EB07", "申请人不是该车登记所有人，或交验的车辆与登记不符", "郑州市非机动车管理办法 第十五条、第二十一条",
     "ebike_plate"),
]


def upgrade() -> None:
    op.create_table(
        "ebike_voided_plates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plate_no", sa.String(length=20), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("replaced_by", sa.String(length=20), nullable=True),
        sa.Column("voided_on", sa.Date(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_ebike_voided_plates_case_id_cases")),
        sa.ForeignKeyConstraint(["registration_id"], ["ebike_registrations.id"],
                                name=op.f("fk_ebike_voided_plates_registration_id_ebike_registrations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ebike_voided_plates")),
        sa.UniqueConstraint("plate_no", name=op.f("uq_ebike_voided_plates_plate_no")),
    )
    op.create_index("ix_ebike_voided_plates_registration_id", "ebike_voided_plates", ["registration_id"])
    op.create_index("ix_ebike_voided_plates_case_id", "ebike_voided_plates", ["case_id"])
    op.create_index("ix_ebike_voided_plates_replaced_by", "ebike_voided_plates", ["replaced_by"])
    reasons = sa.table("decision_reasons", sa.column("code", sa.String), sa.column("label", sa.Text),
                       sa.column("basis", sa.String), sa.column("active", sa.Boolean),
                       sa.column("service_id", sa.String))
    existing = {row[0] for row in op.get_bind().execute(sa.select(reasons.c.code))}
    op.bulk_insert(reasons, [{"code": c, "label": l, "basis": b, "active": True, "service_id": s}
                             for c, l, b, s in ADDED if c not in existing])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM decision_reasons WHERE code IN ('EB05', 'EB06', 'EB07')"))
    op.drop_index("ix_ebike_voided_plates_replaced_by", table_name="ebike_voided_plates")
    op.drop_index("ix_ebike_voided_plates_case_id", table_name="ebike_voided_plates")
    op.drop_index("ix_ebike_voided_plates_registration_id", table_name="ebike_voided_plates")
    op.drop_table("ebike_voided_plates")
