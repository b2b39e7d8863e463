"""Security headers on every response, and the refusal to run with the built-in secret key."""

from __future__ import annotations

import pytest

from tests.factories import make_case, make_user
from victimcare import create_app
from victimcare.accounts.models import Role
from victimcare.config import DEFAULT_SECRET_KEY, ConfigError, Settings


def _assert_hardened(response):
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_every_page_carries_the_security_headers(client):
    make_case()
    client.login(make_user(Role.CMM_COORDINATOR).username)
    for url in ("/login", "/", "/cases", "/cases/VC-2026-00001", "/tasks", "/healthz",
                "/no-such-page"):
        response = client.get(url)
        _assert_hardened(response)
        assert response.headers["Cache-Control"] == "no-store", url


def test_static_files_are_hardened_but_cacheable(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200
    _assert_hardened(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.login(make_user().username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(tmp_path):
    app = create_app(Settings(environment="production", secret_key="x" * 40,
                              database_url=f"sqlite:///{tmp_path}/db.sqlite3"),
                     instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_the_default_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(Settings(environment="production", secret_key=DEFAULT_SECRET_KEY),
                   instance_path=str(tmp_path))


def test_environment_settings_are_read(monkeypatch, tmp_path):
    monkeypatch.setenv("VICTIMCARE_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    (tmp_path / "secret").write_text("from-a-file\n")
    monkeypatch.setenv("VICTIMCARE_SECRET_KEY_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv("VICTIMCARE_SESSION_IDLE_MINUTES", "45")
    settings = Settings.from_environment(str(tmp_path))
    assert settings.secret_key == "from-a-file"
    assert settings.session_idle_minutes == 45
    assert settings.sqlalchemy_url(str(tmp_path)) == "postgresql+psycopg://u@h/db"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    assert Settings().sqlalchemy_url(str(tmp_path)) == f"sqlite:///{tmp_path}/victimcare.sqlite3"


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def _production_app(tmp_path, database_url):
    from tests.conftest import make_settings

    settings = make_settings(database_url)
    settings = type(settings)(**{**settings.__dict__, "environment": "production",
                                 "secret_key": "p" * 40})
    return create_app(settings, instance_path=str(tmp_path / "prod"))


def test_https_production_accepts_forms_without_a_referer(tmp_path, database_url, app):
    """Referrer-Policy: no-referrer means browsers send no Referer: forms must still work."""
    import re

    make_user(username="officer")
    prod = _production_app(tmp_path, database_url)
    http = prod.test_client()
    base = "https://victimcare.example"
    html = http.get("/login", base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = http.post("/login", base_url=base, data={
        "csrf_token": token, "username": "officer", "password": "a-long-test-password"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_cross_site_form_posts_are_refused(client):
    client.login(make_user().username)
    response = client.post("/logout", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert client.get("/").status_code == 200  # still logged in


def test_a_huge_id_is_a_404_not_an_overflow(client):
    client.login(make_user(Role.ADMIN).username)
    assert client.get("/admin/users/99999999999999999999999").status_code == 404


def test_sql_parameters_stay_out_of_errors(app):
    import sqlalchemy as sa

    from victimcare.extensions import db

    with pytest.raises(sa.exc.DBAPIError) as error:
        db.session.execute(sa.text("SELECT * FROM no_such_table WHERE x = :secret"),
                           {"secret": "Blessing Okafor"})
    assert "Blessing Okafor" not in str(error.value)
