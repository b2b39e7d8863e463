"""platform: organisations, users, persons, cases, audit log

The audit log is made append-only in the database itself: triggers refuse UPDATE and DELETE
(and TRUNCATE on PostgreSQL), whoever connects.

Revision ID: e223fcf69e52
Revises: 
Create Date: 2026-11-23 10:37:43.137351
"""

from alembic import op
import sqlalchemy as sa
import victimcare.db


revision = 'e223fcf69e52'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('cmm', 'ngo', 'immigration_service', 'police', 'shelter_operator', 'ministry', name='organisationkind', native_enum=False, length=32), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('given_name', sa.String(length=120), nullable=False),
    sa.Column('family_name', sa.String(length=120), nullable=False),
    sa.Column('alias', sa.String(length=120), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('nationality', sa.String(length=2), nullable=True),
    sa.Column('language', sa.String(length=3), nullable=True),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('cmm_coordinator', 'cmm_contact_person', 'ngo_worker', 'immigration_officer', 'admin', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('failed_login_count', sa.Integer(), nullable=False),
    sa.Column('locked_until', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_users_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('owner_organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('referral', 'identification', 'assessment', 'support', 'return', 'closed', name='casestatus', native_enum=False, length=32), nullable=False),
    sa.Column('contact_person_id', sa.Integer(), nullable=True),
    sa.Column('presented_to_immigration_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_person_id'], ['users.id'], name=op.f('fk_cases_contact_person_id_users')),
    sa.ForeignKeyConstraint(['owner_organisation_id'], ['organisations.id'], name=op.f('fk_cases_owner_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_cases_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_contact_person_id'), ['contact_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_owner_organisation_id'), ['owner_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_person_id'), ['person_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('occurred_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_organisation_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.ForeignKeyConstraint(['actor_organisation_id'], ['organisations.id'], name=op.f('fk_audit_events_actor_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_audit_events_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('case_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('task', 'placement', name='assignmentkind', native_enum=False, length=32), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', victimcare.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', victimcare.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_assignments_case_id_cases')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_case_assignments_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignments'))
    )
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_assignments_organisation_id'), ['organisation_id'], unique=False)


    _install_audit_triggers()


APPEND_ONLY = "the audit log is append-only"


def _install_audit_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE
                      ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""")
        op.execute("""CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE
                      ON audit_events FOR EACH STATEMENT
                      EXECUTE FUNCTION audit_events_append_only()""")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_events_no_{event.lower()}
                           BEFORE {event} ON audit_events
                           BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""")


def _drop_audit_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")


def downgrade():
    _drop_audit_triggers()
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assignments_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_case_assignments_case_id'))

    op.drop_table('case_assignments')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_case_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))

    op.drop_table('audit_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_person_id'))
        batch_op.drop_index(batch_op.f('ix_cases_owner_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_cases_contact_person_id'))

    op.drop_table('cases')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))

    op.drop_table('users')
    op.drop_table('persons')
    op.drop_table('organisations')
