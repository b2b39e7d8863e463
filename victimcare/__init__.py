"""VictimCare: case workflow for the people who help victims of human trafficking."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from victimcare import clock
from victimcare.config import Settings


def create_app(settings: Settings | None = None, instance_path: str | None = None) -> Flask:
    """Build the application. Tests pass their own ``settings``; otherwise the environment."""
    instance_path = instance_path or os.environ.get("VICTIMCARE_INSTANCE_PATH") or str(
        Path(__file__).resolve().parent.parent / "instance"
    )
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    settings = settings or Settings.from_environment(app.instance_path)
    settings.check()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _init_config(app, settings)
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops,
                                x_proto=settings.proxy_hops, x_host=settings.proxy_hops)
    _init_extensions(app, settings)
    _init_workflows(app, settings)
    _init_blueprints(app)
    _check_document_catalogs()
    _init_security(app)
    _init_cli(app)
    return app


def _init_config(app: Flask, settings: Settings) -> None:
    development = settings.environment in ("development", "testing")
    app.config.update(
        VICTIMCARE=settings,
        SECRET_KEY=settings.secret_key,
        TESTING=settings.environment == "testing",
        SESSION_COOKIE_NAME="victimcare_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not development,
        # The form token lives as long as the session: a long interview must not expire it.
        WTF_CSRF_TIME_LIMIT=None,
        # The strict check needs a Referer, which Referrer-Policy: no-referrer withholds;
        # the token, SameSite cookies and Sec-Fetch-Site (security.py) guard instead.
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        BABEL_TRANSLATION_DIRECTORIES=str(Path(app.root_path).parent / "translations"),
        BABEL_DEFAULT_TIMEZONE=clock.LOCAL_ZONE_NAME,
        BABEL_DEFAULT_LOCALE=settings.default_locale,
    )


def _init_extensions(app: Flask, settings: Settings) -> None:
    from victimcare.accounts.services import load_user_from_session
    from victimcare.extensions import babel, csrf, db, login_manager
    from victimcare.i18n import select_locale

    db.init_app(app, settings.sqlalchemy_url(app.instance_path))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.session_protection = None  # the per-user session token does this job
    login_manager.user_loader(load_user_from_session)


def _init_workflows(app: Flask, settings: Settings) -> None:
    """Parse and check every BPMN file now: a broken one stops start-up, naming the file."""
    import victimcare.identification.tasks  # noqa: F401 - registers the task forms
    import victimcare.returns.tasks  # noqa: F401
    import victimcare.support.forms  # noqa: F401
    import victimcare.support.tasks  # noqa: F401
    from victimcare.workflow import services, ticker

    services.init_app(app)
    if settings.run_timers_in_process:
        ticker.start(app)


class _DatabaseInt(IntegerConverter):
    """``<int:...>`` in URLs stops at the largest id a database column holds: a longer number
    is a 404, not an overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def _init_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = _DatabaseInt
    from victimcare.accounts.views import admin_bp, auth_bp
    from victimcare.cases.views import cases_bp
    from victimcare.documents.views import documents_bp
    from victimcare.housing.views import housing_bp
    from victimcare.identification.views import identification_bp
    from victimcare.main import main_bp
    from victimcare.returns.views import returns_bp
    from victimcare.support.views import support_bp
    from victimcare.workflow.views import tasks_bp

    for blueprint in (auth_bp, admin_bp, main_bp, identification_bp, cases_bp, tasks_bp,
                      support_bp, housing_bp, returns_bp, documents_bp):
        app.register_blueprint(blueprint)


def _check_document_catalogs() -> None:
    """A missing compiled documents catalog fails at start-up, not on each document."""
    from victimcare.documents.languages import check_catalogs

    check_catalogs()


def _init_security(app: Flask) -> None:
    from victimcare import security

    security.init_app(app)


def _init_cli(app: Flask) -> None:
    from victimcare import cli

    cli.init_app(app)
