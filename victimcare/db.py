"""The declarative base, the per-request session and shared column types."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Constraint names follow one convention so migrations name them the same on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.types.TypeDecorator):
    """An aware UTC timestamp on every database (SQLite keeps no zone of its own)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use victimcare.clock.now()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Transactions are begun by us (below), not by the driver.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL never corrupts the database; a power cut may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() changes only A-Z: "ÆRØ" and "ИВАНА" would never match "Ærø" and
    # "Ивана" (earlier records, duplicate names). Python's is Unicode's, as PostgreSQL's is
    # under a UTF-8 locale. No index is built on lower(), so none depends on the built-in.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def _sqlite_begin(dbapi_connection) -> None:
    """Take SQLite's write lock when a transaction begins. A deferred transaction that reads
    and later writes fails ("database is locked") if another writer committed in between;
    an immediate one waits its turn instead, as a PostgreSQL row lock would.

    The dialect's ``do_begin``, given the driver's connection: the statement goes straight to
    the driver (SQLAlchemy still turns a driver error into its own), not through the whole
    statement machinery as from a ``begin`` event, which costs every transaction about as
    much again as the statement itself."""
    dbapi_connection.execute("BEGIN IMMEDIATE")


#: A pooled PostgreSQL connection idle for longer than this is pinged before it is used.
IDLE_PING_SECONDS = 10.0


def _mark_checkin(_dbapi_connection, record) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """Pessimistic disconnect handling, but only for a connection that sat idle in the pool
    (where a server restart or a dropped link goes unnoticed): a busy server reuses its
    connections within milliseconds and would otherwise pay a round trip per request.
    A dead connection is replaced, and the request never sees it."""
    idle_since = record.info.get("checked_in_at")
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:
        raise sa.exc.DisconnectionError() from exc


def make_engine(url: str) -> Engine:
    # SQL parameters stay out of error messages and logs: they hold personal data.
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                                  hide_parameters=True)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        engine.dialect.do_begin = _sqlite_begin  # this engine's own dialect instance
        return engine
    engine = sa.create_engine(url, pool_size=10, max_overflow=10, hide_parameters=True)
    sa.event.listen(engine, "checkin", _mark_checkin)
    sa.event.listen(engine, "checkout", _ping_if_idle)
    return engine


class Database:
    """The engine of the current app, and one session per app context (request, command)."""

    def init_app(self, app: Flask, url: str) -> None:
        engine = make_engine(url)
        app.extensions["victimcare.db"] = (engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(self._remove_session)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["victimcare.db"][0]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = current_app.extensions["victimcare.db"][1]()
        return g.db_session

    @staticmethod
    def _remove_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit once at the end, or roll everything back."""
        try:
            yield self.session
            self.session.commit()
        except BaseException:
            self.session.rollback()
            raise


#: The largest value of an INTEGER column on PostgreSQL (SQLite's are 64-bit).
MAX_INTEGER = 2**31 - 1


def bump_version(record, expected: int | None, message: str) -> None:
    """Claim the next version of ``record`` if it is still at ``expected``; otherwise someone
    saved it since the form was opened and the edit is refused (``ConcurrentEditError``).
    One conditional UPDATE, so two simultaneous saves cannot both pass."""
    from sqlalchemy.orm import object_session
    from sqlalchemy.orm.attributes import set_committed_value

    from victimcare.errors import ConcurrentEditError

    model = type(record)
    try:
        expected = int(expected)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConcurrentEditError(message) from None
    if not 0 <= expected < MAX_INTEGER:  # no version it could be (and no 32-bit integer)
        raise ConcurrentEditError(message)
    result = object_session(record).execute(
        sa.update(model).where(model.id == record.id, model.version == expected)
        .values(version=expected + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise ConcurrentEditError(message)
    set_committed_value(record, "version", expected + 1)


def is_unique_violation(exc: sa.exc.IntegrityError) -> bool:
    """Whether the driver refused a statement for a unique constraint (not, say, a foreign
    key): psycopg's SQLSTATE 23505, sqlite3's SQLITE_CONSTRAINT_UNIQUE (or the primary key)."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505":
        return True
    return getattr(orig, "sqlite_errorname", None) in (
        "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")


@contextmanager
def claim_unique(session: Session, message: str, field: str) -> Iterator[None]:
    """Writes that take a unique value the caller has just checked is free (a name, a user
    name, a day), in a savepoint flushed at the end. If a concurrent transaction took the
    value between the check and the write (on PostgreSQL its INSERT commits in between; SQLite
    serialises writing transactions, see ``_sqlite_begin``), the unique constraint refuses
    ours: the savepoint is rolled back, the rest of the transaction stays usable, and the
    user gets ``message`` next to ``field`` (a ``RuleViolation``) instead of an error page."""
    from victimcare.errors import RuleViolation

    try:
        with session.begin_nested():
            yield
    except sa.exc.IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise RuleViolation(message, field=field) from None
