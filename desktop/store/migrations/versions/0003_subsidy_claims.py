"""Startup subsidy claim history: claims, the cost months they covered and the workers they counted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subsidy_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('case_no', sa.String(length=24), nullable=False),
    sa.Column('claim_type', sa.String(length=24), nullable=False),
    sa.Column('business_uscc', sa.String(length=18), nullable=True),
    sa.Column('id_number', sa.String(length=24), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('training_type', sa.String(length=16), nullable=True),
    sa.Column('amount', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_subsidy_claims_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claims')),
    sa.UniqueConstraint('case_id', name=op.f('uq_subsidy_claims_case_id'))
    )
    with op.batch_alter_table('subsidy_claims', schema=None) as batch_op:
        batch_op.create_index('ix_subsidy_claims_business_uscc', ['business_uscc'], unique=False)
        batch_op.create_index('ix_subsidy_claims_id_number', ['id_number'], unique=False)

    op.create_table('subsidy_claim_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['subsidy_claims.id'],
                            name=op.f('fk_subsidy_claim_months_claim_id_subsidy_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claim_months'))
    )
    with op.batch_alter_table('subsidy_claim_months', schema=None) as batch_op:
        batch_op.create_index('ix_subsidy_claim_months_claim_id', ['claim_id'], unique=False)
        batch_op.create_index('ix_subsidy_claim_months_month', ['month'], unique=False)

    op.create_table('subsidy_claim_workers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=24), nullable=False),
    sa.Column('business_uscc', sa.String(length=18), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['subsidy_claims.id'],
                            name=op.f('fk_subsidy_claim_workers_claim_id_subsidy_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claim_workers'))
    )
    with op.batch_alter_table('subsidy_claim_workers', schema=None) as batch_op:
        batch_op.create_index('ix_subsidy_claim_workers_claim_id', ['claim_id'], unique=False)
        batch_op.create_index('ix_subsidy_claim_workers_id_number', ['id_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('subsidy_claim_workers', schema=None) as batch_op:
        batch_op.drop_index('ix_subsidy_claim_workers_id_number')
        batch_op.drop_index('ix_subsidy_claim_workers_claim_id')
    op.drop_table('subsidy_claim_workers')
    with op.batch_alter_table('subsidy_claim_months', schema=None) as batch_op:
        batch_op.drop_index('ix_subsidy_claim_months_month')
        batch_op.drop_index('ix_subsidy_claim_months_claim_id')
    op.drop_table('subsidy_claim_months')
    with op.batch_alter_table('subsidy_claims', schema=None) as batch_op:
        batch_op.drop_index('ix_subsidy_claims_id_number')
        batch_op.drop_index('ix_subsidy_claims_business_uscc')
    op.drop_table('subsidy_claims')
