"""Search identifiers move off the generic cases table into case_identifiers (issue 16: a service is a package).

Revision ID: 0016
Revises: 0015

cases.plate_no and cases.frame_no were the e-bike procedures' numbers on every case of every service;
they become rows (case_id, kind, value) of case_identifiers, indexed on (kind, value), which any
service's hook writes (desktop.cases.identifiers.record). The values move over as stored, so the
audit chain's case hashes (which name plate_no and frame_no, desktop/store/audit.py) still verify.
decision_reasons already has its service_id (0012); nothing to do there.
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

MOVED = ("plate_no", "frame_no")


def _can_drop_columns() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return True
    # NOTE: ALTER TABLE … DROP COLUMN needs SQLite 3.35; the alternative (batch mode) rebuilds the cases
    # table, which every other table references. An older SQLite keeps the two columns, unused and empty.
    text = str(bind.exec_driver_sql("SELECT sqlite_version()").scalar())
    version = tuple(int(p) for p in text.split("."))
    return version >= (3, 35)


def upgrade() -> None:
    op.create_table(
        "case_identifiers",
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", name=op.f("fk_case_identifiers_case_id_cases")),
                  primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(64), nullable=False),
    )
    op.create_index("ix_case_identifiers_kind_value", "case_identifiers", ["kind", "value"])
    for column in MOVED:
        op.execute(sa.text(f"INSERT INTO case_identifiers (case_id, kind, value) SELECT id, '{column}', {column} "
                           f"FROM cases WHERE {column} IS NOT NULL AND {column} <> ''"))
    op.drop_index("ix_cases_plate_no", table_name="cases")
    op.drop_index("ix_cases_frame_no", table_name="cases")
    if _can_drop_columns():
        for column in MOVED:
            op.execute(sa.text(f"ALTER TABLE cases DROP COLUMN {column}"))
    else:
        op.execute(sa.text("UPDATE cases SET plate_no = NULL, frame_no = NULL"))


def downgrade() -> None:
    bind = op.get_bind()
    existing = {c["name"] for c in sa.inspect(bind).get_columns("cases")}
    if "plate_no" not in existing:
        op.add_column("cases", sa.Column("plate_no", sa.String(20), nullable=True))
        op.add_column("cases", sa.Column("frame_no", sa.String(32), nullable=True))
    for column in MOVED:
        op.execute(sa.text(f"UPDATE cases SET {column} = (SELECT value FROM case_identifiers i "
                           f"WHERE i.case_id = cases.id AND i.kind = '{column}')"))
    op.create_index("ix_cases_plate_no", "cases", ["plate_no"])
    op.create_index("ix_cases_frame_no", "cases", ["frame_no"])
    op.drop_index("ix_case_identifiers_kind_value", table_name="case_identifiers")
    op.drop_table("case_identifiers")
