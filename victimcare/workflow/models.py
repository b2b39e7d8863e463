"""Process instances and the plain-SQL projections of them.

The serialized workflow lives in ``WorkflowInstance``; everything a list, inbox, dashboard or
report needs is projected into ordinary rows (``WorkflowTask``, ``CaseEvent``, ``Alert``) when
the instance is saved, so nothing but the engine step ever deserializes a workflow.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victimcare import clock
from victimcare.accounts.models import Organisation, User, _enum
from victimcare.db import Base, UTCDateTime


class ProcessVersion(Base):
    """One version of a BPMN file, kept for as long as instances run on it."""

    __tablename__ = "process_versions"
    __table_args__ = (sa.UniqueConstraint("process_key", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(sa.String(64))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    file_name: Mapped[str] = mapped_column(sa.String(200))
    bpmn_xml: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class InstanceStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    #: Stopped by the application (e.g. a restitution period that ended with lawful
    #: residence, replaced by a new reflection process).
    CANCELLED = "cancelled"


class WorkflowInstance(Base):
    __tablename__ = "workflow_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    process_key: Mapped[str] = mapped_column(sa.String(64))
    process_version_id: Mapped[int] = mapped_column(sa.ForeignKey("process_versions.id"))
    status: Mapped[InstanceStatus] = mapped_column(_enum(InstanceStatus),
                                                   default=InstanceStatus.RUNNING)
    #: SpiffWorkflow's JSON without the spec (the spec is in process_versions).
    serialized: Mapped[str] = mapped_column(sa.Text)
    serializer_version: Mapped[str] = mapped_column(sa.String(16))
    #: Optimistic lock: every save bumps it; a save from an older version is refused.
    version: Mapped[int] = mapped_column(default=1)
    #: When the earliest waiting timer is due: the sweep reads only rows due now.
    next_timer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    process_version: Mapped[ProcessVersion] = relationship()


class TaskState(enum.StrEnum):
    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class WorkflowTask(Base):
    """A user task: open (in someone's inbox) or done (in the case history)."""

    __tablename__ = "workflow_tasks"
    __table_args__ = (
        sa.UniqueConstraint("instance_id", "spiff_task_id"),
        sa.Index("ix_workflow_tasks_inbox", "state", "lane", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("workflow_instances.id"))
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(sa.String(36))
    #: The BPMN element id and the form it names.
    task_name: Mapped[str] = mapped_column(sa.String(64))
    form_key: Mapped[str] = mapped_column(sa.String(64))
    lane: Mapped[str] = mapped_column(sa.String(32))
    #: For an NGO-lane task: the one organisation whose workers may see and do it.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"),
                                                        index=True)
    #: Claimed by, or assigned by a coordinator to, one person.
    assigned_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    state: Mapped[TaskState] = mapped_column(_enum(TaskState), default=TaskState.READY)
    #: The deadline: the earliest boundary timer on the task.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The form submission that completed it: a resubmission of the same form is a no-op.
    completion_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: What the task shows of the process data (its form's ``context_keys``), copied when
    #: the task opens so the task page needs no workflow.
    context: Mapped[dict | None] = mapped_column(sa.JSON)
    #: What was submitted, shown read-only in the case history.
    data: Mapped[dict | None] = mapped_column(sa.JSON)

    instance: Mapped[WorkflowInstance] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    assigned_user: Mapped[User | None] = relationship(foreign_keys=[assigned_user_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])


class TaskDraft(Base):
    """A half-filled task form, kept per user until the task is completed."""

    __tablename__ = "task_drafts"
    __table_args__ = (sa.UniqueConstraint("task_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("workflow_tasks.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    data: Mapped[dict] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class CaseEvent(Base):
    """One line of a case's timeline: what happened, who, when, the decision."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: process_started, task_completed, alert, process_completed
    kind: Mapped[str] = mapped_column(sa.String(32))
    process_key: Mapped[str] = mapped_column(sa.String(64))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workflow_tasks.id"))
    name: Mapped[str] = mapped_column(sa.String(64))

    actor: Mapped[User | None] = relationship()
    task: Mapped[WorkflowTask | None] = relationship()


class Alert(Base):
    """A deadline that passed, raised by a BPMN timer, on the dashboards of those responsible;
    or an event outside any process (a person left housing without notice, victimcare.housing)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: The process that raised it; its alerts resolve when it finishes. None: raised by a
    #: domain module, which resolves it itself.
    instance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workflow_instances.id"),
                                                    index=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    lane: Mapped[str] = mapped_column(sa.String(32))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
