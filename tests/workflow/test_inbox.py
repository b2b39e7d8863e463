"""The inbox: by lane and by explicit assignment, claim and release, a coordinator assigns;
alerts leave the dashboard when the work is done."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import make_case, make_org, make_user, open_task, run_support_activity
from victimcare.accounts.models import OrganisationKind, Role
from victimcare.extensions import db
from victimcare.workflow import services as workflow
from victimcare.workflow.models import Alert


@pytest.fixture
def team(app, make_client):
    people = {"coordinator": make_user(Role.CMM_COORDINATOR),
              "jonas": make_user(Role.CMM_CONTACT_PERSON, full_name="Jonas Berg"),
              "sofie": make_user(Role.CMM_CONTACT_PERSON, full_name="Sofie Lund"),
              "officer": make_user(Role.IMMIGRATION_OFFICER)}
    clients = {}
    for name, user in people.items():
        clients[name] = make_client()
        clients[name].login(user.username)
    case = make_case()
    workflow.start("support_activity", case, people["coordinator"])
    db.session.commit()
    return {"people": people, "clients": clients, "case": case,
            "task": open_task(case, "Task_propose")}


def _sees(team, who) -> bool:
    return team["case"].reference in team["clients"][who].get("/tasks").get_data(as_text=True)


def test_a_lane_task_is_in_every_lane_members_inbox_and_no_one_elses(team):
    assert _sees(team, "jonas") and _sees(team, "sofie") and _sees(team, "coordinator")
    assert not _sees(team, "officer")


def test_taking_a_task_moves_it_to_one_persons_list_and_giving_it_back_returns_it(team):
    url = f"/tasks/{team['task'].id}"
    assert team["clients"]["jonas"].post(f"{url}/claim").status_code == 302
    assert _sees(team, "jonas") and not _sees(team, "sofie")
    assert team["clients"]["sofie"].get(url).status_code == 404
    assert _sees(team, "coordinator")  # the coordinator keeps the overview
    assert "Jonas Berg" in team["clients"]["coordinator"].get("/tasks").get_data(as_text=True)
    assert team["clients"]["jonas"].post(f"{url}/release").status_code == 302
    assert _sees(team, "sofie")


def test_coordinator_assigns_a_task_to_a_colleague(team):
    url = f"/tasks/{team['task'].id}"
    page = team["clients"]["coordinator"].get(url).get_data(as_text=True)
    assert "Sofie Lund" in page and "Jonas Berg" in page  # colleagues who can do it
    response = team["clients"]["coordinator"].post(
        f"{url}/assign", {"user_id": team["people"]["sofie"].id})
    assert response.status_code == 302
    assert _sees(team, "sofie") and not _sees(team, "jonas")


def test_a_task_cannot_be_assigned_to_someone_outside_its_lane(team):
    team["clients"]["coordinator"].post(f"/tasks/{team['task'].id}/assign",
                                        {"user_id": team["people"]["officer"].id})
    db.session.expire_all()
    assert open_task(team["case"], "Task_propose").assigned_user_id is None


def test_a_contact_person_cannot_assign(team):
    response = team["clients"]["jonas"].post(f"/tasks/{team['task'].id}/assign",
                                             {"user_id": team["people"]["sofie"].id})
    assert response.status_code == 404


def test_inbox_is_sorted_by_due_time_with_overdue_first(app, make_client, frozen_clock):
    reden = make_org("Reden International", OrganisationKind.NGO)
    coordinator = make_user(Role.CMM_COORDINATOR)
    ngo_user = make_user(Role.NGO_WORKER, reden)
    later, sooner = make_case(given_name="Later"), make_case(given_name="Sooner")
    run_support_activity(later, coordinator, reden, due_at="2026-03-09T10:00:00+00:00")
    run_support_activity(sooner, coordinator, reden, due_at="2026-03-04T10:00:00+00:00")
    frozen_clock.advance(days=3)  # 5 March: the sooner one is overdue
    worker = make_client()  # a new session after the time travel
    worker.login(ngo_user.username)
    html = worker.get("/tasks").get_data(as_text=True)
    assert html.index(sooner.reference) < html.index(later.reference)
    assert html.count("Overdue") == 1


def test_an_alert_leaves_the_dashboard_when_the_work_is_done(app, make_client, frozen_clock):
    import uuid

    reden = make_org("Reden International", OrganisationKind.NGO)
    coordinator = make_user(Role.CMM_COORDINATOR)
    worker = make_user(Role.NGO_WORKER, reden)
    case = make_case()
    run_support_activity(case, coordinator, reden, due_at="2026-03-03T10:00:00+00:00")
    frozen_clock.advance(days=2)
    workflow.run_due_timers()
    assert db.session.scalar(sa.select(Alert.resolved_at)) is None
    task = open_task(case, "Task_carry_out")
    with db.transaction():
        workflow.complete_task(task, worker, {"outcome": "done", "notes": ""}, uuid.uuid4().hex)
    db.session.expire_all()
    assert db.session.scalar(sa.select(Alert.resolved_at)) is not None
    client = make_client()
    client.login(coordinator.username)
    assert "past its due time" not in client.get("/").get_data(as_text=True)
