"""Log-in, lock-out, sessions that die when they should, and safe redirects."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import PASSWORD, make_user
from victimcare.accounts.models import Role, User
from victimcare.audit.models import AuditEvent
from victimcare.extensions import db

GENERIC = "Wrong user name or password."


def _actions(user: User) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.subject_type == "user", AuditEvent.subject_id == str(user.id))
        .order_by(AuditEvent.id)))


def test_user_logs_in_and_lands_on_the_dashboard(client):
    user = make_user(Role.CMM_CONTACT_PERSON, full_name="Jonas Berg")
    response = client.login(user.username)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Jonas Berg" in client.get("/").get_data(as_text=True)
    assert _actions(user) == ["user.created", "auth.login"]


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    user = make_user()
    wrong = client.login(user.username, "not-the-password").get_data(as_text=True)
    unknown = client.login("nobody-here", "not-the-password").get_data(as_text=True)
    assert GENERIC in wrong and GENERIC in unknown
    assert wrong.replace(user.username, "X").count(GENERIC) == unknown.count(GENERIC)


def test_typed_user_name_is_kept_and_password_is_not_echoed(client):
    user = make_user()
    html = client.login(user.username, "secret-wrong-1").get_data(as_text=True)
    assert f'value="{user.username}"' in html
    assert "secret-wrong-1" not in html


def test_fifth_failure_locks_the_account_and_is_logged(client, frozen_clock, caplog):
    user = make_user()
    for _ in range(5):
        client.login(user.username, "wrong-password-x")
    db.session.expire_all()
    assert user.locked_until is not None
    assert "auth.locked" in _actions(user)
    assert any("locked" in r.getMessage() for r in caplog.records)
    # Locked: even the right password is refused, with the same message as always.
    response = client.login(user.username, PASSWORD)
    assert response.status_code == 200 and GENERIC in response.get_data(as_text=True)
    # After the lock-out period the right password works again.
    frozen_clock.advance(minutes=16)
    assert client.login(user.username, PASSWORD).status_code == 302


def test_four_failures_then_success_resets_the_count(client):
    user = make_user()
    for _ in range(4):
        client.login(user.username, "wrong-password-x")
    assert client.login(user.username).status_code == 302
    db.session.expire_all()
    assert user.failed_login_count == 0 and user.locked_until is None


def test_disabled_account_cannot_log_in(client):
    user = make_user(is_active=False)
    response = client.login(user.username)
    assert response.status_code == 200 and GENERIC in response.get_data(as_text=True)


def test_logout_must_be_a_post(client):
    client.login(make_user().username)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200  # still logged in


def test_stolen_cookie_is_dead_after_logout(app, client, make_client):
    client.login(make_user().username)
    cookie = client.http.get_cookie("victimcare_session").value
    assert client.post("/logout").status_code == 302
    thief = make_client()
    thief.http.set_cookie("victimcare_session", cookie)
    response = thief.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_password_change_ends_every_other_session(client, make_client):
    user = make_user()
    laptop, phone = client, make_client()
    laptop.login(user.username)
    phone.login(user.username)
    response = laptop.post("/account/password", {
        "current_password": PASSWORD, "new_password": "a-brand-new-password",
        "confirm_password": "a-brand-new-password"})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # this session continues
    assert phone.get("/").status_code == 302  # the other one ended
    assert phone.login(user.username, "a-brand-new-password").status_code == 302


def test_wrong_current_password_is_shown_next_to_the_field(client):
    client.login(make_user().username)
    html = client.post("/account/password", {
        "current_password": "not-it-at-all", "new_password": "a-brand-new-password",
        "confirm_password": "a-brand-new-password"}).get_data(as_text=True)
    assert 'id="current_password-error"' in html


def test_admin_disabling_an_account_ends_its_sessions(make_client):
    admin = make_user(Role.ADMIN)
    user = make_user()
    admin_client, user_client = make_client(), make_client()
    admin_client.login(admin.username)
    user_client.login(user.username)
    response = admin_client.post(f"/admin/users/{user.id}", {
        "full_name": user.full_name, "organisation_id": user.organisation_id,
        "role": user.role.value, "locale": "en", "version": user.version})  # box unticked
    assert response.status_code == 302
    assert user_client.get("/").status_code == 302


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "http:/evil.example",
    "javascript:alert(1)", " https://evil.example", "/\t/evil.example", "/\r\n/evil.example",
])
def test_off_site_next_is_ignored(client, target):
    user = make_user()
    client.get("/login", query_string={"next": target})
    response = client.post("/login", {"username": user.username, "password": PASSWORD,
                                       "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_on_site_next_is_followed(client):
    user = make_user()
    response = client.post("/login", {"username": user.username, "password": PASSWORD,
                                       "next": "/cases?q=VC"})
    assert response.headers["Location"] == "/cases?q=VC"


def test_anonymous_request_is_sent_to_login_with_next(client):
    response = client.get("/cases")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/cases"


def test_idle_session_expires(client, frozen_clock):
    client.login(make_user().username)
    frozen_clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    frozen_clock.advance(minutes=31)
    response = client.get("/cases")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "without activity" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_parallel_guesses_cannot_outrun_the_lock(app, make_client, monkeypatch):
    """A burst of simultaneous wrong guesses gets the threshold, not one check per request."""
    import threading

    from victimcare.accounts import services

    user = make_user()
    checked = []
    original = services._verify

    def slow_verify(password_hash, password):
        if password_hash == user.password_hash:  # not the dummy check of a refused attempt
            checked.append(password)
        threading.Event().wait(0.05)  # argon2-like cost
        return original(password_hash, password)

    monkeypatch.setattr(services, "_verify", slow_verify)
    clients = [make_client() for _ in range(12)]
    for client in clients:
        client.csrf_token()
    threads = [threading.Thread(target=c.login, args=(user.username, f"guess-{i}"))
               for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(checked) <= 5
    db.session.expire_all()
    assert user.locked_until is not None
    assert make_client().login(user.username).status_code == 200  # locked: refused


def test_change_password_form_cannot_be_used_to_guess(client, make_client):
    user = make_user()
    client.login(user.username)
    for i in range(5):
        response = client.post("/account/password", {
            "current_password": f"wrong-guess-{i}", "new_password": "a-brand-new-password",
            "confirm_password": "a-brand-new-password"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert user.locked_until is not None
    assert client.get("/").status_code == 302  # the session has ended
    assert make_client().login(user.username).status_code == 200  # and the account is locked
