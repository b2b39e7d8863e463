"""Use cases for persons and cases: create, list through the policy, open (audited)."""

from __future__ import annotations

import uuid
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from victimcare import clock
from victimcare.accounts import policy
from victimcare.accounts.models import Organisation, User
from victimcare.audit import services as audit
from victimcare.cases.models import AssignmentKind, Case, CaseAssignment, CaseStatus, Person
from victimcare.extensions import db

LIST_LIMIT = 200


def create_case(actor: User | None, person: Person, owner: Organisation, **fields) -> Case:
    """Open a case; its reference (``VC-<year>-<id>``) is fixed from the row id."""
    case = Case(person=person, owner_organisation=owner,
                reference=f"tmp-{uuid.uuid4().hex[:15]}", **fields)
    db.session.add(case)
    db.session.flush()
    case.reference = f"VC-{clock.now().year}-{case.id:05d}"
    audit.record(actor, "case.created", "case", case.id, case_id=case.id)
    return case


def assign_organisation(actor: User | None, case: Case, organisation: Organisation,
                        kind: AssignmentKind, description: str) -> CaseAssignment:
    assignment = CaseAssignment(case=case, organisation=organisation, kind=kind,
                                description=description)
    db.session.add(assignment)
    db.session.flush()
    audit.record(actor, "case.assigned", "case_assignment", assignment.id, case_id=case.id,
                 details={"organisation_id": organisation.id, "kind": kind.value})
    return assignment


def list_cases(user: User, query: str = "") -> list[Case]:
    """The cases the user may see, newest first; each one shown is an audited read (a list
    shows names too)."""
    stmt = policy.visible_cases(user).options(
        selectinload(Case.assignments).selectinload(CaseAssignment.task))
    query = query.strip()
    if query:
        stmt = stmt.where(Case.reference.ilike(f"%{query}%"))
    stmt = stmt.order_by(Case.created_at.desc(), Case.id.desc()).limit(LIST_LIMIT)
    cases = list(db.session.scalars(stmt).unique())
    for case in cases:
        audit.record(user, "case.listed", "case", case.id, case_id=case.id)
    return cases


def open_case(user: User, reference: str) -> Case:
    """The case page: load through the policy (404 otherwise) and audit the read."""
    case = policy.load_case_or_404(reference, user)
    audit.record(user, "case.viewed", "case", case.id, case_id=case.id)
    return case


def claim_case_version(case: Case, version) -> None:
    """An edit of the case made from the form of ``version``: refused (ConcurrentEditError)
    if someone saved the case since the form was opened."""
    from victimcare.db import bump_version
    from victimcare.i18n import _

    bump_version(case, version, _("Someone else changed this case just before you. Check "
                                  "the case page and try again."))


def case_audit_trail(user: User, reference: str):
    case = policy.load_case_or_404(reference, user, need="audit")
    audit.record(user, "case.audit_viewed", "case", case.id, case_id=case.id)
    return case, audit.events_for_case(case.id)


def dashboard_summary(user: User) -> dict:
    visible = policy.visible_cases(user).subquery()
    rows = db.session.execute(sa.select(visible.c.status, sa.func.count()).group_by(
        visible.c.status)).all()
    counts = Counter({CaseStatus(status): n for status, n in rows})
    return {"by_status": [(s, counts.get(s, 0)) for s in CaseStatus],
            "total": sum(counts.values())}


def active_assignments(user: User, case: Case) -> list[CaseAssignment]:
    return [a for a in case.assignments
            if a.is_active and a.organisation_id == user.organisation_id]
