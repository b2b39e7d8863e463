"""Builders for test data: the story of a test, not rows by hand."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from victimcare.accounts import services as accounts
from victimcare.accounts.models import Organisation, OrganisationKind, Role, User
from victimcare.cases import services as cases
from victimcare.cases.models import AssignmentKind, Case, Person
from victimcare.extensions import db

PASSWORD = "a-long-test-password"
_seq = itertools.count(1)

DEFAULT_ORG = {
    Role.CMM_COORDINATOR: ("CMM", OrganisationKind.CMM),
    Role.CMM_CONTACT_PERSON: ("CMM", OrganisationKind.CMM),
    Role.NGO_WORKER: ("Reden International", OrganisationKind.NGO),
    Role.IMMIGRATION_OFFICER: ("Udlændingestyrelsen", OrganisationKind.IMMIGRATION_SERVICE),
    Role.ADMIN: ("CMM", OrganisationKind.CMM),
}


def make_org(name: str = "CMM", kind: OrganisationKind = OrganisationKind.CMM) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=kind)
        db.session.add(org)
        db.session.commit()
    return org


def make_user(role: Role = Role.CMM_CONTACT_PERSON, org: Organisation | None = None,
              username: str | None = None, locale: str = "en", **kw) -> User:
    org = org or make_org(*DEFAULT_ORG[role])
    user = accounts.create_user(None, username=username or f"{role.value}{next(_seq)}",
                                full_name=kw.pop("full_name", "Test Person"), organisation=org,
                                role=role, password=kw.pop("password", PASSWORD), locale=locale)
    for key, value in kw.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def make_case(owner: Organisation | None = None, *, presented: bool = False,
              assigned_to: Organisation | None = None, given_name: str = "Ioana",
              **person) -> Case:
    from victimcare import clock

    owner = owner or make_org()
    case = cases.create_case(
        None, Person(given_name=given_name, family_name=person.pop("family_name", "Popescu"),
                     **person), owner,
        presented_to_immigration_at=clock.now() if presented else None)
    if assigned_to is not None:
        cases.assign_organisation(None, case, assigned_to, AssignmentKind.TASK,
                                  "Accompaniment to the dentist")
    db.session.commit()
    return case


def run_support_activity(case: Case, coordinator: User, organisation: Organisation,
                         due_at: str = "2026-03-05T22:59:00+00:00", approve: bool = True):
    """Start the support-activity process and take it to the NGO's task (or the rejection)."""
    import uuid

    from victimcare.workflow import services as workflow
    from victimcare.workflow.models import WorkflowTask

    instance = workflow.start("support_activity", case, coordinator)
    db.session.commit()
    steps = [
        ("Task_propose", {"activity_kind": "accompaniment", "description": "Dentist visit",
                          "organisation_id": organisation.id, "due_at": due_at}),
        ("Task_approve", {"approved": approve, "reason": "" if approve else "Not needed"}),
    ]
    for name, data in steps:
        task = db.session.scalar(sa.select(WorkflowTask).where(
            WorkflowTask.instance_id == instance.id, WorkflowTask.task_name == name,
            WorkflowTask.state == "ready"))
        workflow.complete_task(task, coordinator, data, uuid.uuid4().hex)
        db.session.commit()
    return instance


def open_task(case: Case, name: str):
    from victimcare.workflow.models import WorkflowTask

    db.session.expire_all()
    return db.session.scalar(sa.select(WorkflowTask).where(
        WorkflowTask.case_id == case.id, WorkflowTask.task_name == name,
        WorkflowTask.state == "ready"))
