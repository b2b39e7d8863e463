"""Settings, read once from the environment and the instance folder.

Every setting is listed here with a safe default; nothing else in the application reads
``os.environ``. A secret may be given as ``NAME_FILE`` (a path), as container platforms do.
Settings that might also be set by tools are accepted without the ``VICTIMCARE_`` prefix
(``DATABASE_URL``, ``SECRET_KEY``).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

#: The key shipped in the code; accepted only in development and testing.
DEFAULT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 - refused in production

ENVIRONMENTS = ("production", "development", "testing")


class ConfigError(RuntimeError):
    """The settings do not allow the application to start."""


def _read(name: str, default: str | None = None) -> str | None:
    for key in (f"VICTIMCARE_{name}", name):
        if os.environ.get(key):
            return os.environ[key]
        path = os.environ.get(f"{key}_FILE")
        if path:
            return Path(path).read_text(encoding="utf-8").strip()
    return default


def _int(name: str, default: int) -> int:
    raw = _read(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"VICTIMCARE_{name} must be a whole number, not {raw!r}") from exc


@dataclass(frozen=True)
class Settings:
    environment: str = "production"
    database_url: str | None = None
    secret_key: str = DEFAULT_SECRET_KEY
    #: Minutes without a request after which a session ends.
    session_idle_minutes: int = 30
    #: Failed logins in a row that lock an account, and for how long.
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    default_locale: str = "da"
    #: Fire due BPMN timers from a thread in the web process (the embedded set-up); a real
    #: deployment runs ``flask --app wsgi workflows tick`` from cron or a systemd timer.
    run_timers_in_process: bool = False
    #: Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    #: Audit rows record the client address the last trusted proxy saw.
    proxy_hops: int = 0
    #: Where the BPMN files are (default: workflows/ in the source tree).
    workflows_dir: str | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_environment(cls, instance_path: str) -> Settings:
        secret = _read("SECRET_KEY")
        key_file = Path(instance_path) / "secret_key"
        if secret is None and key_file.exists():
            secret = key_file.read_text(encoding="utf-8").strip()
        return cls(
            environment=_read("ENV", "production") or "production",
            database_url=_read("DATABASE_URL"),
            secret_key=secret or DEFAULT_SECRET_KEY,
            session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30),
            lockout_threshold=_int("LOCKOUT_THRESHOLD", 5),
            lockout_minutes=_int("LOCKOUT_MINUTES", 15),
            run_timers_in_process=_read("RUN_TIMERS_IN_PROCESS", "0") in ("1", "true", "yes"),
            proxy_hops=_int("PROXY_HOPS", 0),
            workflows_dir=_read("WORKFLOWS_DIR"),
        )

    def check(self) -> None:
        if self.environment not in ENVIRONMENTS:
            raise ConfigError(f"VICTIMCARE_ENV must be one of {', '.join(ENVIRONMENTS)}")
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ConfigError(
                "Refusing to start: no SECRET_KEY is set and the built-in development key "
                "is not allowed in production. Set VICTIMCARE_SECRET_KEY (or "
                "VICTIMCARE_SECRET_KEY_FILE), or write one to instance/secret_key."
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ConfigError("The secret key must have at least 32 characters.")
        for name in ("session_idle_minutes", "lockout_threshold", "lockout_minutes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"VICTIMCARE_{name.upper()} must be at least 1")
        if self.proxy_hops < 0:
            raise ConfigError("VICTIMCARE_PROXY_HOPS cannot be negative")

    def sqlalchemy_url(self, instance_path: str) -> str:
        if self.database_url:
            url = self.database_url
            # Accept the common spellings and use psycopg 3 for PostgreSQL.
            for prefix in ("postgres://", "postgresql://"):
                if url.startswith(prefix):
                    return "postgresql+psycopg://" + url[len(prefix):]
            return url
        return f"sqlite:///{Path(instance_path) / 'victimcare.sqlite3'}"


def new_secret_key() -> str:
    return secrets.token_urlsafe(48)
