"""returns: prepared return, safety assessment, budget, follow-up, rates and partners

Revision ID: 0f63d4cdbe08
Revises: 158ceb315fe1
Create Date: 2026-11-23 14:06:25.496797
"""

from alembic import op
import sqlalchemy as sa
import victimcare.db


revision = '0f63d4cdbe08'
down_revision = '158ceb315fe1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exchange_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('dkk_per_unit', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    sa.UniqueConstraint('currency', 'valid_from', name=op.f('uq_exchange_rates_currency'))
    )
    op.create_table('return_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('programme', sa.Enum('drc_erso', 'errin', name='programme', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_partners')),
    sa.UniqueConstraint('country', name=op.f('uq_return_partners_country'))
    )
    op.create_table('return_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=400), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_rates')),
    sa.UniqueConstraint('code', 'valid_from', name=op.f('uq_return_rates_code'))
    )
    op.create_table('prepared_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('offered', 'accepted', 'declined', 'approved', 'departed', 'closed', 'stopped', name='returnstatus', native_enum=False, length=32), nullable=False),
    sa.Column('offered_by_id', sa.Integer(), nullable=False),
    sa.Column('offered_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Enum('accepted', 'declined', 'undecided', name='answer', native_enum=False, length=32), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('destination_country', sa.String(length=2), nullable=False),
    sa.Column('accompanying_children', sa.Integer(), nullable=False),
    sa.Column('provider', sa.Boolean(), nullable=False),
    sa.Column('accepted_in_reflection', sa.Boolean(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('partner_change_reason', sa.String(length=2000), nullable=False),
    sa.Column('activity', sa.String(length=2000), nullable=False),
    sa.Column('health_reason', sa.String(length=2000), nullable=False),
    sa.Column('justification', sa.String(length=2000), nullable=False),
    sa.Column('over_maximum', sa.Boolean(), nullable=False),
    sa.Column('exception_approved_by_id', sa.Integer(), nullable=True),
    sa.Column('exception_approved_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ministry_decision', sa.String(length=32), nullable=False),
    sa.Column('ministry_decided_on', sa.Date(), nullable=True),
    sa.Column('ministry_contact', sa.String(length=120), nullable=False),
    sa.Column('ministry_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('departed_on', sa.Date(), nullable=True),
    sa.Column('travel', sa.String(length=2000), nullable=False),
    sa.Column('outcome', sa.Enum('plan_completed', 'self_supporting', 'lost_contact', 'trafficked_again', 'other', 'left_without_notice', name='outcome', native_enum=False, length=32), nullable=True),
    sa.Column('outcome_notes', sa.String(length=2000), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_prepared_returns_case_id_cases')),
    sa.ForeignKeyConstraint(['exception_approved_by_id'], ['users.id'], name=op.f('fk_prepared_returns_exception_approved_by_id_users')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instances.id'], name=op.f('fk_prepared_returns_instance_id_workflow_instances')),
    sa.ForeignKeyConstraint(['ministry_recorded_by_id'], ['users.id'], name=op.f('fk_prepared_returns_ministry_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['offered_by_id'], ['users.id'], name=op.f('fk_prepared_returns_offered_by_id_users')),
    sa.ForeignKeyConstraint(['partner_id'], ['return_partners.id'], name=op.f('fk_prepared_returns_partner_id_return_partners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prepared_returns'))
    )
    with op.batch_alter_table('prepared_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prepared_returns_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_prepared_returns_instance_id'), ['instance_id'], unique=False)

    op.create_table('return_budget_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('housing', 'business', 'education', 'medicine', 'other', 'pocket_money', 'health_extra', name='budgetcategory', native_enum=False, length=32), nullable=False),
    sa.Column('amount_ore', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['return_id'], ['prepared_returns.id'], name=op.f('fk_return_budget_lines_return_id_prepared_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_budget_lines'))
    )
    with op.batch_alter_table('return_budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_budget_lines_return_id'), ['return_id'], unique=False)

    op.create_table('return_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('partner_contact', sa.String(length=2000), nullable=False),
    sa.Column('plan_state', sa.String(length=32), nullable=False),
    sa.Column('concerns', sa.String(length=2000), nullable=False),
    sa.Column('extended_by_months', sa.Integer(), nullable=False),
    sa.Column('extension_reason', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_return_follow_ups_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['return_id'], ['prepared_returns.id'], name=op.f('fk_return_follow_ups_return_id_prepared_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_follow_ups')),
    sa.UniqueConstraint('return_id', 'number', name=op.f('uq_return_follow_ups_return_id'))
    )
    with op.batch_alter_table('return_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_follow_ups_return_id'), ['return_id'], unique=False)

    op.create_table('safety_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('assessed_by_id', sa.Integer(), nullable=False),
    sa.Column('assessed_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('threats_rating', sa.Enum('low', 'medium', 'high', name='rating', native_enum=False, length=32), nullable=False),
    sa.Column('threats_notes', sa.String(length=2000), nullable=False),
    sa.Column('debt_rating', sa.Enum('low', 'medium', 'high', name='rating', native_enum=False, length=32), nullable=False),
    sa.Column('debt_notes', sa.String(length=2000), nullable=False),
    sa.Column('debt_to', sa.String(length=120), nullable=False),
    sa.Column('debt_amount_ore', sa.BigInteger(), nullable=True),
    sa.Column('health_rating', sa.Enum('low', 'medium', 'high', name='rating', native_enum=False, length=32), nullable=False),
    sa.Column('health_notes', sa.String(length=2000), nullable=False),
    sa.Column('geography_rating', sa.Enum('low', 'medium', 'high', name='rating', native_enum=False, length=32), nullable=False),
    sa.Column('geography_notes', sa.String(length=2000), nullable=False),
    sa.Column('retrafficking_rating', sa.Enum('low', 'medium', 'high', name='rating', native_enum=False, length=32), nullable=False),
    sa.Column('retrafficking_notes', sa.String(length=2000), nullable=False),
    sa.Column('own_view_rating', sa.Enum('low', 'medium', 'high', name='rating', native_enum=False, length=32), nullable=False),
    sa.Column('own_view_notes', sa.String(length=2000), nullable=False),
    sa.Column('child_best_interests', sa.String(length=2000), nullable=False),
    sa.Column('receiving_care', sa.String(length=2000), nullable=False),
    sa.Column('high_risk', sa.Boolean(), nullable=False),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_off_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sign_off_notes', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_safety_assessments_assessed_by_id_users')),
    sa.ForeignKeyConstraint(['return_id'], ['prepared_returns.id'], name=op.f('fk_safety_assessments_return_id_prepared_returns')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['users.id'], name=op.f('fk_safety_assessments_signed_off_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_assessments'))
    )
    with op.batch_alter_table('safety_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safety_assessments_return_id'), ['return_id'], unique=False)



def downgrade():
    with op.batch_alter_table('safety_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_safety_assessments_return_id'))

    op.drop_table('safety_assessments')
    with op.batch_alter_table('return_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_follow_ups_return_id'))

    op.drop_table('return_follow_ups')
    with op.batch_alter_table('return_budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_budget_lines_return_id'))

    op.drop_table('return_budget_lines')
    with op.batch_alter_table('prepared_returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prepared_returns_instance_id'))
        batch_op.drop_index(batch_op.f('ix_prepared_returns_case_id'))

    op.drop_table('prepared_returns')
    op.drop_table('return_rates')
    op.drop_table('return_partners')
    op.drop_table('exchange_rates')
