"""identification: referrals, interviews (1a), assessments, police disclosures, person details

New person columns get server defaults, so existing people (e.g. the demo's) upgrade cleanly.

Revision ID: c2cbf304a614
Revises: 445991ae8af8
Create Date: 2026-11-23 11:24:19.271789
"""

from alembic import op
import sqlalchemy as sa
import victimcare.db


revision = 'c2cbf304a614'
down_revision = '445991ae8af8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('referrer', sa.Enum('police', 'union_3f', 'ngo_action_plan', 'red_cross', 'womens_crisis_centre', 'immigration_service', 'lawyer', 'municipal_caseworker', 'nurse', 'support_person', 'private_person', 'church_organisation', 'foreign_ngo', 'self_referral', 'hospital', 'homeless_unit', 'mobile_health_service', 'victims_lawyer', 'municipality', 'labour_inspection', 'tax_agency', 'other', name='referrer', native_enum=False, length=32), nullable=False),
    sa.Column('referrer_other', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.Enum('hotline', 'online_report', 'outreach', 'joint_inspection', 'other', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('occurred_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('region', sa.Enum('capital', 'zealand', 'southern_denmark', 'central_jutland', 'north_jutland', name='region', native_enum=False, length=32), nullable=True),
    sa.Column('suspected_exploitation', sa.Enum('prostitution', 'pornography', 'forced_labour', 'slavery', 'criminal_acts', 'organ_removal', 'unknown', name='exploitation', native_enum=False, length=32), nullable=False),
    sa.Column('is_detained', sa.Boolean(), nullable=False),
    sa.Column('detained_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('presented_for_expulsion', sa.Boolean(), nullable=False),
    sa.Column('police_notified', sa.Boolean(), nullable=False),
    sa.Column('cmm_notified', sa.Boolean(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_referrals_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_referrals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_case_id'), ['case_id'], unique=False)

    op.create_table('trafficking_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('authority', sa.Enum('cmm', 'immigration_service', 'court', name='authority', native_enum=False, length=32), nullable=False),
    sa.Column('decision', sa.Enum('victim', 'not_victim', name='decision', native_enum=False, length=32), nullable=False),
    sa.Column('decided_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('currently_trafficked', sa.Enum('yes', 'no', 'doubt', name='finding', native_enum=False, length=32), nullable=False),
    sa.Column('weighty_reasons', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_trafficking_assessments_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_trafficking_assessments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trafficking_assessments'))
    )
    with op.batch_alter_table('trafficking_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trafficking_assessments_case_id'), ['case_id'], unique=False)

    op.create_table('interviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('held_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('interpreter', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=3), nullable=True),
    sa.Column('account', sa.Text(), nullable=False),
    sa.Column('act_indicators', sa.JSON(), nullable=False),
    sa.Column('act_notes', sa.Text(), nullable=False),
    sa.Column('means_indicators', sa.JSON(), nullable=False),
    sa.Column('means_notes', sa.Text(), nullable=False),
    sa.Column('purpose_indicators', sa.JSON(), nullable=False),
    sa.Column('purpose_notes', sa.Text(), nullable=False),
    sa.Column('trafficker_contact', sa.Enum('yes', 'no', 'doubt', name='finding', native_enum=False, length=32), nullable=False),
    sa.Column('debt_demanded', sa.Enum('yes', 'no', 'doubt', name='finding', native_enum=False, length=32), nullable=False),
    sa.Column('pending_threats', sa.Enum('yes', 'no', 'doubt', name='finding', native_enum=False, length=32), nullable=False),
    sa.Column('currency_notes', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.Enum('yes', 'no', 'doubt', name='finding', native_enum=False, length=32), nullable=False),
    sa.Column('recommendation_reasons', sa.Text(), nullable=False),
    sa.Column('police_consent', sa.Boolean(), nullable=False),
    sa.Column('police_consent_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_interviews_case_id_cases')),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_interviews_interviewer_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_interviews_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['task_id'], ['workflow_tasks.id'], name=op.f('fk_interviews_task_id_workflow_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviews')),
    sa.UniqueConstraint('task_id', name=op.f('uq_interviews_task_id'))
    )
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviews_case_id'), ['case_id'], unique=False)

    op.create_table('police_disclosures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.String(length=32), nullable=False),
    sa.Column('interview_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('sent_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('consent_interview_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_police_disclosures_case_id_cases')),
    sa.ForeignKeyConstraint(['consent_interview_id'], ['interviews.id'], name=op.f('fk_police_disclosures_consent_interview_id_interviews')),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_police_disclosures_interview_id_interviews')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_police_disclosures_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_disclosures'))
    )
    with op.batch_alter_table('police_disclosures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_disclosures_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_names', sa.String(length=400), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('estimated_age', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('age_in_doubt', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('gender', sa.Enum('female', 'male', 'transgender', 'other', name='gender', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('residence_status', sa.Enum('lawful', 'lawful_under_6_months', 'none', 'asylum_seeker', 'charged', name='residencestatus', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('contact_details', sa.String(length=400), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_column('contact_details')
        batch_op.drop_column('residence_status')
        batch_op.drop_column('languages')
        batch_op.drop_column('gender')
        batch_op.drop_column('age_in_doubt')
        batch_op.drop_column('estimated_age')
        batch_op.drop_column('other_names')

    with op.batch_alter_table('police_disclosures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_police_disclosures_case_id'))

    op.drop_table('police_disclosures')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviews_case_id'))

    op.drop_table('interviews')
    with op.batch_alter_table('trafficking_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trafficking_assessments_case_id'))

    op.drop_table('trafficking_assessments')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_case_id'))

    op.drop_table('referrals')
