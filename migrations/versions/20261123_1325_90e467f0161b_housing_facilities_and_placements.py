"""housing: facilities and placements

The register of housing facilities and the stays of victims in them (DOMAIN.md §6). An alert
may now be raised outside a process (a person left housing without notice), so
alerts.instance_id becomes nullable.

Revision ID: 90e467f0161b
Revises: 85f7942bcd4a
Create Date: 2026-11-23 13:25:02.485204
"""

from alembic import op
import sqlalchemy as sa
import victimcare.db


revision = '90e467f0161b'
down_revision = '85f7942bcd4a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('facilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('asylum_centre', 'specialised_shelter', 'womens_crisis_centre', 'mens_crisis_centre', 'hostel', 'hotel', 'minors_centre', name='facilitykind', native_enum=False, length=32), nullable=False),
    sa.Column('operator_name', sa.String(length=120), nullable=False),
    sa.Column('operator_organisation_id', sa.Integer(), nullable=True),
    sa.Column('town', sa.String(length=120), nullable=False),
    sa.Column('fixed_places', sa.Integer(), nullable=True),
    sa.Column('extra_places', sa.Integer(), nullable=False),
    sa.Column('rooms', sa.String(length=400), nullable=False),
    sa.Column('admits_gender', sa.Enum('women', 'men', 'anyone', name='admittedgender', native_enum=False, length=32), nullable=False),
    sa.Column('age_group', sa.Enum('adults', 'minors', 'anyone', name='agegroup', native_enum=False, length=32), nullable=False),
    sa.Column('residence_requirement', sa.Enum('any', 'lawful_only', 'immigration_support_only', name='residencerequirement', native_enum=False, length=32), nullable=False),
    sa.Column('price_per_night_ore', sa.Integer(), nullable=True),
    sa.Column('price_note', sa.String(length=400), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operator_organisation_id'], ['organisations.id'], name=op.f('fk_facilities_operator_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilities')),
    sa.UniqueConstraint('name', name=op.f('uq_facilities_name'))
    )
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilities_operator_organisation_id'), ['operator_organisation_id'], unique=False)

    op.create_table('housing_placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Enum('moved', 'moved_on', 'returned_home', 'left_without_notice', name='endreason', native_enum=False, length=32), nullable=True),
    sa.Column('uses_extra_place', sa.Boolean(), nullable=False),
    sa.Column('payer', sa.Enum('immigration_service', 'cmm', name='payer', native_enum=False, length=32), nullable=False),
    sa.Column('price_per_night_ore', sa.Integer(), nullable=True),
    sa.Column('moved_from_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_housing_placements_dates_in_order')),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_housing_placements_alert_id_alerts')),
    sa.ForeignKeyConstraint(['assignment_id'], ['case_assignments.id'], name=op.f('fk_housing_placements_assignment_id_case_assignments')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_housing_placements_case_id_cases')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_housing_placements_ended_by_id_users')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_housing_placements_facility_id_facilities')),
    sa.ForeignKeyConstraint(['moved_from_id'], ['housing_placements.id'], name=op.f('fk_housing_placements_moved_from_id_housing_placements')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_housing_placements_placed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_placements'))
    )
    with op.batch_alter_table('housing_placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_housing_placements_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_housing_placements_facility_dates', ['facility_id', 'start_date', 'end_date'], unique=False)

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.alter_column('instance_id',
               existing_type=sa.INTEGER(),
               nullable=True)



def downgrade():
    with op.batch_alter_table('housing_placements', schema=None) as batch_op:
        batch_op.drop_index('ix_housing_placements_facility_dates')
        batch_op.drop_index(batch_op.f('ix_housing_placements_case_id'))

    op.drop_table('housing_placements')
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilities_operator_organisation_id'))

    op.drop_table('facilities')
    # Alerts raised outside a process belong to the housing placements dropped above.
    op.execute("DELETE FROM alerts WHERE instance_id IS NULL")
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.alter_column('instance_id',
               existing_type=sa.INTEGER(),
               nullable=False)
