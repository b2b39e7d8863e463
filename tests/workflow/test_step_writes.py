"""What one step writes besides the instance: the task closed with its data, the NGO's hold on
the case ended, drafts gone, alerts resolved or raised, case events and the audit row. On
PostgreSQL these are one statement (``_WRITE_ALL_POSTGRESQL``), on SQLite one statement each.
The same tests run on both databases, and on PostgreSQL one test runs both paths on the same
collected rows and compares every column they wrote."""

from __future__ import annotations

import uuid
from datetime import timedelta, timezone

import pytest
import sqlalchemy as sa

from tests.factories import make_case, make_org, make_user, open_task, run_support_activity
from victimcare import clock
from victimcare.accounts.models import OrganisationKind, Role
from victimcare.audit.models import AuditEvent
from victimcare.cases.models import CaseAssignment
from victimcare.extensions import db
from victimcare.workflow import services as workflow
from victimcare.workflow.models import (
    Alert,
    CaseEvent,
    InstanceStatus,
    TaskDraft,
    TaskState,
    WorkflowInstance,
    WorkflowTask,
)

REPORT = {"outcome": "done", "notes": "Went to the dentist together."}


@pytest.fixture
def at_ngo_task(app):
    reden = make_org("Reden International", OrganisationKind.NGO)
    coordinator = make_user(Role.CMM_COORDINATOR)
    worker = make_user(Role.NGO_WORKER, org=reden)
    case = make_case()
    instance = run_support_activity(case, coordinator, reden)
    task = open_task(case, "Task_carry_out")
    return {"case": case, "instance_id": instance.id, "worker": worker, "reden": reden,
            "task": task}


def _rows(model, **where):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(model).filter_by(**where).order_by(model.id)))


def test_completing_the_ngo_task_writes_every_row_of_the_step(at_ngo_task):
    case, task, worker = at_ngo_task["case"], at_ngo_task["task"], at_ngo_task["worker"]
    instance_id = at_ngo_task["instance_id"]
    assert [a.is_active for a in _rows(CaseAssignment, task_id=task.id)] == [True]
    workflow.save_draft(task, worker, {"notes": "half typed"})
    db.session.add(Alert(case_id=case.id, instance_id=instance_id, kind="activity_overdue",
                         lane="CMM"))  # as if its deadline had passed
    db.session.commit()
    token = uuid.uuid4().hex

    with db.transaction():
        assert workflow.complete_task(task, worker, dict(REPORT), token) is True

    closed = _rows(WorkflowTask, id=task.id)[0]
    assert (closed.state, closed.completed_by_id, closed.completion_token) == (
        TaskState.COMPLETED, worker.id, token)
    assert closed.completed_at is not None and closed.completed_at.tzinfo is not None
    assert closed.data["notes"] == REPORT["notes"]
    assignment = _rows(CaseAssignment, task_id=task.id)[0]
    # the NGO's hold on the case ends when the task was done, not a moment later
    assert assignment.is_active is False and assignment.ended_at == closed.completed_at
    assert _rows(TaskDraft, task_id=task.id) == []
    instance = _rows(WorkflowInstance, id=instance_id)[0]
    assert instance.status == InstanceStatus.COMPLETED
    alert = _rows(Alert, instance_id=instance_id)[0]
    assert alert.resolved_at is not None and alert.resolved_by_id == worker.id
    events = [(e.kind, e.name, e.task_id, e.actor_id) for e in _rows(CaseEvent, case_id=case.id)]
    assert events[-2:] == [("task_completed", "Task_carry_out", task.id, worker.id),
                           ("process_completed", "support_activity", None, worker.id)]
    audit = [a for a in _rows(AuditEvent, case_id=case.id) if a.action == "task.completed"]
    assert (audit[-1].subject_type, audit[-1].subject_id, audit[-1].actor_id,
            audit[-1].actor_organisation_id, audit[-1].details) == (
        "workflow_task", str(task.id), worker.id, at_ngo_task["reden"].id,
        {"task": "Task_carry_out"})


def test_closing_a_task_that_is_no_longer_open_refuses_the_whole_transaction(at_ngo_task):
    """``write`` raises once everything is written (both paths write every row first); the
    caller's transaction, rolled back by the error, takes all of it back."""
    task, case = at_ngo_task["task"], at_ngo_task["case"]
    with db.transaction():  # someone else closed it, and has committed
        db.session.execute(sa.update(WorkflowTask).where(WorkflowTask.id == task.id)
                           .values(state=TaskState.CANCELLED))
    events_before = len(_rows(CaseEvent, case_id=case.id))
    audit_before = len(_rows(AuditEvent, case_id=case.id))
    with pytest.raises(workflow.TaskConflictError), db.transaction():
        projection = workflow._Projection([workflow._event(
            task.case_id, None, "task_completed", "support_activity", task.task_name, task.id)])
        projection.close_task(task.id, task.organisation_id, {
            "state": TaskState.COMPLETED, "completed_at": projection.now,
            "completed_by_id": None, "completion_token": uuid.uuid4().hex, "data": {}})
        projection.audit.append(workflow.audit.row(None, "task.completed", "workflow_task",
                                                   task.id, case_id=case.id))
        projection.write()
    closed = _rows(WorkflowTask, id=task.id)[0]
    assert (closed.state, closed.completion_token) == (TaskState.CANCELLED, None)
    assert len(_rows(CaseEvent, case_id=case.id)) == events_before
    assert len(_rows(AuditEvent, case_id=case.id)) == audit_before
    # the hold was not ended by the refused write
    assert [a.is_active for a in _rows(CaseAssignment, task_id=task.id)] == [True]


def test_the_step_writes_json_and_times_as_the_column_types_do(at_ngo_task):
    """One path per database, the same values: an audit row without details stores JSON
    null as ``audit.record`` does, and a naive time is refused on both."""
    case = at_ngo_task["case"]
    with db.transaction():
        workflow.audit.record(None, "probe.recorded", "case", case.id, case_id=case.id)
        projection = workflow._Projection()
        projection.audit.append(workflow.audit.row(None, "probe.written", "case", case.id,
                                                   case_id=case.id))
        projection.write()
    stored = db.session.execute(sa.text(
        "SELECT action, details IS NULL, CAST(details AS TEXT) FROM audit_events "
        "WHERE action LIKE 'probe.%' ORDER BY action")).all()
    assert [tuple(row[1:]) for row in stored] == [tuple(stored[0][1:])] * 2

    naive = workflow._Projection()
    naive.events.append({**workflow._event(case.id, None, "alert", "support_activity", "x"),
                         "occurred_at": naive.now.replace(tzinfo=None)})
    with pytest.raises((ValueError, sa.exc.StatementError)), db.transaction():
        naive.write()


def test_a_new_alert_supersedes_the_open_ones_and_stays_open(at_ngo_task):
    instance = db.session.get(WorkflowInstance, at_ngo_task["instance_id"])
    with db.transaction():
        workflow.raise_alert(instance, "activity_due_soon")
    with db.transaction():
        workflow.raise_alert(instance, "activity_overdue")
    alerts = [(a.kind, a.resolved_at is None, a.resolved_by_id)
              for a in _rows(Alert, instance_id=instance.id)]
    assert alerts == [("activity_due_soon", False, None), ("activity_overdue", True, None)]
    raised = _rows(CaseEvent, case_id=at_ngo_task["case"].id, kind="alert")
    assert [e.name for e in raised] == ["activity_due_soon", "activity_overdue"]


def test_a_projection_with_nothing_to_write_sends_nothing(app):
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with db.transaction():
            workflow._Projection().write()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert statements == []


def test_rows_of_another_shape_are_refused_on_both_databases(at_ngo_task):
    """PostgreSQL's statement names its columns, SQLite's inserts what the row has: a row with
    a key more or less would be written differently, so it is refused before either."""
    task = at_ngo_task["task"]
    projection = workflow._Projection()
    with pytest.raises(ValueError):
        projection.close_task(task.id, task.organisation_id, {
            "state": TaskState.COMPLETED, "completed_at": projection.now,
            "completed_by_id": None, "completion_token": "t", "data": {},
            "assigned_user_id": None})
    with pytest.raises(ValueError):
        projection.close_task(task.id, task.organisation_id, {"state": TaskState.COMPLETED})
    event = workflow._event(task.case_id, None, "alert", "support_activity", "x")
    for row in ({**event, "extra": 1}, {k: v for k, v in event.items() if k != "task_id"}):
        projection = workflow._Projection([row])
        with pytest.raises(ValueError), db.transaction():
            projection.write()


_TABLES = (WorkflowTask, CaseAssignment, TaskDraft, Alert, CaseEvent, AuditEvent)


def _every_column():
    connection = db.session.connection()
    written = {}
    for model in _TABLES:
        table = model.__table__
        columns = [sa.cast(c, sa.Text).label(c.name) if isinstance(c.type, sa.JSON) else c
                   for c in table.c if c.name != "id"]
        written[table.name] = sorted(repr(tuple(row))
                                     for row in connection.execute(sa.select(*columns)))
    return written


def test_postgresql_writes_in_one_statement_what_sqlite_writes_in_several(at_ngo_task):
    """Both write paths on the same collected rows (PostgreSQL only: the one statement is
    its own): every column of every table, JSON as stored text, times to the microsecond."""
    case, task, worker = at_ngo_task["case"], at_ngo_task["task"], at_ngo_task["worker"]
    if db.session.connection().dialect.name != "postgresql":
        pytest.skip("the one-statement path is PostgreSQL's")
    workflow.save_draft(task, worker, {"notes": "half typed"})
    db.session.add(Alert(case_id=case.id, instance_id=at_ngo_task["instance_id"],
                         kind="activity_overdue", lane="CMM"))
    db.session.commit()
    instance = db.session.get(WorkflowInstance, at_ngo_task["instance_id"])
    projection = workflow._Projection(
        [workflow._event(case.id, worker, "task_completed", "support_activity",
                         task.task_name, task.id)],
        now=clock.now().astimezone(timezone(timedelta(hours=1))))  # not UTC: stored as UTC
    projection.raise_alert(instance, "first", "CMM")
    projection.raise_alert(instance, "second", "NGO")  # supersedes the first
    projection._resolve_alerts(instance.id, worker.id)
    projection.raise_alert(instance, "third", "CMM")
    projection.close_task(task.id, task.organisation_id, {
        "state": TaskState.COMPLETED, "completed_at": projection.now,
        "completed_by_id": worker.id, "completion_token": uuid.uuid4().hex,
        "data": {"notes": 'Grüße ☃ "q" \\ \u0000', "none": None, "list": [1, 2.5, True]}})
    projection.audit.append(workflow.audit.row(worker, "task.completed", "workflow_task",
                                               task.id, case_id=case.id))
    projection.audit.append(workflow.audit.row(None, "probe", "case", case.id,
                                               details={"k": ["ü", None]}))
    results = []
    for write in (lambda c: workflow._write_in_one_statement(c, projection),
                  projection._write_statement_by_statement):
        savepoint = db.session.begin_nested()
        results.append((write(db.session.connection()), _every_column()))
        savepoint.rollback()
    db.session.rollback()
    (one_closed, one_rows), (many_closed, many_rows) = results
    assert one_closed == many_closed == 1
    assert one_rows == many_rows
