"""Database connections: a pooled PostgreSQL connection that died while idle is replaced
before a request uses it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL
from victimcare import db as database


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only")
def test_a_connection_that_died_while_idle_is_replaced(database_url, monkeypatch):
    engine = database.make_engine(database_url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        admin = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
        with admin.connect() as other:  # the server (or a restart) ends the idle connection
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        engine.dispose()


def test_lower_case_is_unicode_on_every_database(app):
    """Names are compared in lower case (earlier records, taken names): Æ, Ø, Å and Cyrillic
    must be lowered as A-Z are (SQLite: our function; PostgreSQL: a UTF-8 locale)."""
    from victimcare.extensions import db

    assert db.session.scalar(sa.text("SELECT lower('ÆRØ ÅSE ИВАНА')")) == "ærø åse ивана"
