"""The sample process end to end through HTTP: lanes, a gateway, an NGO-lane task, and a
boundary timer that escalates to CMM when the NGO task is overdue."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import make_case, make_org, make_user, open_task
from victimcare.accounts.models import OrganisationKind, Role
from victimcare.extensions import db
from victimcare.workflow import services as workflow
from victimcare.workflow.models import Alert, InstanceStatus, WorkflowInstance

TOKEN = re.compile(r'name="submission_id" value="([^"]+)"')


@pytest.fixture
def world(app, make_client):
    reden = make_org("Reden International", OrganisationKind.NGO)
    hopenow = make_org("HopeNow", OrganisationKind.NGO)
    people = {
        "coordinator": make_user(Role.CMM_COORDINATOR, full_name="Camilla Holm"),
        "contact": make_user(Role.CMM_CONTACT_PERSON),
        "reden": make_user(Role.NGO_WORKER, reden, full_name="Maria Dahl"),
        "hopenow": make_user(Role.NGO_WORKER, hopenow),
    }
    clients = {}
    for name, user in people.items():
        clients[name] = make_client()
        clients[name].login(user.username)
    case = make_case(given_name="Blessing", family_name="Okafor", alias="Bee")
    return {"reden": reden, "people": people, "clients": clients, "case": case}


def _submit(client, task_id, data):
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200, page.status_code
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    response = client.post(f"/tasks/{task_id}", {**data, "submission_id": token,
                                                 "action": "complete"})
    return response


def _propose_and_approve(world, due_date="2026-03-05"):
    coordinator = world["clients"]["coordinator"]
    case = world["case"]
    assert coordinator.post(f"/cases/{case.reference}/processes/support_activity"
                            ).status_code == 302
    propose = open_task(case, "Task_propose")
    assert _submit(coordinator, propose.id, {
        "activity_kind": "accompaniment", "description": "Accompany Bee to the dentist",
        "organisation_id": world["reden"].id, "due_date": due_date}).status_code == 302
    approve = open_task(case, "Task_approve")
    assert _submit(coordinator, approve.id, {"decision": "approve"}).status_code == 302
    return open_task(case, "Task_carry_out")


def test_approved_activity_goes_to_the_chosen_ngo_only(world):
    task = _propose_and_approve(world)
    assert task.lane == "NGO" and task.organisation_id == world["reden"].id
    inbox = world["clients"]["reden"].get("/tasks").get_data(as_text=True)
    assert "Carry out the support activity" in inbox
    assert world["case"].reference in inbox
    assert "Carry out" not in world["clients"]["hopenow"].get("/tasks").get_data(as_text=True)
    assert world["clients"]["hopenow"].get(f"/tasks/{task.id}").status_code == 404
    # The CMM lane does not hold the NGO's task either.
    assert world["clients"]["contact"].get(f"/tasks/{task.id}").status_code == 404


def test_ngo_worker_sees_only_what_the_task_needs(world):
    task = _propose_and_approve(world)
    html = world["clients"]["reden"].get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Bee" in html and "Accompany Bee to the dentist" in html
    assert "Blessing" not in html and "Okafor" not in html
    assert world["clients"]["reden"].get(f"/cases/{world['case'].reference}").status_code == 404


def test_ngo_completes_the_task_and_cmm_sees_it_in_the_history(world):
    task = _propose_and_approve(world)
    response = _submit(world["clients"]["reden"], task.id,
                       {"outcome": "done", "notes": "Went well"})
    assert response.status_code == 302
    instance = db.session.get(WorkflowInstance, task.instance_id)
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.next_timer_due_at is None
    html = world["clients"]["coordinator"].get(f"/cases/{world['case'].reference}"
                                               ).get_data(as_text=True)
    for text in ("Propose a support activity", "Approve the support activity",
                 "Carry out the support activity", "Maria Dahl", "Went well",
                 "Reden International"):
        assert text in html, text
    # Done: the NGO no longer holds work on the case.
    assert world["case"].reference not in world["clients"]["reden"].get("/cases").get_data(
        as_text=True)


def test_rejected_activity_ends_without_ngo_work(world):
    coordinator = world["clients"]["coordinator"]
    case = world["case"]
    coordinator.post(f"/cases/{case.reference}/processes/support_activity")
    _submit(coordinator, open_task(case, "Task_propose").id, {
        "activity_kind": "course", "description": "Language course",
        "organisation_id": world["reden"].id, "due_date": "2026-03-10"})
    approve = open_task(case, "Task_approve")
    no_reason = _submit(coordinator, approve.id, {"decision": "reject"})
    assert no_reason.status_code == 200
    assert 'id="reason-error"' in no_reason.get_data(as_text=True)
    _submit(coordinator, approve.id, {"decision": "reject", "reason": "Already arranged"})
    assert open_task(case, "Task_carry_out") is None
    assert db.session.scalar(sa.select(WorkflowInstance.status)) == InstanceStatus.COMPLETED


def test_overdue_ngo_task_alerts_cmm_and_stays_open(world, frozen_clock):
    task = _propose_and_approve(world, due_date="2026-03-03")
    # Due at the end of 3 March, Copenhagen time (22:59 UTC in winter).
    assert task.due_at.isoformat() == "2026-03-03T22:59:00+00:00"
    instance = db.session.get(WorkflowInstance, task.instance_id)
    assert instance.next_timer_due_at == task.due_at
    frozen_clock.advance(days=1, hours=13, minutes=58)  # 3 March 22:58: one minute early
    assert workflow.run_due_timers() == 0
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 0
    frozen_clock.advance(minutes=2)
    assert world["clients"]["coordinator"].app.test_cli_runner().invoke(
        args=["workflows", "tick"]).exit_code == 0
    db.session.expire_all()
    assert db.session.scalar(sa.select(Alert.kind)) == "activity_overdue"
    for name in ("coordinator", "reden"):  # a day and a half later: new sessions
        assert world["clients"][name].login(world["people"][name].username).status_code == 302
    dashboard = world["clients"]["coordinator"].get("/").get_data(as_text=True)
    assert "A support activity is past its due time" in dashboard
    assert world["case"].reference in dashboard
    inbox = world["clients"]["reden"].get("/tasks").get_data(as_text=True)
    assert "Overdue" in inbox
    assert open_task(world["case"], "Task_carry_out") is not None  # the NGO can still do it
    assert "Due time passed" not in world["clients"]["reden"].get("/").get_data(as_text=True)


def test_the_sweep_loads_only_due_instances(world, frozen_clock):
    for _ in range(3):
        make_case()
    _propose_and_approve(world, due_date="2026-03-20")
    assert workflow.run_due_timers() == 0  # nothing due: nothing loaded
    frozen_clock.advance(days=30)
    assert workflow.run_due_timers() == 1
    db.session.commit()
    assert workflow.run_due_timers() == 0  # the alert fired once; no timer left waiting


def test_one_broken_instance_does_not_hold_up_the_sweep(world, frozen_clock, caplog):
    from tests.factories import run_support_activity

    first = make_case(given_name="First")
    second = make_case(given_name="Second")
    coordinator = world["people"]["coordinator"]
    broken = run_support_activity(first, coordinator, world["reden"])
    run_support_activity(second, coordinator, world["reden"])
    db.session.execute(sa.update(WorkflowInstance).where(WorkflowInstance.id == broken.id)
                       .values(serialized="{not json"))
    db.session.commit()
    frozen_clock.advance(days=10)
    assert workflow.run_due_timers() == 1  # the healthy one
    db.session.expire_all()
    alerts = list(db.session.scalars(sa.select(Alert.case_id)))
    assert alerts == [second.id]
    assert any("instance" in r.getMessage() and "failed" in r.getMessage()
               for r in caplog.records)


def test_a_task_that_opens_after_its_deadline_is_overdue_at_once(world, frozen_clock):
    from tests.factories import run_support_activity

    late = make_case(given_name="Late")
    run_support_activity(late, world["people"]["coordinator"], world["reden"],
                         due_at="2026-03-01T10:00:00+00:00")  # approved after the due date
    task = open_task(late, "Task_carry_out")
    assert task.due_at.isoformat() == "2026-03-01T10:00:00+00:00"
    assert db.session.scalar(sa.select(Alert.kind).where(Alert.case_id == late.id)) == \
        "activity_overdue"
