"""No input produces a 500: every form gets malformed values and answers with a message.

The list of forms is checked against the app: a new POST route fails
``test_every_form_is_in_this_list`` until it is added here.
"""

from __future__ import annotations

import pytest

from tests.factories import make_case, make_org, make_user, open_task
from tests.housing.builders import make_facility, place
from victimcare.accounts.models import OrganisationKind, Role
from victimcare.extensions import db

TOO_LONG = "x" * 5000
CONTROL = "abc\x00\x1b[31mdef\x07"
NASTY = [TOO_LONG, CONTROL, "", " ", "99999", "-1", "abc", "1e309", "<script>alert(1)</script>",
         "'; DROP TABLE users; --", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
         "💥" * 300, "2147483648", "-99999999999999999999999", "1" * 40]

# endpoint -> (who posts, url factory, a valid form as a base)
FORMS = {
    "auth.login": (None, lambda w: "/login",
                   lambda w: {"username": "coordinator1", "password": "a-long-test-password",
                              "next": "/"}),
    "auth.set_locale": (None, lambda w: "/locale", lambda w: {"locale": "en", "next": "/"}),
    "auth.logout": (Role.CMM_CONTACT_PERSON, lambda w: "/logout", lambda w: {}),
    "auth.change_password": (Role.CMM_CONTACT_PERSON, lambda w: "/account/password",
                             lambda w: {"current_password": "a-long-test-password",
                                        "new_password": "another-long-password",
                                        "confirm_password": "another-long-password"}),
    "admin.new_user": (Role.ADMIN, lambda w: "/admin/users/new",
                       lambda w: {"username": "newbie", "full_name": "New Bie",
                                  "organisation_id": w["org"].id, "role": "ngo_worker",
                                  "locale": "en", "password": "a-long-new-password"}),
    "admin.edit_user": (Role.ADMIN, lambda w: f"/admin/users/{w['user'].id}",
                        lambda w: {"full_name": "Changed", "organisation_id": w["org"].id,
                                   "role": "ngo_worker", "locale": "en", "is_active": "y",
                                   "version": w["user"].version, "new_password": ""}),
    "admin.new_organisation": (Role.ADMIN, lambda w: "/admin/organisations/new",
                               lambda w: {"name": "A New NGO", "kind": "ngo"}),
    # A past due date keeps the task open while each other field gets its bad values.
    "tasks.show_task": (Role.CMM_COORDINATOR, lambda w: f"/tasks/{w['task'].id}",
                        lambda w: {"activity_kind": "accompaniment", "description": "Dentist",
                                   "organisation_id": w["org"].id, "due_date": "2000-01-01",
                                   "action": "complete", "submission_id": "abc"}),
    "tasks.claim_task": (Role.CMM_COORDINATOR, lambda w: f"/tasks/{w['task'].id}/claim",
                         lambda w: {}),
    "tasks.release_task": (Role.CMM_COORDINATOR, lambda w: f"/tasks/{w['task'].id}/release",
                           lambda w: {}),
    "tasks.assign_task": (Role.CMM_COORDINATOR, lambda w: f"/tasks/{w['task'].id}/assign",
                          lambda w: {"user_id": w["coordinator"].id}),
    "identification.new_referral": (Role.CMM_CONTACT_PERSON, lambda w: "/cases/new",
                                    lambda w: {
        "referrer": "police", "channel": "hotline", "occurred_at": "2026-03-01T10:00",
        "place": "Vejle", "suspected_exploitation": "forced_labour", "given_name": "Mihai",
        "gender": "male", "residence_status": "none", "estimated_age": "30",
        "interview_organisation_id": w["user"].organisation_id, "is_detained": "y",
        "detained_at": "2026-03-01T09:00"}),
    "identification.new_disclosure": (Role.CMM_CONTACT_PERSON,
                                      lambda w: f"/cases/{w['case'].reference}/disclosures/new",
                                      lambda w: {"document": "form_1a", "recipient": "Politi",
                                                 "sent_at": "2026-03-01T10:00"}),
    "support.residence_ended": (Role.CMM_CONTACT_PERSON,
                                lambda w: f"/cases/{w['case'].reference}/residence-ended",
                                lambda w: {"ended_on": "2026-03-01", "version": "1"}),
    "support.contact_person": (Role.CMM_COORDINATOR,
                               lambda w: f"/cases/{w['case'].reference}/contact-person",
                               lambda w: {"contact_person_id": w["coordinator"].id,
                                          "representative_name": "", "version": "1"}),
    "tasks.follow_up_alert": (Role.CMM_COORDINATOR, lambda w: "/alerts/1/followed-up",
                              lambda w: {}),
    "tasks.start_process": (Role.CMM_COORDINATOR,
                            lambda w: f"/cases/{w['case'].reference}/processes/support_activity",
                            lambda w: {}),
    "housing.new_facility": (Role.CMM_COORDINATOR, lambda w: "/housing/facilities/new",
                             lambda w: _facility_form()),
    "housing.edit_facility": (Role.CMM_COORDINATOR,
                              lambda w: f"/housing/facilities/{w['facility'].id}",
                              lambda w: {**_facility_form(), "name": "Changed",
                                         "version": w["facility"].version}),
    "housing.new_placement": (Role.CMM_CONTACT_PERSON,
                              lambda w: f"/cases/{w['case'].reference}/housing/new",
                              lambda w: {"facility_id": w["other_facility"].id,
                                         "start_date": "2026-03-02", "price": "1.339,50",
                                         "payer": "cmm", "confirm_extra_place": "y",
                                         "current_version": w["placement"].version}),
    "housing.end_placement": (Role.CMM_CONTACT_PERSON,
                              lambda w: f"/cases/{w['case'].reference}/housing/"
                                        f"{w['placement'].id}/end",
                              lambda w: {"end_date": "2026-03-02",
                                         "reason": "left_without_notice",
                                         "version": w["placement"].version}),
    "housing.follow_up": (Role.CMM_CONTACT_PERSON,
                          lambda w: f"/cases/{w['case'].reference}/housing/"
                                    f"{w['placement'].id}/followed-up", lambda w: {}),
    "returns.offer": (Role.CMM_CONTACT_PERSON,
                      lambda w: f"/cases/{w['case'].reference}/prepared-return",
                      lambda w: {"version": "1"}),
    "returns.left_without_notice": (Role.CMM_CONTACT_PERSON,
                                    lambda w: f"/cases/{w['case'].reference}/prepared-return/left",
                                    lambda w: {"left_on": "2026-03-02", "version": "1"}),
    "returns.rates": (Role.CMM_COORDINATOR, lambda w: "/returns/rates",
                      lambda w: {"code": "in_kind_per_adult", "value": "42.000",
                                 "valid_from": "2026-03-02"}),
    "returns.save_partner": (Role.CMM_COORDINATOR, lambda w: "/returns/partners",
                             lambda w: {"country": "VN", "programme": "errin",
                                        "name": "ERRIN (via the Ministry)"}),
    "documents.set_language": (Role.CMM_CONTACT_PERSON,
                               lambda w: f"/cases/{w['case'].reference}/documents/language",
                                 lambda w: {"language": "th", "version": "1"}),
    "documents.new_consent": (Role.CMM_CONTACT_PERSON,
                              lambda w: f"/cases/{w['case'].reference}/consents/new",
                              lambda w: {"language": "ro", "signed_on": "2026-03-02",
                                         "police_sharing": "yes", "data_processing": "no",
                                         "interpreter": "Ana Pop", "read_aloud": "y"}),
}


def _facility_form() -> dict:
    return {"name": "Reden International, Odense", "kind": "specialised_shelter",
            "operator_name": "Reden International", "town": "Odense", "fixed_places": "3",
            "extra_places": "1", "rooms": "3 single", "admits_gender": "women",
            "age_group": "adults", "residence_requirement": "any", "price": "1339",
            "price_note": "", "is_active": "y", "operator_organisation_id": ""}


@pytest.fixture
def world(app):
    from victimcare.workflow import services as workflow

    org = make_org("Reden International", OrganisationKind.NGO)
    coordinator = make_user(Role.CMM_COORDINATOR)
    case = make_case()
    workflow.start("support_activity", case, coordinator)
    db.session.commit()
    facility, other_facility = make_facility(fixed=1, extra=1), make_facility(fixed=0, extra=1)
    return {"org": org, "user": make_user(Role.NGO_WORKER, org), "case": case,
            "coordinator": coordinator, "task": open_task(case, "Task_propose"),
            "facility": facility, "other_facility": other_facility,
            "placement": place(case, coordinator, facility, payer="cmm")}


def test_every_form_is_in_this_list(app):
    posting = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert posting == set(FORMS)


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_malformed_values_never_cause_a_server_error(make_client, world, endpoint):
    role, url_for, valid_for = FORMS[endpoint]
    client = make_client()
    if role is not None:
        client.login(make_user(role).username)
    url = url_for(world)
    valid = valid_for(world)
    fields = list(valid) + ["unexpected_field"]
    for name in fields:
        for value in NASTY:
            form = {**valid, name: value}
            response = client.post(url, form)
            assert response.status_code < 500, (endpoint, name, value[:20])
    # Repeated and list-valued fields.
    response = client.post(url, {**valid, **{k: [str(v), "second"] for k, v in valid.items()}})
    assert response.status_code < 500


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_missing_csrf_token_is_refused_with_a_message(make_client, world, endpoint):
    role, url_for, valid_for = FORMS[endpoint]
    client = make_client()
    if role is not None:
        client.login(make_user(role).username)
    response = client.post(url_for(world), valid_for(world), csrf=False)
    assert response.status_code == 400, endpoint
    assert "security token" in response.get_data(as_text=True)


def test_field_errors_keep_what_was_typed(make_client, world):
    client = make_client()
    client.login(make_user(Role.ADMIN).username)
    html = client.post("/admin/users/new", {
        "username": "bad name!", "full_name": "Keep Me Typed", "organisation_id": 99999,
        "role": "superuser", "locale": "xx", "password": "short"}).get_data(as_text=True)
    for field in ("username", "organisation_id", "role", "password"):
        assert f'id="{field}-error"' in html, field
    assert 'value="Keep Me Typed"' in html


@pytest.mark.parametrize("url", ["/admin/users/99999", "/admin/users/abc", "/admin/users/-1",
                                 "/cases/%00", "/cases/VC-2026-%0000001", "/cases/" + "x" * 3000,
                                 "/tasks/99999", "/tasks/abc"])
def test_unknown_ids_are_404(make_client, url):
    client = make_client()
    client.login(make_user(Role.ADMIN).username)
    admin_status = client.get(url).status_code
    client = make_client()
    client.login(make_user(Role.CMM_COORDINATOR).username)
    assert {admin_status, client.get(url).status_code} == {404}


def test_nul_bytes_never_reach_the_database_and_typed_text_is_kept(make_client, world):
    client = make_client()
    client.login(make_user(Role.ADMIN).username)
    assert client.get("/cases/VC-2026-00001%00").status_code == 404
    assert client.get("/admin/users", query_string={"q": "VC\x00"}).status_code == 200
    html = client.post("/admin/users/new", {
        "username": "x", "full_name": "Keep\x00 this", "organisation_id": world["org"].id,
        "role": "ngo_worker", "locale": "en", "password": "short"}).get_data(as_text=True)
    assert 'value="Keep this"' in html


def test_control_characters_in_a_name_are_refused_next_to_the_field(make_client, world):
    client = make_client()
    client.login(make_user(Role.ADMIN).username)
    html = client.post("/admin/organisations/new", {"name": "Bad\x1bName", "kind": "ngo"}
                       ).get_data(as_text=True)
    assert 'id="name-error"' in html
