"""Initial schema: accounts, cases, case sequences, printed documents, calendar overrides, audit log.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 21:46:24.902554
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('display_name', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('username', name=op.f('uq_accounts_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=True),
    sa.Column('window', sa.String(length=8), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_log_case_id', ['case_id'], unique=False)

    op.create_table('calendar_overrides',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_overrides'))
    )
    op.create_table('case_sequences',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('window', sa.String(length=8), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', 'window', 'day', name=op.f('pk_case_sequences'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_no', sa.String(length=24), nullable=True),
    sa.Column('service_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('applicant_name', sa.String(length=40), nullable=True),
    sa.Column('id_number', sa.String(length=24), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('plate_no', sa.String(length=20), nullable=True),
    sa.Column('frame_no', sa.String(length=32), nullable=True),
    sa.Column('window', sa.String(length=8), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('assessment', sa.JSON(), nullable=True),
    sa.Column('rules_version', sa.String(length=80), nullable=True),
    sa.Column('calendar_version', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['clerk_id'], ['accounts.id'], name=op.f('fk_cases_clerk_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('case_no', name=op.f('uq_cases_case_no'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_applicant_name', ['applicant_name'], unique=False)
        batch_op.create_index('ix_cases_frame_no', ['frame_no'], unique=False)
        batch_op.create_index('ix_cases_id_number', ['id_number'], unique=False)
        batch_op.create_index('ix_cases_phone', ['phone'], unique=False)
        batch_op.create_index('ix_cases_plate_no', ['plate_no'], unique=False)
        batch_op.create_index('ix_cases_received_on', ['received_on'], unique=False)
        batch_op.create_index('ix_cases_service_status_received', ['service_id', 'status', 'received_on'], unique=False)
        batch_op.create_index('ix_cases_status_due', ['status', 'due_on'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('copy_no', sa.Integer(), nullable=False),
    sa.Column('reprint_reason', sa.Text(), nullable=True),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.Column('printed_by', sa.Integer(), nullable=False),
    sa.Column('window', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_documents_case_id_cases')),
    sa.ForeignKeyConstraint(['printed_by'], ['accounts.id'], name=op.f('fk_documents_printed_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('case_id', 'kind', 'copy_no', name=op.f('uq_documents_case_id_kind_copy_no'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_case_id', ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_case_id')

    op.drop_table('documents')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_due')
        batch_op.drop_index('ix_cases_service_status_received')
        batch_op.drop_index('ix_cases_received_on')
        batch_op.drop_index('ix_cases_plate_no')
        batch_op.drop_index('ix_cases_phone')
        batch_op.drop_index('ix_cases_id_number')
        batch_op.drop_index('ix_cases_frame_no')
        batch_op.drop_index('ix_cases_applicant_name')

    op.drop_table('cases')
    op.drop_table('case_sequences')
    op.drop_table('calendar_overrides')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_case_id')
        batch_op.drop_index('ix_audit_log_at')

    op.drop_table('audit_log')
    op.drop_table('accounts')
