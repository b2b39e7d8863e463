"""Running processes for cases: start, complete a task, claim and assign, fire due timers.

Each function works inside the caller's transaction (the view, CLI command or tick commits
once). Saving an instance bumps its version with a conditional UPDATE, so of two people
completing the same task at once exactly one wins; the other gets ``TaskConflictError``.
"""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from victimcare import clock
from victimcare.accounts import policy
from victimcare.accounts.models import OrganisationKind, Role, User
from victimcare.audit import services as audit
from victimcare.audit.models import AuditEvent
from victimcare.cases.models import AssignmentKind, Case, CaseAssignment
from victimcare.db import UTCDateTime, is_unique_violation
from victimcare.errors import RuleViolation
from victimcare.extensions import db
from victimcare.i18n import _
from victimcare.workflow import engine
from victimcare.workflow.forms import TASK_FORMS
from victimcare.workflow.models import (
    Alert,
    CaseEvent,
    InstanceStatus,
    ProcessVersion,
    TaskDraft,
    TaskState,
    WorkflowInstance,
    WorkflowTask,
)

logger = logging.getLogger(__name__)

#: Lane -> roles that work in it (NGO lane tasks also need the task's organisation).
LANE_ROLES = {
    "CMM": {Role.CMM_COORDINATOR, Role.CMM_CONTACT_PERSON},
    #: Decisions only a coordinator takes (a high-risk sign-off, a budget exception).
    "CMM coordinator": {Role.CMM_COORDINATOR},
    "NGO": {Role.NGO_WORKER},
    "Immigration Service": {Role.IMMIGRATION_OFFICER},
}


class TaskConflictError(RuleViolation):
    """Someone else completed or changed the task first."""

    def __init__(self):
        super().__init__(_("Someone else completed or changed this task just before you. "
                           "Nothing you sent was saved."))


# --- process definitions ---------------------------------------------------------------


def definitions() -> dict[str, engine.ProcessDefinition]:
    """The current BPMN files, parsed and checked once per app (at start-up)."""
    return current_app.extensions["victimcare.processes"]


def init_app(app) -> None:
    directory = app.config["VICTIMCARE"].workflows_dir
    app.extensions["victimcare.processes"] = engine.load_directory(
        Path(directory) if directory else None)
    app.extensions["victimcare.process_cache"] = {}
    missing = {t.form_key for d in app.extensions["victimcare.processes"].values()
               for t in d.user_tasks.values()} - set(TASK_FORMS)
    if missing:
        raise engine.ProcessDefinitionError(f"user tasks name unknown forms: {sorted(missing)}")


def _definition_for(instance: WorkflowInstance) -> engine.ProcessDefinition:
    """The definition an instance runs on: its own version, even after the file changed.
    Versions never change, so each is looked up and parsed once per app."""
    cache = current_app.extensions["victimcare.process_cache"]
    definition = cache.get(instance.process_version_id)
    if definition is None:
        version = instance.process_version
        current = definitions().get(instance.process_key)
        definition = (current if current is not None and current.sha256 == version.sha256
                      else engine.parse_bpmn(version.bpmn_xml, version.file_name,
                                             version.process_key))
        cache[instance.process_version_id] = definition
    return definition


def _current_version(definition: engine.ProcessDefinition) -> ProcessVersion:
    version = db.session.scalar(sa.select(ProcessVersion).where(
        ProcessVersion.process_key == definition.key, ProcessVersion.sha256 == definition.sha256))
    if version is None:
        version = ProcessVersion(process_key=definition.key, sha256=definition.sha256,
                                 file_name=definition.file, bpmn_xml=definition.bpmn_xml)
        db.session.add(version)
        db.session.flush()
    return version


# --- starting and saving -----------------------------------------------------------------


def start(process_key: str, case: Case, actor: User | None, data: dict | None = None
          ) -> WorkflowInstance:
    definition = definitions()[process_key]
    workflow = engine.new_workflow(definition, {"case_id": case.id, **(data or {})})
    calls = engine.run_engine(workflow)
    instance = WorkflowInstance(
        case_id=case.id, process_key=process_key,
        process_version=_current_version(definition), serialized=engine.dump(workflow),
        serializer_version=engine.SERIALIZER_VERSION, **_state(workflow))
    db.session.add(instance)
    db.session.flush()
    _after_step(instance, workflow, definition, calls, actor, rows={},  # a new instance
                events=[_event(case.id, actor, "process_started", process_key, process_key)])
    audit.record(actor, "process.started", "workflow_instance", instance.id, case_id=case.id,
                 details={"process": process_key})
    return instance


def _state(workflow) -> dict:
    """The columns that project a workflow's state: next timer, status, completion."""
    finished = engine.is_completed(workflow)
    return {"next_timer_due_at": None if finished else engine.next_timer_due(workflow),
            "status": InstanceStatus.COMPLETED if finished else InstanceStatus.RUNNING,
            "completed_at": clock.now() if finished else None}


# The projection is written with Core statements on the session's connection (the same
# transaction): no unit-of-work flushes, no statements rebuilt on every call. ORM objects of
# the rows written here are brought up to date (or expired) by hand.
_INSTANCES = WorkflowInstance.__table__
_TASKS = WorkflowTask.__table__
_INSTANCE_AND_OPEN_TASKS = sa.select(
    WorkflowInstance, _TASKS.c.id, _TASKS.c.spiff_task_id, _TASKS.c.organisation_id,
    _TASKS.c.due_at).outerjoin(_TASKS, sa.and_(_TASKS.c.instance_id == WorkflowInstance.id,
                                               _TASKS.c.state == TaskState.READY)).where(
    WorkflowInstance.id == sa.bindparam("b_instance_id")).execution_options(
    populate_existing=True)  # the row as it is now, never the session's older copy
#: A task posted for completion, its instance and the instance's open task rows, in one
#: statement: the view's permission check and ``complete_task``'s read share it.
_OPEN_TASKS = _TASKS.alias("open_tasks")
_TASK_INSTANCE_AND_OPEN_TASKS = sa.select(
    WorkflowTask, WorkflowInstance, _OPEN_TASKS.c.id, _OPEN_TASKS.c.spiff_task_id,
    _OPEN_TASKS.c.organisation_id, _OPEN_TASKS.c.due_at).join(
    WorkflowInstance, WorkflowInstance.id == WorkflowTask.instance_id).outerjoin(
    _OPEN_TASKS, sa.and_(_OPEN_TASKS.c.instance_id == WorkflowInstance.id,
                         _OPEN_TASKS.c.state == TaskState.READY)).where(
    WorkflowTask.id == sa.bindparam("b_task_id")).execution_options(populate_existing=True)
#: ``db.session.info`` key of that read, until ``complete_task`` takes it.
_COMPLETION_READ = "victimcare.completion_read"
_SAVE_INSTANCE = sa.update(_INSTANCES).where(
    _INSTANCES.c.id == sa.bindparam("b_instance_id"),
    _INSTANCES.c.version == sa.bindparam("b_version"))
# All task rows of the instances, open or not: with "state = 'ready'" in SQL, SQLite (which
# keeps no statistics) reads through the inbox index, i.e. every open task, not these few.
_TASK_ROWS = sa.select(
    _TASKS.c.instance_id, _TASKS.c.id, _TASKS.c.spiff_task_id, _TASKS.c.organisation_id,
    _TASKS.c.due_at, _TASKS.c.state).where(
    _TASKS.c.instance_id.in_(sa.bindparam("b_instance_ids", expanding=True)))
_CLOSE_READY_TASK = sa.update(_TASKS).where(_TASKS.c.id == sa.bindparam("b_task_id"),
                                            _TASKS.c.state == TaskState.READY)
_SET_DUE = sa.update(_TASKS).where(_TASKS.c.id == sa.bindparam("b_task_id"))
_OPEN_TASK = sa.insert(_TASKS).returning(_TASKS.c.id)
_END_ASSIGNMENTS = sa.update(CaseAssignment.__table__).where(
    CaseAssignment.__table__.c.task_id == sa.bindparam("b_task_id"),
    CaseAssignment.__table__.c.is_active.is_(True))
_ADD_ASSIGNMENT = sa.insert(CaseAssignment.__table__)
_DELETE_DRAFTS = sa.delete(TaskDraft.__table__).where(
    TaskDraft.__table__.c.task_id == sa.bindparam("b_task_id"))
_RESOLVE_ALERTS = sa.update(Alert.__table__).where(
    Alert.__table__.c.instance_id == sa.bindparam("b_instance_id"),
    Alert.__table__.c.resolved_at.is_(None))
_RAISE_ALERT = sa.insert(Alert.__table__)
_ADD_EVENTS = sa.insert(CaseEvent.__table__)


def _connection():
    return db.session.connection()


def _save(instance: WorkflowInstance, workflow) -> None:
    _save_all([(instance, workflow)])


def _save_all(steps: list[tuple[WorkflowInstance, object]]) -> None:
    """Write each instance (and its projected state) if nobody saved it since we loaded it;
    else TaskConflictError. One UPDATE statement (executemany for several)."""
    if not _write_instances(steps):
        raise TaskConflictError()


def _write_instances(steps: list[tuple[WorkflowInstance, object]]) -> bool:
    """The conditional UPDATE of ``_save_all``; False if any instance was saved by someone
    else since it was read (then the caller must not commit: with a single instance nothing
    was written, with several the others were)."""
    now = clock.now()
    values = [{"serialized": engine.dump(workflow), "version": instance.version + 1,
               "updated_at": now, "serializer_version": engine.SERIALIZER_VERSION,
               **_state(workflow)} for instance, workflow in steps]
    try:
        result = _connection().execute(_SAVE_INSTANCE, [
            {"b_instance_id": instance.id, "b_version": instance.version, **row}
            for (instance, _workflow), row in zip(steps, values, strict=True)])
    except sa.exc.OperationalError as exc:
        # SQLite: another writer committed after our snapshot ("database is locked").
        if "locked" in str(exc):
            raise TaskConflictError() from exc
        raise
    if result.rowcount != len(steps):
        return False
    for (instance, _workflow), row in zip(steps, values, strict=True):
        for name, value in row.items():  # the loaded object now matches the row
            set_committed_value(instance, name, value)
    return True


def _ready_rows(instance_ids: list[int]) -> dict[int, dict[str, sa.Row]]:
    """The open task rows of the instances: instance id -> spiff task id -> row."""
    rows: dict[int, dict[str, sa.Row]] = {i: {} for i in instance_ids}
    for row in _connection().execute(_TASK_ROWS, {"b_instance_ids": instance_ids}):
        if row.state == TaskState.READY:
            rows[row.instance_id][row.spiff_task_id] = row
    return rows


def _after_step(instance, workflow, definition, calls, actor, events=(), rows=None) -> None:
    """Project the instance into plain rows: open tasks, next timer, alerts, status. ``events``
    are the step's case events so far (written with the projection's, in one INSERT);
    ``rows`` its open task rows before the step, if the caller has read them already."""
    projection = _Projection(events)
    projection.step(instance, workflow, definition, calls, actor,
                    _ready_rows([instance.id])[instance.id] if rows is None else rows)
    projection.write()


#: Service operations a BPMN service task may call (besides ``raise_alert``): name ->
#: handler(instance, params). Domain modules register theirs, like task forms.
SERVICE_OPERATIONS: dict[str, Callable] = {}
#: The projection of the step being run, so an operation's alerts join its writes.
_projection: contextvars.ContextVar = contextvars.ContextVar("projection", default=None)


def register_operation(name: str, handler: Callable) -> None:
    if name in SERVICE_OPERATIONS or name == "raise_alert":
        raise ValueError(f"service operation {name!r} is registered twice")
    SERVICE_OPERATIONS[name] = handler


def raise_alert(instance, kind: str, lane: str = "CMM") -> None:
    """Raise an alert of the instance (it supersedes the instance's earlier ones); inside a
    step it is written with the step's projection."""
    projection = _projection.get()
    if projection is not None:
        projection.raise_alert(instance, kind, lane)
        return
    projection = _Projection()
    projection.raise_alert(instance, kind, lane)
    projection.write()


def lock_instance(instance_id: int) -> WorkflowInstance:
    """The instance row, locked for this transaction and read fresh (not the session's
    copy), so a decision made on it cannot race a task completion or the timer sweep."""
    return db.session.scalar(sa.select(WorkflowInstance).where(
        WorkflowInstance.id == instance_id).with_for_update()
        .execution_options(populate_existing=True))


def cancel_instance(instance: WorkflowInstance, actor: User | None, reason: str) -> bool:
    """Stop a running instance (its open tasks leave the inbox, its timers stop, its alerts
    end); the history keeps what it did and why it stopped. False if it was no longer
    running (the caller decides what that means)."""
    instance = lock_instance(instance.id)
    if instance.status != InstanceStatus.RUNNING:
        return False
    now = clock.now()
    bump = _connection().execute(sa.update(_INSTANCES).where(
        _INSTANCES.c.id == instance.id, _INSTANCES.c.version == instance.version)
        .values(version=instance.version + 1, status=InstanceStatus.CANCELLED,
                next_timer_due_at=None, completed_at=now))
    if bump.rowcount != 1:
        raise TaskConflictError()
    for row in _ready_rows([instance.id])[instance.id].values():
        _connection().execute(_CLOSE_READY_TASK, {"b_task_id": row.id,
                                                  "state": TaskState.CANCELLED})
        _close_task(row.id, row.organisation_id, now)
        _forget(WorkflowTask, row.id)
    projection = _Projection([_event(instance.case_id, actor, "process_cancelled",
                                     instance.process_key, instance.process_key)])
    projection._resolve_alerts(instance.id, getattr(actor, "id", None))
    projection.write()
    db.session.refresh(instance)
    audit.record(actor, "process.cancelled", "workflow_instance", instance.id,
                 case_id=instance.case_id, details={"reason": reason})
    return True


class _Projection:
    """The plain-row writes of one or more engine steps in a transaction. New and cancelled
    tasks change at once; the completed task's close, case events, alerts and audit rows are
    collected and written at the end (``write``): one statement on PostgreSQL, one per kind
    of row on SQLite, so a sweep of many instances costs a few statements, not a few each."""

    def __init__(self, events=(), now=None):
        self.events: list[dict] = list(events)
        self.alerts: list[dict] = []
        #: Tasks done in this step: closed (only if still open) with the step's other rows.
        self.closes: list[dict] = []
        self.audit: list[dict] = []
        #: instance id -> who resolves its open alerts (None: a newer alert supersedes them)
        self.resolved: dict[int, int | None] = {}
        #: When the step happened: its rows' times (a completion's, so the task's close and
        #: the end of the NGO's hold on the case are one moment).
        self.now = clock.now() if now is None else now

    def step(self, instance, workflow, definition, calls, actor, rows: dict) -> None:
        """Project one step; ``rows`` are the instance's open task rows before it."""
        connection = _connection()
        ready = {t.id: t for t in engine.ready_user_tasks(workflow)}
        for spiff_id, row in rows.items():
            if spiff_id not in ready:  # cancelled by an interrupting timer or a migration
                connection.execute(_CLOSE_READY_TASK, {"b_task_id": row.id,
                                                       "state": TaskState.CANCELLED})
                _close_task(row.id, row.organisation_id, self.now)
                _forget(WorkflowTask, row.id)
        for spiff_id, task in ready.items():
            row = rows.get(spiff_id)
            if row is None:
                _open_task(instance, definition.user_tasks[task.name], task, self.now)
            elif task.due_at is not None and task.due_at != row.due_at:
                # a deadline that has fired stays the task's deadline
                connection.execute(_SET_DUE, {"b_task_id": row.id, "due_at": task.due_at})
                _forget(WorkflowTask, row.id)
        if instance.status == InstanceStatus.COMPLETED:  # as just saved
            self.events.append(_event(instance.case_id, actor, "process_completed",
                                      instance.process_key, instance.process_key))
            # Its earlier alerts are over; one its last step raises (below) stays on the
            # dashboard until someone follows it up.
            self._resolve_alerts(instance.id, getattr(actor, "id", None))
        token = _projection.set(self)
        try:
            for operation, params in calls:
                self._service_call(instance, operation, params)
        finally:
            _projection.reset(token)

    def _service_call(self, instance, operation: str, params: dict) -> None:
        if operation == "raise_alert":
            self.raise_alert(instance, str(params["kind"]), str(params.get("lane", "CMM")))
            return
        handler = SERVICE_OPERATIONS.get(operation)
        if handler is None:
            raise engine.ProcessDefinitionError(f"unknown service operation {operation!r}")
        handler(instance, params)

    def raise_alert(self, instance, kind: str, lane: str) -> None:
        # The newest alert of a process supersedes its earlier ones (6 hours left replaces 24).
        self._resolve_alerts(instance.id, None)
        self.alerts.append({
            "case_id": instance.case_id, "instance_id": instance.id, "kind": kind,
            "lane": lane, "organisation_id": None, "raised_at": self.now, "resolved_at": None,
            "resolved_by_id": None})
        self.events.append(_event(instance.case_id, None, "alert", instance.process_key, kind))
        logger.info("alert %s raised on case %s", kind, instance.case_id)

    def _resolve_alerts(self, instance_id: int, resolved_by_id: int | None) -> None:
        """Resolve the instance's open alerts: those in the database (at ``write``) and
        those raised earlier in this transaction."""
        self.resolved[instance_id] = resolved_by_id
        for alert in self.alerts:
            if alert["instance_id"] == instance_id and alert["resolved_at"] is None:
                alert.update(resolved_at=self.now, resolved_by_id=resolved_by_id)

    def close_task(self, task_id: int, organisation_id: int | None, values: dict) -> None:
        """Close a task that must still be open (``values``: every one of ``_CLOSE_VALUES``)."""
        if set(values) != _CLOSE_VALUES:
            raise ValueError(f"a task is closed with exactly {sorted(_CLOSE_VALUES)}")
        self.closes.append({"task_id": task_id, "organisation_id": organisation_id, **values})

    def write(self) -> None:
        """Write what was collected; TaskConflictError if a task to close was not open."""
        # Both paths must write the same rows: PostgreSQL's statement names its columns, so a
        # row with another shape is refused here on both, not dropped on one of them.
        for rows, columns in ((self.alerts, _ALERT_COLUMNS), (self.events, _EVENT_COLUMNS),
                              (self.audit, _AUDIT_COLUMNS)):
            if any(set(row) != columns for row in rows):
                raise ValueError(f"rows to write need exactly {sorted(columns)}")
        connection = _connection()
        if connection.dialect.name == "postgresql":
            written = _write_in_one_statement(connection, self)
        else:
            written = self._write_statement_by_statement(connection)
        if written != len(self.closes):
            raise TaskConflictError()  # not while we hold the instance: every close saves it

    def _write_statement_by_statement(self, connection) -> int:
        closed = 0
        for close in self.closes:
            values = {k: v for k, v in close.items() if k not in ("task_id", "organisation_id")}
            closed += connection.execute(_CLOSE_READY_TASK, {"b_task_id": close["task_id"],
                                                             **values}).rowcount
            _close_task(close["task_id"], close["organisation_id"], self.now)
        if self.resolved:
            connection.execute(_RESOLVE_ALERTS, [
                {"b_instance_id": instance_id, "resolved_at": self.now, "resolved_by_id": by}
                for instance_id, by in self.resolved.items()])
        if self.alerts:
            connection.execute(_RAISE_ALERT, self.alerts)
        if self.events:
            connection.execute(_ADD_EVENTS, self.events)
        if self.audit:
            connection.execute(audit.INSERT, self.audit)
        return closed


#: PostgreSQL: a projection's writes as one statement (data-modifying CTEs over arrays, one
#: element per row; an empty array writes nothing), so a task completion costs one round trip
#: here instead of six. Each part is the Core statement of the same name above, which SQLite
#: runs one by one (``_Projection._write_statement_by_statement``); the same tests run on
#: both. All parts see the snapshot taken before the statement: an alert raised here is not
#: resolved by it, as when the UPDATE ran before the INSERT.
_WRITE_ALL_POSTGRESQL = sa.text("""
WITH closed AS (
    UPDATE workflow_tasks AS t
    SET state = c.state, completed_at = c.completed_at, completed_by_id = c.completed_by_id,
        completion_token = c.completion_token, data = c.data
    FROM unnest(CAST(:close_id AS INTEGER[]), CAST(:close_state AS VARCHAR[]),
                CAST(:close_at AS TIMESTAMPTZ[]), CAST(:close_by AS INTEGER[]),
                CAST(:close_token AS VARCHAR[]), CAST(:close_data AS JSON[]))
        AS c(id, state, completed_at, completed_by_id, completion_token, data)
    WHERE t.id = c.id AND t.state = 'ready'
    RETURNING t.id
), ended AS (
    UPDATE case_assignments SET is_active = false, ended_at = :now
    WHERE task_id = ANY(CAST(:end_for AS INTEGER[])) AND is_active
), drafts AS (
    DELETE FROM task_drafts WHERE task_id = ANY(CAST(:close_id AS INTEGER[]))
), resolved AS (
    UPDATE alerts AS a SET resolved_at = :now, resolved_by_id = r.resolved_by_id
    FROM unnest(CAST(:resolve_instance AS INTEGER[]), CAST(:resolve_by AS INTEGER[]))
        AS r(instance_id, resolved_by_id)
    WHERE a.instance_id = r.instance_id AND a.resolved_at IS NULL
), raised AS (
    INSERT INTO alerts (case_id, instance_id, kind, lane, organisation_id, raised_at,
                        resolved_at, resolved_by_id)
    SELECT * FROM unnest(CAST(:alert_case AS INTEGER[]), CAST(:alert_instance AS INTEGER[]),
                         CAST(:alert_kind AS VARCHAR[]), CAST(:alert_lane AS VARCHAR[]),
                         CAST(:alert_organisation AS INTEGER[]),
                         CAST(:alert_raised AS TIMESTAMPTZ[]),
                         CAST(:alert_resolved AS TIMESTAMPTZ[]),
                         CAST(:alert_resolved_by AS INTEGER[]))
), events AS (
    INSERT INTO case_events (case_id, occurred_at, actor_id, kind, process_key, task_id, name)
    SELECT * FROM unnest(CAST(:event_case AS INTEGER[]), CAST(:event_at AS TIMESTAMPTZ[]),
                         CAST(:event_actor AS INTEGER[]), CAST(:event_kind AS VARCHAR[]),
                         CAST(:event_process AS VARCHAR[]), CAST(:event_task AS INTEGER[]),
                         CAST(:event_name AS VARCHAR[]))
), audited AS (
    INSERT INTO audit_events (occurred_at, actor_id, actor_organisation_id, action,
                              subject_type, subject_id, case_id, ip_address, details)
    SELECT * FROM unnest(CAST(:audit_at AS TIMESTAMPTZ[]), CAST(:audit_actor AS INTEGER[]),
                         CAST(:audit_organisation AS INTEGER[]),
                         CAST(:audit_action AS VARCHAR[]), CAST(:audit_subject_type AS VARCHAR[]),
                         CAST(:audit_subject_id AS VARCHAR[]), CAST(:audit_case AS INTEGER[]),
                         CAST(:audit_ip AS VARCHAR[]), CAST(:audit_details AS JSON[]))
)
SELECT count(*) FROM closed
""")


#: What ``_WRITE_ALL_POSTGRESQL`` writes of each kind of row (the SQLite path writes the same):
#: of a closed task these values, of a new row every column but its id.
_CLOSE_VALUES = {"state", "completed_at", "completed_by_id", "completion_token", "data"}
_ALERT_COLUMNS, _EVENT_COLUMNS, _AUDIT_COLUMNS = (
    {column.name for column in model.__table__.c if column.name != "id"}
    for model in (Alert, CaseEvent, AuditEvent))


def _json(value) -> str:
    """As SQLAlchemy's JSON type binds a value: None is JSON ``null``, not SQL NULL."""
    return json.dumps(value)


def _column(rows: list[dict], key: str, convert=None) -> list:
    return [row.get(key) if convert is None or row.get(key) is None else convert(row[key])
            for row in rows]


_UTC_TIME = UTCDateTime()


def _write_in_one_statement(connection, projection: _Projection) -> int:
    """``_WRITE_ALL_POSTGRESQL`` for what the projection collected; the number of tasks
    closed. Enum members go as their values, JSON as text, times as aware datetimes."""
    if not (projection.closes or projection.resolved or projection.alerts or projection.events
            or projection.audit):
        return 0
    closes, alerts, events, rows = (projection.closes, projection.alerts, projection.events,
                                    projection.audit)

    def _time(value):  # as the UTCDateTime columns bind it: a naive time is refused
        return _UTC_TIME.process_bind_param(value, connection.dialect)

    return connection.execute(_WRITE_ALL_POSTGRESQL, {
        "now": _time(projection.now),
        "close_id": _column(closes, "task_id"), "close_state": _column(closes, "state", str),
        "close_at": _column(closes, "completed_at", _time),
        "close_by": _column(closes, "completed_by_id"),
        "close_token": _column(closes, "completion_token"),
        "close_data": [_json(close.get("data")) for close in closes],
        "end_for": [close["task_id"] for close in closes
                    if close["organisation_id"] is not None],
        "resolve_instance": list(projection.resolved),
        "resolve_by": list(projection.resolved.values()),
        "alert_case": _column(alerts, "case_id"), "alert_instance": _column(alerts, "instance_id"),
        "alert_kind": _column(alerts, "kind"), "alert_lane": _column(alerts, "lane"),
        "alert_organisation": _column(alerts, "organisation_id"),
        "alert_raised": _column(alerts, "raised_at", _time),
        "alert_resolved": _column(alerts, "resolved_at", _time),
        "alert_resolved_by": _column(alerts, "resolved_by_id"),
        "event_case": _column(events, "case_id"), "event_at": _column(events, "occurred_at", _time),
        "event_actor": _column(events, "actor_id"), "event_kind": _column(events, "kind"),
        "event_process": _column(events, "process_key"),
        "event_task": _column(events, "task_id"), "event_name": _column(events, "name"),
        "audit_at": _column(rows, "occurred_at", _time), "audit_actor": _column(rows, "actor_id"),
        "audit_organisation": _column(rows, "actor_organisation_id"),
        "audit_action": _column(rows, "action"),
        "audit_subject_type": _column(rows, "subject_type"),
        "audit_subject_id": _column(rows, "subject_id"), "audit_case": _column(rows, "case_id"),
        "audit_ip": _column(rows, "ip_address"),
        "audit_details": [_json(row.get("details")) for row in rows],
    }).scalar_one()


#: Processes whose CMM-lane tasks go straight to the case's contact person (registered by
#: the domain modules, e.g. the support period's review): they are that person's work.
CONTACT_PERSON_PROCESSES: set[str] = set()


def _contact_person_for(instance, info: engine.UserTaskInfo) -> int | None:
    """The case's contact person, if the task is theirs and they work in its lane."""
    if info.lane != "CMM" or instance.process_key not in CONTACT_PERSON_PROCESSES:
        return None
    contact = db.session.scalar(sa.select(User).join(
        Case, Case.contact_person_id == User.id).where(Case.id == instance.case_id))
    if contact is None or not contact.is_active or contact.role not in LANE_ROLES["CMM"]:
        return None
    return contact.id


def _open_task(instance, info: engine.UserTaskInfo, task: engine.ReadyTask, now) -> None:
    """A new inbox row; an NGO task also gives its organisation a hold on the case."""
    organisation_id = task.data.get("organisation_id") if info.lane == "NGO" else None
    task_id = _connection().execute(_OPEN_TASK, {
        "instance_id": instance.id, "case_id": instance.case_id, "spiff_task_id": task.id,
        "task_name": task.name, "form_key": info.form_key, "lane": info.lane,
        "assigned_user_id": _contact_person_for(instance, info),
        "organisation_id": organisation_id, "state": TaskState.READY, "due_at": task.due_at,
        "created_at": now, "context": {k: task.data.get(k) for k in
                                       TASK_FORMS[info.form_key].context_keys}}).scalar_one()
    if organisation_id is not None:
        _connection().execute(_ADD_ASSIGNMENT, {
            "case_id": instance.case_id, "organisation_id": organisation_id,
            "kind": AssignmentKind.TASK, "task_id": task_id})


def _event(case_id, actor, kind, process_key, name, task_id=None) -> dict:
    """One case event's row, for ``_Projection.write`` to insert."""
    return {"case_id": case_id, "actor_id": getattr(actor, "id", None), "kind": kind,
            "process_key": process_key, "name": name, "task_id": task_id,
            "occurred_at": clock.now()}


def _close_task(task_id: int, organisation_id: int | None, now) -> None:
    """A task left the inbox (done or cancelled): its organisation's hold on the case ends
    and the drafts of it go."""
    connection = _connection()
    if organisation_id is not None:
        connection.execute(_END_ASSIGNMENTS, {"b_task_id": task_id, "is_active": False,
                                              "ended_at": now})
    connection.execute(_DELETE_DRAFTS, {"b_task_id": task_id})


def _forget(model, row_id) -> None:
    """Expire the session's object of a row changed with Core (if it holds one)."""
    obj = db.session.identity_map.get(db.session.identity_key(model, row_id))
    if obj is not None:
        db.session.expire(obj)


# --- tasks -------------------------------------------------------------------------------


def may_work_on(user: User, task: WorkflowTask, ignore_assignment: bool = False) -> bool:
    """Lane and organisation decide; a task assigned to someone else is theirs."""
    if task.state != TaskState.READY:
        return False
    if (not ignore_assignment and task.assigned_user_id is not None
            and task.assigned_user_id != user.id):
        return user.role == Role.CMM_COORDINATOR and task.lane == "CMM"
    if user.role not in LANE_ROLES.get(task.lane, set()):
        return False
    if task.lane == "NGO":
        return task.organisation_id == user.organisation_id
    if task.lane in ("CMM", "CMM coordinator"):
        return user.organisation.kind == OrganisationKind.CMM
    return user.organisation.kind == OrganisationKind.IMMIGRATION_SERVICE


def may_see_completed_form(user: User, task: WorkflowTask) -> bool:
    """Whether the case history shows ``user`` what was entered in the done ``task`` (the
    entry itself, who did what when, is shown to everyone who sees the case)."""
    task_form = TASK_FORMS.get(task.form_key)
    roles = task_form.history_roles if task_form is not None else None
    return roles is None or user.role in roles or task.completed_by_id == user.id


def _lanes_of(user: User) -> list[str]:
    return [lane for lane, roles in LANE_ROLES.items() if user.role in roles]


def _inbox_condition(user: User):
    lanes = _lanes_of(user)
    visible = sa.and_(WorkflowTask.lane.in_(lanes), sa.or_(
        WorkflowTask.assigned_user_id.is_(None), WorkflowTask.assigned_user_id == user.id))
    if "NGO" in lanes:
        visible = sa.and_(visible, WorkflowTask.organisation_id == user.organisation_id)
    if user.role == Role.CMM_COORDINATOR:
        visible = sa.or_(visible, WorkflowTask.lane == "CMM")
    return sa.and_(WorkflowTask.state == TaskState.READY, visible)


@dataclass
class InboxRow:
    task: WorkflowTask
    case_reference: str
    overdue: bool


def open_tasks_for(user: User, limit: int = 500) -> list[InboxRow]:
    stmt = (sa.select(WorkflowTask, Case.reference).join(Case, Case.id == WorkflowTask.case_id)
            .where(_inbox_condition(user))
            .order_by(WorkflowTask.due_at.is_(None), WorkflowTask.due_at, WorkflowTask.id)
            .limit(limit))
    now = clock.now()
    return [InboxRow(task, ref, task.due_at is not None and task.due_at < now)
            for task, ref in db.session.execute(stmt)]


def load_task_or_404(task_id: int, user: User) -> WorkflowTask:
    from flask import abort

    task = db.session.get(WorkflowTask, task_id)
    if task is None or not (may_work_on(user, task) or _may_read_done_task(user, task)):
        abort(404)
    return task


def load_task_for_completion(task_id: int, user: User) -> WorkflowTask:
    """``load_task_or_404`` for a form posted to the task. The task's instance and its open
    task rows come with it (one statement instead of two) and are kept for ``complete_task``
    in this transaction: its save is conditional on the instance's version, so a read made
    a moment earlier is as safe as one made just before the step."""
    from flask import abort

    rows = db.session.execute(_TASK_INSTANCE_AND_OPEN_TASKS, {"b_task_id": task_id}).all()
    task = rows[0][0] if rows else None
    if task is None or not (may_work_on(user, task) or _may_read_done_task(user, task)):
        abort(404)
    if task.state == TaskState.READY:
        db.session.info[_COMPLETION_READ] = (
            db.session.get_transaction(), task.id, rows[0][1],
            {row.spiff_task_id: row for row in rows if row.id is not None})
    return task


def _completion_read(task: WorkflowTask) -> tuple[WorkflowInstance, dict[str, sa.Row]]:
    """The instance and its open task rows: as read with the task in this transaction
    (``load_task_for_completion``), else read now."""
    kept = db.session.info.pop(_COMPLETION_READ, None)
    if kept is not None:
        transaction, task_id, instance, open_rows = kept
        if transaction is db.session.get_transaction() and task_id == task.id:
            return instance, open_rows
    return _instance_and_open_tasks(task.instance_id)


def _may_read_done_task(user: User, task: WorkflowTask) -> bool:
    """A done task: its case history (for those who see the case) or its own doer."""
    if task.state == TaskState.READY:
        return False
    return task.completed_by_id == user.id or policy.can_view_case(
        user, db.session.get(Case, task.case_id))


def complete_task(task: WorkflowTask, actor: User, data: dict, token: str) -> bool:
    """Complete ``task`` with validated ``data``. Returns False if this very submission was
    applied before (a double click): nothing is done twice.

    The instance and its open tasks are read in one statement, without a lock; the save
    succeeds only if nobody saved the instance since (``UPDATE ... WHERE version``), and
    takes the row lock (on SQLite ``BEGIN IMMEDIATE`` holds the write lock already). Who
    lost the race learns it once the winner has committed, before writing anything: the
    same form again is "already saved", another completion of the task is a conflict, and
    any other step (a timer, another task) means reading the new version and trying again."""
    task_form = TASK_FORMS[task.form_key]
    for attempt in range(3):
        instance, open_rows = (_completion_read(task) if attempt == 0
                               else _instance_and_open_tasks(task.instance_id))
        if task.spiff_task_id not in open_rows:
            return _done_before(task, token)
        definition = _definition_for(instance)
        workflow = engine.load(instance.serialized, definition)
        try:
            engine.complete(workflow, task.spiff_task_id, task_form.for_process(data))
        except LookupError as exc:  # the projection and the workflow disagree: refuse
            raise TaskConflictError() from exc
        calls = engine.run_engine(workflow)
        if _write_instances([(instance, workflow)]):
            break
    else:
        raise TaskConflictError()
    now = clock.now()
    if task_form.handler is not None:
        # It writes the case's facts and may add to ``data`` what the history shows (the
        # 1a's organisation). It must not stop this instance: the task's close below would
        # then find the task closed and refuse the whole completion.
        task_form.handler(db.session.get(Case, task.case_id), actor, data, task)
    closed = {"state": TaskState.COMPLETED, "completed_at": now, "completed_by_id": actor.id,
              "completion_token": token, "data": task_form.for_history(data)}
    for name, value in closed.items():  # the loaded task now matches its row (once written)
        set_committed_value(task, name, value)
    open_rows.pop(task.spiff_task_id)
    projection = _Projection([_event(task.case_id, actor, "task_completed",
                                     instance.process_key, task.task_name, task.id)], now=now)
    projection.step(instance, workflow, definition, calls, actor, open_rows)
    # The task's row is closed with the step's other rows, in one statement on PostgreSQL;
    # if it was not open any more, the whole transaction is refused (TaskConflictError).
    projection.close_task(task.id, task.organisation_id, closed)
    projection.audit.append(audit.row(actor, "task.completed", "workflow_task", task.id,
                                      case_id=task.case_id, details={"task": task.task_name}))
    projection.write()
    return True


def _instance_and_open_tasks(instance_id: int) -> tuple[WorkflowInstance, dict[str, sa.Row]]:
    """The instance and its open task rows (spiff task id -> row), in one statement."""
    result = db.session.execute(_INSTANCE_AND_OPEN_TASKS, {"b_instance_id": instance_id}).all()
    return result[0][0], {row.spiff_task_id: row for row in result if row.id is not None}


def _done_before(task: WorkflowTask, token: str) -> bool:
    """The task was closed by someone else (who has committed): False if it was this very
    submission, else TaskConflictError. Nothing of ours has been written yet."""
    _forget(WorkflowTask, task.id)  # reload it
    if task.completion_token == token:
        return False
    raise TaskConflictError()


def claim(task: WorkflowTask, user: User) -> None:
    task.assigned_user_id = user.id
    audit.record(user, "task.claimed", "workflow_task", task.id, case_id=task.case_id)


def release(task: WorkflowTask, user: User) -> None:
    if task.assigned_user_id not in (user.id, None) and user.role != Role.CMM_COORDINATOR:
        raise RuleViolation(_("Only the person who has taken the task can give it back."))
    task.assigned_user_id = None
    audit.record(user, "task.released", "workflow_task", task.id, case_id=task.case_id)


def assign(task: WorkflowTask, coordinator: User, colleague: User) -> None:
    if coordinator.role != Role.CMM_COORDINATOR:
        raise RuleViolation(_("Only a coordinator can assign tasks."))
    if not may_work_on(colleague, task, ignore_assignment=True):
        raise RuleViolation(_("%(name)s cannot work on this task.", name=colleague.full_name),
                            field="user_id")
    task.assigned_user_id = colleague.id
    audit.record(coordinator, "task.assigned", "workflow_task", task.id, case_id=task.case_id,
                 details={"user_id": colleague.id})


def colleagues_for(task: WorkflowTask) -> list[User]:
    roles = LANE_ROLES.get(task.lane, set())
    users = db.session.scalars(sa.select(User).where(User.is_active.is_(True),
                                                     User.role.in_(roles)).order_by(User.full_name))
    return [u for u in users if may_work_on(u, task, ignore_assignment=True)]


# --- drafts ------------------------------------------------------------------------------


def save_draft(task: WorkflowTask, user: User, data: dict) -> None:
    """Keep what the user typed in the task's form (one draft per task and user)."""
    def saved():
        return db.session.scalar(sa.select(TaskDraft).where(TaskDraft.task_id == task.id,
                                                            TaskDraft.user_id == user.id))

    draft = saved()
    if draft is None:
        try:
            with db.session.begin_nested():
                db.session.add(TaskDraft(task_id=task.id, user_id=user.id, data=data,
                                         updated_at=clock.now()))
            return
        except sa.exc.IntegrityError as exc:
            if not is_unique_violation(exc):
                raise
        # Another save of the same form (a second tab, the save before a log-in) created the
        # draft since we looked: this one is newer and replaces it.
        draft = saved()
    draft.data = data
    draft.updated_at = clock.now()


def typed_values(formdata) -> dict:
    """What was typed in a task form, as a draft (never the CSRF token or the buttons)."""
    skip = {"csrf_token", "action", "submission_id"}
    return {k: formdata.getlist(k) if len(formdata.getlist(k)) > 1 else formdata.get(k)
            for k in formdata if k not in skip}


def rescue_draft(user: User, task_id: int, formdata) -> str | None:
    """Keep a form posted after the session timed out as the user's draft, if the user may
    still work on the task. Commits at once: the session is about to end."""
    from flask import url_for

    task = db.session.get(WorkflowTask, task_id)
    if task is None or not may_work_on(user, task):
        return None
    with db.transaction():
        save_draft(task, user, typed_values(formdata))
        audit.record(user, "task.draft_rescued", "workflow_task", task.id, case_id=task.case_id)
    return url_for("tasks.show_task", task_id=task.id)


def draft_for(task: WorkflowTask, user: User) -> TaskDraft | None:
    return db.session.scalar(sa.select(TaskDraft).where(TaskDraft.task_id == task.id,
                                                        TaskDraft.user_id == user.id))


# --- timers ------------------------------------------------------------------------------


def run_due_timers(limit: int = 1000, batch: int = 50) -> int:
    """Fire every timer that is due, a batch of instances per transaction. If anything in a
    batch fails (or an instance changed meanwhile), the batch is rolled back and its
    instances are advanced one by one, so one bad instance never holds up the others; it is
    logged and left for the next tick. Returns the instances advanced."""
    now = clock.now()
    ids = list(db.session.scalars(sa.select(WorkflowInstance.id).where(
        WorkflowInstance.next_timer_due_at <= now,
        WorkflowInstance.status == InstanceStatus.RUNNING)
        .order_by(WorkflowInstance.next_timer_due_at).limit(limit)))
    db.session.commit()
    done = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        try:
            with db.transaction():
                _advance(list(_locked_instances(chunk)))
            done += len(chunk)
        except Exception:
            logger.warning("timer sweep: a batch failed; advancing its instances one by one")
            for instance_id in chunk:
                try:
                    with db.transaction():
                        _advance(list(_locked_instances([instance_id])))
                    done += 1
                except Exception:
                    logger.exception("timer sweep: instance %s failed; next tick retries",
                                     instance_id)
    return done


def _locked_instances(ids: list[int]):
    return db.session.scalars(sa.select(WorkflowInstance).where(
        WorkflowInstance.id.in_(ids)).order_by(WorkflowInstance.id).with_for_update()
        .execution_options(populate_existing=True))


def _advance(instances: list[WorkflowInstance]) -> None:
    """Run the engine of each (locked) instance; save and project them together."""
    steps = []
    for instance in instances:
        definition = _definition_for(instance)
        workflow = engine.load(instance.serialized, definition)
        steps.append((instance, workflow, definition, engine.run_engine(workflow)))
    if not steps:
        return
    _save_all([(instance, workflow) for instance, workflow, _d, _c in steps])
    rows = _ready_rows([instance.id for instance, *_rest in steps])
    projection = _Projection()
    for instance, workflow, definition, calls in steps:
        projection.step(instance, workflow, definition, calls, None, rows[instance.id])
    projection.write()


# --- changing a process ----------------------------------------------------------------


def migrate_instance(instance_id: int, actor: User | None) -> bool:
    """Move one running instance to the current version of its BPMN file. Returns False if
    it already runs on it; raises ``engine.MigrationRefusedError`` if it cannot move."""
    instance = db.session.scalar(sa.select(WorkflowInstance).where(
        WorkflowInstance.id == instance_id).with_for_update())
    current = definitions()[instance.process_key]
    old_version = instance.process_version
    if instance.status != InstanceStatus.RUNNING or old_version.sha256 == current.sha256:
        return False
    workflow = engine.load(instance.serialized, _definition_for(instance))
    engine.migrate(workflow, current)
    calls = engine.run_engine(workflow)
    _save(instance, workflow)
    db.session.execute(sa.update(WorkflowInstance).where(WorkflowInstance.id == instance.id)
                       .values(process_version_id=_current_version(current).id)
                       .execution_options(synchronize_session=False))
    db.session.expire(instance)
    _after_step(instance, workflow, current, calls, actor)
    _connection().execute(_ADD_EVENTS, [_event(instance.case_id, actor, "process_migrated",
                                               instance.process_key, instance.process_key)])
    audit.record(actor, "process.migrated", "workflow_instance", instance.id,
                 case_id=instance.case_id,
                 details={"from": old_version.sha256[:12], "to": current.sha256[:12]})
    return True


def instances_not_on_current_version(process_key: str) -> list[int]:
    current = definitions()[process_key]
    return list(db.session.scalars(
        sa.select(WorkflowInstance.id).join(ProcessVersion)
        .where(WorkflowInstance.process_key == process_key,
               WorkflowInstance.status == InstanceStatus.RUNNING,
               ProcessVersion.sha256 != current.sha256).order_by(WorkflowInstance.id)))


# --- reading ---------------------------------------------------------------------------


def case_timeline(case_id: int) -> list[CaseEvent]:
    return list(db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case_id)
        .options(selectinload(CaseEvent.actor), selectinload(CaseEvent.task))
        .order_by(CaseEvent.occurred_at, CaseEvent.id)))


def open_alerts_for(user: User) -> list[tuple[Alert, str]]:
    stmt = (sa.select(Alert, Case.reference).join(Case, Case.id == Alert.case_id)
            .where(Alert.resolved_at.is_(None), Alert.lane.in_(_lanes_of(user)))
            .where(Case.id.in_(policy.visible_cases(user).with_only_columns(Case.id)))
            .order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(100))
    return [(alert, reference) for alert, reference in db.session.execute(stmt)]


def open_tasks_of_case(case_id: int) -> list[WorkflowTask]:
    return list(db.session.scalars(sa.select(WorkflowTask).where(
        WorkflowTask.case_id == case_id, WorkflowTask.state == TaskState.READY)
        .order_by(WorkflowTask.due_at.is_(None), WorkflowTask.due_at)))


def instances_for_case(case_id: int) -> list[WorkflowInstance]:
    return list(db.session.scalars(sa.select(WorkflowInstance).where(
        WorkflowInstance.case_id == case_id).order_by(WorkflowInstance.id)))


def diagram_for(instance: WorkflowInstance) -> dict:
    """The instance's diagram with states marked: the one read that deserializes a workflow
    (one case page, one instance), never a list."""
    from victimcare.workflow import diagram
    from victimcare.workflow.labels import element_title

    definition = _definition_for(instance)
    workflow = engine.load(instance.serialized, definition)
    done, current, waiting = engine.element_states(workflow)
    return diagram.build(definition, done, waiting, current, label=element_title)


def may_follow_up(user: User, alert: Alert) -> bool:
    """An alert whose process has ended (nothing else will clear it, e.g. a period that ran
    out) can be marked as followed up by someone in its lane who may see the case. Alerts of
    running processes end with the process; housing's alerts have their own follow-up."""
    if alert.instance_id is None:
        return False
    if user.role not in LANE_ROLES.get(alert.lane, set()):
        return False
    instance = db.session.get(WorkflowInstance, alert.instance_id)
    if instance is None or instance.status == InstanceStatus.RUNNING:
        return False
    return policy.can_view_case(user, db.session.get(Case, alert.case_id))


def follow_up_alert(alert: Alert, user: User) -> None:
    if alert.resolved_at is not None:  # someone did already: nothing to do twice
        return
    alert.resolved_at, alert.resolved_by_id = clock.now(), user.id
    audit.record(user, "alert.followed_up", "alert", alert.id, case_id=alert.case_id,
                 details={"kind": alert.kind})
