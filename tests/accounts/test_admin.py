"""An administrator manages accounts: no self sign-up, roles fit organisations, no lost edits."""

from __future__ import annotations

import sqlalchemy as sa

from tests.factories import make_org, make_user
from victimcare.accounts.models import OrganisationKind, Role, User
from victimcare.extensions import db


def _admin(client):
    admin = make_user(Role.ADMIN)
    client.login(admin.username)
    return admin


def test_admin_creates_a_user_who_can_log_in(client, make_client):
    _admin(client)
    reden = make_org("Reden International", OrganisationKind.NGO)
    response = client.post("/admin/users/new", {
        "username": "maria", "full_name": "Maria Dahl", "organisation_id": reden.id,
        "role": "ngo_worker", "locale": "en", "password": "a-good-long-password"})
    assert response.status_code == 302
    assert make_client().login("maria", "a-good-long-password").status_code == 302


def test_role_that_does_not_fit_the_organisation_is_refused_next_to_the_field(client):
    _admin(client)
    reden = make_org("Reden International", OrganisationKind.NGO)
    html = client.post("/admin/users/new", {
        "username": "maria", "full_name": "Maria Dahl", "organisation_id": reden.id,
        "role": "cmm_coordinator", "locale": "en", "password": "a-good-long-password",
    }).get_data(as_text=True)
    assert 'id="role-error"' in html
    assert 'value="Maria Dahl"' in html  # nothing typed is lost
    assert db.session.scalar(sa.select(User).where(User.username == "maria")) is None


def test_taken_user_name_is_refused(client):
    admin = _admin(client)
    html = client.post("/admin/users/new", {
        "username": admin.username.upper(), "full_name": "X", "organisation_id":
        admin.organisation_id, "role": "cmm_contact_person", "locale": "en",
        "password": "a-good-long-password"}).get_data(as_text=True)
    assert 'id="username-error"' in html


def test_concurrent_edit_is_refused_with_an_explanation(client, make_client):
    _admin(client)
    other_admin = make_client()
    other_admin.login(make_user(Role.ADMIN).username)
    user = make_user(full_name="Original Name")
    form = {"organisation_id": user.organisation_id, "role": user.role.value, "locale": "en",
            "is_active": "y", "version": user.version}
    assert other_admin.post(f"/admin/users/{user.id}", {**form, "full_name": "First Edit"}
                            ).status_code == 302
    response = client.post(f"/admin/users/{user.id}", {**form, "full_name": "Second Edit"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone else saved this account" in html
    assert 'value="Second Edit"' in html  # kept for the user to save again
    db.session.expire_all()
    assert user.full_name == "First Edit"


def test_admin_cannot_remove_own_admin_access(client):
    admin = _admin(client)
    html = client.post(f"/admin/users/{admin.id}", {
        "full_name": admin.full_name, "organisation_id": admin.organisation_id,
        "role": "admin", "locale": "en", "version": admin.version}).get_data(as_text=True)
    assert 'id="is_active-error"' in html


def test_admin_creates_an_organisation(client):
    _admin(client)
    response = client.post("/admin/organisations/new", {"name": "HopeNow", "kind": "ngo"})
    assert response.status_code == 302
    assert "HopeNow" in client.get("/admin/organisations").get_data(as_text=True)


def test_an_organisation_name_is_taken_whatever_its_letters_and_case(client):
    _admin(client)
    assert client.post("/admin/organisations/new", {"name": "Ærø Hjælp", "kind": "ngo"}
                       ).status_code == 302
    for name in ("Ærø Hjælp", "ÆRØ HJÆLP"):
        again = client.post("/admin/organisations/new", {"name": name, "kind": "ngo"})
        assert again.status_code == 200 and 'id="name-error"' in again.get_data(as_text=True)


def test_there_is_no_sign_up(client):
    assert client.get("/signup").status_code == 404
    assert client.get("/register").status_code == 404
