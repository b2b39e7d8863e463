"""Writing and reading the audit log."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request

from victimcare import clock
from victimcare.audit.models import AuditEvent
from victimcare.extensions import db
from victimcare.i18n import _l

INSERT = sa.insert(AuditEvent.__table__)


def record(actor: Any, action: str, subject_type: str, subject_id: object,
           **where: Any) -> None:
    """Write an audit row in the current transaction; it commits (or not) with the change.
    A Core insert on the session's connection: no unit-of-work flush for an append-only row.
    ``where``: ``case_id`` and ``details``, as for ``row``."""
    db.session.connection().execute(INSERT, row(actor, action, subject_type, subject_id,
                                                **where))


def row(
    actor: Any,
    action: str,
    subject_type: str,
    subject_id: object,
    *,
    case_id: int | None = None,
    details: dict | None = None,
) -> dict:
    """The values of one audit row, for ``record`` or for a caller that writes it together
    with its other rows (a task completion: ``victimcare.workflow.services``)."""
    return dict(
        occurred_at=clock.now(),
        actor_id=getattr(actor, "id", None),
        actor_organisation_id=getattr(actor, "organisation_id", None),
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        case_id=case_id,
        ip_address=request.remote_addr if has_request_context() else None,
        details=details or None,
    )


def events_for_case(case_id: int, limit: int = 500) -> list[AuditEvent]:
    stmt = (
        sa.select(AuditEvent)
        .where(AuditEvent.case_id == case_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


#: How each action key reads to a person (translated when shown, stored as keys).
ACTION_LABELS = {
    "case.created": _l("Opened the case"),
    "case.viewed": _l("Viewed the case"),
    "case.listed": _l("Saw the case in a list"),
    "case.audit_viewed": _l("Viewed the audit log"),
    "case.assigned": _l("Assigned work to an organisation"),
    "auth.login": _l("Logged in"),
    "auth.logout": _l("Logged out"),
    "auth.login_failed": _l("Failed log-in"),
    "auth.locked": _l("Account locked after failed log-ins"),
    "auth.login_refused_locked": _l("Log-in refused: account locked"),
    "auth.login_refused_inactive": _l("Log-in refused: account disabled"),
    "user.created": _l("Created an account"),
    "user.updated": _l("Changed an account"),
    "user.password_changed": _l("Changed the password"),
    "user.password_change_failed": _l("Wrong current password when changing the password"),
    "process.started": _l("Started a process"),
    "process.migrated": _l("Moved a process to a new version"),
    "task.completed": _l("Completed a task"),
    "task.claimed": _l("Took a task"),
    "task.released": _l("Gave a task back"),
    "task.assigned": _l("Assigned a task"),
    "task.draft_rescued": _l("Draft kept when the session timed out"),
    "organisation.created": _l("Created an organisation"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def actor_names(events: list[AuditEvent]) -> dict[int, str]:
    from victimcare.accounts.models import User

    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}
