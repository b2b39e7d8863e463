"""A process file changes: running instances stay on the version they started with until they
are migrated (``flask --app wsgi workflows migrate KEY``; docs/workflows.md)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tests.factories import make_case, make_org, make_user
from victimcare import create_app
from victimcare.accounts.models import OrganisationKind, Role, User
from victimcare.extensions import db
from victimcare.workflow import engine
from victimcare.workflow import services as workflow
from victimcare.workflow.models import InstanceStatus, WorkflowInstance, WorkflowTask

V1 = (engine.WORKFLOWS_DIR / "support_activity.bpmn").read_text()
# Version 2: CMM confirms the NGO's report before the activity is closed.
V2 = V1.replace(
    '<bpmn:sequenceFlow id="Flow_done" sourceRef="Task_carry_out" targetRef="End_done" />',
    '<bpmn:sequenceFlow id="Flow_done" sourceRef="Task_carry_out" targetRef="Task_confirm" />'
    '<bpmn:sequenceFlow id="Flow_confirmed" sourceRef="Task_confirm" targetRef="End_done" />',
).replace(
    '<bpmn:endEvent id="End_done" name="Activity done">\n      <bpmn:incoming>Flow_done',
    '<bpmn:userTask id="Task_confirm" name="Confirm activity"><bpmn:extensionElements>'
    '<spiffworkflow:properties><spiffworkflow:property name="formKey" value="activity_report"/>'
    '</spiffworkflow:properties></bpmn:extensionElements><bpmn:incoming>Flow_done'
    '</bpmn:incoming><bpmn:outgoing>Flow_confirmed</bpmn:outgoing></bpmn:userTask>'
    '<bpmn:endEvent id="End_done" name="Activity done">\n      <bpmn:incoming>Flow_confirmed',
).replace("<bpmn:flowNodeRef>End_rejected</bpmn:flowNodeRef>",
          "<bpmn:flowNodeRef>End_rejected</bpmn:flowNodeRef>"
          "<bpmn:flowNodeRef>Task_confirm</bpmn:flowNodeRef>")
# Version 3 drops the approval step altogether.
V3 = V1.replace('targetRef="Task_approve"', 'targetRef="Gateway_approved"')


def _task(instance_id: int, name: str) -> WorkflowTask | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(WorkflowTask).where(
        WorkflowTask.instance_id == instance_id, WorkflowTask.task_name == name,
        WorkflowTask.state == "ready"))


def _do(instance_id: int, name: str, data: dict, username: str) -> None:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    with db.transaction():
        workflow.complete_task(_task(instance_id, name), user, data, uuid.uuid4().hex)


def _app_with(tmp_path, settings, xml: str, label: str):
    """A second app (as after a deploy) on the same database, with the changed file."""
    db.session.commit()  # this app's session lets go of the database first
    folder = tmp_path / label
    folder.mkdir()
    (folder / "support_activity.bpmn").write_text(xml)
    changed = type(settings)(**{**settings.__dict__, "workflows_dir": str(folder)})
    return create_app(changed, instance_path=str(tmp_path / f"instance-{label}"))


@pytest.fixture
def two_running(app):
    assert V2 != V1 and "Task_confirm" in V2
    reden = make_org("Reden International", OrganisationKind.NGO)
    coordinator = make_user(Role.CMM_COORDINATOR, username="coord")
    make_user(Role.NGO_WORKER, reden, username="ngo")
    ids = []
    for _ in range(2):
        instance = workflow.start("support_activity", make_case(), coordinator)
        db.session.commit()
        ids.append(instance.id)
        _do(instance.id, "Task_propose", {
            "activity_kind": "course", "description": "Course", "organisation_id": reden.id,
            "due_at": "2026-03-20T22:59:00+00:00"}, "coord")
    db.session.commit()
    return ids


def test_a_running_instance_keeps_its_version_after_the_file_changes(tmp_path, settings,
                                                                     two_running):
    instance_id = two_running[0]
    with _app_with(tmp_path, settings, V2, "v2").app_context():
        _do(instance_id, "Task_approve", {"approved": True, "reason": ""}, "coord")
        _do(instance_id, "Task_carry_out", {"outcome": "done", "notes": ""}, "ngo")
        instance = db.session.get(WorkflowInstance, instance_id)
        assert instance.status == InstanceStatus.COMPLETED  # v1 has no confirmation step
        assert _task(instance_id, "Task_confirm") is None


def test_migration_moves_an_instance_to_the_new_version(tmp_path, settings, two_running):
    instance_id = two_running[1]
    open_before = _task(instance_id, "Task_approve").id
    app2 = _app_with(tmp_path, settings, V2, "v2")
    with app2.app_context():
        result = app2.test_cli_runner().invoke(args=["workflows", "migrate",
                                                     "support_activity"])
        assert result.exit_code == 0, result.output
        assert "2 instance(s) on an older version; 2 migrated" in result.output
        assert _task(instance_id, "Task_approve").id == open_before  # the inbox row stays
        _do(instance_id, "Task_approve", {"approved": True, "reason": ""}, "coord")
        _do(instance_id, "Task_carry_out", {"outcome": "done", "notes": ""}, "ngo")
        assert _task(instance_id, "Task_confirm") is not None  # the new step
        again = app2.test_cli_runner().invoke(args=["workflows", "migrate",
                                                    "support_activity"])
        assert "0 instance(s) on an older version" in again.output


def test_migration_is_refused_when_a_task_in_use_was_removed(tmp_path, settings, two_running):
    instance_id = two_running[0]
    app3 = _app_with(tmp_path, settings, V3, "v3")
    with app3.app_context():
        result = app3.test_cli_runner().invoke(args=["workflows", "migrate",
                                                     "support_activity"])
        assert "stays on its version" in result.output and "Task_approve" in result.output
        # It still runs on its own version.
        _do(instance_id, "Task_approve", {"approved": False, "reason": "No"}, "coord")
        assert db.session.get(WorkflowInstance, instance_id).status == InstanceStatus.COMPLETED
