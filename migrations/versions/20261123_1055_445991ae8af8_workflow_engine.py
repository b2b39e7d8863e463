"""workflow engine: process versions, instances, task projection, drafts, case events, alerts

Revision ID: 445991ae8af8
Revises: e223fcf69e52
Create Date: 2026-11-23 10:55:34.372193
"""

from alembic import op
import sqlalchemy as sa
import victimcare.db


revision = '445991ae8af8'
down_revision = 'e223fcf69e52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('bpmn_xml', sa.Text(), nullable=False),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_versions')),
    sa.UniqueConstraint('process_key', 'sha256', name=op.f('uq_process_versions_process_key'))
    )
    op.create_table('workflow_instances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('process_version_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('running', 'completed', name='instancestatus', native_enum=False, length=32), nullable=False),
    sa.Column('serialized', sa.Text(), nullable=False),
    sa.Column('serializer_version', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_timer_due_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_workflow_instances_case_id_cases')),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_versions.id'], name=op.f('fk_workflow_instances_process_version_id_process_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_instances'))
    )
    with op.batch_alter_table('workflow_instances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_instances_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_instances_next_timer_due_at'), ['next_timer_due_at'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('lane', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('raised_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_alerts_case_id_cases')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instances.id'], name=op.f('fk_alerts_instance_id_workflow_instances')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_alerts_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_alerts_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_resolved_at'), ['resolved_at'], unique=False)

    op.create_table('workflow_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('spiff_task_id', sa.String(length=36), nullable=False),
    sa.Column('task_name', sa.String(length=64), nullable=False),
    sa.Column('form_key', sa.String(length=64), nullable=False),
    sa.Column('lane', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('assigned_user_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('ready', 'completed', 'cancelled', name='taskstate', native_enum=False, length=32), nullable=False),
    sa.Column('due_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('completion_token', sa.String(length=64), nullable=True),
    sa.Column('context', sa.JSON(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_user_id'], ['users.id'], name=op.f('fk_workflow_tasks_assigned_user_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_workflow_tasks_case_id_cases')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_workflow_tasks_completed_by_id_users')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instances.id'], name=op.f('fk_workflow_tasks_instance_id_workflow_instances')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_workflow_tasks_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_tasks')),
    sa.UniqueConstraint('completion_token', name=op.f('uq_workflow_tasks_completion_token')),
    sa.UniqueConstraint('instance_id', 'spiff_task_id', name=op.f('uq_workflow_tasks_instance_id'))
    )
    with op.batch_alter_table('workflow_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workflow_tasks_assigned_user_id'), ['assigned_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_tasks_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_workflow_tasks_inbox', ['state', 'lane', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_workflow_tasks_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases')),
    sa.ForeignKeyConstraint(['task_id'], ['workflow_tasks.id'], name=op.f('fk_case_events_task_id_workflow_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('task_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['workflow_tasks.id'], name=op.f('fk_task_drafts_task_id_workflow_tasks')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_task_drafts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_drafts')),
    sa.UniqueConstraint('task_id', 'user_id', name=op.f('uq_task_drafts_task_id'))
    )
    with op.batch_alter_table('task_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_drafts_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_assignments_task_id'), ['task_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_case_assignments_task_id_workflow_tasks'), 'workflow_tasks', ['task_id'], ['id'])



def downgrade():
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_case_assignments_task_id_workflow_tasks'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_assignments_task_id'))
        batch_op.drop_column('task_id')

    with op.batch_alter_table('task_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_drafts_user_id'))

    op.drop_table('task_drafts')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('workflow_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_tasks_organisation_id'))
        batch_op.drop_index('ix_workflow_tasks_inbox')
        batch_op.drop_index(batch_op.f('ix_workflow_tasks_case_id'))
        batch_op.drop_index(batch_op.f('ix_workflow_tasks_assigned_user_id'))

    op.drop_table('workflow_tasks')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_resolved_at'))
        batch_op.drop_index(batch_op.f('ix_alerts_instance_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_case_id'))

    op.drop_table('alerts')
    with op.batch_alter_table('workflow_instances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_instances_next_timer_due_at'))
        batch_op.drop_index(batch_op.f('ix_workflow_instances_case_id'))

    op.drop_table('workflow_instances')
    op.drop_table('process_versions')
