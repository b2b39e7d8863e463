"""documents: person's document language, signed consents

Revision ID: 96baba6573cb
Revises: 0f63d4cdbe08
Create Date: 2026-11-23 16:11:06.379668
"""

from alembic import op
import sqlalchemy as sa
import victimcare.db


revision = '96baba6573cb'
down_revision = '0f63d4cdbe08'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signed_consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('police_sharing', sa.Boolean(), nullable=False),
    sa.Column('data_processing', sa.Boolean(), nullable=False),
    sa.Column('interpreter', sa.String(length=120), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_signed_consents_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_signed_consents_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_consents'))
    )
    with op.batch_alter_table('signed_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_consents_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_language', sa.String(length=8), nullable=True))



def downgrade():
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_column('document_language')

    with op.batch_alter_table('signed_consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_consents_case_id'))

    op.drop_table('signed_consents')
