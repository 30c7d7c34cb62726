"""Case lifecycle: lifecycle details and closing day on cases, pledges, coded decision reasons.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Starting set of coded reasons; the administrator maintains the table afterwards.
REASONS = [
    ("RP01", "申请人户籍在本市，不属于居住证办理对象", "郑政办〔2021〕8号 一、"),
    ("RP02", "不符合居住满半年的申领条件之一", "郑政办〔2021〕8号 二、"),
    ("RP03", "经核查，证明材料与事实不符", "郑政办〔2021〕8号 三、"),
    ("EB01", "车辆不符合强制性国家标准或不在强制性产品认证目录内", "郑州市非机动车管理办法 第十三条"),
    ("EB02", "来历证明或合格证明无效", "郑州市非机动车管理办法 第十四条"),
    ("CY01", "不符合返乡入乡创业补贴的申领条件", "郑政办〔2021〕13号 三、"),
    ("CY02", "经核查，经营或用工情况与申报不符", "郑政办〔2021〕13号 三、"),
    ("GN01", "申请人隐瞒有关情况或者提供虚假材料", "《中华人民共和国行政许可法》第七十八条"),
]


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lifecycle", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("material_key", sa.String(length=40), nullable=False),
        sa.Column("material_label", sa.String(length=120), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("fulfilled_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_pledges_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
    )
    op.create_index("ix_pledges_case_id", "pledges", ["case_id"])
    op.create_index("ix_pledges_open_due", "pledges", ["fulfilled_on", "due_on"])
    reasons = op.create_table(
        "decision_reasons",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("basis", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_decision_reasons")),
    )
    op.bulk_insert(reasons, [{"code": c, "label": l, "basis": b, "active": True} for c, l, b in REASONS])


def downgrade() -> None:
    op.drop_table("decision_reasons")
    op.drop_index("ix_pledges_open_due", table_name="pledges")
    op.drop_index("ix_pledges_case_id", table_name="pledges")
    op.drop_table("pledges")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("closed_on")
        batch_op.drop_column("lifecycle")
