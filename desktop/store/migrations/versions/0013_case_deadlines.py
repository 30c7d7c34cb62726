"""Each case's deadlines tracked one by one (case_deadlines) and the hall's own parameter values.

Revision ID: 0013
Revises: 0012

The open cases' deadlines are copied from their stored assessment (or the restarted ones after a
补正), so the work lists keep them. NOTE: before this revision only the latest deadline was kept up
to date (``cases.due_on``): an extension moved that one, so the row whose date it was gets the
case's current date; e-bike and subsidy cases accepted earlier had no deadline and get none now
(a promise the hall never printed is not invented afterwards).
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OPEN = ("accepted", "supplement_requested", "approved")
_STAGE_BY_KEY = {"review": "decision", "issue": "issue"}


def upgrade() -> None:
    op.create_table(
        "case_deadlines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("key", sa.String(24), nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("extended_days", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(200), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
    )
    op.create_index("ix_case_deadlines_state_due", "case_deadlines", ["state", "due_on"])
    op.create_index("ix_case_deadlines_case_id", "case_deadlines", ["case_id"])
    op.create_table(
        "hall_parameters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("params_name", sa.String(40), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("changed_by", sa.String(40), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("params_name", "name", "since", name="uq_hall_parameters_day"),
    )
    _copy_open_deadlines()


def _copy_open_deadlines() -> None:
    cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("status", sa.String),
                     sa.column("due_on", sa.Date), sa.column("assessment", sa.JSON), sa.column("lifecycle", sa.JSON))
    target = sa.table("case_deadlines", *(sa.column(c) for c in (
        "case_id", "key", "label", "stage", "count", "unit", "extended_days", "basis", "explanation", "due_on",
        "provisional", "state", "met_on")))
    bind = op.get_bind()
    rows = []
    for case in bind.execute(sa.select(cases).where(cases.c.status.in_(OPEN))):
        stored = {d["key"]: d for d in (case.assessment or {}).get("deadlines", [])}
        life = case.lifecycle or {}
        current = {d["key"]: d for d in life.get("deadlines", [])} or stored
        if not current:
            continue
        latest = max(date.fromisoformat(d["due"]) for d in current.values())
        extended = sum(e.get("days", 0) for e in life.get("extensions", []))
        decided = (life.get("decision") or {}).get("on")
        for key, d in current.items():
            base = stored.get(key, d)
            due = date.fromisoformat(d["due"])
            stage = base.get("stage") or _STAGE_BY_KEY.get(key, "completion")
            moved = extended and due == latest and case.due_on is not None
            state = "running"
            met_on = None
            if case.status == "supplement_requested":
                state = "stopped"
            elif case.status == "approved" and stage == "decision":
                state, met_on = "met", (date.fromisoformat(decided) if decided else None)
            rows.append({"case_id": case.id, "key": key, "label": d["label"], "stage": stage,
                         "count": int(base.get("count", 0)), "unit": base.get("unit", "working_days"),
                         "extended_days": extended if moved else 0, "basis": str(base.get("basis", ""))[:200],
                         "explanation": d.get("explanation", ""), "due_on": case.due_on if moved else due,
                         "provisional": bool(d.get("provisional")), "state": state, "met_on": met_on})
    if rows:
        op.bulk_insert(target, rows)


def downgrade() -> None:
    op.drop_table("hall_parameters")
    op.drop_index("ix_case_deadlines_case_id", table_name="case_deadlines")
    op.drop_index("ix_case_deadlines_state_due", table_name="case_deadlines")
    op.drop_table("case_deadlines")
