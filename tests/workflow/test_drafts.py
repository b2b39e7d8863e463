"""Half-filled forms: saved as drafts, resumed later, and never lost to a session timeout."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_case, make_user, open_task
from victimcare.accounts.models import Role
from victimcare.extensions import db
from victimcare.workflow import services as workflow

TOKEN = re.compile(r'name="submission_id" value="([^"]+)"')
LONG_TEXT = "The person described the journey from Constanța in detail. " * 20


@pytest.fixture
def task(app):
    case = make_case()
    workflow.start("support_activity", case, make_user(Role.CMM_COORDINATOR))
    db.session.commit()
    return open_task(case, "Task_propose")


def test_a_draft_is_saved_and_resumed(client, task):
    client.login(make_user(Role.CMM_CONTACT_PERSON).username)
    response = client.post(f"/tasks/{task.id}", {
        "action": "save_draft", "description": LONG_TEXT, "activity_kind": "course"})
    assert response.status_code == 302
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "continuing a draft" in html
    assert "Constanța in detail" in html
    assert 'value="course" selected' in html or 'selected value="course"' in html
    assert open_task(make_case_of(task), "Task_propose") is not None


def make_case_of(task):
    from victimcare.cases.models import Case

    return db.session.get(Case, task.case_id)


def test_drafts_are_per_person(client, make_client, task):
    client.login(make_user(Role.CMM_CONTACT_PERSON).username)
    client.post(f"/tasks/{task.id}", {"action": "save_draft", "description": LONG_TEXT})
    colleague = make_client()
    colleague.login(make_user(Role.CMM_CONTACT_PERSON).username)
    assert "Constanța" not in colleague.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_nothing_typed_is_lost_when_the_session_times_out(client, task, frozen_clock):
    user = make_user(Role.CMM_CONTACT_PERSON)
    client.login(user.username)
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    client.csrf_token()  # the token is in the page the user has open
    frozen_clock.advance(minutes=45)  # a long interview; the session has timed out
    response = client.post(f"/tasks/{task.id}", {
        "action": "complete", "description": LONG_TEXT, "activity_kind": "legal_advice",
        "submission_id": TOKEN.search(page).group(1)})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/tasks/{task.id}"
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "kept as a draft" in login_page
    # Log in again: the draft is there, and the task is still open.
    client.login(user.username)
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Constanța in detail" in html
    assert open_task(make_case_of(task), "Task_propose") is not None


def test_completing_the_task_removes_its_drafts(client, task):
    from tests.factories import make_org
    from victimcare.accounts.models import OrganisationKind
    from victimcare.workflow.models import TaskDraft

    reden = make_org("Reden International", OrganisationKind.NGO)
    client.login(make_user(Role.CMM_CONTACT_PERSON).username)
    client.post(f"/tasks/{task.id}", {"action": "save_draft", "description": "half"})
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    client.post(f"/tasks/{task.id}", {
        "action": "complete", "description": "Dentist", "activity_kind": "accompaniment",
        "organisation_id": reden.id, "due_date": "2026-03-10",
        "submission_id": TOKEN.search(page).group(1)})
    assert db.session.query(TaskDraft).count() == 0
