"""The schema comes from migrations only, and they agree with the models.

Runs against SQLite and, when ``VICTIMCARE_TEST_DATABASE_URL`` is set, against PostgreSQL
(in a schema of its own, so the other tests' database is left alone).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.conftest import PG_URL
from victimcare.cli import alembic_config
from victimcare.models import metadata

SCHEMA = "migration_test"


@pytest.fixture
def engine(tmp_path):
    if PG_URL:
        admin = sa.create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
        engine = sa.create_engine(PG_URL, connect_args={"options": f"-csearch_path={SCHEMA}"})
        yield engine
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {SCHEMA} CASCADE"))
        admin.dispose()
    else:
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
        yield engine
        engine.dispose()


def _upgrade(engine, revision="head"):
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def _downgrade(engine, revision):
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def _diff(engine):
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                metadata)


def _tables(engine):
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_models_and_migrations_agree(app, engine):
    _upgrade(engine)
    assert _diff(engine) == []


def test_upgrade_downgrade_upgrade(app, engine):
    _upgrade(engine)
    assert _tables(engine) == set(metadata.tables)
    _downgrade(engine, "base")
    assert _tables(engine) == set()
    _upgrade(engine)
    assert _diff(engine) == []


def test_each_revision_steps_down_and_up(app, engine):
    with engine.connect() as conn:
        script = ScriptDirectory.from_config(alembic_config(conn))
    revisions = [r.revision for r in script.walk_revisions()][::-1]  # oldest first
    for revision in revisions:
        _upgrade(engine, revision)
    for _ in revisions:
        _downgrade(engine, "-1")
        _upgrade(engine, "+1")
        _downgrade(engine, "-1")
    assert _tables(engine) == set()


def test_single_head(app, engine):
    with engine.connect() as conn:
        assert len(ScriptDirectory.from_config(alembic_config(conn)).get_heads()) == 1


def test_upgrading_keeps_the_people_already_recorded(app, engine):
    """A database with people in it (the demo's, a deployment's) upgrades to head."""
    with engine.connect() as conn:
        script = ScriptDirectory.from_config(alembic_config(conn))
    first = [r.revision for r in script.walk_revisions()][-1]
    _upgrade(engine, first)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO persons (given_name, family_name, alias, created_at) "
                             "VALUES ('Ioana', 'Popescu', '', CURRENT_TIMESTAMP)"))
    _upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT given_name, age_in_doubt, other_names, languages "
                                   "FROM persons")).one()
    assert row[0] == "Ioana" and not row[1] and row[2] == "" and row[3] in ("[]", [])
