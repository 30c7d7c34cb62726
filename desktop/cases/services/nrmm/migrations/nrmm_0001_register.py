"""非道路移动机械编码登记: its register, code counters and coded refusal reasons (the service's own branch).

Revision ID: nrmm_0001
Revises: (none — the first revision of branch nrmm; depends on the core chain's 0012)
"""
import sqlalchemy as sa
from alembic import op

revision = "nrmm_0001"
down_revision = None
branch_labels = ("nrmm",)
# NOTE: the oldest core revision it needs — decision_reasons.service_id (0012) for its reasons; its own
# tables refer only to cases (0001) — so an older hall upgrades the core chain and this branch in one go.
depends_on = "0012"

LIVE = sa.text("status IN ('pending', 'registered')")
# NOTE: the same rows desktop/cases/services/nrmm/reasons.py declares (a test compares them); inserted
# here once, so an administrator's rewording or deactivation is never undone by a start-up.
REASONS = [
    ("FD01", "机械排放污染物检验不合格或检验报告不实", "郑州市机动车和非道路移动机械排放污染防治办法 第九条第二款"),
    ("FD02", "申报的机械不属于装配有发动机的非道路移动机械", "郑州市机动车和非道路移动机械排放污染防治办法 第三十六条"),
    ("FD03", "该机械已经编码登记，编码不重复核发", "郑州市机动车和非道路移动机械排放污染防治办法 第九条第一款"),
    ("FD04", "报送的编码信息与机械铭牌、发动机铭牌或环保信息公开标签不符",
     "郑州市机动车和非道路移动机械排放污染防治办法 第九条第一款、第二款"),
]


def upgrade() -> None:
    op.create_table(
        "nrmm_registrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, unique=True),
        sa.Column("case_no", sa.String(20), nullable=False),
        sa.Column("product_no", sa.String(40), nullable=False),
        sa.Column("engine_no", sa.String(40), nullable=False, server_default=""),
        sa.Column("machine_type", sa.String(40), nullable=False),
        sa.Column("department", sa.String(10), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("code", sa.String(32), nullable=True, unique=True),
        sa.Column("accepted_on", sa.Date, nullable=False),
        sa.Column("registered_on", sa.Date, nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("uq_nrmm_registrations_live_product", "nrmm_registrations", ["product_no"], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_table(
        "nrmm_code_counters",
        sa.Column("prefix", sa.String(24), primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    reasons = sa.table("decision_reasons", sa.column("code", sa.String), sa.column("label", sa.Text),
                       sa.column("basis", sa.String), sa.column("active", sa.Boolean),
                       sa.column("service_id", sa.String))
    existing = {row[0] for row in op.get_bind().execute(sa.select(reasons.c.code))}
    op.bulk_insert(reasons, [{"code": c, "label": label, "basis": b, "active": True, "service_id": "nrmm_registration"}
                             for c, label, b in REASONS if c not in existing])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM decision_reasons WHERE service_id = 'nrmm_registration'"))
    op.drop_table("nrmm_code_counters")
    op.drop_index("uq_nrmm_registrations_live_product", table_name="nrmm_registrations")
    op.drop_table("nrmm_registrations")
