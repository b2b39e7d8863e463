"""Need-to-know access: every access decision of the application is made here.

Deny by default. Two layers:

* **Endpoints**: ``ENDPOINT_ROLES`` lists, for every view, the roles that may call it.
  A view missing from the table is refused for everyone (``check_endpoint``), so a new route
  is closed until someone decides who needs it.
* **Records**: ``can_view_case`` and friends decide per case; views load cases only through
  ``load_case_or_404``, which answers 404 for a case the user may not see, exactly as for one
  that does not exist.

The rules (issue 3): CMM roles see CMM cases; an NGO worker sees only cases where the
worker's organisation holds an active assignment (a task or placement), and then only the
minimal fields, never the case page; an Immigration Service officer sees only cases the
police presented to the Immigration Service; an administrator sees no case content.
"""

from __future__ import annotations

import re
from typing import Literal

import sqlalchemy as sa
from flask import abort

from victimcare.accounts.models import (
    ROLE_ORGANISATION_KINDS,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from victimcare.cases.models import Case, CaseAssignment
from victimcare.extensions import db

PUBLIC = "public"
REFERENCE_PATTERN = re.compile(r"VC-\d{4}-\d{5,9}")
ANY_USER = frozenset(Role)
CMM = frozenset({Role.CMM_COORDINATOR, Role.CMM_CONTACT_PERSON})
CASEWORKERS = CMM | {Role.NGO_WORKER, Role.IMMIGRATION_OFFICER}

#: endpoint -> roles that may call it (or PUBLIC). Keep in step with tests/accounts/test_routes.py.
ENDPOINT_ROLES: dict[str, frozenset[Role] | str] = {
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.set_locale": PUBLIC,
    "main.healthz": PUBLIC,
    "auth.logout": ANY_USER,
    "auth.change_password": ANY_USER,
    "main.dashboard": ANY_USER,
    "cases.list_cases": CASEWORKERS,
    "cases.show_case": CMM | {Role.IMMIGRATION_OFFICER},
    "cases.case_audit": frozenset({Role.CMM_COORDINATOR}),
    "identification.new_referral": CMM,
    "identification.show_interview": CMM | {Role.IMMIGRATION_OFFICER},
    "identification.new_disclosure": CMM,
    "support.residence_ended": CMM,
    "support.contact_person": frozenset({Role.CMM_COORDINATOR}),
    "tasks.inbox": CASEWORKERS,
    "tasks.show_task": CASEWORKERS,
    "tasks.claim_task": CASEWORKERS,
    "tasks.release_task": CASEWORKERS,
    "tasks.assign_task": frozenset({Role.CMM_COORDINATOR}),
    "tasks.start_process": CMM,
    "tasks.follow_up_alert": CASEWORKERS,
    "admin.list_users": frozenset({Role.ADMIN}),
    "admin.new_user": frozenset({Role.ADMIN}),
    "admin.edit_user": frozenset({Role.ADMIN}),
    "admin.list_organisations": frozenset({Role.ADMIN}),
    "admin.new_organisation": frozenset({Role.ADMIN}),
    # Housing (issue 6): CMM places people and keeps the facility register.
    "housing.occupancy": CMM,
    "housing.new_facility": frozenset({Role.CMM_COORDINATOR}),
    "housing.edit_facility": frozenset({Role.CMM_COORDINATOR}),
    "housing.new_placement": CMM,
    "housing.end_placement": CMM,
    "housing.follow_up": CMM,
    # Prepared return (issue 7): the contact person offers it; CMM records a disappearance.
    "returns.offer": CMM,
    "returns.left_without_notice": CMM,
    "returns.rates": frozenset({Role.CMM_COORDINATOR}),
    "returns.save_partner": frozenset({Role.CMM_COORDINATOR}),
    # Documents for the person (issue 8): who may see the case makes its documents; CMM
    # records signed consents; the 1a questions hold no case data, so interviewers at NGOs
    # may show them too.
    "documents.case_documents": CMM | {Role.IMMIGRATION_OFFICER},
    "documents.set_language": CMM,
    "documents.show_document": CMM | {Role.IMMIGRATION_OFFICER},
    "documents.document_pdf": CMM | {Role.IMMIGRATION_OFFICER},
    "documents.new_consent": CMM,
    "documents.interview_questions": CASEWORKERS,
    "documents.rights_leaflet": CMM | {Role.NGO_WORKER},
    "documents.rights_leaflet_pdf": CMM | {Role.NGO_WORKER},
}


def endpoint_access(endpoint: str | None) -> frozenset[Role] | str | None:
    """The roles for an endpoint, PUBLIC, or None (unknown endpoint: nobody)."""
    if endpoint is None:
        return None
    return ENDPOINT_ROLES.get(endpoint)


def may_call(user: User, endpoint: str) -> bool:
    allowed = endpoint_access(endpoint)
    if allowed == PUBLIC:
        return True
    if allowed is None or not getattr(user, "is_authenticated", False):
        return False
    return user.role in allowed


def _is_cmm(user: User) -> bool:
    return user.role in CMM and user.organisation.kind == OrganisationKind.CMM


def _active_assignment(user: User):
    return sa.exists().where(
        CaseAssignment.case_id == Case.id,
        CaseAssignment.organisation_id == user.organisation_id,
        CaseAssignment.is_active.is_(True),
    )


def _case_condition(user: User, detail: Literal["full", "minimal"]):
    """A SQL condition selecting the cases ``user`` may see at the given level of detail."""
    if _is_cmm(user):
        cmm_orgs = sa.select(Organisation.id).where(Organisation.kind == OrganisationKind.CMM)
        return Case.owner_organisation_id.in_(cmm_orgs)
    if _is_immigration(user):
        return Case.presented_to_immigration_at.is_not(None)
    if user.role == Role.NGO_WORKER and detail == "minimal":
        return _active_assignment(user)
    return sa.false()


def _is_immigration(user: User) -> bool:
    return (user.role == Role.IMMIGRATION_OFFICER
            and user.organisation.kind == OrganisationKind.IMMIGRATION_SERVICE)


def case_detail_level(user: User) -> Literal["full", "minimal", "none"]:
    """How much of a case the user's role may ever see."""
    if _is_cmm(user) or _is_immigration(user):
        return "full"
    if user.role == Role.NGO_WORKER:
        return "minimal"
    return "none"


def visible_cases(user: User) -> sa.Select:
    """The cases to list for ``user`` (at the user's detail level)."""
    level = case_detail_level(user)
    condition = sa.false() if level == "none" else _case_condition(user, level)
    return sa.select(Case).where(condition)


def can_view_case(user: User, case: Case) -> bool:
    """May the user open the case page (full detail)?"""
    if case_detail_level(user) != "full":
        return False
    if _is_cmm(user):
        return case.owner_organisation.kind == OrganisationKind.CMM
    return case.presented_to_immigration_at is not None


#: Which documents for the person each role makes (victimcare.documents): CMM all of them;
#: the Immigration Service the decision it takes, not CMM's consent, rights leaflet or the
#: reintegration plan and budget (need to know).
DOCUMENT_KINDS_BY_ROLE: dict[Role, frozenset[str]] = {
    Role.CMM_COORDINATOR: frozenset({"rights", "consent", "decision", "plan"}),
    Role.CMM_CONTACT_PERSON: frozenset({"rights", "consent", "decision", "plan"}),
    Role.IMMIGRATION_OFFICER: frozenset({"decision"}),
}


def may_make_document(user: User, case: Case, kind: str) -> bool:
    return (kind in DOCUMENT_KINDS_BY_ROLE.get(user.role, frozenset())
            and can_view_case(user, case))


def can_view_case_audit(user: User, case: Case) -> bool:
    return user.role == Role.CMM_COORDINATOR and can_view_case(user, case)


def load_case_or_404(reference: str, user: User, need: str = "view") -> Case:
    """Load a case by reference; 404 if it does not exist *or* the user may not see it."""
    if not REFERENCE_PATTERN.fullmatch(reference):
        abort(404)
    case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
    checks = {"view": can_view_case, "audit": can_view_case_audit}
    if case is None or need not in checks or not checks[need](user, case):
        abort(404)
    return case


def can_manage_users(user: User) -> bool:
    return user.role == Role.ADMIN


def assignable_roles(organisation_kind: OrganisationKind) -> list[Role]:
    return [r for r in Role if organisation_kind in ROLE_ORGANISATION_KINDS[r]]
