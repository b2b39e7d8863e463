"""police disclosure of the assessment: a disclosure names the assessment it sent

Revision ID: 85f7942bcd4a
Revises: c2cbf304a614
Create Date: 2026-11-23 13:15:30.222537
"""

from alembic import op
import sqlalchemy as sa
import victimcare.db


revision = '85f7942bcd4a'
down_revision = 'c2cbf304a614'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('police_disclosures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessment_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_police_disclosures_assessment_id_trafficking_assessments'), 'trafficking_assessments', ['assessment_id'], ['id'])


def downgrade():
    with op.batch_alter_table('police_disclosures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_police_disclosures_assessment_id_trafficking_assessments'), type_='foreignkey')
        batch_op.drop_column('assessment_id')
