"""E-bike registry: registrations, owner and status history, and the plate pool with its default series.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:00:00
"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pools = op.create_table('plate_pools',
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('next_no', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_plate_pools'))
    )
    # NOTE: the default series 郑A + 5 digits is a placeholder an administrator replaces with the
    # hall's real series (desktop.cases.services.ebike.plates.set_series); the measures do not fix a format.
    op.bulk_insert(pools, [{'prefix': '郑A', 'width': 5, 'next_no': 1, 'active': True,
                            'updated_at': datetime.now(), 'updated_by': None}])
    op.create_table('ebike_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('frame_no', sa.String(length=32), nullable=False),
    sa.Column('plate_no', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('brand', sa.String(length=40), nullable=False),
    sa.Column('model', sa.String(length=40), nullable=False),
    sa.Column('colour', sa.String(length=20), nullable=False),
    sa.Column('owner_name', sa.String(length=50), nullable=False),
    sa.Column('owner_id_type', sa.String(length=32), nullable=False),
    sa.Column('owner_id_number', sa.String(length=32), nullable=False),
    sa.Column('registered_case_id', sa.Integer(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registered_case_id'], ['cases.id'],
                            name=op.f('fk_ebike_registrations_registered_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ebike_registrations')),
    sa.UniqueConstraint('frame_no', name=op.f('uq_ebike_registrations_frame_no')),
    sa.UniqueConstraint('plate_no', name=op.f('uq_ebike_registrations_plate_no'))
    )
    with op.batch_alter_table('ebike_registrations', schema=None) as batch_op:
        batch_op.create_index('ix_ebike_registrations_owner_id_number', ['owner_id_number'], unique=False)
        batch_op.create_index('ix_ebike_registrations_status', ['status'], unique=False)

    op.create_table('ebike_owner_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('owner_name', sa.String(length=50), nullable=False),
    sa.Column('owner_id_type', sa.String(length=32), nullable=False),
    sa.Column('owner_id_number', sa.String(length=32), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_ebike_owner_history_case_id_cases')),
    sa.ForeignKeyConstraint(['registration_id'], ['ebike_registrations.id'],
                            name=op.f('fk_ebike_owner_history_registration_id_ebike_registrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ebike_owner_history'))
    )
    with op.batch_alter_table('ebike_owner_history', schema=None) as batch_op:
        batch_op.create_index('ix_ebike_owner_history_registration_id', ['registration_id'], unique=False)

    op.create_table('ebike_status_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_ebike_status_history_case_id_cases')),
    sa.ForeignKeyConstraint(['registration_id'], ['ebike_registrations.id'],
                            name=op.f('fk_ebike_status_history_registration_id_ebike_registrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ebike_status_history'))
    )
    with op.batch_alter_table('ebike_status_history', schema=None) as batch_op:
        batch_op.create_index('ix_ebike_status_history_registration_id', ['registration_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ebike_status_history', schema=None) as batch_op:
        batch_op.drop_index('ix_ebike_status_history_registration_id')
    op.drop_table('ebike_status_history')
    with op.batch_alter_table('ebike_owner_history', schema=None) as batch_op:
        batch_op.drop_index('ix_ebike_owner_history_registration_id')
    op.drop_table('ebike_owner_history')
    with op.batch_alter_table('ebike_registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_ebike_registrations_status')
        batch_op.drop_index('ix_ebike_registrations_owner_id_number')
    op.drop_table('ebike_registrations')
    op.drop_table('plate_pools')
