"""Every route × every role: the access the policy grants, and nothing more.

The expectations below are written out independently of ``victimcare.accounts.policy``; a new
route fails ``test_every_route_is_in_this_table`` until someone decides who may use it.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import make_case, make_org, make_user, open_task, run_support_activity
from tests.housing.builders import make_facility, place
from victimcare.accounts.models import OrganisationKind, Role
from victimcare.audit.models import AuditEvent
from victimcare.extensions import db
from victimcare.identification.models import Interview
from victimcare.workflow import services as workflow
from victimcare.workflow.models import Alert, InstanceStatus, WorkflowTask

ANON = "anonymous"
COORDINATOR = "coordinator"
CONTACT = "contact"
NGO_ASSIGNED = "ngo_assigned"  # works at the NGO that holds a task on the presented case
NGO_OTHER = "ngo_other"  # an NGO with no work on any case
IMMIGRATION = "immigration"
ADMIN = "admin"
WHO = [ANON, COORDINATOR, CONTACT, NGO_ASSIGNED, NGO_OTHER, IMMIGRATION, ADMIN]

LOGGED_IN = set(WHO) - {ANON}
CASEWORKERS = {COORDINATOR, CONTACT, NGO_ASSIGNED, NGO_OTHER, IMMIGRATION}

_TASK_WORKERS = {"ngo_task": {NGO_ASSIGNED}, "cmm_task": {COORDINATOR, CONTACT}}

# The two cases: "presented" (presented to the Immigration Service, and an NGO holds a task
# on it) and "cmm_only" (neither).
EXPECTED = {
    "auth.login": lambda who, case: True,
    "auth.set_locale": lambda who, case: True,
    "main.healthz": lambda who, case: True,
    "auth.logout": lambda who, case: who in LOGGED_IN,
    "auth.change_password": lambda who, case: who in LOGGED_IN,
    "main.dashboard": lambda who, case: who in LOGGED_IN,
    "cases.list_cases": lambda who, case: who in CASEWORKERS,
    "cases.show_case": lambda who, case: who in {COORDINATOR, CONTACT}
    or (who == IMMIGRATION and case == "presented"),
    "cases.case_audit": lambda who, case: who == COORDINATOR,
    "identification.new_referral": lambda who, case: who in {COORDINATOR, CONTACT},
    # The interview belongs to the presented case; under the other case's URL it is a 404.
    "identification.show_interview": lambda who, case: case == "presented" and (
        who in {COORDINATOR, CONTACT, IMMIGRATION}),
    # Recording what went to the police is CMM's (it holds the consent).
    "identification.new_disclosure": lambda who, case: who in {COORDINATOR, CONTACT},
    # Recording that lawful residence ended during a restitution period is CMM's.
    "support.residence_ended": lambda who, case: who in {COORDINATOR, CONTACT},
    "support.contact_person": lambda who, case: who == COORDINATOR,
    "tasks.inbox": lambda who, case: who in CASEWORKERS,
    # Two open tasks: one in the NGO lane for the assigned NGO, one in the CMM lane.
    "tasks.show_task": lambda who, task: who in _TASK_WORKERS[task],
    "tasks.claim_task": lambda who, task: who in _TASK_WORKERS[task],
    "tasks.release_task": lambda who, task: who in _TASK_WORKERS[task],
    "tasks.assign_task": lambda who, task: who == COORDINATOR and task == "cmm_task",
    "tasks.start_process": lambda who, case: who in {COORDINATOR, CONTACT},
    # An alert of an ended process on the CMM-only case, in the CMM lane.
    "tasks.follow_up_alert": lambda who, case: who in {COORDINATOR, CONTACT},
    "admin.list_users": lambda who, case: who == ADMIN,
    "admin.new_user": lambda who, case: who == ADMIN,
    "admin.edit_user": lambda who, case: who == ADMIN,
    "admin.list_organisations": lambda who, case: who == ADMIN,
    "admin.new_organisation": lambda who, case: who == ADMIN,
    # Housing: CMM's. The placement belongs to the presented case (a 404 under the other).
    "housing.occupancy": lambda who, case: who in {COORDINATOR, CONTACT},
    "housing.new_facility": lambda who, case: who == COORDINATOR,
    "housing.edit_facility": lambda who, case: who == COORDINATOR,
    "housing.new_placement": lambda who, case: who in {COORDINATOR, CONTACT},
    "housing.end_placement": lambda who, case: case == "presented" and (
        who in {COORDINATOR, CONTACT}),
    "housing.follow_up": lambda who, case: case == "presented" and (
        who in {COORDINATOR, CONTACT}),
    # Prepared return: CMM offers it and records a disappearance before departure.
    "returns.offer": lambda who, case: who in {COORDINATOR, CONTACT},
    "returns.left_without_notice": lambda who, case: who in {COORDINATOR, CONTACT},
    "returns.rates": lambda who, case: who == COORDINATOR,
    "returns.save_partner": lambda who, case: who == COORDINATOR,
    # Documents for the person: whoever may see the case makes its documents; CMM records
    # the signed consent; the 1a questions carry no case data (NGO interviewers use them).
    "documents.case_documents": lambda who, case: who in {COORDINATOR, CONTACT}
    or (who == IMMIGRATION and case == "presented"),
    # Changing the person's document language is CMM's.
    "documents.set_language": lambda who, case: who in {COORDINATOR, CONTACT},
    # Tried with the rights leaflet, which is CMM's; the Immigration Service makes only the
    # decision document (tests/documents).
    "documents.show_document": lambda who, case: who in {COORDINATOR, CONTACT},
    "documents.document_pdf": lambda who, case: who in {COORDINATOR, CONTACT},
    "documents.new_consent": lambda who, case: who in {COORDINATOR, CONTACT},
    "documents.interview_questions": lambda who, case: who in CASEWORKERS,
    # The rights leaflet with blanks: no case data; CMM and NGO outreach hand it out.
    "documents.rights_leaflet": lambda who, case: who in {COORDINATOR, CONTACT, NGO_ASSIGNED,
                                                          NGO_OTHER},
    "documents.rights_leaflet_pdf": lambda who, case: who in {COORDINATOR, CONTACT,
                                                              NGO_ASSIGNED, NGO_OTHER},
}


@pytest.fixture
def world(app, make_client):
    reden = make_org("Reden International", OrganisationKind.NGO)
    hopenow = make_org("HopeNow", OrganisationKind.NGO)
    us = make_org("Udlændingestyrelsen", OrganisationKind.IMMIGRATION_SERVICE)
    users = {
        COORDINATOR: make_user(Role.CMM_COORDINATOR),
        CONTACT: make_user(Role.CMM_CONTACT_PERSON),
        NGO_ASSIGNED: make_user(Role.NGO_WORKER, reden),
        NGO_OTHER: make_user(Role.NGO_WORKER, hopenow),
        IMMIGRATION: make_user(Role.IMMIGRATION_OFFICER, us),
        ADMIN: make_user(Role.ADMIN),
    }
    cases = {
        "presented": make_case(presented=True, assigned_to=reden, given_name="Anna",
                               family_name="Presented"),
        "cmm_only": make_case(given_name="Bianca", family_name="Cmmonly"),
    }
    run_support_activity(cases["presented"], users[COORDINATOR], reden)
    workflow.start("support_activity", cases["cmm_only"], users[COORDINATOR])
    db.session.commit()
    interview = Interview(
        case_id=cases["presented"].id, held_at=cases["presented"].created_at, place="Vejle",
        interviewer_id=users[CONTACT].id, organisation_id=users[CONTACT].organisation_id,
        account="Confidential account", trafficker_contact="doubt", debt_demanded="yes",
        pending_threats="no", recommendation="yes", recommendation_reasons="Indicators")
    db.session.add(interview)
    db.session.commit()
    ended = workflow.start("support_activity", cases["cmm_only"], users[COORDINATOR])
    ended.status = InstanceStatus.COMPLETED
    alert = Alert(case_id=cases["cmm_only"].id, instance_id=ended.id, kind="activity_overdue",
                  lane="CMM")
    db.session.add(alert)
    db.session.commit()
    facility = make_facility()
    placement = place(cases["presented"], users[CONTACT], facility, payer="cmm")
    tasks = {"ngo_task": open_task(cases["presented"], "Task_carry_out"),
             "cmm_task": open_task(cases["cmm_only"], "Task_propose")}
    clients = {}
    for who in WHO:
        client = make_client()
        if who != ANON:
            assert client.login(users[who].username).status_code == 302
        clients[who] = client
    return {"users": users, "cases": cases, "clients": clients, "tasks": tasks,
            "interview": interview, "facility": facility, "placement": placement,
            "alert": alert}


def _urls(app, world, endpoint: str):
    """(case label, method, url) for each way to call the endpoint."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    method = "GET" if "GET" in rule.methods else "POST"
    if "reference" in rule.arguments:
        extra = {"process_key": "support_activity", "interview_id": world["interview"].id,
                 "placement_id": world["placement"].id, "kind": "rights"}
        extra = {k: v for k, v in extra.items() if k in rule.arguments}
        return [(label, method, rule.build({"reference": case.reference, **extra})[1])
                for label, case in world["cases"].items()]
    if "task_id" in rule.arguments:
        return [(label, method, rule.build({"task_id": task.id})[1])
                for label, task in world["tasks"].items()]
    values = {"user_id": world["users"][CONTACT].id, "facility_id": world["facility"].id,
              "alert_id": world["alert"].id}
    return [(None, method, rule.build({k: values[k] for k in rule.arguments})[1])]


def _logouts() -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "auth.logout"))


def _granted(response) -> bool:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code in (403, 404):
        return False
    return not (response.status_code == 302 and "/login" in response.headers["Location"])


def test_every_route_is_in_this_table(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint != "static"}
    assert endpoints == set(EXPECTED), "add the route to EXPECTED (and to the policy)"


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_route_grants_exactly_the_expected_roles(app, world, endpoint):
    mismatches = []
    for who in WHO:
        for case_label, method, url in _urls(app, world, endpoint):
            client = world["clients"][who]
            logouts = _logouts()
            response = client.get(url) if method == "GET" else client.post(url, {})
            expected = EXPECTED[endpoint](who, case_label)
            # Logging out, too, lands on the log-in page: what tells is the audit row.
            granted = _logouts() > logouts if endpoint == "auth.logout" else _granted(response)
            if granted != expected:
                mismatches.append((who, method, url, response.status_code, expected))
            if endpoint == "auth.logout" and who != ANON:
                assert client.login(world["users"][who].username).status_code == 302
            # Claiming or assigning a task must not hide it from the next role tried.
            db.session.execute(sa.update(WorkflowTask).values(assigned_user_id=None))
            db.session.commit()
    assert not mismatches, mismatches


def test_denied_record_looks_like_a_missing_one(world):
    client = world["clients"][NGO_ASSIGNED]
    denied = client.get(f"/cases/{world['cases']['presented'].reference}")
    missing = client.get("/cases/VC-0000-99999")
    assert denied.status_code == missing.status_code == 404
    body = lambda r: re.sub(r'value="[^"]+"', "", r.get_data(as_text=True))  # noqa: E731
    assert body(denied) == body(missing)


def test_ngo_worker_lists_only_assigned_cases_with_minimal_fields(world):
    html = world["clients"][NGO_ASSIGNED].get("/cases").get_data(as_text=True)
    assert world["cases"]["presented"].reference in html
    assert "Anna" in html
    assert "Presented" not in html  # the family name is not what the task needs
    assert world["cases"]["cmm_only"].reference not in html
    other = world["clients"][NGO_OTHER].get("/cases").get_data(as_text=True)
    assert world["cases"]["presented"].reference not in other


def test_immigration_officer_lists_only_presented_cases(world):
    html = world["clients"][IMMIGRATION].get("/cases").get_data(as_text=True)
    assert world["cases"]["presented"].reference in html
    assert world["cases"]["cmm_only"].reference not in html


def test_admin_sees_no_case_content(world):
    client = world["clients"][ADMIN]
    for case in world["cases"].values():
        assert client.get(f"/cases/{case.reference}").status_code == 404
    html = client.get("/").get_data(as_text=True)
    assert "Anna" not in html and "Bianca" not in html
