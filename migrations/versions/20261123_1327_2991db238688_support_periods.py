"""support periods: reflection and restitution periods and their extensions

Revision ID: 2991db238688
Revises: 90e467f0161b
Create Date: 2026-11-23 13:27:01.605711
"""

from alembic import op
import sqlalchemy as sa
import victimcare.db


revision = '2991db238688'
down_revision = '90e467f0161b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('support_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('reflection', 'restitution', name='periodkind', native_enum=False, length=32), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('running', 'ended', name='periodstatus', native_enum=False, length=32), nullable=False),
    sa.Column('asylum_rejected_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.String(length=2000), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Enum('expired', 'asylum', 'residence_ended', name='endreason', native_enum=False, length=32), nullable=True),
    sa.Column('follows_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_support_periods_case_id_cases')),
    sa.ForeignKeyConstraint(['follows_id'], ['support_periods.id'], name=op.f('fk_support_periods_follows_id_support_periods')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_support_periods_granted_by_id_users')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instances.id'], name=op.f('fk_support_periods_instance_id_workflow_instances')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_periods'))
    )
    with op.batch_alter_table('support_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_periods_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_periods_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_periods_instance_id'), ['instance_id'], unique=False)

    op.create_table('period_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('previous_ends_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Enum('special_reasons', 'prepared_return', 'other', name='extensionreason', native_enum=False, length=32), nullable=False),
    sa.Column('notes', sa.String(length=2000), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_period_extensions_decided_by_id_users')),
    sa.ForeignKeyConstraint(['period_id'], ['support_periods.id'], name=op.f('fk_period_extensions_period_id_support_periods')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_extensions'))
    )
    with op.batch_alter_table('period_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_extensions_period_id'), ['period_id'], unique=False)


def downgrade():
    with op.batch_alter_table('period_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_extensions_period_id'))

    op.drop_table('period_extensions')
    with op.batch_alter_table('support_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_periods_instance_id'))
        batch_op.drop_index(batch_op.f('ix_support_periods_ends_on'))
        batch_op.drop_index(batch_op.f('ix_support_periods_case_id'))

    op.drop_table('support_periods')