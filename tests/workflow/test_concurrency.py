"""Two people completing one task at once, a double click, and a crash mid-completion:
exactly one completion, nothing applied twice, nothing half-applied."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
import sqlalchemy as sa

from tests.factories import make_case, make_user, open_task
from victimcare.accounts.models import Role
from victimcare.extensions import db
from victimcare.workflow import services as workflow
from victimcare.workflow.models import CaseEvent, TaskState, WorkflowInstance, WorkflowTask

PROPOSAL = {"activity_kind": "course", "description": "Danish course",
            "due_date": "2026-03-20", "action": "complete"}
TOKEN = re.compile(r'name="submission_id" value="([^"]+)"')


@pytest.fixture
def started(app):
    from tests.factories import make_org
    from victimcare.accounts.models import OrganisationKind

    reden = make_org("Reden International", OrganisationKind.NGO)
    coordinator = make_user(Role.CMM_COORDINATOR)
    case = make_case()
    instance = workflow.start("support_activity", case, coordinator)
    db.session.commit()
    return {"case": case, "instance_id": instance.id, "coordinator": coordinator,
            "form": {**PROPOSAL, "organisation_id": reden.id},
            "task": open_task(case, "Task_propose")}


def _rows_of_case(case) -> dict[str, int]:
    """How many rows of each kind a completion writes the case has."""
    from victimcare.audit.models import AuditEvent
    from victimcare.cases.models import CaseAssignment

    db.session.expire_all()
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                              .where(model.case_id == case.id))
            for model in (WorkflowTask, CaseAssignment, CaseEvent, AuditEvent)}


def _completions(case) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == "task_completed"))


def test_two_people_complete_the_same_task_at_once(started, make_client, monkeypatch):
    clients = [make_client(), make_client()]
    for client in clients:
        client.login(make_user(Role.CMM_CONTACT_PERSON).username)
    tokens = [TOKEN.search(c.get(f"/tasks/{started['task'].id}").get_data(as_text=True))
              .group(1) for c in clients]
    both_loaded = threading.Barrier(2, timeout=3)
    original = workflow.complete_task

    def racing(*args, **kwargs):
        # On PostgreSQL both requests read the open task before either writes. On SQLite the
        # second request waits for the first one's transaction (BEGIN IMMEDIATE) and never
        # gets here with it, so the barrier gives up and lets the first go on.
        try:
            both_loaded.wait()
        except threading.BrokenBarrierError:
            pass
        return original(*args, **kwargs)

    monkeypatch.setattr(workflow, "complete_task", racing)
    results = [None, None]

    def submit(i):
        results[i] = clients[i].post(f"/tasks/{started['task'].id}",
                                     {**started["form"], "submission_id": tokens[i]})

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    pages = []
    for client, response in zip(clients, results, strict=True):
        assert response.status_code in (200, 302)
        if response.status_code == 302:  # the message is on the page it leads to
            response = client.get(response.headers["Location"])
        pages.append(response.get_data(as_text=True))
    assert sum("The task is done" in page for page in pages) == 1
    assert sum("Nothing you sent was saved" in page for page in pages) == 1
    assert _completions(started["case"]) == 1
    instance = db.session.get(WorkflowInstance, started["instance_id"])
    assert instance.version == 2
    assert open_task(started["case"], "Task_approve") is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkflowTask).where(
        WorkflowTask.task_name == "Task_approve")) == 1


def test_a_double_click_arriving_at_once_is_applied_once(started, make_client, monkeypatch):
    """The same form posted twice at the same moment (two connections of one browser): the
    second is answered "already saved", not as a conflict."""
    clients = [make_client(), make_client()]
    for client in clients:
        client.login(started["coordinator"].username)
    url = f"/tasks/{started['task'].id}"
    token = TOKEN.search(clients[0].get(url).get_data(as_text=True)).group(1)
    both_loaded = threading.Barrier(2, timeout=3)
    original = workflow.complete_task

    def racing(*args, **kwargs):
        try:  # as in the test above: on SQLite the second request never gets here in time
            both_loaded.wait()
        except threading.BrokenBarrierError:
            pass
        return original(*args, **kwargs)

    monkeypatch.setattr(workflow, "complete_task", racing)
    results = [None, None]

    def submit(i):
        results[i] = clients[i].post(url, {**started["form"], "submission_id": token})

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    pages = []
    for client, response in zip(clients, results, strict=True):
        assert response.status_code == 302
        pages.append(client.get(response.headers["Location"]).get_data(as_text=True))
    assert sum("The task is done" in page for page in pages) == 1
    assert sum("already saved" in page for page in pages) == 1
    assert _completions(started["case"]) == 1
    assert db.session.get(WorkflowInstance, started["instance_id"]).version == 2


def test_the_same_form_submitted_twice_is_applied_once(started, client):
    client.login(started["coordinator"].username)
    url = f"/tasks/{started['task'].id}"
    token = TOKEN.search(client.get(url).get_data(as_text=True)).group(1)
    first = client.post(url, {**started["form"], "submission_id": token})
    second = client.post(url, {**started["form"], "submission_id": token})
    assert first.status_code == second.status_code == 302
    assert "already saved" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert _completions(started["case"]) == 1
    assert db.session.get(WorkflowInstance, started["instance_id"]).version == 2


def test_a_completed_task_cannot_be_completed_again_with_a_new_form(started, client):
    client.login(started["coordinator"].username)
    url = f"/tasks/{started['task'].id}"
    client.post(url, {**started["form"], "submission_id": uuid.uuid4().hex})
    again = client.post(url, {**started["form"], "submission_id": uuid.uuid4().hex})
    assert again.status_code == 302  # the task page of a done task leads to the case
    assert "already completed" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert _completions(started["case"]) == 1


@pytest.mark.parametrize("where", ["after the instance is saved", "after every row is written"])
def test_a_crash_inside_a_completion_leaves_everything_as_it_was(started, monkeypatch, where):
    before = db.session.get(WorkflowInstance, started["instance_id"])
    serialized, version = before.serialized, before.version
    rows_before = _rows_of_case(started["case"])

    if where == "after the instance is saved":
        def crash(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(workflow._Projection, "step", crash)
    else:
        write = workflow._Projection.write

        def crash(self):
            write(self)  # the task closed, events and audit written (one statement on PG)
            raise RuntimeError("disk full")

        monkeypatch.setattr(workflow._Projection, "write", crash)
    task = db.session.get(WorkflowTask, started["task"].id)
    with pytest.raises(RuntimeError, match="disk full"):
        with db.transaction():
            workflow.complete_task(task, started["coordinator"], {
                "activity_kind": "course", "description": "x",
                "organisation_id": started["form"]["organisation_id"],
                "due_at": "2026-03-20T22:59:00+00:00"}, uuid.uuid4().hex)
    db.session.expire_all()
    after = db.session.get(WorkflowInstance, started["instance_id"])
    assert (after.serialized, after.version) == (serialized, version)
    assert db.session.get(WorkflowTask, started["task"].id).state == TaskState.READY
    assert _completions(started["case"]) == 0
    # nor the next task, the events or the audit rows
    assert _rows_of_case(started["case"]) == rows_before
    monkeypatch.undo()
    # And the task can still be completed afterwards.
    task = db.session.get(WorkflowTask, started["task"].id)
    with db.transaction():
        assert workflow.complete_task(task, started["coordinator"], {
            "activity_kind": "course", "description": "x",
            "organisation_id": started["form"]["organisation_id"],
            "due_at": "2026-03-20T22:59:00+00:00"}, uuid.uuid4().hex)
    assert _completions(started["case"]) == 1
    after = _rows_of_case(started["case"])  # so the comparison above could have failed
    assert after["WorkflowTask"] > rows_before["WorkflowTask"]
    assert after["AuditEvent"] > rows_before["AuditEvent"]


def test_the_instance_read_with_a_posted_task_serves_only_its_own_transaction(started):
    """The view reads the task with its instance (load_task_for_completion) and complete_task
    uses that read in the same transaction; after a commit (another moment, maybe another
    version of the instance) it reads the instance again."""
    data = {"activity_kind": "course", "description": "x",
            "organisation_id": started["form"]["organisation_id"],
            "due_at": "2026-03-20T22:59:00+00:00"}
    reads: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("SELECT") and "workflow_instances" in statement:
            reads.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        db.session.commit()
        task = workflow.load_task_for_completion(started["task"].id, started["coordinator"])
        db.session.commit()  # the kept read belongs to the transaction that has ended
        reads.clear()
        with db.transaction():
            assert workflow.complete_task(task, started["coordinator"], data, uuid.uuid4().hex)
        assert len(reads) == 1  # read again

        case = make_case()
        instance = workflow.start("support_activity", case, started["coordinator"])
        db.session.commit()
        task_id = open_task(case, "Task_propose").id
        db.session.commit()
        reads.clear()
        with db.transaction():
            task = workflow.load_task_for_completion(task_id, started["coordinator"])
            assert workflow.complete_task(task, started["coordinator"], data, uuid.uuid4().hex)
        assert len(reads) == 1  # the read made with the task, nothing more
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert db.session.get(WorkflowInstance, instance.id).version == 2
