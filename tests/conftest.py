"""Test fixtures.

Every test gets a freshly migrated, empty database, so tests may commit like the app does:
on SQLite a copy of a template file migrated once per run; on PostgreSQL (when
``VICTIMCARE_TEST_DATABASE_URL`` is set) the tables of a database migrated once per run,
emptied before each test. Under pytest-xdist (``scripts/test`` runs one worker per CPU) each
worker has its own template file, or its own PostgreSQL database next to the one given.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from flask import has_app_context

from victimcare import clock, create_app
from victimcare.cli import alembic_config
from victimcare.config import Settings
from victimcare.extensions import db

#: The PostgreSQL database given, if any.
BASE_PG_URL = os.environ.get("VICTIMCARE_TEST_DATABASE_URL")
#: "gw0", "gw1", ... in a worker of pytest-xdist (scripts/test runs one per CPU).
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _worker_url(url: str | None) -> str | None:
    """The database this process tests on: the one given, or under pytest-xdist one per
    worker named after it (``test_gw0``), as the tests empty and migrate their database and
    two workers must not share one."""
    if not url or not WORKER:
        return url
    given = sa.engine.make_url(url)
    return given.set(database=f"{given.database}_{WORKER}").render_as_string(
        hide_password=False)


PG_URL = _worker_url(BASE_PG_URL)
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (per-test copy)'}"


def make_settings(url: str, **overrides) -> Settings:
    return Settings(environment="testing", database_url=url, secret_key="test-secret-key",
                    **overrides)


@pytest.fixture(scope="session", autouse=True)
def _worker_database() -> None:
    """Create this worker's PostgreSQL database if it is missing, with the given database's
    encoding and locale (UTF-8: names are compared in lower case)."""
    if not PG_URL or PG_URL == BASE_PG_URL:
        return
    name = sa.engine.make_url(PG_URL).database
    given = sa.create_engine(BASE_PG_URL, isolation_level="AUTOCOMMIT")
    with given.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                             {"name": name})
        if not exists:
            collate, ctype = conn.execute(sa.text(
                "SELECT datcollate, datctype FROM pg_database "
                "WHERE datname = current_database()")).one()
            conn.execute(sa.text(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                f"LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"))
    given.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> str:
    """A database migrated to head once per run: a file (SQLite) or the PostgreSQL URL."""
    if PG_URL:
        engine = sa.create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite3'}"
    app = create_app(make_settings(url), instance_path=str(tmp_path_factory.mktemp("inst")))
    with app.app_context():
        with db.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        db.engine.dispose()
    return url


def _empty_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"))]
        # Replica mode skips the audit log's append-only triggers for this clean-up only.
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(template_db, tmp_path) -> str:
    if PG_URL:
        _empty_postgres(template_db)
        return template_db
    path = Path(template_db.removeprefix("sqlite:///"))
    copy = tmp_path / "test.sqlite3"
    shutil.copyfile(path, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def settings(database_url) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings, tmp_path):
    app = create_app(settings, instance_path=str(tmp_path / "instance"))
    with app.app_context():
        yield app
        db.session.rollback()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def frozen_clock():
    """Tests run on a controllable clock; ``frozen_clock.advance(hours=1)`` moves it."""
    from datetime import UTC, datetime

    clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    yield clock
    clock.set(None)


class Client:
    """The Flask test client, with real CSRF: form posts carry the session's token.

    Each request runs in its own app context, as under a real server; otherwise Flask would
    reuse the test's context and share ``g`` (the database session, the logged-in user)
    between requests. After a request, call ``db.session.expire_all()`` to see its writes.
    """

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()
        self._csrf: str | None = None

    @staticmethod
    def _end_test_transaction():
        """The test's own session ends its transaction (and SQLite lock) before a request,
        as another process's would; its objects stay loaded."""
        if has_app_context():
            db.session.commit()

    def get(self, url, follow_redirects=False, **kw):
        """GET in a fresh app context; redirects are followed hop by hop, each in its own."""
        for _ in range(10):
            self._end_test_transaction()
            with self.app.app_context():
                response = self.http.get(url, **kw)
            if not (follow_redirects and response.status_code in (301, 302, 303)):
                return response
            url = response.headers["Location"]
        raise AssertionError("too many redirects")

    def csrf_token(self) -> str:
        if self._csrf is None:
            html = self.get("/login", follow_redirects=True).get_data(as_text=True)
            match = CSRF_RE.search(html)
            assert match, "no CSRF token on the page"
            self._csrf = match.group(1)
        return self._csrf

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf_token())
        self._end_test_transaction()
        with self.app.app_context():
            return self.http.post(url, data=data, **kw)

    def login(self, username, password="a-long-test-password"):
        self._csrf = None  # whatever session came before may have ended
        response = self.post("/login", {"username": username, "password": password})
        self._csrf = None  # a new session at log-in
        return response


def english_client(app) -> Client:
    """A client that picked English with the language switch (tests read English text;
    Danish, the default, is tested on its own)."""
    client = Client(app)
    client.post("/locale", {"locale": "en"})
    return client


@pytest.fixture
def client(app):
    return english_client(app)


@pytest.fixture
def make_client(app):
    return lambda: english_client(app)
