"""contact person and representative: an unaccompanied minor's representative on the case

Revision ID: 158ceb315fe1
Revises: 2991db238688
Create Date: 2026-11-23 13:38:47.295866
"""

from alembic import op
import sqlalchemy as sa
import victimcare.db


revision = '158ceb315fe1'
down_revision = '2991db238688'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unaccompanied_minor', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('representative_name', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('representative_contact', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('representative_contact')
        batch_op.drop_column('representative_name')
        batch_op.drop_column('unaccompanied_minor')
